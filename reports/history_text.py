"""History as plain text: what ``maturity history`` prints, and the value formats the scorecard
site shares with it. Pure: a :class:`~maturity.core.history.Comparison` in, lines out."""

from __future__ import annotations

from maturity.core.history import (
    SAMPLING_SOURCE,
    Change,
    Comparison,
    SettingChange,
    incomplete_dimensions,
    rubric_label,
)
from reports.html import INCOMPLETE_MARK
from reports.journey_html import BAND_TEXT
from reports.journey_text import comparison_text, fmt_bytes


def fmt_value(value: float | None, unit: str = "") -> str:
    if value is None:
        return "n/a"
    if unit == "ms":
        return f"{value:,.0f} ms"
    if unit == "bytes":
        return fmt_bytes(value)
    if unit == "":
        text = f"{value:.3f}".rstrip("0").rstrip(".") if abs(value) < 1 else f"{value:.1f}".rstrip("0").rstrip(".")
        return text or "0"
    return f"{value:g} {unit}"


def fmt_marked_value(value: float | None, incomplete: bool) -> str:
    """A score, with "(incomplete)" beside it when it rests on incomplete evidence."""
    text = fmt_value(value)
    return f"{text} {INCOMPLETE_MARK}" if incomplete and value is not None else text


def change_figures(c: Comparison, key: str) -> tuple[tuple[float | None, bool], tuple[float | None, bool]]:
    """The before and after figures of ``key`` ("overall" or a dimension id), each with whether it
    rests on incomplete evidence (some of the checks behind it could not run)."""
    out = []
    for snap in (c.before, c.after):
        card = snap.scorecard
        if key == "overall":
            out.append((card.overall if card else None, card is not None and not card.complete))
        else:
            dim = next((d for d in card.dimensions if d.id == key), None) if card else None
            out.append((dim.score if dim else None, key in incomplete_dimensions(card)))
    return out[0], out[1]


def fmt_delta(change: Change) -> str:
    d = change.delta
    if d is None:
        return "n/a"
    if change.verdict == "no change":
        if change.band_source == SAMPLING_SOURCE:
            return f"no change (±{fmt_value(change.band, change.unit)}: within the samples' intervals)"
        return f"no change (±{fmt_value(change.band, change.unit)} is noise)"
    sign = "+" if d > 0 else "−"
    return f"{sign}{fmt_value(abs(d), change.unit)} ({change.verdict})"


def setting_value(value: object) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(map(str, value)) + "]" if value else "none"
    return str(value)


def settings_note(changes: list[SettingChange]) -> str:
    """The settings two runs differ in, old → new, in one sentence ("" when they match)."""
    if not changes:
        return ""
    named = "; ".join(f"{s.key} {setting_value(s.before)} → {setting_value(s.after)}" for s in changes)
    return (
        f"the runs were made with different settings ({named}): a change may come from what was "
        "checked rather than from the site."
    )


def describe(c: Comparison, *, max_items: int = 10) -> list[str]:
    """The comparison as plain text lines."""
    b, a = c.before, c.after
    lines = [f"{a.site}: run {b.crawl_id} ({b.run.started_at}) → run {a.crawl_id} ({a.run.started_at})"]
    if c.settings_changed:
        lines.append(f"  note: {settings_note(c.settings_changed)}")
    if c.rubric_note:
        lines.append(f"  note: {c.rubric_note}")
    if c.overall is not None:
        ca = a.scorecard
        assert ca is not None
        lines.append(f"  rubric: {rubric_label(ca)}")
        level = (
            f"level {_level(c.level_before)} → {_level(c.level_after)}"
            if c.level_changed
            else f"level {_level(c.level_after)} (unchanged)"
        )
        lines.append(f"  {level}")
        if c.level_note:
            lines.append(f"  note: {c.level_note}")
        before, after = (fmt_marked_value(*side) for side in change_figures(c, "overall"))
        lines.append(f"  overall: {before} → {after}: {fmt_delta(c.overall)}")
        for d in c.dimensions:
            before, after = (fmt_marked_value(*side) for side in change_figures(c, d.key))
            lines.append(f"    {d.title}: {before} → {after}: {fmt_delta(d)}")
    if c.findings is not None:
        f = c.findings
        lines.append(
            f"  findings: {len(f.new)} new, {len(f.fixed)} fixed, {f.still_open} still open"
            + (f", {len(f.not_checked_before)} on pages not checked before" if f.not_checked_before else "")
            + (f", {len(f.not_rechecked)} gone as their page was no longer checked" if f.not_rechecked else "")
        )
        for label, items in (
            ("new", f.new),
            ("fixed", f.fixed),
            ("on a page not checked before", f.not_checked_before),
            ("page no longer checked", f.not_rechecked),
        ):
            for item in items[:max_items]:
                lines.append(f"    {label}: {item.title} [{item.check_id}] {item.url or 'whole site'}")
            if len(items) > max_items:
                lines.append(f"    ... and {len(items) - max_items} more {label}")
    lines.append(f"  pages: {len(c.pages_added)} added, {len(c.pages_removed)} removed")
    for label, urls in (("added", c.pages_added), ("removed", c.pages_removed)):
        for url in urls[:max_items]:
            lines.append(f"    {label}: {url}")
        if len(urls) > max_items:
            lines.append(f"    ... and {len(urls) - max_items} more {label}")
    for url in c.pages_newly_not_assessable[:max_items]:
        lines.append(f"    now not assessable: {url}")
    if c.metrics:
        lines.append("  performance (median over pages measured in both runs; lower is better):")
        for m in c.metrics:
            lines.append(
                f"    {m.title}: {fmt_value(m.before, m.unit)} → {fmt_value(m.after, m.unit)}: {fmt_delta(m)}"
                f" [{m.band_source}]"
            )
    if c.metrics_note:
        lines.append(f"  note: {c.metrics_note}")
    if c.journeys or c.journeys_added or c.journeys_removed:
        lines.append(f"  task journeys ({BAND_TEXT}):")
        for jc in c.journeys:
            lines += ["    " + line for line in comparison_text(jc).splitlines()]
        lines += [f"    journey {ident}: run with the newer run only" for ident in c.journeys_added]
        lines += [f"    journey {ident}: run with the older run only" for ident in c.journeys_removed]
    return lines


def _level(level: int | None) -> str:
    return "not assessable" if level is None else str(level)
