"""security-txt: /.well-known/security.txt tells researchers how to report a vulnerability (site-level)."""

from maturity.core.checks import SiteInput, check
from maturity.core.checks._common import parse_date
from maturity.core.model import CheckResult, Item

ID = "security-txt"


@check(
    id=ID,
    dimension="security",
    title="security.txt says how to report a vulnerability",
    failure_title="security.txt is missing or incomplete",
    description=(
        "People who find a security hole need to know whom to tell. Publish `/.well-known/security.txt` over "
        "HTTPS as text/plain with at least a `Contact:` (an email or web address) and an `Expires:` date in "
        "the future, and keep it current. Federal agencies must also publish a vulnerability disclosure policy "
        "(CISA BOD 20-01). The score is the share of RFC 9116's requirements met."
    ),
    requires=("site",),
    scope="site",
    source="RFC 9116 (security.txt) §2.3, §2.5.3, §2.5.5, §3; CISA BOD 20-01; DOMAIN.md (IDEA Act: secure)",
    help_url="https://www.rfc-editor.org/rfc/rfc9116",
)
def run(site: SiteInput) -> CheckResult:
    facts = site.site.security_txt
    if facts is None:
        return CheckResult.not_applicable(ID, None, "security.txt was not requested")
    if facts.status is None or not 200 <= facts.status < 300:
        answer = f"HTTP {facts.status}" if facts.status is not None else "no answer"
        return CheckResult.failed(ID, None, items=[Item(url=facts.url, detail=f"no security.txt ({answer})")])
    problems = []
    if facts.content_type != "text/plain":
        problems.append(f"served as {facts.content_type or 'no content type'}, not text/plain")
    if not facts.final_url.lower().startswith("https://"):
        problems.append("not served over HTTPS")
    if not any(v.strip() for v in facts.fields.get("contact", [])):
        problems.append("no Contact field")
    expires = facts.fields.get("expires", [])
    if not expires:
        problems.append("no Expires field")
    else:
        when = parse_date(expires[0])
        today = parse_date(site.site.crawled_at)
        if when is None:
            problems.append(f"Expires is not a date: {expires[0][:40]}")
        elif today is not None and when < today:
            problems.append(f"expired on {when.isoformat()}")
    if problems:
        score = 1 - len(problems) / 5
        return CheckResult.failed(ID, None, score=score, items=[Item(url=facts.url, detail=p) for p in problems])
    contact = facts.fields["contact"][0]
    return CheckResult.passed(ID, None, items=[Item(url=facts.url, detail=f"Contact: {contact[:100]}")])
