"""``maturity title2 status``: the ADA Title II tracker, from stored runs (no browser, no network)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from maturity.cli.options import open_store, store_options
from maturity.cli.output import echo, echo_data, terminal


@click.group()
def title2() -> None:
    """Track the ADA Title II web rule's compliance dates across a portfolio."""


@title2.command("status")
@store_options
@click.option("--portfolio", "portfolio_id", default=None, help="Only this portfolio's runs [default: every run].")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "html"]),
    default="table",
    show_default=True,
    help="A table on the terminal, CSV / JSON for a report, or an HTML page to publish.",
)
@click.option(
    "--out", "out_file", type=click.Path(dir_okay=False), default=None, help="Write the CSV, JSON or HTML here."
)
@click.option(
    "--exceptions",
    "exceptions_files",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True),
    help="An agency's exceptions file (28 CFR 35.201 claims); repeatable, one per agency.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Count days left from this date (YYYY-MM-DD) [default: today].",
)
def title2_status(
    db: str,
    portfolio_id: str | None,
    fmt: str,
    out_file: str | None,
    exceptions_files: tuple[str, ...],
    today: datetime | None,
) -> None:
    """Per entity, riskiest first: the compliance date and days left, automated failures of the
    newest runs (per WCAG criterion), criteria that need a person, the trend, and when failures
    reach zero at the pace of the last runs. Runs count when scored under the ada-title-ii rubric."""
    from maturity.run.title2 import load_exceptions, status
    from reports.title2 import render_csv, render_html, render_json

    day = today.date() if today is not None else date.today()
    claims = load_exceptions(exceptions_files)
    result = status(open_store(db), today=day, portfolio=portfolio_id, exceptions=claims)
    for note in result.notes:
        echo(f"note: {note}", err=True)
    if fmt == "table":
        if out_file:
            raise click.UsageError("--out needs --format csv, json or html")
        _table(result)
        return
    if fmt == "csv":
        text = render_csv(result.rows)
    elif fmt == "json":
        text = render_json(result.rows, today=day, portfolio=portfolio_id)
    else:
        text = render_html(result.rows, today=day)
    if out_file:
        Path(out_file).parent.mkdir(parents=True, exist_ok=True)
        with open(out_file, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        echo(f"wrote {out_file}", err=True)
    else:
        echo_data(text)


def _table(result: object) -> None:
    from rich.table import Table

    from maturity.run.title2 import TrackerResult

    assert isinstance(result, TrackerResult)
    if not result.rows:
        echo("no runs stored" + (f" in portfolio {result.portfolio}" if result.portfolio else ""))
        return
    table = Table(title=f"ADA Title II status on {result.today.isoformat()} (WCAG 2.1 A/AA; 91 FR 20902)")
    for name in ("entity", "risk", "date", "days left", "failures (pages)", "worst criteria", "trend", "projection"):
        table.add_column(name)
    for row in result.rows:
        due = row.deadline
        when = due.due.isoformat() if due.known else " or ".join(d.isoformat() for d in due.dates) + " (tier unknown)"
        worst = sorted(row.criteria.items(), key=lambda kv: -kv[1][0])[:3]
        trend = " → ".join(str(n) for _, n in row.trend[-5:]) or "-"
        table.add_row(
            row.entity,
            row.risk,
            when,
            str(row.days_left),
            f"{row.failures} ({row.pages_failing} of {row.pages_assessed})" if row.trend else "-",
            ", ".join(f"{c}: {n}" for c, (n, _) in worst) or "-",
            trend,
            row.projection_text,
        )
    terminal().print(table)
    for row in result.rows:
        extra = f"; {len(row.unscored_sites)} sites not measured" if row.unscored_sites else ""
        if row.trend:
            extra += f"; accessibility statement: {_STATEMENT[row.statement]}"
        if row.documents_text:
            extra += f"; {row.documents_text}"
        if row.projection.status not in ("not-measured", "done"):
            extra += f"; {row.projection_text}"
        if not row.deadline.known:
            dates = " or ".join(d.isoformat() for d in row.deadline.dates)
            extra += f"; dates {dates} ({row.deadline.note})"
        elif row.deadline.note:
            extra += f"; note: {row.deadline.note}"
        echo(f"{row.entity} [{row.risk}]: {row.summary}{extra}")
        for claimed in row.claimed:
            overdue = "; REVIEW DUE" if claimed.review_due else ""
            echo(
                f"  claimed, shown apart: {claimed.failures} failures on {claimed.pages} pages under "
                f"{claimed.claim.describe()}; review {claimed.claim.review}{overdue}"
            )
        if row.candidates:
            kinds = sorted({c.kind for c in row.candidates})
            counts = ", ".join(f"{sum(1 for c in row.candidates if c.kind == k)} {k}" for k in kinds)
            echo(f"  candidates for an exception claim ({counts}):")
            for c in row.candidates[:5]:
                echo(f"    {c.url} ({c.kind}: {c.why})")
            if len(row.candidates) > 5:
                echo(f"    ... and {len(row.candidates) - 5} more (--format json lists them all)")


_STATEMENT = {
    "pass": "ok",
    "fail": "missing or incomplete",
    "error": "could not be checked (was its page audited?)",
    "not checked": "not checked",
}

COMMANDS = [title2]
