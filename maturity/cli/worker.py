"""``maturity worker``: a Celery worker that audits sites from the queue (see maturity.run.distributed)."""

from __future__ import annotations

import os

import click

from maturity.cli import cli


@cli.command()
@click.option(
    "--broker",
    envvar="MATURITY_BROKER",
    default=None,
    help="Celery broker URL [default: redis://127.0.0.1:6379/0; also MATURITY_BROKER].",
)
@click.option("--hostname", default=None, help="Worker name (default: maturity-PID@HOST).")
@click.option("--loglevel", default="INFO", show_default=True)
def worker(broker: str | None, hostname: str | None, loglevel: str) -> None:
    """Run one worker process with one browser; start several for more parallelism."""
    if broker:
        os.environ["MATURITY_BROKER"] = broker  # read when maturity.run.distributed makes its app
    from maturity.run import distributed

    distributed.app.worker_main(distributed.worker_argv(hostname=hostname, loglevel=loglevel))
