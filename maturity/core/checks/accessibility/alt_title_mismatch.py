"""alt-title-mismatch: an image's alt and title do not say different things (advisory, WCAG 1.1.1)."""

from __future__ import annotations

import re

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "alt-title-mismatch"

_WORD = re.compile(r"[^\W\d_]{3,}")
# words that say nothing of what an image shows (English and Spanish, as the content checks read)
_EMPTY = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "from",
        "that",
        "this",
        "image",
        "picture",
        "photo",
        "photograph",
        "icon",
        "logo",
        "graphic",
        "click",
        "here",
        "more",
        "las",
        "los",
        "del",
        "con",
        "para",
        "una",
        "uno",
        "imagen",
        "foto",
    ]
)


def content_words(text: str) -> set[str]:
    """Words of three letters or more, lower case, the empty ones left out."""
    return {w for w in _WORD.findall(text.casefold()) if w not in _EMPTY}


@check(
    id=ID,
    dimension="accessibility",
    title="Images say one thing in their alt and title",
    failure_title="Some images say one thing in their alt text and another in their title",
    description=(
        "Screen readers read an image's alt text; mouse users see its title as a tooltip. When the two "
        'share no word (a map whose alt says "Map of the north trails" and whose title says "Call '
        'before you go"), one of them is probably wrong, or the title holds information only mouse users '
        "get. Put what the image shows in alt, and move anything else into the page's text. Advisory: "
        "a title may add to the alt on purpose; read the pair. Images with an empty alt are "
        '`alt-title-conflict`\'s; words of fewer than three letters and words such as "image" or '
        '"photo" are not compared.'
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.1.1 Non-text Content, techniques H37 (alt) and H67; the title attribute is "
    "not a text alternative (HTML, the title attribute's accessibility note)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/html/H37",
)
def run(page: PageInput) -> CheckResult:
    images = page.document.images
    pairs = [i for i in images if (i.alt or "").strip() and (i.title or "").strip()]
    if not pairs:
        return CheckResult.not_applicable(ID, page.url, "no image has both alt text and a title")
    items = []
    for i in pairs:
        alt, title = content_words(i.alt or ""), content_words(i.title or "")
        if alt and title and not alt & title:
            items.append(
                Item(
                    url=page.url,
                    selector=i.selector,
                    snippet=(i.alt or "")[:80],
                    detail=f'alt "{(i.alt or "")[:60]}", title "{(i.title or "")[:60]}": no word in common',
                )
            )
    if not items:
        return CheckResult.passed(ID, page.url)
    return CheckResult.failed(ID, page.url, items=items, value=float(len(items)))
