"""``maturity worker``: a Celery worker that audits sites from the queue (see maturity.run.distributed).

The worker's database, output folder and browser are its own options: a job carries only what
describes the audit, never where to write it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from maturity.cli.options import machine_options, machine_settings, store_options


@click.command()
@click.option(
    "--broker",
    envvar="MATURITY_BROKER",
    default=None,
    help="Celery broker URL [default: redis://127.0.0.1:6379/0; also MATURITY_BROKER].",
)
@click.option("--hostname", default=None, help="Worker name (default: maturity-PID@HOST).")
@click.option("--loglevel", default="INFO", show_default=True)
@click.option(
    "--out",
    "out_dir",
    default="maturity-out",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Where this worker writes the scorecards of the runs it audits.",
)
@machine_options
@store_options
def worker(broker: str | None, hostname: str | None, loglevel: str, out_dir: str, db: str, **kw: Any) -> None:
    """Run one worker process with one browser; start several for more parallelism."""
    from maturity.store.store import database_url

    if broker:
        os.environ["MATURITY_BROKER"] = broker  # read when maturity.run.distributed makes its app
    from maturity.run import distributed

    distributed.configure_worker(
        distributed.WorkerConfig(db=database_url(db), out_dir=Path(out_dir), machine=machine_settings(kw))
    )
    distributed.app.worker_main(distributed.worker_argv(hostname=hostname, loglevel=loglevel))


COMMANDS = [worker]
