"""analytics: the site measures its use (the federal DAP script or another analytics service; site-level)."""

import re
from collections.abc import Mapping
from typing import Any

from maturity.core.checks import PageInput, SiteInput, check
from maturity.core.checks._common import validate_regex
from maturity.core.model import CheckResult, Item

ID = "analytics"


def _validate(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    services = params.get("services")
    if not isinstance(services, dict) or not services:
        return [("services", "give a mapping of service names to URL patterns")]
    return [p for name, pattern in services.items() for p in validate_regex(pattern, f"services.{name}")]


def _services(page: PageInput) -> dict[str, Any]:
    """A page's summary: the analytics services its requests reached."""
    services = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in dict(page.params["services"]).items()}
    return {"services": {name for name, rx in services.items() for r in page.network.requests if rx.search(r.url)}}


@check(
    id=ID,
    dimension="content",
    title="The site measures how it is used",
    failure_title="Some pages load no analytics",
    description=(
        "A data-driven site knows which pages people use and where they give up. Federal sites must load the "
        "Digital Analytics Program (DAP) script; others use any analytics service. Matched by URL pattern on "
        "the requests each page made (including requests the audit blocked), never by fetching anything. "
        "Passes when at least `min_share` of sampled pages load a service in `services`; the score is the share."
    ),
    requires=("network",),
    scope="site",
    summary=_services,
    params={
        "min_share": 0.9,
        "services": {
            "DAP": r"Universal-Federated-Analytics|dap\.digitalgov\.gov",
            "Google Analytics": r"googletagmanager\.com|google-analytics\.com|/gtag/js|/analytics\.js\b|/ga\.js\b",
            "Adobe Analytics": r"assets\.adobedtm\.com|\.omtrdc\.net|/AppMeasurement",
            "Matomo": r"matomo\.(js|php)|piwik\.(js|php)",
            "Plausible": r"plausible\.io/js",
            "Siteimprove": r"siteimproveanalytics",
            "Microsoft Clarity": r"clarity\.ms",
            "Cloudflare Web Analytics": r"static\.cloudflareinsights\.com",
        },
    },
    source="OMB M-23-22 (DAP on public websites); IDEA Act §3(a)(6) (data-driven); GSA Site Scanning DAP fields",
    help_url="https://digital.gov/guides/dap/",
    validate=_validate,
)
def run(site: SiteInput) -> CheckResult:
    if not site.pages:
        return CheckResult.errored(ID, None, "no page had a network log")
    found: set[str] = set()
    without = []
    for page in site.pages:
        here = page.artifacts["services"]
        found |= here
        if not here:
            without.append(page.url)
    share = 1 - len(without) / len(site.pages)
    detail = f"analytics on {len(site.pages) - len(without)} of {len(site.pages)} pages"
    detail += f" ({', '.join(sorted(found))})" if found else ""
    items = [Item(url=site.site.start_url, detail=detail, value=share)]
    if share < float(site.params["min_share"]):
        items += [Item(url=url, detail="no analytics request") for url in without[:20]]
        return CheckResult.failed(ID, None, value=share, score=share, items=items)
    return CheckResult.passed(ID, None, value=share, items=items)
