"""text-resize: no text is cut off at 200 % text size (WCAG 1.4.4, failure F69)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import clipped_result
from maturity.core.checks.accessibility._interaction import interaction
from maturity.core.model import CheckResult

ID = "text-resize"


@check(
    id=ID,
    dimension="accessibility",
    title="Text survives being made twice as large",
    failure_title="Some text is cut off when text is made larger",
    description=(
        "People with low vision enlarge text. A box with a fixed height, or a fixed line height, that hides "
        "its overflow cuts the enlarged text off. Let boxes grow with their text (min-height instead of "
        "height; sizes in em or rem). Tried in the browser: every text's font size is doubled (and a line "
        "height set in px with it), and every box that clips its overflow is measured; one whose text "
        "fitted before and is cut off after fails. The page is put back as it was."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.4.4 Resize Text, failure F69 (resizing visually rendered text up to 200 percent "
    "causes the text, image or controls to be clipped, truncated or obscured)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/failures/F69",
)
def run(page: PageInput) -> CheckResult:
    facts = interaction(ID, page, "text_resize")
    if isinstance(facts, CheckResult):
        return facts
    return clipped_result(ID, page.url, facts.text_resize or [], facts.resize_boxes)
