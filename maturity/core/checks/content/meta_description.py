"""meta-description: a summary search engines can show."""

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "meta-description"


@check(
    id=ID,
    dimension="content",
    title="Page has a meta description",
    failure_title="Page has no useful meta description",
    description=(
        "Search engines show the meta description under the title; without one they pick text at random. "
        "Write one or two plain sentences that summarise the page."
    ),
    requires=("document",),
    params={"min_length": 50, "max_length": 160},
    source="GSA Site Scanning field description; Lighthouse audit meta-description",
)
def run(page: PageInput) -> CheckResult:
    text = (page.document.meta.get("description") or "").strip()
    lo, hi = int(page.params["min_length"]), int(page.params["max_length"])
    if not text:
        return CheckResult.failed(ID, page.url, items=[Item(url=page.url, detail="no meta description")], value=0.0)
    if not lo <= len(text) <= hi:
        return CheckResult.failed(
            ID,
            page.url,
            value=float(len(text)),
            items=[Item(url=page.url, snippet=text[:200], detail=f"{len(text)} characters; aim for {lo}-{hi}")],
        )
    return CheckResult.passed(ID, page.url, value=float(len(text)))
