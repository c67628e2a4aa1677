"""A journey's result as plain text (what ``maturity journey run`` prints) and as JSON.

Pure: a :class:`~maturity.core.journey.JourneyResult` in, a string out. The result's texts were
redacted by the runner; nothing here sees a secret.
"""

from __future__ import annotations

import json

from maturity.core.journey import JourneyComparison, JourneyResult, StepResult

_OUTCOME = {
    "completed": "completed",
    "failed": "FAILED",
    "refused": "STOPPED (safe by default)",
    "not_assessable": "not assessable",
    "not_reached": "not reached",
}


def fmt_bytes(value: float) -> str:
    """Bytes as people read them: KB (1,024 bytes) from 1 KB, bytes below."""
    return f"{value / 1024:,.0f} KB" if abs(value) >= 1024 else f"{value:,.0f} B"


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f} ms"


def _time(step: StepResult) -> str:
    if step.ms_median is None:
        return ""
    spread = f" (spread {step.ms_spread:,.0f})" if step.ms_spread is not None else ""
    received = f", {fmt_bytes(step.bytes_median)} received" if step.bytes_median is not None else ""
    return _ms(step.ms_median) + spread + received


def _axe(step: StepResult) -> str:
    if step.axe is None:
        return ""
    if step.axe.error:
        return f"axe-core: not run ({step.axe.error})"
    if not step.axe.violations:
        return "axe-core: no violations"
    rules = ", ".join(
        f"{rule} ({step.axe.impacts.get(rule) or 'n/a'}, {nodes})"
        for rule, nodes in sorted(step.axe.violations.items())
    )
    return f"axe-core: {step.axe.count} violated: {rules}"


def headline(result: JourneyResult) -> str:
    if result.outcome == "completed":
        return "completed"
    if result.outcome == "not_assessable":
        return f"not assessable at step {result.failed_step}: {result.reason}"
    return f"failed at step {result.failed_step}: {result.reason}"


def journey_text(result: JourneyResult) -> str:
    """The journey, its outcome, and one block per step (what it did, the outcome, time, axe-core)."""
    lines = [
        f"{result.title} ({result.id}; {result.service})",
        f"outcome: {headline(result)}",
    ]
    if result.k > 1:
        runs = ", ".join(result.outcomes_by_run)
        lines.append(f"runs: {result.k} ({runs}); times are medians, spread is max - min")
    if result.total_ms_median is not None:
        spread = f" (spread {result.total_ms_spread:,.0f})" if result.total_ms_spread is not None else ""
        received = f", {fmt_bytes(result.total_bytes_median)} received" if result.total_bytes_median is not None else ""
        lines.append(f"total: {_ms(result.total_ms_median)}{spread}{received}")
    if result.effort is not None:
        e = result.effort
        requests = f", {e.requests:g} requests" if e.requests is not None else ""
        lines.append(
            f"effort: {e.steps} steps, {e.interactions} interactions, {e.fields} form fields, "
            f"{e.pages} pages, {e.states} states{requests}"
        )
    if result.login_renewals:
        lines.append(f"login: the session ended mid-run {result.login_renewals} time(s); signed in again each time")
    if result.refused_hosts:
        lines.append(f"hosts refused (not the journey's): {', '.join(result.refused_hosts)}")
    lines.append("")
    for step in result.steps:
        time = _time(step)
        lines.append(f"{step.index:>2}. {step.description}: {_OUTCOME[step.outcome]}" + (f", {time}" if time else ""))
        shot = f"screenshot: {step.screenshot}" if step.screenshot else ""
        reading = f"reading grade {step.reading_grade:g} ({step.words} words)" if step.reading_grade is not None else ""
        for extra in (step.reason, step.note, _axe(step), reading, shot):
            if extra:
                lines.append(f"    {extra}")
    if result.keyboard is not None:
        lines += ["", keyboard_text(result)]
    return "\n".join(lines) + "\n"


def keyboard_text(result: JourneyResult) -> str:
    kb = result.keyboard
    assert kb is not None
    if kb.outcome == "completed":
        head = "keyboard alone: completed"
    else:
        head = f"keyboard alone: {'failed' if kb.outcome == 'failed' else 'not assessable'} at step {kb.failed_step}"
        head += f": {kb.reason}"
    lines = [head]
    for i, step in enumerate(kb.steps):
        if step.tabs is not None:
            shown = "focus visible" if step.focus_visible else "FOCUS NOT VISIBLE"
            lines.append(f"  step {i}: reached with {step.tabs} Tab press{'es' if step.tabs != 1 else ''}, {shown}")
    return "\n".join(lines)


def journey_json(results: list[JourneyResult]) -> str:
    return json.dumps([r.model_dump(mode="json") for r in results], indent=2, ensure_ascii=False) + "\n"


def comparison_text(c: JourneyComparison) -> str:
    """Two runs of a journey, as ``maturity journey compare`` prints them."""
    lines = [f"journey {c.id}"]
    same = "no change" if c.outcome[0] == c.outcome[1] else "CHANGED"
    lines.append(f"  outcome: {c.outcome[0]} -> {c.outcome[1]} ({same})")
    if c.keyboard != (None, None):
        lines.append(f"  keyboard alone: {c.keyboard[0]} -> {c.keyboard[1]}")
    for step in c.removed:
        lines.append(f"  step removed: {step}")
    for step in c.added:
        lines.append(f"  step added: {step}")
    for t in c.times:
        if t.verdict in ("slower", "faster") or t.what == "total":
            before, after = _ms(t.before_ms) or "n/a", _ms(t.after_ms) or "n/a"
            lines.append(f"  {t.what}: {before} -> {after}, {t.verdict} (noise band ±{t.band_ms:,.0f} ms)")
    for step, rules in c.axe_new.items():
        lines.append(f"  {step}: axe-core rules now violated: {', '.join(rules)}")
    for step, rules in c.axe_fixed.items():
        lines.append(f"  {step}: axe-core rules fixed: {', '.join(rules)}")
    return "\n".join(lines) + "\n"
