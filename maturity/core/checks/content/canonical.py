"""canonical: the page names its canonical URL, and that URL works."""

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item, normalise_for_lookup

ID = "canonical"


@check(
    id=ID,
    dimension="content",
    title="Page names a working canonical URL",
    failure_title="Page has no canonical URL, or it is broken",
    description=(
        'A `<link rel="canonical">` tells search engines which address is the real one when a page is '
        "reachable under several (with tracking parameters, www and bare host, old paths), so results point "
        "at one page. Add it to every page's head with the page's preferred absolute URL. Fails when it is "
        "missing (`required`), not an http(s) URL, or points to a page the crawl found broken."
    ),
    requires=("document", "site"),
    params={"required": True},
    source="RFC 6596 (the canonical link relation); Google Search Central; GSA Site Scanning field canonical",
    help_url="https://developers.google.com/search/docs/crawling-indexing/consolidate-duplicate-urls",
)
def run(page: PageInput) -> CheckResult:
    href = page.document.canonical
    if not href:
        if page.params["required"]:
            return CheckResult.failed(ID, page.url, items=[Item(url=page.url, detail='no <link rel="canonical">')])
        return CheckResult.not_applicable(ID, page.url, "no canonical link")
    key = normalise_for_lookup(href)
    if key is None:
        return CheckResult.failed(ID, page.url, items=[Item(url=page.url, snippet=href, detail="not an http(s) URL")])
    status = page.site.link_status.get(key)
    if status is not None and status >= 400:
        return CheckResult.failed(
            ID, page.url, items=[Item(url=page.url, snippet=href, detail=f"the canonical URL answers {status}")]
        )
    return CheckResult.passed(ID, page.url)
