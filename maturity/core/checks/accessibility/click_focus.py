"""click-focus: what acts on a click can be reached with the keyboard (WCAG 2.1.1, failures F54 and F42)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "click-focus"


@check(
    id=ID,
    dimension="accessibility",
    title="Everything that reacts to a click can take keyboard focus",
    failure_title="Some clickable elements cannot be reached with the keyboard",
    description=(
        'A <div> or <span> made clickable with an onclick handler, or given role="button" or "link" '
        "without a tabindex, can be used with a mouse only: Tab never reaches it and Enter does nothing. "
        'Use a real <button> or <a href>, or add tabindex="0", the role and key handling. Decided from '
        "inline onclick attributes and widget roles (button, link, checkbox, switch) on elements that are "
        "not focusable, not inside a control and not holding one; listeners added by script are not visible "
        "to this check."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 2.1.1 Keyboard and SC 4.1.2 Name, Role, Value, failures F54 (pointing-device-only "
    "event handlers) and F42 (emulating links)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/failures/F54",
)
def run(page: PageInput) -> CheckResult:
    found = page.document.clickables
    if found is None:
        return not_gathered(ID, page.url, "clickable element facts")
    if not found and (page.document.examined or {}).get("clickables") == 0:
        return CheckResult.not_applicable(ID, page.url, "nothing on the page acts on a click by its markup")
    if not found:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(url=page.url, selector=c.selector, snippet=c.text[:80], detail=f"<{c.tag}> {c.reason}") for c in found
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(found)))
