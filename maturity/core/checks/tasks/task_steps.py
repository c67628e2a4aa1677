"""task-steps: a task takes few interactions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from maturity.core.checks import SiteInput, check
from maturity.core.checks.tasks._journeys import item, judged, outcome
from maturity.core.model import CheckResult, Item

ID = "task-steps"


def _validate(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    value = params.get("max_interactions")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return [("max_interactions", "a whole number of 1 or more")]
    return []


@check(
    id=ID,
    dimension="tasks",
    title="Tasks take few interactions",
    failure_title="A task takes many interactions",
    description=(
        "The interactions a completed journey needed (clicks, keys pressed, fields filled in, options chosen, "
        "boxes ticked), against `max_interactions`. A journey within it scores 1; beyond it, in proportion "
        "(30 against 20 scores 0.67). Fewer steps mean less burden and fewer places to give up: ask only what "
        "the service needs, prefill what the agency knows, and put the task's start where people look."
    ),
    requires=("site",),
    scope="site",
    params={"max_interactions": 20},
    source=(
        "Government Service Delivery Improvement Act (burden and duration of a service); "
        "the mark of 20 interactions is this project's own, a default to set per rubric"
    ),
    validate=_validate,
)
def task_steps(site: SiteInput) -> CheckResult:
    journeys = judged(ID, site, completed_only=True)
    if isinstance(journeys, CheckResult):
        return journeys
    limit = int(site.params["max_interactions"])
    scores: list[float] = []
    items: list[Item] = []
    failing: list[Item] = []
    for j in journeys:
        n = j.effort.interactions if j.effort is not None else len(j.steps) - 1
        score = 1.0 if n <= limit else limit / n
        scores.append(score)
        pages = f", {j.effort.pages} pages" if j.effort is not None else ""
        found = item(j, f"{n} interactions{pages} (mark: {limit})", float(n))
        (items if n <= limit else failing).append(found)
    return outcome(ID, scores, not failing, items, failing)
