"""shared-layout: every page wears the same header, navigation and footer (site-level)."""

from collections import Counter

from maturity.core.checks import SiteInput, check
from maturity.core.checks._common import keep, not_gathered
from maturity.core.model import CheckResult, Item

ID = "shared-layout"
REGIONS = ("header", "nav", "footer")


@check(
    id=ID,
    dimension="content",
    title="Pages share one header, navigation and footer",
    failure_title="Some pages use a different header, navigation or footer",
    description=(
        "Pages that share one template look and work alike, so people always know where they are and how to "
        "get home; pages with another header or footer are often legacy or duplicate sites. Compared by a "
        "hash of the text of each page's site header, first navigation and footer: passes when at least "
        "`min_share` of sampled pages match the most common combination."
    ),
    requires=("document",),
    scope="site",
    summary=lambda page: keep(page, document=("template",)),
    params={"min_share": 0.9},
    source="21st Century IDEA Act §3(a)(2) (consistent in appearance) and §3(a)(3) (no duplicative legacy sites)",
)
def run(site: SiteInput) -> CheckResult:
    templates = {p.url: p.document.template for p in site.pages if p.document.template is not None}
    if not templates:
        return not_gathered(ID, None, "page templates") if site.pages else CheckResult.errored(ID, None, "no page")
    if len(templates) < 2:
        return CheckResult.not_applicable(ID, None, "fewer than two pages")
    keys = {url: tuple(t.get(r, "") for r in REGIONS) for url, t in templates.items()}
    common, count = Counter(keys.values()).most_common(1)[0]
    share = count / len(keys)
    if share >= float(site.params["min_share"]):
        return CheckResult.passed(ID, None, value=share)
    items = []
    for url, key in keys.items():
        if key != common:
            differs = [r for r, a, b in zip(REGIONS, key, common, strict=True) if a != b]
            items.append(Item(url=url, detail=f"different {', '.join(differs)}"))
    return CheckResult.failed(ID, None, value=share, score=share, items=items)
