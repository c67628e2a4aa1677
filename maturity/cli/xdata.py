"""``maturity xdata import|show``: survey results (experience data) per service and quarter."""

from __future__ import annotations

from pathlib import Path

import click

from maturity.cli.options import open_store, store_options
from maturity.cli.output import echo, terminal

FORMAT_CHOICES = ("touchpoints-a11", "touchpoints-a11-v2", "a11-v2", "hisp-details", "hisp-legacy", "aggregate")


@click.group()
def xdata() -> None:
    """Experience data: import customer survey results and show their figures per service."""


@xdata.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--agency", required=True, help="The agency the results belong to (its name in the portfolio).")
@click.option("--service", default=None, help="The service a file of responses is about (id or name).")
@click.option(
    "--format", "fmt", default=None, type=click.Choice(FORMAT_CHOICES), help="The file's format [default: detected]."
)
@click.option("--quarter", default=None, help="Fiscal quarter of a file without dates, e.g. FY2025Q2.")
@click.option("--comments", is_flag=True, help="Keep free-text comments (redacted); dropped by default.")
@click.option(
    "--portfolio",
    "portfolio_file",
    default=None,
    type=click.Path(dir_okay=False),
    help="Check the agency and services against this portfolio file and use its fiscal year.",
)
@store_options
def xdata_import(
    file: str,
    agency: str,
    service: str | None,
    fmt: str | None,
    quarter: str | None,
    comments: bool,
    portfolio_file: str | None,
    db: str,
) -> None:
    """Import one survey file in one transaction: all of it, or nothing (errors name line and column)."""
    from maturity.core.portfolio import load_portfolio
    from maturity.core.xdata import parse_quarter
    from maturity.kernel.errors import UsageError
    from maturity.run.xdata import import_file

    fiscal = None
    if quarter is not None:
        try:
            fiscal = parse_quarter(quarter)
        except ValueError as exc:
            raise UsageError(f"--quarter: {exc}") from None
    portfolio = load_portfolio(portfolio_file) if portfolio_file else None
    result = import_file(
        open_store(db, create=True),
        Path(file),
        agency=agency,
        service=service,
        fmt=fmt,
        quarter=fiscal,
        comments=comments,
        portfolio=portfolio,
    )
    stored = result.stored
    if result.summary is None:
        echo(f"{file}: already imported (import {stored.id}, {stored.imported_at:%Y-%m-%d}); nothing changed")
        return
    s = result.summary
    echo(f"{file}: imported as import {stored.id} ({s.format}, {s.rows} rows) for {stored.agency}")
    if result.responses or result.already_counted:
        echo(f"  responses counted: {result.responses}; already counted before: {result.already_counted}")
    for reason, n in sorted(s.skipped_rows.items()):
        echo(f"  rows skipped ({reason}): {n}")
    echo(f"  stored: {result.tallies} counts, {result.contexts} quarter details, {result.comments} comments (redacted)")
    echo(f"  kept: {', '.join(s.kept) or 'nothing'}")
    echo(f"  dropped: {', '.join(s.dropped) or 'nothing'}")
    if not comments:
        echo("  comments are dropped (--comments keeps them, redacted)")


@xdata.command("show")
@click.option("--agency", default=None, help="Only this agency.")
@store_options
def xdata_show(agency: str | None, db: str) -> None:
    """Figures per service and fiscal quarter: trust and drivers with n, response rate and
    Wilson 95 % intervals; fewer than 30 responses is "insufficient responses"."""
    from rich.table import Table

    from maturity.core.xdata import INSUFFICIENT, LOW_RELIABILITY
    from maturity.run.xdata import agency_figures

    found = agency_figures(open_store(db), agency)
    if not found:
        echo("no survey results stored" + (f" for {agency}" if agency else ""))
        return
    console = terminal()
    for name, figs in found.items():
        table = Table(title=name, title_justify="left")
        for column in ("service", "quarter", "measure", "asked as", "n", "positive", "share", "95 % interval"):
            table.add_column(column, justify="right" if column in ("n", "positive") else "left")
        table.add_column("response rate", justify="right")
        table.add_column("change vs previous quarter")
        wording: dict[str, str] = {}
        for f in figs:
            if f.trust_question:
                wording.setdefault(f"{f.service} {f.quarter_label}", f.trust_question)
            if f.status == INSUFFICIENT:
                share, interval = "insufficient responses", ""
            elif f.share is None:
                share, interval = f"mean {f.mean:.2f}" if f.mean is not None else "", ""
            else:
                share = f"{f.share:.1%}" + (" (low reliability)" if f.status == LOW_RELIABILITY else "")
                interval = f"{f.low:.1%}-{f.high:.1%}"
                if f.mean is not None and f.kind == "likert":
                    share += f", mean {f.mean:.2f}"
            rate = f"{f.response_rate:.1%} of {f.offered:,}" if f.response_rate is not None and f.offered else ""
            moved = ""
            if f.change is not None:
                verdict = "significant" if f.change.significant else "no significant change"
                moved = f"{f.change.delta * 100:+.1f} pts, z = {f.change.z:.2f}: {verdict}"
            table.add_row(
                f.service,
                f.quarter_label,
                f.measure,
                f.kind.replace("_", " "),
                str(f.n),
                str(f.positive),
                share,
                interval,
                rate,
                moved,
            )
        console.print(table)
        for key, text in sorted(wording.items()):
            echo(f"  trust question ({key}): {text}")
    echo(
        "Shares: thumbs-up, or 4-5 on the 5-point agree scale (top-two-box); drivers after a thumbs-up or"
        " -down count over those respondents only. Intervals: Wilson 95 %. Change: two-proportion z-test"
        " (pooled), |z| > 1.96. Respondents choose to answer: the interval covers sampling noise, not"
        " nonresponse bias."
    )


COMMANDS = [xdata]
