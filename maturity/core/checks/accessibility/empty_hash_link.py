"""empty-hash-link: links whose only destination is "#" (they go nowhere, or only work with a mouse script)."""

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "empty-hash-link"


@check(
    id=ID,
    dimension="accessibility",
    title="Every link goes somewhere",
    failure_title='Some links point only to "#" (or javascript:void)',
    description=(
        'A link to "#" jumps to the top of the page, or does something only a script knows about: screen '
        "readers announce a link, keyboard users expect to go somewhere, and nothing of the sort happens. Link "
        'to a real address, or use a <button> for actions (a link with role="button" is exempt: it says it '
        "is a button). Advisory: a link to # is not a WCAG failure by itself (the W3C's ACT examples "
        "judged conforming use them as placeholders); one a script turns into an action is a button that "
        "says it is a link (SC 4.1.2)."
    ),
    requires=("document",),
    params={"hrefs": ["#", "#!", "javascript:void(0)", "javascript:void(0);", "javascript:;", "javascript:"]},
    source="WebAIM links guidance; WCAG 2.2 SC 4.1.2 Name, Role, Value where a script makes the link an action",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/failures/F42",
)
def run(page: PageInput) -> CheckResult:
    links = page.document.links
    if not links:
        return CheckResult.not_applicable(ID, page.url, "no links")
    empty = {h.strip().lower() for h in page.params["hrefs"]}
    bad = [
        link
        for link in links
        if link.raw_href.strip().lower().replace(" ", "") in empty and link.role.lower() != "button"
    ]
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [Item(url=page.url, selector=link.selector, snippet=link.text[:80], detail=link.raw_href) for link in bad]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
