"""``maturity audit``, ``resume``, ``rescore``, ``report`` and ``demo``: one site's run.

Workflows are imported inside each command, so a command that needs no browser (``rescore``,
``report``) never loads Playwright or httpx.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from maturity.cli.options import (
    attestations_option,
    audit_options,
    machine_options,
    machine_settings,
    open_store,
    output_options,
    rubric_option,
    settings_layer,
    store_options,
    validate_start_url,
)
from maturity.cli.output import echo, progress, run_summary, stop_gracefully
from maturity.kernel.errors import UsageError


@click.command()
@click.argument("url")
@audit_options
@machine_options
@rubric_option
@attestations_option("stored with the crawl")
@click.option(
    "--save-artifacts",
    "save_artifacts",
    type=click.Path(file_okay=False),
    help="Also write the crawl's artifacts as JSON files here (`maturity rescore --artifacts` reads them).",
)
@click.option(
    "--journeys",
    "journeys_dir",
    type=click.Path(exists=True),
    help="Also run these task journeys (a folder or file); a login journey runs first and signs the crawl in, "
    "the others once the pages are audited, before scoring. Results beside the scorecards.",
)
@click.option(
    "--agency",
    default=None,
    help="The agency whose imported survey figures the run carries [default: that of the site's newest "
    "portfolio run, if any].",
)
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
    save_artifacts: str | None,
    journeys_dir: str | None,
    agency: str | None,
    **kw: Any,
) -> None:
    """Crawl URL, audit every sampled page in Chromium, score it and write the scorecards."""
    stop_gracefully()
    from maturity.core.attest import load_attestations
    from maturity.core.rubric import resolve_rubric
    from maturity.core.settings import compose
    from maturity.run.audit import audit as run_audit

    settings = compose({"url": validate_start_url(url)}, settings_layer(kw), sources=["URL", "the command line"])
    rubric = resolve_rubric(rubric_spec)
    attested = load_attestations(attestations) if attestations else None  # fail before crawling
    plan = None
    if journeys_dir:
        from maturity.run.journey import JourneyRun

        plan = JourneyRun([journeys_dir], machine=machine_settings(kw))  # valid files, secrets set: before crawling
    store = open_store(db, create=True)

    def audit_site(login: Any = None, browser: Any = None, journeys: Any = None) -> Any:
        return run_audit(
            settings,
            store,
            rubric,
            Path(out_dir),
            machine=machine_settings(kw),
            attested=attested,
            save_to=Path(save_artifacts) if save_artifacts else None,
            progress=progress(quiet, verbose),
            agency=" ".join(agency.split()) if agency else None,
            browser=browser,
            login=login,
            before_scoring=journeys,
        )

    if plan is None:
        result = audit_site()
        run_summary(result.run, result.scorecard, result.report_paths)
        return
    _with_journeys(plan, store, settings.url, audit_site, out_dir, kw)


def journey_summary(journeys: Any, folder: Path) -> None:
    """Each journey's one-line outcome and where its reports are (or why the journeys could not run)."""
    from maturity.run.journey import write_journey_reports
    from reports.journey_text import headline

    if journeys.error:
        echo(f"journeys could not run: {journeys.error}")
        return
    written = write_journey_reports(journeys.results, folder)
    for j in journeys.results:
        kb = j.keyboard
        by_keys = ""
        if kb is not None:
            by_keys = "; by keyboard alone: " + (
                "completed" if kb.outcome == "completed" else f"{kb.outcome} at step {kb.failed_step}: {kb.reason}"
            )
        echo(f"journey {j.id}: {headline(j)}{by_keys}")
    echo(f"journeys: {written['journeys-text']}")


@click.command()
@click.argument("run", type=int, required=False)
@rubric_option
@attestations_option("replaces the crawl's earlier one")
@click.option(
    "--artifacts",
    "artifacts_dir",
    default=None,
    type=click.Path(file_okay=False, exists=True),
    help="Score a crawl saved with --save-artifacts (DIR/run-N) instead of a stored run: no database used.",
)
@store_options
@output_options
def rescore(
    run: int | None,
    db: str,
    out_dir: str,
    quiet: bool,
    verbose: bool,
    rubric_spec: str | None,
    attestations: str | None,
    artifacts_dir: str | None,
) -> None:
    """Score a stored crawl again (no browser, no network); the new scoring is kept beside the old."""
    from maturity.core.attest import load_attestations
    from maturity.core.rubric import resolve_rubric

    rubric = resolve_rubric(rubric_spec)
    if artifacts_dir is not None:
        from maturity.run.artifacts import rescore_artifacts

        if run is not None or attestations:
            raise UsageError("--artifacts scores the saved crawl alone: give no RUN and no --attestations")
        run_summary(*rescore_artifacts(Path(artifacts_dir), rubric, Path(out_dir)))
        return
    if run is None:
        raise UsageError("give the RUN to score again (see `maturity runs`), or --artifacts DIR")
    from maturity.run.scoring import rescore as do_rescore

    attested = load_attestations(attestations) if attestations else None
    info, card, paths = do_rescore(open_store(db), run, rubric, Path(out_dir), attestations=attested)
    run_summary(info, card, paths)


@click.command()
@click.argument("run", type=int)
@rubric_option
@machine_options
@click.option(
    "--journeys",
    "journeys_dir",
    type=click.Path(exists=True),
    help="The site's task journeys: a run that signed in signs in again with its login journey; the "
    "others once the pages left are audited, before scoring.",
)
@store_options
@output_options
def resume(
    run: int,
    db: str,
    out_dir: str,
    quiet: bool,
    verbose: bool,
    rubric_spec: str | None,
    journeys_dir: str | None,
    **kw: Any,
) -> None:
    """Finish an interrupted run: only pages not yet audited are fetched, nothing finished is redone."""
    stop_gracefully()
    from maturity.core.rubric import resolve_rubric
    from maturity.run.audit import resume as do_resume

    rubric = resolve_rubric(rubric_spec)
    plan = None
    if journeys_dir:
        from maturity.run.journey import JourneyRun

        plan = JourneyRun([journeys_dir], machine=machine_settings(kw))  # valid files, secrets set: first
    store = open_store(db)

    def finish(login: Any = None, browser: Any = None, journeys: Any = None) -> Any:
        return do_resume(
            store,
            run,
            rubric,
            Path(out_dir),
            machine=machine_settings(kw),
            progress=progress(quiet, verbose),
            browser=browser,
            login=login,
            before_scoring=journeys,
        )

    if plan is None:
        result = finish()
        run_summary(result.run, result.scorecard, result.report_paths)
        return
    _with_journeys(plan, store, store.crawl(run).target_url, finish, out_dir, kw)


def _with_journeys(plan: Any, store: Any, url: str, work: Any, out_dir: str, kw: dict[str, Any]) -> None:
    """``work(login, browser, journeys)`` (an audit, or a resume) with the site's journeys, in one
    browser: a login journey's session (kept in memory only) signs the crawl in, and the other
    journeys run once the pages are stored and before the run is scored (its Tasks dimension)."""
    from crawlers.browser import SharedBrowser
    from maturity.core.settings import compose
    from maturity.run.audit import browser_settings
    from maturity.run.journey import audit_between_journeys

    settings = compose({"url": url}, settings_layer(kw), sources=["the run", "the command line"])
    browser = SharedBrowser(browser_settings(settings, machine_settings(kw)))
    try:
        result, journeys = audit_between_journeys(
            plan, browser, url, lambda login, hook: work(login, browser, hook), store, Path(out_dir)
        )
    finally:
        browser.close()
    run_summary(result.run, result.scorecard, result.report_paths)
    journey_summary(journeys, next(iter(result.report_paths.values())).parent)


@click.command()
@click.argument("run", type=int)
@store_options
@output_options
def report(run: int, db: str, out_dir: str, quiet: bool, verbose: bool) -> None:
    """Render a stored run's latest scoring again (HTML and JSON)."""
    from maturity.run.scoring import report as do_report

    info, card, paths = do_report(open_store(db), run, Path(out_dir))
    run_summary(info, card, paths)


@click.command()
@click.option("--port", default=0, type=click.IntRange(0, 65535), help="Port for the demo site [default: any free].")
@click.option("--concurrency", default=2, show_default=True, type=click.IntRange(1, 32))
@click.option("--keep-serving", is_flag=True, help="Keep serving the demo site after the audit (Ctrl-C to stop).")
@machine_options
@store_options
@output_options
def demo(
    port: int, concurrency: int, keep_serving: bool, db: str, out_dir: str, quiet: bool, verbose: bool, **kw: Any
) -> None:
    """Serve the bundled sample agency site on 127.0.0.1, audit it and write its scorecard."""
    stop_gracefully()
    import os

    from maturity.run.demo.run import run_demo
    from maturity.run.demo.server import DemoServer
    from maturity.run.demo.tls import local_tls

    store = open_store(db, create=True)
    tls = local_tls()  # a certificate made for this run, trusted by this run only
    with DemoServer(port=port, tls=tls.server_context) as server:
        echo(f"demo site: {server.origin}/  (a fictional state agency with deliberate defects)", err=True)
        # with its sign-in and two task journeys (files written with the server's address, to read as examples)
        result, journeys = run_demo(
            server.origin,
            tls,
            server.http_port,
            store,
            Path(out_dir),
            machine_settings(kw),
            environ=os.environ,
            concurrency=concurrency,
            progress=progress(quiet, verbose),
        )
        run_summary(result.run, result.scorecard, result.report_paths)
        journey_summary(journeys, next(iter(result.report_paths.values())).parent)
        if keep_serving:
            echo("serving the demo site; press Ctrl-C to stop", err=True)
            from maturity.run.interrupt import STOP

            STOP.clear()
            try:
                while not STOP.wait(1):  # Ctrl-C sets it
                    pass
            except KeyboardInterrupt:
                pass


COMMANDS = [audit, resume, rescore, report, demo]
