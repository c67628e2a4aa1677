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
    "the others run after the audit. Results beside the scorecards.",
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

    def audit_site(login: Any = None, browser: Any = None) -> Any:
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
        )

    if plan is None:
        result = audit_site()
        run_summary(result.run, result.scorecard, result.report_paths)
        return
    _with_journeys(plan, store, settings.url, audit_site, kw)


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
    "others run after the pages left.",
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

    def finish(login: Any = None, browser: Any = None) -> Any:
        return do_resume(
            store,
            run,
            rubric,
            Path(out_dir),
            machine=machine_settings(kw),
            progress=progress(quiet, verbose),
            browser=browser,
            login=login,
        )

    if plan is None:
        result = finish()
        run_summary(result.run, result.scorecard, result.report_paths)
        return
    _with_journeys(plan, store, store.crawl(run).target_url, finish, kw)


def _with_journeys(plan: Any, store: Any, url: str, work: Any, kw: dict[str, Any]) -> None:
    """``work(login, browser)`` (an audit, or a resume) between the site's journeys in one browser:
    a login journey's session (kept in memory only) signs the crawl in, the other journeys run after it."""
    from crawlers.browser import SharedBrowser
    from maturity.core.settings import compose
    from maturity.run.audit import browser_settings
    from maturity.run.journey import audit_between_journeys, write_journey_reports
    from maturity.store import JourneyStore
    from reports.journey_text import headline

    settings = compose({"url": url}, settings_layer(kw), sources=["the run", "the command line"])
    browser = SharedBrowser(browser_settings(settings, machine_settings(kw)))
    try:
        result, journeys = audit_between_journeys(plan, browser, url, lambda login: work(login, browser))
    finally:
        browser.close()
    run_summary(result.run, result.scorecard, result.report_paths)
    JourneyStore(store.engine).save(result.crawl_id, journeys)
    folder = next(iter(result.report_paths.values())).parent
    written = write_journey_reports(journeys, folder)
    for j in journeys:
        echo(f"journey {j.id}: {headline(j)}")
    echo(f"journeys: {written['journeys-text']}")


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
    from maturity.core.rubric import builtin_rubric
    from maturity.run.audit import audit as run_audit
    from maturity.run.demo.run import demo_machine, demo_settings
    from maturity.run.demo.server import DemoServer
    from maturity.run.demo.tls import local_tls

    store = open_store(db, create=True)
    tls = local_tls()  # a certificate made for this run, trusted by this run only
    with DemoServer(port=port, tls=tls.server_context) as server:
        echo(f"demo site: {server.origin}/  (a fictional state agency with deliberate defects)", err=True)
        result = run_audit(
            demo_settings(server.origin, concurrency=concurrency),
            store,
            builtin_rubric("default"),
            Path(out_dir),
            machine=demo_machine(machine_settings(kw), tls, server.http_port),
            progress=progress(quiet, verbose),
        )
        run_summary(result.run, result.scorecard, result.report_paths)
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
