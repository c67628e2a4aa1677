"""``maturity site build`` and ``maturity export``: publishing stored figures."""

from __future__ import annotations

from pathlib import Path

import click

from maturity.cli.options import open_store, portfolio_filter, rollup_option, store_options
from maturity.cli.output import echo


@click.group()
def site() -> None:
    """The static scorecard site (plain HTML files)."""


@site.command("build")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Directory to write.")
@click.option("--title", default="Digital maturity scorecards", show_default=True)
@rollup_option
@portfolio_filter
@store_options
def site_build(out_dir: str, title: str, method: str, portfolio_id: str | None, db: str) -> None:
    """Write the scorecard site: portfolio, agencies, runs, rubric, CSV and JSON."""
    from maturity.run.publish import build

    built = build(open_store(db), Path(out_dir), method=method, title=title, portfolio=portfolio_id)
    root = built.root
    echo(
        f"wrote {built.files} files for {built.agencies} agencies and {built.sites} sites to {root}/ "
        f"({root / 'index.html'})"
    )


@click.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), required=True)
@click.option(
    "--out", "out_file", default=None, type=click.Path(dir_okay=False), help="File to write [default: stdout]."
)
@rollup_option
@portfolio_filter
@store_options
def export(fmt: str, out_file: str | None, method: str, portfolio_id: str | None, db: str) -> None:
    """Export every run: CSV (one row per site per run) or JSON (agencies, rollups, runs)."""
    from maturity.run.publish import export as do_export

    text = do_export(open_store(db), fmt, method=method, portfolio=portfolio_id)
    if out_file:
        Path(out_file).parent.mkdir(parents=True, exist_ok=True)
        # newline="" keeps the CSV's CRLF line ends as RFC 4180 has them
        with open(out_file, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        echo(f"wrote {out_file}", err=True)
    else:
        echo(text, nl=False)


COMMANDS = [site, export]
