"""tap-targets: links and controls too small to tap reliably (WCAG 2.5.8)."""

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "tap-targets"


@check(
    id=ID,
    dimension="mobile",
    title="Tap targets are large enough or well spaced",
    failure_title="Some tap targets are too small and too close together",
    description=(
        "Targets smaller than 24×24 CSS px, with another target within 24 px, are easy to miss with a finger "
        "(48×48 is advised). Links inline in a sentence are exempt, as WCAG allows. Enlarge icons and "
        "buttons with padding, or space them apart. The gatherer applies WCAG's inline and spacing exceptions "
        "before listing a target."
    ),
    requires=("mobile",),
    params={"max_small": 0},
    source="WCAG 2.2 SC 2.5.8 Target Size (Minimum)",
    help_url="https://www.w3.org/WAI/WCAG22/Understanding/target-size-minimum",
)
def run(page: PageInput) -> CheckResult:
    m = page.mobile
    if m.targets_total == 0:
        return CheckResult.not_applicable(ID, page.url, "no tap targets")
    small = m.small_targets
    if len(small) > int(page.params["max_small"]):
        items = [
            Item(url=page.url, selector=t.selector, snippet=t.text[:80], detail=f"{t.width:.0f}×{t.height:.0f} px")
            for t in small
        ]
        return CheckResult.failed(ID, page.url, items=items, value=float(len(small)))
    return CheckResult.passed(ID, page.url, value=float(len(small)))
