"""hsts: Strict-Transport-Security with a long max-age."""

import re

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "hsts"
_MAX_AGE = re.compile(r"max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


@check(
    id=ID,
    dimension="security",
    title="HTTPS is enforced with a strong HSTS header",
    failure_title="HSTS is missing or too short",
    description=(
        "Strict-Transport-Security tells browsers never to use plain HTTP for the site again. Send "
        "`Strict-Transport-Security: max-age=31536000; includeSubDomains` on every HTTPS response."
    ),
    requires=("http",),
    params={"min_max_age": 31_536_000},
    source="RFC 6797; pshtt 'strong HSTS' (max-age ≥ 31,536,000 s), DOMAIN.md",
)
def run(page: PageInput) -> CheckResult:
    if not page.http.final_url.lower().startswith("https://"):
        return CheckResult.not_applicable(ID, page.url, "page is not served over HTTPS")
    header = page.http.headers.get("strict-transport-security")
    if header is None:
        return CheckResult.failed(
            ID, page.url, items=[Item(url=page.url, detail="no Strict-Transport-Security header")]
        )
    match = _MAX_AGE.search(header)
    age = int(match.group(1)) if match else 0
    if age < int(page.params["min_max_age"]):
        return CheckResult.failed(
            ID,
            page.url,
            value=float(age),
            items=[Item(url=page.url, snippet=header, detail=f"max-age {age} is below {page.params['min_max_age']}")],
        )
    return CheckResult.passed(ID, page.url, value=float(age))
