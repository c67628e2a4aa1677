"""Portfolio runs: many sites audited in one run, a few at a time, politely and honestly timed.

* **Sites at once.** Up to ``sites_at_once`` sites are audited together, each slot with its own
  Chromium (one :class:`~crawlers.browser.SharedBrowser` per slot, started once and reused for
  every site the slot audits): a SharedBrowser session serves one audit at a time.
* **Politeness per host.** Two sites on the same host (name, plus port when it is not the default)
  are never audited at the same time; the scheduler takes the next site whose host is free.
* **Honest timings.** Discovery and the concurrent phase of different sites overlap, but a
  performance phase has the machine to itself (:class:`PerfGate`): concurrency distorts timing
  metrics (an LCP of 300 ms alone was 812 ms beside four other loads, BROWSER-NOTES.md).
* **Failures are recorded, and the run goes on.** A site that cannot be audited (unreachable,
  blocked by robots.txt, stopped part-way) is stored as a failed crawl of its agency and listed in
  the summary; only a missing browser or an unavailable database stops the whole run.

The terminal display lives with the commands; this module reports through
:class:`~maturity.run.progress.PortfolioDisplay`.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maturity import __version__
from maturity.core.attest import check_against_rubric, load_attestations
from maturity.core.journey import JourneyResult
from maturity.core.model import AttestationSet
from maturity.core.portfolio import Portfolio, PortfolioSite, host_key
from maturity.core.rubric import LoadedRubric
from maturity.core.scoring import Scorecard
from maturity.core.settings import AuditSettings, MachineSettings
from maturity.kernel.errors import (
    BlockedByRobots,
    BrowserNotFound,
    ConfigError,
    MaturityError,
    SiteUnreachable,
    StoreUnavailable,
)
from maturity.run import interrupt
from maturity.run.progress import NoDisplay, PortfolioDisplay
from maturity.store import Store

if TYPE_CHECKING:
    from maturity.run.journey import JourneyRun


class PerfGate:
    """Gathering phases share the machine; a performance phase has it alone (writer-preferring)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._shared = 0
        self._exclusive = False
        self._waiting = 0

    def acquire_shared(self) -> None:
        with self._cond:
            while self._exclusive or self._waiting:
                self._cond.wait()
            self._shared += 1

    def release_shared(self) -> None:
        with self._cond:
            self._shared -= 1
            self._cond.notify_all()

    def acquire_exclusive(self) -> None:
        with self._cond:
            self._waiting += 1
            try:
                while self._exclusive or self._shared:
                    self._cond.wait()
            finally:
                self._waiting -= 1
            self._exclusive = True

    def release_exclusive(self) -> None:
        with self._cond:
            self._exclusive = False
            self._cond.notify_all()


class HostScheduler:
    """Hands out sites in file order, skipping any whose host is being audited right now."""

    def __init__(self, sites: Sequence[PortfolioSite]) -> None:
        self._pending = list(sites)
        self._busy: set[str] = set()
        self._cond = threading.Condition()
        self.stopped = False

    def take(self) -> PortfolioSite | None:
        with self._cond:
            while True:
                if self.stopped or not self._pending:
                    return None
                for i, site in enumerate(self._pending):
                    if site.host_key not in self._busy:
                        self._busy.add(site.host_key)
                        return self._pending.pop(i)
                self._cond.wait()

    def done(self, site: PortfolioSite) -> None:
        with self._cond:
            self._busy.discard(site.host_key)
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self.stopped = True
            self._cond.notify_all()


class SlotProgress:
    """The pipeline's progress interface for one audit in one slot; also takes and frees the perf gate."""

    def __init__(self, display: PortfolioDisplay, slot: int, label: str, gate: PerfGate | None) -> None:
        self.display, self.slot, self.label, self.gate = display, slot, label, gate
        self._holding: str | None = None  # "shared" | "exclusive"

    def _hold(self, kind: str | None) -> None:
        if self.gate is None or kind == self._holding:
            return
        if self._holding == "shared":
            self.gate.release_shared()
        elif self._holding == "exclusive":
            self.gate.release_exclusive()
        self._holding = None
        if kind == "shared":
            self.gate.acquire_shared()
        elif kind == "exclusive":
            self.gate.acquire_exclusive()
        self._holding = kind

    def phase(self, name: str, total: int | None) -> None:
        if name.startswith("measuring performance"):
            self._hold("exclusive")
        elif name.startswith("auditing"):
            self._hold("shared")
        else:
            self._hold(None)
        short = "performance" if name.startswith("measuring performance") else name.removeprefix("auditing ")
        self.display.slot(self.slot, f"{self.label}: {short}", total)

    def advance(self, *, failed: bool = False) -> None:
        self.display.advance_slot(self.slot)

    def decision(self, decision: Any) -> None: ...

    def close(self) -> None:
        self._hold(None)
        self.display.slot(self.slot, None)


@dataclass(frozen=True)
class SiteOutcome:
    site: PortfolioSite
    status: str  # finished | unreachable | blocked by robots.txt | failed
    crawl_id: int | None = None
    level: int | None = None
    level_name: str | None = None
    overall: float | None = None
    pages: int = 0
    not_assessable: int = 0
    error: str | None = None
    seconds: float = 0.0
    report: str | None = None
    journeys: tuple[JourneyResult, ...] = ()  # the site's journeys, run once its pages were audited, before scoring
    journeys_error: str | None = None  # why they could not run (the audit's outcome stands)

    @property
    def ok(self) -> bool:
        return self.status == "finished"


@dataclass
class PortfolioResult:
    portfolio: Portfolio
    outcomes: list[SiteOutcome] = field(default_factory=list)
    seconds: float = 0.0
    sites_at_once: int = 1

    @property
    def failures(self) -> list[SiteOutcome]:
        return [o for o in self.outcomes if not o.ok]


AuditFn = Callable[..., Any]
SettingsFor = Callable[[PortfolioSite], AuditSettings]


def _failure_status(exc: BaseException) -> str:
    if isinstance(exc, SiteUnreachable):
        return "unreachable"
    if isinstance(exc, BlockedByRobots):
        return "blocked by robots.txt"
    return "failed"


def run_portfolio(
    portfolio: Portfolio,
    settings_for: SettingsFor,
    store: Store,
    rubric: LoadedRubric,
    out_dir: Path,
    *,
    machine: MachineSettings | None = None,
    sites_at_once: int = 2,
    display: PortfolioDisplay | None = None,
    audit_fn: AuditFn | None = None,
    browsers: Sequence[Any] | None = None,
    browser_factory: Callable[[AuditSettings], Any] | None = None,
) -> PortfolioResult:
    """Audit every site of ``portfolio``; see the module doc for concurrency, politeness and failures.

    ``settings_for(site)`` gives each site's :class:`~maturity.core.settings.AuditSettings`
    (:func:`maturity.core.portfolio.site_settings`). Every attestation file the portfolio names is
    read first, so a bad one stops the run before any site is audited. ``browsers`` (one per slot,
    not closed here) reuses running browsers; otherwise each slot starts one with
    ``browser_factory(settings)`` (default: a SharedBrowser) and closes it at the end.
    """
    machine = machine or MachineSettings()
    if audit_fn is None:
        from maturity.run.audit import audit as default_audit

        audit_fn = default_audit
    run_audit: AuditFn = audit_fn
    attested = attestations_of(portfolio, rubric)
    check_site_journeys(portfolio)  # every journey valid, its secrets set, on its site: before any audit
    slots = max(1, min(sites_at_once, len(portfolio.sites)))
    if browsers is not None and len(browsers) < slots:
        raise ValueError(f"{slots} slots need {slots} browsers, got {len(browsers)}")
    display = display or NoDisplay()
    scheduler = HostScheduler(portfolio.sites)
    gate = PerfGate() if slots > 1 else None
    result = PortfolioResult(portfolio=portfolio, sites_at_once=slots)
    results_lock = threading.Lock()
    fatal: list[BaseException] = []
    t0 = time.perf_counter()

    def worker(slot: int) -> None:
        browser = browsers[slot] if browsers is not None else None
        owned = None
        try:
            while not interrupt.STOP.is_set() and (site := scheduler.take()) is not None:
                try:
                    settings = settings_for(site)
                    if browsers is None and owned is None:
                        factory = browser_factory or (lambda s: _default_browser(s, machine))
                        owned = browser = factory(settings)
                    # The site's login journey first: its session signs the crawl in; its other
                    # journeys run once its pages are stored and before it is scored, in the same browser.
                    plan, journeys_error = _sign_in(site, browser, machine) if site.journeys else (None, None)
                    extra: dict[str, Any] = {}
                    hook = None
                    if plan is not None:
                        from maturity.run.journey import JourneysAfter

                        hook = JourneysAfter([], store, out_dir, machine=machine, browser=browser, plan=plan)
                        extra["before_scoring"] = hook
                        login = plan.login_for(site.url)
                        if login is not None:
                            extra["login"] = login
                    with _redacted(plan):
                        outcome = _audit_one(
                            site,
                            settings,
                            store,
                            rubric,
                            out_dir,
                            portfolio,
                            lambda *a, _extra=extra, **kw: run_audit(
                                *a,
                                machine=machine,
                                attested=attested.get(site.attestations or ""),
                                agency=site.agency,  # its survey figures, when imported (issue 18)
                                services=portfolio.services,
                                fiscal_year_start=portfolio.fiscal_year_start,
                                **_extra,
                                **kw,
                            ),
                            browser,
                            SlotProgress(display, slot, site.host_key, gate),
                        )
                    if outcome.ok and journeys_error is not None:
                        outcome = replace(outcome, journeys_error=journeys_error)
                    elif outcome.ok and hook is not None:
                        outcome = replace(outcome, journeys=tuple(hook.results), journeys_error=hook.error)
                except (BrowserNotFound, StoreUnavailable) as exc:
                    fatal.append(exc)
                    scheduler.stop()
                    return
                finally:
                    scheduler.done(site)
                with results_lock:
                    result.outcomes.append(outcome)
                display.site_done()
        except BaseException as exc:  # a bug or an interrupt: stop the others, report it from the caller
            fatal.append(exc)
            scheduler.stop()
        finally:
            if owned is not None:
                try:
                    owned.close()
                except Exception:  # closing a broken browser must not hide the result
                    pass

    threads = [
        threading.Thread(target=worker, args=(i,), name=f"portfolio-slot-{i + 1}", daemon=True) for i in range(slots)
    ]
    try:
        for t in threads:
            t.start()
        for t in threads:
            while t.is_alive():
                t.join(0.2)
    except KeyboardInterrupt:
        scheduler.stop()
        display.close()
        raise
    display.close()
    if fatal:
        raise fatal[0]
    interrupt.check()  # stopped between sites: the sites not begun are not recorded as failures
    order = {s.url: i for i, s in enumerate(portfolio.sites)}
    result.outcomes.sort(key=lambda o: order[o.site.url])
    result.seconds = round(time.perf_counter() - t0, 3)
    return result


def attestations_of(portfolio: Portfolio, rubric: LoadedRubric) -> dict[str, AttestationSet]:
    """Each attestation file the portfolio names, read once and checked against the rubric's questions."""
    read: dict[str, AttestationSet] = {}
    for site in portfolio.sites:
        if site.attestations and site.attestations not in read:
            answers = load_attestations(site.attestations)
            check_against_rubric(answers, rubric.rubric.id, rubric.rubric.questions)
            read[site.attestations] = answers
    return read


def check_site_journeys(portfolio: Portfolio, environ: Mapping[str, str] | None = None) -> None:
    """Each site's journeys valid, their secrets set, and each starting on its own site's host."""
    from maturity.run.journey import check_journeys

    for site in portfolio.sites:
        if not site.journeys:
            continue
        for item in check_journeys(list(site.journeys), environ):
            if host_key(item.journey.start) != site.host_key:
                raise ConfigError(
                    item.source, f"it starts on {item.journey.start_host}, not on its site {site.url}", "start"
                )


def _redacted(plan: JourneyRun | None) -> contextlib.AbstractContextManager[None]:
    """Logs redacted during a signed-in audit (signing in again types the secrets)."""
    if plan is None:
        return contextlib.nullcontext()
    from maturity.run.journey import redacted_logs

    return redacted_logs(plan.everything)


def _sign_in(site: PortfolioSite, browser: Any, machine: MachineSettings) -> tuple[JourneyRun | None, str | None]:
    """The site's journeys read and its login journey run (before its audit), or why they could not
    be (the audit goes on unsigned; its outcome stands)."""
    from maturity.run.journey import JourneyRun

    try:
        plan = JourneyRun(list(site.journeys), machine=machine)
        plan.in_browser(browser, plan.sign_in)
    except (BrowserNotFound, StoreUnavailable):
        raise
    except MaturityError as exc:
        return None, " ".join(str(exc).split())[:500]
    return plan, None


def _default_browser(settings: AuditSettings, machine: MachineSettings) -> Any:
    from crawlers.browser import SharedBrowser
    from maturity.run.audit import browser_settings

    return SharedBrowser(browser_settings(settings, machine))


def _audit_one(
    site: PortfolioSite,
    settings: AuditSettings,
    store: Store,
    rubric: LoadedRubric,
    out_dir: Path,
    portfolio: Portfolio,
    audit_fn: AuditFn,
    browser: Any,
    progress: SlotProgress,
) -> SiteOutcome:
    t0 = time.perf_counter()
    before = store.last_crawl_id()
    try:
        res = audit_fn(settings, store, rubric, out_dir, progress=progress, browser=browser)
    except (BrowserNotFound, StoreUnavailable):
        raise
    except (MaturityError, Exception) as exc:  # one site's failure never stops the portfolio
        message = str(exc) if isinstance(exc, MaturityError) else f"{type(exc).__name__}: {exc}"
        message = " ".join(message.split())[:500] or type(exc).__name__
        crawl_id = _record_failure(store, site, settings, portfolio, before, message)
        return SiteOutcome(
            site, _failure_status(exc), crawl_id=crawl_id, error=message, seconds=round(time.perf_counter() - t0, 3)
        )
    finally:
        progress.close()
    store.set_membership(res.crawl_id, agency=site.agency, portfolio=portfolio.id, tags=site.tags)
    card: Scorecard = res.scorecard
    return SiteOutcome(
        site,
        "finished",
        crawl_id=res.crawl_id,
        level=card.level,
        level_name=card.level_name,
        overall=card.overall,
        pages=len(card.pages),
        not_assessable=len(card.pages) - card.assessable_pages,
        seconds=round(time.perf_counter() - t0, 3),
        report=str(res.report_paths.get("html", "")) or None,
    )


def _record_failure(
    store: Store, site: PortfolioSite, settings: Any, portfolio: Portfolio, before: int, message: str
) -> int:
    """Tag the failed crawl the audit left behind, or store one when it failed before starting one."""
    mine = [c for c in store.crawls_after(before) if c.agency is None and host_key(c.target_url) == site.host_key]
    if mine and mine[-1].id is not None:
        crawl_id = mine[-1].id
        if mine[-1].status != "failed":
            store.finish_crawl(crawl_id, status="failed", error=message)
    else:
        recorded = settings.recorded() if hasattr(settings, "recorded") else {}
        crawl_id = store.begin_crawl(site.url, settings=recorded, tool_version=__version__)
        store.finish_crawl(crawl_id, status="failed", error=message)
    store.set_membership(crawl_id, agency=site.agency, portfolio=portfolio.id, tags=site.tags)
    return crawl_id
