"""label-in-name: a control's name holds the words it shows (WCAG 2.5.3 Label in Name, failure F96)."""

from __future__ import annotations

import re

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "label-in-name"

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """Letters and digits in runs, lower case: "Proof of 2×2=4" is proof, of, 2, 2, 4."""
    return _WORD.findall(text.casefold())


def holds(name: str, text: str) -> bool:
    """Does the name say the shown text's words, in order and together? ("Next page" in "Next page
    of results": yes; "nonstandard" in "non-standard" or "123.456" in "1 2 3 4 5 6": no.)"""
    said, shown = words(name), words(text)
    n = len(shown)
    return any(said[i : i + n] == shown for i in range(len(said) - n + 1))


@check(
    id=ID,
    dimension="accessibility",
    title="Controls are called what they show",
    failure_title="Some controls are announced by a name that leaves out the words they show",
    description=(
        "A link or button given its own name (aria-label or aria-labelledby) is announced by that name, "
        "not by the words on it. When the name leaves those words out, someone using speech input who "
        'says "click Apply now" gets nothing, and a screen reader user hears something other than what '
        "sighted colleagues see. Start the name with the visible words, or drop the aria-label. Judged on "
        "links, buttons and other controls named from their content (tabs, menu items, options, "
        "checkboxes and radios made with ARIA, submit and reset buttons): the words shown, in order and "
        "together, must be in the name (letters and digits compared, case and punctuation aside). Text "
        "hidden from assistive technology, text for screen readers only (a box of 1 px) and icon-font "
        "glyphs are not read as shown; a control showing "
        "fewer than `min_characters` letters or digits (an X, an arrow) is left alone."
    ),
    requires=("document",),
    params={"min_characters": 2},
    source="WCAG 2.2 SC 2.5.3 Label in Name, failure F96 (the accessible name does not contain the visible "
    "label text); the W3C's ACT rule 2ee8b8",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/failures/F96",
)
def run(page: PageInput) -> CheckResult:
    controls = page.document.labelled_controls
    if controls is None:
        return not_gathered(ID, page.url, "labelled control facts")
    least = int(page.params["min_characters"])
    judged = [c for c in controls if sum(len(w) for w in words(c.text)) >= least]
    if not judged:
        return CheckResult.not_applicable(ID, page.url, "no control given a name of its own shows words")
    items = [
        Item(
            url=page.url,
            selector=c.selector,
            snippet=c.text[:80],
            detail=f'shows "{c.text[:80]}", is called "{c.name[:80]}"',
        )
        for c in judged
        if not holds(c.name, c.text)
    ]
    if not items:
        return CheckResult.passed(ID, page.url)
    return CheckResult.failed(ID, page.url, items=items, value=float(len(items)))
