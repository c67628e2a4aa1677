"""task-keyboard: every task can be done by keyboard alone, with focus visible."""

from __future__ import annotations

from maturity.core.checks import SiteInput, check
from maturity.core.checks.tasks._journeys import item, judged, outcome
from maturity.core.journey import journey_gates
from maturity.core.model import CheckResult, Item

ID = "task-keyboard"


@check(
    id=ID,
    dimension="tasks",
    title="Tasks can be done by keyboard alone, with focus visible",
    failure_title="A task needs a mouse, or hides where focus is",
    description=(
        "Each journey is run once more by keyboard alone: every target reached with Tab, Shift+Tab and the arrow "
        "keys from where the previous step left focus, and operated with Enter, Space or typing. A journey scores "
        "0 when the keyboard gets less far than the mouse did (a control only a mouse can use, such as a `div` "
        "posing as a button; a keyboard trap; focus lost), else 1 less half the share of its targets that showed "
        "no visible focus. Use real buttons and links, and keep the focus outline. Without journeys run by "
        "keyboard: not assessed."
    ),
    requires=("site",),
    scope="site",
    source="WCAG 2.1 SC 2.1.1 Keyboard, 2.1.2 No Keyboard Trap (Level A) and 2.4.7 Focus Visible (Level AA)",
    help_url="https://www.w3.org/WAI/WCAG21/Understanding/keyboard.html",
)
def task_keyboard(site: SiteInput) -> CheckResult:
    journeys = judged(ID, site)
    if isinstance(journeys, CheckResult):
        return journeys
    journeys = [j for j in journeys if j.keyboard is not None]
    if not journeys:
        return CheckResult.not_applicable(ID, None, "no journey was run by keyboard alone")
    scores: list[float] = []
    items: list[Item] = []
    failing: list[Item] = []
    for j in journeys:
        kb = j.keyboard
        assert kb is not None
        gate = next(g for g in journey_gates(j, keyboard_required=True) if g.name == "keyboard")
        if not gate.passed:
            scores.append(0.0)
            failing.append(item(j, f"by keyboard alone: {kb.outcome} at step {kb.failed_step}: {kb.reason}", 0.0))
            continue
        reached = [s for i, s in enumerate(kb.steps) if i > 0 and s.tabs is not None] or kb.steps[1:]
        hidden = kb.focus_not_visible
        score = 1.0 - 0.5 * min(1.0, len(hidden) / max(1, len(reached)))
        scores.append(score)
        if hidden:
            where = ", ".join(str(i) for i in hidden)
            failing.append(item(j, f"done by keyboard, but focus was not visible at step(s) {where}", score))
        else:
            items.append(item(j, f"done by keyboard alone ({gate.detail}), focus visible at every step", score))
    return outcome(ID, scores, not failing, items, failing)
