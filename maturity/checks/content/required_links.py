"""required-links: the home page links to the pages every public site must have (site-level)."""

import re

from maturity.checks import SiteInput, check
from maturity.model import CheckResult, Item, normalise_for_lookup

ID = "required-links"


@check(
    id=ID,
    dimension="content",
    title="The home page links to every required page",
    failure_title="The home page is missing required links",
    description=(
        "People look for the same few pages on every government site. Each required link is matched by a "
        "pattern against the link's URL or its text, on the home page (or the start page when the home page "
        "was not sampled). The list is configurable in the rubric."
    ),
    requires=("document",),
    scope="site",
    params={
        "links": {
            "privacy": r"privacy",
            "accessibility": r"accessib",
            "contact": r"contact",
        }
    },
    source="GSA Site Scanning required links (about, accessibility, FOIA, privacy, ...); OMB M-23-22",
)
def run(site: SiteInput) -> CheckResult:
    home_url = normalise_for_lookup(site.site.homepage_url or site.site.start_url)
    start_url = normalise_for_lookup(site.site.start_url)
    home = next((p for p in site.pages if normalise_for_lookup(p.url) == home_url), None)
    home = home or next((p for p in site.pages if normalise_for_lookup(p.url) == start_url), None)
    if home is None:
        return CheckResult.errored(ID, None, "neither the home page nor the start page was assessed")
    required: dict[str, str] = dict(site.params["links"])
    missing = []
    for name, pattern in required.items():
        rx = re.compile(pattern, re.IGNORECASE)
        if not any(rx.search(link.href) or rx.search(link.text) for link in home.document.links):
            missing.append(Item(url=home.url, snippet=name, detail=f"no link matching /{pattern}/"))
    score = 1 - len(missing) / max(1, len(required))
    if missing:
        return CheckResult.failed(ID, None, items=missing, score=score, value=float(len(missing)))
    return CheckResult.passed(ID, None)
