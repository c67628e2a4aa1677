"""design-system: the site uses the U.S. Web Design System (informational unless a rubric requires it; site-level)."""

import re
from types import SimpleNamespace

from maturity.core.checks import SiteInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "design-system"
_VERSION = re.compile(r"uswds[-@/._]?v?(\d+\.\d+\.\d+)", re.IGNORECASE)
_ASSET = re.compile(r"uswds", re.IGNORECASE)


@check(
    id=ID,
    dimension="content",
    title="The site uses a shared design system (USWDS)",
    failure_title="No use of the U.S. Web Design System was detected",
    description=(
        "A shared design system gives every page the same tested, accessible components, so the site looks "
        "and works consistently. Detected from USWDS signals: elements with `usa-` classes (at least "
        "`min_classes` on a page), the `usa-banner` official-site banner, or a `uswds` asset (its version is "
        "read from the file name). Informational by default: detected passes, not detected is not "
        "applicable, because state and local sites may use their own design system. Set `required: true` "
        "(federal sites, which OMB M-23-22 directs to USWDS) to make absence a failure."
    ),
    requires=("document", "network"),
    scope="site",
    summary=lambda page: {
        "document": SimpleNamespace(design=page.document.design),
        # the assets' URLs alone: the same on every page, so the summaries are kept once (PageSummaries)
        "network": SimpleNamespace(
            requests=[SimpleNamespace(url=r.url) for r in page.network.requests if _ASSET.search(r.url)]
        ),
    },
    params={"required": False, "min_classes": 5},
    source="21st Century IDEA Act §3(a)(2) (consistent appearance) and §3(b) (USWDS); OMB M-23-22; "
    "GSA Site Scanning USWDS fields",
    help_url="https://designsystem.digital.gov/",
)
def run(site: SiteInput) -> CheckResult:
    if not site.pages:
        return CheckResult.errored(ID, None, "no page was assessed")
    if all(p.document.design is None for p in site.pages):
        return not_gathered(ID, None, "design-system signals")
    minimum = int(site.params["min_classes"])
    using: list[str] = []
    versions: set[str] = set()
    banner = False
    for page in site.pages:
        design = page.document.design
        assets = [r.url for r in page.network.requests if _ASSET.search(r.url)]
        versions |= {m.group(1) for url in assets if (m := _VERSION.search(url))}
        if (design is not None and (design.usa_classes >= minimum or design.usa_banner)) or assets:
            using.append(page.url)
        banner = banner or bool(design and design.usa_banner)
    share = len(using) / len(site.pages)
    if using:
        detail = f"USWDS on {len(using)} of {len(site.pages)} pages"
        detail += f"; version {', '.join(sorted(versions))}" if versions else ""
        detail += "; official-site banner present" if banner else ""
        return CheckResult.passed(ID, None, value=share, items=[Item(url=using[0], detail=detail, value=share)])
    if site.params["required"]:
        return CheckResult.failed(
            ID, None, value=0.0, items=[Item(url=site.site.start_url, detail="no USWDS classes, banner or assets")]
        )
    return CheckResult.not_applicable(ID, None, "no USWDS signals (not required by this rubric)")
