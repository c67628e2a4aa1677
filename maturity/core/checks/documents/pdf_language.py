"""pdf-language: every PDF declares its language (/Lang in the catalogue)."""

import re

from maturity.core.checks import SiteInput, check
from maturity.core.checks.documents._judge import COMPLIANCE_DATE, judge, validate_date
from maturity.core.documents import PdfFacts
from maturity.core.model import CheckResult

ID = "pdf-language"
_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")  # the shape of a BCP 47 tag


def problem(pdf: PdfFacts, _params: object) -> str | None:
    lang = (pdf.lang or "").strip()
    if not lang:
        return "no language (/Lang)"
    if not _TAG.match(lang):
        return f"language '{lang[:40]}' is not a language tag (such as en-US)"
    return None


@check(
    id=ID,
    dimension="documents",
    title="PDFs declare their language",
    failure_title="Some PDFs do not declare their language",
    description=(
        "Screen readers choose their voice and pronunciation from the document's language; without it, a "
        "Spanish form may be read with English rules. Passes when every assessable PDF's catalogue has a /Lang "
        "that looks like a language tag (BCP 47, such as en-US or es). Fix: set the document language in the "
        "source file or in the PDF's properties."
    ),
    requires=("site",),
    scope="site",
    params={"compliance_date": COMPLIANCE_DATE},
    source="WCAG 2.1 SC 3.1.1 Language of Page (technique PDF16); PDF/UA-1 (ISO 14289-1) 7.2; "
    "Matterhorn Protocol checkpoint 11",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/pdf/PDF16",
    validate=validate_date,
)
def run(site: SiteInput) -> CheckResult:
    return judge(ID, site, problem)
