"""cms: which content management system the site runs on (informational: never scored)."""

from collections import Counter

from maturity.core.checks import SiteInput, check
from maturity.core.model import CheckResult, Item
from maturity.core.tech import detect_cms

ID = "cms"


@check(
    id=ID,
    dimension="content",
    title="Content management system",
    failure_title="Content management system",
    description=(
        "Names the content management system behind the site, for the office's inventory: a generator meta "
        "tag, or markers only that product leaves (Drupal's /sites/default/files/ paths and drupalSettings, "
        "WordPress's /wp-content/, Joomla's option=com_ addresses, Sitecore's /-/media/, Adobe Experience "
        "Manager's /etc.clientlibs/, Squarespace's and Wix's asset servers, Granicus govAccess and CivicPlus "
        "document paths, response headers such as X-Generator and X-Drupal-Cache, session cookie names). "
        "Informational: a detection passes without a score and shows what was found and on how many pages; "
        "no detection is not applicable. It never counts for or against the site."
    ),
    requires=("document", "http", "network"),
    scope="site",
    summary=lambda page: {"found": detect_cms(page.document, page.http, page.network)},
    source="Markers documented by each product; Wappalyzer-style detection (own signature table)",
)
def run(site: SiteInput) -> CheckResult:
    if not site.pages:
        return CheckResult.not_applicable(ID, None, "no page was assessed")
    found: Counter[str] = Counter()
    versions: dict[str, set[str]] = {}
    evidence: dict[str, tuple[str, str]] = {}
    for page in site.pages:
        for d in page.artifacts["found"]:
            found[d.name] += 1
            if d.version:
                versions.setdefault(d.name, set()).add(d.version)
            evidence.setdefault(d.name, (page.url, "; ".join(d.evidence[:3])))
    if not found:
        return CheckResult.not_applicable(ID, None, "no known content management system detected")
    items = []
    for name, pages in found.most_common():
        version = ", ".join(sorted(versions.get(name, ())))
        url, why = evidence[name]
        label = f"{name} {version}".strip()
        items.append(
            Item(url=url, snippet=label, detail=f"{label} on {pages} of {len(site.pages)} pages ({why})", value=pages)
        )
    return CheckResult.passed(ID, None, score=None, items=items, value=float(len(found)))
