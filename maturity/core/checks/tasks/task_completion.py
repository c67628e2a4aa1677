"""task-completion: every task journey gets the job done."""

from __future__ import annotations

from maturity.core.checks import SiteInput, check
from maturity.core.checks.tasks._journeys import item, judged, outcome
from maturity.core.model import CheckResult, Item

ID = "task-completion"


@check(
    id=ID,
    dimension="tasks",
    title="Residents can complete their tasks",
    failure_title="A task cannot be completed",
    description=(
        "Each task journey (a resident's task scripted as steps: `maturity journey`) is run in Chromium on a "
        "phone-sized screen; this is the share of journeys that reached their last step with every expectation "
        "met. A journey that fails says at which step and why, in words a person can act on (a control that "
        "cannot be found, an expectation not met, a submit refused). A journey that needed a person (a "
        "one-time code, a captcha) is not judged. Without journeys: not assessed."
    ),
    requires=("site",),
    scope="site",
    source="OMB Circular A-11 §280 (effectiveness: customers get the service they came for); issue 15",
)
def task_completion(site: SiteInput) -> CheckResult:
    journeys = judged(ID, site)
    if isinstance(journeys, CheckResult):
        return journeys
    scores: list[float] = []
    items: list[Item] = []
    failing: list[Item] = []
    for j in journeys:
        done = j.outcome == "completed"
        scores.append(1.0 if done else 0.0)
        steps = len(j.steps) - 1
        if done:
            items.append(item(j, f"completed ({steps} steps)", 1.0))
        else:
            failing.append(item(j, f"failed at step {j.failed_step} of {steps}: {j.reason}", 0.0, j.failed_step))
    return outcome(ID, scores, not failing, items, failing)
