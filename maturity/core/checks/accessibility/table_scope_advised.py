"""table-scope-advised: tables with both row and column headers give every header its scope (advisory)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks.accessibility._tables import unscoped_tables
from maturity.core.model import CheckResult

ID = "table-scope-advised"


@check(
    id=ID,
    dimension="accessibility",
    title="Tables with row and column headers give every header its scope",
    failure_title="Some tables with row and column headers leave the scope to be guessed",
    description=(
        "A table with headers along its top and down its side, with <th> that do not say whether they "
        'name a row or a column. Give every <th> scope="col" or scope="row": the W3C\'s tables tutorial '
        "advises it for such tables, and it makes the corner cell plain. Advisory: when the headers are in "
        "the first row and the first column, browsers relate them to their cells without scope (technique "
        "H63: th and td are enough there), so WCAG is not failed; table-header-scope fails the tables "
        "whose headers elsewhere need it."
    ),
    requires=("document",),
    source="W3C WAI Tables Tutorial, tables with two headers; WCAG 2.2 SC 1.3.1, technique H63",
    help_url="https://www.w3.org/WAI/tutorials/tables/two-headers/",
)
def run(page: PageInput) -> CheckResult:
    return unscoped_tables(ID, page, lambda t: t.headers_without_scope)
