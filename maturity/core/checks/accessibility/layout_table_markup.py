"""layout-table-markup: layout tables carry no data-table markup (WCAG 1.3.1, failure F46)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.checks.accessibility._tables import declared_layout
from maturity.core.model import CheckResult, Item

ID = "layout-table-markup"


@check(
    id=ID,
    dimension="accessibility",
    title="Layout tables carry no data-table markup",
    failure_title="Some layout tables use header cells, captions or summaries",
    description=(
        'A table marked role="presentation" (or "none") says it is only layout, so its structure is hidden '
        "from assistive technology; <th> cells, a <caption> or a summary in it then either announce "
        "structure that is not there or, if the content really is tabular, lose the headers it needed. "
        "Remove the data-table markup from layout tables, or remove the role if the table holds data."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.3.1 Info and Relationships, failure F46 (th, caption or non-empty summary in layout tables)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/failures/F46",
)
def run(page: PageInput) -> CheckResult:
    tables = page.document.tables
    if tables is None:
        return not_gathered(ID, page.url, "table facts")
    layout = [t for t in tables if declared_layout(t)]
    if not layout:
        return CheckResult.not_applicable(ID, page.url, "no table declared as layout")
    items = []
    for t in layout:
        what = [
            name
            for name, present in (
                (f"{t.header_cells} header cells", t.header_cells > 0),
                ("a caption", t.caption is not None),
                ("a summary", bool(t.summary)),
            )
            if present
        ]
        if what:
            items.append(
                Item(
                    url=page.url, selector=t.selector, snippet=t.snippet, detail=f"role={t.role} with {', '.join(what)}"
                )
            )
    if not items:
        return CheckResult.passed(ID, page.url)
    return CheckResult.failed(ID, page.url, items=items, value=float(len(items)))
