"""feedback: people can tell the agency what they think of a page (site-level)."""

import re
from collections.abc import Mapping
from typing import Any

from maturity.core.checks import PageInput, SiteInput, check
from maturity.core.checks._common import (
    LinkPatterns,
    compile_link_spec,
    link_matches,
    not_gathered,
    validate_link_specs,
    validate_regex,
)
from maturity.core.model import CheckResult, Item

ID = "feedback"


def _validate(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    return (
        validate_link_specs({"link": params.get("link")}, "")
        + validate_regex(params.get("text"), "text")
        + validate_regex(params.get("requests"), "requests")
    )


def signal(page: PageInput, link: LinkPatterns, text: re.Pattern[str], requests: re.Pattern[str]) -> str | None:
    """What shows that the page offers feedback, or None."""
    doc = page.document
    for a in doc.links:
        if link_matches(a, link):
            return f'link "{a.text[:60]}"'
    url_rx = link[0]
    for form in doc.forms:
        if url_rx and (url_rx.search(form.action) or any(url_rx.search(f.name) for f in form.fields)):
            return "feedback form"
    found = text.search(doc.text) or text.search(doc.other_text or "")
    if found:
        return f'"{found.group(0)}"'
    if any(requests.search(r.url) for r in page.network.requests):
        return "feedback widget script"
    return None


@check(
    id=ID,
    dimension="content",
    title="Pages invite feedback",
    failure_title="Few pages offer a way to give feedback",
    description=(
        'A user-centred site asks people whether it helped: a "Was this page helpful?" widget, a feedback '
        "link or form, or a Touchpoints survey (the federal customer-experience tool, OMB Circular A-11 §280). "
        "A page counts when a link matches `link`, a form's action or field names match its URL pattern, the "
        "page text matches `text`, or a request matches `requests`. Passes when at least `min_share` of "
        "sampled pages count."
    ),
    requires=("document", "network"),
    scope="site",
    summary=lambda page: {
        "signal": signal(
            page,
            compile_link_spec(page.params["link"]),
            re.compile(page.params["text"], re.IGNORECASE),
            re.compile(page.params["requests"], re.IGNORECASE),
        ),
        "other_text": page.document.other_text is not None,
    },
    params={
        "min_share": 0.5,
        "link": {
            "url": r"feedback|survey|touchpoints|comentarios",
            "text": r"feedback|was this (page|information) (helpful|useful)|is this page useful|rate this page|"
            r"report a problem|tell us what you think|take (our|a) survey|comentarios|encuesta",
        },
        "text": r"was this (page|information) (helpful|useful)|is this page useful|did you find what you|"
        r"how can we improve|¿(le|te) (fue|resultó) útil",
        "requests": r"touchpoints\.app\.cloud\.gov|/touchpoints/",
    },
    source="IDEA Act §3(a)(6) (user-centered, data-driven); OMB Circular A-11 §280; GSA Touchpoints",
    help_url="https://touchpoints.digital.gov/",
    validate=_validate,
)
def run(site: SiteInput) -> CheckResult:
    if not site.pages:
        return CheckResult.errored(ID, None, "no page was assessed")
    if not any(p.artifacts["other_text"] for p in site.pages):
        return not_gathered(ID, None, "text outside the main content")
    found = {p.url: s for p in site.pages if (s := p.artifacts["signal"]) is not None}
    share = len(found) / len(site.pages)
    detail = f"feedback offered on {len(found)} of {len(site.pages)} pages"
    example = next(iter(found.items()), None)
    if example:
        detail += f" (for example {example[1]} on {example[0]})"
    items = [Item(url=site.site.start_url, detail=detail, value=share)]
    if share < float(site.params["min_share"]):
        items += [Item(url=p.url, detail="no feedback mechanism") for p in site.pages if p.url not in found][:20]
        return CheckResult.failed(ID, None, value=share, score=share, items=items)
    return CheckResult.passed(ID, None, value=share, items=items)
