"""required-links: the home page links to the pages every public site must have (site-level)."""

from collections.abc import Mapping
from typing import Any

from maturity.core.checks import SiteInput, check
from maturity.core.checks._common import (
    compile_link_spec,
    describe_link_spec,
    home_only,
    home_page,
    link_matches,
    validate_link_specs,
)
from maturity.core.model import CheckResult, Item

ID = "required-links"


def _validate(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    return validate_link_specs(params.get("links"), "links")


@check(
    id=ID,
    dimension="content",
    title="The home page links to every required page",
    failure_title="The home page is missing required links",
    description=(
        "People look for the same few pages on every government site. The rubric lists them under `links`, "
        "each as a regular expression matched against a link's URL or its text, or as `{url: ..., text: ...}` "
        "(either may match). They are looked for on the home page (or the start page when the home page was "
        "not sampled). The score is the share found."
    ),
    requires=("document",),
    scope="site",
    summary=home_only,
    params={
        "links": {
            "privacy": r"privacy",
            "accessibility": r"accessib",
            "contact": r"contact",
        }
    },
    source="GSA Site Scanning required links (about, accessibility, FOIA, privacy, ...); OMB M-23-22",
    validate=_validate,
)
def run(site: SiteInput) -> CheckResult:
    home = home_page(site)
    if home is None:
        return CheckResult.errored(ID, None, "neither the home page nor the start page was assessed")
    required: dict[str, Any] = dict(site.params["links"])
    missing = []
    for name, spec in required.items():
        patterns = compile_link_spec(spec)
        if not any(link_matches(link, patterns) for link in home.document.links):
            missing.append(Item(url=home.url, snippet=name, detail=f"no link with {describe_link_spec(spec)}"))
    score = 1 - len(missing) / max(1, len(required))
    if missing:
        return CheckResult.failed(ID, None, items=missing, score=score, value=float(len(missing)))
    return CheckResult.passed(ID, None)
