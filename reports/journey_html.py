"""Task journeys in the HTML reports: each journey as a strip of its steps' screenshots (phone width)
with what happened at each step, and what changed since the run before.

Pure: :class:`~maturity.core.journey.JourneyResult` in, plain rows for ``_journeys.html.j2`` out.
The screenshots are files beside the report; ``shots`` is the relative address of their folder
(``journeys/`` beside a scorecard, ``../run/7/journeys/`` from an agency page). A step's words
never carry a value typed into a field (:meth:`~maturity.core.journey.Step.describe`), and the
runner masked every field that received a secret before the screenshot was taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from maturity.core.journey import (
    STEP_BAND_MS,
    STEP_BAND_RELATIVE,
    JourneyResult,
    StepResult,
    StepRun,
    compare_journeys,
)
from reports.journey_text import fmt_bytes

OUTCOME_LABELS = {
    "completed": "Completed",
    "failed": "Failed",
    "refused": "Stopped before a submit (safe by default)",
    "not_assessable": "Not assessable (a person was needed)",
    "not_reached": "Not reached",
}
OUTCOME_CLASS = {
    "completed": "pass",
    "failed": "fail",
    "refused": "error",
    "not_assessable": "not_applicable",
    "not_reached": "not_applicable",
}
BAND_TEXT = (
    f"a time counts as changed only beyond its noise band, the largest of the spreads measured in the two runs, "
    f"±{STEP_BAND_MS:g} ms and {STEP_BAND_RELATIVE:.0%} of the time"
)


def seconds(ms: float | None) -> str:
    if ms is None:
        return "not timed"
    return f"{ms / 1000:.1f} s" if ms >= 1000 else f"{ms:.0f} ms"


@dataclass
class StepCard:
    index: int
    title: str  # "Step 2: fill in the field labelled "Email"" (step 0: opening the start page)
    outcome: str
    outcome_class: str
    time: str
    reason: str
    accessibility: str
    keyboard: str
    reading: str
    src: str | None  # the screenshot's address, relative to the page
    alt: str


@dataclass
class JourneyView:
    id: str
    title: str
    service: str
    start: str
    outcome: str
    outcome_class: str
    summary: str  # one sentence: completed in 4.2 s / failed at step 3: reason
    keyboard: str
    effort: str
    steps: list[StepCard]
    changes: list[str] = field(default_factory=list)  # since the run before (history)


def _title(step: StepResult) -> str:
    if step.index == 0:
        return f"Start: {step.description}"
    return f"Step {step.index}: {step.description}"


def _time(step: StepResult, k: int) -> str:
    if step.ms_median is None:
        return "not timed"
    received = f"; {fmt_bytes(step.bytes_median)} received" if step.bytes_median is not None else ""
    if k > 1:
        spread = f", spread {seconds(step.ms_spread)}" if step.ms_spread is not None else ""
        return f"{seconds(step.ms_median)} (median of {k} runs{spread}){received}"
    return seconds(step.ms_median) + received


def _accessibility(step: StepResult) -> str:
    if step.axe is None:
        return "not checked (this step only waits or checks what is shown)" if step.outcome == "completed" else ""
    if step.axe.error:
        return f"axe-core could not run: {step.axe.error}"
    if not step.axe.violations:
        return "no axe-core violation"
    rules = ", ".join(
        f"{rule} ({step.axe.impacts.get(rule) or 'impact unknown'}, {nodes} element{'' if nodes == 1 else 's'})"
        for rule, nodes in sorted(step.axe.violations.items())
    )
    return f"{step.axe.count} axe-core rule{'' if step.axe.count == 1 else 's'} violated: {rules}"


def _keyboard(run: StepRun | None) -> str:
    if run is None:
        return "not run"
    if run.outcome == "completed":
        if run.tabs is None:
            return "done by keyboard"
        presses = f"reached with {run.tabs} Tab press{'' if run.tabs == 1 else 'es'}"
        if run.focus_visible is False:
            return f"{presses}; focus was not visible"
        return f"{presses}; focus visible"
    if run.outcome == "not_reached":
        return "not reached by keyboard"
    return f"{OUTCOME_LABELS[run.outcome].lower()} by keyboard: {run.reason}"


def _alt(step: StepResult) -> str:
    if step.index == 0:
        return "Phone screen after opening the start page"
    return f"Phone screen after step {step.index}: {step.description}"


def journey_view(result: JourneyResult, shots: str = "journeys/", changes: Sequence[str] = ()) -> JourneyView:
    kb = result.keyboard
    cards = []
    for step in result.steps:
        reading = ""
        if step.reading_grade is not None:
            reading = f"reading grade {step.reading_grade:g} ({step.words} words)"
        cards.append(
            StepCard(
                index=step.index,
                title=_title(step),
                outcome=OUTCOME_LABELS[step.outcome],
                outcome_class=OUTCOME_CLASS[step.outcome],
                time=_time(step, result.k) if step.outcome == "completed" else "",
                reason=step.reason,
                accessibility=_accessibility(step),
                keyboard=_keyboard(kb.steps[step.index] if kb is not None and step.index < len(kb.steps) else None)
                if kb is not None
                else "not run",
                reading=reading,
                src=f"{shots}{step.screenshot}" if step.screenshot else None,
                alt=_alt(step),
            )
        )
    if result.outcome == "completed":
        summary = f"{len(result.steps) - 1} steps" + (
            f", {seconds(result.total_ms_median)} in all" if result.total_ms_median else ""
        )
        if result.total_bytes_median is not None:
            summary += f", {fmt_bytes(result.total_bytes_median)} received"
        if result.k > 1:
            summary += f" (median of {result.k} runs"
            summary += f", spread {seconds(result.total_ms_spread)})" if result.total_ms_spread is not None else ")"
        summary += "."
    else:
        summary = f"At step {result.failed_step}: {result.reason}"
    if kb is None:
        keyboard = "Not tried by keyboard alone."
    elif kb.outcome == "completed":
        hidden = len(kb.focus_not_visible)
        keyboard = "Done by keyboard alone" + (
            f", but focus was not visible at {hidden} step{'' if hidden == 1 else 's'}." if hidden else "."
        )
    else:
        keyboard = f"By keyboard alone: {'failed' if kb.outcome == 'failed' else 'not assessable'} at step "
        keyboard += f"{kb.failed_step}: {kb.reason}" + ("" if kb.reason.endswith((".", ")")) else ".")
    effort = ""
    if result.effort is not None:
        e = result.effort
        effort = (
            f"{e.steps} steps, {e.interactions} interactions, {e.fields} form field{'' if e.fields == 1 else 's'}, "
            f"{e.pages} page{'' if e.pages == 1 else 's'}"
        )
    return JourneyView(
        id=result.id,
        title=result.title,
        service=result.service,
        start=result.start,
        outcome=OUTCOME_LABELS[result.outcome],
        outcome_class=OUTCOME_CLASS[result.outcome],
        summary=summary,
        keyboard=keyboard,
        effort=effort,
        steps=cards,
        changes=list(changes),
    )


def change_lines(before: JourneyResult | None, after: JourneyResult) -> list[str]:
    """What changed in a journey since the run before, in words: outcome, keyboard, steps added or
    removed, times beyond the noise band (:data:`BAND_TEXT`), axe-core rules new or fixed."""
    if before is None:
        return ["First run of this journey: nothing to compare yet."]
    c = compare_journeys(before, after)
    lines = []
    if c.outcome[0] != c.outcome[1]:
        lines.append(f"Outcome changed: {c.outcome[0].replace('_', ' ')} → {c.outcome[1].replace('_', ' ')}.")
    if c.keyboard[0] != c.keyboard[1] and None not in c.keyboard:
        lines.append(
            f"By keyboard alone: {str(c.keyboard[0]).replace('_', ' ')} → {str(c.keyboard[1]).replace('_', ' ')}."
        )
    lines += [f"Step added: {s}." for s in c.added]
    lines += [f"Step removed: {s}." for s in c.removed]
    for t in c.times:
        if t.verdict in ("slower", "faster"):
            what = "Total time" if t.what == "total" else t.what[0].upper() + t.what[1:]
            lines.append(
                f"{what}: {seconds(t.before_ms)} → {seconds(t.after_ms)}, {t.verdict} "
                f"(beyond its noise band of ±{seconds(t.band_ms)})."
            )
        elif t.what == "total" and t.verdict == "no change":
            lines.append(
                f"Total time: {seconds(t.before_ms)} → {seconds(t.after_ms)}, no change "
                f"(within its noise band of ±{seconds(t.band_ms)})."
            )
    for step, rules in c.axe_new.items():
        lines.append(f"{step[0].upper() + step[1:]}: axe-core rules now violated: {', '.join(rules)}.")
    for step, rules in c.axe_fixed.items():
        lines.append(f"{step[0].upper() + step[1:]}: axe-core rules fixed: {', '.join(rules)}.")
    return lines or ["No change since the run before."]


def journey_views(
    results: Sequence[JourneyResult], shots: str = "journeys/", before: Sequence[JourneyResult] | None = None
) -> list[JourneyView]:
    """Every journey of a run; with ``before`` (the journeys of the run before), what changed."""
    earlier = {r.id: r for r in before} if before is not None else None
    return [journey_view(r, shots, change_lines(earlier.get(r.id), r) if earlier is not None else ()) for r in results]
