"""horizontal-overflow: content wider than a phone's screen."""

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "horizontal-overflow"


@check(
    id=ID,
    dimension="mobile",
    title="Content fits the phone's screen",
    failure_title="Content is wider than the phone's screen",
    description=(
        "Content wider than the screen forces sideways scrolling, which hides text and breaks reading on "
        "phones. Use fluid widths, let wide tables scroll inside their own container, and set a viewport. "
        "Measured as max(scrollWidth, innerWidth) against the emulated screen width: under emulation Chromium "
        "widens innerWidth to the content, so comparing scrollWidth with innerWidth alone never fires."
    ),
    requires=("mobile",),
    params={"tolerance_px": 1},
    source="WCAG 2.2 SC 1.4.10 Reflow; Lighthouse audit content-width",
)
def run(page: PageInput) -> CheckResult:
    m = page.mobile
    content_width = max(m.scroll_width, m.inner_width)
    excess = content_width - m.outer_width
    if excess > int(page.params["tolerance_px"]):
        return CheckResult.failed(
            ID,
            page.url,
            value=float(excess),
            items=[
                Item(
                    url=page.url,
                    detail=f"content is {content_width}px wide on a {m.outer_width}px screen",
                    value=float(excess),
                )
            ],
        )
    return CheckResult.passed(ID, page.url, value=float(max(excess, 0)))
