"""The audit pipeline: discover -> gather -> store -> score -> report.

The CLI calls one function here per command. Every finished page is committed
as it finishes; a failure part-way marks the crawl ``failed`` with its reason and
keeps the pages already stored.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from crawlers.browser import BrowserSession, BrowserSettings, SharedBrowser
from crawlers.discover import Decision, Discovery, DiscoverySettings, GuardedTransport, discover
from crawlers.netpolicy import AddressPolicy, Resolver, system_resolver
from maturity import __version__
from maturity.core.attest import load_attestations
from maturity.core.checks import NOT_SAMPLED
from maturity.core.model import ArtifactError, AttestationSet, HttpFacts, PageArtifacts, PageRef, RunInfo
from maturity.core.rubric import LoadedRubric
from maturity.core.scoring import Scorecard, score
from maturity.kernel.errors import CannotRun, MaturityError, UsageError
from maturity.store import PENDING, Crawl, Store, redact_url
from reports.html import render_html
from reports.json_report import render_json

PROJECT_URL = "https://github.com/maturity-audit/maturity"


def default_user_agent(contact: str | None = None) -> str:
    """Honest and identifiable: a "HeadlessChrome" agent drew 1,533 HTTP 403s in one federal scan (DOMAIN.md)."""
    return f"Mozilla/5.0 (compatible; maturity/{__version__}; +{contact or PROJECT_URL})"


@dataclass(frozen=True, kw_only=True)
class AuditSettings:
    url: str
    max_pages: int = 50
    max_depth: int = 3
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    concurrency: int = 4
    page_timeout: float = 30.0
    user_agent: str = field(default_factory=default_user_agent)
    throttle: str = "mobile"
    perf_runs: int = 1
    perf_pages: int | None = 10
    block_third_party: bool = False
    loopback_only: bool = False
    respect_robots: bool = True
    browser_path: str | None = None
    axe_path: str | None = None
    no_sandbox: bool | None = None
    max_page_bytes: int = 10_000_000
    allow_private: bool = False  # a public site may lead to private, loopback and link-local addresses
    max_retry_after: float = 30.0  # cap on a 429/503's Retry-After before asking again, seconds
    save_artifacts: str | None = None
    attestations: str | None = None  # the agency's attestation file, attached to the crawl

    def recorded(self) -> dict[str, Any]:
        """Settings as stored with the crawl (no secrets are part of them)."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()}


class Progress(Protocol):
    def phase(self, name: str, total: int | None) -> None: ...
    def advance(self, *, failed: bool = False) -> None: ...
    def decision(self, decision: Decision) -> None: ...
    def close(self) -> None: ...


class NoProgress:
    def phase(self, name: str, total: int | None) -> None: ...
    def advance(self, *, failed: bool = False) -> None: ...
    def decision(self, decision: Decision) -> None: ...
    def close(self) -> None: ...


@dataclass(frozen=True)
class AuditResult:
    crawl_id: int
    scoring_id: int
    run: RunInfo
    scorecard: Scorecard
    report_paths: dict[str, Path]
    offmachine_attempts: list[str]


def address_policy(settings: AuditSettings, start_url: str, resolver: Resolver | None = None) -> AddressPolicy:
    """The run's address policy, shared by discovery's HTTP client and the browser (one pin per host)."""
    return AddressPolicy(
        urlsplit(start_url).hostname or "", resolver or system_resolver, allow_private=settings.allow_private
    )


class _LoopbackGuard(httpx.BaseTransport):
    """Refuses any HTTP request not addressed to the loopback network (tests and the demo)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.refused: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        from crawlers.netpolicy import is_loopback

        if not is_loopback(str(request.url)):
            self.refused.append(str(request.url))
            raise httpx.ConnectError("refused: only loopback addresses are allowed in this mode", request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def http_client(
    settings: AuditSettings, transport: httpx.BaseTransport | None = None, *, policy: AddressPolicy | None = None
) -> httpx.Client:
    """Discovery's client: the address policy and a total time limit per request on the wire
    (:class:`GuardedTransport`), unless a transport is given (tests)."""
    base = transport or GuardedTransport(
        policy or address_policy(settings, settings.url), total_timeout=settings.page_timeout, retries=1
    )
    if settings.loopback_only or os.environ.get("MATURITY_LOOPBACK_ONLY") == "1":
        base = _LoopbackGuard(base)
    return httpx.Client(
        transport=base,
        headers={"User-Agent": settings.user_agent},
        timeout=httpx.Timeout(settings.page_timeout, connect=min(10.0, settings.page_timeout)),
        follow_redirects=False,
    )


def run_info(store: Store, crawl_id: int, scoring_id: int | None = None) -> RunInfo:
    return run_info_of(store.crawl(crawl_id), scoring_id)


def run_info_of(crawl: Crawl, scoring_id: int | None) -> RunInfo:
    """What a report says about a stored crawl (any database password redacted)."""
    settings = json.loads(crawl.settings or "{}")
    if "db" in settings:
        settings["db"] = redact_url(settings["db"])
    assert crawl.id is not None
    return RunInfo(
        crawl_id=crawl.id,
        scoring_id=scoring_id,
        target_url=crawl.target_url,
        status=crawl.status,
        started_at=crawl.started_at.isoformat(timespec="seconds"),
        finished_at=crawl.finished_at.isoformat(timespec="seconds") if crawl.finished_at else None,
        tool_version=crawl.tool_version,
        axe_version=crawl.axe_version,
        browser_version=crawl.browser_version,
        settings=settings,
        timings=json.loads(crawl.timings or "{}"),
        pages_found=crawl.pages_found,
    )


def audit(
    settings: AuditSettings,
    store: Store,
    rubric: LoadedRubric,
    out_dir: Path,
    *,
    progress: Progress | None = None,
    transport: httpx.BaseTransport | None = None,
    browser: SharedBrowser | None = None,
    task_key: str | None = None,
    resolver: Resolver | None = None,
    attested: AttestationSet | None = None,
) -> AuditResult:
    """Audit one site end to end and return its scorecard and report paths.

    ``browser`` reuses an already running Chromium (portfolio runs, tests); without it the
    audit starts its own and closes it at the end. ``resolver`` answers host names for the
    address policy (tests inject one; the default asks the operating system). ``attested``
    gives the agency's attestations already read (a worker gets them in its job, as the file
    ``settings.attestations`` names is on the coordinator's machine).
    """
    progress = progress or NoProgress()
    if attested is None and settings.attestations:
        attested = load_attestations(settings.attestations)  # fail before crawling
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    progress.phase("discovering", None)
    policy = address_policy(settings, settings.url, resolver)
    with http_client(settings, transport, policy=policy) as client:
        found = discover(
            client,
            settings.url,
            DiscoverySettings(
                user_agent=settings.user_agent,
                max_pages=settings.max_pages,
                max_depth=settings.max_depth,
                include=settings.include,
                exclude=settings.exclude,
                respect_robots=settings.respect_robots,
                max_page_bytes=settings.max_page_bytes,
                fetch_timeout=settings.page_timeout,
                max_retry_after=settings.max_retry_after,
            ),
            on_event=progress.decision,
        )
    timings["discover_s"] = round(time.perf_counter() - t0, 3)
    crawl_id = store.begin_crawl(
        found.site.start_url, settings=settings.recorded(), tool_version=__version__, task_key=task_key
    )
    site = found.site.model_copy(update={"attestations": attested}) if attested else found.site
    store.set_site(crawl_id, site, len(found.pages))
    store.plan_pages(crawl_id, _planned(found))
    return _complete(settings, store, crawl_id, rubric, out_dir, timings, t0, progress, browser, policy)


def resume(
    store: Store,
    crawl_id: int,
    rubric: LoadedRubric,
    out_dir: Path,
    *,
    progress: Progress | None = None,
    browser: SharedBrowser | None = None,
    resolver: Resolver | None = None,
) -> AuditResult:
    """Finish an interrupted run: audit only the pages still pending, measure only what is missing.

    Discovery is not repeated and no finished page is fetched again; the settings are the run's own.
    """
    crawl = store.crawl(crawl_id)
    if crawl.status == "finished":
        raise UsageError(f"run {crawl_id} already finished (see `maturity report {crawl_id}`)")
    settings = AuditSettings(
        **{k: tuple(v) if isinstance(v, list) else v for k, v in json.loads(crawl.settings).items()}
    )
    timings = {k: float(v) for k, v in json.loads(crawl.timings).items()}
    timings["resumed"] = timings.get("resumed", 0) + 1
    policy = address_policy(settings, crawl.target_url, resolver)
    return _complete(
        settings,
        store,
        crawl_id,
        rubric,
        out_dir,
        timings,
        time.perf_counter(),
        progress or NoProgress(),
        browser,
        policy,
    )


def _planned(found: Discovery) -> list[PageArtifacts]:
    out = []
    for ref in found.pages:
        http = found.http.get(ref.url)
        artifacts = {"http": http.model_dump(mode="json")} if http else {}
        reason = found.not_assessable.get(ref.url)
        status = "not_assessable" if reason else PENDING
        out.append(PageArtifacts(url=ref.url, depth=ref.depth, status=status, reason=reason, artifacts=artifacts))
    return out


def _complete(
    settings: AuditSettings,
    store: Store,
    crawl_id: int,
    rubric: LoadedRubric,
    out_dir: Path,
    timings: dict[str, float],
    t0: float,
    progress: Progress,
    browser: SharedBrowser | None,
    policy: AddressPolicy,
) -> AuditResult:
    """Render what is pending, measure what is missing, then finish, score and report."""
    store.update_crawl(crawl_id, status="running")
    try:
        work = _gather(settings, store, crawl_id, timings, progress, browser.session if browser else None, policy)
        offmachine = browser.run(work) if browser else asyncio.run(work)
    except (MaturityError, KeyboardInterrupt) as exc:
        store.finish_crawl(crawl_id, status="failed", timings=timings, error=str(exc) or "interrupted")
        progress.close()
        raise
    except Exception as exc:
        store.finish_crawl(crawl_id, status="failed", timings=timings, error=f"{type(exc).__name__}: {exc}")
        progress.close()
        raise CannotRun(
            f"the audit stopped: {type(exc).__name__}: {exc} (finished pages are kept; "
            f"`maturity resume {crawl_id}` continues)"
        ) from exc
    timings["total_s"] = round(timings.get("total_s", 0) + time.perf_counter() - t0, 3)
    store.finish_crawl(crawl_id, status="finished", timings=timings)
    progress.close()
    if settings.save_artifacts:
        save_artifacts(store, crawl_id, Path(settings.save_artifacts))
    scoring_id, card = score_run(store, crawl_id, rubric)
    info = run_info(store, crawl_id, scoring_id)
    paths = write_reports(info, card, out_dir)
    return AuditResult(crawl_id, scoring_id, info, card, paths, offmachine)


def browser_settings(settings: AuditSettings) -> BrowserSettings:
    return BrowserSettings(
        user_agent=settings.user_agent,
        concurrency=settings.concurrency,
        page_timeout=settings.page_timeout,
        throttle=settings.throttle,
        perf_runs=settings.perf_runs,
        perf_pages=settings.perf_pages,
        block_third_party=settings.block_third_party,
        loopback_only=settings.loopback_only,
        allow_private=settings.allow_private,
        max_retry_after=settings.max_retry_after,
        browser_path=settings.browser_path,
        axe_path=settings.axe_path,
        no_sandbox=settings.no_sandbox,
    )


async def _gather(
    settings: AuditSettings,
    store: Store,
    crawl_id: int,
    timings: dict[str, float],
    progress: Progress,
    shared: BrowserSession | None,
    policy: AddressPolicy,
) -> list[str]:
    start_url = store.crawl(crawl_id).target_url
    if shared is not None:
        shared.reconfigure(browser_settings(settings), start_url, policy)
        return await _render(settings, store, crawl_id, timings, progress, shared)
    async with BrowserSession(browser_settings(settings), start_url, policy) as session:
        return await _render(settings, store, crawl_id, timings, progress, session)


async def _render(
    settings: AuditSettings,
    store: Store,
    crawl_id: int,
    timings: dict[str, float],
    progress: Progress,
    session: BrowserSession,
) -> list[str]:
    """Phase 1 (concurrent) on pending pages, then phase 2 (serial performance) where it is missing."""
    store.update_crawl(crawl_id, axe_version=session.axe_version, browser_version=session.browser_version)
    planned = store.load_pages(crawl_id, include_pending=True)
    pending = [PageRef(url=p.url, depth=p.depth) for p in planned if p.status == PENDING]
    http = {p.url: HttpFacts.model_validate(p.artifacts["http"]) for p in planned if "http" in p.artifacts}

    def page_done(page: PageArtifacts, elapsed_ms: float) -> None:
        store.add_page(crawl_id, page, elapsed_ms)
        progress.advance(failed=page.status != "ok")

    progress.phase("auditing pages", len(pending))
    t = time.perf_counter()
    await session.gather(pending, http, page_done)
    timings["concurrent_s"] = round(timings.get("concurrent_s", 0) + time.perf_counter() - t, 3)

    assessed = [p for p in store.load_pages(crawl_id) if p.status == "ok"]  # crawl order
    sample = assessed if settings.perf_pages is None else assessed[: settings.perf_pages]
    to_measure = [p.url for p in sample if "performance" not in p.artifacts]

    def perf_done(url: str, data: dict[str, Any], _elapsed: float) -> None:
        store.add_artifact(crawl_id, url, "performance", data)
        progress.advance(failed="error" in data)

    progress.phase(f"measuring performance ({settings.throttle}, k={settings.perf_runs})", len(to_measure))
    t = time.perf_counter()
    await session.measure(to_measure, perf_done)
    timings["performance_s"] = round(timings.get("performance_s", 0) + time.perf_counter() - t, 3)
    skipped = ArtifactError(error="not in the performance sample", kind=NOT_SAMPLED).model_dump()
    for page in assessed[len(sample) :]:
        if "performance" not in page.artifacts:
            store.add_artifact(crawl_id, page.url, "performance", skipped)
    return list(session.offmachine_attempts)


def score_run(store: Store, crawl_id: int, rubric: LoadedRubric) -> tuple[int, Scorecard]:
    """Score a stored crawl (no browser, no network) and store the scoring beside earlier ones."""
    card = score(rubric, store.load_pages(crawl_id), store.load_site(crawl_id))
    return store.add_scoring(crawl_id, card), card


def write_reports(info: RunInfo, card: Scorecard, out_dir: Path) -> dict[str, Path]:
    run_dir = out_dir / f"run-{info.crawl_id}"
    run_dir.mkdir(parents=True, exist_ok=True)
    paths = {"html": run_dir / "index.html", "json": run_dir / "scorecard.json"}
    paths["html"].write_text(render_html(info, card), encoding="utf-8")
    paths["json"].write_text(render_json(info, card), encoding="utf-8")
    return paths


def save_artifacts(store: Store, crawl_id: int, directory: Path) -> Path:
    """Write a crawl's artifacts as plain JSON files: ``site.json`` and one file per page."""
    target = directory / f"run-{crawl_id}"
    (target / "pages").mkdir(parents=True, exist_ok=True)
    (target / "site.json").write_text(store.load_site(crawl_id).model_dump_json(indent=2), encoding="utf-8")
    for i, page in enumerate(store.load_pages(crawl_id), start=1):
        (target / "pages" / f"{i:04d}.json").write_text(page.model_dump_json(indent=2), encoding="utf-8")
    return target


def rescore(
    store: Store, crawl_id: int, rubric: LoadedRubric, out_dir: Path, *, attestations: AttestationSet | None = None
) -> tuple[RunInfo, Scorecard, dict[str, Path]]:
    """Score a stored crawl again. ``attestations`` attaches (or replaces) the crawl's attestation file
    first, so this scoring and every later one see those answers; nothing gathered is touched."""
    crawl = store.crawl(crawl_id)  # a clear error for an unknown run
    if attestations is not None:
        site = store.load_site(crawl_id).model_copy(update={"attestations": attestations})
        store.set_site(crawl_id, site, crawl.pages_found)
    scoring_id, card = score_run(store, crawl_id, rubric)
    info = run_info(store, crawl_id, scoring_id)
    return info, card, write_reports(info, card, out_dir)


def report(store: Store, crawl_id: int, out_dir: Path) -> tuple[RunInfo, Scorecard, dict[str, Path]]:
    scoring, card = store.latest_scorecard(crawl_id)
    info = run_info(store, crawl_id, scoring.id)
    return info, card, write_reports(info, card, out_dir)
