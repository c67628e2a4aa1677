"""office-language: Word, PowerPoint and Excel files declare their language."""

from maturity.core.checks import SiteInput, check
from maturity.core.checks.documents._judge import COMPLIANCE_DATE, judge, validate_date
from maturity.core.documents import OfficeFacts
from maturity.core.model import CheckResult

ID = "office-language"


def problem(facts: OfficeFacts, _params: object) -> str | None:
    return None if (facts.lang or "").strip() else "no language in the properties or the default style"


@check(
    id=ID,
    dimension="documents",
    title="Office documents declare their language",
    failure_title="Some Office documents do not declare their language",
    description=(
        "Screen readers pick their pronunciation from the document's language. Passes when every assessable "
        "Office file names one: dc:language in its properties, or (Word, PowerPoint) the language of its "
        "default text style. Fix: set the proofing language of the document's text (Review > Language)."
    ),
    requires=("site",),
    scope="site",
    params={"compliance_date": COMPLIANCE_DATE},
    source="WCAG 2.1 SC 3.1.1 Language of Page, applied to non-web documents (WCAG2ICT); Section 508 E205.4",
    help_url="https://www.w3.org/TR/wcag2ict/",
    validate=validate_date,
)
def run(site: SiteInput) -> CheckResult:
    return judge(ID, site, problem, office=True)
