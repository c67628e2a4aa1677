"""The command line: one module per command group; each parses options, builds one settings
object, calls one workflow function and prints.

Exit codes (also in README): 0 finished; 1 a gate failed; 2 usage, configuration, rubric or URL
error; 3 could not run. Every error is one line on stderr, never a traceback (set
``MATURITY_DEBUG=1`` to see one). Command modules never import one another: this module gathers
their commands onto the ``maturity`` group.
"""

from __future__ import annotations

import os
import sys

import click

from maturity import __version__
from maturity.cli import (
    audit,
    catalogue,
    check,
    history,
    inventory,
    maintenance,
    portfolio,
    publish,
    title2,
    traffic,
    worker,
    xdata,
)
from maturity.cli.output import clean
from maturity.kernel.errors import EXIT_CANNOT_RUN, EXIT_USAGE, ConfigError, MaturityError
from maturity.run import interrupt


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="maturity")
def cli() -> None:
    """Measure how mature a government organisation's digital presence is."""


for _module in (
    audit,
    check,
    portfolio,
    history,
    publish,
    maintenance,
    catalogue,
    worker,
    inventory,
    title2,
    xdata,
    traffic,
):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="maturity", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort as exc:
        cause = exc.__cause__  # click turns a KeyboardInterrupt into Abort
        if isinstance(cause, KeyboardInterrupt):
            message = str(cause) if isinstance(cause, interrupt.Interrupted) else "interrupted"
            click.echo(f"maturity: {_one_line(message or 'interrupted')}", err=True)
            sys.exit(130)
        click.echo("maturity: aborted", err=True)
        sys.exit(EXIT_CANNOT_RUN)
    except click.ClickException as exc:
        click.echo(f"maturity: error: {clean(exc.format_message())}", err=True)
        sys.exit(EXIT_USAGE if exc.exit_code == 2 else exc.exit_code)
    except MaturityError as exc:
        lines = exc.lines() if isinstance(exc, ConfigError) else [str(exc)]
        for line in lines[:_MAX_PROBLEMS]:
            click.echo(f"maturity: error: {_one_line(line)}", err=True)
        if len(lines) > _MAX_PROBLEMS:
            click.echo(f"maturity: error: ... and {len(lines) - _MAX_PROBLEMS} more in the same file", err=True)
        sys.exit(exc.exit_code)
    except interrupt.Interrupted as exc:
        click.echo(f"maturity: {_one_line(str(exc))}", err=True)
        sys.exit(130)
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


_MAX_PROBLEMS = 50  # problems listed from one file; the rest are counted


def _one_line(text: str) -> str:
    return clean(" ".join(text.split())[:500])
