"""hover-content: what a mouse hover shows, keyboard focus shows too (WCAG 1.4.13 and 2.1.1), tried in the browser."""

from maturity.core.checks import PageInput, check
from maturity.core.checks.accessibility._interaction import interaction
from maturity.core.model import CheckResult, Item

ID = "hover-content"


@check(
    id=ID,
    dimension="accessibility",
    title="What hovering shows, focusing shows too",
    failure_title="Some content appears on mouse hover but not on keyboard focus",
    description=(
        "A tooltip or a menu that a script or a style sheet shows on mouse hover, and not on keyboard "
        "focus, is out of reach for keyboard, switch and speech users. Show it on focus as well (focus "
        "and blur handlers beside mouseenter and mouseleave, :focus-within beside :hover), or open it "
        "with a button. Tried in the browser, on up to 4 controls that have hidden content with text "
        "beside them (the same parent, or a grandparent holding no other control) and no disclosure "
        "button (aria-expanded): each control is focused, then hovered with the mouse; it fails when "
        "hovering shows content that focusing did not. Unlike hover-only, this sees menus and tooltips "
        "that scripts open and style sheets from other origins; content shown after a delay is not seen."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.4.13 Content on Hover or Focus and SC 2.1.1 Keyboard; techniques SCR2 "
    "(redundant keyboard and mouse event handlers) and SCR39",
    help_url="https://www.w3.org/WAI/WCAG22/Understanding/content-on-hover-or-focus",
)
def run(page: PageInput) -> CheckResult:
    facts = interaction(ID, page, "hover")
    if isinstance(facts, CheckResult):
        return facts
    probes = facts.hover or []
    if not probes:
        return CheckResult.not_applicable(ID, page.url, "no control has hidden content beside it")
    bad = [p for p in probes if p.shown_on_hover > 0 and p.shown_on_focus == 0]
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(
            url=page.url,
            selector=p.selector,
            snippet=p.text[:80],
            detail=f"hover shows '{p.revealed[:80]}'; focus does not",
        )
        for p in bad
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
