"""sitemap: a valid XML (or text) sitemap that lists the site's pages (site-level)."""

from maturity.core.checks import SiteInput, check
from maturity.core.model import CheckResult, Item

ID = "sitemap"


@check(
    id=ID,
    dimension="content",
    title="The site has a valid sitemap",
    failure_title="The sitemap is missing or invalid",
    description=(
        "A sitemap lists every page so search engines (and this audit) find pages the navigation does not "
        "reach, with their last-modified dates. Publish /sitemap.xml (or name it in robots.txt) following "
        "sitemaps.org, and keep <lastmod> honest. Passes when at least one sitemap read as a URL set, an index "
        "or a text sitemap with URLs; every sitemap that was missing or invalid is listed."
    ),
    requires=("site",),
    scope="site",
    source="sitemaps.org protocol 0.9; IDEA Act §3(a)(4); GSA Site Scanning sitemap.xml fields",
    help_url="https://www.sitemaps.org/protocol.html",
)
def run(site: SiteInput) -> CheckResult:
    maps = site.site.sitemaps
    if not maps:
        return CheckResult.not_applicable(ID, None, "no sitemap was requested")
    good = [m for m in maps if m.kind in ("urlset", "index", "text") and m.url_count > 0]
    bad = [m for m in maps if m.kind in ("missing", "invalid")]
    items = [Item(url=m.url, detail=f"{m.kind} (HTTP {m.status})") for m in bad]
    if good:
        urls = sum(m.url_count for m in good if m.kind != "index")
        return CheckResult.passed(ID, None, value=float(urls), items=items)
    if not items:
        items = [Item(url=m.url, detail=f"{m.kind} with no URLs") for m in maps]
    return CheckResult.failed(ID, None, items=items, value=0.0)
