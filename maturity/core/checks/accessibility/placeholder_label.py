"""placeholder-label: form fields whose only label is placeholder text."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "placeholder-label"


@check(
    id=ID,
    dimension="accessibility",
    title="Form fields have real labels, not just placeholders",
    failure_title="Some form fields are labelled only by placeholder text",
    description=(
        "Placeholder text disappears as soon as someone types, is often too faint to read, and is not "
        "reliably announced as a label. People then forget what the field was for. Give every field a visible "
        "<label> (keep the placeholder for an example of the format, if at all). axe-core accepts a "
        "placeholder as an accessible name, so it does not report this."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 3.3.2 Labels or Instructions and SC 1.3.1; W3C WAI Forms Tutorial (placeholder text)",
    help_url="https://www.w3.org/WAI/tutorials/forms/instructions/#placeholder-text",
)
def run(page: PageInput) -> CheckResult:
    doc = page.document
    if doc.loose_fields is None:
        return not_gathered(ID, page.url, "fields outside forms")
    fields = [f for form in doc.forms for f in form.fields] + doc.loose_fields
    with_placeholder = [f for f in fields if f.placeholder.strip()]
    if not with_placeholder:
        return CheckResult.not_applicable(ID, page.url, "no field with a placeholder")
    bad = [f for f in with_placeholder if not f.labelled]
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [Item(url=page.url, snippet=f.placeholder[:80], detail=f"{f.kind} field {f.name!r}") for f in bad]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
