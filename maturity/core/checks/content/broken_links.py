"""broken-links: internal links that lead to an error."""

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item, normalise_for_lookup

ID = "broken-links"


@check(
    id=ID,
    dimension="content",
    title="Internal links work",
    failure_title="Some internal links lead to an error page",
    description=(
        "A link that answers 404 or 5xx loses the reader and the trust. Fix the link or redirect the old "
        "address. Only links whose status the crawl learned are judged."
    ),
    requires=("document", "site"),
    source="IDEA Act §3(a)(3) (authoritative, maintained content)",
)
def run(page: PageInput) -> CheckResult:
    status = page.site.link_status
    broken = []
    seen = set()
    known = 0
    for link in page.document.links:
        key = normalise_for_lookup(link.href)
        if key is None or key not in status or key in seen:
            continue
        seen.add(key)
        known += 1
        code = status[key]
        if code is None or code >= 400:
            broken.append(
                Item(
                    url=page.url,
                    selector=link.selector,
                    snippet=link.text[:80],
                    detail=link.href,
                    value=code if code is not None else "no answer",
                )
            )
    if known == 0:
        return CheckResult.not_applicable(ID, page.url, "no internal link with a known status")
    if broken:
        return CheckResult.failed(ID, page.url, items=broken, value=float(len(broken)))
    return CheckResult.passed(ID, page.url)
