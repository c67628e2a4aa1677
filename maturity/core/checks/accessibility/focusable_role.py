"""focusable-role: what takes keyboard focus says what it is (WCAG 4.1.2)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "focusable-role"


@check(
    id=ID,
    dimension="accessibility",
    title="Every element in the tab order has a role",
    failure_title="Some elements take keyboard focus but have no role",
    description=(
        'A <div tabindex="0"> or <span tabindex="0"> is reached with Tab, but a screen reader announces only '
        "its text, not what it is or that it does anything, so its user cannot tell a control from a "
        "paragraph. Use the native element (<button>, <a href>), or give it the right role (and the key "
        "handling that goes with it); remove the tabindex from text that does nothing. A scrolling region "
        "that takes focus so it can be scrolled by keyboard is left alone."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 4.1.2 Name, Role, Value (techniques ARIA4 and G108) and SC 2.4.3 Focus Order",
    help_url="https://www.w3.org/WAI/WCAG22/Understanding/name-role-value",
)
def run(page: PageInput) -> CheckResult:
    found = page.document.roleless_focusable
    if found is None:
        return not_gathered(ID, page.url, "focusable element facts")
    if not found and (page.document.examined or {}).get("tabindex") == 0:
        return CheckResult.not_applicable(ID, page.url, "no element is given a tabindex")
    if not found:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(url=page.url, selector=c.selector, snippet=c.text[:80], detail=f"<{c.tag}> {c.reason}, no role")
        for c in found
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(found)))
