"""login-provider: which identity providers the site's sign-in goes through (informational: never scored)."""

from collections import Counter

from maturity.core.checks import SiteInput, check
from maturity.core.model import CheckResult, Item
from maturity.core.tech import detect_login

ID = "login-provider"


@check(
    id=ID,
    dimension="security",
    title="Login provider",
    failure_title="Login provider",
    description=(
        "Names the identity providers people are sent to to sign in, recognised from the targets of links, "
        "form actions and framed or scripted sign-in widgets: Login.gov, ID.me, Okta, Azure AD B2C, "
        "Microsoft Entra ID, Auth0, Ping Identity, Amazon Cognito, Google and Keycloak. Offices use it to see "
        "which services already use a shared government login. Informational: a detection passes without a "
        "score; none found is not applicable. It never counts for or against the site."
    ),
    requires=("document",),
    scope="site",
    summary=lambda page: {"found": detect_login(page.document)},
    source="The providers' documented sign-in hosts (own signature table)",
    help_url="https://developers.login.gov/",
)
def run(site: SiteInput) -> CheckResult:
    if not site.pages:
        return CheckResult.not_applicable(ID, None, "no page was assessed")
    found: Counter[str] = Counter()
    evidence: dict[str, tuple[str, str]] = {}
    for page in site.pages:
        for d in page.artifacts["found"]:
            found[d.name] += 1
            evidence.setdefault(d.name, (page.url, "; ".join(d.evidence[:2])))
    if not found:
        return CheckResult.not_applicable(ID, None, "no known login provider linked")
    items = []
    for name, pages in found.most_common():
        url, why = evidence[name]
        items.append(Item(url=url, snippet=name, detail=f"{name} on {pages} of {len(site.pages)} pages ({why})"))
    return CheckResult.passed(ID, None, score=None, items=items, value=float(len(found)))
