"""vague-link-text: links whose text says nothing out of context (WCAG 2.4.4)."""

import re

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "vague-link-text"
_PUNCT = re.compile(r"[^\w\s]+")


# Phrases that say nothing out of context (also skipped by ambiguous-link-text: this check decides them).
PHRASES = (
    "click here",
    "here",
    "read more",
    "more",
    "learn more",
    "link",
    "this link",
    "this page",
    "details",
    "continue",
    "click",
    "go",
)


def normalise(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", text).lower().split())


@check(
    id=ID,
    dimension="accessibility",
    title="Link text describes where each link goes",
    failure_title='Some links say nothing out of context ("click here", "read more")',
    description=(
        'Screen-reader users often list a page\'s links on their own; "click here" or "read more" then says '
        'nothing. Write link text that names the destination ("Apply for a fishing licence").'
    ),
    requires=("document",),
    params={"phrases": list(PHRASES)},
    source="WCAG 2.2 SC 2.4.4 Link Purpose (In Context); Lighthouse audit link-text",
    help_url="https://www.w3.org/WAI/WCAG22/Understanding/link-purpose-in-context",
)
def run(page: PageInput) -> CheckResult:
    phrases = {normalise(p) for p in page.params["phrases"]}
    bad = [link for link in page.document.links if normalise(link.text) in phrases]
    if not page.document.links:
        return CheckResult.not_applicable(ID, page.url, "no links")
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [Item(url=page.url, selector=link.selector, snippet=link.text, detail=link.href) for link in bad]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
