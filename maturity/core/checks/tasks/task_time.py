"""task-time: each step of a task answers quickly.

The curve is Lighthouse's log-normal one (:func:`maturity.core.checks.performance._metric.log_normal_score`).
Its control points, 2.5 s (p10, scores 0.9) and 4 s (median, scores 0.5), are Lighthouse's for
Largest Contentful Paint on its mobile profile (DOMAIN.md, Lighthouse 13). Applying them to a step
is our choice: a step's wait, from the action to the next state settled, is at worst a new page's
main content arriving on a phone, which is what LCP measures; a step within one page should come in
well under it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from maturity.core.checks import SiteInput, check
from maturity.core.checks.performance._metric import log_normal_score
from maturity.core.checks.tasks._journeys import item, judged, outcome
from maturity.core.model import CheckResult, Item

ID = "task-time"


def _validate(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    curve = params.get("curve")
    ok = isinstance(curve, list | tuple) and len(curve) == 2 and all(isinstance(v, int | float) for v in curve)
    if not ok or not 0 < curve[0] < curve[1]:  # type: ignore[index]
        return [("curve", "[p10, median] in milliseconds, 0 < p10 < median")]
    return []


@check(
    id=ID,
    dimension="tasks",
    title="Each step of a task answers quickly",
    failure_title="A step of a task makes people wait",
    description=(
        "Each step's time in a completed journey (from the action to the next state settled; the median of the "
        "journey's runs), scored on a log-normal curve through `curve` = [p10, median] in ms: 2.5 s scores 0.9 "
        "and 4 s scores 0.5. A journey's score is the mean of its steps'; it passes when no step is slower than "
        "the median point. Make slow answers fast (server time, heavy pages), and say what is happening while "
        "people wait."
    ),
    requires=("site",),
    scope="site",
    params={"curve": [2500, 4000], "pass_score": 0.5},
    source=(
        "Lighthouse's log-normal scoring curve with its mobile Largest Contentful Paint control points "
        "(p10 2.5 s, median 4 s; Lighthouse 13, web.dev Core Web Vitals); applying them to each step is ours"
    ),
    validate=_validate,
)
def task_time(site: SiteInput) -> CheckResult:
    journeys = judged(ID, site, completed_only=True)
    if isinstance(journeys, CheckResult):
        return journeys
    p10, median = (float(v) for v in site.params["curve"])
    pass_score = float(site.params["pass_score"])
    scores: list[float] = []
    items: list[Item] = []
    failing: list[Item] = []
    for j in journeys:
        timed = [(s.index, s.ms_median) for s in j.steps if s.ms_median is not None]
        if not timed:
            continue
        step_scores = [(i, ms, log_normal_score(ms, p10, median)) for i, ms in timed]
        scores.append(sum(s for _, _, s in step_scores) / len(step_scores))
        slow = [(i, ms, s) for i, ms, s in step_scores if s < pass_score]
        for i, ms, _ in slow:
            failing.append(
                item(j, f"step {i} took {ms / 1000:.1f} s (median of {j.k}; mark {median / 1000:g} s)", ms, i)
            )
        if not slow:
            total = j.total_ms_median or sum(ms for _, ms in timed)
            slowest = max(ms for _, ms in timed)
            items.append(item(j, f"{total / 1000:.1f} s in all, slowest step {slowest / 1000:.1f} s", total))
    if not scores:
        return CheckResult.not_applicable(ID, None, "no step of a completed journey was timed")
    return outcome(ID, scores, not failing, items, failing)
