"""security-headers: the response headers that harden a page in the browser."""

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "security-headers"


@check(
    id=ID,
    dimension="security",
    title="Security headers are set",
    failure_title="Security headers are missing",
    description=(
        "Content-Security-Policy limits what scripts may run, X-Content-Type-Options stops MIME sniffing, and "
        "Referrer-Policy keeps URLs private when people follow links out. The score is the share present."
    ),
    requires=("http",),
    params={"headers": {"content-security-policy": None, "x-content-type-options": "nosniff", "referrer-policy": None}},
    source="OWASP Secure Headers Project; DOMAIN.md (IDEA Act: secure)",
)
def run(page: PageInput) -> CheckResult:
    wanted: dict[str, str | None] = dict(page.params["headers"])
    headers = page.http.headers
    missing = []
    for name, expected in wanted.items():
        value = headers.get(name.lower())
        if value is None or (expected is not None and expected.lower() not in value.lower()):
            missing.append(Item(url=page.url, snippet=name, detail="missing" if value is None else f"is {value!r}"))
    score = 1 - len(missing) / max(1, len(wanted))
    if missing:
        return CheckResult.failed(ID, page.url, items=missing, score=score, value=float(len(missing)))
    return CheckResult.passed(ID, page.url)
