"""label-target: every <label for> points at a form control that exists (WCAG 1.3.1 and 4.1.2, H44)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.checks.accessibility._forms import has_fields
from maturity.core.model import CheckResult, Item

ID = "label-target"
_WHY = {
    "empty": "an empty for attribute",
    "missing": "no element has this id",
    "not-labelable": "the element with this id is not a form control",
    "shared": "another label already names this control",
}


@check(
    id=ID,
    dimension="accessibility",
    title="Every label points at its form control",
    failure_title="Some labels point at an id that is missing, not a form control or labelled already",
    description=(
        'A <label for="x"> labels the control whose id is x. When no control has that id (a typing '
        "mistake, or an id changed in one place only), the visible label names nothing: the field is "
        "announced without it, and clicking the label does not focus the field. Make the for attribute "
        "match the control's id, or put the control inside the label. A second label for a control that "
        "a label already names fails too: assistive technologies read one of them, or both run together "
        '(a date\'s "Date of issue" and its "Day" field); name the group with a fieldset and legend '
        "instead. axe-core's form-field-multiple-labels rule only asks for a review of it."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.3.1 Info and Relationships and SC 4.1.2 Name, Role, Value, technique H44 (label elements)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/html/H44",
)
def run(page: PageInput) -> CheckResult:
    broken = page.document.broken_labels
    if broken is None:
        return not_gathered(ID, page.url, "label facts")
    if not broken and not has_fields(page):
        return CheckResult.not_applicable(ID, page.url, "no form fields")
    if not broken:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(url=page.url, selector=b.selector, snippet=b.text[:80], detail=f'for="{b.target}": {_WHY[b.problem]}')
        for b in broken
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(broken)))
