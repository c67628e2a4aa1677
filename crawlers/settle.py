"""Settling: when a loaded page has stopped moving, so the facts read from it are the page's own.

The probe lives in settle.js (added to every document at creation); this side asks it and
watches the network log between asks.
"""

from __future__ import annotations

import asyncio
from typing import Any

from playwright.async_api import Page as PwPage

from crawlers.guard import NetworkLog

_PROBE = "(h) => window.__maturitySettle ? window.__maturitySettle.probe(h) : null"
BLOCKED_MS = 150  # a probe (two frames and a task) that took longer found the main thread busy


async def settle(page: PwPage, net: NetworkLog, quiet_ms: int, cap_ms: int) -> str:
    """After the load event, wait until the page has settled and say how.

    ``"idle"``: two probes in a row (settle.js: two frames and a task each) found nothing queued that
    could act within ``quiet_ms`` (timers, frames, idle callbacks, fetches, animations, fonts,
    images), no request in flight, begun or ended meanwhile, no known work since the probe's first
    frame and no metric moved (shift, paint, long task); a static page settles in about four frames.
    ``"quiet"``: otherwise, for ``quiet_ms`` no metric moved, the main thread was free and the
    network was still with nothing in flight (a page with an endless timer or animation ends here).
    ``"cap"``: ``cap_ms`` ran out (a request that never ends, a page that never stops moving).
    So a layout shift a timer or a slow fetch makes after the load is still measured.
    """
    loop = asyncio.get_running_loop()
    start = quiet_since = loop.time()
    last_moved: float | None = None
    clean = 0
    while True:
        seen = (net.started, net.ended)
        asked = loop.time()
        state = await page.evaluate(_PROBE, quiet_ms)
        now = loop.time()
        if not isinstance(state, dict):  # a document without settle.js (it replaced itself): the quiet window
            await asyncio.sleep(quiet_ms / 1000)
            return "quiet"
        state = {key: _number(state.get(key)) for key in ("started", "frame", "work", "last")} | {
            "pending": bool(state.get("pending"))
        }
        # a metric moved while this probe looked, or since the last one
        moved = state["last"] >= state["started"] or (last_moved is not None and state["last"] != last_moved)
        last_moved = state["last"]
        network = bool(net.inflight) or (net.started, net.ended) != seen
        if moved or network or (now - asked) * 1000 > BLOCKED_MS:
            quiet_since = now
        idle = not (state["pending"] or network or moved) and state["work"] < state["frame"]
        clean = clean + 1 if idle else 0
        if clean >= 2:
            return "idle"
        if (now - quiet_since) * 1000 >= quiet_ms:
            return "quiet"
        if (now - start) * 1000 >= cap_ms:
            return "cap"


def _number(value: Any) -> float:
    """A page can reach the objects a probe reads: anything but a number counts as 0."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
