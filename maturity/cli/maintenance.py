"""``maturity prune`` and ``maturity rescore-all``: keeping the store tidy and current."""

from __future__ import annotations

import click

from maturity.cli.options import open_store, portfolio_filter, store_options
from maturity.cli.output import echo


@click.command()
@click.option(
    "--keep", required=True, type=click.IntRange(1), help="Runs to keep per site (the first run is kept too)."
)
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
@store_options
def prune(keep: int, dry_run: bool, db: str) -> None:
    """Keep each site's first and newest N runs (per portfolio, and its ad-hoc audits apart); free the rest."""
    from maturity.run.retention import prune as do_prune
    from maturity.run.retention import prune_plan

    store = open_store(db)
    if dry_run:
        doomed = prune_plan(store, keep)
        echo(f"would remove {len(doomed)} run(s): {', '.join(map(str, doomed)) or 'none'}")
        return
    done = do_prune(store, keep)
    echo(
        f"removed {len(done.runs)} run(s) and {done.blobs} unused artifact(s) ({done.bytes_freed:,} bytes of data); "
        f"{done.reclaimed}"
    )


@click.command("rescore-all")
@click.option("--rubric", "rubric_spec", required=True, help="Rubric YAML file or built-in name.")
@click.option("--force", is_flag=True, help="Score again even runs already scored under this rubric.")
@portfolio_filter
@store_options
def rescore_all(rubric_spec: str, force: bool, portfolio_id: str | None, db: str) -> None:
    """Score every finished stored run again under one rubric (no browser, no network)."""
    from maturity.core.rubric import resolve_rubric
    from maturity.run.scoring import rescore_all as do_rescore_all

    rubric = resolve_rubric(rubric_spec)
    done, skipped = do_rescore_all(open_store(db), rubric, portfolio=portfolio_id, force=force)
    r = rubric.rubric
    echo(
        f"scored {len(done)} run(s) under {r.id} {r.version} (sha256 {rubric.sha256[:12]}); "
        f"{skipped} already scored under it"
    )


COMMANDS = [prune, rescore_all]
