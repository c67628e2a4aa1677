"""moving-content: what moves or updates by itself for more than 5 seconds can be paused (WCAG 2.2.2)."""

import re

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import validate_regex
from maturity.core.checks.accessibility._interaction import interaction
from maturity.core.model import CheckResult, Item

ID = "moving-content"

# What makes an animation move, blink or scroll (colour changes alone are left to flashing).
MOVING = re.compile(
    r"^(transform|translate|rotate|scale|left|right|top|bottom|margin.*|inset.*|offset.*|"
    r"backgroundPosition.*|opacity|visibility|display|width|height|scroll.*)$"
)


@check(
    id=ID,
    dimension="accessibility",
    title="Moving and auto-updating content can be paused",
    failure_title="Content moves or updates by itself with no way to pause it",
    description=(
        "Carousels, scrolling news, blinking banners and tickers that move or update by themselves pull "
        "attention away and make the page hard to read for people with attention and vestibular "
        "disorders. Give anything that moves for more than five seconds, and any content that updates by "
        "itself, a pause or stop button, or stop it after five seconds. Watched in the browser: animations "
        "that move, scroll or blink an element of at least `min_area_px` CSS px² for more than "
        "`min_seconds` s (or without end), and elements whose text or style scripts changed at least "
        "`min_updates` times over at least `min_span_ms` ms since the page loaded. It passes when the page "
        "has a button or toggle whose name matches `pause_words`. Slower updates than the watch lasts are "
        "not seen."
    ),
    requires=("document",),
    params={
        "min_seconds": 5,  # WCAG 2.2.2: "starts automatically, lasts more than five seconds"
        "min_area_px": 4096,  # a 64 × 64 px loading spinner and smaller are left out
        "min_updates": 3,
        "min_span_ms": 500,  # a burst of changes while the page builds itself is not an update
        "pause_words": r"\b(pause|stop|freeze|halt)\b|⏸",
    },
    source="WCAG 2.2 SC 2.2.2 Pause, Stop, Hide; failures F16 (scrolling content without a mechanism to "
    "pause and restart it) and F50 (a script that blinks without a mechanism to stop it in 5 seconds)",
    help_url="https://www.w3.org/WAI/WCAG22/Understanding/pause-stop-hide",
    validate=lambda params: validate_regex(params.get("pause_words"), "pause_words"),
)
def run(page: PageInput) -> CheckResult:
    facts = interaction(ID, page, "motion")
    if isinstance(facts, CheckResult):
        return facts
    motion = facts.motion
    assert motion is not None
    p = page.params
    min_area, min_seconds = float(p["min_area_px"]), float(p["min_seconds"])
    min_updates, min_span = int(p["min_updates"]), float(p["min_span_ms"])
    items = []
    for a in motion.animations:
        if a.area < min_area or not any(MOVING.match(prop) for prop in a.properties):
            continue
        if a.seconds is not None and a.seconds <= min_seconds:
            continue
        runs = "without end" if a.seconds is None else f"for {a.seconds:g} s"
        detail = f"animates {', '.join(a.properties[:3])} {runs}"
        items.append(Item(url=page.url, selector=a.selector, snippet=a.text[:80], detail=detail))
    for c in motion.changes:
        if c.span_ms < min_span:
            continue
        if c.text_changes >= min_updates:
            detail = f"its text changed {c.text_changes} times in {c.span_ms / 1000:.1f} s"
        elif c.style_changes >= min_updates and c.area >= min_area:
            detail = f"a script restyled it {c.style_changes} times in {c.span_ms / 1000:.1f} s"
        else:
            continue
        items.append(Item(url=page.url, selector=c.selector, snippet=c.text[:80], detail=detail))
    if not items:
        if not motion.animations and not motion.changes:
            return CheckResult.not_applicable(ID, page.url, "nothing moved or changed by itself while watched")
        return CheckResult.passed(ID, page.url)
    words = re.compile(str(p["pause_words"]), re.IGNORECASE)
    control = next((name for name in motion.controls if words.search(name)), None)
    if control is not None:
        return CheckResult.passed(ID, page.url, items=[Item(url=page.url, snippet=control, detail="a pause control")])
    return CheckResult.failed(ID, page.url, items=items[:20], value=float(len(items)))
