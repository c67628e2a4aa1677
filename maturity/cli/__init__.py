"""The command line: parse options, call one pipeline function, print.

Exit codes (also in README): 0 finished; 1 a gate failed; 2 usage, configuration,
rubric or URL error; 3 could not run. Every error is one line on stderr, never a
traceback (set ``MATURITY_DEBUG=1`` to see one).
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import click

from maturity import __version__
from maturity.kernel.errors import EXIT_CANNOT_RUN, EXIT_USAGE, InvalidURL, MaturityError, UsageError

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_DB = "sqlite:///maturity.db"


def validate_start_url(url: str) -> str:
    """An absolute http(s) URL with a host, or :class:`InvalidURL` with a hint."""
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:  # "http://[::1" and other broken brackets
        raise InvalidURL(f"not a valid URL: {url!r} ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        hint = f" (did you mean https://{url.strip()}?)" if not parts.scheme and url.strip() else ""
        raise InvalidURL(f"not an http(s) URL: {url!r}{hint}")
    try:
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        raise InvalidURL(f"bad port in URL: {url!r}") from None
    return url.strip()


def db_url(value: str) -> str:
    """``--db`` takes any SQLAlchemy URL; a bare file path means SQLite.

    A URL that cannot be parsed, or a SQLite URL naming no file (which would keep the runs in
    memory and lose them), is a usage error naming ``--db``; the password is never repeated.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    url = value if "://" in value else f"sqlite:///{value}"
    shown = re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", value)
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise UsageError(f"--db: not a database URL: {shown!r} ({_one_line(str(exc))})") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise UsageError(f"--db: {shown!r} names no database file (give sqlite:///path/to/file.db or a path)")
    return url


def store_options(fn: F) -> F:
    fn = click.option(
        "--db",
        default=DEFAULT_DB,
        show_default=True,
        envvar="MATURITY_DB",
        help="Database: any SQLAlchemy URL (sqlite:///file.db, postgresql+psycopg://...) or a file path.",
    )(fn)
    return fn


def output_options(fn: F) -> F:
    fn = click.option(
        "--out",
        "out_dir",
        default="maturity-out",
        show_default=True,
        type=click.Path(file_okay=False),
        help="Directory for the HTML and JSON scorecards.",
    )(fn)
    fn = click.option("--quiet", "-q", is_flag=True, help="No progress display.")(fn)
    fn = click.option("--verbose", "-v", is_flag=True, help="Log what the crawler decided and why.")(fn)
    return fn


def _open_store(db: str) -> Any:
    from maturity.store import Store

    return Store(db_url(db))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="maturity")
def cli() -> None:
    """Measure how mature a government organisation's digital presence is."""


def audit_options(fn: F) -> F:
    options = [
        click.option("--max-pages", default=50, show_default=True, type=click.IntRange(1), help="Pages to audit."),
        click.option(
            "--max-depth", default=3, show_default=True, type=click.IntRange(0), help="Link depth from the start page."
        ),
        click.option("--include", multiple=True, help="Only URLs matching this regular expression (repeatable)."),
        click.option("--exclude", multiple=True, help="Skip URLs matching this regular expression (repeatable)."),
        click.option(
            "--concurrency", default=4, show_default=True, type=click.IntRange(1, 32), help="Browser workers."
        ),
        click.option(
            "--rubric", "rubric_spec", default=None, help="Rubric YAML file or built-in name [default: default]."
        ),
        click.option(
            "--save-artifacts", type=click.Path(file_okay=False), help="Also write raw artifacts as JSON here."
        ),
        click.option("--user-agent", default=None, help="User agent (default names maturity and a contact URL)."),
        click.option(
            "--contact", default=None, envvar="MATURITY_CONTACT", help="Contact URL for the default user agent."
        ),
        click.option(
            "--page-timeout", default=30.0, show_default=True, type=click.FloatRange(1), help="Seconds per page load."
        ),
        click.option(
            "--throttle",
            type=click.Choice(["mobile", "desktop", "none"]),
            default="mobile",
            show_default=True,
            help="Performance profile (Lighthouse-like mobile: 4x CPU, slow 4G).",
        ),
        click.option(
            "--perf-runs",
            default=1,
            show_default=True,
            type=click.IntRange(1, 9),
            help="Loads per page in the performance phase (median reported).",
        ),
        click.option(
            "--perf-pages",
            default=10,
            show_default=True,
            type=click.IntRange(0),
            help="Pages measured for performance (0: all).",
        ),
        click.option(
            "--block-third-party",
            is_flag=True,
            help="Abort browser requests to other sites (analytics, CDNs); they are still recorded.",
        ),
        click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt (only for your own sites)."),
        click.option(
            "--browser",
            "browser_path",
            default=None,
            envvar="MATURITY_BROWSER",
            help="Chromium or Chrome executable [default: found automatically].",
        ),
        click.option(
            "--axe-script",
            "axe_path",
            default=None,
            type=click.Path(dir_okay=False),
            help="A newer axe.min.js to use instead of the packaged one.",
        ),
        click.option(
            "--max-page-bytes",
            default=10_000_000,
            show_default=True,
            type=click.IntRange(1000),
            help="Pages larger than this are not rendered (not assessable: too large).",
        ),
        click.option(
            "--allow-private",
            is_flag=True,
            help="Let a public site lead the crawl to private, loopback and link-local addresses "
            "(refused by default; a site on such an address may always use its own kind).",
        ),
        click.option(
            "--max-retry-after",
            default=30.0,
            show_default=True,
            type=click.FloatRange(0),
            help="Longest wait, in seconds, before asking again after a 429 or 503 (Retry-After) or a 502/504.",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _settings(url: str, kw: dict[str, Any], **overrides: Any) -> Any:
    from maturity.run.audit import AuditSettings, default_user_agent

    return AuditSettings(
        url=url,
        max_pages=kw["max_pages"],
        max_depth=kw["max_depth"],
        include=tuple(kw["include"]),
        exclude=tuple(kw["exclude"]),
        concurrency=kw["concurrency"],
        page_timeout=kw["page_timeout"],
        user_agent=kw["user_agent"] or default_user_agent(kw["contact"]),
        throttle=kw["throttle"],
        perf_runs=kw["perf_runs"],
        perf_pages=kw["perf_pages"] or None,
        block_third_party=kw["block_third_party"],
        respect_robots=not kw["ignore_robots"],
        browser_path=kw["browser_path"],
        axe_path=kw["axe_path"],
        max_page_bytes=kw["max_page_bytes"],
        allow_private=kw["allow_private"],
        max_retry_after=kw["max_retry_after"],
        save_artifacts=kw["save_artifacts"],
        **overrides,
    )


def attestations_option(what: str) -> Callable[[F], F]:
    """``--attestations FILE``: the agency's answers to the rubric's questions (``what`` it does here)."""
    return click.option(
        "--attestations",
        "attestations",
        default=None,
        type=click.Path(dir_okay=False),
        help=f"The agency's attestation file (YAML answers to the rubric's questions); {what}.",
    )


@cli.command()
@click.argument("url")
@audit_options
@attestations_option("stored with the crawl")
@store_options
@output_options
def audit(
    url: str,
    db: str,
    out_dir: str,
    quiet: bool,
    verbose: bool,
    rubric_spec: str | None,
    attestations: str | None,
    **kw: Any,
) -> None:
    """Crawl URL, audit every sampled page in Chromium, score it and write the scorecards."""
    from maturity.core.rubric import resolve_rubric
    from maturity.run.audit import audit as run_audit

    settings = _settings(validate_start_url(url), kw, attestations=attestations)
    rubric = resolve_rubric(rubric_spec)
    store = _open_store(db)
    result = run_audit(settings, store, rubric, Path(out_dir), progress=_progress(quiet, verbose))
    _summary(result.run, result.scorecard, result.report_paths)


@cli.command()
@click.argument("run", type=int)
@click.option("--rubric", "rubric_spec", default=None, help="Rubric YAML file or built-in name [default: default].")
@attestations_option("replaces the crawl's earlier one")
@store_options
@output_options
def rescore(
    run: int, db: str, out_dir: str, quiet: bool, verbose: bool, rubric_spec: str | None, attestations: str | None
) -> None:
    """Score a stored crawl again (no browser, no network); the new scoring is kept beside the old."""
    from maturity.core.attest import load_attestations
    from maturity.core.rubric import resolve_rubric
    from maturity.run.audit import rescore as do_rescore

    rubric = resolve_rubric(rubric_spec)
    attested = load_attestations(attestations) if attestations else None
    info, card, paths = do_rescore(_open_store(db), run, rubric, Path(out_dir), attestations=attested)
    _summary(info, card, paths)


@cli.command()
@click.argument("run", type=int)
@click.option("--rubric", "rubric_spec", default=None, help="Rubric YAML file or built-in name [default: default].")
@store_options
@output_options
def resume(run: int, db: str, out_dir: str, quiet: bool, verbose: bool, rubric_spec: str | None) -> None:
    """Finish an interrupted run: only pages not yet audited are fetched, nothing finished is redone."""
    from maturity.core.rubric import resolve_rubric
    from maturity.run.audit import resume as do_resume

    rubric = resolve_rubric(rubric_spec)
    result = do_resume(_open_store(db), run, rubric, Path(out_dir), progress=_progress(quiet, verbose))
    _summary(result.run, result.scorecard, result.report_paths)


@cli.command()
@click.argument("run", type=int)
@store_options
@output_options
def report(run: int, db: str, out_dir: str, quiet: bool, verbose: bool) -> None:
    """Render a stored run's latest scoring again (HTML and JSON)."""
    from maturity.run.audit import report as do_report

    info, card, paths = do_report(_open_store(db), run, Path(out_dir))
    _summary(info, card, paths)


@cli.command()
@store_options
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1))
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines instead of a table.")
def runs(db: str, limit: int, as_json: bool) -> None:
    """List stored runs, newest first."""
    import json

    from rich.console import Console
    from rich.table import Table

    rows = _open_store(db).runs(limit)
    if as_json:
        for row in rows:
            s = row.scoring
            click.echo(
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
                    }
                )
            )
        return
    if not rows:
        click.echo("no runs stored yet (try `maturity demo` or `maturity audit URL`)")
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
            (f"{s.level} {s.level_name}" if s and s.level else "not assessable") if s else "-",
            f"{s.overall:.1f}" if s and s.overall is not None else "-",
            f"{s.rubric_id} {s.rubric_version}" if s else "-",
        )
    Console().print(table)


@cli.command()
@click.option("--port", default=0, type=click.IntRange(0, 65535), help="Port for the demo site [default: any free].")
@click.option("--concurrency", default=2, show_default=True, type=click.IntRange(1, 32))
@click.option("--keep-serving", is_flag=True, help="Keep serving the demo site after the audit (Ctrl-C to stop).")
@click.option("--browser", "browser_path", default=None, envvar="MATURITY_BROWSER")
@store_options
@output_options
def demo(
    port: int,
    concurrency: int,
    keep_serving: bool,
    browser_path: str | None,
    db: str,
    out_dir: str,
    quiet: bool,
    verbose: bool,
) -> None:
    """Serve the bundled sample agency site on 127.0.0.1, audit it and write its scorecard."""
    from maturity.core.rubric import builtin_rubric
    from maturity.run.audit import audit as run_audit
    from maturity.run.demo.run import demo_settings
    from maturity.run.demo.server import DemoServer

    store = _open_store(db)
    with DemoServer(port=port) as server:
        click.echo(f"demo site: {server.origin}/  (a fictional state agency with deliberate defects)", err=True)
        settings = demo_settings(server.origin, concurrency=concurrency, browser_path=browser_path)
        result = run_audit(
            settings, store, builtin_rubric("default"), Path(out_dir), progress=_progress(quiet, verbose)
        )
        _summary(result.run, result.scorecard, result.report_paths)
        if keep_serving:
            click.echo("serving the demo site; press Ctrl-C to stop", err=True)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass


@cli.command("checks")
def list_checks() -> None:
    """The check catalogue: id, dimension, what it looks for, and its source."""
    from rich.console import Console
    from rich.table import Table

    from maturity.core import checks

    table = Table(
        title="Checks (plus every axe-core rule as axe/<rule-id>, selectable by tag, "
        "and each rubric question as attest/<question-id>)"
    )
    for name in ("id", "dimension", "scope", "passes when", "parameters (defaults)", "source"):
        table.add_column(name, overflow="fold")
    for c in checks.all_checks():
        params = ", ".join(k if isinstance(v, dict | list) else f"{k}={v}" for k, v in c.meta.params.items())
        table.add_row(c.id, c.meta.dimension, c.meta.scope, c.meta.title, params, c.meta.source)
    Console().print(table)


@cli.group()
def rubric() -> None:
    """Validate or explain a rubric."""


@rubric.command("validate")
@click.argument("spec")
def rubric_validate(spec: str) -> None:
    """Check a rubric file (or built-in name); errors name the file and key."""
    from maturity.core.rubric import resolve_rubric

    loaded = resolve_rubric(spec)
    r = loaded.rubric
    click.echo(
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
    from rich.console import Console
    from rich.table import Table

    from maturity.core.rubric import resolve_rubric

    loaded = resolve_rubric(spec)
    r = loaded.rubric
    console = Console()
    console.print(f"[bold]{r.title}[/bold] ({r.id} {r.version})\n{r.description}")
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


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the JSON scorecard."""
    import json

    from reports.json_report import json_schema

    click.echo(json.dumps(json_schema(), indent=2))


# ---------------------------------------------------------------------------


def _summary(info: Any, card: Any, paths: dict[str, Path]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    level = f"Level {card.level} · {card.level_name}" if card.level else "Not assessable"
    overall = f"{card.overall:.1f}" if card.overall is not None else "n/a"
    console.print(
        f"\n[bold]{info.target_url}[/bold]  run {info.crawl_id}  ·  {level}  ·  overall {overall}"
        + ("" if card.complete else "  (incomplete: some checks could not run)")
    )
    table = Table(title=f"Scores under {card.rubric.id} {card.rubric.version}")
    for name in ("dimension", "score", "checks failing", "note"):
        table.add_column(name)
    for d in card.dimensions:
        failing = sum(1 for c in d.checks if c.outcome == "fail")
        note = "incomplete" if d.incomplete and d.score is not None else ("not assessable" if d.score is None else "")
        table.add_row(d.title, f"{d.score:.1f}" if d.score is not None else "n/a", str(failing), note)
    console.print(table)
    failing = sorted(
        (c for d in card.dimensions for c in d.checks if c.outcome == "fail"), key=lambda c: (-c.failed, -c.weight)
    )[:8]
    if failing:
        top = Table(title="Top findings")
        for name in ("check", "dimension", "pages failing", "what is wrong"):
            top.add_column(name)
        for c in failing:
            top.add_row(c.check_id, c.dimension, str(c.failed), c.failure_title)
        console.print(top)
    na = [p for p in card.pages if p.status != "ok"]
    console.print(
        f"{len(card.pages)} pages, {len(na)} not assessable"
        + "".join(f"\n  not assessable: {p.url} ({p.reason})" for p in na[:10])
    )
    for kind, path in paths.items():
        console.print(f"{kind.upper()} scorecard: {path}")


def _progress(quiet: bool, verbose: bool) -> Any:
    from maturity.cli.progress import make_progress

    return make_progress(quiet=quiet, verbose=verbose)


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="maturity", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("maturity: aborted", err=True)
        sys.exit(EXIT_CANNOT_RUN)
    except click.ClickException as exc:
        click.echo(f"maturity: error: {exc.format_message()}", err=True)
        sys.exit(EXIT_USAGE if exc.exit_code == 2 else exc.exit_code)
    except MaturityError as exc:
        click.echo(f"maturity: error: {_one_line(str(exc))}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("maturity: interrupted; finished pages are kept in the database", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: still one line, with the way to see more
        if os.environ.get("MATURITY_DEBUG"):
            raise
        click.echo(
            f"maturity: internal error: {type(exc).__name__}: {_one_line(str(exc))} "
            "(set MATURITY_DEBUG=1 for a traceback)",
            err=True,
        )
        sys.exit(EXIT_CANNOT_RUN)
    sys.exit(0)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:500]


# Commands defined in their own modules register themselves on `cli` when imported.
from maturity.cli import (  # noqa: E402
    check,  # noqa: F401  `maturity check`
    office,  # noqa: F401  `maturity portfolio`, `history`, `site`, `export`, `prune`, `rescore-all`
    worker,  # noqa: F401  `maturity worker`
)
