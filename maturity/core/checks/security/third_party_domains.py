"""third-party-domains: how many other sites each page sends its visitors' requests to."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import host_of
from maturity.core.model import CheckResult, Item

ID = "third-party-domains"


@check(
    id=ID,
    dimension="security",
    title="Few third parties see each visit",
    failure_title="The page loads from many third-party domains",
    description=(
        "Every third-party domain a page loads from (analytics, fonts, widgets, ad tags) learns who visited, "
        "can change the page if compromised, and slows it down. Self-host what you can and review the rest. "
        "Counted as the distinct host names of requests to other sites, including requests the audit blocked; "
        "informational, with a threshold `max_domains`."
    ),
    requires=("network",),
    params={"max_domains": 10},
    source="GSA Site Scanning third-party service domains; OMB M-23-22 (privacy); Lighthouse third-party-summary",
)
def run(page: PageInput) -> CheckResult:
    hosts = sorted({h for r in page.network.requests if r.third_party and (h := host_of(r.url))})
    value = float(len(hosts))
    if len(hosts) > int(page.params["max_domains"]):
        items = [Item(url=page.url, snippet=h, detail="third-party domain") for h in hosts]
        return CheckResult.failed(ID, page.url, value=value, items=items)
    items = [Item(url=page.url, detail=f"{len(hosts)} third-party domain(s): {', '.join(hosts)}")] if hosts else []
    return CheckResult.passed(ID, page.url, value=value, items=items)
