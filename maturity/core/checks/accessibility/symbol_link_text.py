"""symbol-link-text: a link's name is more than punctuation or symbols (WCAG 2.4.4)."""

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "symbol-link-text"


@check(
    id=ID,
    dimension="accessibility",
    title="Link names are words, not symbols",
    failure_title="Some links are named only by punctuation or symbols",
    description=(
        'A link whose whole name is "»", ">", "+" or "…" is read as "right-pointing double angle '
        'quotation mark" or not at all, and says nothing about where it goes. Give it words ("Next page"), '
        "visibly or with aria-label. Read from the link's accessible name (aria-label and image alternatives "
        "count), so an arrow with a good aria-label passes. Empty links are axe-core's link-name rule; numbers "
        "and single letters (pagination, A–Z indexes) are left alone."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 2.4.4 Link Purpose (In Context) and SC 4.1.2 Name, Role, Value",
    help_url="https://www.w3.org/WAI/WCAG22/Understanding/link-purpose-in-context",
)
def run(page: PageInput) -> CheckResult:
    links = page.document.links
    if not links:
        return CheckResult.not_applicable(ID, page.url, "no links")
    bad = []
    for link in links:
        name = (link.name if link.name is not None else link.text).strip()
        if name and not any(ch.isalnum() for ch in name):
            bad.append((link, name))
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [Item(url=page.url, selector=link.selector, snippet=name[:40], detail=link.href) for link, name in bad]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
