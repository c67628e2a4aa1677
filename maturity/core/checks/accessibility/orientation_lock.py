"""orientation-lock: the page is not turned a quarter turn in one orientation (WCAG 1.3.4)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "orientation-lock"


@check(
    id=ID,
    dimension="accessibility",
    title="Pages work in both orientations",
    failure_title="Some pages turn themselves to hold one orientation",
    description=(
        "A style sheet that rotates the whole page (the html or body element) by a quarter turn under an "
        "@media (orientation: portrait) or (orientation: landscape) rule keeps the content in one "
        "orientation whatever way the phone or tablet is held: someone whose device is mounted on a "
        "wheelchair, or who cannot turn it, reads the page sideways. Let the layout follow the "
        "orientation instead. Decided from the page's own style sheets (a sheet from another origin "
        "cannot be read); an orientation that is essential (a piano, a bank cheque) is for a person to judge."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.3.4 Orientation; the W3C's ACT rule b33eff (orientation not restricted with CSS transforms)",
    help_url="https://www.w3.org/WAI/WCAG22/Understanding/orientation",
)
def run(page: PageInput) -> CheckResult:
    locks = page.document.orientation_locks
    if locks is None:
        return not_gathered(ID, page.url, "orientation facts")
    if not locks and (page.document.examined or {}).get("orientation_rules") == 0:
        return CheckResult.not_applicable(ID, page.url, "no orientation rule turns the page")
    if not locks:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(url=page.url, selector=lock.selector, snippet=lock.media[:80], detail=f"turned {lock.degrees:g}°")
        for lock in locks
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(locks)))
