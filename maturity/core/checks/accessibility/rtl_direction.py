"""rtl-direction: right-to-left text is set right to left (WCAG 1.3.2, technique H56)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "rtl-direction"


@check(
    id=ID,
    dimension="accessibility",
    title="Right-to-left text is marked right to left",
    failure_title="Some Arabic, Hebrew or other right-to-left text is set left to right",
    description=(
        "A paragraph in Arabic, Hebrew, Farsi or Urdu inside a left-to-right page keeps the page's direction "
        "unless it is marked: it aligns to the wrong side, and punctuation, numbers and embedded English "
        "words end up in the wrong places, so the sentence reads in the wrong order. Mark the block "
        'dir="rtl" (and its language with lang). Fails on a block whose letters are mostly (60 %, at least '
        "20 letters) in a right-to-left script and whose direction resolves to left-to-right."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.3.2 Meaningful Sequence, technique H56 (the dir attribute); W3C Internationalization: "
    "structural markup and right-to-left text in HTML",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/html/H56",
)
def run(page: PageInput) -> CheckResult:
    blocks = page.document.rtl_text
    if blocks is None:
        return not_gathered(ID, page.url, "right-to-left text facts")
    if not blocks:
        return CheckResult.not_applicable(ID, page.url, "no right-to-left text")
    bad = [b for b in blocks if not b.rtl]
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(
            url=page.url, selector=b.selector, snippet=b.snippet[:80], detail=f"left-to-right (lang={b.lang or 'none'})"
        )
        for b in bad
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
