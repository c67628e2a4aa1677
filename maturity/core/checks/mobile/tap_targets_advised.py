"""tap-targets-advised: tap targets of the advised size (48×48 CSS px), beyond WCAG's 24×24 minimum."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "tap-targets-advised"


@check(
    id=ID,
    dimension="mobile",
    title="Tap targets are of the advised size, or well spaced",
    failure_title="Many tap targets are smaller than the advised size and close to others",
    description=(
        "WCAG 2.5.8 sets 24×24 CSS px as the minimum (the `tap-targets` check); 44–48 px is what platform "
        "guidelines and WCAG 2.5.5 (AAA) advise for a fingertip. This advisory check applies WCAG's spacing "
        "rule at the advised size: a target passes when it is `size` px or more in both directions, or when a "
        "circle `size` px across centred on it touches no other target. The page passes when at least "
        "`min_share` of its targets outside running text pass. Give buttons and navigation links padding or "
        "more space; inline links in sentences are exempt."
    ),
    requires=("mobile",),
    params={"size": 48, "min_share": 0.75},
    source="WCAG 2.2 SC 2.5.5 Target Size (Enhanced, 44 px) and SC 2.5.8's spacing rule; "
    "Lighthouse tap-targets (48 px)",
    help_url="https://www.w3.org/WAI/WCAG22/Understanding/target-size-enhanced",
)
def run(page: PageInput) -> CheckResult:
    sizes = page.mobile.target_sizes
    if sizes is None:
        return not_gathered(ID, page.url, "target sizes")
    if not sizes:
        return CheckResult.not_applicable(ID, page.url, "no tap targets outside running text")
    size = float(page.params["size"])
    ok = sum(1 for w, h, nearest in sizes if (w >= size and h >= size) or nearest >= size / 2)
    share = ok / len(sizes)
    detail = f"{share:.0%} of {len(sizes)} targets are {size:g}×{size:g} px or spaced that far apart"
    item = Item(url=page.url, detail=detail, value=share)
    if share < float(page.params["min_share"]):
        return CheckResult.failed(ID, page.url, value=share, score=share, items=[item])
    return CheckResult.passed(ID, page.url, value=share, items=[item])
