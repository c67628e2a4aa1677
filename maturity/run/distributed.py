"""Audits spread over many machines: Celery with a Redis broker, results in the shared database.

Why Celery: it is the established Python task queue, Redis is a broker a state office can run
anywhere, and its ``acks_late`` + ``task_reject_on_worker_lost`` settings give redelivery when a
worker dies mid-audit. Nothing of an audit travels through the queue but a small JSON job; pages,
artifacts and scorings go straight into the database every worker shares (PostgreSQL in practice).

Two rules make it safe:

* **Idempotent tasks.** A job carries a key (portfolio run + site). The crawl it starts records the
  key (unique in the database), so a redelivered task finds its crawl: finished → nothing to do;
  unfinished (its worker died) → ``resume`` it, fetching no finished page again. Two deliveries that
  race to start the same crawl collide on the unique key, and the loser reports the winner's crawl.
* **No fork.** Playwright does not survive ``fork()``, so a worker is one process with one browser
  (``--pool solo``), kept for the worker's lifetime. Run more worker processes for more parallelism.

Start workers with ``maturity worker`` on each machine; enqueue with
``maturity portfolio run FILE --distributed`` (both read ``MATURITY_BROKER`` and ``MATURITY_DB``).
"""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from celery import Celery, group

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
TASK = "maturity.audit_site"


def make_app(broker: str | None = None, queue: str | None = None) -> Celery:
    """The Celery app; ``MATURITY_BROKER`` and ``MATURITY_QUEUE`` (default ``maturity``) configure it."""
    url = broker or os.environ.get("MATURITY_BROKER", DEFAULT_BROKER)
    app = Celery("maturity", broker=url, backend=url)
    app.conf.update(
        task_default_queue=queue or os.environ.get("MATURITY_QUEUE", "maturity"),
        task_acks_late=True,  # ack after the audit, so a dead worker's task is delivered again
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # one site at a time per worker process
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        # Redis redelivers a task not acked within the visibility timeout even if it is still running;
        # audits of big sites take long, so make that window generous.
        broker_transport_options={"visibility_timeout": 6 * 3600},
        result_expires=7 * 24 * 3600,
        worker_hijack_root_logger=False,
    )
    return app


app = make_app()


def job_key(portfolio_run: str, url: str) -> str:
    """The idempotency key of one site's audit within one portfolio run."""
    return hashlib.sha256(f"{portfolio_run}\x1f{url}".encode()).hexdigest()[:40]


def make_job(
    *,
    key: str,
    url: str,
    db: str,
    settings: dict[str, Any],
    rubric: str | None,
    out_dir: str,
    agency: str | None = None,
    portfolio: str | None = None,
    tags: dict[str, str] | None = None,
    attestations: dict[str, Any] | None = None,
) -> dict:
    """One site's job; ``attestations`` is the agency's attestation set already read and validated
    (workers may run on machines that do not have the coordinator's file)."""
    return {
        "attestations": attestations,
        "key": key,
        "url": url,
        "db": db,
        "settings": settings,
        "rubric": rubric,
        "out": out_dir,
        "agency": agency,
        "portfolio": portfolio,
        "tags": tags or {},
    }


_browser: Any = None


def _worker_browser() -> Any:
    """The worker process's one browser, started on first use and kept."""
    global _browser
    if _browser is None:
        from crawlers.browser import BrowserSettings, SharedBrowser

        _browser = SharedBrowser(BrowserSettings(user_agent="maturity-worker"))
    return _browser


def run_job(job: dict[str, Any], *, worker: str, browser: Any = None) -> dict[str, Any]:
    """Audit one site for a job, idempotently. Returns a small JSON summary (never raises for a site)."""
    from maturity.core.model import AttestationSet
    from maturity.core.rubric import resolve_rubric
    from maturity.kernel.errors import MaturityError
    from maturity.run.audit import AuditSettings, audit, resume
    from maturity.store import DuplicateTask, Store

    base = {"key": job["key"], "url": job["url"], "worker": worker}
    try:
        store = Store(job["db"])
        rubric = resolve_rubric(job.get("rubric"))
        existing = store.crawl_for_key(job["key"])
        if existing is not None and existing.status == "finished":
            return {**base, "crawl_id": existing.id, "status": "finished", "repeated": True}
        browser = browser or _worker_browser()
        out = Path(job["out"])
        if existing is not None:
            result = resume(store, existing.id, rubric, out, browser=browser)
        else:
            settings = AuditSettings(**{k: tuple(v) if isinstance(v, list) else v for k, v in job["settings"].items()})
            attested = AttestationSet.model_validate(job["attestations"]) if job.get("attestations") else None
            try:
                result = audit(settings, store, rubric, out, browser=browser, task_key=job["key"], attested=attested)
            except DuplicateTask:
                again = store.crawl_for_key(job["key"])
                return {**base, "crawl_id": again.id if again else None, "status": "duplicate", "repeated": True}
        if job.get("agency") or job.get("portfolio"):
            store.set_membership(
                result.crawl_id, agency=job.get("agency"), portfolio=job.get("portfolio"), tags=job.get("tags") or None
            )
        card = result.scorecard
        return {
            **base,
            "crawl_id": result.crawl_id,
            "status": "finished",
            "repeated": False,
            "level": card.level,
            "overall": card.overall,
        }
    except MaturityError as exc:
        return {**base, "status": "failed", "error": str(exc), "exit_code": exc.exit_code}


@app.task(bind=True, name=TASK)
def audit_site(self: Any, job: dict[str, Any]) -> dict[str, Any]:
    return run_job(job, worker=self.request.hostname or socket.gethostname())


def run_distributed(
    jobs: Sequence[dict[str, Any]], *, timeout: float = 24 * 3600, celery_app: Celery | None = None
) -> list[dict[str, Any]]:
    """Enqueue every job and wait for all of them; results in job order."""
    chosen = celery_app or app
    result = group(chosen.signature(TASK, args=(job,)) for job in jobs).apply_async()
    return list(result.get(timeout=timeout, propagate=False, disable_sync_subtasks=False))


def worker_argv(*, hostname: str | None = None, loglevel: str = "INFO") -> list[str]:
    """Arguments for ``celery worker``: a single process (Playwright does not survive fork)."""
    name = hostname or f"maturity-{os.getpid()}@{socket.gethostname()}"
    return [
        "worker",
        "--pool",
        "solo",
        "--concurrency",
        "1",
        "--loglevel",
        loglevel,
        "--hostname",
        name,
        "--without-gossip",
        "--without-mingle",
    ]
