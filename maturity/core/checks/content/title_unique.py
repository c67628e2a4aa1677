"""title-unique: no two pages share a title (site-level)."""

from collections import defaultdict

from maturity.core.checks import SiteInput, check
from maturity.core.checks._common import keep
from maturity.core.model import CheckResult, Item

ID = "title-unique"


@check(
    id=ID,
    dimension="content",
    title="Every page has its own title",
    failure_title="Several pages share the same title",
    description=(
        "Pages with the same title look identical in search results and browser tabs, and often signal "
        "duplicate or legacy pages. Give each page a title that names its own content."
    ),
    requires=("document",),
    scope="site",
    summary=lambda page: keep(page, document=("title",)),
    source="IDEA Act §3(a)(3) (no duplicative sites); GSA Site Scanning field title",
)
def run(site: SiteInput) -> CheckResult:
    by_title: dict[str, list[str]] = defaultdict(list)
    for page in site.pages:
        title = " ".join((page.document.title or "").split()).lower()
        if title:
            by_title[title].append(page.url)
    if len(site.pages) < 2:
        return CheckResult.not_applicable(ID, None, "fewer than two pages")
    items = [
        Item(url=url, snippet=title, detail=f"shared by {len(urls)} pages")
        for title, urls in sorted(by_title.items())
        if len(urls) > 1
        for url in urls
    ]
    unique = sum(1 for urls in by_title.values() if len(urls) == 1)
    score = unique / max(1, len(by_title))
    if items:
        return CheckResult.failed(ID, None, items=items, score=score, value=float(len(items)))
    return CheckResult.passed(ID, None)
