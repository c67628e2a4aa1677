"""mixed-content: an HTTPS page that loads resources over plain HTTP."""

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "mixed-content"


@check(
    id=ID,
    dimension="security",
    title="No mixed content",
    failure_title="HTTPS page loads resources over plain HTTP",
    description=(
        "An HTTPS page that loads scripts, styles or images over HTTP lets an attacker change them, and "
        "browsers block or flag them. Load every resource over HTTPS. Requests the audit blocked (third-party "
        "blocking) still count: the page asked for them."
    ),
    requires=("http", "network"),
    source="W3C Mixed Content; IDEA Act §3(a)(5)",
)
def run(page: PageInput) -> CheckResult:
    if not page.http.final_url.lower().startswith("https://"):
        return CheckResult.not_applicable(ID, page.url, "page is not served over HTTPS")
    insecure = [r for r in page.network.requests if r.url.lower().startswith("http://")]
    if insecure:
        items = [Item(url=page.url, snippet=r.url, detail=r.resource_type) for r in insecure]
        return CheckResult.failed(ID, page.url, items=items, value=float(len(insecure)))
    return CheckResult.passed(ID, page.url)
