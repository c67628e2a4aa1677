"""hint-association: hints and error messages beside a field are tied to it (WCAG 1.3.1 and 3.3.1, ARIA1)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "hint-association"


@check(
    id=ID,
    dimension="accessibility",
    title="Hints and error messages are tied to their fields",
    failure_title="Some hints or error messages are not associated with their field",
    description=(
        "A screen reader moving from field to field reads each field's label and what its aria-describedby "
        'points at, and nothing else: a hint ("For example, 15 3 1984") or an error message ("Enter your '
        'date of birth") that sits beside the field but is not referenced is never heard where it matters. '
        "Give the hint or message an id and add it to the field's aria-describedby (or aria-errormessage). "
        "Hints and messages are recognised by the classes design systems and frameworks give them (usa-hint, "
        "govuk-error-message, form-text, help-block, invalid-feedback, ...) inside a group holding one field."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.3.1 Info and Relationships and SC 3.3.1 Error Identification, technique ARIA1 "
    "(aria-describedby) and ARIA21 (aria-invalid with the error text)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/aria/ARIA1",
)
def run(page: PageInput) -> CheckResult:
    hints = page.document.hints
    if hints is None:
        return not_gathered(ID, page.url, "hint and error message facts")
    if not hints:
        return CheckResult.not_applicable(ID, page.url, "no hint or error message beside a field")
    bad = [h for h in hints if not h.associated]
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(url=page.url, selector=h.selector, snippet=h.text[:80], detail=f"{h.kind} not referenced by {h.field}")
        for h in bad
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
