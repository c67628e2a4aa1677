"""``maturity site build`` and ``maturity export``: publishing stored figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from maturity.cli.options import (
    open_store,
    pinned_rubric,
    portfolio_filter,
    published_rubric_option,
    rollup_option,
    store_options,
)
from maturity.cli.output import echo, echo_data


@click.group()
def site() -> None:
    """The static scorecard site (plain HTML files)."""


@site.command("build")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Directory to write.")
@click.option("--title", default="Digital maturity scorecards", show_default=True)
@rollup_option
@portfolio_filter
@published_rubric_option
@store_options
def site_build(
    out_dir: str, title: str, method: str, portfolio_id: str | None, rubric_spec: str | None, db: str
) -> None:
    """Write the scorecard site: portfolio, agencies, runs, rubric, CSV and JSON.

    Each run shows its newest scoring under the published rubric: --rubric FILE, or by default the
    rubric the run was first scored with; a rescore under another rubric never changes the site."""
    from maturity.run.publish import build

    rubric = pinned_rubric(rubric_spec)
    built = build(open_store(db), Path(out_dir), method=method, title=title, portfolio=portfolio_id, rubric=rubric)
    root = built.root
    echo(
        f"wrote {built.files} files for {built.agencies} agencies and {built.sites} sites to {root}/ "
        f"({root / 'index.html'})"
    )
    echo(f"published: {built.published}")


@click.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), required=True)
@click.option(
    "--out", "out_file", default=None, type=click.Path(dir_okay=False), help="File to write [default: stdout]."
)
@rollup_option
@portfolio_filter
@published_rubric_option
@store_options
def export(
    fmt: str, out_file: str | None, method: str, portfolio_id: str | None, rubric_spec: str | None, db: str
) -> None:
    """Export every run: CSV (one row per site per run) or JSON (agencies, rollups, runs), each run's
    figures under the published rubric (--rubric FILE, or the rubric it was first scored with)."""
    from maturity.run.publish import export as do_export

    rubric = pinned_rubric(rubric_spec)
    text, published = do_export(open_store(db), fmt, method=method, portfolio=portfolio_id, rubric=rubric)
    echo(f"published: {published}", err=True)
    if out_file:
        Path(out_file).parent.mkdir(parents=True, exist_ok=True)
        # newline="" keeps the CSV's CRLF line ends as RFC 4180 has them
        with open(out_file, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        echo(f"wrote {out_file}", err=True)
    else:
        echo_data(text)


@click.command()
@click.argument("run", type=int)
@click.option(
    "--out", "out_file", default=None, type=click.Path(dir_okay=False), help="File to write [default: stdout]."
)
@click.option(
    "--compliance-date",
    default="2027-04-26",
    show_default=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Mark documents last changed before it 'may be pre-existing' (ADA Title II: 2028-04-26 for smaller entities).",
)
@store_options
def documents(run: int, out_file: str | None, compliance_date: Any, db: str) -> None:
    """A stored run's documents as CSV, one row per document: its URLs, status, what the document
    checks found, the pages linking to it, and its facts."""
    from maturity.run.document_export import documents_csv

    text = documents_csv(open_store(db), run, compliance_date=compliance_date.date())
    if out_file:
        Path(out_file).parent.mkdir(parents=True, exist_ok=True)
        with open(out_file, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        echo(f"wrote {out_file}", err=True)
    else:
        echo_data(text)


COMMANDS = [site, export, documents]
