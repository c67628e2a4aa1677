"""lang-matches-text: the declared language is the language the main text is written in (English or Spanish)."""

import re

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "lang-matches-text"

# Frequent function words that belong to one language only (ambiguous ones such as "a", "no",
# "me" and "son" are left out). A language wins when its words outnumber the other's `ratio` to one.
_EN = """the and of to in is you that it for with are on this be as your or by at from have not can will we an
our was if they their which has more about who also"""
_ES = """el la los las de del que y en un una es por para con su sus se al lo como más pero este esta ser sobre
también usted puede nuestro nuestra o hay cuando donde está"""
STOP_WORDS: dict[str, frozenset[str]] = {"en": frozenset(_EN.split()), "es": frozenset(_ES.split())}
_WORD = re.compile(r"[^\W\d_]+")


def detect(text: str, min_hits: int, ratio: float) -> tuple[str | None, dict[str, int]]:
    """(language or None when undecided, stop-word hits per language)."""
    hits = dict.fromkeys(STOP_WORDS, 0)
    for word in _WORD.findall(text.lower()):
        for lang, words in STOP_WORDS.items():
            if word in words:
                hits[lang] += 1
    ranked = sorted(hits.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < min_hits or top < ratio * second:
        return None, hits
    return best, hits


@check(
    id=ID,
    dimension="content",
    title="The declared language matches the text",
    failure_title="The page declares one language but is written in another",
    description=(
        'A Spanish page marked `lang="en"` is read aloud by screen readers with English pronunciation, and '
        "translation tools skip it. Set `lang` to the language of the page's text. Detected with a small, "
        "documented heuristic: counts of frequent words that belong only to English or only to Spanish in the "
        "main text; a language wins with `min_hits` hits and `ratio` times the other's. Pages declaring another "
        "language, pages with too little text, and undecided pages are not applicable."
    ),
    requires=("document",),
    params={"min_hits": 15, "ratio": 3.0},
    source="WCAG 2.2 SC 3.1.1 Language of Page (technique H57)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/html/H57",
)
def run(page: PageInput) -> CheckResult:
    declared = (page.document.lang or "").strip().lower().split("-")[0]
    if declared not in STOP_WORDS:
        return CheckResult.not_applicable(ID, page.url, f"no word list for language {declared or '(none)'!r}")
    found, hits = detect(page.document.text, int(page.params["min_hits"]), float(page.params["ratio"]))
    if found is None:
        return CheckResult.not_applicable(ID, page.url, f"language undecided (hits {hits})")
    if found == declared:
        return CheckResult.passed(ID, page.url)
    detail = f'declared "{page.document.lang}", text reads as {found} (stop-word hits {hits})'
    return CheckResult.failed(ID, page.url, items=[Item(url=page.url, snippet=page.document.text[:120], detail=detail)])
