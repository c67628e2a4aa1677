"""single-h1: exactly one top-level heading naming the page."""

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "single-h1"


@check(
    id=ID,
    dimension="content",
    title="Page has exactly one h1",
    failure_title="Page has no h1, or more than one",
    description="One h1 tells readers and search engines what the page is about. Use h2 and below for sections.",
    requires=("document",),
    source="GSA Site Scanning (SEO fields); axe-core best practice page-has-heading-one",
)
def run(page: PageInput) -> CheckResult:
    h1s = [h for h in page.document.headings if h.level == 1]
    if len(h1s) == 1:
        return CheckResult.passed(ID, page.url)
    detail = "no h1" if not h1s else f"{len(h1s)} h1 headings"
    items = [Item(url=page.url, snippet=h.text[:80], detail=detail) for h in h1s] or [Item(url=page.url, detail=detail)]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(h1s)))
