"""document-title: a page title of useful length."""

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "document-title"


@check(
    id=ID,
    dimension="content",
    title="Page has a descriptive title",
    failure_title="Page title is missing, too short or too long",
    description=(
        "The title names the page in tabs, bookmarks and search results. Give every page a title that says "
        "what it is and who publishes it, within the length search engines show."
    ),
    requires=("document",),
    params={"min_length": 10, "max_length": 70},
    source="WCAG 2.2 SC 2.4.2 Page Titled; GSA Site Scanning field title",
)
def run(page: PageInput) -> CheckResult:
    title = (page.document.title or "").strip()
    lo, hi = int(page.params["min_length"]), int(page.params["max_length"])
    if not title:
        return CheckResult.failed(ID, page.url, items=[Item(url=page.url, detail="no title")], value=0.0)
    if not lo <= len(title) <= hi:
        return CheckResult.failed(
            ID,
            page.url,
            value=float(len(title)),
            items=[Item(url=page.url, snippet=title, detail=f"{len(title)} characters; aim for {lo}-{hi}")],
        )
    return CheckResult.passed(ID, page.url, value=float(len(title)))
