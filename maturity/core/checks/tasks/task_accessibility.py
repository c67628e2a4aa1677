"""task-accessibility: every state a task passes through is free of axe-core violations."""

from __future__ import annotations

from maturity.core.checks import SiteInput, check
from maturity.core.checks.tasks._journeys import item, judged, outcome
from maturity.core.model import CheckResult, Item

ID = "task-accessibility"
IMPACTS = ("critical", "serious", "moderate", "minor")


@check(
    id=ID,
    dimension="tasks",
    title="Every step of a task is accessible",
    failure_title="A step of a task has accessibility barriers",
    description=(
        "axe-core runs on the page after each step of a journey that acted (single-page apps count: the state, "
        "not the address). A journey's score is the share of its states with no violation of an axe-core rule "
        "tagged with one of `axe_tags` (WCAG 2.x Level A and AA, as the accessibility dimension selects them); "
        "it fails when any state has one, named with its rules. A task is only as accessible as its hardest step: a "
        "barrier on step four stops a person who passed steps one to three. Fix the rules named (the page "
        "findings say how)."
    ),
    requires=("site",),
    scope="site",
    params={"axe_tags": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    source="WCAG 2.1 Level A and AA, as axe-core tests them (its wcag2a and wcag2aa rules)",
    help_url="https://www.w3.org/WAI/WCAG21/quickref/",
)
def task_accessibility(site: SiteInput) -> CheckResult:
    journeys = judged(ID, site)
    if isinstance(journeys, CheckResult):
        return journeys
    wanted = set(site.params["axe_tags"])
    scores: list[float] = []
    items: list[Item] = []
    failing: list[Item] = []
    errored = 0
    for j in journeys:
        states = [s for s in j.steps if s.axe is not None]
        errored += sum(1 for s in states if s.axe is not None and s.axe.error)
        states = [s for s in states if s.axe is not None and not s.axe.error]
        if not states:
            continue
        clean = 0
        for s in states:
            assert s.axe is not None
            # a rule whose tags were not recorded (an older result) counts: never a silent pass
            counted = [r for r in s.axe.violations if r not in s.axe.tags or wanted & set(s.axe.tags[r])]
            if not counted:
                clean += 1
                continue
            rules = sorted(counted, key=lambda r: (_rank(s.axe.impacts.get(r)) if s.axe else 9, r))
            named = ", ".join(f"{r} ({s.axe.impacts.get(r) or 'impact unknown'})" for r in rules)
            failing.append(item(j, f"after step {s.index} ({s.description}): {named}", float(len(rules)), s.index))
        scores.append(clean / len(states))
        if clean == len(states):
            items.append(item(j, f"no WCAG violation axe-core finds in {len(states)} states", 1.0))
    if not scores:
        if errored:
            return CheckResult.errored(ID, None, "axe-core could not run on any state of the journeys")
        return CheckResult.not_applicable(ID, None, "axe-core was not run on the journeys' states")
    return outcome(ID, scores, not failing, items, failing)


def _rank(impact: str | None) -> int:
    return IMPACTS.index(impact) if impact in IMPACTS else len(IMPACTS)
