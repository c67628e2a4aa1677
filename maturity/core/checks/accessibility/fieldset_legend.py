"""fieldset-legend: every fieldset of form controls has a legend with text (WCAG 1.3.1, H71)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "fieldset-legend"


@check(
    id=ID,
    dimension="accessibility",
    title="Every fieldset has a legend",
    failure_title="Some fieldsets have no legend, or an empty one",
    description=(
        "A <fieldset> tells a screen reader that its fields belong together, and its <legend> is the "
        'question or heading they share, announced with each field ("Mailing address, Street"). A fieldset '
        "without a legend, or with an empty one, groups the fields under no name. Give the fieldset a "
        "<legend> as its first child, with text; use a <div> for grouping that is only visual."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.3.1 Info and Relationships, technique H71 (fieldset and legend)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/html/H71",
)
def run(page: PageInput) -> CheckResult:
    fieldsets = page.document.fieldsets
    if fieldsets is None:
        return not_gathered(ID, page.url, "fieldset facts")
    if not fieldsets:
        return CheckResult.not_applicable(ID, page.url, "no fieldset of form controls")
    bad = [f for f in fieldsets if not (f.legend or "").strip()]
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(url=page.url, selector=f.selector, detail="no <legend>" if f.legend is None else "an empty <legend>")
        for f in bad
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
