"""autoplay-media: sound or moving content that starts by itself, and blinking or scrolling elements."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "autoplay-media"


@check(
    id=ID,
    dimension="accessibility",
    title="Nothing plays, moves or blinks by itself without a way to stop it",
    failure_title="Media plays by itself, or text blinks or scrolls",
    description=(
        "Sound that starts on its own drowns out screen readers; video and scrolling or blinking text that "
        "moves on its own distracts people with attention and vestibular disorders. Do not autoplay; if a "
        "video must start by itself, keep it muted and show its controls so it can be paused. Remove "
        "<marquee> and <blink>. An autoplaying <video> that is muted and has controls passes."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.4.2 Audio Control and SC 2.2.2 Pause, Stop, Hide; axe-core rule no-autoplay-audio",
    help_url="https://www.w3.org/WAI/WCAG22/Understanding/pause-stop-hide",
)
def run(page: PageInput) -> CheckResult:
    doc = page.document
    if doc.media is None or doc.blinking is None:
        return not_gathered(ID, page.url, "media elements")
    if not doc.media and not doc.blinking:
        return CheckResult.not_applicable(ID, page.url, "no audio, video, marquee or blink")
    items = []
    for m in doc.media:
        if m.autoplay and not (m.kind == "video" and m.muted and m.controls):
            missing = [word for word, ok in (("muted", m.muted), ("controls", m.controls)) if not ok]
            detail = f"{m.kind} autoplays" + (f" without {' and '.join(missing)}" if missing else "")
            items.append(Item(url=page.url, selector=m.selector, detail=detail))
    if doc.blinking:
        items.append(Item(url=page.url, detail=f"{doc.blinking} <marquee> or <blink> element(s)"))
    if items:
        return CheckResult.failed(ID, page.url, items=items, value=float(len(items)))
    return CheckResult.passed(ID, page.url)
