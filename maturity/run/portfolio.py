"""Portfolios: many agencies' sites, audited in one run, and their history read back from the store.

A **portfolio file** (YAML or CSV) lists agencies and their sites with optional tags (state,
branch, population tier, owner contact, anything else). Loading validates it completely; an
error names the file and the key path (YAML) or the line and column (CSV).

:func:`run_portfolio` audits every site:

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
"""

from __future__ import annotations

import csv
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from maturity import __version__
from maturity.core.configfile import load_yaml, validate
from maturity.core.history import RunSnapshot
from maturity.core.model import PerformanceFacts
from maturity.core.scoring import PageSummary, Scorecard
from maturity.kernel.errors import (
    BlockedByRobots,
    BrowserNotFound,
    ConfigError,
    MaturityError,
    SiteUnreachable,
    StoreUnavailable,
)
from maturity.kernel.urls import normalize_url
from maturity.run.audit import run_info_of
from maturity.store import Crawl, Scoring, Store, StoredRun

# ---------------------------------------------------------------------------
# The portfolio file
# ---------------------------------------------------------------------------

_TAG_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
RESERVED_CSV_COLUMNS = ("agency", "url")
OPTIONAL_CSV_COLUMNS = ("attestations",)  # not tags

TagValue = str | int | float | bool


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _tags(value: dict[str, TagValue] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, v in (value or {}).items():
        if not _TAG_NAME.match(key):
            raise ValueError(f"tag name {key!r}: use lower-case letters, digits and _ (e.g. population_tier)")
        out[key] = str(v).lower() if isinstance(v, bool) else str(v)
    return out


def check_url(url: str) -> str:
    """The site's identity: the normalised start URL (as discovery stores it)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    normalised = normalize_url(url)
    if normalised is None:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return normalised


class SiteSettings(_Strict):
    """Audit settings a portfolio file may set for all its sites, an agency's, or one site.

    The command line gives every site's defaults; ``settings:`` replaces them, the site's own over
    its agency's over the portfolio's (an intranet site may need ``allow_private``, a large one
    ``max_pages``).
    """

    max_pages: int | None = Field(default=None, ge=1)
    max_depth: int | None = Field(default=None, ge=0)
    include: list[str] | None = None  # regular expressions
    exclude: list[str] | None = None
    page_timeout: float | None = Field(default=None, gt=0)
    perf_pages: int | None = Field(default=None, ge=0)  # 0: every page
    block_third_party: bool | None = None
    allow_private: bool | None = None
    ignore_robots: bool | None = None
    max_page_bytes: int | None = Field(default=None, ge=1_000)

    @field_validator("include", "exclude")
    @classmethod
    def _regexes(cls, value: list[str] | None) -> list[str] | None:
        for pattern in value or ():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {pattern!r} ({exc})") from None
        return value

    def audit_fields(self) -> dict[str, Any]:
        """The set keys, as :class:`~maturity.run.audit.AuditSettings` field names and values."""
        out: dict[str, Any] = {}
        for key, value in self.model_dump(exclude_none=True).items():
            if key == "ignore_robots":
                out["respect_robots"] = not value
            elif key == "perf_pages":
                out["perf_pages"] = value or None
            elif key in ("include", "exclude"):
                out[key] = tuple(value)
            else:
                out[key] = value
        return out


class _SiteEntry(_Strict):
    url: str
    tags: dict[str, TagValue] = Field(default_factory=dict)
    settings: SiteSettings = Field(default_factory=SiteSettings)


class _AgencyEntry(_Strict):
    name: str = Field(min_length=1)
    tags: dict[str, TagValue] = Field(default_factory=dict)
    attestations: str | None = None  # the agency's attestation file, relative to the portfolio file
    settings: SiteSettings = Field(default_factory=SiteSettings)
    sites: list[str | _SiteEntry] = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("agency name is empty")
        return " ".join(v.split())


class _PortfolioFile(_Strict):
    id: str | None = None
    title: str | None = None
    tags: dict[str, TagValue] = Field(default_factory=dict)
    settings: SiteSettings = Field(default_factory=SiteSettings)
    agencies: list[_AgencyEntry] = Field(min_length=1)


@dataclass(frozen=True)
class PortfolioSite:
    url: str  # normalised start URL: the site's identity across runs
    agency: str
    tags: dict[str, str] = field(default_factory=dict)  # portfolio, agency and site tags merged
    attestations: str | None = None  # path of the agency's attestation file (``maturity audit --attestations``)
    settings: dict[str, Any] = field(default_factory=dict)  # AuditSettings fields this site sets (portfolio file)

    @property
    def host_key(self) -> str:
        return host_key(self.url)


@dataclass(frozen=True)
class Portfolio:
    id: str
    title: str
    source: str
    sites: list[PortfolioSite]

    @property
    def agencies(self) -> list[str]:
        return list(dict.fromkeys(s.agency for s in self.sites))


def host_key(url: str) -> str:
    """Politeness key: the host name, with the port when it is not the scheme's default."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return host if parts.port in (None, default) else f"{host}:{parts.port}"


def slug(text: str) -> str:
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return out or "portfolio"


def load_portfolio(path: str | Path, *, portfolio_id: str | None = None) -> Portfolio:
    """Read and validate a portfolio file (``.yaml``/``.yml`` or ``.csv``)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ConfigError(str(p), f"cannot read portfolio: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(str(p), "portfolio is not UTF-8 text") from None
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        loaded = parse_yaml(text, str(p))
    elif suffix == ".csv":
        loaded = parse_csv(text, str(p))
    else:
        raise ConfigError(str(p), "a portfolio file must be .yaml, .yml or .csv")
    if portfolio_id is not None:
        if not _ID.match(portfolio_id):
            raise ConfigError(str(p), "use lower-case letters, digits, '.', '_' and '-'", "--portfolio-id")
        loaded = replace(loaded, id=portfolio_id)
    return loaded


def parse_yaml(text: str, source: str) -> Portfolio:
    raw = load_yaml(text, source, "portfolio")
    if not isinstance(raw, dict):
        raise ConfigError(source, "a portfolio must be a mapping with an 'agencies' list")
    parsed = validate(_PortfolioFile, raw, source, skip=_UNION_BRANCHES)
    if parsed.id is not None and not _ID.match(parsed.id):
        raise ConfigError(source, "use lower-case letters, digits, '.', '_' and '-'", "id")
    try:
        common = _tags(parsed.tags)
    except ValueError as exc:
        raise ConfigError(source, str(exc), "tags") from None
    sites: list[PortfolioSite] = []
    seen: dict[str, str] = {}
    agencies: dict[str, str] = {}
    for a, agency in enumerate(parsed.agencies):
        base = f"agencies[{a}]"
        if agency.name in agencies:
            raise ConfigError(
                source, f"agency {agency.name!r} is already listed at {agencies[agency.name]}", f"{base}.name"
            )
        agencies[agency.name] = base
        try:
            agency_tags = _tags(agency.tags)
        except ValueError as exc:
            raise ConfigError(source, str(exc), f"{base}.tags") from None
        attestations = _attestation_file(agency.attestations, source, f"{base}.attestations")
        for s, entry in enumerate(agency.sites):
            key = f"{base}.sites[{s}]"
            url, own = (entry, {}) if isinstance(entry, str) else (entry.url, entry.tags)
            own_settings = {} if isinstance(entry, str) else entry.settings.audit_fields()
            key_url = key if isinstance(entry, str) else f"{key}.url"
            try:
                normalised = check_url(url)
            except ValueError as exc:
                raise ConfigError(source, str(exc), key_url) from None
            try:
                site_tags = _tags(own)
            except ValueError as exc:
                raise ConfigError(source, str(exc), f"{key}.tags") from None
            if normalised in seen:
                raise ConfigError(source, f"site {normalised} is already listed at {seen[normalised]}", key_url)
            seen[normalised] = key_url
            sites.append(
                PortfolioSite(
                    normalised,
                    agency.name,
                    {**common, **agency_tags, **site_tags},
                    attestations,
                    {**parsed.settings.audit_fields(), **agency.settings.audit_fields(), **own_settings},
                )
            )
    pid = parsed.id or slug(Path(source).stem)
    return Portfolio(id=pid, title=parsed.title or Path(source).stem, source=source, sites=sites)


def parse_csv(text: str, source: str) -> Portfolio:
    """``agency,url`` plus any other columns, which become tags (``state,branch,population_tier,owner``)."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise ConfigError(source, "the file is empty; the first line names the columns (agency,url,...)")
    reader = csv.reader(text.splitlines())
    header: list[str] | None = None
    sites: list[PortfolioSite] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = [re.sub(r"[\s-]+", "_", c.strip().lower()) for c in row]
            for required in RESERVED_CSV_COLUMNS:
                if required not in header:
                    raise ConfigError(
                        source, f"missing column {required!r} (the first line names the columns)", "line 1"
                    )
            for name in header:
                if not _TAG_NAME.match(name):
                    raise ConfigError(
                        source, f"column {name!r}: use letters, digits and _ in column names", f"line {line}"
                    )
            if len(set(header)) != len(header):
                raise ConfigError(source, "a column is named twice", f"line {line}")
            continue
        if len(row) > len(header):
            raise ConfigError(source, f"{len(row)} cells but {len(header)} columns", f"line {line}")
        cells = dict(zip(header, (c.strip() for c in row), strict=False))
        agency = " ".join(cells.get("agency", "").split())
        if not agency:
            raise ConfigError(source, "the agency is empty", f"line {line}, column agency")
        try:
            url = check_url(cells.get("url", ""))
        except ValueError as exc:
            raise ConfigError(source, str(exc), f"line {line}, column url") from None
        if url in seen:
            raise ConfigError(source, f"site {url} is already listed on line {seen[url]}", f"line {line}, column url")
        seen[url] = line
        tags = {k: v for k, v in cells.items() if k not in (*RESERVED_CSV_COLUMNS, *OPTIONAL_CSV_COLUMNS) and v}
        attestations = _attestation_file(cells.get("attestations") or None, source, f"line {line}, column attestations")
        sites.append(PortfolioSite(url, agency, tags, attestations))
    if not sites:
        raise ConfigError(source, "no sites listed (one line per site after the column names)")
    stem = Path(source).stem
    return Portfolio(id=slug(stem), title=stem, source=source, sites=sites)


def _attestation_file(value: str | None, source: str, key: str) -> str | None:
    """An attestation file named in the portfolio, relative to the portfolio file; it must exist."""
    if not value:
        return None
    path = Path(value) if Path(value).is_absolute() else Path(source).parent / value
    if not path.is_file():
        raise ConfigError(source, f"attestation file not found: {path}", key)
    return str(path)


_UNION_BRANCHES = ("str", "_SiteEntry")  # pydantic names the branch of `sites: list[str | _SiteEntry]` it tried


# ---------------------------------------------------------------------------
# Running: slots, politeness, the performance gate, progress
# ---------------------------------------------------------------------------


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


class Display:
    """Progress for a portfolio run: sites done with the time left, and each slot's pages.

    Shows only on a terminal (``enabled``); everything is a no-op otherwise.
    """

    def __init__(self, *, total_sites: int, slots: int, enabled: bool) -> None:
        self.enabled = enabled
        self._lock = threading.Lock()
        self._bar: Any = None
        self._sites: Any = None
        self._slots: list[Any] = []
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        self._bar.start()
        self._sites = self._bar.add_task("sites", total=total_sites)
        self._slots = [self._bar.add_task(f"  slot {i + 1}", total=None, visible=False) for i in range(slots)]

    def slot(self, index: int, description: str | None, total: int | None = None) -> None:
        """Show what a slot is doing (``None``: nothing; the slot's line is hidden)."""
        if self._bar is None:
            return
        task_id = self._slots[index]
        with self._lock:
            if description is None:
                self._bar.update(task_id, visible=False)
                return
            self._bar.reset(task_id, total=total, description=f"  {description}", visible=True)
            if total is None:  # reset keeps the old total; an unknown total shows a pulsing bar
                for task in self._bar.tasks:
                    if task.id == task_id:
                        task.total = None

    def advance_slot(self, index: int) -> None:
        if self._bar is not None:
            self._bar.update(self._slots[index], advance=1)

    def site_done(self) -> None:
        if self._bar is not None:
            self._bar.update(self._sites, advance=1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


class SlotProgress:
    """The pipeline's progress interface for one audit in one slot; also takes and frees the perf gate."""

    def __init__(self, display: Display, slot: int, label: str, gate: PerfGate | None) -> None:
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
SettingsFor = Callable[[PortfolioSite], Any]


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
    rubric: Any,
    out_dir: Path,
    *,
    sites_at_once: int = 2,
    display: Display | None = None,
    audit_fn: AuditFn | None = None,
    browsers: Sequence[Any] | None = None,
    browser_factory: Callable[[Any], Any] | None = None,
) -> PortfolioResult:
    """Audit every site of ``portfolio``; see the module doc for concurrency, politeness and failures.

    ``settings_for(site)`` gives each site's :class:`~maturity.run.audit.AuditSettings`.
    ``browsers`` (one per slot, not closed here) reuses running browsers; otherwise each slot
    starts one with ``browser_factory(settings)`` (default: a SharedBrowser) and closes it at the end.
    """
    if audit_fn is None:
        from maturity.run.audit import audit as audit_fn
    slots = max(1, min(sites_at_once, len(portfolio.sites)))
    if browsers is not None and len(browsers) < slots:
        raise ValueError(f"{slots} slots need {slots} browsers, got {len(browsers)}")
    display = display or Display(total_sites=len(portfolio.sites), slots=slots, enabled=False)
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
            while (site := scheduler.take()) is not None:
                try:
                    settings = settings_for(site)
                    if browsers is None and owned is None:
                        owned = browser = (browser_factory or _default_browser)(settings)
                    outcome = _audit_one(
                        site,
                        settings,
                        store,
                        rubric,
                        out_dir,
                        portfolio,
                        audit_fn,
                        browser,
                        SlotProgress(display, slot, site.host_key, gate),
                    )
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
    order = {s.url: i for i, s in enumerate(portfolio.sites)}
    result.outcomes.sort(key=lambda o: order[o.site.url])
    result.seconds = round(time.perf_counter() - t0, 3)
    return result


def _default_browser(settings: Any) -> Any:
    from crawlers.browser import SharedBrowser
    from maturity.run.audit import browser_settings

    return SharedBrowser(browser_settings(settings))


def _audit_one(
    site: PortfolioSite,
    settings: Any,
    store: Store,
    rubric: Any,
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


# ---------------------------------------------------------------------------
# Reading history back from the store
# ---------------------------------------------------------------------------


def choose_scoring(scorings: Sequence[Scoring], reference_sha: str | None) -> Scoring | None:
    """The scoring under the reference rubric when the crawl has one, else its newest scoring."""
    if not scorings:
        return None
    same = [s for s in scorings if s.rubric_sha256 == reference_sha]
    return same[-1] if same else scorings[-1]


def load_snapshots(
    store: Store, portfolio: str | None = None, *, perf_latest: int = 2, site: str | None = None
) -> dict[str, list[RunSnapshot]]:
    """Every stored run, grouped by site (start URL), oldest first, each with the scorecard chosen so
    a site's runs share one rubric wherever they can (the rubric of the site's newest scoring).

    Performance facts are loaded for the newest ``perf_latest`` scored runs of each site only.
    """
    by_site: dict[str, list[StoredRun]] = {}
    for run in store.history(portfolio):
        if site is not None and run.crawl.target_url != site:
            continue
        by_site.setdefault(run.crawl.target_url, []).append(run)
    out: dict[str, list[RunSnapshot]] = {}
    for url, runs in by_site.items():
        newest = max((s for r in runs for s in r.scorings), key=lambda s: s.id or 0, default=None)
        reference = newest.rubric_sha256 if newest else None
        agency = next((r.crawl.agency for r in reversed(runs) if r.crawl.agency), None) or host_key(url)
        snaps: list[RunSnapshot] = []
        scored_seen = 0
        for run in reversed(runs):
            scoring = choose_scoring(run.scorings, reference)
            card = store.scorecard(scoring) if scoring else None
            perf = None
            if card is not None and scored_seen < perf_latest:
                perf = _perf(store.page_artifact(run.crawl.id or 0, "performance"))
                scored_seen += 1
            snaps.append(
                RunSnapshot(
                    run=run_info_of(run.crawl, scoring.id if scoring else None),
                    site=url,
                    agency=agency,
                    portfolio=run.crawl.portfolio,
                    tags=run.tags,
                    error=run.crawl.error,
                    pages=[PageSummary(url=u, status=s, reason=r) for u, s, r in run.pages],
                    scorecard=card,
                    perf=perf,
                )
            )
        out[url] = list(reversed(snaps))
    return out


def _perf(raw: dict[str, Any]) -> dict[str, PerformanceFacts]:
    out = {}
    for url, data in raw.items():
        if isinstance(data, dict) and "median" in data:
            try:
                out[url] = PerformanceFacts.model_validate(data)
            except ValidationError:
                continue
    return out


# ---------------------------------------------------------------------------
# Retention and rescoring
# ---------------------------------------------------------------------------


def prune_plan(store: Store, keep: int) -> list[int]:
    """Crawl ids to remove so each site keeps its first run and its newest ``keep`` runs.

    Runs still in progress are never removed.
    """
    if keep < 1:
        raise ValueError("keep at least one run per site")
    by_site: dict[str, list[Crawl]] = {}
    for run in store.history():
        by_site.setdefault(run.crawl.target_url, []).append(run.crawl)
    doomed: list[int] = []
    for crawls in by_site.values():
        ids = [c.id for c in crawls if c.id is not None and c.status != "running"]  # running: neither kept nor counted
        if ids:
            kept = {ids[0], *ids[-keep:]}
            doomed.extend(i for i in ids if i not in kept)
    return sorted(doomed)


def rescore_all(
    store: Store, rubric: Any, *, portfolio: str | None = None, force: bool = False
) -> tuple[list[int], int]:
    """Score every finished run again under ``rubric`` (a LoadedRubric); no browser, no network.

    Runs that already have a scoring under this rubric (same sha256) are skipped unless ``force``.
    Returns (crawl ids scored, runs skipped).
    """
    from maturity.core.scoring import score

    done, skipped = [], 0
    for run in store.history(portfolio):
        crawl_id = run.crawl.id
        if crawl_id is None or run.crawl.status != "finished":
            continue
        if not force and any(s.rubric_sha256 == rubric.sha256 for s in run.scorings):
            skipped += 1
            continue
        card = score(rubric, store.load_pages(crawl_id), store.load_site(crawl_id))
        store.add_scoring(crawl_id, card)
        done.append(crawl_id)
    return done, skipped
