"""``maturity check``: audit, apply the gates of ``maturity.yml``, write CI reports, exit 0 or 1.

Exit 2 is a bad config, baseline or option; exit 3 an audit that could not run; exit 1 a gate
that failed (:func:`maturity.run.check.enforce`).
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
    settings_layer,
    store_options,
    validate_start_url,
)
from maturity.cli.output import progress, stop_gracefully
from maturity.kernel.errors import UsageError


@click.command("check")
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
@audit_options
@machine_options
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
    db: str,
    out_dir: str,
    quiet: bool,
    verbose: bool,
    **kw: Any,
) -> None:
    """Audit URLs (or those in maturity.yml) and fail (exit 1) when a gate fails: CI mode.

    Every audit option given here wins over maturity.yml's key of the same name.
    """
    stop_gracefully()
    from maturity.run.check import enforce, relative_to, resolve_check_rubric, resolve_config, run_check

    config, config_path = resolve_config(config_opt, Path.cwd())
    targets = [validate_start_url(u) for u in (urls or config.urls)]
    if not targets:
        raise UsageError("nothing to check: give URLs, or a maturity.yml (or --config FILE) that lists urls")
    rubric = resolve_check_rubric(rubric_opt, config, config_path)
    baseline_path = Path(baseline_opt) if baseline_opt else None
    if baseline_path is None and config.baseline:
        baseline_path = Path(relative_to(config_path, config.baseline))
    done = run_check(
        config,
        targets,
        store=open_store(db, create=True),
        rubric=rubric,
        out_dir=Path(out_dir),
        config_path=config_path,
        baseline_path=baseline_path,
        update_baseline=update_baseline,
        outputs={"junit": junit, "sarif": sarif, "markdown": markdown, "json": json_out},
        machine=machine_settings(kw),
        settings_overrides=settings_layer(kw),
        attestations=attestations,  # relative to the working directory, as given
        progress=lambda: progress(quiet, verbose),
        echo=click.echo,
    )
    enforce(done)


COMMANDS = [check]
