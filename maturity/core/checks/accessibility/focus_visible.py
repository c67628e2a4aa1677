"""focus-visible: keyboard focus shows on links and controls (no `outline: none` without a replacement)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "focus-visible"


@check(
    id=ID,
    dimension="accessibility",
    title="Keyboard focus is visible",
    failure_title="Some links or controls show no change when they receive keyboard focus",
    description=(
        "Keyboard users need to see where they are. CSS such as `a:focus { outline: none }` with no "
        "replacement hides the focus. Measured on a spread-out sample of up to 15 links and controls per page: "
        "each is focused by script and its computed outline, box shadow, colours, borders, text decoration, "
        "::before/::after and position are compared with and without focus (transitions finished first). A "
        "control with no visible change fails. Keep the browser's focus ring or draw your own with outline or "
        "box-shadow on :focus-visible."
    ),
    requires=("document",),
    params={"max_missing": 0},
    source="WCAG 2.2 SC 2.4.7 Focus Visible (technique F78: removing the focus indicator)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/failures/F78",
)
def run(page: PageInput) -> CheckResult:
    focus = page.document.focus
    if focus is None:
        return not_gathered(ID, page.url, "the focus sample")
    if focus.sampled == 0:
        return CheckResult.not_applicable(ID, page.url, "no focusable element")
    missing = focus.missing
    value = len(missing) / focus.sampled
    if len(missing) > int(page.params["max_missing"]):
        items = [
            Item(url=page.url, selector=t.selector, snippet=t.text, detail="no visible change on focus")
            for t in missing
        ]
        return CheckResult.failed(ID, page.url, items=items, value=value, score=1 - value)
    return CheckResult.passed(ID, page.url, value=value)
