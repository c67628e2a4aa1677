"""missing-assets: images, scripts, styles and fonts the page asks for that answer with an error."""

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "missing-assets"


@check(
    id=ID,
    dimension="content",
    title="Every image, script and style the page uses loads",
    failure_title="Some images, scripts or styles answer with an error",
    description=(
        "A missing image leaves a hole (and its alternative text is all that shows), a missing script or "
        "stylesheet can break the page's layout or features. Fix the references or restore the files. Read "
        "from the browser's own requests while the page loaded: any of the resource `types` that answered "
        "HTTP 400 or above. Requests the audit itself blocked are not counted."
    ),
    requires=("network",),
    params={"types": ["image", "script", "stylesheet", "font", "media"]},
    source="IDEA Act §3(a)(3) (authoritative, maintained content); HTTP semantics (RFC 9110 §15.5)",
)
def run(page: PageInput) -> CheckResult:
    types = set(page.params["types"])
    relevant = [r for r in page.network.requests if r.resource_type in types and not r.blocked]
    if not relevant:
        return CheckResult.not_applicable(ID, page.url, "no assets requested")
    missing = [r for r in relevant if r.status is not None and r.status >= 400]
    if not missing:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(url=page.url, snippet=r.url, detail=f"{r.resource_type}: HTTP {r.status}", value=r.status) for r in missing
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(missing)))
