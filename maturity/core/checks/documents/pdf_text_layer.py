"""pdf-text-layer: PDFs carry real text, not only pictures of pages (scans)."""

from collections.abc import Mapping
from typing import Any

from maturity.core.checks import SiteInput, check
from maturity.core.checks.documents._judge import COMPLIANCE_DATE, judge, validate_date
from maturity.core.documents import PdfFacts
from maturity.core.model import CheckResult

ID = "pdf-text-layer"


def problem(pdf: PdfFacts, params: Mapping[str, Any]) -> str | None:
    if pdf.blocks_assistive_tech:
        return "encrypted so that assistive technology may not read its text"
    if pdf.pages == 0:
        return None
    without = pdf.pages - pdf.pages_with_text
    if without / pdf.pages <= float(params["max_share_without_text"]):
        return None
    listed = ", ".join(str(n) for n in pdf.pages_without_text[:10])
    more = "…" if len(pdf.pages_without_text) > 10 else ""
    if without == pdf.pages:
        return f"no text on any of its {pdf.pages} page(s): a scan or picture of text"
    return f"{without} of {pdf.pages} pages have no text (pages {listed}{more})"


@check(
    id=ID,
    dimension="documents",
    title="PDFs have a text layer",
    failure_title="Some PDFs are scans or pictures with no text",
    description=(
        "A scanned page is a picture: a screen reader finds nothing to read, text cannot be enlarged, searched "
        "or copied. This is the most common failure of published PDFs. Passes when at most "
        "`max_share_without_text` of each assessable PDF's pages (default 0.1, for covers and blank pages) have "
        "no text in their text layer, and no PDF is encrypted against assistive technology. Fix: publish from "
        "the source document, or run optical character recognition (OCR) on the scan and check the result."
    ),
    requires=("site",),
    scope="site",
    params={"max_share_without_text": 0.1, "compliance_date": COMPLIANCE_DATE},
    source="WCAG 2.1 SC 1.1.1 and 1.4.5 (technique PDF7, OCR of a scanned document); PDF/UA-1 (ISO 14289-1) "
    "7.1 and 7.16 (security settings must not block assistive technology); ISO 32000-1 table 22 (bit 10)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/pdf/PDF7",
    validate=validate_date,
)
def run(site: SiteInput) -> CheckResult:
    return judge(ID, site, problem)
