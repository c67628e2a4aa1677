"""table-caption: data tables have an accessible name (advisory; WCAG 1.3.1, technique H39)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks.accessibility._tables import data_tables
from maturity.core.model import CheckResult, Item

ID = "table-caption"


@check(
    id=ID,
    dimension="accessibility",
    title="Data tables have a caption or a name",
    failure_title="Some data tables have no caption or accessible name",
    description=(
        "Screen-reader users move from table to table and hear each one's name as they enter it; a table "
        'with none is announced as "table, 4 rows, 3 columns" and its subject must be guessed from the '
        "cells. Give it a <caption> (or aria-labelledby pointing at its heading, or aria-label). Fails on "
        "data tables (by markup, or drawn as one with at least `min_rows` rows, as table-headers decides) "
        "with no caption text, aria-labelledby, aria-label or title. Advisory: a caption is a sufficient "
        "technique, not the only way to identify a table."
    ),
    requires=("document",),
    params={"min_rows": 3},
    source="WCAG 2.2 SC 1.3.1 Info and Relationships, technique H39 (using caption elements to associate "
    "data table captions with data tables)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/html/H39",
)
def run(page: PageInput) -> CheckResult:
    data = data_tables(ID, page)
    if isinstance(data, CheckResult):
        return data
    bad = [t for t in data if not (t.caption or "").strip() and not t.name.strip()]
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(
            url=page.url,
            selector=t.selector,
            snippet=t.snippet,
            detail=f"{t.rows} rows × {t.columns} columns, "
            + ("an empty <caption>" if t.caption is not None else "no <caption>, aria-label or aria-labelledby"),
        )
        for t in bad
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
