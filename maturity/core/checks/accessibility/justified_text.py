"""justified-text: blocks of text justified to both margins."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "justified-text"


@check(
    id=ID,
    dimension="accessibility",
    title="Text is aligned to one side",
    failure_title="Blocks of text are justified to both margins",
    description=(
        "Justified text opens uneven gaps between words ('rivers') that make lines hard to track, especially "
        "for people with dyslexia, and worse on narrow phone screens. Align text to the left (the start of "
        "the line) instead. Elements with fewer than `min_chars` justified characters (spaces not counted) are "
        "ignored: a short line looks the same either way."
    ),
    requires=("document",),
    params={"min_chars": 160},
    source="WCAG 2.2 SC 1.4.8 Visual Presentation (AAA: text is not justified); technique F88",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/failures/F88",
)
def run(page: PageInput) -> CheckResult:
    runs = page.document.justified
    if runs is None:
        return not_gathered(ID, page.url, "text alignment")
    limit = int(page.params["min_chars"])
    bad = [r for r in runs if r.chars >= limit]
    if not bad:
        return CheckResult.passed(ID, page.url, value=float(sum(r.chars for r in runs)))
    items = [
        Item(url=page.url, selector=r.selector, snippet=r.snippet[:120], detail=f"{r.chars} characters justified")
        for r in bad
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(sum(r.chars for r in bad)))
