"""animated-image: an animated GIF, PNG or WebP that plays more than 5 seconds has a control (WCAG 2.2.2)."""

import re

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import validate_regex
from maturity.core.checks.accessibility._interaction import interaction
from maturity.core.model import AnimatedImage, CheckResult, Item

ID = "animated-image"


@check(
    id=ID,
    dimension="accessibility",
    title="Animated images stop within five seconds or can be paused",
    failure_title="An animated image plays for more than five seconds with no way to stop it",
    description=(
        "An animated GIF, PNG or WebP that keeps moving beside the text pulls attention away and makes "
        "the page hard to read for people with attention and vestibular disorders. Let it stop by "
        "itself within five seconds (play it once, or a few times), offer a pause or stop button beside "
        "it, or show a still image that the user starts. Read from the image's bytes as the page loaded "
        "them: its play time is the sum of its frame delays times its loop count (a loop count of 0 "
        "plays forever). It fails when an image shown at `min_area_px` CSS px² or more plays longer "
        "than `max_seconds` s, is not inside a <details> element, and no button or toggle in its parent, "
        "grandparent or great-grandparent is named by `pause_words`. At most 30 images of at most 2 MB "
        "are read per page; when an image could not be read, or was left unread, or an image that plays "
        "too long is shown by no <img> (a CSS background), and nothing failed, the page is not "
        "assessable (never a pass)."
    ),
    requires=("document",),
    params={
        "max_seconds": 5,  # WCAG 2.2.2: moving content that "lasts more than five seconds"
        "min_area_px": 4096,  # a 64 × 64 px loading spinner and smaller are left out (as moving-content)
        "pause_words": r"\b(pause|stop|freeze|halt)\b|⏸",
    },
    source="WCAG 2.2 SC 2.2.2 Pause, Stop, Hide; technique G152 (setting animated GIF images to stop "
    "blinking after n cycles, within 5 seconds)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/general/G152",
    validate=lambda params: validate_regex(params.get("pause_words"), "pause_words"),
)
def run(page: PageInput) -> CheckResult:
    facts = interaction(ID, page, "images")
    if isinstance(facts, CheckResult):
        return facts
    images = facts.images
    assert images is not None
    p = page.params
    max_seconds, min_area = float(p["max_seconds"]), float(p["min_area_px"])
    words = re.compile(str(p["pause_words"]), re.IGNORECASE)
    failing: list[Item] = []
    passing: list[Item] = []
    unread = [f"{i.url}: {i.error}" for i in images.animated if i.error is not None] + list(images.skipped)
    for image in images.animated:
        if image.error is not None:
            continue
        total = plays_for(image)
        runs = "forever" if total is None else f"for {total:g} s"
        what = f"{image.format} of {image.frames} frames, plays {runs}"
        if total is not None and total <= max_seconds:
            continue
        if not image.selector:  # loaded, but shown by no <img>: a CSS background, or not shown at all
            unread.append(f"{image.url}: {what}, not located in an <img>")
            continue
        if image.area < min_area:
            continue
        control = next((c for c in image.controls if words.search(c)), None)
        if control is not None or image.in_details:
            why = f"a control beside it: {control}" if control is not None else "inside a <details> element"
            item = Item(url=page.url, selector=image.selector, snippet=image.url[-80:], detail=f"{what}; {why}")
            passing.append(item)
            continue
        failing.append(Item(url=page.url, selector=image.selector, snippet=image.url[-80:], detail=what))
    if failing:
        return CheckResult.failed(ID, page.url, items=failing[:20], value=float(len(failing)))
    if unread:
        return CheckResult.not_applicable(
            ID, page.url, f"not assessable: {len(unread)} image(s) not read ({'; '.join(unread[:3])})"
        )
    if not images.animated:
        return CheckResult.not_applicable(ID, page.url, "no animated image on the page")
    return CheckResult.passed(ID, page.url, items=passing[:20])


def plays_for(image: AnimatedImage) -> float | None:
    """Seconds the image keeps moving; None for forever."""
    if image.plays is None:
        return None
    return image.loop_ms * image.plays / 1000
