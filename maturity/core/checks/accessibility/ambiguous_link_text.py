"""ambiguous-link-text: one link text, several destinations on one page (advisory; WCAG 2.4.4)."""

import re
from urllib.parse import urlsplit

from maturity.core.checks import PageInput, check
from maturity.core.checks.accessibility.vague_link_text import PHRASES, normalise
from maturity.core.model import CheckResult, Item, Link

ID = "ambiguous-link-text"
_INDEX = re.compile(r"/index\.(html?|php)$", re.IGNORECASE)
_VAGUE = frozenset(normalise(p) for p in PHRASES)  # vague-link-text decides these whatever their destination
MAX_ITEMS = 20


def destination(href: str) -> str:
    """Where a link goes, for comparison: without its fragment, a trailing slash or index file."""
    try:
        parts = urlsplit(href.strip())
    except ValueError:
        return href.strip()
    path = _INDEX.sub("/", parts.path).rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}{query}"


def _name(link: Link) -> str:
    return normalise(link.name if link.name is not None else link.text)


@check(
    id=ID,
    dimension="accessibility",
    title="Links with the same text go to the same place",
    failure_title="Some link texts lead to different places on the same page",
    description=(
        'Screen-reader users often move through a list of a page\'s links: two links both called "Apply" '
        'that open different forms cannot be told apart there. Name each destination ("Apply for a boat '
        'permit", "Apply for a dock permit"), visibly or with aria-label. Fails when links with the same '
        "accessible name (case and punctuation aside) go to different addresses; addresses that differ only "
        'by a "#fragment", a trailing slash or an index file are one destination, and links not shown (a '
        'closed menu) are not counted. Vague phrases ("read '
        "more\") are vague-link-text's, symbols symbol-link-text's. Advisory: the text around a link may "
        "still tell them apart, which WCAG 2.4.4 accepts."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 2.4.4 Link Purpose (In Context) (Understanding: a best practice that links with "
    "different destinations have different text) and SC 2.4.9 Link Purpose (Link Only, AAA)",
    help_url="https://www.w3.org/WAI/WCAG22/Understanding/link-purpose-in-context",
)
def run(page: PageInput) -> CheckResult:
    links = page.document.links
    if len(links) < 2:
        return CheckResult.not_applicable(ID, page.url, "fewer than two links")
    by_name: dict[str, dict[str, Link]] = {}  # name -> destination -> its first link (one pass, bounded)
    for link in links:
        if link.hidden or link.raw_href.strip().lower().startswith("javascript:"):
            continue
        name = _name(link)
        if not name or name in _VAGUE or not any(ch.isalnum() for ch in name):
            continue
        by_name.setdefault(name, {}).setdefault(destination(link.href), link)
    ambiguous = [(name, dests) for name, dests in by_name.items() if len(dests) > 1]
    if not ambiguous:
        return CheckResult.passed(ID, page.url)
    items = []
    for _, dests in ambiguous[:MAX_ITEMS]:
        second = list(dests.values())[1]
        where = ", ".join(link.href for link in list(dests.values())[:3])
        items.append(
            Item(
                url=page.url,
                selector=second.selector,
                snippet=(second.name if second.name is not None else second.text)[:80],
                detail=f"{len(dests)} destinations: {where}"[:300],
            )
        )
    return CheckResult.failed(ID, page.url, items=items, value=float(len(ambiguous)))
