"""Commands for a state digital office: portfolios, history, the scorecard site, exports, retention.

Registered on the main ``maturity`` group by the last line of :mod:`maturity.cli`. Thin, like the
rest of the CLI: parse options, call one function in :mod:`maturity.run.portfolio`,
:mod:`maturity.core.history` or :mod:`reports`, print.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from maturity import __version__
from maturity.cli import _open_store, _settings, audit_options, cli, output_options, store_options
from maturity.kernel.errors import UsageError


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _rollup_option(fn: Any) -> Any:
    return click.option(
        "--rollup",
        "method",
        type=click.Choice(["mean", "page-weighted", "minimum"]),
        default="mean",
        show_default=True,
        help="How site figures combine into agency and portfolio figures.",
    )(fn)


def _portfolio_filter(fn: Any) -> Any:
    return click.option(
        "--portfolio", "portfolio_id", default=None, help="Only runs of this portfolio id [default: every run]."
    )(fn)


# ---------------------------------------------------------------------------
# maturity portfolio run|validate
# ---------------------------------------------------------------------------


@cli.group()
def portfolio() -> None:
    """Audit every site of a portfolio file (YAML or CSV of agencies and their sites)."""


@portfolio.command("validate")
@click.argument("file", type=click.Path(dir_okay=False))
def portfolio_validate(file: str) -> None:
    """Check a portfolio file; errors name the file and the key or line."""
    from maturity.run.portfolio import load_portfolio

    p = load_portfolio(file)
    click.echo(f"{file}: valid portfolio {p.id} ({len(p.agencies)} agencies, {len(p.sites)} sites)")


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
    """Audit every site in FILE; failures are listed, and the run goes on (exit 0)."""
    from maturity.core.rubric import resolve_rubric
    from maturity.run.portfolio import Display, load_portfolio, run_portfolio

    loaded = load_portfolio(file, portfolio_id=portfolio_id)
    rubric = resolve_rubric(rubric_spec)
    store = _open_store(db)
    if distributed:
        _run_distributed(loaded, kw, db, rubric_spec, out_dir, run_id)
        return
    display = Display(
        total_sites=len(loaded.sites),
        slots=max(1, min(sites_at_once, len(loaded.sites))),
        enabled=not quiet and sys.stderr.isatty(),
    )
    result = run_portfolio(
        loaded,
        lambda site: site_settings(site, kw),
        store,
        rubric,
        Path(out_dir),
        sites_at_once=sites_at_once,
        display=display,
    )
    _portfolio_summary(result)


def site_settings(site: Any, kw: dict[str, Any]) -> Any:
    """A portfolio site's audit settings: the command line's, then what the portfolio file sets for it."""
    from dataclasses import replace

    extra = {"attestations": site.attestations} if site.attestations else {}
    return replace(_settings(site.url, kw), **site.settings, **extra)


def _run_distributed(
    loaded: Any, kw: dict[str, Any], db: str, rubric_spec: str | None, out_dir: str, run_id: str | None
) -> None:
    """Queue one job per site for the workers, wait for all, and print what each worker did."""
    import time
    import uuid

    from rich.console import Console
    from rich.table import Table

    from maturity.cli import db_url
    from maturity.core.attest import load_attestations
    from maturity.run.distributed import job_key, make_job, run_distributed

    run = run_id or f"{loaded.id}-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
    read: dict[str, dict[str, Any]] = {}  # each attestation file read once, and refused before anything is queued
    for site in loaded.sites:
        if site.attestations and site.attestations not in read:
            read[site.attestations] = load_attestations(site.attestations).model_dump(mode="json")
    jobs = [
        make_job(
            key=job_key(run, site.url),
            url=site.url,
            db=db_url(db),
            settings=site_settings(site, kw).recorded(),
            rubric=rubric_spec,
            out_dir=out_dir,
            agency=site.agency,
            portfolio=loaded.id,
            tags=site.tags,
            attestations=read.get(site.attestations or ""),
        )
        for site in loaded.sites
    ]
    click.echo(
        f"portfolio run {run}: {len(jobs)} sites queued for workers (use --run-id {run} to finish it "
        "if this command is interrupted)",
        err=True,
    )
    results = run_distributed(jobs)
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
    Console().print(table)
    for r in results:
        if r["status"] == "failed":
            click.echo(f"  could not audit {r['url']}: {r.get('error')}", err=True)


def _portfolio_summary(result: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
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
    failures = result.failures
    if failures:
        console.print(f"[bold]{len(failures)} site(s) could not be audited[/bold] (recorded as failed runs):")
        for o in failures:
            console.print(f"  {o.site.url} ({o.site.agency}): {o.status}: {o.error}", highlight=False, markup=False)
    else:
        console.print("Every site was audited.")


# ---------------------------------------------------------------------------
# maturity history SITE
# ---------------------------------------------------------------------------


@cli.command()
@click.argument("site")
@click.option("--run", "run_id", type=int, default=None, help="Compare this run with the one before [default: newest].")
@store_options
def history(site: str, run_id: int | None, db: str) -> None:
    """Compare a site's newest run (or --run N) with the scored run before it.

    SITE is the start URL as stored (see `maturity runs`), or its host name.
    """
    from maturity.core.history import compare, describe
    from maturity.run.portfolio import host_key, load_snapshots

    store = _open_store(db)
    by_site = load_snapshots(store, perf_latest=10**9 if run_id is not None else 2)
    matches = [url for url in by_site if url == site or url.rstrip("/") == site.rstrip("/")]
    if not matches:
        matches = [
            url for url in by_site if host_key(url) == site.lower() or (host_key(url).split(":")[0] == site.lower())
        ]
    if not matches:
        raise UsageError(f"no runs of {site!r} stored (see `maturity runs`)")
    if len(matches) > 1:
        raise UsageError(f"{site!r} matches several sites: {', '.join(matches)}; give the start URL")
    runs = [r for r in by_site[matches[0]] if r.scorecard is not None]
    if run_id is not None:
        idx = next((i for i, r in enumerate(runs) if r.crawl_id == run_id), None)
        if idx is None:
            raise UsageError(f"run {run_id} is not a scored run of {matches[0]}")
    else:
        idx = len(runs) - 1
    if idx < 1:
        only = runs[idx] if runs else None
        click.echo(
            f"{matches[0]}: "
            + (f"only one scored run ({only.crawl_id}); nothing to compare yet" if only else "no scored run yet")
        )
        return
    for line in describe(compare(runs[idx - 1], runs[idx])):
        click.echo(line)


# ---------------------------------------------------------------------------
# maturity site build
# ---------------------------------------------------------------------------


@cli.group()
def site() -> None:
    """The static scorecard site (plain HTML files)."""


@site.command("build")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Directory to write.")
@click.option("--title", default="Digital maturity scorecards", show_default=True)
@_rollup_option
@_portfolio_filter
@store_options
def site_build(out_dir: str, title: str, method: str, portfolio_id: str | None, db: str) -> None:
    """Write the scorecard site: portfolio, agencies, runs, rubric, CSV and JSON."""
    from maturity.run.portfolio import load_snapshots
    from reports.site import build_site

    store = _open_store(db)
    by_site = load_snapshots(store, portfolio_id)
    if not by_site:
        raise UsageError("no runs stored" + (f" for portfolio {portfolio_id!r}" if portfolio_id else ""))
    files = build_site(
        by_site,
        method=method,
        title=title,
        rubrics=_known_rubrics(by_site),
        generated_at=_now(),
        tool_version=__version__,
    )
    root = Path(out_dir)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    agencies = sum(1 for rel in files if rel.startswith("agency/"))
    click.echo(
        f"wrote {len(files)} files for {agencies} agencies and {len(by_site)} sites to {root}/ ({root / 'index.html'})"
    )


def _known_rubrics(by_site: dict[str, list[Any]]) -> dict[str, Any]:
    """Rubric files behind the scorecards, where they can still be found with the same sha256."""
    from maturity.core.rubric import builtin_rubric, builtin_rubric_names, resolve_rubric
    from maturity.kernel.errors import MaturityError

    wanted: dict[str, str] = {}
    for runs in by_site.values():
        for r in runs:
            if r.scorecard is not None:
                wanted.setdefault(r.scorecard.rubric.sha256, r.scorecard.rubric.source)
    found: dict[str, Any] = {}
    candidates = []
    for name in builtin_rubric_names():
        try:
            candidates.append(builtin_rubric(name))
        except MaturityError:
            continue
    for source in set(wanted.values()):
        if not source:
            continue
        try:
            candidates.append(resolve_rubric(source) if Path(source).exists() else builtin_rubric(Path(source).stem))
        except MaturityError:
            continue
    for loaded in candidates:
        if loaded.sha256 in wanted:
            found[loaded.sha256] = loaded
    return found


# ---------------------------------------------------------------------------
# maturity export
# ---------------------------------------------------------------------------


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), required=True)
@click.option(
    "--out", "out_file", default=None, type=click.Path(dir_okay=False), help="File to write [default: stdout]."
)
@_rollup_option
@_portfolio_filter
@store_options
def export(fmt: str, out_file: str | None, method: str, portfolio_id: str | None, db: str) -> None:
    """Export every run: CSV (one row per site per run) or JSON (agencies, rollups, runs)."""
    from maturity.core.history import agencies, site_histories
    from maturity.run.portfolio import load_snapshots
    from reports.csv_export import render_csv, render_json

    by_site = load_snapshots(_open_store(db), portfolio_id, perf_latest=0)
    if fmt == "csv":
        text = render_csv(site_histories(by_site))
    else:
        text = render_json(agencies(by_site, method), method=method, generated_at=_now())
    if out_file:
        Path(out_file).parent.mkdir(parents=True, exist_ok=True)
        # newline="" keeps the CSV's CRLF line ends as RFC 4180 has them
        with open(out_file, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        click.echo(f"wrote {out_file}", err=True)
    else:
        click.echo(text, nl=False)


# ---------------------------------------------------------------------------
# maturity prune --keep N
# ---------------------------------------------------------------------------


@cli.command()
@click.option(
    "--keep", required=True, type=click.IntRange(1), help="Runs to keep per site (the first run is kept too)."
)
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
@store_options
def prune(keep: int, dry_run: bool, db: str) -> None:
    """Keep the newest N runs of each site (and its first), and remove artifacts no kept run uses."""
    from maturity.run.portfolio import prune_plan

    store = _open_store(db)
    doomed = prune_plan(store, keep)
    if dry_run:
        click.echo(f"would remove {len(doomed)} run(s): {', '.join(map(str, doomed)) or 'none'}")
        return
    for crawl_id in doomed:
        store.delete_crawl(crawl_id)
    blobs, size = store.delete_unused_blobs()
    click.echo(f"removed {len(doomed)} run(s) and {blobs} unused artifact(s) ({size:,} bytes)")


# ---------------------------------------------------------------------------
# maturity rescore-all --rubric FILE
# ---------------------------------------------------------------------------


@cli.command("rescore-all")
@click.option("--rubric", "rubric_spec", required=True, help="Rubric YAML file or built-in name.")
@click.option("--force", is_flag=True, help="Score again even runs already scored under this rubric.")
@_portfolio_filter
@store_options
def rescore_all(rubric_spec: str, force: bool, portfolio_id: str | None, db: str) -> None:
    """Score every finished stored run again under one rubric (no browser, no network)."""
    from maturity.core.rubric import resolve_rubric
    from maturity.run.portfolio import rescore_all as do_rescore_all

    rubric = resolve_rubric(rubric_spec)
    done, skipped = do_rescore_all(_open_store(db), rubric, portfolio=portfolio_id, force=force)
    r = rubric.rubric
    click.echo(
        f"scored {len(done)} run(s) under {r.id} {r.version} (sha256 {rubric.sha256[:12]}); "
        f"{skipped} already scored under it"
    )
