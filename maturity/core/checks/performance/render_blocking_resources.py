"""render-blocking-resources: stylesheets and synchronous scripts that hold back the first paint."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "render-blocking-resources"


@check(
    id=ID,
    dimension="performance",
    title="Few resources block the first paint",
    failure_title="Scripts or too many stylesheets block the first paint",
    description=(
        "Nothing is painted until every render-blocking stylesheet and synchronous script in the head has "
        "downloaded and run; on a phone network each costs a round trip or more. Add `defer` (or `async`) to "
        "scripts, inline the critical CSS, load the rest with a media query or later, and combine stylesheets. "
        "Which resources blocked rendering is the browser's own verdict (Resource Timing's "
        "renderBlockingStatus), with the classic head-of-document rule where the browser does not say."
    ),
    requires=("document",),
    params={"max_scripts": 0, "max_stylesheets": 2},
    source="Lighthouse audit render-blocking-resources; W3C Resource Timing (renderBlockingStatus)",
    help_url="https://developer.chrome.com/docs/lighthouse/performance/render-blocking-resources",
)
def run(page: PageInput) -> CheckResult:
    blocking = page.document.render_blocking
    if blocking is None:
        return not_gathered(ID, page.url, "render-blocking resources")
    scripts = [r for r in blocking if r.kind == "script"]
    sheets = [r for r in blocking if r.kind == "stylesheet"]
    value = float(len(blocking))
    too_many = len(scripts) > int(page.params["max_scripts"]) or len(sheets) > int(page.params["max_stylesheets"])
    if not too_many:
        return CheckResult.passed(ID, page.url, value=value)
    items = [Item(url=page.url, snippet=r.url, detail=f"render-blocking {r.kind}") for r in scripts + sheets]
    return CheckResult.failed(ID, page.url, items=items, value=value)
