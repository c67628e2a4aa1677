"""audio-transcript: recorded audio comes with a transcript (WCAG 1.2.1, technique G158)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "audio-transcript"


@check(
    id=ID,
    dimension="accessibility",
    title="Audio recordings have a transcript",
    failure_title="Some audio recordings have no transcript beside them",
    description=(
        "A podcast or a recorded meeting is lost on people who are deaf or hard of hearing, and on anyone "
        "who cannot play sound, unless its words are given as text. Publish a transcript and link it next "
        "to the player. Passes when the player's surroundings (up to three enclosing elements, within its "
        "section) mention or link a transcript."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.2.1 Audio-only and Video-only (Prerecorded), technique G158 (an alternative for "
    "time-based media for audio-only content)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/general/G158",
)
def run(page: PageInput) -> CheckResult:
    players = page.document.audio
    if players is None:
        return not_gathered(ID, page.url, "audio facts")
    if not players:
        return CheckResult.not_applicable(ID, page.url, "no audio player")
    bad = [a for a in players if not a.transcript]
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [Item(url=page.url, selector=a.selector, detail="no transcript mentioned or linked nearby") for a in bad]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
