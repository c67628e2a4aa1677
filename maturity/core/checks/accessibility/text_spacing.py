"""text-spacing: no text is cut off when WCAG 1.4.12's spacing is applied (failure F104)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import clipped_result, not_gathered
from maturity.core.model import CheckResult

ID = "text-spacing"


@check(
    id=ID,
    dimension="accessibility",
    title="Text survives wider letter, word and line spacing",
    failure_title="Some text is cut off when text spacing is increased",
    description=(
        "People with low vision or dyslexia set wider spacing with a style sheet or an extension. The page "
        "is laid out again with WCAG 1.4.12's spacing (line height 1.5, paragraph spacing 2, letter spacing "
        "0.12 and word spacing 0.16 times the font size) and every box that clips its overflow is measured: "
        "one whose text fitted before and is cut off after fails. Let boxes grow with their text (min-height "
        "instead of height, no overflow: hidden on text)."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.4.12 Text Spacing, failure F104 (content clipped or overlapped when text spacing "
    "is adjusted)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/failures/F104",
)
def run(page: PageInput) -> CheckResult:
    clipped = page.document.spacing_clipped
    if clipped is None:
        return not_gathered(ID, page.url, "text spacing facts")
    return clipped_result(ID, page.url, clipped, (page.document.examined or {}).get("clip_boxes"))
