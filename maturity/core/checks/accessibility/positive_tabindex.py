"""positive-tabindex: no element is moved ahead of the tab order by a tabindex above 0 (WCAG 2.4.3, F44)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "positive-tabindex"


@check(
    id=ID,
    dimension="accessibility",
    title="No element jumps the tab order",
    failure_title="Some elements have a tabindex above 0",
    description=(
        'An element with tabindex="1" (or any number above 0) is reached by Tab before everything '
        "else on the page, whatever its place: a keyboard user lands in the middle of a form, or on "
        "the footer, before the page's own header and content, and a screen reader's reading order "
        "no longer matches the tab order. Kept up on one page, the numbers fall apart when another "
        'component is added. Use tabindex="0" (or a native control) and put elements in the source '
        "in the order they should be reached. Advisory: an order that keeps the meaning passes "
        "WCAG; tab-order shows when the jumps are really out of order."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 2.4.3 Focus Order, failure F44 (tabindex that does not preserve meaning and operability)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/failures/F44",
)
def run(page: PageInput) -> CheckResult:
    found = page.document.positive_tabindex
    if found is None:
        return not_gathered(ID, page.url, "tabindex facts")
    if not found and (page.document.examined or {}).get("tabindex") == 0:
        return CheckResult.not_applicable(ID, page.url, "no element is given a tabindex")
    if not found:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(url=page.url, selector=c.selector, snippet=c.text[:80], detail=f"<{c.tag}> {c.reason}") for c in found
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(found)))
