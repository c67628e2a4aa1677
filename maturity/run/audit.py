"""The audit workflow: discover -> gather -> store -> score -> report, and ``resume``.

Every finished page is committed as it finishes; a failure part-way marks the crawl ``failed``
with its reason and keeps the pages already stored. This is the one place that composes the
collectors (``crawlers``), the store, the pure core and the renderers for an audit.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawlers.browser import BrowserSession, BrowserSettings, SharedBrowser
from crawlers.discover import Discovery, DiscoverySettings, discover
from crawlers.journey import Login
from crawlers.netpolicy import AddressPolicy, Resolver, system_resolver
from crawlers.pacing import politeness
from crawlers.transport import make_client
from maturity import __version__
from maturity.core.attest import check_against_rubric
from maturity.core.checks import NOT_SAMPLED
from maturity.core.model import (
    ArtifactError,
    AttestationSet,
    HttpFacts,
    PageArtifacts,
    PageRef,
    RunInfo,
    SampleFacts,
)
from maturity.core.portfolio import PortfolioService
from maturity.core.rubric import LoadedRubric
from maturity.core.sampling import Candidate, draw, stratum_key
from maturity.core.scoring import Scorecard, score
from maturity.core.settings import AuditSettings, MachineSettings
from maturity.kernel.errors import CannotRun, MaturityError, StoreUnavailable, UsageError
from maturity.run import interrupt
from maturity.run.artifacts import save_artifacts
from maturity.run.documents import DocumentJob, fetch_site_documents, refetch_pending
from maturity.run.progress import NoProgress, Progress
from maturity.run.scoring import score_run, stored_journeys, write_reports
from maturity.run.spill import FileSpill
from maturity.run.traffic import site_traffic, traffic_facts
from maturity.run.xdata import survey_for_run
from maturity.store import PENDING, Store
from maturity.store.readback import run_info
from maturity.store.store import StoredPages


@dataclass(frozen=True)
class AuditResult:
    crawl_id: int
    scoring_id: int
    run: RunInfo
    scorecard: Scorecard
    report_paths: dict[str, Path]
    offmachine_attempts: list[str]


def collector_settings(cls: type[Any], *sources: Any, **explicit: Any) -> Any:
    """A collector's settings dataclass built from the audit's settings objects, field by name:
    each field of ``cls`` that a source has is taken from it (later sources win), then ``explicit``.
    So an audit option reaches a collector by having the same name in both, and nothing else."""
    values: dict[str, Any] = {}
    for source in sources:
        for f in fields(cls):
            if f.name in type(source).model_fields:
                values[f.name] = getattr(source, f.name)
    return cls(**{**values, **explicit})


def discovery_settings(settings: AuditSettings, machine: MachineSettings | None = None) -> DiscoverySettings:
    result: DiscoverySettings = collector_settings(
        DiscoverySettings,
        settings,
        respect_robots=not settings.ignore_robots,
        fetch_timeout=settings.page_timeout,
        http_port=machine.http_port if machine else None,
    )
    return result


def browser_settings(
    settings: AuditSettings, machine: MachineSettings | None = None, *, page_gap: float | None = None
) -> BrowserSettings:
    """``page_gap``: seconds between page loads per host; None: what the settings alone give
    (``delay``, else the default), before discovery has read the site's Crawl-delay."""
    gap = page_gap if page_gap is not None else politeness(settings.delay, None, 0).page_gap_s
    machine = machine or MachineSettings()
    # Certificates made for this run (the demo's) are trusted by their keys, in this browser only.
    trust = (f"--ignore-certificate-errors-spki-list={','.join(machine.trust_spki)}",) if machine.trust_spki else ()
    result: BrowserSettings = collector_settings(
        BrowserSettings, settings, machine, perf_pages=settings.perf_sample, page_gap=gap, extra_args=trust
    )
    return result


def address_policy(settings: AuditSettings, start_url: str, resolver: Resolver | None = None) -> AddressPolicy:
    """The run's address policy, shared by discovery's HTTP client and the browser (one pin per host)."""
    return AddressPolicy(
        urlsplit(start_url).hostname or "", resolver or system_resolver, allow_private=settings.allow_private
    )


@dataclass
class _Run:
    """One audit under way: what every phase needs."""

    settings: AuditSettings
    machine: MachineSettings
    store: Store
    crawl_id: int
    policy: AddressPolicy
    progress: Progress
    timings: dict[str, Any] = field(default_factory=dict)  # seconds, request counts and the politeness applied
    last_request_at: float | None = None  # discovery's last request (time.monotonic()): the first load waits on it
    documents: DocumentJob | None = None  # the documents being parsed while the pages render
    rendering: list[tuple[float, float]] = field(default_factory=list)  # (start, end) of the browser phases
    login: Login | None = None  # the site's login, when the audit signs in (in memory only)


def audit(
    settings: AuditSettings,
    store: Store,
    rubric: LoadedRubric,
    out_dir: Path,
    *,
    machine: MachineSettings | None = None,
    attested: AttestationSet | None = None,
    save_to: Path | None = None,
    progress: Progress | None = None,
    transport: Any = None,
    browser: SharedBrowser | None = None,
    task_key: str | None = None,
    resolver: Resolver | None = None,
    agency: str | None = None,
    services: Sequence[PortfolioService] = (),
    fiscal_year_start: int = 10,
    login: Login | None = None,
    before_scoring: Callable[[int], None] | None = None,
) -> AuditResult:
    """Audit one site end to end and return its scorecard and report paths.

    ``login`` (the site's login journey, already run: :class:`~maturity.run.journey.JourneyRun`)
    signs the crawl in: discovery fetches with its cookies, every browser context starts with its
    cookies, localStorage and sessionStorage, and when a page shows the session ended the login
    journey runs again (bounded) and the page is asked for once more. Pages that need the login
    and never got it are "not assessable: login required". It needs ``browser`` (discovery signs
    in again through it). The session is never stored: the run records only the journey's id,
    whether it signed in and how often it signed in again.

    ``machine`` says how to run here (browser, axe script, loopback-only mode); ``attested`` is
    the agency's attestation file, already read, stored with the crawl. ``browser`` reuses an
    already running Chromium (portfolio runs, tests); without it the audit starts its own.
    ``resolver`` answers host names for the address policy (tests inject one); ``transport``
    replaces discovery's network transport (tests); ``save_to`` also writes the crawl's
    artifacts as files (:mod:`maturity.run.artifacts`). The run carries the survey figures of
    ``agency`` (without one, the agency of the site's newest portfolio run), up to the run date,
    when it has imported any (:func:`maturity.run.xdata.survey_for_run`; ``services`` are its
    portfolio's services, ``fiscal_year_start`` its fiscal year's first month).
    ``before_scoring(crawl_id)`` runs once the pages are stored, before the run is scored (the
    site's other journeys: :class:`maturity.run.journey.JourneysAfter`).
    """
    machine = machine or MachineSettings()
    progress = progress or NoProgress()
    if attested is not None:  # before anything is fetched
        check_against_rubric(attested, rubric.rubric.id, rubric.rubric.questions)
    traffic = site_traffic(store, settings.url)
    if settings.sample == "traffic" and traffic is None:
        raise UsageError(
            f"--sample traffic: no traffic report was imported for {settings.url} "
            "(`maturity traffic import FILE --agency NAME --site URL` first)"
        )
    if login is not None and browser is None:
        raise UsageError("an audit that signs in needs a running browser (it signs in again through it)")
    t0 = time.perf_counter()
    progress.phase("discovering", None)
    policy = address_policy(settings, settings.url, resolver)
    if login is not None and browser is not None:  # signing in again during discovery: under this audit's policy
        browser.session.reconfigure(browser_settings(settings, machine), settings.url, policy, login=login)
    client = make_client(
        user_agent=settings.user_agent,
        page_timeout=settings.page_timeout,
        policy=policy,
        transport=transport,
        loopback_only=machine.loopback_only,
        trust_ca_pem=machine.trust_ca_pem,
    )

    def on_event(decision: Any) -> None:
        interrupt.check()  # Ctrl-C during discovery: nothing is stored yet, nothing is lost
        progress.decision(decision)

    finding = replace(discovery_settings(settings, machine), max_pages=settings.population_size)
    with client:
        signed_in = _SignedInClient(login, browser, client) if login is not None and browser is not None else None
        population = discover(client, settings.url, finding, on_event=on_event, login=signed_in)
        progress.phase("fetching documents", None)
        job = DocumentJob(store, population.site.start_url)
        try:
            population, documents_s = fetch_site_documents(client, population, settings, job)
        except BaseException:
            job.close()
            raise
    with closing(job):  # the parser ends with the audit, however it ends
        if traffic is not None:  # visits per page found: for --sample traffic and page_weighting: traffic
            facts = traffic_facts(traffic, (p.url for p in population.pages))
            population = replace(population, site=population.site.model_copy(update={"traffic": facts}))
        found = sample_pages(population, settings, settings.first_sample_size)
        crawl_id = store.begin_crawl(
            found.site.start_url, settings=settings.recorded(), tool_version=__version__, task_key=task_key
        )
        run = _Run(
            settings, machine, store, crawl_id, policy, progress, last_request_at=found.last_request_at, login=login
        )
        run.documents = job
        run.timings["discover_s"] = round(time.perf_counter() - t0, 3)
        run.timings.update(
            politeness=found.politeness.describe(),
            page_gap_s=found.politeness.page_gap_s,
            requests_discovery=found.requests,
            request_budget=found.request_budget,
        )
        if found.stopped:
            run.timings["discovery_stopped"] = found.stopped
        if login is not None:  # kept from the start: a run stopped part-way is known to have signed in
            _note_login(run)
            store.update_crawl(crawl_id, timings=run.timings)
        if found.site.documents is not None and found.site.documents.found:  # runs without documents read as before
            run.timings.update(documents_s=round(documents_s, 3), requests_documents=found.site.documents.requests)
        site = found.site.model_copy(update={"attestations": attested}) if attested else found.site
        survey = survey_for_run(store, site, agency, services=services, fiscal_year_start=fiscal_year_start)
        if survey is not None:  # the customer-experience dimension is scored; without figures: not assessed
            site = site.model_copy(update={"survey": survey})
        store.set_site(crawl_id, site, len(found.pages))  # documents still being parsed are stored as pending
        store.plan_pages(crawl_id, planned_pages(found))
        if settings.target_margin is not None:
            grower = _Grower.of(population, settings)
            run.timings[POPULATION_KEY] = store.put_json(grower.dump())  # for a resume to grow it further
            store.update_crawl(crawl_id, timings=run.timings)
            _grow_to_margin(run, grower, rubric, browser)
        return _complete(run, rubric, out_dir, t0, browser, save_to, before_scoring)


def resume(
    store: Store,
    crawl_id: int,
    rubric: LoadedRubric,
    out_dir: Path,
    *,
    machine: MachineSettings | None = None,
    progress: Progress | None = None,
    browser: SharedBrowser | None = None,
    resolver: Resolver | None = None,
    login: Login | None = None,
    before_scoring: Callable[[int], None] | None = None,
) -> AuditResult:
    """Finish an interrupted run: audit only the pages still pending, measure only what is missing.

    Discovery is not repeated and no finished page is fetched again; the settings are the run's own,
    read back through the settings model's validation. A run that signed in needs ``login`` (its
    login journey run again: the session was never kept) and ``browser``. ``before_scoring`` as
    for :func:`audit`.
    """
    crawl = store.crawl(crawl_id)
    if crawl.status == "finished":
        raise UsageError(f"run {crawl_id} already finished (see `maturity report {crawl_id}`)")
    settings = AuditSettings.from_stored(json.loads(crawl.settings))
    signed = json.loads(crawl.timings).get("login")
    if isinstance(signed, dict) and login is None:  # the session was never kept: sign in again first
        raise UsageError(
            f"run {crawl_id} signed in with the login journey {signed.get('journey')}, whose session was not "
            f"kept: `maturity resume {crawl_id} --journeys DIR` signs in again"
        )
    if login is not None and browser is None:
        raise UsageError("a resume that signs in needs a running browser (it signs in again through it)")
    policy = address_policy(settings, crawl.target_url, resolver)
    run = _Run(settings, machine or MachineSettings(), store, crawl_id, policy, progress or NoProgress(), login=login)
    run.timings = dict(json.loads(crawl.timings))
    run.timings["resumed"] = run.timings.get("resumed", 0) + 1
    began = time.perf_counter()
    try:
        _refetch_documents(run, crawl.target_url, crawl.pages_found, browser)
        stored = run.timings.get(POPULATION_KEY)
        if settings.target_margin is not None and "target_margin" not in run.timings and isinstance(stored, str):
            # stopped while growing the sample toward the margin: grow on, as the audit would have
            _grow_to_margin(run, _Grower.load(store.get_blob(stored), settings), rubric, browser)
        return _complete(run, rubric, out_dir, began, browser, None, before_scoring)
    finally:
        if run.documents is not None:
            run.documents.close()


def _refetch_documents(run: _Run, target_url: str, pages_found: int, browser: SharedBrowser | None = None) -> None:
    """The documents the stopped run had fetched but not parsed (their bytes are not kept): fetched
    again, politely, before the browser starts, and parsed while it renders (with the login's
    cookies when the run signs in)."""
    store, crawl_id = run.store, run.crawl_id
    site = store.load_site(crawl_id)
    if site.documents is None or not any(d.status == "pending" for d in site.documents.documents):
        return
    run.progress.phase("fetching documents again", None)
    run.documents = DocumentJob(store, target_url)
    client = make_client(
        user_agent=run.settings.user_agent,
        page_timeout=run.settings.page_timeout,
        policy=run.policy,
        loopback_only=run.machine.loopback_only,
        trust_ca_pem=run.machine.trust_ca_pem,
    )
    with client:
        if run.login is not None and browser is not None:
            _SignedInClient(run.login, browser, client)  # the client carries the session's cookies
        documents, last = refetch_pending(
            client, site.documents, run.settings, run.documents, gap=_page_gap(run), start_url=target_url
        )
    store.set_site(crawl_id, site.model_copy(update={"documents": documents}), pages_found)
    _count(run.timings, "requests_documents", documents.requests - site.documents.requests)
    run.last_request_at = last


def _candidates(found: Discovery) -> list[Candidate]:
    start = found.pages[0].url if found.pages else ""
    nav = set(found.nav_links)
    views = found.site.traffic.views if found.site.traffic is not None else {}
    return [
        Candidate(
            url=p.url,
            stratum=stratum_key(p.url, found.shells.get(p.url, "")),
            essential=p.url == start or p.url in nav,
            views=views.get(p.url),
        )
        for p in found.pages
    ]


POPULATION_KEY = "target_margin_population"  # timings: the blob of the population a margin run draws from


@dataclass(frozen=True)
class _Grower:
    """What growing a ``--target-margin`` sample needs: the population discovery found (each page's
    candidate facts and how the store plans it), kept as a blob so ``resume`` can grow it too."""

    settings: AuditSettings
    candidates: list[Candidate]
    planned: dict[str, PageArtifacts]

    @classmethod
    def of(cls, found: Discovery, settings: AuditSettings) -> _Grower:
        return cls(settings, _candidates(found), {p.url: p for p in planned_pages(found)})

    def dump(self) -> list[dict[str, Any]]:
        return [
            {"candidate": c.model_dump(mode="json"), "page": self.planned[c.url].model_dump(mode="json")}
            for c in self.candidates
        ]

    @classmethod
    def load(cls, data: list[dict[str, Any]], settings: AuditSettings) -> _Grower:
        candidates = [Candidate.model_validate(d["candidate"]) for d in data]
        planned = {c.url: PageArtifacts.model_validate(d["page"]) for c, d in zip(candidates, data, strict=True)}
        return cls(settings, candidates, planned)

    @property
    def population(self) -> int:
        return len(self.candidates)

    def draw(self, n: int) -> tuple[SampleFacts, list[PageArtifacts]]:
        """The seeded draw of ``n`` pages (a superset of any smaller draw) and those pages, planned."""
        sample = draw(self.candidates, n, self.settings.sample, self.settings.sample_seed)
        chosen = {u for s in sample.strata for u in s.drawn}
        return sample, [self.planned[c.url] for c in self.candidates if c.url in chosen]


def sample_pages(found: Discovery, settings: AuditSettings, n: int | None = None) -> Discovery:
    """The pages to audit: under ``sample: crawl`` all of discovery's (it stopped at max_pages);
    else a stratified or random draw of ``max_pages`` from the population it found, recorded with
    the site facts (maturity.core.sampling)."""
    if settings.sample == "crawl":
        return found
    candidates = _candidates(found)
    size = settings.max_pages if n is None else n
    sample = draw(candidates, size, settings.sample, settings.sample_seed)
    chosen = {u for s in sample.strata for u in s.drawn}
    return replace(
        found,
        pages=[p for p in found.pages if p.url in chosen],
        site=found.site.model_copy(update={"sample": sample}),
    )


def planned_pages(found: Discovery) -> list[PageArtifacts]:
    """Discovery's pages as the store plans them: pending, or already known to be not assessable."""
    out = []
    for ref in found.pages:
        http = found.http.get(ref.url)
        artifacts = {"http": http.model_dump(mode="json")} if http else {}
        reason = found.not_assessable.get(ref.url)
        status = "not_assessable" if reason else PENDING
        out.append(PageArtifacts(url=ref.url, depth=ref.depth, status=status, reason=reason, artifacts=artifacts))
    return out


def _complete(
    run: _Run,
    rubric: LoadedRubric,
    out_dir: Path,
    t0: float,
    browser: SharedBrowser | None,
    save_to: Path | None,
    before_scoring: Callable[[int], None] | None = None,
) -> AuditResult:
    """Render what is pending, measure what is missing, then finish, score and report."""
    store, crawl_id, progress = run.store, run.crawl_id, run.progress
    store.update_crawl(crawl_id, status="running")
    offmachine = _render_pending(run, browser)
    _note_login(run)
    run.timings["total_s"] = round(run.timings.get("total_s", 0) + time.perf_counter() - t0, 3)
    store.finish_crawl(crawl_id, status="finished", timings=run.timings)
    progress.close()
    if save_to is not None:
        save_artifacts(store, crawl_id, save_to)
    if before_scoring is not None:
        before_scoring(crawl_id)
    scoring_id, card = score_run(store, crawl_id, rubric)
    info = run_info(store, crawl_id, scoring_id)
    documents = store.load_site(crawl_id).documents
    paths = write_reports(info, card, out_dir, documents=documents, journeys=stored_journeys(store, crawl_id))
    return AuditResult(crawl_id, scoring_id, info, card, paths, offmachine)


def _render_pending(run: _Run, browser: SharedBrowser | None) -> list[str]:
    """Render the pending pages and measure what is missing; a stop or a failure keeps what is done
    and says how to resume. Returns the requests refused before they left (loopback-only mode)."""
    crawl_id = run.crawl_id
    try:
        work = _gather(run, browser.session if browser else None)
        offmachine: list[str] = browser.run(work) if browser else asyncio.run(work)
        interrupt.check()
        _finish_documents(run, wait=True)
    except interrupt.Interrupted:
        _record_stop(run, "interrupted: stopped on request")
        raise interrupt.Interrupted(
            f"stopped on request; finished pages are kept and the rest are pending: `maturity resume {crawl_id}`"
        ) from None
    except StoreUnavailable as exc:  # the database went away and did not come back in time
        _record_stop(run, str(exc))
        raise StoreUnavailable(
            f"{exc}; the pages stored before are kept: `maturity resume {crawl_id}` continues once it is back"
        ) from None
    except (MaturityError, KeyboardInterrupt) as exc:
        _record_stop(run, str(exc) or "interrupted")
        raise
    except Exception as exc:
        _record_stop(run, f"{type(exc).__name__}: {exc}")
        raise CannotRun(
            f"the audit stopped: {type(exc).__name__}: {exc} (finished pages are kept; "
            f"`maturity resume {crawl_id}` continues)"
        ) from exc
    return offmachine


def _finish_documents(run: _Run, *, wait: bool) -> None:
    """Store what parsing the run's documents gave (``wait``: all of it, once the pages are rendered;
    else what is in, when the run stops: the rest stays pending for ``resume``) and say in the
    timings how long parsing took and how much of it ran while the pages rendered."""
    job = run.documents
    if job is None:
        return
    began = time.perf_counter()
    if wait:
        job.wait(interrupt.check)
    run.documents = None
    try:
        if not job.handed_over:
            return  # no document was fetched: the run's timings read as before
        job.finish(run.store, run.crawl_id)
    finally:
        job.close()
    for key, value in job.timings(run.rendering).items():
        run.timings[key] = round(run.timings.get(key, 0) + value, 3)
    if wait:
        run.timings["documents_parse_wait_s"] = round(
            run.timings.get("documents_parse_wait_s", 0) + time.perf_counter() - began, 3
        )


def _grow_to_margin(run: _Run, population: _Grower, rubric: LoadedRubric, browser: SharedBrowser | None) -> None:
    """``target_margin``: render the sample drawn so far, score it (pure, nothing stored), and while
    the overall score's interval is wider than the margin, double the sample (a superset: the same
    seed, see maturity.core.sampling.draw) up to ``max_pages``. The run records which ended it.
    A resumed run comes back here with the population it stored, and grows on from where it stopped."""
    settings, store, crawl_id = run.settings, run.store, run.crawl_id
    margin = settings.target_margin
    assert margin is not None
    limit = min(settings.max_pages, population.population)
    while True:
        store.update_crawl(crawl_id, status="running")
        _render_pending(run, browser)
        with FileSpill() as spill:
            card = score(rubric, StoredPages(store, crawl_id), store.load_site(crawl_id), spill)
        span = card.overall_interval
        half = None if span is None else round((span[1] - span[0]) / 2, 1)
        planned = list(store.iter_pages(crawl_id, names=(), include_pending=True))  # URLs and status only
        if half is not None and half <= margin:
            run.timings["target_margin"] = f"met: ±{half:g} points with {len(planned)} pages (target ±{margin:g})"
            return
        if len(planned) >= limit:
            width = f"±{half:g}" if half is not None else "no interval"
            run.timings["target_margin"] = (
                f"not met: {width} points with {len(planned)} pages, the most allowed (target ±{margin:g})"
            )
            return
        sample, pages = population.draw(min(limit, 2 * len(planned)))
        known = {p.url for p in planned}
        site = store.load_site(crawl_id).model_copy(update={"sample": sample})
        store.set_site(crawl_id, site, len(pages))
        store.plan_pages(crawl_id, [p for p in pages if p.url not in known])


async def _gather(run: _Run, shared: BrowserSession | None) -> list[str]:
    start_url = run.store.crawl(run.crawl_id).target_url
    settings = browser_settings(run.settings, run.machine, page_gap=_page_gap(run))
    if shared is not None:
        shared.reconfigure(settings, start_url, run.policy, login=run.login)
        return await _render(run, shared)
    async with BrowserSession(settings, start_url, run.policy) as session:
        session.login = run.login
        return await _render(run, session)


def _page_gap(run: _Run) -> float:
    """The politeness discovery chose (kept with the run, so ``resume`` keeps it too)."""
    gap = run.timings.get("page_gap_s")
    if isinstance(gap, int | float):
        return float(gap)
    return politeness(run.settings.delay, None, 0).page_gap_s  # a run stored before pacing was recorded


async def _render(run: _Run, session: BrowserSession) -> list[str]:
    """Phase 1 (concurrent) on pending pages, then phase 2 (serial performance) where it is missing."""
    began = time.monotonic()
    try:
        return await _render_phases(run, session)
    finally:
        run.rendering.append((began, time.monotonic()))  # documents parse meanwhile (DocumentJob)


async def _render_phases(run: _Run, session: BrowserSession) -> list[str]:
    store, crawl_id, progress, timings = run.store, run.crawl_id, run.progress, run.timings
    store.update_crawl(crawl_id, axe_version=session.axe_version, browser_version=session.browser_version)
    if run.last_request_at is not None:
        session.pacer.hold(urlsplit(session.start_url).hostname or "", run.last_request_at)
    # Pending pages carry their discovery HTTP facts; finished ones are not read again (a resumed
    # run of thousands of pages would otherwise hold every artifact here).
    planned = list(store.iter_pages(crawl_id, names=(), include_pending=True))
    pending = [PageRef(url=p.url, depth=p.depth) for p in planned if p.status == PENDING]
    http = {
        p.url: HttpFacts.model_validate(p.artifacts["http"])
        for p in store.iter_pages(crawl_id, names=("http",), include_pending=True)
        if p.status == PENDING and "http" in p.artifacts
    }

    def page_done(page: PageArtifacts, elapsed_ms: float) -> None:
        if interrupt.STOP.is_set() and page.status != "ok":
            return  # failed because the run is stopping (its renderer was closed): still pending
        store.add_page(crawl_id, page, elapsed_ms)
        _count(timings, "requests_rendering", _requests_made(page.artifacts.get("network")))
        progress.advance(failed=page.status != "ok")

    progress.phase("auditing pages", len(pending))
    t = time.perf_counter()
    await _stoppable(session.gather(pending, http, page_done))
    timings["concurrent_s"] = round(timings.get("concurrent_s", 0) + time.perf_counter() - t, 3)

    # crawl order; only whether each page has its performance artifact is read
    assessed = [p for p in store.iter_pages(crawl_id, names=("performance",)) if p.status == "ok"]
    sample_size = run.settings.perf_sample
    sample = assessed if sample_size is None else assessed[:sample_size]
    to_measure = [p.url for p in sample if "performance" not in p.artifacts]

    def perf_done(url: str, data: dict[str, Any], _elapsed: float) -> None:
        if interrupt.STOP.is_set() and "error" in data:
            return  # measured again on resume
        store.add_artifact(crawl_id, url, "performance", data)
        _count(timings, "requests_performance", sum(int(r.get("requests") or 0) for r in data.get("runs") or []))
        progress.advance(failed="error" in data)

    progress.phase(f"measuring performance ({run.settings.throttle}, k={run.settings.perf_runs})", len(to_measure))
    t = time.perf_counter()
    await _stoppable(session.measure(to_measure, perf_done))
    timings["performance_s"] = round(timings.get("performance_s", 0) + time.perf_counter() - t, 3)
    skipped = ArtifactError(error="not in the performance sample", kind=NOT_SAMPLED).model_dump()
    for page in assessed[len(sample) :]:
        if "performance" not in page.artifacts:
            store.add_artifact(crawl_id, page.url, "performance", skipped)
    _count(timings, "page_loads", session.pacer.loads)
    timings["politeness_wait_s"] = round(float(timings.get("politeness_wait_s", 0)) + session.pacer.waited, 3)
    return list(session.offmachine_attempts)


def _requests_made(network: Any) -> int:
    """Requests a page's load sent to the network (those our guard blocked never left)."""
    if not isinstance(network, dict):
        return 0
    return sum(1 for r in network.get("requests") or [] if isinstance(r, dict) and not r.get("blocked"))


def _count(timings: dict[str, Any], key: str, n: int) -> None:
    timings[key] = int(timings.get(key, 0)) + n


async def _stoppable(work: Any) -> None:
    """Run ``work`` until it ends or the user asks to stop (then it is cancelled: Interrupted)."""
    task = asyncio.ensure_future(work)
    watcher = asyncio.ensure_future(interrupt.watch(task))
    try:
        await task
    except asyncio.CancelledError:
        if interrupt.STOP.is_set():
            raise interrupt.Interrupted("stopped on request") from None
        raise
    finally:
        watcher.cancel()
    interrupt.check()


def _record_stop(run: _Run, reason: str) -> None:
    """Mark the crawl as stopped with its reason; if the database itself is what failed, say so
    instead of hiding the first error behind a second. Documents parsed by then are stored; the
    others stay pending (``resume`` fetches and parses them)."""
    _note_login(run)
    try:
        try:
            _finish_documents(run, wait=False)
        finally:
            run.store.finish_crawl(run.crawl_id, status="failed", timings=run.timings, error=reason)
    except MaturityError:
        pass
    finally:
        run.progress.close()


def _note_login(run: _Run) -> None:
    """What the run did with its login, in its timings; never the session itself."""
    if run.login is not None:
        run.timings["login"] = {
            "journey": run.login.journey.id,
            "signed_in": run.login.session is not None,
            "renewals": run.login.renewals,
            "gave_up": run.login.exhausted,
        }


class _SignedInClient:
    """Discovery's side of a login: the client carries the session's cookies, and signing in again
    (when discovery is sent to the login page) runs the login journey in the shared browser."""

    def __init__(self, login: Login, browser: SharedBrowser, client: Any) -> None:
        self.login, self.browser, self.client = login, browser, client
        self.seen = 0
        self._load()

    @property
    def login_page(self) -> str:
        return self.login.login_page

    def _load(self) -> None:
        self.client.cookies.clear()
        for c in self.login.session.cookies if self.login.session is not None else []:
            self.client.cookies.set(str(c["name"]), str(c["value"]), domain=str(c["domain"]), path=str(c["path"]))
        self.seen = self.login.generation

    def renew(self) -> bool:
        signed_in = bool(self.browser.run(self.login.renew(self.browser.session, self.seen)))
        self._load()
        return signed_in

    def required(self) -> str:
        return self.login.required("discovery was sent to the login page")


AuditFn = Callable[..., AuditResult]
