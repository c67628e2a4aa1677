"""https: the page is served over HTTPS."""

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "https"


@check(
    id=ID,
    dimension="security",
    title="Page is served over HTTPS",
    failure_title="Page is served over plain HTTP",
    description=(
        "Plain HTTP lets anyone on the network read or change what residents see and send. Serve every page "
        "over HTTPS (OMB M-15-13 requires it of federal sites)."
    ),
    requires=("http",),
    source="OMB M-15-13; IDEA Act §3(a)(5); pshtt",
)
def run(page: PageInput) -> CheckResult:
    final = page.http.final_url
    if final.lower().startswith("https://"):
        return CheckResult.passed(ID, page.url)
    return CheckResult.failed(ID, page.url, items=[Item(url=page.url, snippet=final, detail="served over http")])
