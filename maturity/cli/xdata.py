"""``maturity xdata import|show``: survey results (experience data) per service and quarter."""

from __future__ import annotations

from pathlib import Path

import click

from maturity.cli.options import open_store, output_options, store_options
from maturity.cli.output import echo, echo_data

FORMAT_CHOICES = (
    "touchpoints-a11",
    "touchpoints-a11-v2",
    "a11-v2",
    "hisp-details",
    "hisp-responses",
    "hisp-legacy",
    "aggregate",
    "mapped",
)


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
@click.option(
    "--map",
    "column_map",
    default=None,
    type=click.Path(dir_okay=False),
    help="A column map file (YAML) for another tool's export (Google Forms, Qualtrics): format 'mapped'.",
)
@click.option(
    "--quarter",
    default=None,
    help="Put every response in this fiscal quarter, e.g. FY2025Q2 (needed for files without dates).",
)
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
    column_map: str | None,
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
        column_map=Path(column_map) if column_map else None,
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
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    type=click.Choice(("text", "csv", "json")),
    help="text for people; csv (formula-safe) or json for other tools.",
)
@store_options
def xdata_show(agency: str | None, fmt: str, db: str) -> None:
    """Figures per service and fiscal quarter: trust and drivers with n, response rate and
    Wilson 95 % intervals; fewer than 30 responses is "insufficient responses"."""
    from maturity.core.xdata import INSUFFICIENT, LOW_RELIABILITY
    from maturity.run.xdata import agency_figures

    found = agency_figures(open_store(db), agency)
    if fmt != "text":
        from reports.xdata_export import render_figures_csv, render_figures_json

        render = render_figures_csv if fmt == "csv" else render_figures_json
        echo_data(render(found))
        return
    if not found:
        echo("no survey results stored" + (f" for {agency}" if agency else ""))
        return
    asked = {"thumbs": "thumbs up", "likert": "top-two-box", "went_well": "went well, of thumbs-up"}
    asked |= {"went_badly": "went badly, of thumbs-down", "share": "share given", "mean": "mean given"}
    for name, figs in found.items():
        echo(name)
        service = wording = None
        for f in figs:
            if f.service != service:
                service, wording = f.service, None
                echo(f"  service {f.service}")
            if f.measure == "trust" and f.trust_question and f.trust_question != wording:
                wording = f.trust_question
                echo(f'    trust question: "{f.trust_question}"')
            line = f"    {f.quarter_label}  {f.measure} ({asked.get(f.kind, f.kind)})  n {f.n}"
            if f.status == INSUFFICIENT:
                line += "  insufficient responses (fewer than 30; not scored)"
            elif f.share is None:
                line += f"  mean {f.mean:.2f}" if f.mean is not None else ""
            else:
                line += f"  {f.share:.1%} [{f.low:.1%}-{f.high:.1%}]"
                if f.status == LOW_RELIABILITY:
                    line += " (low reliability)"
                if f.mean is not None and f.kind == "likert":
                    line += f"  mean {f.mean:.2f}" + (" (customer effort reading)" if f.measure == "ease" else "")
            if f.response_rate is not None and f.offered:
                line += f"  response rate {f.response_rate:.1%} of {f.offered:,} offered"
            if f.volume:
                line += f", {f.volume:,} customers"
            if f.change is not None:
                verdict = "significant change" if f.change.significant else "no significant change"
                line += f"  vs {f.compared_with} {f.change.delta * 100:+.1f} pts, z = {f.change.z:.2f}: {verdict}"
            echo(line)
    echo(
        "Shares: thumbs-up, or 4-5 on the 5-point agree scale (top-two-box); drivers after a thumbs-up or"
        " -down count over those respondents only. Intervals: Wilson 95 %. Change: two-proportion z-test"
        " (pooled), |z| > 1.96. Respondents choose to answer: the interval covers sampling noise, not"
        " nonresponse bias."
    )


@xdata.command("score")
@click.argument("run", type=int)
@click.option("--rubric", "rubric_spec", default="cx", show_default=True, help="Rubric file or built-in name.")
@click.option("--agency", default=None, help="The agency whose survey results apply [default: the run's agency].")
@store_options
@output_options
def xdata_score(
    run: int, rubric_spec: str, agency: str | None, db: str, out_dir: str, quiet: bool, verbose: bool
) -> None:
    """Attach the agency's survey figures to stored run RUN and score it (by default under the
    customer experience rubric `cx`); other scorings of the run are kept unchanged."""
    from maturity.cli.output import run_summary
    from maturity.core.rubric import resolve_rubric
    from maturity.run.xdata import score_with_survey

    info, card, paths, facts = score_with_survey(
        open_store(db), run, resolve_rubric(rubric_spec), Path(out_dir), agency=agency
    )
    scored = sum(1 for f in facts.figures if f.share is not None)
    echo(f"attached {len(facts.figures)} survey figures of {facts.agency} ({scored} with 30 responses or more)")
    run_summary(info, card, paths)


@xdata.command("comments")
@click.option("--agency", required=True)
@click.option("--forget", is_flag=True, help="Delete the agency's kept comments (the counts stay).")
@store_options
def xdata_comments(agency: str, forget: bool, db: str) -> None:
    """The comments kept with `import --comments`, redacted, for the agency's own staff (never
    published); --forget deletes them, for a retention limit."""
    from maturity.run.xdata import comments

    store = open_store(db)
    if forget:
        before = len(comments(store, agency))
        comments(store, agency, forget=True)
        echo(f"deleted {before} comments of {agency}")
        return
    kept = comments(store, agency)
    if not kept:
        echo(f"no comments kept for {agency}")
    for service, fy, q, text in kept:
        echo(f"{service}  FY{fy} Q{q}  {text}")


COMMANDS = [xdata]
