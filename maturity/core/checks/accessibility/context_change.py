"""context-change: choosing or focusing a form control does not submit or navigate (WCAG 3.2.1, 3.2.2)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.checks.accessibility._forms import has_fields
from maturity.core.model import CheckResult, Item

ID = "context-change"


@check(
    id=ID,
    dimension="accessibility",
    title="Form controls do not change the page when a value is chosen or focused",
    failure_title="Some form controls submit, navigate or open a window on change or focus",
    description=(
        "A drop-down list that goes to a page as soon as an option is chosen takes keyboard users away "
        "before they reach the option they wanted (arrow keys change the value one step at a time), and a "
        "change on focus surprises everyone. Add a Go button, or warn before the control. Decided from "
        "inline handlers (onchange, oninput, onfocus) that submit the form, set the location or open a "
        "window; handlers added by script are not visible to this check."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 3.2.1 On Focus and SC 3.2.2 On Input, failures F36 (submitting a form on change) "
    "and F37 (new window on change); technique G80 (a submit button)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/failures/F36",
)
def run(page: PageInput) -> CheckResult:
    changes = page.document.context_changes
    if changes is None:
        return not_gathered(ID, page.url, "form control handler facts")
    if not changes and not has_fields(page):
        return CheckResult.not_applicable(ID, page.url, "no form fields")
    if not changes:
        return CheckResult.passed(ID, page.url)
    items = [Item(url=page.url, selector=c.selector, snippet=c.code[:120], detail=f"on{c.event}") for c in changes]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(changes)))
