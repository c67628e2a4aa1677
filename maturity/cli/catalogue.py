"""``maturity checks``, ``maturity rubric validate|explain`` and ``maturity schema``: what the tool knows."""

from __future__ import annotations

from typing import Any

import click

from maturity.cli.output import echo, piped, terminal


@click.command("checks")
def list_checks() -> None:
    """The check catalogue: id, dimension, what it looks for, and its source."""
    from rich.table import Table

    from maturity.core import checks

    table = Table(
        title="Checks (plus every axe-core rule as axe/<rule-id>, selectable by tag, "
        "and each rubric question as attest/<question-id>)"
    )
    for name in ("id", "dimension", "scope", "passes when", "parameters (defaults)", "source"):
        table.add_column(name, overflow="fold")
    rows = []
    for c in checks.all_checks():
        params = ", ".join(k if isinstance(v, dict | list) else f"{k}={v}" for k, v in c.meta.params.items())
        rows.append((c.id, c.meta.dimension, c.meta.scope, c.meta.title, params, c.meta.source))
    if piped():  # a short block per check: readable in a pipe at 80 columns
        echo(str(table.title))
        for check_id, dimension, scope, title, params, source in rows:
            echo(f"\n{check_id}  ({dimension}, {scope} check)")
            echo(f"    passes when: {title}")
            if params:
                echo(f"    parameters: {params}")
            if source:
                echo(f"    source: {source}")
        return
    for row in rows:
        table.add_row(*row)
    terminal().print(table)


@click.group()
def rubric() -> None:
    """Validate or explain a rubric."""


@rubric.command("validate")
@click.argument("spec")
def rubric_validate(spec: str) -> None:
    """Check a rubric file (or built-in name); errors name the file and key."""
    from maturity.core.rubric import resolve_rubric

    loaded = resolve_rubric(spec)
    r = loaded.rubric
    echo(
        f"{loaded.source}: valid rubric {r.id} {r.version} ({len(r.dimensions)} dimensions, "
        f"{len(r.levels)} levels, sha256 {loaded.sha256[:12]})"
    )


def _parameter_label(p: Any) -> str:
    """One rubric parameter in a line: what it scores, its weight and any params it overrides."""
    if p.question:
        label = f"question {p.question} (attested)"
    elif p.axe_tags:
        weights = ", ".join(f"{k} {v:g}" for k, v in (p.impact_weights or {}).items())
        label = f"axe rules tagged {', '.join(p.axe_tags)}" + (f" (impact weights {weights})" if weights else "")
        label += f", except {', '.join(p.exclude)}" if p.exclude else ""
    else:
        label = p.check
    label += f" ×{p.weight:g}"
    if p.params and not p.question:
        label += " {" + ", ".join(f"{k}: {v}" for k, v in p.params.items())[:120] + "}"
    return label


@rubric.command("explain")
@click.argument("spec", default="default")
def rubric_explain(spec: str) -> None:
    """Show a rubric as readable tables: levels, then each dimension's goal, evidence and parameters."""
    from rich.table import Table

    from maturity.core.rubric import resolve_rubric

    loaded = resolve_rubric(spec)
    r = loaded.rubric
    console = terminal()
    console.print(f"{r.title} ({r.id} {r.version})\n{r.description}", style="bold")
    levels = Table(title="Levels")
    for name in ("level", "name", "overall at least", "each dimension at least", "meaning"):
        levels.add_column(name, overflow="fold")
    for lv in r.levels:
        levels.add_row(str(lv.level), lv.name, f"{lv.min_score:g}", f"{lv.min_dimension:g}", lv.description)
    console.print(levels)
    for dim in r.dimensions:
        t = Table(title=f"{dim.title} (weight {dim.weight:g})", show_header=False)
        t.add_column(style="bold")
        t.add_column(overflow="fold")
        t.add_row("goal", dim.goal)
        t.add_row("parameters", "; ".join(_parameter_label(p) for p in dim.parameters))
        questions = [p for p in dim.parameters if p.question]
        if questions:
            t.add_row("attested", "\n".join(f"{p.question}: {p.text}" for p in questions))
        t.add_row("evidence", dim.evidence)
        also = " (and attestation)" if questions and dim.collection not in ("attestation", "mixed") else ""
        t.add_row("collection", dim.collection + also)
        t.add_row("sample", dim.sample)
        t.add_row("thresholds", ", ".join(f"L{lv.level} ≥ {r.dimension_minimum(dim, lv):g}" for lv in r.levels))
        for level, step in sorted(dim.next_steps.items()):
            t.add_row(f"to reach {level}", step)
        console.print(t)


@click.command()
def schema() -> None:
    """Print the JSON Schema of the JSON scorecard."""
    import json

    from reports.json_report import json_schema

    echo(json.dumps(json_schema(), indent=2))


COMMANDS = [list_checks, rubric, schema]
