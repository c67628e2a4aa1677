"""https-redirect: the plain-HTTP address sends people to HTTPS (site-level)."""

from maturity.core.checks import SiteInput, check
from maturity.core.model import CheckResult, Item

ID = "https-redirect"


@check(
    id=ID,
    dimension="security",
    title="HTTP redirects to HTTPS",
    failure_title="The site does not enforce HTTPS",
    description=(
        "Someone who types the address without https:// should land on the HTTPS site. Redirect every "
        "http:// request to its https:// twin (301), then add HSTS."
    ),
    requires=("site",),
    scope="site",
    source="pshtt 'HTTPS enforced'; GSA Site Scanning field https_enforced; OMB M-15-13",
)
def run(site: SiteInput) -> CheckResult:
    facts = site.site
    if not facts.start_url.lower().startswith("https://"):
        return CheckResult.failed(
            ID, None, items=[Item(url=facts.start_url, detail="the site is served over plain HTTP")]
        )
    if facts.http_redirects_to_https is None:
        return CheckResult.not_applicable(ID, None, "the http:// address could not be tested")
    if facts.http_redirects_to_https:
        return CheckResult.passed(ID, None)
    return CheckResult.failed(
        ID, None, items=[Item(url=facts.start_url, detail="http:// does not redirect to https://")]
    )
