"""focus-order: Tab moves down the page, not back up it (WCAG 2.4.3, technique C27)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "focus-order"


@check(
    id=ID,
    dimension="accessibility",
    title="Keyboard focus follows the order of the page",
    failure_title="Keyboard focus jumps back up the page",
    description=(
        "When CSS reorders content (flex or grid order, reversed directions, absolute positioning) or a "
        "positive tabindex reorders the tab sequence, pressing Tab jumps back to something above, in the "
        "same column, and keyboard users lose their place. Put the source in the order it is read and "
        "style it without reordering. Read in phone emulation (412 px), where pages are one column: fails "
        "when Tab moves to an element wholly above the previous one, by at least `min_px` CSS px, with their "
        "columns overlapping by half the narrower width; fixed and sticky elements and elements off the "
        "screen sideways are left out."
    ),
    requires=("document",),
    params={"min_px": 100},
    source="WCAG 2.2 SC 2.4.3 Focus Order and SC 1.3.2 Meaningful Sequence, technique C27 (DOM order "
    "matches visual order) and failure F44 (tabindex that does not preserve meaning)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/css/C27",
)
def run(page: PageInput) -> CheckResult:
    jumps = page.document.focus_jumps
    if jumps is None:
        return not_gathered(ID, page.url, "focus order facts")
    if (page.document.examined or {}).get("focus_order", 2) < 2:
        return CheckResult.not_applicable(ID, page.url, "fewer than two elements in the tab order")
    bad = [j for j in jumps if j.up >= float(page.params["min_px"])]
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(url=page.url, selector=j.selector, snippet=j.text[:80], detail=f"{j.up:g} px above {j.previous}")
        for j in bad
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
