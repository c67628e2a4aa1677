"""robots-txt: a robots.txt that lets search engines in and names the sitemap (site-level)."""

from maturity.core.checks import SiteInput, check
from maturity.core.model import CheckResult, Item

ID = "robots-txt"


@check(
    id=ID,
    dimension="content",
    title="robots.txt exists, allows the home page and names a sitemap",
    failure_title="robots.txt is missing, blocks the site or names no sitemap",
    description=(
        "robots.txt tells search engines what they may crawl and, with a `Sitemap:` line, where the list of "
        "pages is. Serve /robots.txt (HTTP 200), do not disallow the home page, and name the sitemap "
        "(`require_sitemap`)."
    ),
    requires=("site",),
    scope="site",
    params={"require_sitemap": True},
    source="RFC 9309 (Robots Exclusion Protocol); sitemaps.org; IDEA Act §3(a)(4); GSA Site Scanning robots.txt fields",
    help_url="https://www.rfc-editor.org/rfc/rfc9309",
)
def run(site: SiteInput) -> CheckResult:
    robots = site.site.robots
    if robots is None:
        return CheckResult.not_applicable(ID, None, "robots.txt was not requested")
    problems = []
    if not robots.found:
        answer = f"HTTP {robots.status}" if robots.status is not None else "no answer"
        problems.append(f"no robots.txt ({answer})")
    else:
        if not robots.start_allowed:
            problems.append("robots.txt disallows the start page")
        if site.params["require_sitemap"] and not robots.sitemaps:
            problems.append("robots.txt names no sitemap")
    if problems:
        items = [Item(url=robots.url, detail=p) for p in problems]
        return CheckResult.failed(ID, None, items=items, score=0.0 if not robots.found else 0.5)
    return CheckResult.passed(
        ID, None, items=[Item(url=robots.url, detail=f"sitemaps: {', '.join(robots.sitemaps) or 'none'}")]
    )
