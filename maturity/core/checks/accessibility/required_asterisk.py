"""required-asterisk: a required field is not marked by an unexplained asterisk alone (WCAG 1.3.1, 3.3.2)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "required-asterisk"


@check(
    id=ID,
    dimension="accessibility",
    title="Required fields say they are required",
    failure_title="Some fields are marked required only by an unexplained asterisk",
    description=(
        'An asterisk in a label means "required" only to those who know the convention and can see it; a '
        'screen reader reads "star", or nothing. A field passes when it is required in code (the required '
        'attribute or aria-required="true", which is announced), when its label says "required" in words, '
        "or when the form says what the asterisk means (technique H90). It fails when the asterisk is all "
        "there is."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.3.1 Info and Relationships and SC 3.3.2 Labels or Instructions, techniques H90 "
    "(required controls marked in the label or legend) and ARIA2 (aria-required)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/html/H90",
)
def run(page: PageInput) -> CheckResult:
    marks = page.document.required_marks
    if marks is None:
        return not_gathered(ID, page.url, "required-field facts")
    marks = [m for m in marks if m.asterisk]
    if not marks:
        return CheckResult.not_applicable(ID, page.url, "no field marked with an asterisk")
    bad = [m for m in marks if not (m.required or m.says_required or m.explained)]
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(
            url=page.url,
            selector=m.selector,
            snippet=m.label[:80],
            detail="asterisk with no required attribute or explanation",
        )
        for m in bad
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
