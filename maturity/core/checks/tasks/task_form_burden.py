"""task-form-burden: a task asks for few form fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from maturity.core.checks import SiteInput, check
from maturity.core.checks.tasks._journeys import item, judged, outcome
from maturity.core.model import CheckResult, Item

ID = "task-form-burden"


def _validate(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    value = params.get("max_fields")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return [("max_fields", "a whole number of 1 or more")]
    return []


@check(
    id=ID,
    dimension="tasks",
    title="Tasks ask for few form fields",
    failure_title="A task asks for many form fields",
    description=(
        "The distinct form fields a completed journey met (filled in, chosen or ticked), against `max_fields`. "
        "A journey within it scores 1; beyond it, in proportion. Every field is time a resident spends and a "
        "chance to get it wrong: drop what the service does not need, and do not ask again what was given."
    ),
    requires=("site",),
    scope="site",
    params={"max_fields": 15},
    source=(
        "Paperwork Reduction Act (44 U.S.C. 3501: minimise the burden of collecting information) and the "
        "Government Service Delivery Improvement Act; the mark of 15 fields is this project's own"
    ),
    validate=_validate,
)
def task_form_burden(site: SiteInput) -> CheckResult:
    journeys = judged(ID, site, completed_only=True)
    if isinstance(journeys, CheckResult):
        return journeys
    limit = int(site.params["max_fields"])
    scores: list[float] = []
    items: list[Item] = []
    failing: list[Item] = []
    for j in journeys:
        n = j.effort.fields if j.effort is not None else 0
        score = 1.0 if n <= limit else limit / n
        scores.append(score)
        found = item(j, f"{n} form fields (mark: {limit})", float(n))
        (items if n <= limit else failing).append(found)
    return outcome(ID, scores, not failing, items, failing)
