"""The interactive phase of a page: what only using it shows, each part bounded in time.

Run after the document facts and axe-core, in the same tab, in this order:

- ``images``: the GIF, PNG and WebP images the page loaded (at most ``MAX_IMAGES``, each at most
  ``MAX_IMAGE_BYTES``) have their bytes read from the browser for frame timing and loop count
  (crawlers/animation.py, Pillow; images left after ``IMAGE_DECODE_MS`` of it are not examined);
  for the animated ones, the <img> elements showing them and the buttons beside them. A page that
  loaded none costs nothing;
- ``motion``: running animations, elements scripts kept changing since the load event (noted by
  watch.js, an init script; a page that keeps changing is watched until ``WATCH_MS`` after its load)
  and the page's buttons (every page is watched ``WATCH_MIN_MS`` after its load first, so an update
  every quarter second shows twice); where something could flash, its luminance is read: at exact times
  (every 10 ms over one second, its animations moved forward and put back) where only animations change it,
  so that a loaded machine reads it as an idle one does; frame by frame for ``FLASH_SAMPLE_MS`` where a
  script restyles or draws it (canvases, videos);
- ``text_resize``: every text's font size doubled in the page (WCAG 1.4.4), boxes that now clip;
- ``keyboard``: Tab pressed from the top of the page at most ``TAB_PRESSES`` times, through same-origin
  frames too (their elements are named ``frame-selector >>> element-selector``); when focus comes
  back to where it was before reaching the end, Tab, Escape then Tab, and Shift+Tab are tried to leave.
  When the walk found no cycle and did not reach the end of the page, up to ``DEEP_WIDGETS`` widgets
  it did not reach (composite-widget roles, custom elements) are focused by script and tried the same way.
  The walk's presses go in one batch, faster than a page timer: a focus-leaving listener that takes
  focus back after a few milliseconds (the W3C's ACT rule 80af7b's failed examples) is not seen by it.
  So, when no trap was found, up to ``REFOCUS_MOST`` tabbable elements with such a listener of their
  own are each focused by script and left by one Tab, focus read ``REFOCUS_MS`` later; focus brought
  back (to where it was, or before it) is tried as a cycle is, reading ``REFOCUS_MS`` after every key.
  Spell checking is off meanwhile (``spellcheck="false"``, put back after): a field focused by real
  keys made Chromium fetch its dictionary from its vendor, an address outside the audit;
- ``hover``: at most ``HOVER_PROBES`` controls with hidden content beside them, each focused, then
  hovered with the mouse;
- ``reflow``: the window narrowed to 320 CSS px as a desktop browser (WCAG 1.4.10), then put back.

Each part gets at most ``PART_MS[part]`` and all together at most ``TOTAL_MS``; a part that does not
finish in time, or that the page breaks, is named in ``undecided`` (its checks then say "not
assessable" for the page) and the page's other facts stand. Nothing here judges: thresholds are the
checks'. Measured cost on plain pages: see the README (barrier checks).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page as PwPage

from crawlers.animation import timing
from crawlers.tabs import close_quietly, one_line

log = logging.getLogger("maturity.browser")

PART_MS = {"images": 500, "motion": 2200, "text_resize": 600, "keyboard": 1500, "hover": 1000, "reflow": 800}
TOTAL_MS = 3000  # the hard cap for one page, all parts together
TAB_PRESSES = 20  # the walk stops earlier on a page with fewer elements in its tab order
HOVER_PROBES = 4
DEEP_WIDGETS = 3  # widgets beyond the walk focused by script and tried, when the walk did not reach the end
DEEP_MOST = 8  # a widget with more tabbable elements is not tried (Tab could stay inside it honestly)
REFOCUS_MOST = 3  # elements with a focus-leaving listener of their own tried for focus brought back
REFOCUS_MS = 60  # focus read this long after each of those key presses: page timers shorter than it have run
REFOCUS_BEFORE_MS = 900  # they are tried while the keyboard part has taken less than this
FLASH_SAMPLE_MS = 500  # only where a script restyles something, or a canvas or video changes
WATCH_MS = 1500  # a page scripts keep changing is watched this long after its load event, at least
WATCH_MIN_MS = 600  # every page is watched this long after its load event before deciding it is still
MAX_IMAGES = 30  # GIF, PNG and WebP images read per page; the rest are named as not examined
MAX_IMAGE_BYTES = 2_000_000  # a larger image is named as not examined
IMAGE_DECODE_MS = 300  # images left once their timing (Pillow decodes the frames) has taken this long are not examined
REFLOW_WIDTH = 320  # WCAG 2.2 SC 1.4.10: 320 CSS px wide (1280 px at 400 % zoom)
PARTS = tuple(PART_MS)


async def interact(page: PwPage, script: str, images: list[Any] | None = None) -> dict[str, Any]:
    """The page's :class:`~maturity.core.model.InteractionFacts`, as plain JSON. ``images``: the
    page's GIF, PNG and WebP responses (Playwright responses, as ``NetworkLog.images`` keeps them)."""

    async def call(part: str, arg: dict[str, Any] | None = None) -> Any:
        return await page.evaluate(script, {"part": part, "arg": arg or {}})

    facts: dict[str, Any] = {"ms": {}, "undecided": {}}
    runs: dict[str, Callable[[], Awaitable[None]]] = {
        "images": lambda: _images(call, facts, images or []),
        "motion": lambda: _motion(call, facts),
        "text_resize": lambda: _text_resize(call, facts),
        "keyboard": lambda: _keyboard(page, call, facts),
        "hover": lambda: _hover(page, call, facts),
        "reflow": lambda: _reflow(page, call, facts),
    }
    began = time.perf_counter()
    for part in PARTS:
        left = TOTAL_MS - (time.perf_counter() - began) * 1000
        limit = min(PART_MS[part], left)
        if limit <= 0 or page.is_closed():
            facts["undecided"][part] = "no time was left for it on this page" if limit <= 0 else "the tab was closed"
            continue
        started = time.perf_counter()
        try:
            await asyncio.wait_for(runs[part](), limit / 1000)
        except TimeoutError:
            facts["undecided"][part] = f"did not finish within {limit:.0f} ms"
        except PlaywrightError as exc:
            facts["undecided"][part] = f"the page broke it: {one_line(exc)}"
        except Exception as exc:  # facts the page made unreadable (or our bug): this part only
            log.exception("interaction part %s failed", part)
            facts["undecided"][part] = f"failed: {type(exc).__name__}: {one_line(exc)}"
        facts["ms"][part] = round((time.perf_counter() - started) * 1000, 1)
        if part in facts["undecided"]:
            facts.pop(part, None)
    if not page.is_closed():
        try:
            await asyncio.wait_for(call("cleanup"), 1)
        except (TimeoutError, PlaywrightError):
            pass
    return facts


Call = Callable[..., Awaitable[Any]]


async def _images(call: Call, facts: dict[str, Any], responses: list[Any]) -> None:
    picked: dict[str, Any] = {}
    skipped: list[str] = []
    # GIF and WebP first (often animated), PNG last (rarely: APNG), so the cap falls on the likeliest still ones
    png = [r for r in responses if (r.headers.get("content-type") or "").lower().startswith("image/png")]
    for response in [*(r for r in responses if r not in png), *png]:
        url = response.url
        if url in picked or any(s.startswith(url[:300] + ": ") for s in skipped):
            continue
        size = response.headers.get("content-length")
        if len(picked) >= MAX_IMAGES:
            skipped.append(f"{url[:300]}: more than {MAX_IMAGES} images on the page")
        elif size and size.isdigit() and int(size) > MAX_IMAGE_BYTES:
            skipped.append(f"{url[:300]}: {int(size):,} bytes, more than {MAX_IMAGE_BYTES:,}")
        else:
            picked[url] = response
    bodies = await asyncio.gather(*(r.body() for r in picked.values()), return_exceptions=True)
    found: list[dict[str, Any]] = []
    began = time.perf_counter()
    read = 0
    for url, body in zip(picked, bodies, strict=True):
        if isinstance(body, BaseException):
            found.append({"url": url[:2000], "error": f"its bytes could not be read: {one_line(body)}"})
            continue
        if len(body) > MAX_IMAGE_BYTES:
            skipped.append(f"{url[:300]}: {len(body):,} bytes, more than {MAX_IMAGE_BYTES:,}")
            continue
        if (time.perf_counter() - began) * 1000 > IMAGE_DECODE_MS:
            skipped.append(f"{url[:300]}: not timed, the page's other images took {IMAGE_DECODE_MS} ms")
            continue
        read += 1
        t = timing(body)  # synchronous: at most MAX_PIXELS decoded (crawlers/animation.py)
        if t.animated or t.error is not None:
            found.append(
                {"url": url[:2000], "format": t.format, "frames": t.frames, "loop_ms": t.loop_ms, "plays": t.plays}
                | ({"error": t.error} if t.error else {"states": [list(state) for state in t.states]})
            )
    if found:
        where = await call("images", {"urls": [f["url"] for f in found]})
        for f, w in zip(found, where, strict=True):
            f.update(w)
    facts["images"] = {"examined": read, "animated": found[:50], "skipped": skipped[:20]}


async def _motion(call: Call, facts: dict[str, Any]) -> None:
    facts["motion"] = await call("motion", {"sample_ms": FLASH_SAMPLE_MS, "watch_ms": WATCH_MS, "min_ms": WATCH_MIN_MS})


async def _text_resize(call: Call, facts: dict[str, Any]) -> None:
    out = await call("text_resize")
    facts["text_resize"], facts["resize_boxes"] = out["clipped"], out["boxes"]


KEYS = {
    "Tab": {"key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9},
    "Shift+Tab": {"key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9, "modifiers": 8},
    "Escape": {"key": "Escape", "code": "Escape", "windowsVirtualKeyCode": 27},
}


async def press(cdp: Any, key: str) -> None:
    """One key pressed and released, as the browser's input (the page cannot tell it from a person's)."""
    await cdp.send("Input.dispatchKeyEvent", {"type": "rawKeyDown", **KEYS[key]})
    await cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", **KEYS[key]})


async def _keyboard(page: PwPage, call: Call, facts: dict[str, Any]) -> None:
    began = time.perf_counter()
    start = await call("keyboard_start")
    presses = min(TAB_PRESSES, int(start["tabbable"]) + 2)
    cdp = await page.context.new_cdp_session(page)
    try:
        # All presses sent at once, key down and key up in turn: the browser handles input events one
        # after another, in order, and the page notes where focus was at each; one round trip in all.
        events = [{"type": kind, **KEYS["Tab"]} for _ in range(presses) for kind in ("rawKeyDown", "keyUp")]
        await asyncio.gather(*(cdp.send("Input.dispatchKeyEvent", event) for event in events))
        walk = await call("keyboard_read")
        stops = align(walk, presses)
        cycle = find_cycle(stops)
        if cycle is not None:
            inside = set(cycle.pop("keys_in"))

            async def in_cycle(now: dict[str, Any]) -> bool:
                return now.get("kind") == "element" and int(now.get("key", 0)) in inside

            cycle = await _try_to_leave(cdp, call, cycle, in_cycle, len(inside))
        elif int(start["tabbable"]) > presses and not any(s.get("kind") == "none" for s in stops):
            cycle = await _deep_widgets(cdp, call)
        refocus = {"listed": 0, "tried": 0}
        if cycle is None or cycle["escaped"]:
            trap = await _refocus(cdp, call, began, refocus)
            cycle = trap or cycle
    finally:
        await cdp.detach()
    facts["keyboard"] = {
        "presses": presses,
        "tabbable": start["tabbable"],
        "stops": stops,
        "cycle": cycle,
        "refocus_listed": refocus["listed"],
        "refocus_tried": refocus["tried"],
    }


async def _refocus(cdp: Any, call: Call, began: float, counts: dict[str, int]) -> dict[str, Any] | None:
    """Focus brought back: each tabbable element with a focus-leaving listener of its own (at most
    ``REFOCUS_MOST``, while the keyboard part has taken less than ``REFOCUS_BEFORE_MS``) is focused by
    script and left by Tab; focus found ``REFOCUS_MS`` later where it was, or before it, is tried as a
    cycle is, reading ``REFOCUS_MS`` after every key. The first trap found, else None; ``counts`` gets
    how many elements were listed and tried."""
    counts["listed"] = int(await call("refocus_list", {"max": REFOCUS_MOST}))

    async def read() -> dict[str, Any]:
        return dict(await call("refocus_read", {"ms": REFOCUS_MS}))

    async def held(now: dict[str, Any]) -> bool:
        return bool(now.get("held"))

    for k in range(counts["listed"]):
        if (time.perf_counter() - began) * 1000 > REFOCUS_BEFORE_MS:
            break
        counts["tried"] += 1
        start = await call("refocus_start", {"k": k, "ms": REFOCUS_MS})
        if start.get("kind") != "element":
            continue
        await press(cdp, "Tab")
        now = await call("refocus_read", {"ms": REFOCUS_MS, "grow": True})
        if not now.get("back"):
            continue
        selectors = list(dict.fromkeys([start["selector"], now["selector"]]))
        modal = bool(start.get("modal")) and bool(now.get("modal"))
        cycle = {"selectors": selectors, "text": start.get("text", ""), "modal": modal, "refocus": True}
        left = await _try_to_leave(cdp, call, cycle, held, len(selectors), read=read)
        if not left["escaped"]:
            return left
    return None


async def _deep_widgets(cdp: Any, call: Call) -> dict[str, Any] | None:
    """Beyond the walk: each widget it did not reach (at most ``DEEP_WIDGETS``, each with at most
    ``DEEP_MOST`` tabbable elements) has its first element focused by script, then Tab pressed once
    more than it has tabbable elements: focus still inside it is tried as a cycle is (Tab, Escape then
    Tab, Shift+Tab). The first trap found, else None."""
    counts = await call("deep_widgets", {"max": DEEP_WIDGETS, "most": DEEP_MOST})

    async def in_widget(now: dict[str, Any]) -> bool:
        return bool(now.get("in_widget"))

    for k, count in enumerate(counts):
        first = await call("deep_focus", {"k": k})
        # from its first element, a widget that lets focus go is left by now (the presses sent in one batch)
        tabs = [{"type": kind, **KEYS["Tab"]} for _ in range(int(count) + 1) for kind in ("rawKeyDown", "keyUp")]
        await asyncio.gather(*(cdp.send("Input.dispatchKeyEvent", event) for event in tabs))
        now = await call("focus_now")
        if not now.get("in_widget"):
            continue
        selectors = list(dict.fromkeys([first.get("selector", ""), now.get("selector", "")]))
        modal = bool(first.get("modal"))
        cycle = {"selectors": selectors, "text": first.get("text", ""), "modal": modal, "direct": True}
        left = await _try_to_leave(cdp, call, cycle, in_widget, int(count))
        if not left["escaped"]:
            return left
    return None


def align(walk: list[dict[str, Any]], presses: int) -> list[dict[str, Any]]:
    """Focus after each press. The page (and each same-origin frame in it) notes each press as its key
    goes down (where focus was after the one before) and the last reading follows the last press;
    once focus is inside a cross-origin frame that frame's document gets the keys, so the notes stop:
    the walk is cut there, ending on the frame."""
    if len(walk) >= presses:
        return walk[:presses]
    return [*walk[:-1], {"kind": "frame", "selector": ""}]


def find_cycle(stops: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Focus back on an element visited since the walk last passed the end of the page (nothing
    focused), or Tab that did not move it: the elements it went round, else None. Tab moving through
    the parts of a media player or a date field (one element to the page) is no return."""
    seen: dict[int, int] = {}
    for i, stop in enumerate(stops):
        if stop.get("kind") == "frame":
            return None  # what happens inside a cross-origin frame cannot be seen from here
        if stop.get("kind") != "element":
            seen.clear()
            continue
        key = int(stop["key"])
        if stop.get("composite") and i > 0 and stops[i - 1].get("key") == key:
            continue  # Tab moving between the parts of a media player or a date field
        if key in seen:
            went = stops[seen[key] : i] or [stop]
            return {
                "selectors": [s["selector"] for s in went][:10],
                "keys_in": sorted({int(s["key"]) for s in went}),
                "text": stop.get("text", ""),
                "modal": all(s.get("modal") for s in went),
            }
        seen[key] = i
    return None


async def _try_to_leave(
    cdp: Any,
    call: Call,
    cycle: dict[str, Any],
    still_in: Callable[[dict[str, Any]], Awaitable[bool]],
    size: int,
    read: Callable[[], Awaitable[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """Tab (once more round the cycle), Escape then Tab, then Shift+Tab: does any take focus out?
    ``read``: where focus is after a key (at once, unless given)."""
    rounds = min(size + 1, 6)
    keys = ["Tab"] * rounds + ["Escape", "Tab"] + ["Shift+Tab"] * rounds
    tried: list[str] = []
    escaped = False
    for key in keys:
        await press(cdp, key)
        tried.append(key)
        if key == "Escape":
            continue
        now = await read() if read is not None else await call("focus_now")
        if not await still_in(now):
            escaped = True
            break
    modal = bool(cycle["modal"]) and not escaped and bool(await call("modal_with_button"))
    return {**cycle, "keys": tried, "escaped": escaped, "modal": modal}


async def _hover(page: PwPage, call: Call, facts: dict[str, Any]) -> None:
    count = int(await call("hover_list", {"max": HOVER_PROBES}))
    results: list[dict[str, Any]] = []
    previous: int | None = None
    try:
        for k in [*range(count), None]:
            out = await call("hover_step", {"read": previous, "next": k})
            if "result" in out:
                results.append(out["result"])
            if k is not None:
                x, y = out["point"]
                await page.mouse.move(x, y)
            previous = k
    finally:
        if not page.is_closed():
            await page.mouse.move(0, 0)
    facts["hover"] = results


async def _reflow(page: PwPage, call: Call, facts: dict[str, Any]) -> None:
    viewport = page.viewport_size
    cdp = await page.context.new_cdp_session(page)
    try:
        height = viewport["height"] if viewport else 800
        await cdp.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": REFLOW_WIDTH, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        facts["reflow"] = await call("reflow")
    finally:
        await _restore(page, cdp, viewport)


async def _restore(page: PwPage, cdp: Any, viewport: Any) -> None:
    """Back to the tab's own emulation (Playwright's, for the next page); a tab that will not come
    back is closed, and the worker opens a fresh one."""
    try:
        if viewport:
            await asyncio.wait_for(page.set_viewport_size(viewport), 3)
        else:
            await asyncio.wait_for(cdp.send("Emulation.clearDeviceMetricsOverride"), 3)
        await asyncio.wait_for(cdp.detach(), 3)
    except (TimeoutError, PlaywrightError):
        await close_quietly(page)
