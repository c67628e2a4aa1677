"""description-unique: no two pages share a meta description (site-level)."""

from collections import defaultdict
from types import SimpleNamespace

from maturity.core.checks import SiteInput, check
from maturity.core.model import CheckResult, Item

ID = "description-unique"


@check(
    id=ID,
    dimension="content",
    title="Every page has its own description",
    failure_title="Several pages share the same meta description",
    description=(
        "Search engines show the meta description under the title; when many pages share one, results look "
        "alike and people cannot tell which page answers their question. A copied description also marks "
        "pages made from a template and never finished. Write a description for each page. Pages without a "
        "description are left to the `meta-description` check."
    ),
    requires=("document",),
    scope="site",
    summary=lambda page: {"document": SimpleNamespace(meta={"description": page.document.meta.get("description")})},
    source="IDEA Act §3(a)(3) (no duplicative content); Google Search Central (unique descriptions)",
    help_url="https://developers.google.com/search/docs/appearance/snippet",
)
def run(site: SiteInput) -> CheckResult:
    by_text: dict[str, list[str]] = defaultdict(list)
    for page in site.pages:
        text = " ".join((page.document.meta.get("description") or "").split()).lower()
        if text:
            by_text[text].append(page.url)
    if sum(len(urls) for urls in by_text.values()) < 2:
        return CheckResult.not_applicable(ID, None, "fewer than two pages with a description")
    items = [
        Item(url=url, snippet=text[:120], detail=f"shared by {len(urls)} pages")
        for text, urls in sorted(by_text.items())
        if len(urls) > 1
        for url in urls
    ]
    unique = sum(1 for urls in by_text.values() if len(urls) == 1)
    if items:
        return CheckResult.failed(ID, None, items=items, score=unique / len(by_text), value=float(len(items)))
    return CheckResult.passed(ID, None)
