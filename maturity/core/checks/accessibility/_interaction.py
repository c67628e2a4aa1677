"""Shared by the checks that read the interactive phase's facts (not a check module)."""

from __future__ import annotations

from maturity.core.checks import PageInput
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, InteractionFacts


def interaction(check_id: str, page: PageInput, part: str) -> InteractionFacts | CheckResult:
    """The page's interaction facts, or the result to give instead: an error for a crawl made before
    they (or ``part``) existed, "not assessable" (not applicable, with the reason) when ``part`` did
    not finish in its time on this page."""
    facts = page.document.interaction
    if facts is None:
        return not_gathered(check_id, page.url, "interaction facts")
    if part in facts.undecided:
        return CheckResult.not_applicable(
            check_id, page.url, f"not assessable: the {part.replace('_', ' ')} part {facts.undecided[part]}"
        )
    if getattr(facts, part) is None:  # a part added after this crawl was made (the images part, say)
        return not_gathered(check_id, page.url, f"the interaction's {part.replace('_', ' ')} part")
    return facts
