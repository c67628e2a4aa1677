"""pdf-figure-alt: figures in tagged PDFs have alternate text."""

from maturity.core.checks import SiteInput, check
from maturity.core.checks.documents._judge import COMPLIANCE_DATE, judge, validate_date
from maturity.core.documents import PdfFacts
from maturity.core.model import CheckResult

ID = "pdf-figure-alt"


def problem(pdf: PdfFacts, _params: object) -> str | None:
    if pdf.figures_without_alt == 0:
        return None
    return f"{pdf.figures_without_alt} of {pdf.figures} figure(s) have no alternate text (/Alt)"


def applies(pdf: PdfFacts, _params: object) -> bool:
    return pdf.figures > 0


@check(
    id=ID,
    dimension="documents",
    title="Figures in PDFs have alternate text",
    failure_title="Some PDF figures have no alternate text",
    description=(
        "A chart, map or photo tagged as a figure needs alternate text, or a screen reader says nothing, or "
        "'image'. Applies to tagged PDFs with /Figure elements (the role map applied); untagged PDFs fail "
        "pdf-tagged instead. Passes when every figure has /Alt (or /ActualText). Fix: add alternate text to "
        "each figure in the source document or a PDF editor; mark decorative images as artifacts (PDF4)."
    ),
    requires=("site",),
    scope="site",
    params={"compliance_date": COMPLIANCE_DATE},
    source="WCAG 2.1 SC 1.1.1 Non-text Content (technique PDF1); PDF/UA-1 (ISO 14289-1) 7.3; "
    "Matterhorn Protocol checkpoint 13",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/pdf/PDF1",
    validate=validate_date,
)
def run(site: SiteInput) -> CheckResult:
    return judge(ID, site, problem, applies)
