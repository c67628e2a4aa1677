"""pdf-title: every PDF has a title, and tells the viewer to show it (DisplayDocTitle)."""

from collections.abc import Mapping
from typing import Any

from maturity.core.checks import SiteInput, check
from maturity.core.checks.documents._judge import COMPLIANCE_DATE, judge, validate_date
from maturity.core.documents import PdfFacts
from maturity.core.model import CheckResult

ID = "pdf-title"


def problem(pdf: PdfFacts, params: Mapping[str, Any]) -> str | None:
    if not (pdf.title or "").strip():
        return "no document title"
    if params.get("require_display") and not pdf.display_doc_title:
        return f"titled '{pdf.title}', but the viewer shows the file name (DisplayDocTitle is not true)"
    return None


@check(
    id=ID,
    dimension="documents",
    title="PDFs have a title the viewer shows",
    failure_title="Some PDFs have no title, or show their file name instead",
    description=(
        "A PDF's title is what a screen reader announces and what the window or tab shows; without one, or "
        "when the viewer is not told to show it, people hear a file name such as 'Form_2024_v3_final.pdf'. "
        "Passes when every assessable PDF has a title (XMP dc:title or the Info dictionary's /Title) and, "
        "with `require_display` (default true), /ViewerPreferences /DisplayDocTitle true. Fix: set the title in "
        "the document's properties and 'Show: Document title' in the PDF's initial view."
    ),
    requires=("site",),
    scope="site",
    params={"require_display": True, "compliance_date": COMPLIANCE_DATE},
    source="WCAG 2.1 SC 2.4.2 Page Titled (technique PDF18); PDF/UA-1 (ISO 14289-1) 7.1 (dc:title, "
    "DisplayDocTitle true); Matterhorn Protocol checkpoints 06 and 07",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/pdf/PDF18",
    validate=validate_date,
)
def run(site: SiteInput) -> CheckResult:
    return judge(ID, site, problem)
