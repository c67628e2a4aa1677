"""office-image-alt: pictures in Word and PowerPoint files have alternative text."""

from maturity.core.checks import SiteInput, check
from maturity.core.checks.documents._judge import COMPLIANCE_DATE, judge, validate_date
from maturity.core.documents import OfficeFacts
from maturity.core.model import CheckResult

ID = "office-image-alt"


def problem(facts: OfficeFacts, _params: object) -> str | None:
    if facts.images_without_alt == 0:
        return None
    return f"{facts.images_without_alt} of {facts.images} picture(s) have no alternative text"


def applies(facts: OfficeFacts, _params: object) -> bool:
    return facts.images > 0


@check(
    id=ID,
    dimension="documents",
    title="Pictures in Office documents have alternative text",
    failure_title="Some pictures in Office documents have no alternative text",
    description=(
        "A picture without alternative text is silent, or read as its file name. Applies to Word and "
        "PowerPoint files with pictures or drawings; passes when each has a description (the Alt Text "
        "pane's text) or is marked decorative. Fix: right-click the picture > View Alt Text."
    ),
    requires=("site",),
    scope="site",
    params={"compliance_date": COMPLIANCE_DATE},
    source="WCAG 2.1 SC 1.1.1 Non-text Content, applied to non-web documents (WCAG2ICT); Section 508 E205.4",
    help_url="https://www.w3.org/TR/wcag2ict/",
    validate=validate_date,
)
def run(site: SiteInput) -> CheckResult:
    return judge(ID, site, problem, applies, office=True)
