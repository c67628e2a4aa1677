"""``maturity runs`` and ``maturity history``: what is stored, and what changed between runs."""

from __future__ import annotations

import click

from maturity.cli.options import open_store, pinned_rubric, published_rubric_option, store_options
from maturity.cli.output import echo, piped, terminal


@click.command()
@store_options
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1))
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines instead of a table.")
@published_rubric_option
def runs(db: str, limit: int, as_json: bool, rubric_spec: str | None) -> None:
    """List stored runs, newest first, each with its newest scoring under the published rubric
    (--rubric FILE, or the rubric the run was first scored with)."""
    import json

    from rich.table import Table

    from maturity.store.store import FIRST_SCORING

    rubric = pinned_rubric(rubric_spec)
    pinned = f"{rubric.rubric.id} {rubric.rubric.version}" if rubric else None
    rows = open_store(db).runs(limit, rubric.sha256 if rubric else FIRST_SCORING)

    def unscored(scorings: int) -> str:
        return f"not scored under {pinned}" if pinned and scorings else "not scored"

    if as_json:
        for row in rows:
            s = row.scoring
            echo(
                json.dumps(
                    {
                        "run": row.crawl.id,
                        "site": row.crawl.target_url,
                        "status": row.crawl.status,
                        "started_at": row.crawl.started_at.isoformat(timespec="seconds"),
                        "pages": row.pages,
                        "not_assessable": row.not_assessable,
                        "level": s.level if s else None,
                        "level_name": s.level_name if s else None,
                        "overall": s.overall if s else None,
                        "rubric": f"{s.rubric_id} {s.rubric_version}" if s else None,
                        "scoring": s.id if s else None,
                        "not_scored_under": pinned if (pinned and not s and row.scorings) else None,
                    }
                )
            )
        return
    if not rows:
        echo("no runs stored yet (try `maturity demo` or `maturity audit URL`)")
        return
    lines = []
    for row in rows:
        s = row.scoring
        level = (f"level {s.level} {s.level_name}" if s.level else "not assessable") if s else unscored(row.scorings)
        score = f"{s.overall:.1f}" if s and s.overall is not None else "-"
        lines.append(
            (
                f"run {row.crawl.id}  {row.crawl.status}  {row.crawl.started_at.strftime('%Y-%m-%d %H:%M')} UTC  "
                f"{level}  score {score}",
                f"    {row.crawl.target_url}",
                f"    {row.pages} pages, {row.not_assessable} not assessable"
                + (f"; rubric {s.rubric_id} {s.rubric_version}" if s else ""),
            )
        )
    if piped():  # a line per fact, never folded mid-word: readable in a pipe at 80 columns
        for line_group in lines:
            for line in line_group:
                echo(line)
        if pinned:
            echo(f"published: rubric {pinned} (--rubric)")
        return
    table = Table(title="Stored runs")
    for name in ("run", "site", "started (UTC)", "status", "pages", "not assessable", "level", "score", "rubric"):
        table.add_column(name)
    for row in rows:
        s = row.scoring
        table.add_row(
            str(row.crawl.id),
            row.crawl.target_url,
            row.crawl.started_at.strftime("%Y-%m-%d %H:%M"),
            row.crawl.status,
            str(row.pages),
            str(row.not_assessable),
            (f"{s.level} {s.level_name}" if s and s.level else "not assessable") if s else unscored(row.scorings),
            f"{s.overall:.1f}" if s and s.overall is not None else "-",
            f"{s.rubric_id} {s.rubric_version}" if s else "-",
        )
    terminal().print(table)
    if pinned:
        echo(f"published: rubric {pinned} (--rubric)")


@click.command()
@click.argument("site")
@click.option("--run", "run_id", type=int, default=None, help="Compare this run with the one before [default: newest].")
@published_rubric_option
@store_options
def history(site: str, run_id: int | None, rubric_spec: str | None, db: str) -> None:
    """Compare a site's newest run (or --run N) with the scored run before it, each run under its
    published scoring (--rubric FILE, or the rubric the run was first scored with).

    SITE is the start URL as stored (see `maturity runs`), or its host name.
    """
    from maturity.run.history import compare_site
    from maturity.run.publish import pin_for
    from reports.history_text import describe

    pin = pin_for(pinned_rubric(rubric_spec))
    comparison = compare_site(open_store(db), site, run_id, pin=pin.sha, pin_label=pin.label)
    if isinstance(comparison, str):
        echo(comparison)
        return
    for line in describe(comparison):
        echo(line)


COMMANDS = [runs, history]
