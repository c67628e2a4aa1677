"""pdf-bookmarks: long PDFs have bookmarks (an outline) to move around them."""

from collections.abc import Mapping
from typing import Any

from maturity.core.checks import SiteInput, check
from maturity.core.checks.documents._judge import COMPLIANCE_DATE, judge, validate_date
from maturity.core.documents import PdfFacts
from maturity.core.model import CheckResult

ID = "pdf-bookmarks"


def problem(pdf: PdfFacts, _params: object) -> str | None:
    return None if pdf.bookmarks else f"{pdf.pages} pages and no bookmarks"


def applies(pdf: PdfFacts, params: Mapping[str, Any]) -> bool:
    return pdf.pages >= int(params["min_pages"])


@check(
    id=ID,
    dimension="documents",
    title="Long PDFs have bookmarks",
    failure_title="Some long PDFs have no bookmarks",
    description=(
        "Bookmarks (the outline) let people jump to a section of a long document instead of paging through "
        "it, which matters most to those who cannot scan pages by eye. Applies to PDFs of at least `min_pages` "
        "pages (default 10, our choice: WCAG sets no length); passes when each has at least one bookmark. Fix: "
        "use heading styles in the source and export with 'Create bookmarks using headings'."
    ),
    requires=("site",),
    scope="site",
    params={"min_pages": 10, "compliance_date": COMPLIANCE_DATE},
    source="WCAG 2.1 SC 2.4.5 Multiple Ways (technique PDF2, bookmarks); PDF/UA-1 (ISO 14289-1) 7.17",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/pdf/PDF2",
    validate=validate_date,
)
def run(site: SiteInput) -> CheckResult:
    return judge(ID, site, problem, applies)
