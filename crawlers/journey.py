"""Running a task journey in the browser: each step as a person would do it, timed, and checked.

Each run has a context of its own (nothing carries over from the crawl or another run), under
the session's guard (the address policy, loopback-only mode) and one more gate of the journey's
own: requests go only to the start's host and the hosts the file names, and nothing that would
change something (a request other than GET, HEAD or OPTIONS; a button named like "Pay" or
"Submit") is sent unless the step says ``submit: allowed``.

Every text that leaves a run (reasons, addresses, axe-core's findings) passes the journey's
secret redaction first; secrets are typed into the page and go nowhere else.

A login journey's session (:class:`Login`) also signs a crawl in: :mod:`crawlers.gather` and
:mod:`crawlers.perf` start their contexts with it, tell by :func:`session_ended` that it ended,
and sign in again through :meth:`Login.renew` (bounded, once for all the workers).
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Locator
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page as PwPage
from playwright.async_api import TimeoutError as PlaywrightTimeout

from crawlers.guard import NetworkLog
from crawlers.plainwords import plain_error
from crawlers.settle import settle
from crawlers.tabs import close_quietly, dismiss, one_line
from maturity.core.journey import (
    SECRET,
    AxeSummary,
    Expect,
    Journey,
    RunRecord,
    Secrets,
    Step,
    StepRun,
    Target,
    changes_something,
    looks_like_submit,
    run_outcome,
)

if TYPE_CHECKING:
    from crawlers.browser import BrowserSession

log = logging.getLogger("maturity.journey")

# What a person would have to do that a script must not: found on the page when a step fails.
_PERSON_NEEDED = r"""() => {
  const text = ((document.body && document.body.innerText) || '').toLowerCase();
  if (document.querySelector('input[autocomplete="one-time-code"]')) return 'the page asks for a one-time code';
  if (/one-time (pass)?code|verification code|enter the code (we|that we) (sent|texted|emailed)/.test(text))
    return 'the page asks for a one-time code';
  if (document.querySelector('iframe[src*="recaptcha"], iframe[src*="hcaptcha"], iframe[src*="turnstile"], ' +
      '.g-recaptcha, .h-captcha, .cf-turnstile') || /captcha|i'?m not a robot|i am not a robot/.test(text))
    return 'the page shows a captcha';
  for (const d of document.querySelectorAll('dialog[open], [role="dialog"], [aria-modal="true"]')) {
    if (/cookie|consent|privacy/.test((d.innerText || '').toLowerCase()))
      return 'a consent dialog covers the page (add a step that answers it)';
  }
  return null;
}"""

# The control a click is about to press: enough to tell whether it would send a form.
_CONTROL = r"""(el) => {
  const tag = el.tagName.toLowerCase();
  const type = (el.getAttribute('type') || (tag === 'button' ? 'submit' : '')).toLowerCase();
  const role = el.getAttribute('role') || '';
  const labelled = el.getAttribute('aria-labelledby');
  let name = el.getAttribute('aria-label') || '';
  if (!name && labelled)
    name = labelled.split(/\s+/).map(id => (document.getElementById(id) || {}).innerText || '').join(' ');
  if (!name) name = el.innerText || el.value || el.getAttribute('title') || el.getAttribute('alt') || '';
  const button = tag === 'button' || role === 'button' ||
    (tag === 'input' && ['submit', 'button', 'image'].includes(type));
  const form = el.form || el.closest('form');
  const sends = !!form && (tag === 'button' || tag === 'input') && ['submit', 'image'].includes(type);
  const method = sends ? ((el.getAttribute('formmethod') || form.getAttribute('method') || 'get').toLowerCase()) : '';
  return {button, name: name.trim().slice(0, 200), method};
}"""


# Where focus is, seen from the step's target: the target (and whether focus shows), the page's
# body (a round of the Tab order ended), or another element (numbered once, so a repeat shows).
_FOCUS = r"""(el) => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;  // into shadow roots
  if (!a || a === document.body || a === document.documentElement) return {kind: 'body'};
  // Focus inside a frame: the frame is all this document sees, however often Tab moves within it.
  if ((a.tagName === 'IFRAME' || a.tagName === 'FRAME') && !a.contains(el)) return {kind: 'frame'};
  if (a === el || el.contains(a) || a.contains(el)) {  // a link around the text counts as its target
    const s = getComputedStyle(a);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const shadow = !!s.boxShadow && s.boxShadow !== 'none';
    return {kind: 'target', visible: outline || shadow, tag: el.tagName.toLowerCase(),
            type: (el.getAttribute('type') || '').toLowerCase(), role: el.getAttribute('role') || ''};
  }
  // One stop of a group the arrow keys move within: radio buttons of one name, or a composite
  // widget (radio group, tab list, menu, toolbar, listbox, grid, tree) holding both.
  const radios = a.type === 'radio' && el.type === 'radio' && a.name && a.name === el.name && a.form === el.form;
  const box = a.closest('[role=radiogroup],[role=tablist],[role=menu],[role=menubar],[role=toolbar],' +
                        '[role=listbox],[role=grid],[role=tree],[role=treegrid]');
  if (radios || (box && box.contains(el))) return {kind: 'group'};
  if (!a.__maturityFocus) a.__maturityFocus = (window.__maturityFocusN = (window.__maturityFocusN || 0) + 1);
  return {kind: 'other', id: a.__maturityFocus, what: (a.tagName.toLowerCase() + ' ' +
          (a.getAttribute('aria-label') || a.innerText || a.value || '').trim().slice(0, 60)).trim()};
}"""
MAX_TABS = 300  # Tab presses before a target counts as out of the keyboard's reach


@dataclass(repr=False)
class LoginSession:
    """What a login journey left: cookies, and localStorage and sessionStorage by origin, with the
    page it signed in on (where an ended session sends people back) and the fields of its login
    form (should the form appear again). Held in memory only: never written, never
    logged (``repr`` shows counts)."""

    cookies: list[dict[str, Any]]
    storage: dict[str, dict[str, dict[str, str]]]  # origin -> {"local": {...}, "session": {...}}
    login_page: str
    form: tuple[Target, ...] = ()

    def __repr__(self) -> str:
        return f"LoginSession({len(self.cookies)} cookies, origins {sorted(self.storage)})"

    def restore_script(self) -> str:
        """An init script that puts the stored items back in each document of their origin (once a
        key is gone the page's own logic decides; a key already there is left alone)."""
        return (
            "(() => { const mine = (" + json.dumps(self.storage) + ")[location.origin]; if (!mine) return;"
            " try { for (const [k, v] of Object.entries(mine.local || {}))"
            " if (localStorage.getItem(k) === null) localStorage.setItem(k, v);"
            " for (const [k, v] of Object.entries(mine.session || {}))"
            " if (sessionStorage.getItem(k) === null) sessionStorage.setItem(k, v); } catch (e) {} })();"
        )

    async def enter(self, context: BrowserContext) -> None:
        """Sign a fresh context in: the cookies, and the storage put back in every document."""
        await context.add_cookies(self.cookies)  # type: ignore[arg-type]
        await context.add_init_script(self.restore_script())


MAX_RENEWALS = 5  # times one run signs in again after its session ended, before pages count as "login required"


class Login:
    """A site's login journey and the session it left, signed in again when the session ends.

    Shared by the crawl (discovery, every browser context) and the site's other journeys. The
    session ending is seen as a redirect to the login page or the login form on a page that is
    not the login page; signing in again is bounded (``max_renewals`` for the whole run), and
    ``generation`` counts the sign-ins, so concurrent workers that all saw the session end sign
    in once and each then opens a fresh context."""

    def __init__(self, journey: Journey, secrets: Secrets, *, max_renewals: int = MAX_RENEWALS) -> None:
        self.journey = journey
        self.secrets = secrets
        self.session: LoginSession | None = None
        self.login_page = journey.start
        self.form = login_form(journey)
        self.failure: str | None = None  # why the last sign-in did not complete
        self.exhausted = False  # it signed in again ``max_renewals`` times, and the session ended once more
        self.generation = 0
        self.renewals = 0
        self.max_renewals = max_renewals
        self._lock: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    def __repr__(self) -> str:
        return f"Login({self.journey.id}, signed in: {self.session is not None})"

    async def sign_in(
        self, browser: BrowserSession, *, with_axe: bool = False, shots: dict[int, bytes] | None = None
    ) -> RunRecord:
        kept: list[LoginSession] = []
        record = await run_once(browser, self.journey, self.secrets, with_axe=with_axe, capture=kept, shots=shots)
        self.session = kept[0] if kept else None
        self.login_page = self.session.login_page if self.session else _login_page(self.journey, record)
        if self.session is None:
            outcome, step, reason = run_outcome(record.steps)
            self.failure = f"{outcome.replace('_', ' ')} at step {step}: {reason}"
        else:
            self.failure = None
        self.generation += 1
        return record

    async def renew(self, browser: BrowserSession, seen: int) -> bool:
        """Sign in again after the session ended for a worker signed in at generation ``seen``:
        once for all the workers that saw it end (a later generation means another did it), never
        after a sign-in that failed, and at most ``max_renewals`` times. True: signed in now."""
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock[0] is not loop:
            self._lock = (loop, asyncio.Lock())
        async with self._lock[1]:
            if self.generation != seen:
                return self.session is not None
            if self.session is None or self.renewals >= self.max_renewals:
                if self.session is not None:  # no more: the rest of the run goes on without a session
                    self.exhausted, self.session = True, None
                return False
            self.renewals += 1
            log.info("the login session of %s ended; signing in again", self.journey.id)
            await self.sign_in(browser)
            return self.session is not None

    def required(self, why: str = "") -> str:
        """A page's reason for being "not assessable: login required"."""
        if self.failure is not None:
            return f"login required: the login journey {self.journey.id} did not complete ({self.failure})"
        if self.exhausted:
            return (
                f"login required: the login session ended again after signing in again {self.renewals} times, "
                f"the most a run does ({why or 'the login session ended'})"
            )
        return f"login required: {why or 'the login session ended'}"

    async def ended(self, page: PwPage, requested: str) -> str | None:
        """Why ``page``, loaded from ``requested``, shows no session (see :func:`session_ended`)."""
        return await session_ended(page, requested, self.login_page, self.form)


def login_form(journey: Journey) -> tuple[Target, ...]:
    """The login form's tell: the first field a login journey fills and the first it types a secret
    into (a name and a password), matched exactly when looked for on other pages, so that a page
    with one password field of its own (changing a password) is not taken for the login form."""
    fills = [step.target for step in journey.steps if step.action == "fill" and step.target is not None]
    secrets = [step.target for step in journey.steps if step.action == "fill" and SECRET.search(str(step.value))]
    chosen = [t for t in (fills[:1] + secrets[:1]) if t is not None]
    return tuple(t.model_copy(update={"exact": True}) for t in dict.fromkeys(chosen))


def _login_page(journey: Journey, record: RunRecord) -> str:
    """Where a login journey's first field was (its login page), from a run that may not have completed."""
    for i, step in enumerate(journey.steps, start=1):
        if step.action == "fill" and i < len(record.steps) and record.steps[i].url:
            return record.steps[i].url
    return journey.start


async def session_ended(page: PwPage, requested: str, login_page: str, form: tuple[Target, ...]) -> str | None:
    """Why a page shows the login session is gone: it landed on the login page, or the login form
    (every field of ``form`` visible) is on it. None when signed in, and always for the login page itself."""
    if _same_page(requested, login_page) or page.is_closed():
        return None
    if _same_page(page.url, login_page):
        return f"{requested} led to the login page"
    if form:
        try:
            shown = all([await _locator(page, field).first.is_visible() for field in form])
        except PlaywrightError:
            shown = False
        if shown:
            return f"{requested} shows the login form"
    return None


_SESSION_STORAGE = "() => Object.fromEntries(Object.keys(sessionStorage).map(k => [k, sessionStorage.getItem(k)]))"


async def _capture(context: BrowserContext, page: PwPage, login_page: str, form: tuple[Target, ...]) -> LoginSession:
    state = await context.storage_state()
    storage: dict[str, dict[str, dict[str, str]]] = {
        str(o["origin"]): {"local": {str(i["name"]): str(i["value"]) for i in o.get("localStorage") or []}}
        for o in state.get("origins") or []
    }
    origin = str(await page.evaluate("() => location.origin"))
    storage.setdefault(origin, {})["session"] = {
        str(k): str(v) for k, v in (await page.evaluate(_SESSION_STORAGE)).items()
    }
    return LoginSession(
        cookies=[dict(c) for c in state.get("cookies") or []],
        storage=storage,
        login_page=login_page,
        form=form,
    )


def _same_page(url: str, other: str) -> bool:
    a, b = urlsplit(url), urlsplit(other)
    return (a.scheme, a.netloc, a.path.rstrip("/")) == (b.scheme, b.netloc, b.path.rstrip("/"))


class StepFailed(Exception):
    """A step could not be done; the message says why, in words a person can act on."""


class StepRefused(StepFailed):
    """A step stopped before it would have changed something (safe by default)."""


@dataclass
class _State:
    """One run under way."""

    session: BrowserSession
    journey: Journey
    secrets: Secrets
    page: PwPage
    net: NetworkLog
    submit_allowed: bool = False
    refused_submit: str | None = None
    left_for: str | None = None
    refused_hosts: set[str] = field(default_factory=set)
    note: str = ""
    keyboard: bool = False  # reach every target with Tab and operate it with keys, no mouse
    first_fill_url: str | None = None  # where the first field was filled in (a login journey's login page)
    secret_fields: list[Target] = field(default_factory=list)  # fields that received a secret (masked)
    happened: list[str] = field(default_factory=list)  # what the page did during the step (dialogs, pop-ups)
    pending: set[asyncio.Future[None]] = field(default_factory=set)  # dialogs being dismissed
    tabs: int | None = None
    focus_visible: bool | None = None


async def run_journey(
    session: BrowserSession,
    journey: Journey,
    secrets: Secrets,
    *,
    runs: int = 1,
    with_axe: bool = True,
    login: Login | None = None,
    shots: dict[int, bytes] | None = None,
) -> tuple[list[RunRecord], int]:
    """``runs`` runs of ``journey``, one after another, each in a fresh context; axe-core on the first.

    With ``login``, each run starts signed in; a run whose session ends (the login page comes
    back) signs in again and runs once more. With ``shots``, the first run's screenshots go there.
    Returns the records and how many times it signed in again.
    """
    records = []
    renewals = 0
    for k in range(runs):
        axe = with_axe and k == 0
        mine = shots if k == 0 else None
        seen = login.generation if login else 0
        record = await run_once(
            session, journey, secrets, with_axe=axe, login=login.session if login else None, shots=mine
        )
        if record.session_expired_at is not None and login is not None:
            renewals += 1
            log.info("journey %s: the login session ended at step %s; signing in again", journey.id, k)
            if await login.renew(session, seen) and login.session is not None:
                if mine is not None:
                    mine.clear()
                record = await run_once(session, journey, secrets, with_axe=axe, login=login.session, shots=mine)
        records.append(record)
    return records, renewals


async def run_keyboard(
    session: BrowserSession, journey: Journey, secrets: Secrets, *, login: Login | None = None
) -> RunRecord:
    """The journey once more by keyboard alone (not timed into the medians; no axe-core); signed in
    again and run once more if its login session ends on the way."""
    seen = login.generation if login else 0
    record = await run_once(
        session, journey, secrets, with_axe=False, keyboard=True, login=login.session if login else None
    )
    if record.session_expired_at is not None and login is not None and await login.renew(session, seen):
        record = await run_once(session, journey, secrets, with_axe=False, keyboard=True, login=login.session)
    return record


async def run_once(
    session: BrowserSession,
    journey: Journey,
    secrets: Secrets,
    *,
    with_axe: bool,
    keyboard: bool = False,
    login: LoginSession | None = None,
    capture: list[LoginSession] | None = None,
    shots: dict[int, bytes] | None = None,
) -> RunRecord:
    """One run in a fresh context: signed in with ``login``; with ``capture``, the session a
    completed run leaves is appended there (a login journey); with ``shots``, a screenshot of each
    state reached (PNG, the viewport), fields that received a secret and text showing one masked."""
    net = NetworkLog()
    context: BrowserContext | None = None
    steps: list[StepRun] = []
    axe: dict[int, AxeSummary] = {}
    texts: dict[int, str] = {}
    state: _State | None = None
    expired: int | None = None
    try:
        context = await session.new_context(device=session.settings.device, net=net)
        if login is not None:
            await login.enter(context)
        received = _Received()
        context.on("requestfinished", received.count)
        page = await context.new_page()
        state = _State(session, journey, secrets, page, net, keyboard=keyboard)
        gate_state = state
        page.on("dialog", lambda dialog: _on_dialog(gate_state, dialog))
        context.on(
            "page", lambda _new: gate_state.happened.append("it opened a new tab or window, which journeys close")
        )
        # On the context, after the guard's route: Playwright tries the last route added first, so
        # this gate sees every request (pop-ups' too) before the guard, and falls back to it.
        await context.route("**/*", lambda route: _gate(route, gate_state))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + journey.limits.max_seconds
        plan: list[Step | None] = [None, *journey.steps]  # None: open the start page
        for i, step in enumerate(plan):
            remaining = deadline - loop.time()
            if remaining <= 0:
                steps.append(
                    StepRun(
                        outcome="failed",
                        reason=f"the journey's time limit ({journey.limits.max_seconds:g} s) ran out before this step",
                    )
                )
                break
            before = received.total
            result = await _run_step(state, step, min(_step_seconds(journey, step), remaining))
            if result.outcome == "completed":
                result = result.model_copy(update={"bytes": await received.since(before)})
            if login is not None and result.outcome in ("completed", "failed"):
                # Sent back to the login page, or (after loading an address) shown the login form.
                requested = journey.address(step.goto) if step is not None and step.goto else journey.start
                loaded = step is None or step.action == "goto"
                why = await session_ended(state.page, requested, login.login_page, login.form if loaded else ())
                if why is not None:
                    expired = i
                    result = StepRun(
                        outcome="failed",
                        url=result.url,
                        reason="the login session ended: "
                        + ("this step led back to the login page" if "login page" in why else "the login form is back"),
                    )
            steps.append(result)
            if result.outcome != "completed":
                break
            if with_axe and (step is None or step.action not in ("expect", "wait_for")):
                axe[i] = await _axe(state)
                texts[i] = await _main_text(state.page)
            if shots is not None and (step is None or step.action not in ("expect", "wait_for")):
                shot = await _screenshot(state)
                if shot is not None:
                    shots[i] = shot
        if capture is not None and state is not None and all(s.outcome == "completed" for s in steps):
            capture.append(
                await _capture(context, state.page, state.first_fill_url or journey.start, login_form(journey))
            )
    except PlaywrightError as exc:  # the context or page could not be made: this run only
        steps.append(StepRun(outcome="failed", reason=f"the browser failed: {one_line(exc)}"))
    finally:
        await close_quietly(context)
    steps += [StepRun(outcome="not_reached") for _ in range(len(journey.steps) + 1 - len(steps))]
    record = RunRecord(
        steps=steps,
        axe=axe,
        refused_hosts=sorted(state.refused_hosts) if state else [],
        session_expired_at=expired,
        requests=net.started,
        texts=texts,
    )
    return RunRecord.model_validate(secrets.redact_deep(record.model_dump(mode="json")))


class _Received:
    """Bytes the run's pages received (response headers and bodies as transferred), counted as each
    request finishes; Chromium reports a request's sizes a moment later, so a step's count waits
    (briefly) for the requests that finished during it."""

    WAIT_S = 1.0

    def __init__(self) -> None:
        self.total = 0
        self._pending: set[asyncio.Future[None]] = set()

    def count(self, request: Any) -> None:
        task = asyncio.ensure_future(self._add(request))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _add(self, request: Any) -> None:
        try:
            sizes = await request.sizes()
        except PlaywrightError:  # the page or its context went away
            return
        self.total += max(0, int(sizes.get("responseBodySize", 0))) + max(0, int(sizes.get("responseHeadersSize", 0)))

    async def since(self, before: int) -> int:
        if self._pending:
            await asyncio.wait(set(self._pending), timeout=self.WAIT_S)
        return self.total - before


def _step_seconds(journey: Journey, step: Step | None) -> float:
    if step is not None and step.timeout is not None:
        return step.timeout
    return journey.limits.step_seconds


async def _run_step(state: _State, step: Step | None, seconds: float) -> StepRun:
    loop = asyncio.get_running_loop()
    state.submit_allowed = step is not None and step.submit == "allowed"
    state.refused_submit = None
    state.left_for = None
    state.note = ""
    state.tabs = state.focus_visible = None
    state.happened.clear()
    started = loop.time()
    timeout_ms = seconds * 1000
    try:
        await asyncio.wait_for(_do(state, step, timeout_ms), seconds + 5)
        outcome, reason = "completed", ""
    except StepRefused as exc:
        outcome, reason = "refused", str(exc)
    except (StepFailed, PlaywrightError, TimeoutError) as exc:
        outcome, reason = "failed", _reason(exc, seconds, step)
        if state.refused_submit is not None:
            outcome, reason = "refused", state.refused_submit
        elif state.left_for is not None:
            reason = state.left_for
        else:
            person = await _person_needed(state.page)
            if person is not None:
                outcome, reason = "not_assessable", f"a person is needed: {person}"
    ms = (loop.time() - started) * 1000
    if outcome != "completed" and state.happened:  # what the page did may be why
        reason += f" (meanwhile {'; '.join(dict.fromkeys(state.happened))})"
    if outcome == "completed" and state.refused_submit is not None:  # the page sent something in the background
        outcome, reason = "refused", state.refused_submit
    url = "" if state.page.is_closed() else state.page.url
    text = state.secrets.redact(reason)
    log.info("step %s: %s%s", "start" if step is None else step.describe(), outcome, f" ({text})" if text else "")
    return StepRun(
        outcome=outcome,
        ms=round(ms, 1) if outcome == "completed" else None,
        url=url[:2000],
        reason=text,
        note=state.note,
        tabs=state.tabs,
        focus_visible=state.focus_visible,
    )


# Playwright's words for an element that cannot take the action, and ours (the call log included).
_WHY = (
    ("intercepts pointer events", "another element covers it (a banner, a dialog or an overlay?)"),
    ("element is not an <input>", "it is not a field that takes text (a list takes select:, a box check:)"),
    ("element is not a <select>", "it is not a list of options (a text field takes fill:)"),
    ("not a checkbox or radio button", "it is not a box or option to tick"),
    ("did not find some options", "the list has no such option"),
    ("element is not enabled", "it is disabled"),
    ("element is not editable", "it is read-only"),
    ("element is outside of the viewport", "it cannot be scrolled into view"),
)


def _reason(exc: BaseException, seconds: float, step: Step | None = None) -> str:
    if isinstance(exc, StepFailed):
        return str(exc)
    text = str(exc).lower()
    what = step.target.describe() if step is not None and step.target is not None else "the target"
    for words, ours in _WHY:
        if words in text:
            return f"cannot {step.action if step else 'act'} {what}: {ours}"
    if isinstance(exc, PlaywrightTimeout | TimeoutError):
        return f"the step did not finish within {seconds:g} s"
    return plain_error(exc) if isinstance(exc, PlaywrightError) else one_line(exc)


async def _do(state: _State, step: Step | None, timeout_ms: float) -> None:
    page, journey = state.page, state.journey
    if step is None or step.action == "goto":
        url = journey.start if step is None else journey.address(step.goto or "")
        await state.session.pacer.wait(url)
        response = await page.goto(url, wait_until="load", timeout=timeout_ms)
        if response is not None and response.status >= 400:
            raise StepFailed(f"{url} answered HTTP {response.status}")
    elif step.action == "press":
        if step.at is not None and state.keyboard:
            await _reach(state, await _find(state, step.at, timeout_ms), step.at)
            await page.keyboard.press(step.press or "")
        elif step.at is not None:
            await (await _find(state, step.at, timeout_ms)).press(step.press or "", timeout=timeout_ms)
        else:
            await page.keyboard.press(step.press or "")
    elif step.action != "expect" and state.keyboard:
        await _by_keyboard(state, step, timeout_ms)
    elif step.action != "expect":
        target = step.target
        assert target is not None
        found = await _find(state, target, timeout_ms)
        if step.action == "fill" and state.first_fill_url is None:
            state.first_fill_url = page.url
        if step.action == "fill" and SECRET.search(str(step.value)):
            state.secret_fields.append(target)
        if step.action == "click":
            await _refuse_submit(state, found, target)
            await found.click(timeout=timeout_ms)
        elif step.action == "fill" and await found.evaluate("(el) => el.tagName") == "SELECT":
            await found.select_option(state.secrets.fill(str(step.value)), timeout=timeout_ms)  # a recorded change
        elif step.action == "fill":
            await found.fill(state.secrets.fill(str(step.value)), timeout=timeout_ms)
        elif step.action == "select":
            await found.select_option(step.option, timeout=timeout_ms)
        elif step.action == "check":
            await found.set_checked(step.value is not False, timeout=timeout_ms)
    if state.left_for is not None:
        raise StepFailed(state.left_for)
    if state.refused_submit is not None:
        raise StepRefused(state.refused_submit)
    if step is not None and step.expect is not None:
        await _expect(state, step.expect, timeout_ms)
    else:
        await _settle(state, timeout_ms)
    if state.left_for is not None:
        raise StepFailed(state.left_for)


async def _by_keyboard(state: _State, step: Step, timeout_ms: float) -> None:
    """The step as a keyboard user does it: Tab to the target, then Enter, Space or typing."""
    page, target = state.page, step.target
    assert target is not None
    found = await _find(state, target, timeout_ms)
    if step.action == "wait_for":
        return
    if step.action == "click":
        await _refuse_submit(state, found, target)
    control = await _reach(state, found, target)
    if step.action == "click":
        toggles = control.get("type") in ("checkbox", "radio") or control.get("role") in ("checkbox", "radio", "switch")
        await page.keyboard.press("Space" if toggles else "Enter")
    elif step.action == "fill":
        if SECRET.search(str(step.value)):
            state.secret_fields.append(target)
        await page.keyboard.press("ControlOrMeta+a")
        await page.keyboard.type(state.secrets.fill(str(step.value)))
    elif step.action == "select":
        await found.select_option(step.option, timeout=timeout_ms)  # a focused native select takes keys
    elif step.action == "check" and await found.is_checked() != (step.value is not False):
        await page.keyboard.press("Space")


async def _reach(state: _State, found: Locator, target: Target) -> dict[str, Any]:
    """Press Tab from where focus is until ``found`` has it; why not, in words, if it never does."""
    page = state.page
    rounds, last, repeats = 0, None, 0
    seen: set[int] = set()
    for tabs in range(MAX_TABS + 1):
        if tabs:
            await page.keyboard.press("Tab")
        where = await found.evaluate(_FOCUS)
        kind = where.get("kind")
        if kind == "group":
            where = await _arrow_to(state, found)
            kind = where.get("kind")
            if kind == "group":
                raise StepFailed(f"{target.describe()} is in a group the arrow keys do not reach it in")
        if kind == "target":
            state.tabs, state.focus_visible = tabs, bool(where.get("visible"))
            if not state.focus_visible:
                state.note = f"focus on {target.describe()} is not visible (no outline or other indicator)"
            return where
        if kind == "body":
            if tabs:
                rounds += 1
            seen.clear()
            last = None
        elif kind == "frame":
            last = None  # moving through a frame's own controls: neither a trap nor a round
        else:
            ident = where.get("id")
            repeats = repeats + 1 if ident == last else 0
            if repeats >= 2:
                raise StepFailed(
                    f"keyboard trap: Tab does not move focus away from {where.get('what') or 'an element'}, "
                    f"so {target.describe()} cannot be reached without a mouse"
                )
            if ident in seen:
                rounds += 1  # the Tab order came round without passing the page itself
                seen.clear()
            seen.add(ident)
            last = ident
        if rounds >= 2:
            break
    else:
        raise StepFailed(
            f"{target.describe()} was not reached in {MAX_TABS} presses of the Tab key; so many stops on the "
            "way are a barrier of their own (a skip link or fewer controls before it would help)"
        )
    raise StepFailed(
        f"{target.describe()} cannot be reached with the Tab key (focus went round the page without "
        "reaching it): only a mouse can do this step; make it a focusable control (<button>, <a href>, "
        "or tabindex=0 with key handlers)"
    )


MAX_ARROWS = 50  # arrow presses within one group (radio buttons, tabs, a menu) before giving up


async def _arrow_to(state: _State, found: Locator) -> dict[str, Any]:
    """Within a group Tab enters once, the arrow keys move (as a keyboard user does): down, else right."""
    where: dict[str, Any] = {"kind": "group"}
    for key in ("ArrowDown", "ArrowRight"):
        for _ in range(MAX_ARROWS):
            await state.page.keyboard.press(key)
            where = await found.evaluate(_FOCUS)
            if where.get("kind") != "group":
                return where
    return where


def _locator(page: PwPage, target: Target) -> Locator:
    if target.role is not None:
        return page.get_by_role(target.role, name=target.name, exact=target.exact)  # type: ignore[arg-type]
    if target.label is not None:
        return page.get_by_label(target.label, exact=target.exact)
    if target.text is not None:
        return page.get_by_text(target.text, exact=target.exact)
    return page.locator(target.css or "")


async def _find(state: _State, target: Target, timeout_ms: float) -> Locator:
    """The one element ``target`` names, visible; when several match, the first visible (noted)."""
    found = _locator(state.page, target)
    try:
        await found.first.wait_for(state="attached", timeout=timeout_ms)
    except PlaywrightTimeout:
        raise StepFailed(await _not_found(state, target, timeout_ms)) from None
    count = await found.count()
    for n in range(min(count, 20)):
        candidate = found.nth(n)
        if await candidate.is_visible():
            if count > 1:
                state.note = f"{count} elements match {target.describe()}; the first visible one was used"
            return candidate
    try:
        await found.first.wait_for(state="visible", timeout=timeout_ms)
    except PlaywrightTimeout:
        raise StepFailed(f"{target.describe()} is on the page but hidden ({_where(state.page)})") from None
    return found.first


async def _not_found(state: _State, target: Target, timeout_ms: float) -> str:
    """Why a target was not found, with what a person can change (a role missing, a label not tied)."""
    page = state.page
    base = f"{target.describe()} was not found within {timeout_ms / 1000:g} s ({_where(page)})"
    try:
        if target.role is not None and target.name and await page.get_by_text(target.name, exact=target.exact).count():
            return (
                f'{base}: the text "{target.name}" is there, but not as a {target.role}; assistive '
                f"technology and keyboards do not know it is one (for example a <div> with a click handler "
                f"instead of a <button> or <a>), or its accessible name differs"
            )
        if target.label is not None and await page.get_by_text(target.label, exact=target.exact).count():
            return (
                f'{base}: the text "{target.label}" is there, but no field is labelled by it '
                f"(a <label for> or aria-labelledby ties a label to its field)"
            )
    except PlaywrightError:
        pass
    return base


def _where(page: PwPage) -> str:
    return f"the page is {page.url}" if not page.is_closed() else "the page was closed"


async def _refuse_submit(state: _State, found: Locator, target: Target) -> None:
    """Safe by default: stop before pressing a button that would send a form or is named like "Pay"."""
    if state.submit_allowed:
        return
    try:
        control = await found.evaluate(_CONTROL)
    except PlaywrightError:
        return
    name = target.name or control.get("name") or ""
    why = None
    if control.get("method") == "post":
        why = "it sends a form by POST"
    elif control.get("button") and looks_like_submit(name):
        why = f'it is a button named "{name[:80]}"'
    if why:
        raise StepRefused(
            f"stopped before pressing {target.describe()}: {why}, which may change something; "
            "add `submit: allowed` to this step if the journey may do that"
        )


async def _gate(route: Any, state: _State) -> None:
    """The journey's own gate, before the session's guard: its hosts only, and nothing sent that
    would change something unless the step allows it."""
    request = route.request
    url = request.url
    if not url.startswith(("http://", "https://", "ws://", "wss://")):
        await route.fallback()
        return
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        host = ""
    if host not in state.journey.allowed_hosts:
        state.refused_hosts.add(host)
        if request.is_navigation_request() and request.frame == state.page.main_frame:
            state.left_for = (
                f"the journey would leave its hosts for {host}; list it under `hosts:` in the file if it belongs"
            )
        log.info("journey gate: refused %s (not one of the journey's hosts)", host)
        await route.abort("blockedbyclient")
        return
    if changes_something(request.method) and not state.submit_allowed:
        if request.resource_type in ("document", "xhr", "fetch", "other"):
            path = urlsplit(url).path or "/"
            state.refused_submit = (
                f"stopped before the page sent {request.method} {path}, which may change something; "
                "add `submit: allowed` to this step if the journey may do that"
            )
        await route.abort("blockedbyclient")  # beacons and pings too: a journey sends nothing it was not told to
        return
    await route.fallback()


async def _expect(state: _State, expect: Expect, timeout_ms: float) -> None:
    page = state.page
    try:
        if expect.url is not None:
            loop = asyncio.get_running_loop()
            end = loop.time() + timeout_ms / 1000
            while expect.url not in page.url:
                if loop.time() > end:
                    raise PlaywrightTimeout("url")
                await asyncio.sleep(0.05)
            await page.wait_for_load_state("load", timeout=timeout_ms)
            return
        if expect.text is not None:
            found = page.get_by_text(expect.text)
        elif expect.heading is not None:
            found = page.get_by_role("heading", name=expect.heading)
        else:
            found = page.get_by_role(expect.role, name=expect.name)  # type: ignore[arg-type]
        await found.first.wait_for(state="visible", timeout=timeout_ms)
    except PlaywrightTimeout:
        if state.left_for is not None or state.refused_submit is not None:
            raise StepFailed(state.left_for or state.refused_submit or "") from None
        raise StepFailed(
            f"expected {expect.describe()} after this step, not there after {timeout_ms / 1000:g} s ({_where(page)})"
        ) from None


async def _settle(state: _State, timeout_ms: float) -> None:
    """A step without an expectation: the page loaded (if it navigated) and settled, as in the audit."""
    page = state.page
    for _ in range(2):
        try:
            await page.wait_for_load_state("load", timeout=timeout_ms)
            await settle(page, state.net, state.session.settings.settle_ms, 2000)
            return
        except PlaywrightError as exc:
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise


_MAIN_TEXT = "() => ((document.querySelector('main') || document.body || {}).innerText || '').slice(0, 50000)"


async def _main_text(page: PwPage) -> str:
    """The text a person reads in this state (the main landmark, else the body)."""
    try:
        return str(await page.evaluate(_MAIN_TEXT))
    except PlaywrightError:
        return ""


def _on_dialog(state: _State, dialog: Any) -> None:
    """Alerts, confirms and prompts are dismissed (as in the audit); the step's reason says so if it fails."""
    kind = getattr(dialog, "type", "dialog")
    message = " ".join(str(getattr(dialog, "message", "")).split())[:120]
    state.happened.append(f'a {kind} dialog said "{message}" and was dismissed')
    task = asyncio.ensure_future(dismiss(dialog))
    state.pending.add(task)
    task.add_done_callback(state.pending.discard)


async def _screenshot(state: _State) -> bytes | None:
    """The viewport as a person sees it, with every field that received a secret, and any text
    showing a secret's value, under a mask."""
    page = state.page
    masks = [_locator(page, target) for target in state.secret_fields]
    masks += [page.get_by_text(value) for value in state.secrets.values()]
    try:
        return await page.screenshot(mask=masks, mask_color="#555555", animations="disabled", timeout=10_000)
    except PlaywrightError as exc:
        log.info("no screenshot: %s", state.secrets.redact(one_line(exc)))
        return None


async def _person_needed(page: PwPage) -> str | None:
    if page.is_closed():
        return None
    try:
        found = await page.evaluate(_PERSON_NEEDED)
    except PlaywrightError:
        return None
    return found if isinstance(found, str) else None


async def _axe(state: _State) -> AxeSummary:
    """axe-core on the state the step reached (the session's injection, every frame)."""
    url = state.page.url
    try:
        raw = await state.session._axe(state.page)
    except PlaywrightError as exc:
        return AxeSummary(url=url, error=one_line(exc))
    if "rules" not in raw:
        return AxeSummary(url=url, error=str(raw.get("error") or "axe-core did not run"))
    violations: dict[str, int] = {}
    impacts: dict[str, str] = {}
    tags: dict[str, list[str]] = {}
    for rule in raw["rules"]:
        if rule.get("outcome") == "violation":
            violations[rule["id"]] = len(rule.get("nodes") or [])
            impacts[rule["id"]] = rule.get("impact") or ""
            tags[rule["id"]] = [str(t) for t in rule.get("tags") or []]
    return AxeSummary(url=url, violations=violations, impacts=impacts, tags=tags)
