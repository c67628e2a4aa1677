"""table-header-cells: every header cell of a data table names at least one cell (WCAG 1.3.1)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.checks.accessibility._tables import data_by_markup
from maturity.core.model import AriaTableFacts, CheckResult, Item, TableFacts

ID = "table-header-cells"


@check(
    id=ID,
    dimension="accessibility",
    title="Every table header names some cells",
    failure_title="Some table headers name no cell",
    description=(
        "A column header with no cell below it in its column, or a row header with no cell after it in "
        "its row, names nothing: its column or row was left empty (rows cut short), or every cell there "
        "names other headers with the headers attribute. Someone moving through the table by cell never "
        "hears it, and the table's structure says something its content does not. Give the column its "
        "cells (an empty <td> where there is no value), take the header out, or list it in the cells' "
        "headers attribute. A cell with a headers attribute is named only by the headers it lists, as "
        "HTML's table model says; header cells count as cells too (a corner header names the row "
        "headers below it). Tables and grids made with ARIA roles are judged the same way: a "
        "columnheader names the cells below it in its column (by aria-colindex where given), a "
        "rowheader those after it in its row."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.3.1 Info and Relationships; the W3C's ACT rule d0f69e (Table header cell has "
    "assigned cells); HTML's table model (forming relationships between data cells and header cells)",
    help_url="https://www.w3.org/WAI/standards-guidelines/act/rules/d0f69e/",
)
def run(page: PageInput) -> CheckResult:
    tables = page.document.tables
    if tables is None:
        return not_gathered(ID, page.url, "table facts")
    # ARIA tables and grids (gathered since they were; a page read before has none listed)
    headed: list[TableFacts | AriaTableFacts] = [t for t in tables if data_by_markup(t) and t.header_cells > 0]
    headed += page.document.aria_tables or []
    if not headed:
        return CheckResult.not_applicable(ID, page.url, "no table with header cells")
    bad = [t for t in headed if t.headers_naming_nothing]
    unread = [t for t in headed if t.headers_naming_nothing is None]
    if not bad and unread:
        return CheckResult.not_applicable(
            ID,
            page.url,
            f"not assessable: the header cells of {unread[0].selector} were not read (more than "
            "5,000 cells, or gathered before they were)",
        )
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(url=page.url, selector=t.selector, snippet=t.snippet, detail=_detail(t.headers_naming_nothing or []))
        for t in bad
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))


def _detail(headers: list[str]) -> str:
    """The finding's detail: how many header cells name no cell, and the first five of them."""
    count = f"{len(headers)} header cell{'s' if len(headers) != 1 else ''}"
    return f"{count} naming no cell: " + ", ".join(f"'{h}'" for h in headers[:5])
