"""heading-levels: headings that skip a level going down (h2 followed by h4)."""

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "heading-levels"


@check(
    id=ID,
    dimension="accessibility",
    title="Heading levels go down one step at a time",
    failure_title="Heading levels skip (for example h2 followed by h4)",
    description=(
        "Screen-reader users navigate by headings; a skipped level suggests a missing section. Use heading "
        "levels for structure, not size, and style them with CSS."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.3.1 Info and Relationships (technique G141)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/general/G141",
)
def run(page: PageInput) -> CheckResult:
    headings = page.document.headings
    if not headings:
        return CheckResult.not_applicable(ID, page.url, "no headings")
    items = []
    previous = None
    for heading in headings:
        if previous is not None and heading.level > previous.level + 1:
            items.append(
                Item(
                    url=page.url,
                    snippet=f"h{heading.level}: {heading.text[:80]}",
                    detail=f"h{previous.level} is followed by h{heading.level}",
                )
            )
        previous = heading
    if items:
        return CheckResult.failed(ID, page.url, items=items, value=float(len(items)))
    return CheckResult.passed(ID, page.url)
