"""all-caps-text: long runs of text in capital letters (typed that way, or set by CSS)."""

import re

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "all-caps-text"
_LETTERS = re.compile(r"[^\W\d_]+")


def caps_runs(text: str, min_words: int) -> list[str]:
    """Runs of at least ``min_words`` consecutive words in capitals (words of 2+ letters, all upper case).

    Single letters, numbers and punctuation neither count nor break a run; a word with a lower-case
    letter ends it, so acronyms inside normal sentences ("apply at the DMV or FOIA office") never add up.
    """
    runs: list[str] = []
    current: list[str] = []
    counted = 0

    def close() -> None:
        nonlocal current, counted
        if counted >= min_words:
            runs.append(" ".join(current))
        current, counted = [], 0

    for word in text.split():
        letters = "".join(_LETTERS.findall(word))
        if not letters or (len(letters) < 2 and letters.isupper()):
            if current:
                current.append(word)
            continue
        if letters.isupper():
            current.append(word)
            counted += 1
        else:
            close()
    close()
    return runs


@check(
    id=ID,
    dimension="accessibility",
    title="Text is not set in long runs of capitals",
    failure_title="Long passages are written or styled in capital letters",
    description=(
        "Words in capitals lose their shape, so long passages in capitals are slower to read, harder for "
        "people with dyslexia and low vision, and some screen readers spell them out letter by letter. Write "
        "sentences in sentence case and use bold for emphasis; avoid `text-transform: uppercase` on more than "
        "a few words. Fails on a run of `min_words` or more words in capitals, typed or set by CSS."
    ),
    requires=("document",),
    params={"min_words": 8},
    source="British Dyslexia Association Dyslexia Style Guide (avoid capitals for continuous text); "
    "W3C Making Content Usable for People with Cognitive and Learning Disabilities",
    help_url="https://www.bdadyslexia.org.uk/advice/employers/creating-a-dyslexia-friendly-workplace/dyslexia-friendly-style-guide",
)
def run(page: PageInput) -> CheckResult:
    doc = page.document
    if doc.uppercase is None or doc.other_text is None:
        return not_gathered(ID, page.url, "text transforms")
    limit = int(page.params["min_words"])
    items = [
        Item(
            url=page.url, selector=r.selector, snippet=r.snippet[:120], detail=f"{r.words} words set in capitals by CSS"
        )
        for r in doc.uppercase
        if r.words >= limit
    ]
    for source in (doc.text, doc.other_text):
        for found in caps_runs(source, limit):
            items.append(
                Item(url=page.url, snippet=found[:120], detail=f"{len(found.split())} words typed in capitals")
            )
    if items:
        return CheckResult.failed(ID, page.url, items=items, value=float(len(items)))
    return CheckResult.passed(ID, page.url)
