"""``maturity portfolio run|validate``: every site of a portfolio file (YAML or CSV)."""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path
from typing import Any

import click

from maturity.cli.options import (
    audit_options,
    machine_options,
    machine_settings,
    open_store,
    output_options,
    rubric_option,
    settings_layer,
    store_options,
)
from maturity.cli.output import echo, stop_gracefully, terminal


@click.group()
def portfolio() -> None:
    """Audit every site of a portfolio file (YAML or CSV of agencies and their sites)."""


@portfolio.command("validate")
@click.argument("file", type=click.Path(dir_okay=False))
def portfolio_validate(file: str) -> None:
    """Check a portfolio file; errors name the file and the key or line."""
    from maturity.core.portfolio import load_portfolio

    p = load_portfolio(file)
    echo(f"{file}: valid portfolio {p.id} ({len(p.agencies)} agencies, {len(p.sites)} sites)")


@portfolio.command("run")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--sites-at-once",
    default=2,
    show_default=True,
    type=click.IntRange(1, 16),
    help="Sites audited at the same time (each with its own browser; never two on one host).",
)
@click.option("--portfolio-id", default=None, help="Store the runs under this portfolio id [default: from the file].")
@click.option(
    "--distributed",
    is_flag=True,
    help="Queue the sites for `maturity worker` processes (Celery on MATURITY_BROKER) instead.",
)
@click.option(
    "--run-id",
    default=None,
    help="With --distributed: the portfolio run's id; the same id again finishes that run, redoing nothing.",
)
@audit_options
@machine_options
@rubric_option
@store_options
@output_options
def portfolio_run(
    file: str,
    sites_at_once: int,
    portfolio_id: str | None,
    distributed: bool,
    run_id: str | None,
    db: str,
    out_dir: str,
    quiet: bool,
    verbose: bool,
    rubric_spec: str | None,
    **kw: Any,
) -> None:
    """Audit every site in FILE; failures are listed, and the run goes on (exit 0).

    A site's settings: the file's (portfolio < agency < site), then the options given here.
    """
    stop_gracefully()
    from maturity.core.portfolio import load_portfolio, site_settings
    from maturity.core.rubric import resolve_rubric

    loaded = load_portfolio(file, portfolio_id=portfolio_id)
    rubric = resolve_rubric(rubric_spec)
    command_line = settings_layer(kw)
    if distributed:
        _run_distributed(loaded, rubric, command_line, run_id, open_store(db, create=True))
        return
    from maturity.cli.progress import Display
    from maturity.run.portfolio import run_portfolio

    store = open_store(db, create=True)
    display = Display(
        total_sites=len(loaded.sites),
        slots=max(1, min(sites_at_once, len(loaded.sites))),
        enabled=not quiet and sys.stderr.isatty(),
    )
    result = run_portfolio(
        loaded,
        lambda site: site_settings(site, command_line),
        store,
        rubric,
        Path(out_dir),
        machine=machine_settings(kw),
        sites_at_once=sites_at_once,
        display=display,
    )
    _portfolio_summary(result)


def _run_distributed(loaded: Any, rubric: Any, command_line: dict[str, Any], run_id: str | None, store: Any) -> None:
    """Queue one job per site for the workers, wait for all, and print what each worker did."""
    from rich.table import Table

    from maturity.run.distributed import portfolio_jobs, run_distributed

    run = run_id or f"{loaded.id}-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
    jobs = portfolio_jobs(loaded, run, rubric, command_line)
    echo(
        f"portfolio run {run}: {len(jobs)} sites queued for workers (use --run-id {run} to finish it "
        "if this command is interrupted)",
        err=True,
    )
    results = run_distributed(
        jobs,
        store=store,  # to watch each crawl's lease: a dead worker's site is queued again
        on_requeue=lambda job: echo(f"{job['url']}: its worker stopped answering; queued again", err=True),
    )
    table = Table(title=f"Portfolio {loaded.id}, run {run} (distributed)")
    for name in ("site", "result", "run", "level", "score", "worker"):
        table.add_column(name, overflow="fold")
    for r in results:
        level = r.get("level")
        table.add_row(
            r["url"],
            r["status"] + (" (already done)" if r.get("repeated") else ""),
            str(r.get("crawl_id") or "-"),
            str(level) if level else "-",
            f"{r['overall']:.1f}" if r.get("overall") is not None else "-",
            r.get("worker", "-"),
        )
    terminal().print(table)
    for r in results:
        if r["status"] == "failed":
            echo(f"  could not audit {r['url']}: {r.get('error')}", err=True)


def _portfolio_summary(result: Any) -> None:
    from rich.table import Table

    from reports.journey_text import headline

    console = terminal()
    table = Table(title=f"Portfolio {result.portfolio.id}: {len(result.outcomes)} sites in {result.seconds:.0f} s")
    for name in ("agency", "site", "result", "run", "level", "score", "pages", "not assessable", "seconds"):
        table.add_column(name, overflow="fold")
    for o in result.outcomes:
        level = (f"{o.level} {o.level_name}" if o.level else "not assessable") if o.ok else "-"
        table.add_row(
            o.site.agency,
            o.site.url,
            o.status,
            str(o.crawl_id) if o.crawl_id is not None else "-",
            level,
            f"{o.overall:.1f}" if o.overall is not None else "-",
            str(o.pages) if o.ok else "-",
            str(o.not_assessable) if o.ok else "-",
            f"{o.seconds:.1f}",
        )
    console.print(table)
    for o in result.outcomes:  # the journeys run after a site's audit
        if o.journeys_error:
            console.print(f"  {o.site.url}: journeys could not run: {o.journeys_error}")
        for j in o.journeys:
            console.print(f"  {o.site.url}: journey {j.id}: {headline(j)}")
    failures = result.failures
    if failures:
        console.print(f"{len(failures)} site(s) could not be audited (recorded as failed runs):", style="bold")
        for o in failures:
            console.print(f"  {o.site.url} ({o.site.agency}): {o.status}: {o.error}")
    else:
        console.print("Every site was audited.")


COMMANDS = [portfolio]
