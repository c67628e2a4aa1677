"""The journey workflow: read journey files and their secrets, run them k times in the browser, summarise.

Login journeys (``login: true``) run first; the session each leaves (cookies, localStorage and
sessionStorage) is kept in memory and starts every other journey of the same site signed in,
and a journey sent back to the login page mid-run signs in again and runs once more. A journey
whose site's login did not complete is "not assessable: login required". With an audit
(:func:`audit_between_journeys`) the login journey runs before the crawl, whose discovery and
browser contexts use its session too (:mod:`maturity.run.audit`), and the others after it.

Secrets come from the environment (``MATURITY_SECRET_<NAME>``); every text the runs return has
been redacted by the runner, and nothing raised from here carries a secret's value.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from crawlers.browser import BrowserSession, SharedBrowser
from crawlers.journey import Login, run_journey, run_keyboard
from maturity.core.checks.content.reading_grade import grade
from maturity.core.journey import (
    Journey,
    JourneyResult,
    LoadedJourney,
    Secrets,
    load_journey,
    login_required,
    parse_secrets_file,
    secrets_from_env,
    summarise,
)
from maturity.core.settings import AuditSettings, MachineSettings, compose
from maturity.kernel.errors import BrowserNotFound, CannotRun, ConfigError, MaturityError, StoreUnavailable
from maturity.run.audit import address_policy, browser_settings

log = logging.getLogger("maturity.journey")

T = TypeVar("T")


def journey_paths(paths: Sequence[str | Path]) -> list[Path]:
    """Files as given; a folder stands for its ``*.yaml`` and ``*.yml`` files, in name order."""
    out: list[Path] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.suffix in (".yaml", ".yml") and f.is_file())
        else:
            out.append(p)
    return out


def run_journey_file(path: str | Path, **kwargs: Any) -> JourneyResult:
    """One journey file (see :func:`run_journeys`)."""
    return run_journeys([path], **kwargs)[0]


def run_journeys(
    paths: Sequence[str | Path],
    *,
    runs: int = 1,
    machine: MachineSettings | None = None,
    environ: Mapping[str, str] | None = None,
    browser: SharedBrowser | None = None,
    with_axe: bool = True,
    keyboard: bool = True,
    secrets_file: str | Path | None = None,
    screenshots: str | Path | None = None,
) -> list[JourneyResult]:
    """Run each journey ``runs`` times (each run in a fresh browser context) and summarise, login
    journeys first. ``keyboard`` adds one run by keyboard alone. ``browser`` reuses a running
    Chromium (tests); without it the run starts its own. Secrets are read from the environment,
    else from ``secrets_file`` (refused when others may read it). With ``screenshots``, each
    state the first run reached is saved there as ``<journey id>/step-NN.png``."""
    plan = JourneyRun(
        paths,
        runs=runs,
        machine=machine,
        environ=environ,
        with_axe=with_axe,
        keyboard=keyboard,
        secrets_file=secrets_file,
        screenshots=screenshots,
    )

    async def go(session: BrowserSession) -> list[JourneyResult]:
        await plan.sign_in(session)
        return await plan.run_others(session)

    async def own_browser() -> list[JourneyResult]:
        first = plan.loaded[0].journey
        settings = browser_settings(_settings(first), plan.machine)
        async with BrowserSession(settings, first.start, address_policy(_settings(first), first.start)) as session:
            return await go(session)

    with redacted_logs(plan.everything), plan.failures():
        if browser is not None:
            results: list[JourneyResult] = browser.run(go(browser.session))
            return results
        return asyncio.run(own_browser())


class JourneyRun:
    """Journey files run in one browser in two parts, so that an audit can crawl between them:
    :meth:`sign_in` runs the login journeys (one per site at most) and keeps the session each
    leaves in memory (:meth:`login_for`); :meth:`run_others` then runs every other journey,
    signed in where its site has a login, "not assessable: login required" where that login did
    not complete. Results come back in the files' order."""

    def __init__(
        self,
        paths: Sequence[str | Path],
        *,
        runs: int = 1,
        machine: MachineSettings | None = None,
        environ: Mapping[str, str] | None = None,
        with_axe: bool = True,
        keyboard: bool = True,
        secrets_file: str | Path | None = None,
        screenshots: str | Path | None = None,
    ) -> None:
        self.loaded = [load_journey(p) for p in journey_paths(paths)]
        if not self.loaded:
            raise ConfigError(", ".join(str(p) for p in paths), "no journey files found")
        env = os.environ if environ is None else environ
        stored = read_secrets_file(secrets_file) if secrets_file is not None else None
        self.secrets = {
            item.source: secrets_from_env(item.journey.secret_names, env, item.source, stored) for item in self.loaded
        }
        logins: dict[str, LoadedJourney] = {}
        for item in self.loaded:
            if item.journey.login:
                other = logins.setdefault(item.journey.start_host, item)
                if other is not item:
                    raise ConfigError(item.source, f"a second login journey for {item.journey.start_host}", "login")
        self.runs, self.with_axe, self.keyboard = runs, with_axe, keyboard
        self.machine = machine or MachineSettings()
        self.screenshots = screenshots  # may be set between the two parts (a portfolio's report folder)
        self.everything = Secrets.combined(list(self.secrets.values()))
        self.signed_in: dict[str, tuple[Login, JourneyResult]] = {}
        self.results: dict[str, JourneyResult] = {}
        self._shots: dict[str, dict[int, bytes]] = {}  # the login journeys' screenshots, written at the end

    def login_for(self, url: str) -> Login | None:
        """The login of the site ``url`` is on, once :meth:`sign_in` ran it (signed in or not)."""
        host = (urlsplit(url).hostname or "").lower()
        found = self.signed_in.get(host)
        return found[0] if found is not None else None

    async def sign_in(self, session: BrowserSession) -> None:
        """Each login journey: ``runs`` runs and the keyboard run, then the run whose session is kept
        (last, so that a site allowing one session per person keeps this one)."""
        for item in self.loaded:
            journey = item.journey
            if not journey.login:
                continue
            _reconfigure(session, journey, self.machine)
            own = self.secrets[item.source]
            more, _ = await run_journey(session, journey, own, runs=self.runs - 1, with_axe=False)
            by_keys = await run_keyboard(session, journey, own) if self.keyboard else None
            shots: dict[int, bytes] | None = {} if self.screenshots is not None else None
            holder = Login(journey, own)
            first = await holder.sign_in(session, with_axe=self.with_axe, shots=shots)
            if shots is not None:
                self._shots[item.source] = shots
            self.results[item.source] = summarise(journey, [first, *more], by_keys, grade)
            self.signed_in[journey.start_host] = (holder, self.results[item.source])

    async def run_others(self, session: BrowserSession) -> list[JourneyResult]:
        """Every journey that is not a login, signed in where its site has one; then all the results."""
        for item in self.loaded:
            journey = item.journey
            if journey.login:
                continue
            _reconfigure(session, journey, self.machine)
            own = self.secrets[item.source]
            login, login_result = self.signed_in.get(journey.start_host, (None, None))
            if login is not None and login.session is None and login_result is not None:
                why = login.required() if login_result.outcome == "completed" else None
                self.results[item.source] = login_required(journey, login_result, why)
                continue
            shots: dict[int, bytes] | None = {} if self.screenshots is not None else None
            records, renewals = await run_journey(
                session, journey, own, runs=self.runs, with_axe=self.with_axe, login=login, shots=shots
            )
            by_keys = await run_keyboard(session, journey, own, login=login) if self.keyboard else None
            result = summarise(journey, records, by_keys, grade).model_copy(update={"login_renewals": renewals})
            self.results[item.source] = _with_shots(result, shots, self.screenshots)
        for source, shots in self._shots.items():
            self.results[source] = _with_shots(self.results[source], shots, self.screenshots)
        self._shots.clear()
        return [self.results[item.source] for item in self.loaded]

    def in_browser(self, browser: SharedBrowser, part: Callable[[BrowserSession], Awaitable[Any]]) -> Any:
        """One part (:meth:`sign_in` or :meth:`run_others`) in a running browser, its logs redacted."""
        with redacted_logs(self.everything), self.failures():
            return browser.run(part(browser.session))

    @contextlib.contextmanager
    def failures(self) -> Iterator[None]:
        """What went wrong, in words that carry no secret's value (and no traceback that could)."""
        try:
            yield
        except MaturityError as exc:  # no browser, and the like: their own words, unless a secret is in them
            text = self.everything.redact(str(exc))
            if text != str(exc):
                raise CannotRun(text) from None
            raise
        except Exception as exc:  # a bug: one line, redacted, with no chained traceback that could carry a value
            raise CannotRun(
                f"journeys could not run: {type(exc).__name__}: {self.everything.redact(str(exc))}"
            ) from None


def audit_between_journeys(
    plan: JourneyRun,
    browser: SharedBrowser,
    site_url: str,
    audit: Callable[[Login | None, JourneysAfter], T],
    store: Any,
    out_dir: Path,
) -> tuple[T, JourneysAfter]:
    """A site's audit between its journeys, in one browser: the login journey first, its session
    then signs the crawl in (``audit`` gets the site's :class:`Login`, or None), and the other
    journeys run with the same session once the audit has stored its pages and before it is
    scored (``audit`` gets that hook too: pass it as ``before_scoring``). Logs are redacted
    throughout (a login that ends mid-crawl types its secrets again). Returns the audit's result
    and the hook, which holds the journeys' results (or why they could not run)."""
    plan.in_browser(browser, plan.sign_in)
    hook = JourneysAfter([], store, out_dir, machine=plan.machine, browser=browser, plan=plan)
    with redacted_logs(plan.everything):
        done = audit(plan.login_for(site_url), hook)
    return done, hook


@dataclass
class JourneysAfter:
    """A site's journeys, run once its audit has stored its pages and before the run is scored
    (``audit(before_scoring=...)``), so the scoring's Tasks dimension sees them. The results are
    stored with the crawl and the screenshots written to ``OUT/run-N/journeys/``, beside the
    scorecard. With ``plan`` (a :class:`JourneyRun` whose login journeys already ran and signed
    the crawl in) the plan's other journeys run, signed in; without it every journey file in
    ``paths`` runs, login journeys first. A journey that cannot run leaves the audit as it is:
    the reason is kept in ``error`` (a missing browser or database still stops the run)."""

    paths: Sequence[str | Path]
    store: Any  # maturity.store.Store
    out_dir: Path
    machine: MachineSettings | None = None
    environ: Mapping[str, str] | None = None
    browser: SharedBrowser | None = None
    runs: int = 1
    plan: JourneyRun | None = None
    results: list[JourneyResult] = field(default_factory=list)
    error: str | None = None

    def __call__(self, crawl_id: int) -> None:
        from maturity.run.scoring import JOURNEY_SHOTS, run_folder
        from maturity.store import JourneyStore

        shots = run_folder(self.out_dir, crawl_id) / JOURNEY_SHOTS
        try:
            if self.plan is not None:
                assert self.browser is not None, "a signed-in plan runs in the browser that signed it in"
                self.plan.screenshots = shots
                self.results = self.plan.in_browser(self.browser, self.plan.run_others)
            else:
                self.results = run_journeys(
                    self.paths,
                    runs=self.runs,
                    machine=self.machine,
                    environ=self.environ,
                    browser=self.browser,
                    screenshots=shots,
                )
        except (BrowserNotFound, StoreUnavailable):
            raise
        except MaturityError as exc:
            self.error = " ".join(str(exc).split())[:500]
            return
        JourneyStore(self.store.engine).save(crawl_id, self.results, screenshots=shots)


def check_journeys(paths: Sequence[str | Path], environ: Mapping[str, str] | None = None) -> list[LoadedJourney]:
    """Every journey file valid and its secrets set, before anything is fetched (``audit --journeys``)."""
    loaded = [load_journey(p) for p in journey_paths(paths)]
    if not loaded:
        raise ConfigError(", ".join(str(p) for p in paths), "no journey files found")
    env = os.environ if environ is None else environ
    for item in loaded:
        secrets_from_env(item.journey.secret_names, env, item.source)
    return loaded


def write_journey_reports(results: list[JourneyResult], folder: Path) -> dict[str, Path]:
    """``journeys.txt`` and ``journeys.json`` beside a run's scorecards."""
    from reports.journey_text import journey_json, journey_text

    folder.mkdir(parents=True, exist_ok=True)
    paths = {"journeys-text": folder / "journeys.txt", "journeys-json": folder / "journeys.json"}
    paths["journeys-text"].write_text("\n".join(journey_text(r) for r in results), encoding="utf-8")
    paths["journeys-json"].write_text(journey_json(results), encoding="utf-8")
    return paths


def _with_shots(result: JourneyResult, shots: dict[int, bytes] | None, folder: str | Path | None) -> JourneyResult:
    """Write the run's screenshots under ``folder/<id>/`` and name each in its step."""
    if not shots or folder is None:
        return result
    where = Path(folder) / result.id
    where.mkdir(parents=True, exist_ok=True)
    steps = []
    for step in result.steps:
        shot = shots.get(step.index)
        if shot is not None:
            name = f"{result.id}/step-{step.index:02d}.png"
            (Path(folder) / name).write_bytes(shot)
            step = step.model_copy(update={"screenshot": name})
        steps.append(step)
    return result.model_copy(update={"steps": steps})


def read_secrets_file(path: str | Path) -> dict[str, str]:
    """A secrets file's values; refused when its permissions let anyone but its owner read it."""
    p = Path(path)
    try:
        mode = p.stat().st_mode
        data = p.read_bytes()
    except OSError as exc:
        raise ConfigError(str(p), f"cannot read secrets file: {exc.strerror or exc}") from None
    if os.name == "posix" and mode & 0o077:
        raise ConfigError(str(p), f"others may read or change this secrets file (mode {mode & 0o777:o}); chmod 600 it")
    return parse_secrets_file(data, str(p))


@contextlib.contextmanager
def redacted_logs(secrets: Secrets) -> Iterator[None]:
    """Every log record made meanwhile, by any logger on any thread (the guard logs the addresses it
    refuses, and a GET form puts typed values in its address), has its message redacted as it is made."""
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its format: left as it is
            return record
        redacted = secrets.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return record

    logging.setLogRecordFactory(factory)
    try:
        yield
    finally:
        logging.setLogRecordFactory(previous)


def _settings(journey: Journey) -> AuditSettings:
    return compose({"url": journey.start, "concurrency": 1}, sources=["the journey file"])


def _reconfigure(session: BrowserSession, journey: Journey, machine: MachineSettings) -> None:
    """The session's guard, pacing and address policy for this journey's site."""
    settings = _settings(journey)
    session.reconfigure(browser_settings(settings, machine), journey.start, address_policy(settings, journey.start))
