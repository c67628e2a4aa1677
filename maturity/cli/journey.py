"""``maturity journey validate FILE`` and ``maturity journey run FILE [--runs K]``: task journeys."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from maturity.cli.options import browser_option, machine_settings
from maturity.cli.output import echo
from maturity.kernel.errors import GateFailed


@click.group()
def journey() -> None:
    """Task journeys: can a resident get the job done? (see README, "Task journeys")."""


@journey.command("validate")
@click.argument("path", type=click.Path(dir_okay=False))
def journey_validate(path: str) -> None:
    """Check a journey file; every error names the file and the key path."""
    from maturity.core.journey import load_journey  # no workflow: validating loads no browser library

    loaded = load_journey(path)
    j = loaded.journey
    secrets = f", secrets {', '.join(j.secret_names)}" if j.secret_names else ""
    echo(f"{loaded.source}: valid journey {j.id} ({len(j.steps)} steps, start {j.start}{secrets})")


@journey.command("run")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--runs", "-k", default=1, show_default=True, type=click.IntRange(1, 9), help="Runs; times are medians.")
@click.option(
    "--json", "json_path", default=None, type=click.Path(dir_okay=False), help="Also write the result as JSON."
)
@click.option("--no-axe", is_flag=True, help="Do not run axe-core on each state reached.")
@click.option(
    "--secrets",
    "secrets_file",
    default=None,
    type=click.Path(dir_okay=False),
    help="A YAML file of secrets (NAME: value), readable by its owner only; MATURITY_SECRET_NAME wins.",
)
@click.option(
    "--screenshots",
    default=None,
    type=click.Path(file_okay=False),
    help="Save a screenshot of each state reached (phone width; secrets masked) in this folder.",
)
@click.option("--junit", "junit_path", default=None, type=click.Path(dir_okay=False), help="Write JUnit XML.")
@click.option("--keyboard-required", is_flag=True, help="Fail when keyboard alone does not get as far as the mouse.")
@click.option(
    "--budget", type=click.FloatRange(min=0, min_open=True), default=None, help="Fail past this many seconds."
)
@click.option("--no-keyboard", is_flag=True, help="Skip the run by keyboard alone.")
@click.option("--verbose", "-v", is_flag=True, help="Log each step as it happens (secrets redacted).")
@browser_option
def journey_run(
    paths: tuple[str, ...],
    runs: int,
    json_path: str | None,
    no_axe: bool,
    no_keyboard: bool,
    secrets_file: str | None,
    screenshots: str | None,
    junit_path: str | None,
    keyboard_required: bool,
    budget: float | None,
    verbose: bool,
    **kw: Any,
) -> None:
    """Run journeys (files, or folders of them) in Chromium and print each step's outcome, time and
    axe-core findings, and whether it can be done by keyboard alone. Login journeys run first and
    the others of their site start signed in.

    Secrets (${secret:NAME}) are read from MATURITY_SECRET_NAME. Exit 1 when a journey fails, or
    a gate asked for (--keyboard-required, --budget) does.
    """
    from maturity.core.journey import journey_gates
    from maturity.run.journey import run_journeys
    from reports.journey_junit import journeys_junit
    from reports.journey_text import journey_json, journey_text

    if verbose:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        logger = logging.getLogger("maturity")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    results = run_journeys(
        paths,
        runs=runs,
        machine=machine_settings(kw),
        with_axe=not no_axe,
        keyboard=not no_keyboard,
        secrets_file=secrets_file,
        screenshots=screenshots,
    )
    echo("\n".join(journey_text(result) for result in results), nl=False)
    if json_path:
        Path(json_path).write_text(journey_json(results), encoding="utf-8")
    gated = [(r, journey_gates(r, keyboard_required=keyboard_required, budget_seconds=budget)) for r in results]
    if junit_path:
        Path(junit_path).write_text(journeys_junit(gated), encoding="utf-8")
    failed = [f"{r.id} ({g.name}: {g.detail})" for r, gates in gated for g in gates if not g.passed]
    if failed:
        raise GateFailed(f"journey gate failed: {'; '.join(failed)}")


@journey.command("import")
@click.argument("recording", type=click.Path(dir_okay=False, exists=True))
@click.option("--out", "out_path", default=None, type=click.Path(dir_okay=False), help="Write the YAML here.")
def journey_import(recording: str, out_path: str | None) -> None:
    """Convert a Chrome DevTools Recorder export (JSON) into a journey file (YAML on stdout, or --out)."""
    import json

    from maturity.core.recorder import from_recording
    from maturity.kernel.errors import ConfigError

    try:
        data = json.loads(Path(recording).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(recording, f"cannot read the recording as JSON: {exc}") from None
    text, notes = from_recording(data, recording)
    if out_path:
        Path(out_path).write_text(text, encoding="utf-8")
        echo(f"{out_path}: journey written ({len(notes)} note(s))", err=True)
    else:
        echo(text, nl=False)
    for note in notes:
        echo(f"note: {note}", err=True)


@journey.command("compare")
@click.argument("before", type=click.Path(dir_okay=False, exists=True))
@click.argument("after", type=click.Path(dir_okay=False, exists=True))
def journey_compare(before: str, after: str) -> None:
    """Compare two `journey run --json` outputs (last night's and tonight's): outcomes, steps added
    or removed, times beyond the noise band, axe-core rules new or fixed."""
    import json

    from pydantic import ValidationError

    from maturity.core.journey import JourneyResult, compare_journeys
    from maturity.kernel.errors import ConfigError
    from reports.journey_text import comparison_text

    def read(path: str) -> dict[str, JourneyResult]:
        try:
            items = json.loads(Path(path).read_text(encoding="utf-8"))
            return {r.id: r for r in (JourneyResult.model_validate(item) for item in items)}
        except (OSError, ValueError, TypeError, ValidationError) as exc:
            raise ConfigError(
                path, f"not the JSON of `maturity journey run --json`: {str(exc).splitlines()[0]}"
            ) from None

    old, new = read(before), read(after)
    for key in new:
        if key in old:
            echo(comparison_text(compare_journeys(old[key], new[key])), nl=False)
        else:
            echo(f"journey {key}: new (not in {before})")
    for key in old.keys() - new.keys():
        echo(f"journey {key}: gone (not in {after})")


COMMANDS = [journey]
