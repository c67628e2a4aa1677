"""What the commands print: a run's summary on the terminal, and progress displays."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def run_summary(info: Any, card: Any, paths: dict[str, Path]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    level = f"Level {card.level} · {card.level_name}" if card.level else "Not assessable"
    overall = f"{card.overall:.1f}" if card.overall is not None else "n/a"
    console.print(
        f"\n[bold]{info.target_url}[/bold]  run {info.crawl_id}  ·  {level}  ·  overall {overall}"
        + ("" if card.complete else "  (incomplete: some checks could not run)")
    )
    table = Table(title=f"Scores under {card.rubric.id} {card.rubric.version}")
    for name in ("dimension", "score", "checks failing", "note"):
        table.add_column(name)
    for d in card.dimensions:
        n_failing = sum(1 for c in d.checks if c.outcome == "fail")
        note = "incomplete" if d.incomplete and d.score is not None else ("not assessable" if d.score is None else "")
        table.add_row(d.title, f"{d.score:.1f}" if d.score is not None else "n/a", str(n_failing), note)
    console.print(table)
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
    na = [p for p in card.pages if p.status != "ok"]
    console.print(
        f"{len(card.pages)} pages, {len(na)} not assessable"
        + "".join(f"\n  not assessable: {p.url} ({p.reason})" for p in na[:10])
    )
    for kind, path in paths.items():
        console.print(f"{kind.upper()} scorecard: {path}")


def progress(quiet: bool, verbose: bool) -> Any:
    from maturity.cli.progress import make_progress

    return make_progress(quiet=quiet, verbose=verbose)
