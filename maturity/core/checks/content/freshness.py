"""freshness: pages reviewed or updated recently, by the dates the site itself publishes."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import parse_date
from maturity.core.model import CheckResult, Item, normalise_for_lookup

ID = "freshness"

# Page metadata that says when the page last changed, in order of preference.
MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "dcterms.modified",
    "dc.date.modified",
    "last-modified",
    "dc.modified",
    "revised",
)


@check(
    id=ID,
    dimension="content",
    title="Pages have been updated recently",
    failure_title="Some pages have not been updated for a long time",
    description=(
        "Out-of-date pages mislead people and erode trust in the site as the authoritative source. Review "
        "every page on a schedule; update, archive or remove what is stale. A page's date is, in order: its "
        "modified-date metadata (article:modified_time, dcterms.modified, ...), its sitemap <lastmod>, then the "
        "Last-Modified header. It is compared with the date of the crawl (the page's HTTP Date header, else "
        "the crawl's start): older than `max_age_days` fails; pages with no date are not applicable."
    ),
    requires=("document", "http", "site"),
    params={"max_age_days": 730},
    source="IDEA Act §3(a)(3) (authoritative, current content); GSA Site Scanning (date metadata, sitemap lastmod)",
)
def run(page: PageInput) -> CheckResult:
    meta = page.document.meta
    key = normalise_for_lookup(page.url) or page.url
    lastmod = page.site.page_lastmod.get(key) or page.site.page_lastmod.get(page.url)
    candidates = [(name, meta.get(name)) for name in MODIFIED_META]
    candidates += [("sitemap lastmod", lastmod), ("Last-Modified header", page.http.headers.get("last-modified"))]
    source, modified = next(((name, d) for name, v in candidates if (d := parse_date(v)) is not None), ("", None))
    if modified is None:
        return CheckResult.not_applicable(ID, page.url, "the page publishes no date")
    today = parse_date(page.http.headers.get("date")) or parse_date(page.site.crawled_at)
    if today is None:
        return CheckResult.not_applicable(ID, page.url, "no reference date for the crawl")
    age = max(0, (today - modified).days)
    item = Item(url=page.url, detail=f"{source} {modified.isoformat()}: {age} days before the crawl", value=float(age))
    if age > int(page.params["max_age_days"]):
        return CheckResult.failed(ID, page.url, value=float(age), items=[item])
    return CheckResult.passed(ID, page.url, value=float(age), items=[item])
