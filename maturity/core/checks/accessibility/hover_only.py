"""hover-only: content shown on hover is shown on keyboard focus too (WCAG 2.1.1 and 1.4.13)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "hover-only"


@check(
    id=ID,
    dimension="accessibility",
    title="Content shown on hover is also shown on focus",
    failure_title="Some content appears only when hovered with a mouse",
    description=(
        "A drop-down menu or a tooltip revealed by a CSS :hover rule never appears for someone using a "
        "keyboard, a switch or speech, so the links in it cannot be reached. Reveal it on :focus-within (or "
        "with a disclosure button) as well. Decided from the page's own style sheets: a :hover rule that "
        "shows an element now hidden, with no :focus or :focus-within rule for the same selector. Sheets "
        "from other origins cannot be read, and menus opened by script are not visible to this check."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 2.1.1 Keyboard and SC 1.4.13 Content on Hover or Focus; technique SCR39",
    help_url="https://www.w3.org/WAI/WCAG22/Understanding/content-on-hover-or-focus",
)
def run(page: PageInput) -> CheckResult:
    found = page.document.hover_only
    if found is None:
        return not_gathered(ID, page.url, "hover rule facts")
    if not found and (page.document.examined or {}).get("hover_rules") == 0:
        return CheckResult.not_applicable(ID, page.url, "no :hover rule reveals other content")
    if not found:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(
            url=page.url,
            selector=h.selector,
            snippet=h.text[:80],
            detail=f"shown by '{h.rule}' only" + (f"; {h.links} controls inside" if h.links else ""),
        )
        for h in found
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(found)))
