"""tab-order: pressing Tab moves down the page, not back up it (WCAG 2.4.3), tried in the browser."""

import itertools

from maturity.core.checks import PageInput, check
from maturity.core.checks.accessibility._interaction import interaction
from maturity.core.model import CheckResult, Item, TabStop

ID = "tab-order"


@check(
    id=ID,
    dimension="accessibility",
    title="Pressing Tab moves down the page",
    failure_title="Pressing Tab sends focus back up the page",
    description=(
        "Where focus really goes when Tab is pressed, as opposed to the order the markup predicts "
        "(focus-order): scripts that move focus, shadow DOM and reordered content all show here. Keyboard "
        "users lose their place when focus jumps back up the page. Tab is pressed from the top of the "
        "page at most 20 times, in phone emulation (one column); it fails when focus moves to an element "
        "wholly above the one before, by at least `min_px` CSS px, with their columns overlapping by half "
        "the narrower width. Fixed and sticky elements, elements in open modal dialogs and the wrap from "
        "the end of the page back to its top are left out, so a reported jump is a real one."
    ),
    requires=("document",),
    params={"min_px": 100},
    source="WCAG 2.2 SC 2.4.3 Focus Order; failures F44 (tabindex that does not preserve meaning) and "
    "F85 (focus moved to a place that does not preserve meaning)",
    help_url="https://www.w3.org/WAI/WCAG22/Understanding/focus-order",
)
def run(page: PageInput) -> CheckResult:
    facts = interaction(ID, page, "keyboard")
    if isinstance(facts, CheckResult):
        return facts
    walk = facts.keyboard
    stops = walk.stops if walk else []
    if sum(1 for s in stops if s.kind == "element") < 2:
        return CheckResult.not_applicable(ID, page.url, "fewer than two elements took focus")
    min_px = float(page.params["min_px"])
    items = []
    for a, b in itertools.pairwise(stops):
        if not (_placed(a) and _placed(b)) or a.key == b.key:
            continue
        overlap = min(a.left + a.width, b.left + b.width) - max(a.left, b.left)
        up = a.top - b.top
        if b.top + b.height > a.top + 1 or overlap < 0.5 * min(a.width, b.width) or up < min_px:
            continue
        items.append(
            Item(url=page.url, selector=b.selector, snippet=b.text[:80], detail=f"{up:g} px above {a.selector}")
        )
    if not items:
        return CheckResult.passed(ID, page.url)
    return CheckResult.failed(ID, page.url, items=items[:20], value=float(len(items)))


def _placed(stop: TabStop) -> bool:
    """An element whose place on the page means something for this comparison."""
    return stop.kind == "element" and not stop.pinned and not stop.modal and stop.width > 0 and stop.height > 0
