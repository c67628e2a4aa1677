"""What the commands print: a run's summary on the terminal, and progress displays."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.text import Text

# C0 and C1 control characters (tab and newline excepted), DEL, and bidirectional overrides: text
# from files and pages (a title, a rubric's name, an error a server sent) is shown, never obeyed.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(value: object) -> str:
    """``value`` as text safe to print: each control character shown as ``\\xNN``."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))


class SafeConsole(Console):
    """A rich console that prints every string as it is: controls made visible, and no rich markup
    read from data (a page title ``[/b]`` would otherwise raise, and ``[blink]`` would blink)."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        kwargs["markup"] = False
        kwargs["emoji"] = False
        return super().render_str(clean(text), **kwargs)


def terminal(*, stderr: bool = False) -> SafeConsole:
    return SafeConsole(stderr=stderr, highlight=False)


def echo(message: object = "", *, err: bool = False, nl: bool = True) -> None:
    """``click.echo`` with control characters made visible."""
    click.echo(clean(message), err=err, nl=nl)


_DATA_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def echo_data(text: str) -> None:
    """A document (CSV, JSON) on stdout as it is, but for controls other than tab, CR and LF, made
    visible: a CSV's CRLF line ends (RFC 4180) must reach the file a pipe writes."""
    click.echo(_DATA_CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text), nl=False)


def piped() -> bool:
    return not sys.stdout.isatty()


def run_summary(info: Any, card: Any, paths: dict[str, Path]) -> None:
    from rich.table import Table

    from maturity.core.explain import crawl_effort, level_reason

    console = terminal()
    level = f"Level {card.level} · {card.level_name}" if card.level else "Not assessable"
    overall = f"{card.overall:.1f}" if card.overall is not None else "n/a"
    console.print(
        f"\n{info.target_url}  run {info.crawl_id}  ·  {level}  ·  overall {overall}"
        + ("" if card.complete else "  (incomplete: some checks could not run)")
    )
    table = Table(title=f"Scores under {card.rubric.id} {card.rubric.version}")
    for name in ("dimension", "score", "checks failing", "note"):
        table.add_column(name)
    for d in card.dimensions:
        n_failing = sum(1 for c in d.checks if c.outcome == "fail")
        note = "incomplete" if d.incomplete and d.score is not None else ("not assessable" if d.score is None else "")
        if d.capped:
            note = f"{note}; {d.capped}" if note else d.capped
        shown = f"{d.score:.1f}" if d.score is not None else "n/a"
        if d.interval is not None:
            shown += f" ({d.interval[0]:.0f}-{d.interval[1]:.0f})"
        table.add_row(d.title, shown, str(n_failing), note)
    console.print(table)
    console.print(level_reason(card))
    if card.sample:
        low_high = card.overall_interval
        span = f"; overall {low_high[0]:.0f}-{low_high[1]:.0f} (95 %)" if low_high else ""
        console.print(f"Sample: {card.sample}{span}." + (" The level is uncertain." if card.level_uncertain else ""))
    if getattr(card, "survey", ""):
        console.print(f"Customer survey: {card.survey}.")
    failing = sorted(
        (c for d in card.dimensions for c in d.checks if c.outcome == "fail"), key=lambda c: (-c.failed, -c.weight)
    )[:8]
    if failing:
        top = Table(title="Top findings")
        for name in ("check", "dimension", "pages failing", "what is wrong"):
            top.add_column(name)
        for c in failing:
            top.add_row(c.check_id, c.dimension, str(c.failed), c.failure_title)
        console.print(top)
    if card.fix_first:
        console.print("Fix first (points the overall score gains):")
        for item in card.fix_first[:5]:
            reach = f"template, clears {item.pages} pages, e.g." if item.effort == "template" else "one page:"
            where = f" {item.selector}" if item.selector else ""
            console.print(f"  +{item.gain:g}  {item.check_id}  ({reach} {item.example_url}{where})")
    na = [p for p in card.pages if p.status != "ok"]
    console.print(
        f"{len(card.pages)} pages, {len(na)} not assessable"
        + "".join(f"\n  not assessable: {p.url} ({p.reason})" for p in na[:10])
    )
    for label, value in crawl_effort(info.timings, len(card.pages)):
        console.print(f"{label}: {value}")
    for kind, path in paths.items():
        console.print(f"{kind.upper()} scorecard: {path}")


def progress(quiet: bool, verbose: bool) -> Any:
    from maturity.cli.progress import make_progress

    return make_progress(quiet=quiet, verbose=verbose)


def stop_gracefully() -> None:
    """For commands that audit: the first Ctrl-C stops the run cleanly (finished pages kept, the
    rest pending for `maturity resume`), a second one at once."""
    from maturity.run import interrupt

    interrupt.install(
        lambda: click.echo("maturity: stopping (finished pages are kept); Ctrl-C again stops at once", err=True)
    )
