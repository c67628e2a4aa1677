"""viewport: a viewport meta tag that sets the layout width to the device's width."""

from maturity.core.checks import PageInput, check
from maturity.core.checks.mobile._viewport import parse_viewport
from maturity.core.model import CheckResult, Item

ID = "viewport"


@check(
    id=ID,
    dimension="mobile",
    title="Page sets a mobile viewport",
    failure_title="Page has no mobile viewport (phones show a zoomed-out desktop layout)",
    description=(
        'Without `<meta name="viewport" content="width=device-width, initial-scale=1">` phones lay the page '
        "out 980 px wide and shrink it, so text is tiny and everything needs zooming."
    ),
    requires=("document",),
    source="Lighthouse audit viewport; GSA Site Scanning field viewport_meta_tag",
)
def run(page: PageInput) -> CheckResult:
    content = page.document.meta.get("viewport")
    if content is None:
        return CheckResult.failed(ID, page.url, items=[Item(url=page.url, detail="no viewport meta tag")])
    if parse_viewport(content).get("width") != "device-width":
        return CheckResult.failed(
            ID, page.url, items=[Item(url=page.url, snippet=content, detail="width is not device-width")]
        )
    return CheckResult.passed(ID, page.url)
