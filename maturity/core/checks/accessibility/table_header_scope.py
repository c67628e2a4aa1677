"""table-header-scope: headers away from a two-way table's first row and column say which way they point
(WCAG 1.3.1, H63)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks.accessibility._tables import unscoped_tables
from maturity.core.model import CheckResult, TableFacts

ID = "table-header-scope"


@check(
    id=ID,
    dimension="accessibility",
    title="Tables with row and column headers say which is which where it is not plain",
    failure_title="Some tables have headers away from the first row and column without scope",
    description=(
        "When a table has headers for both rows and columns and some header cell sits neither in the "
        "first row nor in the first column (row headers in a second column after line numbers, say), "
        "a screen reader has to guess which header cells name rows and which name columns. Give such "
        '<th> scope="col" or scope="row" (or use id and headers for complex tables). Headers in the '
        "first row and the first column need no scope (technique H63: for simple tables with headers "
        "there, th and td are enough), nor do tables with headers on one axis only."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.3.1 Info and Relationships, technique H63 (scope) and H43 (id and headers)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/html/H63",
)
def run(page: PageInput) -> CheckResult:
    tables = page.document.tables or []
    # facts gathered before headers away from the edges were counted apart count every <th>
    where = "" if any(t.inner_headers_without_scope is None for t in tables) else " away from the first row and column"
    return unscoped_tables(ID, page, _unscoped, where)


def _unscoped(table: TableFacts) -> int:
    """Header cells that need a scope: those away from the first row and column, or, in facts gathered
    before those were counted apart, every <th> without one."""
    if table.inner_headers_without_scope is None:
        return table.headers_without_scope
    return table.inner_headers_without_scope
