"""reading-grade: main text written at a grade most residents can read."""

import re
from functools import cache

import pyphen

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "reading-grade"


_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)")
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")


@cache
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


def syllables(word: str) -> int:
    """Syllables of an English word, from pyphen's hyphenation points (at least one)."""
    return max(1, len(_hyphenator().positions(word.lower())) + 1)


def grade(text: str) -> float:
    """Flesch-Kincaid grade: 0.39 (words / sentences) + 11.8 (syllables / words) − 15.59 (Kincaid et al., 1975)."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len(_SENTENCE_END.findall(text)))
    total = sum(syllables(w) for w in words)
    return 0.39 * len(words) / sentences + 11.8 * total / len(words) - 15.59


@check(
    id=ID,
    dimension="content",
    title="Main text is in plain language",
    failure_title="Main text reads above the target grade level",
    description=(
        "Plain language helps everyone complete tasks. Aim for a US school grade of 8 or lower; use short "
        "sentences, common words and the active voice. Measured with the Flesch-Kincaid grade on the page's "
        "main content; pages with little text are not applicable, and non-English pages are skipped."
    ),
    requires=("document",),
    params={"max_grade": 10.0, "min_words": 100},
    source="Plain Writing Act of 2010; Flesch-Kincaid grade level (Kincaid et al., 1975)",
)
def run(page: PageInput) -> CheckResult:
    doc = page.document
    if doc.word_count < int(page.params["min_words"]):
        return CheckResult.not_applicable(ID, page.url, f"{doc.word_count} words")
    if doc.lang and not doc.lang.lower().startswith("en"):
        return CheckResult.not_applicable(ID, page.url, f"language {doc.lang}")
    value = round(grade(doc.text), 1)
    limit = float(page.params["max_grade"])
    item = Item(url=page.url, detail=f"grade {value:g} (target at most {limit:g})", value=value)
    if value > limit:
        return CheckResult.failed(ID, page.url, value=value, items=[item])
    return CheckResult.passed(ID, page.url, value=value)
