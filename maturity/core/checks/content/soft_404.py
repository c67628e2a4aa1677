"""soft-404: a page that does not exist answers 404, not 200 (site-level)."""

from maturity.core.checks import SiteInput, check
from maturity.core.model import CheckResult, Item

ID = "soft-404"


@check(
    id=ID,
    dimension="content",
    title="Missing pages answer 404 Not Found",
    failure_title="Missing pages answer 200 OK (a soft 404)",
    description=(
        "When an address that does not exist answers 200 OK, search engines index error pages, link checkers "
        "miss broken links and people may not realise the page is gone. Discovery requests a made-up address; "
        "it must answer 404 (or 410). Configure the server or CMS to send the real status with a helpful "
        "error page."
    ),
    requires=("site",),
    scope="site",
    source="RFC 9110 §15.5.5 (404 Not Found); Google Search Central (soft 404 errors); GSA Site Scanning 404 test",
    help_url="https://developers.google.com/search/docs/crawling-indexing/http-network-errors#soft-404-errors",
)
def run(site: SiteInput) -> CheckResult:
    status = site.site.not_found_status
    if status is None:
        return CheckResult.not_applicable(ID, None, "the made-up address could not be requested")
    if 200 <= status < 300:
        return CheckResult.failed(
            ID,
            None,
            value=float(status),
            items=[Item(url=site.site.start_url, detail=f"a made-up address answered {status}")],
        )
    return CheckResult.passed(ID, None, value=float(status))
