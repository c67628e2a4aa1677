"""Audits spread over many machines: Celery with a Redis broker, results in the shared database.

Why Celery: it is the established Python task queue, Redis is a broker a state office can run
anywhere, and its ``acks_late`` + ``task_reject_on_worker_lost`` settings give redelivery when a
worker dies mid-audit. Nothing of an audit travels through the queue but a small JSON job; pages,
artifacts and scorings go straight into the database every worker shares (PostgreSQL in practice).

**A job describes the audit, and nothing else**: the site, its audit settings, the rubric (its
text, so workers need no file), the agency's attestations (their content), and where the run
belongs (agency, portfolio, tags; the agency's services and the portfolio's fiscal year, for the
survey figures the run carries). Which database, which output folder, which browser: those are
the worker's own configuration (``maturity worker --db ... --out ... --browser ...``), never taken
from a job, so whoever can write to the queue cannot point a worker at another database or path.

Two rules make it safe:

* **Idempotent tasks.** A job carries a key (portfolio run + site). The crawl it starts records the
  key (unique in the database), so a redelivered task finds its crawl: finished → nothing to do;
  unfinished (its worker died) → ``resume`` it, fetching no finished page again. Two deliveries that
  race to start the same crawl collide on the unique key, and the loser reports the winner's crawl.
* **No fork.** Playwright does not survive ``fork()``, so a worker is one process with one browser
  (``--pool solo``), kept for the worker's lifetime. Run more worker processes for more parallelism.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from celery import Celery
from celery.exceptions import Ignore

from maturity.core.model import AttestationSet
from maturity.core.portfolio import Portfolio, PortfolioService, site_settings
from maturity.core.rubric import LoadedRubric, builtin_rubric, parse_rubric
from maturity.core.settings import AuditSettings, MachineSettings, compose
from maturity.kernel.errors import CannotRun, MaturityError, UsageError
from maturity.run import interrupt
from maturity.run.portfolio import attestations_of
from maturity.store import DuplicateTask, Store

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
VISIBILITY_TIMEOUT = 300


def lease_seconds() -> float:
    """How often a worker renews the lease of the crawl it audits (``MATURITY_LEASE_SECONDS``,
    default 30); a lease not renewed for three times that is stale and the crawl is taken over."""
    try:
        value = float(os.environ.get("MATURITY_LEASE_SECONDS", "30"))
    except ValueError:
        value = 30.0
    return value if 0.1 <= value <= 3600 else 30.0


TASK = "maturity.audit_site"
JOB_KEYS = frozenset(
    {"key", "url", "settings", "rubric", "agency", "portfolio", "tags", "attestations", "services", "fiscal_year_start"}
)


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
        # Redis hands a task not acked within the visibility timeout to another worker, even one still
        # running: 5 minutes, so a worker killed before its crawl began is replaced within minutes.
        # A delivery that finds the crawl's lease alive steps aside (see run_job), and the
        # coordinator re-queues a crawl whose lease went stale (see run_distributed).
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
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
    settings: AuditSettings,
    rubric: LoadedRubric | None = None,
    agency: str | None = None,
    portfolio: str | None = None,
    tags: dict[str, str] | None = None,
    attestations: AttestationSet | None = None,
    services: Sequence[PortfolioService] = (),
    fiscal_year_start: int = 10,
) -> dict[str, Any]:
    """One site's job: only what describes the audit (see the module doc). ``services`` are its
    agency's services and ``fiscal_year_start`` the portfolio's, for the survey figures the run carries."""
    return {
        "key": key,
        "url": settings.url,
        "settings": settings.recorded(),
        "rubric": {"source": rubric.source, "text": rubric.text} if rubric is not None else None,
        "agency": agency,
        "portfolio": portfolio,
        "tags": tags or {},
        "attestations": attestations.model_dump(mode="json") if attestations is not None else None,
        "services": [dataclasses.asdict(s) for s in services if s.agency == agency],
        "fiscal_year_start": fiscal_year_start,
    }


def job_services(job: dict[str, Any]) -> tuple[tuple[PortfolioService, ...], int]:
    """The services and fiscal year start a job carries (none and October from an older coordinator)."""
    raw, start = job.get("services") or [], job.get("fiscal_year_start", 10)
    if not isinstance(start, int) or not 1 <= start <= 12:
        raise UsageError(f"the job's fiscal_year_start is not a month: {start!r}")
    try:
        services = tuple(
            PortfolioService(
                agency=str(s["agency"]),
                id=str(s["id"]),
                name=str(s["name"]),
                urls=tuple(str(u) for u in s.get("urls") or ()),
                journeys=tuple(str(j) for j in s.get("journeys") or ()),
                channel=None if s.get("channel") is None else str(s["channel"]),
            )
            for s in raw
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise UsageError(f"the job's services are not a list of services: {exc}") from None
    return services, start


def job_rubric(job: dict[str, Any]) -> LoadedRubric:
    spec = job.get("rubric")
    if spec is None:
        return builtin_rubric("default")
    if not isinstance(spec, dict) or not isinstance(spec.get("text"), str):
        raise UsageError("the job's rubric is not {source, text}")
    return parse_rubric(spec["text"].encode("utf-8"), str(spec.get("source") or "the job's rubric"))


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker takes from its own machine, never from a job."""

    db: str
    out_dir: Path
    machine: MachineSettings


_config: WorkerConfig | None = None
_browser: Any = None


def configure_worker(config: WorkerConfig) -> None:
    global _config
    _config = config


def _worker_browser(machine: MachineSettings) -> Any:
    """The worker process's one browser, started on first use and kept."""
    global _browser
    if _browser is None:
        from crawlers.browser import BrowserSettings, SharedBrowser
        from maturity.run.audit import collector_settings

        _browser = SharedBrowser(collector_settings(BrowserSettings, machine, user_agent="maturity-worker"))
    return _browser


def run_job(
    job: dict[str, Any],
    *,
    worker: str,
    store: Store,
    out_dir: Path,
    machine: MachineSettings | None = None,
    browser: Any = None,
) -> dict[str, Any]:
    """Audit one site for a job, idempotently. Returns a small JSON summary (never raises for a site)."""
    machine = machine or MachineSettings()
    base = {"key": job.get("key"), "url": job.get("url"), "worker": worker}
    try:
        unknown = sorted(set(job) - JOB_KEYS)
        if unknown:  # a job from an older coordinator may name a database or paths: never obeyed
            raise UsageError(f"the job carries keys a worker does not take: {', '.join(unknown)}")
        rubric = job_rubric(job)
        existing = store.crawl_for_key(job["key"])
        if existing is not None and existing.status == "finished":
            return {**base, "crawl_id": existing.id, "status": "finished", "repeated": True}
        if (
            existing is not None
            and existing.id is not None
            and not store.take_lease(existing.id, worker, 3 * lease_seconds())
        ):  # another worker is alive on it (this is a redelivery of a long audit): step aside
            return {**base, "crawl_id": existing.id, "status": ELSEWHERE, "repeated": True}
        browser = browser or _worker_browser(machine)
        with _renewing(store, job["key"], worker):
            result = _audit_or_resume(job, existing, rubric, store, out_dir, machine, browser)
        if isinstance(result, dict):
            return {**base, **result}
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


ELSEWHERE = "running elsewhere"


@contextmanager
def _renewing(store: Store, key: str, worker: str) -> Iterator[None]:
    """Renew the crawl's lease every :func:`lease_seconds` while the audit runs (a thread, so a
    long page or a busy event loop does not starve it; it dies with the worker, as it should)."""
    stop = threading.Event()
    interval = lease_seconds()

    def beat() -> None:
        while not stop.wait(interval):
            try:
                store.renew_lease(key, worker)
            except MaturityError:
                pass  # the database is away: the audit itself will say so

    thread = threading.Thread(target=beat, name="maturity-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def _audit_or_resume(
    job: dict[str, Any],
    existing: Any,
    rubric: LoadedRubric,
    store: Store,
    out_dir: Path,
    machine: MachineSettings,
    browser: Any,
) -> Any:
    from maturity.run.audit import audit, resume

    if existing is not None and existing.id is not None:
        return resume(store, existing.id, rubric, out_dir, machine=machine, browser=browser)
    settings = compose(job["settings"], sources=["the job"])  # strictly: no machine keys
    attested = AttestationSet.model_validate(job["attestations"]) if job.get("attestations") else None
    services, fiscal_year_start = job_services(job)
    try:
        return audit(
            settings,
            store,
            rubric,
            out_dir,
            machine=machine,
            browser=browser,
            task_key=job["key"],
            attested=attested,
            agency=job.get("agency"),
            services=services,
            fiscal_year_start=fiscal_year_start,
        )
    except DuplicateTask:  # another delivery began the same crawl a moment before
        again = store.crawl_for_key(job["key"])
        return {"crawl_id": again.id if again else None, "status": "duplicate", "repeated": True}


@app.task(bind=True, name=TASK)
def audit_site(self: Any, job: dict[str, Any]) -> dict[str, Any]:
    config = _config or WorkerConfig(
        db=os.environ.get("MATURITY_DB", "sqlite:///maturity.db"),
        out_dir=Path("maturity-out"),
        machine=MachineSettings(),
    )
    done = run_job(
        job,
        worker=self.request.hostname or socket.gethostname(),
        store=Store(config.db),
        out_dir=config.out_dir,
        machine=config.machine,
    )
    if done.get("status") == ELSEWHERE:
        # Acknowledge this copy but record no result: the worker holding the lease will.
        raise Ignore()
    return done


def run_distributed(
    jobs: Sequence[dict[str, Any]],
    *,
    timeout: float = 24 * 3600,
    celery_app: Celery | None = None,
    store: Store | None = None,
    on_requeue: Callable[[dict[str, Any]], None] | None = None,
) -> list[dict[str, Any]]:
    """Enqueue every job and wait for all of them; results in job order.

    With the shared ``store``, the coordinator also watches each crawl's lease: a crawl whose
    worker stopped renewing it (killed, its machine gone) is queued again, and the next worker
    resumes it where it stopped, within minutes rather than at the broker's visibility timeout.

    Asked to stop (Ctrl-C), the coordinator withdraws the jobs no worker has begun and returns
    (:class:`~maturity.run.interrupt.Interrupted`); audits under way finish on their workers, and
    the same ``--run-id`` later picks up what was withdrawn, redoing nothing.
    """
    chosen = celery_app or app
    sent: list[list[Any]] = [[chosen.send_task(TASK, args=(job,))] for job in jobs]
    deadline = time.monotonic() + timeout
    stale_after = 3 * lease_seconds()
    next_look = time.monotonic() + stale_after
    requeued: dict[str, float] = {}

    def finished(i: int) -> Any:
        return next((r for r in sent[i] if r.ready()), None)

    while not all(finished(i) is not None for i in range(len(jobs))):
        if interrupt.STOP.is_set():
            for results in sent:
                for r in results:
                    r.revoke(terminate=False)
            raise interrupt.Interrupted(
                "stopped on request: jobs not begun were withdrawn; audits under way finish on their workers"
            )
        if time.monotonic() > deadline:
            raise CannotRun(f"the workers did not finish in {timeout:.0f} s")
        if store is not None and time.monotonic() >= next_look:
            next_look = time.monotonic() + lease_seconds()
            waiting = {job["key"]: i for i, job in enumerate(jobs) if finished(i) is None}
            for key in store.stale_keys(list(waiting), stale_after):
                if time.monotonic() - requeued.get(key, -1e9) < stale_after:
                    continue  # queued again a moment ago; give that delivery time to take the lease
                requeued[key] = time.monotonic()
                job = jobs[waiting[key]]
                sent[waiting[key]].append(chosen.send_task(TASK, args=(job,)))
                if on_requeue is not None:
                    on_requeue(job)
        time.sleep(0.5)
    out = []
    for i, job in enumerate(jobs):
        value = finished(i).get(propagate=False, disable_sync_subtasks=False)
        if not isinstance(value, dict):  # the task raised: a bug in a worker, reported per site
            value = {"key": job["key"], "url": job["url"], "status": "failed", "error": repr(value)}
        out.append(value)
    return out


def portfolio_jobs(
    portfolio: Portfolio, run_id: str, rubric: LoadedRubric, command_line: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """One job per site of a portfolio run; every attestation file is read (and refused) first.

    A site with task journeys is refused: the workers do not run journeys yet, and one with a login
    journey would have to sign in itself (a session is never sent through the queue or the database)."""
    refuse_journeys(portfolio)
    attested = attestations_of(portfolio, rubric)
    return [
        make_job(
            key=job_key(run_id, site.url),
            settings=site_settings(site, command_line),
            rubric=rubric,
            agency=site.agency,
            portfolio=portfolio.id,
            tags=site.tags,
            attestations=attested.get(site.attestations or ""),
            services=portfolio.services,
            fiscal_year_start=portfolio.fiscal_year_start,
        )
        for site in portfolio.sites
    ]


def refuse_journeys(portfolio: Portfolio) -> None:
    """Refuse, before anything is queued, a portfolio whose sites have task journeys (see
    :func:`portfolio_jobs`): said, never skipped in silence."""
    from maturity.core.journey import load_journey
    from maturity.run.journey import journey_paths

    for site in portfolio.sites:
        for path in journey_paths(list(site.journeys)):
            if load_journey(path).journey.login:
                raise UsageError(
                    f"{site.url} has a login journey ({path}): distributed runs do not sign in (a login "
                    "session is never sent to the workers through the queue or the database, and the workers "
                    "do not run journeys yet); run this portfolio without --distributed"
                )
        if site.journeys:
            raise UsageError(
                f"{site.url} has task journeys ({', '.join(site.journeys)}): distributed workers do not run "
                "journeys yet; run this portfolio without --distributed (or without its journeys)"
            )


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
