"""nested-table: data tables are not nested in other tables or in header cells (WCAG 1.3.1)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.checks.accessibility._tables import data_by_markup
from maturity.core.model import CheckResult, Item

ID = "nested-table"


@check(
    id=ID,
    dimension="accessibility",
    title="No data table sits inside another table",
    failure_title="Some data tables are nested in another table or a header cell",
    description=(
        "A table inside a header cell, or a data table inside another table, breaks the row and column "
        "relationships a screen reader announces: the inner cells take headers from the outer table, and "
        "table navigation jumps between the two grids. Lay the page out with CSS and give each data table a "
        "place of its own. Fails for any table inside a <th>, for a data table inside another table, and "
        "for a data table that holds another table; layout tables nested in layout tables are left alone."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.3.1 Info and Relationships, techniques H51 (table markup) and F46 (layout tables)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/html/H51",
)
def run(page: PageInput) -> CheckResult:
    tables = page.document.tables
    if tables is None:
        return not_gathered(ID, page.url, "table facts")
    if not tables:
        return CheckResult.not_applicable(ID, page.url, "no tables")
    involved = [t for t in tables if t.nested_in or t.contains_table]
    items = []
    for t in involved:
        if t.nested_in == "th":
            items.append(
                Item(url=page.url, selector=t.selector, snippet=t.snippet, detail="a table inside a header cell")
            )
        elif t.nested_in == "table" and data_by_markup(t):
            items.append(
                Item(url=page.url, selector=t.selector, snippet=t.snippet, detail="a data table inside a table")
            )
        elif t.contains_table and data_by_markup(t):
            items.append(
                Item(url=page.url, selector=t.selector, snippet=t.snippet, detail="a data table holding another table")
            )
    if not items:
        return CheckResult.passed(ID, page.url)
    return CheckResult.failed(ID, page.url, items=items, value=float(len(items)))
