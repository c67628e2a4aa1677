"""zoom-allowed: the viewport does not stop people from zooming (WCAG 1.4.4)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks.mobile._viewport import parse_viewport
from maturity.core.model import CheckResult, Item

ID = "zoom-allowed"


@check(
    id=ID,
    dimension="mobile",
    title="People can zoom the page",
    failure_title="The viewport blocks zooming",
    description=(
        "`user-scalable=no` or a `maximum-scale` below 2 stops people with low vision from enlarging text on "
        "phones. Remove both from the viewport meta tag."
    ),
    requires=("document",),
    params={"min_maximum_scale": 2.0},
    source="WCAG 2.2 SC 1.4.4 Resize Text; axe-core rule meta-viewport",
)
def run(page: PageInput) -> CheckResult:
    content = page.document.meta.get("viewport")
    if content is None:
        return CheckResult.not_applicable(ID, page.url, "no viewport meta tag")
    parsed = parse_viewport(content)
    problems = []
    if parsed.get("user-scalable") in {"no", "0"}:
        problems.append("user-scalable=no")
    try:
        maximum = float(parsed.get("maximum-scale", "10"))
    except ValueError:
        maximum = 10.0
    if maximum < float(page.params["min_maximum_scale"]):
        problems.append(f"maximum-scale={maximum:g}")
    if problems:
        return CheckResult.failed(ID, page.url, items=[Item(url=page.url, snippet=content, detail=", ".join(problems))])
    return CheckResult.passed(ID, page.url)
