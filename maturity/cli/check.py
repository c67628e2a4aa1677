"""``maturity check``: audit, apply the gates of ``maturity.yml``, write CI reports, exit 0 or 1.

Thin: read the config (:mod:`maturity.core.gates`), audit each URL with :func:`maturity.run.audit.audit`
(one browser for all of them), evaluate the gates (pure), render the reports (pure renderers in
``reports/``) and raise :class:`GateFailed` (exit 1) when a gate fails. Exit 2 is a bad config,
baseline or option; exit 3 is an audit that could not run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from maturity.cli import (
    _open_store,
    _progress,
    attestations_option,
    cli,
    output_options,
    store_options,
    validate_start_url,
)
from maturity.core.gates import (
    Baseline,
    CheckConfig,
    GateResult,
    SiteEvidence,
    check_against_rubric,
    evaluate_sites,
    find_config,
    load_check_config,
)
from maturity.core.model import RunInfo
from maturity.core.rubric import LoadedRubric, resolve_rubric
from maturity.core.scoring import Scorecard
from maturity.kernel.errors import GateFailed, UsageError

OUTPUT_KINDS = ("junit", "sarif", "markdown", "json")


@dataclass
class CheckRun:
    """What one ``maturity check`` produced (returned to tests; the CLI prints it)."""

    config: CheckConfig
    cards: list[Scorecard]
    runs: list[RunInfo]
    result: GateResult
    written: dict[str, Path] = field(default_factory=dict)
    baseline_written: Path | None = None


def resolve_config(config_opt: str | None, cwd: Path) -> tuple[CheckConfig, Path | None]:
    """``--config FILE``, else ``maturity.yml`` in the working directory, else an empty config."""
    if config_opt:
        return load_check_config(config_opt), Path(config_opt)
    found = find_config(cwd)
    if found is None:
        return CheckConfig(), None
    return load_check_config(found), found


def _relative_to(config_path: Path | None, value: str) -> str:
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
        spec = _relative_to(config_path, spec)
    return resolve_rubric(spec)


def audit_settings(
    config: CheckConfig,
    url: str,
    browser_path: str | None = None,
    *,
    config_path: Path | None = None,
    **overrides: Any,
) -> Any:
    from maturity.run.audit import AuditSettings

    attestations = _relative_to(config_path, config.attestations) if config.attestations else None
    values: dict[str, Any] = {
        "url": url,
        "max_pages": config.max_pages,
        "max_depth": config.max_depth,
        "include": tuple(config.include),
        "exclude": tuple(config.exclude),
        "concurrency": config.concurrency,
        "page_timeout": config.page_timeout,
        "throttle": config.throttle,
        "perf_runs": config.perf_runs,
        "perf_pages": config.perf_pages or None,
        "block_third_party": config.block_third_party,
        "respect_robots": not config.ignore_robots,
        "allow_private": config.allow_private,
        "max_page_bytes": config.max_page_bytes,
        "attestations": attestations,
        "browser_path": browser_path,
    }
    return AuditSettings(**{**values, **overrides})  # command-line options win over the file


def run_check(
    config: CheckConfig,
    urls: Sequence[str],
    *,
    store: Any,
    rubric: LoadedRubric,
    out_dir: Path,
    config_path: Path | None = None,
    baseline_path: Path | None = None,
    update_baseline: bool = False,
    outputs: Mapping[str, str | None] | None = None,
    browser: Any = None,
    browser_path: str | None = None,
    settings_overrides: Mapping[str, Any] | None = None,
    progress: Callable[[], Any] | None = None,
    env: Mapping[str, str] | None = None,
    echo: Callable[[str], None] = click.echo,
) -> CheckRun:
    """Audit ``urls``, apply the gates, write the reports and print a summary; :func:`enforce` decides the exit."""
    from crawlers.browser import SharedBrowser
    from maturity.run.audit import audit, browser_settings

    env = os.environ if env is None else env
    if not urls:
        raise UsageError("nothing to check: give URLs, or a maturity.yml (or --config FILE) that lists urls")
    check_against_rubric(config, [d.id for d in rubric.rubric.dimensions], str(config_path or "maturity.yml"))
    old_baseline: Baseline | None = None
    if baseline_path is not None and (not update_baseline or baseline_path.exists()):
        old_baseline = Baseline.load(baseline_path)
    elif update_baseline and baseline_path is None:
        raise UsageError("--update-baseline needs --baseline FILE (or `baseline:` in the config)")

    all_settings = [
        audit_settings(config, u, browser_path, config_path=config_path, **(settings_overrides or {})) for u in urls
    ]
    own_browser = None
    if browser is None and len(all_settings) > 1:
        own_browser = browser = SharedBrowser(browser_settings(all_settings[0]))
    sites: list[SiteEvidence] = []
    runs: list[RunInfo] = []
    try:
        for settings in all_settings:
            done = audit(settings, store, rubric, out_dir, progress=progress() if progress else None, browser=browser)
            sites.append(SiteEvidence(card=done.scorecard, pages=store.load_pages(done.crawl_id)))
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
        new_baseline = Baseline.from_findings((f for c in cards for f in c.findings), keep=kept)
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
    result = evaluate_sites(sites, config, old_baseline)
    written = write_outputs(cards, runs, result, outputs or {}, config_path=config_path, env=env, echo=echo)
    echo(summary(cards, runs, result, written))
    return CheckRun(config, cards, runs, result, written, written_baseline)


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
    from reports.annotations import render_annotations
    from reports.check_json import render_check_json
    from reports.junit import render_junit
    from reports.markdown import render_markdown
    from reports.sarif import render_sarif

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


def summary(
    cards: Sequence[Scorecard], runs: Sequence[RunInfo], result: GateResult, written: Mapping[str, Path]
) -> str:
    lines = []
    for card, run in zip(cards, runs, strict=True):
        level = f"Level {card.level} · {card.level_name}" if card.level else "Not assessable"
        overall = f"{card.overall:.1f}" if card.overall is not None else "n/a"
        dims = ", ".join(f"{d.id} {d.score:.1f}" if d.score is not None else f"{d.id} n/a" for d in card.dimensions)
        lines.append(f"{card.target}  run {run.crawl_id}  ·  {level}  ·  overall {overall}  ({dims})")
    if result.evaluated:
        lines.append(
            "gates: "
            + ", ".join(
                f"{g} FAILED ({len(result.failures_of(g))})" if result.failures_of(g) else f"{g} ok"
                for g in result.evaluated
            )
        )
    else:
        lines.append("gates: none configured")
    for f in result.failures[:20]:
        lines.append(f"  ✗ {f.gate}: {f.message}")
    if len(result.failures) > 20:
        lines.append(f"  ... and {len(result.failures) - 20} more")
    if result.baseline_used:
        lines.append(
            f"baseline: {len({f.fingerprint for f in result.new_findings})} new, {len(result.accepted)} accepted, "
            f"{len(result.fixed)} fixed, {len(result.unverified)} on pages not audited now"
        )
        for e in result.fixed[:20]:
            lines.append(f"  fixed: {e.check_id} on {e.url or 'the site'} {e.selector}".rstrip())
    for note in result.notes[:10]:
        lines.append(f"note: {note}")
    for kind, path in written.items():
        lines.append(f"{kind}: {path}")
    lines.append("PASSED" if result.passed else "FAILED")
    return "\n".join(lines)


@cli.command("check")
@click.argument("urls", nargs=-1)
@click.option(
    "--config",
    "config_opt",
    default=None,
    type=click.Path(dir_okay=False),
    help="Config file [default: maturity.yml in the working directory, if there is one].",
)
@click.option("--rubric", "rubric_opt", default=None, help="Rubric file or built-in name (overrides the config).")
@click.option("--baseline", "baseline_opt", default=None, type=click.Path(dir_okay=False), help="Baseline JSON file.")
@click.option("--update-baseline", is_flag=True, help="Write the current findings to the baseline file.")
@click.option("--junit", default=None, type=click.Path(dir_okay=False), help="Write JUnit XML here.")
@click.option("--sarif", default=None, type=click.Path(dir_okay=False), help="Write SARIF 2.1.0 here.")
@click.option("--markdown", default=None, type=click.Path(dir_okay=False), help="Write a Markdown summary here.")
@click.option("--json", "json_out", default=None, type=click.Path(dir_okay=False), help="Write JSON results here.")
@attestations_option("overrides `attestations:` in the config")
@click.option(
    "--allow-private",
    is_flag=True,
    default=None,
    help="Let a public site lead the audit to private, loopback and link-local addresses.",
)
@click.option(
    "--browser",
    "browser_path",
    default=None,
    envvar="MATURITY_BROWSER",
    help="Chromium or Chrome executable [default: found automatically].",
)
@store_options
@output_options
def check(
    urls: tuple[str, ...],
    config_opt: str | None,
    rubric_opt: str | None,
    baseline_opt: str | None,
    update_baseline: bool,
    junit: str | None,
    sarif: str | None,
    markdown: str | None,
    json_out: str | None,
    attestations: str | None,
    allow_private: bool | None,
    browser_path: str | None,
    db: str,
    out_dir: str,
    quiet: bool,
    verbose: bool,
) -> None:
    """Audit URLs (or those in maturity.yml) and fail (exit 1) when a gate fails: CI mode."""
    config, config_path = resolve_config(config_opt, Path.cwd())
    overrides: dict[str, Any] = {}
    if attestations:
        overrides["attestations"] = attestations  # relative to the working directory, as given
    if allow_private:
        overrides["allow_private"] = True
    targets = [validate_start_url(u) for u in (urls or config.urls)]
    if not targets:
        raise UsageError("nothing to check: give URLs, or a maturity.yml (or --config FILE) that lists urls")
    rubric = resolve_check_rubric(rubric_opt, config, config_path)
    baseline_path = Path(baseline_opt) if baseline_opt else None
    if baseline_path is None and config.baseline:
        baseline_path = Path(_relative_to(config_path, config.baseline))
    done = run_check(
        config,
        targets,
        store=_open_store(db),
        rubric=rubric,
        out_dir=Path(out_dir),
        config_path=config_path,
        baseline_path=baseline_path,
        update_baseline=update_baseline,
        outputs={"junit": junit, "sarif": sarif, "markdown": markdown, "json": json_out},
        browser_path=browser_path,
        settings_overrides=overrides,
        progress=lambda: _progress(quiet, verbose),
    )
    enforce(done)
