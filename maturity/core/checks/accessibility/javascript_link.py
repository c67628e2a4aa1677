"""javascript-link: links whose address is script code (advisory; WCAG 4.1.2, technique SCR35)."""

import re

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "javascript-link"
# The do-nothing ones ("javascript:", "javascript:;", "javascript:void(0)") go nowhere at all:
# empty-hash-link decides them, so this check leaves them alone.
_NO_OP = re.compile(r"^(void\s*\(?\s*0\s*\)?)?\s*;?$")


def script_of(raw_href: str) -> str | None:
    """The code of a ``javascript:`` address that does something, else None."""
    href = raw_href.strip()
    if not href.lower().startswith("javascript:"):
        return None
    code = href[len("javascript:") :].strip()
    return None if _NO_OP.match(code) else code


@check(
    id=ID,
    dimension="accessibility",
    title="Links have addresses, not script code",
    failure_title='Some links run script code from their address ("javascript:…")',
    description=(
        'A link whose href is "javascript:openWindow(…)" is announced as a link but is a script: it cannot be '
        "opened in a new tab, bookmarked or shared, and does nothing where scripts are blocked or fail. Give "
        "the link the real address (and let a script enhance it), or use a <button> for an action. Fails on "
        "links (not role=button) whose address runs code; do-nothing addresses such as javascript:void(0) are "
        "empty-hash-link's. Advisory: WCAG does not forbid script, but a control that acts should say it is "
        "a button, and technique SCR35 asks for a real address as the fallback."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 4.1.2 Name, Role, Value (a link that acts is a button) and technique SCR35 (making "
    "actions keyboard accessible by using the onclick event of anchors and buttons: a fallback address in href)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/client-side-script/SCR35",
)
def run(page: PageInput) -> CheckResult:
    links = page.document.links
    if not links:
        return CheckResult.not_applicable(ID, page.url, "no links")
    bad = [
        (link, code)
        for link in links
        if (code := script_of(link.raw_href)) is not None and link.role.strip().lower() != "button"
    ]
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(
            url=page.url,
            selector=link.selector,
            snippet=(link.name or link.text)[:80],
            detail=f"javascript:{code}"[:200],
        )
        for link, code in bad
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
