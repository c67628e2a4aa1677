"""flashing: nothing flashes more than three times a second over a large area (WCAG 2.3.1)."""

import math
from collections.abc import Mapping, Sequence
from itertools import islice, pairwise, takewhile
from typing import Any

from maturity.core.checks import PageInput, check
from maturity.core.checks.accessibility._interaction import interaction
from maturity.core.model import AnimatedImage, CheckResult, Item, LuminanceSeries

ID = "flashing"


@check(
    id=ID,
    dimension="accessibility",
    title="Nothing flashes more than three times a second",
    failure_title="Something flashes more than three times a second",
    description=(
        "Flashing can cause seizures in people with photosensitive epilepsy. Do not flash more than three "
        "times in any second. Watched in the browser: every element whose colour or opacity an animation "
        "changes, or whose style a script kept changing since the page loaded, has its relative luminance "
        "sampled. One only animations change is read at exact times, every 10 ms over one second, by moving "
        "its animations forward (and back where they were); one a script restyles is sampled frame by frame "
        "for half a second, and when its frames came further apart than a flash too fast could be seen "
        "(1000 / (4 × `max_per_second`) ms: a loaded machine), it is not judged to pass: when nothing "
        "failed, the page is not assessable. A flash is a pair of opposing changes of at least "
        "`min_change` where the darker state is below `dark_max` (WCAG's general flash threshold); it fails "
        "when an element of at least `min_area_px` CSS px² flashes more than `max_per_second` times a "
        "second. A <canvas> whose pixels change, and a playing <video> (a muted autoplaying one below the fold, "
        "which the browser keeps paused until it is scrolled to, is started first), are sampled the same way, by the "
        "mean relative luminance of their pixels (a 16 × 16 copy: a flash over part of it counts less); "
        "one of at least `min_area_px` whose pixels are cross-origin cannot be read, and then, when "
        "nothing failed, the page is not assessable (never a pass). Red flashes are counted from the same "
        "samples' colours: a pair of opposing transitions to or from a saturated red (R/(R+G+B) of at least "
        "`red_min_ratio`) between states more than `red_min_shift` apart in the CIE 1976 UCS chromaticity "
        "diagram; an element flashing red more than `max_per_second` times a second fails even when its "
        "luminance barely changes. An animated GIF, PNG or WebP is read from its own frames (the first 3 s of "
        "a play, each frame's mean luminance and colour on a white page, a 16 × 16 copy, repeated as it "
        "loops): it fails when one shown at `min_area_px` or more flashes more than `max_per_second` times "
        "in any one second (one whose bytes could not be read makes animated-image not assessable). "
        "A WebGL canvas is read like any other (the audit has its drawing kept between frames). Animations, "
        "canvases and videos in same-origin frames (two levels deep) are watched as the page's are; flashes "
        "inside cross-origin frames, and elements a script restyles inside a frame, are not seen."
    ),
    requires=("document",),
    # WCAG 2.2 definition "general flash and red flash thresholds": changes of 10 % of the maximum relative
    # luminance where the darker image is below 0.80; an area of 25 % of a 10° visual field, which the
    # Understanding document puts at a 341 × 256 px rectangle on a 1024 × 768 screen: 0.25 × 341 × 256.
    # The red flash threshold, WCAG 2.2's definition, note 2 (after ISO 9241-391): one transition of the pair
    # to or from a state with R/(R + G + B) >= 0.8, the states more than 0.2 apart in CIE 1976 UCS (u', v').
    params={
        "max_per_second": 3,
        "min_change": 0.1,
        "dark_max": 0.8,
        "min_area_px": 21824,
        "red_min_ratio": 0.8,
        "red_min_shift": 0.2,
    },
    source="WCAG 2.2 SC 2.3.1 Three Flashes or Below Threshold and its definition of the general flash and "
    "red flash thresholds; technique G19",
    help_url="https://www.w3.org/WAI/WCAG22/Understanding/three-flashes-or-below-threshold",
)
def run(page: PageInput) -> CheckResult:
    facts = interaction(ID, page, "motion")
    if isinstance(facts, CheckResult):
        return facts
    motion = facts.motion
    assert motion is not None
    p = page.params
    unmeasured = [u for u in motion.unmeasured if u.area >= float(p["min_area_px"])]
    animated = facts.images.animated if facts.images else []
    images = [i for i in animated if i.area >= float(p["min_area_px"]) and i.error is None and i.states]
    if not motion.luminance and not unmeasured and not images:
        return CheckResult.not_applicable(ID, page.url, "no element changed colour or opacity while watched")
    items = []
    sparse = []  # series sampled too seldom to have seen a flash too fast
    for series in motion.luminance:
        if series.area < float(p["min_area_px"]) or len(series.samples) < 2:
            continue
        gap = too_sparse(series, float(p["max_per_second"]))
        seconds = (series.samples[-1][0] - series.samples[0][0]) / 1000
        flashes = transitions([v for _, v in series.samples], float(p["min_change"]), float(p["dark_max"])) / 2
        rate = flashes / seconds if seconds > 0 else 0.0
        red = ""
        if rate <= float(p["max_per_second"]) and len(series.chroma) == len(series.samples):
            reds = red_transitions(series.chroma, float(p["red_min_ratio"]), float(p["red_min_shift"])) / 2
            rate, red = (reds / seconds if seconds > 0 else 0.0), "red "
        if rate > float(p["max_per_second"]):
            what = "" if series.kind == "element" else f" in the {series.kind}'s pixels"
            detail = f"{rate:.1f} {red}flashes a second over {series.area:g} px²{what}"
            items.append(Item(url=page.url, selector=series.selector, detail=detail))
        elif gap:
            sparse.append(f"{series.selector}: sampled every {gap:g} ms (a frame came that seldom)")
    for image in images:
        flashes, red = worst_second(image, p)
        if flashes > float(p["max_per_second"]):
            detail = f"{flashes:.1f} {red}flashes in one second over {image.area:g} px² in the animated image's frames"
            items.append(Item(url=page.url, selector=image.selector, snippet=image.url[-80:], detail=detail))
    if not items and (unmeasured or sparse):
        unread = [f"<{u.kind}> {u.selector}: {u.reason}" for u in unmeasured[:3]] + sparse[:3]
        return CheckResult.not_applicable(ID, page.url, f"not assessable: {'; '.join(unread)}")
    if not items:
        return CheckResult.passed(ID, page.url)
    return CheckResult.failed(ID, page.url, items=items, value=float(len(items)))


def too_sparse(series: LuminanceSeries, max_per_second: float) -> float:
    """The median gap (ms) between a series' samples when it is too wide to see a flash faster than
    ``max_per_second``, else 0. More than that many flashes a second changes state at least every
    1000 / (2 × max_per_second) ms; each state is seen only when sampled at least twice as often (the
    sampling theorem): a gap of at most 1000 / (4 × max_per_second) ms, 83 ms for three flashes. A series
    read at exact times (``seeked``) is never too sparse."""
    if series.seeked or len(series.samples) < 2:
        return 0.0
    gaps = sorted(b[0] - a[0] for a, b in pairwise(series.samples))
    median = gaps[len(gaps) // 2]
    return median if median > 1000 / (4 * max_per_second) else 0.0


def transitions(values: Sequence[float], min_change: float, dark_max: float) -> int:
    """Changes of luminance of at least ``min_change``, each opposite to the one before, where the
    darker of the two states is below ``dark_max``: two make a flash."""
    if not values:
        return 0
    count, ref, direction = 0, values[0], 0
    for value in values[1:]:
        if (direction > 0 and value > ref) or (direction < 0 and value < ref):
            ref = value  # still going the same way: the peak moves on
            continue
        if abs(value - ref) >= min_change and min(value, ref) < dark_max:
            count += 1
            direction = 1 if value > ref else -1
            ref = value
    return count


def red_transitions(states: Sequence[tuple[float, float, float]], min_ratio: float, min_shift: float) -> int:
    """Transitions involving a saturated red among colour states (R/(R+G+B), u', v'): a change to or
    from a state whose ratio is at least ``min_ratio``, to a state more than ``min_shift`` away in the
    CIE 1976 UCS chromaticity diagram; two make a red flash. A slow drift counts once it has gone far
    enough, as a luminance change does in :func:`transitions`."""
    if not states:
        return 0
    count, ref = 0, states[0]
    for state in states[1:]:
        if max(ref[0], state[0]) >= min_ratio and math.dist(ref[1:], state[1:]) > min_shift:
            count += 1
            ref = state
    return count


def frame_timeline(image: AnimatedImage, seconds: float = 3.0) -> list[tuple[float, float, float, float, float]]:
    """An animated image's frames as they are shown from the start of a play: (start ms, luminance,
    R/(R+G+B), u', v'), repeated as it loops (when its described frames are the whole loop) for up to
    ``seconds``."""
    loop = sum(shown for shown, *_ in image.states)
    plays = image.plays if len(image.states) == image.frames else 1  # only a whole loop is repeated
    out: list[tuple[float, float, float, float, float]] = []
    start, played = 0.0, 0
    while loop > 0 and (plays is None or played < plays) and start < seconds * 1000:
        for shown, lum, ratio, u, v in image.states:
            out.append((start, lum, ratio, u, v))
            start += shown
        played += 1
    return out


def worst_second(image: AnimatedImage, p: Mapping[str, Any]) -> tuple[float, str]:
    """The most flashes an animated image shows in any one second (general, or red when there are
    more of those), and "red " when they are red flashes."""
    timeline = frame_timeline(image)
    general = red = 0.0
    for i, (start, *_) in enumerate(timeline):
        # the frames shown within the second from this one: read up to its end, not past it
        end = start + 1000
        window = list(takewhile(lambda frame: frame[0] < end, islice(timeline, i, None)))  # noqa: B023
        general = max(general, transitions([f[1] for f in window], float(p["min_change"]), float(p["dark_max"])) / 2)
        colours = [(f[2], f[3], f[4]) for f in window]
        red = max(red, red_transitions(colours, float(p["red_min_ratio"]), float(p["red_min_shift"])) / 2)
    return (general, "") if general > float(p["max_per_second"]) or red <= general else (red, "red ")
