"""pdf-form-field-names: form fields in PDFs have an accessible name (/TU)."""

from maturity.core.checks import SiteInput, check
from maturity.core.checks.documents._judge import COMPLIANCE_DATE, judge, validate_date
from maturity.core.documents import PdfFacts
from maturity.core.model import CheckResult

ID = "pdf-form-field-names"


def problem(pdf: PdfFacts, _params: object) -> str | None:
    unnamed = [f.name or "(no name)" for f in pdf.form_fields if not f.tooltip]
    if not unnamed:
        return None
    shown = ", ".join(unnamed[:5]) + ("…" if len(unnamed) > 5 else "")
    return f"{len(unnamed)} of {len(pdf.form_fields)} form field(s) have no accessible name (/TU): {shown}"


def applies(pdf: PdfFacts, _params: object) -> bool:
    return bool(pdf.form_fields)


@check(
    id=ID,
    dimension="documents",
    title="PDF form fields have accessible names",
    failure_title="Some PDF form fields have no accessible name",
    description=(
        "A fillable PDF form is a service: a field without a name is announced as 'edit text' and cannot be "
        "filled in reliably with a screen reader. Applies to PDFs with form fields; passes when every field has "
        "a tooltip (/TU), which is the name assistive technology reads. Fix: give each field a tooltip that "
        "says what to enter (and whether it is required, PDF5)."
    ),
    requires=("site",),
    scope="site",
    params={"compliance_date": COMPLIANCE_DATE},
    source="WCAG 2.1 SC 1.3.1, 3.3.2 and 4.1.2 (techniques PDF10 and PDF12); PDF/UA-1 (ISO 14289-1) 7.18; "
    "Matterhorn Protocol checkpoint 28",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/pdf/PDF12",
    validate=validate_date,
)
def run(site: SiteInput) -> CheckResult:
    return judge(ID, site, problem, applies)
