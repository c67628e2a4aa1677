"""table-header-scope: tables with both row and column headers say which is which (WCAG 1.3.1, H63)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.checks.accessibility._tables import data_by_markup
from maturity.core.model import CheckResult, Item

ID = "table-header-scope"


@check(
    id=ID,
    dimension="accessibility",
    title="Tables with row and column headers give each header its scope",
    failure_title="Some tables have row and column headers without scope",
    description=(
        "When a table has headers along its top and down its side, a screen reader has to guess which "
        "header cells name rows and which name columns, and the corner cell is ambiguous. Give every <th> "
        'scope="col" or scope="row" (or use id and headers for complex tables). Tables with headers on one '
        "axis only are left alone: browsers associate those reliably."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.3.1 Info and Relationships, technique H63 (scope) and H43 (id and headers)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/html/H63",
)
def run(page: PageInput) -> CheckResult:
    tables = page.document.tables
    if tables is None:
        return not_gathered(ID, page.url, "table facts")
    two_way = [t for t in tables if data_by_markup(t) and t.column_headers > 0 and t.row_headers > 0]
    if not two_way:
        return CheckResult.not_applicable(ID, page.url, "no table with both row and column headers")
    bad = [t for t in two_way if t.headers_without_scope > 0 and not t.headers_attr]
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(
            url=page.url, selector=t.selector, snippet=t.snippet, detail=f"{t.headers_without_scope} <th> without scope"
        )
        for t in bad
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
