"""reflow: nothing needs sideways scrolling in a 320 CSS px window (WCAG 1.4.10)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks.accessibility._interaction import interaction
from maturity.core.model import CheckResult, Item

ID = "reflow"


@check(
    id=ID,
    dimension="accessibility",
    title="The page reflows into a narrow window",
    failure_title="Some content needs sideways scrolling in a narrow window",
    description=(
        "People who zoom a desktop browser to 400 % see the page 320 CSS px wide; content that does not "
        "reflow then has to be scrolled sideways line by line. Size boxes in percentages or with max-width, "
        "let flex and grid layouts wrap, and break long words. Tried in the browser: the window is set to "
        "320 CSS px as a desktop browser, and elements with text or controls that reach past its right edge "
        "by at least `min_px` and make the page scroll sideways fail. Content that may need two-dimensional "
        "scrolling (tables, code, images, video, maps) and what sits in its own scrolling box are left out."
    ),
    requires=("document",),
    params={"min_px": 4},
    source="WCAG 2.2 SC 1.4.10 Reflow (320 CSS px wide); techniques C32 (media queries and grid CSS) "
    "and C38 (CSS width, max-width and flexbox)",
    help_url="https://www.w3.org/WAI/WCAG22/Understanding/reflow",
)
def run(page: PageInput) -> CheckResult:
    facts = interaction(ID, page, "reflow")
    if isinstance(facts, CheckResult):
        return facts
    reflow = facts.reflow
    assert reflow is not None  # interaction() returned the facts only with the part present
    bad = [o for o in reflow.overflowing if o.past >= float(page.params["min_px"])] if reflow.scrolls else []
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(
            url=page.url,
            selector=o.selector,
            snippet=o.text[:80],
            detail=f"{o.past:g} px past a {reflow.width:g} px window",
        )
        for o in bad
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
