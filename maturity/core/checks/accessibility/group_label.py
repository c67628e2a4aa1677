"""group-label: radio buttons and checkbox sets need a group label (fieldset and legend)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "group-label"


@check(
    id=ID,
    dimension="accessibility",
    title="Groups of radio buttons and checkboxes are labelled as a group",
    failure_title="Some radio buttons or checkbox sets have no group label",
    description=(
        'A radio button labelled "Yes" means nothing unless the question it answers is announced with it. '
        "Wrap each set of related radio buttons or checkboxes in a <fieldset> whose <legend> asks the question, "
        'or in an element with role="radiogroup" (or "group") and an aria-label or aria-labelledby.'
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.3.1 Info and Relationships (techniques H71 and ARIA17)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/html/H71",
)
def run(page: PageInput) -> CheckResult:
    groups = page.document.choice_groups
    if groups is None:
        return not_gathered(ID, page.url, "radio and checkbox groups")
    if not groups:
        return CheckResult.not_applicable(ID, page.url, "no radio or checkbox group")
    bad = [g for g in groups if not g.labelled]
    if not bad:
        return CheckResult.passed(ID, page.url, value=0.0)
    items = [
        Item(url=page.url, selector=g.selector, snippet=g.name, detail=f"{g.count} {g.kind} inputs with no group label")
        for g in bad
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
