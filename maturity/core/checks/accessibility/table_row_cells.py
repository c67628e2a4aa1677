"""table-row-cells: every row of a data table fills the same number of columns (WCAG 1.3.1)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks.accessibility._tables import data_tables
from maturity.core.model import CheckResult, Item

ID = "table-row-cells"


@check(
    id=ID,
    dimension="accessibility",
    title="Rows of data tables have consistent cell counts",
    failure_title="Some data tables have rows with missing or extra cells",
    description=(
        "A row with fewer cells than the others (counting colspan and the rowspans that reach into it) "
        "shifts its values under the wrong column headers for anyone who navigates the table by cell, and "
        "screen readers may announce the wrong header or none. Give every row a cell for every column (an "
        "empty <td> where there is no value) or span cells deliberately with colspan. Advisory: WCAG "
        "names no failure for a short row by itself (HTML's table model allows it, and the W3C's ACT "
        "examples judge tables with rows left short on purpose conforming)."
    ),
    requires=("document",),
    params={"min_rows": 3},
    source="WCAG 2.2 SC 1.3.1 Info and Relationships, technique H51 (table markup); HTML table model",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/html/H51",
)
def run(page: PageInput) -> CheckResult:
    data = data_tables(ID, page)
    if isinstance(data, CheckResult):
        return data
    bad = [t for t in data if t.ragged_rows]
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(
            url=page.url,
            selector=t.selector,
            snippet=t.snippet,
            detail=f"rows {', '.join(str(r + 1) for r in t.ragged_rows[:5])} do not fill all {t.columns} columns",
        )
        for t in bad
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
