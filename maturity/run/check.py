"""The CI check: audit each URL, apply the gates of ``maturity.yml`` (and a baseline), write the
machine-readable reports, and say whether the check passed.

Read the config (:mod:`maturity.core.gates`), audit each URL with :func:`maturity.run.audit.audit`
(one browser for all of them), evaluate the gates (pure), render the reports (pure renderers in
``reports/``). :func:`enforce` raises :class:`GateFailed` (exit 1) when a gate failed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from maturity.core.attest import check_against_rubric, load_attestations
from maturity.core.gates import (
    Baseline,
    CheckConfig,
    GateResult,
    SiteEvidence,
    evaluate_sites,
    find_config,
    load_check_config,
)
from maturity.core.gates import (
    check_against_rubric as check_gates_against_rubric,
)
from maturity.core.journey import JourneyResult
from maturity.core.model import RunInfo
from maturity.core.rubric import LoadedRubric, resolve_rubric
from maturity.core.scoring import Scorecard
from maturity.core.settings import CHECK_DEFAULTS, AuditSettings, MachineSettings, compose
from maturity.kernel.errors import CannotRun, ConfigError, GateFailed, UsageError
from maturity.run.progress import Progress
from maturity.store import Store
from maturity.store.store import StoredPages
from reports.annotations import render_annotations
from reports.check_json import render_check_json
from reports.check_summary import summary
from reports.junit import render_junit
from reports.markdown import render_markdown
from reports.sarif import render_sarif

OUTPUT_KINDS = ("junit", "sarif", "markdown", "json")


@dataclass
class CheckRun:
    """What one ``maturity check`` produced (returned to tests; the command prints it)."""

    config: CheckConfig
    cards: list[Scorecard]
    runs: list[RunInfo]
    result: GateResult
    written: dict[str, Path] = field(default_factory=dict)
    baseline_written: Path | None = None
    journeys: list[JourneyResult] = field(default_factory=list)


def resolve_config(config_opt: str | None, cwd: Path) -> tuple[CheckConfig, Path | None]:
    """``--config FILE``, else ``maturity.yml`` in the working directory, else an empty config."""
    if config_opt:
        return load_check_config(config_opt), Path(config_opt)
    found = find_config(cwd)
    if found is None:
        return CheckConfig(), None
    return load_check_config(found), found


def relative_to(config_path: Path | None, value: str) -> str:
    """A path the config file names, relative to the config file."""
    if config_path is None or Path(value).is_absolute():
        return value
    return str(config_path.parent / value)


def resolve_check_rubric(rubric_opt: str | None, config: CheckConfig, config_path: Path | None) -> LoadedRubric:
    if rubric_opt:
        return resolve_rubric(rubric_opt)
    spec = config.rubric
    if spec and (
        spec.endswith((".yaml", ".yml")) or "/" in spec or (config_path and (config_path.parent / spec).is_file())
    ):
        spec = relative_to(config_path, spec)
    return resolve_rubric(spec)


def check_settings(
    config: CheckConfig, url: str, command_line: Mapping[str, Any] | None = None, *, config_path: Path | None = None
) -> AuditSettings:
    """One URL's settings: defaults < ``maturity check``'s < the config file's < the command line's."""
    source = str(config_path or "maturity.yml")
    return compose(
        {"url": url},
        CHECK_DEFAULTS,
        config.settings_layer(),
        command_line,
        sources=["the command line", "maturity check", source, "the command line"],
    )


def run_check(
    config: CheckConfig,
    urls: Sequence[str],
    *,
    store: Store,
    rubric: LoadedRubric,
    out_dir: Path,
    config_path: Path | None = None,
    baseline_path: Path | None = None,
    update_baseline: bool = False,
    outputs: Mapping[str, str | None] | None = None,
    browser: Any = None,
    machine: MachineSettings | None = None,
    settings_overrides: Mapping[str, Any] | None = None,
    attestations: str | None = None,
    progress: Callable[[], Progress] | None = None,
    env: Mapping[str, str] | None = None,
    echo: Callable[[str], None] = print,
) -> CheckRun:
    """Audit ``urls``, apply the gates, write the reports and print a summary; :func:`enforce` decides the exit.

    ``settings_overrides`` is the command line's settings layer; ``attestations`` a file given on
    the command line (relative to the working directory), which wins over the config's.
    """
    from crawlers.browser import SharedBrowser
    from maturity.run.audit import AuditResult, audit, browser_settings

    env = os.environ if env is None else env
    machine = machine or MachineSettings()
    if not urls:
        raise UsageError("nothing to check: give URLs, or a maturity.yml (or --config FILE) that lists urls")
    check_gates_against_rubric(config, [d.id for d in rubric.rubric.dimensions], str(config_path or "maturity.yml"))
    old_baseline: Baseline | None = None
    if baseline_path is not None and (not update_baseline or baseline_path.exists()):
        old_baseline = Baseline.load(baseline_path)
    elif update_baseline and baseline_path is None:
        raise UsageError("--update-baseline needs --baseline FILE (or `baseline:` in the config)")
    answers = attestations or (relative_to(config_path, config.attestations) if config.attestations else None)
    attested = load_attestations(answers) if answers else None  # fail before crawling
    if attested is not None:
        check_against_rubric(attested, rubric.rubric.id, rubric.rubric.questions)

    all_settings = [check_settings(config, u, settings_overrides, config_path=config_path) for u in urls]
    journeys_of = site_journeys(config, config_path, [s.url for s in all_settings], env)  # before crawling
    own_browser = None
    if browser is None and (len(all_settings) > 1 or journeys_of):
        own_browser = browser = SharedBrowser(browser_settings(all_settings[0], machine))
    sites: list[SiteEvidence] = []
    runs: list[RunInfo] = []
    journeys: list[JourneyResult] = []
    try:
        for settings in all_settings:

            def audit_site(login: Any = None, hook: Any = None, settings: AuditSettings = settings) -> AuditResult:
                return audit(
                    settings,
                    store,
                    rubric,
                    out_dir,
                    machine=machine,
                    attested=attested,
                    progress=progress() if progress else None,
                    browser=browser,
                    login=login,
                    before_scoring=hook,
                )

            mine = journeys_of.pop((urlsplit(settings.url).hostname or "").lower(), [])
            if mine:  # the site's login journey signs the crawl in; the others run before it is scored
                from maturity.run.journey import JourneyRun, audit_between_journeys

                assert browser is not None
                plan = JourneyRun(mine, machine=machine, environ=env)
                done, hook = audit_between_journeys(plan, browser, settings.url, audit_site, store, out_dir)
                if hook.error:
                    raise CannotRun(f"the journeys of {settings.url} could not run: {hook.error}")
                journeys += hook.results
            else:
                done = audit_site()
            # the gates read each page's performance facts only: not every page's artifacts whole
            performance = StoredPages(store, done.crawl_id).pages({"performance"})
            sites.append(SiteEvidence(card=done.scorecard, pages=list(performance)))
            runs.append(done.run)
    finally:
        if own_browser is not None:
            own_browser.close()

    cards = [s.card for s in sites]
    written_baseline = None
    if update_baseline:
        assert baseline_path is not None
        before = evaluate_sites(sites, config, old_baseline) if old_baseline is not None else None
        # entries on pages this run did not audit are kept: they were not re-checked, so not fixed
        kept = before.unverified if before is not None else []
        new_baseline = Baseline.from_findings((f for c in cards for f in c.iter_findings()), keep=kept)
        written_baseline = new_baseline.save(baseline_path)
        if before is not None:
            echo(
                f"baseline {baseline_path}: {len(new_baseline.findings)} findings "
                f"({len({f.fingerprint for f in before.new_findings})} added, {len(before.fixed)} fixed and removed, "
                f"{len(kept)} kept from pages not audited now)"
            )
        else:
            echo(f"baseline {baseline_path}: written with {len(new_baseline.findings)} findings")
        old_baseline = new_baseline
    result = evaluate_sites(sites, config, old_baseline, journeys)
    if journeys:
        from maturity.run.journey import write_journey_reports

        for path in write_journey_reports(journeys, out_dir).values():
            echo(f"journeys: {path}")
    written = write_outputs(cards, runs, result, outputs or {}, config_path=config_path, env=env, echo=echo)
    echo(summary(cards, runs, result, written))
    return CheckRun(config, cards, runs, result, written, written_baseline, journeys)


def site_journeys(
    config: CheckConfig, config_path: Path | None, urls: Sequence[str], env: Mapping[str, str]
) -> dict[str, list[Path]]:
    """The config's journey files by the host they start on, each valid, its secrets set, and its
    host one of the URLs checked (a journey belongs to the site it starts on)."""
    if not config.journeys:
        return {}
    from maturity.run.journey import check_journeys

    loaded = check_journeys([relative_to(config_path, p) for p in config.journeys], env)
    hosts = {(urlsplit(u).hostname or "").lower() for u in urls}
    out: dict[str, list[Path]] = {}
    for item in loaded:
        host = item.journey.start_host
        if host not in hosts:
            raise ConfigError(item.source, f"it starts on {host}, which is not among the URLs checked", "start")
        out.setdefault(host, []).append(Path(item.source))
    return out


def enforce(run: CheckRun) -> None:
    """Raise :class:`GateFailed` (exit 1), naming the first failure, when a gate failed."""
    if not run.result.passed:
        first = run.result.failures[0].message
        more = f" (and {len(run.result.failures) - 1} more)" if len(run.result.failures) > 1 else ""
        raise GateFailed(f"gate failed: {first}{more}")


def write_outputs(
    cards: Sequence[Scorecard],
    runs: Sequence[RunInfo],
    result: GateResult,
    outputs: Mapping[str, str | None],
    *,
    config_path: Path | None,
    env: Mapping[str, str],
    echo: Callable[[str], None],
) -> dict[str, Path]:
    renderers: dict[str, Callable[[], str]] = {
        "junit": lambda: render_junit(cards, result),
        "sarif": lambda: render_sarif(cards, result),
        "markdown": lambda: render_markdown(cards, result),
        "json": lambda: render_check_json(cards, result, runs),
    }
    written: dict[str, Path] = {}
    for kind in OUTPUT_KINDS:
        target = outputs.get(kind)
        if target:
            path = Path(target)
            if path.parent != Path():
                path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(renderers[kind](), encoding="utf-8")
            written[kind] = path
    summary_file = env.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        # GitHub: append Markdown to the file named by $GITHUB_STEP_SUMMARY to show it on the run's summary page
        # (https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions#adding-a-job-summary).
        with open(summary_file, "a", encoding="utf-8") as fh:
            fh.write(render_markdown(cards, result))
        written["step-summary"] = Path(summary_file)
    if env.get("GITHUB_ACTIONS") == "true":
        file = None
        if config_path is not None:
            try:
                file = str(config_path.resolve().relative_to(Path.cwd().resolve()))
            except ValueError:
                file = None
        annotations = render_annotations(cards, result, file=file)
        if annotations:
            echo(annotations.rstrip("\n"))
    return written
