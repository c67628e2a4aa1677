"""office-title: Word, PowerPoint and Excel files have a title in their properties."""

from maturity.core.checks import SiteInput, check
from maturity.core.checks.documents._judge import COMPLIANCE_DATE, judge, validate_date
from maturity.core.documents import OfficeFacts
from maturity.core.model import CheckResult

ID = "office-title"


def problem(facts: OfficeFacts, _params: object) -> str | None:
    return None if (facts.title or "").strip() else "no title in the document properties"


@check(
    id=ID,
    dimension="documents",
    title="Office documents have a title",
    failure_title="Some Office documents have no title",
    description=(
        "A Word, PowerPoint or Excel file's title (in its properties) is what assistive technology and the "
        "window announce; without it people hear the file name. Passes when every assessable Office file has "
        "a title in docProps/core.xml. Fix: File > Info > Properties > Title, before publishing."
    ),
    requires=("site",),
    scope="site",
    params={"compliance_date": COMPLIANCE_DATE},
    source="WCAG 2.1 SC 2.4.2 Page Titled, applied to non-web documents (WCAG2ICT); Section 508 E205.4",
    help_url="https://www.w3.org/TR/wcag2ict/",
    validate=validate_date,
)
def run(site: SiteInput) -> CheckResult:
    return judge(ID, site, problem, office=True)
