"""lang-parts: a passage in another language than the page's says so with lang (WCAG 3.1.2, H58)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.checks.content.lang_matches_text import STOP_WORDS, detect
from maturity.core.model import CheckResult, Item

ID = "lang-parts"


def _primary(lang: str) -> str:
    return lang.strip().lower().split("-")[0]


@check(
    id=ID,
    dimension="accessibility",
    title="Passages in another language are marked with lang",
    failure_title="Some passages are in another language than the page and do not say so",
    description=(
        'A Spanish paragraph on an English page, without lang="es", is read aloud with English '
        "pronunciation and is hard to follow, and translation tools treat it as English. Mark the passage "
        'with its language (<p lang="es">). Decided for English and Spanish with the word-list heuristic of '
        "`lang-matches-text` on passages of 20 words or more that inherit the page's language: one that reads "
        "as the other language (`min_hits` hits, `ratio` times the other's) fails. A page whose whole text "
        "reads as another language than it declares is `lang-matches-text`'s finding, not this one's."
    ),
    requires=("document",),
    params={"min_hits": 5, "ratio": 3.0},
    source="WCAG 2.2 SC 3.1.2 Language of Parts, technique H58 (the lang attribute)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/html/H58",
)
def run(page: PageInput) -> CheckResult:
    passages = page.document.passages
    if passages is None:
        return not_gathered(ID, page.url, "passage facts")
    declared = _primary(page.document.lang or "")
    if declared not in STOP_WORDS:
        return CheckResult.not_applicable(ID, page.url, f"no word list for language {declared or '(none)'!r}")
    min_hits, ratio = int(page.params["min_hits"]), float(page.params["ratio"])
    reads_as, _ = detect(page.document.text, 15, ratio)
    if reads_as is not None and reads_as != declared:
        return CheckResult.not_applicable(ID, page.url, f"the page as a whole reads as {reads_as}")
    inherited = [p for p in passages if not p.own and _primary(p.lang) == declared]
    if not inherited:
        return CheckResult.not_applicable(ID, page.url, "no passage of 20 words or more")
    items = []
    for p in inherited:
        found, _ = detect(p.text, min_hits, ratio)
        if found is not None and found != declared:
            items.append(
                Item(
                    url=page.url,
                    selector=p.selector,
                    snippet=p.text[:80],
                    detail=f"reads as {found}, marked {declared}",
                )
            )
    if not items:
        return CheckResult.passed(ID, page.url)
    return CheckResult.failed(ID, page.url, items=items, value=float(len(items)))
