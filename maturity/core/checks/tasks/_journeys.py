"""What the task checks share: which journeys a check may judge, and how a journey is named."""

from __future__ import annotations

from maturity.core.checks import SiteInput
from maturity.core.journey import JourneyResult
from maturity.core.model import CheckResult, Item

NO_JOURNEY = "no task journey was run with this crawl: not assessed"


def judged(check_id: str, site: SiteInput, *, completed_only: bool = False) -> list[JourneyResult] | CheckResult:
    """The journeys ``check_id`` judges, or its not-applicable result: none was run, every one
    needed a person, or (``completed_only``) none completed (the completion check says why)."""
    journeys = site.site.journeys
    if not journeys:
        return CheckResult.not_applicable(check_id, None, NO_JOURNEY)
    mine = [j for j in journeys if j.outcome != "not_assessable"]
    if not mine:
        return CheckResult.not_applicable(check_id, None, "every journey needed a person (not assessable)")
    if completed_only:
        mine = [j for j in mine if j.outcome == "completed"]
        if not mine:
            return CheckResult.not_applicable(check_id, None, "no journey completed (see task completion)")
    return mine


def item(journey: JourneyResult, detail: str, value: float | None = None, step: int | None = None) -> Item:
    """Evidence about one journey (or one of its steps): named by the journey's id and the step, so a
    finding keeps its fingerprint from run to run while the detail carries the measurement."""
    where = f"journey {journey.id}" + (f", step {step}" if step is not None else "")
    url = journey.start
    if step is not None and step < len(journey.steps) and journey.steps[step].url:
        url = journey.steps[step].url
    return Item(url=url, snippet=where, detail=f"{journey.title}: {detail}", value=value)


def outcome(check_id: str, scores: list[float], passed: bool, items: list[Item], failing: list[Item]) -> CheckResult:
    """Pass with every journey's evidence, or fail with the evidence of those that fell short."""
    score = round(sum(scores) / len(scores), 4)
    if passed:
        return CheckResult.passed(check_id, None, score=score, value=score, items=items)
    return CheckResult.failed(check_id, None, score=score, value=score, items=failing)
