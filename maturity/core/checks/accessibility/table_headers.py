"""table-headers: data tables need header cells (WCAG 1.3.1, failure F91)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks.accessibility._tables import data_tables
from maturity.core.model import CheckResult, Item

ID = "table-headers"


@check(
    id=ID,
    dimension="accessibility",
    title="Data tables mark their header cells",
    failure_title="Some data tables have no header cells",
    description=(
        'A screen reader announces a data cell with its row and column headers ("Trout, Stocked in April"); '
        "without <th> cells it reads a stream of values with nothing to say what each one is. Mark each "
        "header with <th> (and scope, where a table has both row and column headers). A table counts as a "
        "data table by its markup (caption, thead, summary) or by how it is drawn (at least `min_rows` rows "
        "and two columns with cell borders, zebra stripes or twenty rows or more); layout tables, and a table "
        "of one row or one column (nothing in it to relate to a header), are left alone."
    ),
    requires=("document",),
    params={"min_rows": 3},
    source="WCAG 2.2 SC 1.3.1 Info and Relationships, failure F91 (not correctly marking up table headers); "
    "technique H51",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/failures/F91",
)
def run(page: PageInput) -> CheckResult:
    data = data_tables(ID, page)
    if isinstance(data, CheckResult):
        return data
    # one row or one column: no data cell has a header elsewhere in the grid to be related to
    bad = [t for t in data if t.header_cells == 0 and t.rows >= 2 and t.columns >= 2]
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(
            url=page.url, selector=t.selector, snippet=t.snippet, detail=f"{t.rows} rows × {t.columns} columns, no <th>"
        )
        for t in bad
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
