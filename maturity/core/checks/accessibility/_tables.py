"""Which tables are data tables (not a check module: the registry skips names starting with "_").

A table is a *data table* by its markup (header cells, a caption, a summary, <thead>/<tfoot>, headers
attributes, or a table/grid role), or, without such markup, by how it is drawn: at least ``min_rows``
rows and two columns, no table inside it, and cell borders, zebra stripes or twenty rows or more. These
are the signals browsers themselves use to tell data tables from layout tables (Chromium's and Firefox's
layout-table heuristics). A table with role="presentation" or "none" is a layout table by declaration;
one given another role (``<table role="heading">``) is that, not a table at all (ARIA: an explicit role
overrides the element's own).
"""

from __future__ import annotations

from collections.abc import Callable

from maturity.core.checks import PageInput
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item, TableFacts

LAYOUT_ROLES = frozenset({"presentation", "none"})
TABLE_ROLES = frozenset({"", "table", "grid", "treegrid"})


def declared_layout(t: TableFacts) -> bool:
    return _role(t) in LAYOUT_ROLES


def _role(t: TableFacts) -> str:
    """The table's role: the first token of its role attribute (what a browser takes for a known one)."""
    return t.role.split()[0] if t.role.split() else ""


def data_by_markup(t: TableFacts) -> bool:
    return _role(t) in TABLE_ROLES and (
        t.header_cells > 0
        or t.caption is not None
        or bool(t.summary)
        or t.sections
        or t.headers_attr
        or _role(t) in ("table", "grid", "treegrid")
    )


def data_by_look(t: TableFacts, min_rows: int) -> bool:
    return (
        _role(t) in TABLE_ROLES
        and t.rows >= min_rows
        and t.columns >= 2
        and not t.contains_table
        and (t.bordered or t.striped or t.rows >= 20)
    )


def is_data_table(t: TableFacts, min_rows: int = 3) -> bool:
    return data_by_markup(t) or data_by_look(t, min_rows)


def data_tables(check_id: str, page: PageInput) -> list[TableFacts] | CheckResult:
    """The page's data tables (``min_rows`` from the check's params), or the result to give instead:
    an error for a crawl without table facts, "not applicable" for a page with no data table."""
    tables = page.document.tables
    if tables is None:
        return not_gathered(check_id, page.url, "table facts")
    data = [t for t in tables if is_data_table(t, int(page.params["min_rows"]))]
    if not data:
        return CheckResult.not_applicable(check_id, page.url, "no data table")
    return data


def unscoped_tables(
    check_id: str, page: PageInput, unscoped: Callable[[TableFacts], int], where: str = ""
) -> CheckResult:
    """Fail each data table (by markup) with both row and column headers where ``unscoped`` counts
    header cells lacking a scope, unless it names its headers with the headers attribute."""
    tables = page.document.tables
    if tables is None:
        return not_gathered(check_id, page.url, "table facts")
    two_way = [t for t in tables if data_by_markup(t) and t.column_headers > 0 and t.row_headers > 0]
    if not two_way:
        return CheckResult.not_applicable(check_id, page.url, "no table with both row and column headers")
    bad = [t for t in two_way if unscoped(t) > 0 and not t.headers_attr]
    if not bad:
        return CheckResult.passed(check_id, page.url)
    items = [
        Item(url=page.url, selector=t.selector, snippet=t.snippet, detail=f"{unscoped(t)} <th> without scope{where}")
        for t in bad
    ]
    return CheckResult.failed(check_id, page.url, items=items, value=float(len(bad)))
