"""Task journeys: a resident's task as a list of steps, and what happened when it was run.

A journey file (YAML) names the task (``id``, ``title``, ``service``), where it starts and its
steps. A step does one thing (``goto``, ``click``, ``fill``, ``select``, ``check``, ``press``,
``wait_for`` or ``expect``) to a target found as a person finds it: by role and accessible name,
by label, by visible text; a CSS selector only as a last resort. A step may say what it expects
afterwards; a step without an expectation waits for the page to settle.

Pure: the file's model and validation (every error names the file and the key path, as for
rubrics), secrets (``${secret:NAME}``) and their redaction, the submit rule, and the result model
the runner (:mod:`crawlers.journey`) fills in. Nothing here touches a browser.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from maturity.core.configfile import load_yaml, problems_error, validate
from maturity.kernel.errors import ConfigError

# -- the file ------------------------------------------------------------------

ACTIONS = ("goto", "click", "fill", "select", "check", "press", "wait_for", "expect")
HARD_MAX_STEPS = 200  # whatever a file says: a journey is a task, not a crawl
HARD_MAX_SECONDS = 1800

SECRET = re.compile(r"\$\{secret:([^}]*)\}")
SECRET_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
SECRET_ENV_PREFIX = "MATURITY_SECRET_"

# ARIA roles Playwright's get_by_role accepts (WAI-ARIA 1.2 plus the ones Playwright lists).
ROLES = frozenset(
    [
        "alert",
        "alertdialog",
        "application",
        "article",
        "banner",
        "blockquote",
        "button",
        "caption",
        "cell",
        "checkbox",
        "code",
        "columnheader",
        "combobox",
        "complementary",
        "contentinfo",
        "definition",
        "deletion",
        "dialog",
        "directory",
        "document",
        "emphasis",
        "feed",
        "figure",
        "form",
        "generic",
        "grid",
        "gridcell",
        "group",
        "heading",
        "img",
        "insertion",
        "link",
        "list",
        "listbox",
        "listitem",
        "log",
        "main",
        "marquee",
        "math",
        "meter",
        "menu",
        "menubar",
        "menuitem",
        "menuitemcheckbox",
        "menuitemradio",
        "navigation",
        "none",
        "note",
        "option",
        "paragraph",
        "presentation",
        "progressbar",
        "radio",
        "radiogroup",
        "region",
        "row",
        "rowgroup",
        "rowheader",
        "scrollbar",
        "search",
        "searchbox",
        "separator",
        "slider",
        "spinbutton",
        "status",
        "strong",
        "subscript",
        "superscript",
        "switch",
        "tab",
        "table",
        "tablist",
        "tabpanel",
        "term",
        "textbox",
        "time",
        "timer",
        "toolbar",
        "tooltip",
        "tree",
        "treegrid",
        "treeitem",
    ]
)

# Keys Playwright's keyboard.press understands (plus single characters and Modifier+Key chords).
KEYS = frozenset(
    [
        "Enter",
        "Tab",
        "Escape",
        "Space",
        "Backspace",
        "Delete",
        "ArrowUp",
        "ArrowDown",
        "ArrowLeft",
        "ArrowRight",
        "Home",
        "End",
        "PageUp",
        "PageDown",
        "F1",
        "F2",
        "F3",
        "F4",
        "F5",
        "F6",
        "F7",
        "F8",
        "F9",
        "F10",
        "F11",
        "F12",
        "Insert",
    ]
)
_MODIFIERS = ("Shift", "Control", "Alt", "Meta", "ControlOrMeta")


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Target(_Strict):
    """What a step acts on, found as a person finds it. Exactly one way: ``role`` (with ``name``,
    the accessible name), ``label``, ``text`` (visible text) or, as a last resort, ``css``.
    Names and texts match as substrings, case-insensitively, unless ``exact: true``."""

    role: str | None = None
    name: str | None = None
    label: str | None = None
    text: str | None = None
    css: str | None = None
    exact: bool = False

    @model_validator(mode="after")
    def _one_way(self) -> Target:
        ways = [k for k in ("role", "label", "text", "css") if getattr(self, k) is not None]
        if len(ways) != 1:
            raise ValueError("a target names exactly one of role (with name), label, text or css")
        if self.name is not None and self.role is None:
            raise ValueError("name goes with role (role: button, name: Continue)")
        if self.role is not None and self.role not in ROLES:
            raise ValueError(f"unknown ARIA role {self.role!r} (for example button, link, textbox, heading)")
        for key in ("name", "label", "text", "css"):
            value = getattr(self, key)
            if value is not None and not value.strip():
                raise ValueError(f"{key} is empty")
        return self

    def describe(self) -> str:
        """The target in words: ``the button "Continue"``, ``the field labelled "Email"``."""
        if self.role is not None:
            return f'the {self.role} "{self.name}"' if self.name else f"a {self.role}"
        if self.label is not None:
            return f'the field labelled "{self.label}"'
        if self.text is not None:
            return f'the text "{self.text}"'
        return f"the element {self.css}"


class Expect(_Strict):
    """What must be true after a step: visible ``text``; the page's ``url`` containing this text;
    a control by ``role`` and ``name``; or a ``heading`` with this text. One of them."""

    text: str | None = None
    url: str | None = None
    role: str | None = None
    name: str | None = None
    heading: str | None = None

    @model_validator(mode="after")
    def _one_thing(self) -> Expect:
        kinds = [k for k in ("text", "url", "role", "heading") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("an expectation names exactly one of text, url, role (with name) or heading")
        if self.name is not None and self.role is None:
            raise ValueError("name goes with role (role: button, name: Pay)")
        if self.role is not None and self.role not in ROLES:
            raise ValueError(f"unknown ARIA role {self.role!r}")
        return self

    def describe(self) -> str:
        if self.text is not None:
            return f'the text "{self.text}"'
        if self.url is not None:
            return f'an address containing "{self.url}"'
        if self.heading is not None:
            return f'the heading "{self.heading}"'
        return f'the {self.role} "{self.name}"' if self.name else f"a {self.role}"


def _target(value: Any) -> Any:
    """``click: Continue`` is shorthand for ``click: {text: Continue}``."""
    return {"text": value} if isinstance(value, str) else value


class Step(_Strict):
    """One step: one action key, and what goes with it.

    ``goto: URL`` (relative to the start) · ``click: TARGET`` · ``fill: TARGET`` with ``value`` ·
    ``select: TARGET`` with ``option`` · ``check: TARGET`` (``value: false`` unchecks) ·
    ``press: KEY`` (optionally ``at: TARGET``, the element that has focus) · ``wait_for: TARGET`` ·
    ``expect: EXPECTATION``.
    Any action may add ``expect`` (what must hold afterwards), ``submit: allowed`` (this step may
    send a form that changes something), ``timeout`` (seconds) and ``note``.
    """

    goto: str | None = None
    click: Target | None = None
    fill: Target | None = None
    select: Target | None = None
    check: Target | None = None
    press: str | None = None
    at: Target | None = None  # press only (``on`` would read as YAML's boolean true)
    wait_for: Target | None = None
    expect: Expect | None = None
    value: str | bool | None = None
    option: str | None = None
    submit: Literal["allowed", "refused"] = "refused"
    timeout: float | None = Field(default=None, gt=0, le=300)
    note: str = ""

    @field_validator("click", "fill", "select", "check", "at", "wait_for", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return _target(value)

    @field_validator("value", "option", mode="before")
    @classmethod
    def _numbers_are_text(cls, value: Any) -> Any:
        """``value: 30301`` is the text a person types, not a number."""
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value

    @model_validator(mode="after")
    def _one_action(self) -> Step:
        actions = [a for a in ACTIONS[:-1] if getattr(self, a) is not None]
        if len(actions) > 1:
            raise ValueError(f"one action per step, found {', '.join(actions)}")
        action = self.action
        if action == "fill" and not isinstance(self.value, str):
            raise ValueError("fill needs a value (text; a secret as ${secret:NAME})")
        if action == "select" and self.option is None:
            raise ValueError("select needs an option (its visible label or value)")
        if action == "check" and self.value is not None and not isinstance(self.value, bool):
            raise ValueError("check takes value: true or false")
        if action not in ("fill", "check") and self.value is not None:
            raise ValueError(f"value goes with fill or check, not {action}")
        if action != "select" and self.option is not None:
            raise ValueError(f"option goes with select, not {action}")
        if self.at is not None and action != "press":
            raise ValueError("at goes with press")
        if action == "press" and self.press is not None and not valid_key(self.press):
            raise ValueError(f"unknown key {self.press!r} (for example Enter, Tab, Escape, ArrowDown, Shift+Tab)")
        if action == "goto" and self.goto is not None:
            scheme = urlsplit(self.goto).scheme
            if scheme not in ("", "http", "https"):
                raise ValueError("goto takes an http(s) address or a path")
            if SECRET.search(self.goto):
                raise ValueError("a secret may not be part of an address (addresses are recorded)")
        for key in ("option", "note"):
            if SECRET.search(getattr(self, key) or ""):
                raise ValueError(f"a secret may only be a fill value, not {key}")
        if isinstance(self.value, str):
            for name in SECRET.findall(self.value):
                if not SECRET_NAME.match(name):
                    raise ValueError(f"secret name {name!r}: capitals, digits and _ (${{secret:PASSWORD}})")
        return self

    @property
    def action(self) -> str:
        """The step's action; a step with only ``expect`` is an expect step."""
        return next((a for a in ACTIONS[:-1] if getattr(self, a) is not None), "expect")

    @property
    def target(self) -> Target | None:
        for key in ("click", "fill", "select", "check", "wait_for"):
            value = getattr(self, key)
            if value is not None:
                return value
        return self.at if self.action == "press" else None

    def describe(self) -> str:
        """The step in words, with no value (a value may be a secret)."""
        a = self.action
        if a == "goto":
            return f"go to {self.goto}"
        if a == "press":
            return f"press {self.press}" + (f" in {self.at.describe()}" if self.at else "")
        if a == "expect":
            assert self.expect is not None
            return f"expect {self.expect.describe()}"
        assert self.target is not None
        verb = {"click": "click", "fill": "fill in", "select": "choose in", "check": "tick", "wait_for": "wait for"}[a]
        if a == "check" and self.value is False:
            verb = "untick"
        if a == "select":
            verb = f'choose "{self.option}" in'  # an option is never a secret (validated)
        return f"{verb} {self.target.describe()}"


def valid_key(key: str) -> bool:
    """A key Playwright can press: a named key or one character, with optional modifiers (``Shift+Tab``)."""
    *mods, last = key.split("+") if key != "+" else ["+"]
    return all(m in _MODIFIERS for m in mods) and (last in KEYS or len(last) == 1)


class Limits(_Strict):
    max_steps: int = Field(default=50, ge=1, le=HARD_MAX_STEPS)
    max_seconds: float = Field(default=300, gt=0, le=HARD_MAX_SECONDS)  # the whole journey, one run
    step_seconds: float = Field(default=15, gt=0, le=300)  # one step's action and expectation


class Journey(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    title: str = Field(min_length=1)
    service: str = Field(min_length=1)
    start: str = Field(min_length=1)
    hosts: list[str] = Field(default_factory=list)  # hosts beyond the start's that the journey may reach
    # A login journey runs first; the session it leaves is used by the other journeys of its site.
    login: bool = False
    limits: Limits = Field(default_factory=Limits)
    steps: list[Step] = Field(min_length=1)

    @field_validator("start")
    @classmethod
    def _absolute(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("start must be an absolute http(s) address")
        if parts.username or parts.password:
            raise ValueError("no credentials in the address: use a fill step with ${secret:NAME}")
        return value

    @field_validator("hosts")
    @classmethod
    def _hosts(cls, value: list[str]) -> list[str]:
        for host in value:
            if not re.fullmatch(r"[A-Za-z0-9.-]+|\[[0-9a-fA-F:.]+\]", host or ""):
                raise ValueError(f"{host!r} is not a host name (no scheme, path or port)")
        return [h.lower().strip("[]") for h in value]

    @property
    def start_host(self) -> str:
        return (urlsplit(self.start).hostname or "").lower()

    @property
    def allowed_hosts(self) -> frozenset[str]:
        return frozenset([self.start_host, *self.hosts])

    def address(self, target: str) -> str:
        return urljoin(self.start, target)

    @property
    def secret_names(self) -> list[str]:
        """Every secret the journey reads, in order of first use."""
        names: list[str] = []
        for step in self.steps:
            if isinstance(step.value, str):
                names += [n for n in SECRET.findall(step.value) if n not in names]
        return names


class LoadedJourney(BaseModel):
    model_config = ConfigDict(frozen=True)

    journey: Journey
    source: str


def parse_journey(data: bytes | str, source: str) -> LoadedJourney:
    raw = load_yaml(data, source, "journey")
    if not isinstance(raw, dict):
        raise ConfigError(source, "a journey must be a mapping with id, title, service, start and steps")
    journey = validate(Journey, raw, source)
    problems: list[tuple[str, str]] = []
    if len(journey.steps) > journey.limits.max_steps:
        problems.append(
            ("steps", f"{len(journey.steps)} steps, more than limits.max_steps ({journey.limits.max_steps})")
        )
    for i, step in enumerate(journey.steps):
        if step.action == "goto" and step.goto is not None:
            host = (urlsplit(journey.address(step.goto)).hostname or "").lower()
            if host not in journey.allowed_hosts:
                problems.append((f"steps[{i}].goto", f"{host} is neither the start's host nor listed in hosts"))
    if problems:
        raise problems_error(source, problems)
    return LoadedJourney(journey=journey, source=source)


def load_journey(path: str | Path) -> LoadedJourney:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ConfigError(str(p), f"cannot read journey: {exc.strerror or exc}") from None
    return parse_journey(data, str(p))


# -- secrets -------------------------------------------------------------------


class Secrets:
    """The values of a journey's secrets, and the redaction every text leaving a run passes through.

    ``repr`` shows names only, so a secret never reaches a log or traceback through this object.
    """

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = dict(values)
        # longest first, so a secret containing another is replaced whole
        self._order = sorted(((v, k) for k, v in self._values.items() if v), key=lambda p: -len(p[0]))

    def __repr__(self) -> str:
        return f"Secrets({sorted(self._values)})"

    @classmethod
    def combined(cls, many: list[Secrets]) -> Secrets:
        """One redaction for the secrets of several journeys (names may repeat with one value each)."""
        values: dict[str, str] = {}
        for one in many:
            for name, value in one._values.items():
                key = name if values.get(name, value) == value else f"{name}_{len(values)}"
                values[key] = value
        return cls(values)

    def values(self) -> list[str]:
        """The values, for masking them in screenshots (the browser side only)."""
        return [value for value, _ in self._order]

    def fill(self, text: str) -> str:
        """``text`` with each ``${secret:NAME}`` replaced by its value (for the browser only)."""
        return SECRET.sub(lambda m: self._values[m.group(1)], text)

    def redact(self, text: str) -> str:
        for value, name in self._order:
            if value in text:
                text = text.replace(value, f"[secret:{name}]")
        return text

    def redact_deep(self, value: Any) -> Any:
        """Every string in a JSON-like value redacted (keys too)."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {self.redact_deep(k): self.redact_deep(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.redact_deep(v) for v in value]
        return value


def secrets_from_env(
    names: list[str], environ: Mapping[str, str], source: str, file_values: Mapping[str, str] | None = None
) -> Secrets:
    """The journey's secrets from ``MATURITY_SECRET_<NAME>``, else from a secrets file's values;
    every missing one is named at once."""
    found = {n: environ.get(SECRET_ENV_PREFIX + n) or (file_values or {}).get(n) or "" for n in names}
    missing = [n for n, value in found.items() if not value]
    if missing:
        raise ConfigError(
            source,
            "secret(s) not set: " + ", ".join(f"{SECRET_ENV_PREFIX}{n}" for n in missing),
            "steps",
        )
    return Secrets(found)


def parse_secrets_file(data: bytes, source: str) -> dict[str, str]:
    """A secrets file: a YAML mapping of names to values (``PASSWORD: ...``). Errors never quote a value."""
    raw = load_yaml(data, source, "secrets file")
    if not isinstance(raw, dict):
        raise ConfigError(source, "a secrets file is a mapping of names to values (PASSWORD: ...)")
    problems: list[tuple[str, str]] = []
    values: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not SECRET_NAME.match(key):
            problems.append((str(key)[:40], "a secret's name is capitals, digits and _"))
        elif not isinstance(value, str | int) or isinstance(value, bool):
            problems.append((key, "a secret's value must be text (quote it)"))
        else:
            values[key] = str(value)
    if problems:
        raise problems_error(source, problems)
    return values


# -- safe by default -----------------------------------------------------------

# Controls named like this change something when pressed (an application, a payment, a message).
SUBMIT_WORDS = re.compile(
    r"\b(submit|pay|payment|send|apply|confirm|purchase|buy|place order|delete|remove|sign and submit)\b",
    re.IGNORECASE,
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def looks_like_submit(name: str) -> bool:
    """A control (a button, not a link) whose accessible name says pressing it changes something."""
    return bool(SUBMIT_WORDS.search(name or ""))


def changes_something(method: str) -> bool:
    return method.upper() not in SAFE_METHODS


# -- results -------------------------------------------------------------------

StepOutcome = Literal["completed", "failed", "refused", "not_assessable", "not_reached"]
Outcome = Literal["completed", "failed", "not_assessable"]


class AxeSummary(_Strict):
    """axe-core on the state a step reached: the rules violated, each with its impact and node count."""

    url: str
    violations: dict[str, int] = Field(default_factory=dict)  # rule id -> nodes
    impacts: dict[str, str] = Field(default_factory=dict)  # rule id -> impact
    tags: dict[str, list[str]] = Field(default_factory=dict)  # rule id -> its axe-core tags (wcag2a, ...)
    error: str | None = None

    @property
    def count(self) -> int:
        return len(self.violations)


class StepRun(_Strict):
    """One step in one run."""

    outcome: StepOutcome
    ms: float | None = None
    url: str = ""
    reason: str = ""
    note: str = ""
    tabs: int | None = None  # keyboard run: Tab presses that reached the step's target
    focus_visible: bool | None = None  # keyboard run: the target showed where focus was
    bytes: int | None = None  # bytes received during the step (bodies and headers, as transferred)


class KeyboardResult(_Strict):
    """The journey done by keyboard alone: each target reached with Tab from where the previous
    step left focus, and operated with Enter, Space or typing."""

    outcome: Outcome
    failed_step: int | None = None
    reason: str = ""
    steps: list[StepRun]
    focus_not_visible: list[int] = Field(default_factory=list)  # steps whose target showed no focus


class StepResult(_Strict):
    """One step over k runs: the outcome of the first run, the median time and its spread."""

    index: int  # 0: opening the start page; N: the file's N-th step
    action: str
    description: str
    outcome: StepOutcome
    reason: str = ""
    note: str = ""
    url: str = ""
    ms_median: float | None = None
    ms_spread: float | None = None  # max − min over the runs that completed the step
    bytes_median: float | None = None  # bytes received during the step, median of the runs that completed it
    runs: list[StepRun] = Field(default_factory=list)
    axe: AxeSummary | None = None
    screenshot: str | None = None  # file name of the state's screenshot (first run), when taken
    words: int | None = None  # words of the state's main text (first run)
    reading_grade: float | None = None  # its Flesch-Kincaid grade, when it has enough words


class JourneyResult(_Strict):
    id: str
    title: str
    service: str
    start: str
    k: int
    outcome: Outcome
    failed_step: int | None = None  # the step that stopped the run (0: the start page), failed or not assessable
    reason: str = ""
    steps: list[StepResult]
    total_ms_median: float | None = None
    total_ms_spread: float | None = None
    total_bytes_median: float | None = None  # bytes received over the whole journey, median of completed runs
    outcomes_by_run: list[Outcome] = Field(default_factory=list)
    refused_hosts: list[str] = Field(default_factory=list)
    keyboard: KeyboardResult | None = None
    effort: Effort | None = None
    login_renewals: int = 0  # times the login session ended mid-run and the login journey ran again


class RunRecord(_Strict):
    """One whole run, as the runner reports it."""

    steps: list[StepRun]
    # The step after which the page was the login page again (the login session ended), if it was.
    session_expired_at: int | None = None
    axe: dict[int, AxeSummary] = Field(default_factory=dict)  # step index (0: the start page) -> summary
    refused_hosts: list[str] = Field(default_factory=list)
    requests: int = 0  # requests the pages made in this run
    # The main text of each state reached (step index -> text), for its reading grade; never kept.
    texts: dict[int, str] = Field(default_factory=dict)


class Effort(_Strict):
    """What the task asks of a person (first run; requests as the median of the runs)."""

    steps: int  # steps completed (the start page not counted)
    interactions: int  # clicks, keys, fields filled, options chosen, boxes ticked
    fields: int  # distinct form fields met (filled, chosen or ticked)
    pages: int  # distinct addresses (fragments aside) the journey stood on
    states: int  # states reached: the start page and every step that acted (single-page apps count)
    requests: float | None = None


def run_outcome(steps: list[StepRun]) -> tuple[Outcome, int | None, str]:
    """A run's outcome from its steps (step 0 first): the first step that did not complete decides."""
    for i, step in enumerate(steps):
        if step.outcome in ("failed", "refused"):
            return "failed", i, step.reason
        if step.outcome == "not_assessable":
            return "not_assessable", i, step.reason
        if step.outcome == "not_reached":
            return "failed", i, step.reason or "not reached"
    return "completed", None, ""


def summarise(
    journey: Journey,
    records: list[RunRecord],
    keyboard: RunRecord | None = None,
    grade: Callable[[str], float] | None = None,
) -> JourneyResult:
    """k runs of one journey -> one result: outcomes of the first run, times as median and spread.

    Each record's steps begin with step 0, opening the start page; step N is the file's N-th step."""
    first = records[0]
    outcome, failed, reason = run_outcome(first.steps)
    described = [("goto", f"open the start page {journey.start}")]
    described += [(step.action, step.describe()) for step in journey.steps]
    steps: list[StepResult] = []
    for i, (action, description) in enumerate(described):
        runs = [r.steps[i] for r in records if i < len(r.steps)]
        mine = runs[0] if runs else StepRun(outcome="not_reached")
        times = [r.ms for r in runs if r.ms is not None and r.outcome == "completed"]
        sizes = [r.bytes for r in runs if r.bytes is not None and r.outcome == "completed"]
        words, level = _reading(first.texts.get(i), grade)
        steps.append(
            StepResult(
                index=i,
                action=action,
                description=description,
                outcome=mine.outcome,
                reason=mine.reason,
                note=mine.note,
                url=mine.url,
                ms_median=statistics.median(times) if times else None,
                ms_spread=(max(times) - min(times)) if len(times) > 1 else None,
                bytes_median=statistics.median(sizes) if sizes else None,
                runs=runs,
                axe=first.axe.get(i),
                words=words,
                reading_grade=level,
            )
        )
    finished = [r for r in records if run_outcome(r.steps)[0] == "completed"]
    totals = [sum(s.ms or 0 for s in r.steps) for r in finished]
    weights = [sum(s.bytes for s in r.steps if s.bytes is not None) for r in finished if _weighed(r)]
    return JourneyResult(
        id=journey.id,
        title=journey.title,
        service=journey.service,
        start=journey.start,
        k=len(records),
        outcome=outcome,
        failed_step=failed,
        reason=reason,
        steps=steps,
        total_ms_median=statistics.median(totals) if totals else None,
        total_ms_spread=(max(totals) - min(totals)) if len(totals) > 1 else None,
        total_bytes_median=statistics.median(weights) if weights else None,
        outcomes_by_run=[run_outcome(r.steps)[0] for r in records],
        refused_hosts=sorted({h for r in records for h in r.refused_hosts}),
        keyboard=keyboard_result(keyboard) if keyboard is not None else None,
        effort=effort(journey, records),
    )


def _weighed(record: RunRecord) -> bool:
    """Whether every completed step of a run has its bytes (a runner that counts them)."""
    return all(s.bytes is not None for s in record.steps if s.outcome == "completed")


READING_MIN_WORDS = 30  # fewer words than this: no grade (a form's labels alone say little)


_WORDS = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")


def _reading(text: str | None, grade: Callable[[str], float] | None) -> tuple[int | None, float | None]:
    """The words of a state's main text and their grade (``grade``: the reading-grade check's
    Flesch-Kincaid function, passed in so the collectors, which import this module, import no check)."""
    if text is None or grade is None:
        return None, None
    words = len(_WORDS.findall(text))
    return words, (round(grade(text), 1) if words >= READING_MIN_WORDS else None)


def effort(journey: Journey, records: list[RunRecord]) -> Effort:
    first = records[0].steps
    done = [i for i, s in enumerate(first) if s.outcome == "completed"]
    acted = [i for i in done if i == 0 or journey.steps[i - 1].action not in ("expect", "wait_for")]
    interactive = ("click", "fill", "select", "check", "press")
    interactions = [i for i in done if i > 0 and journey.steps[i - 1].action in interactive]
    fields = {
        target.describe()
        for i in done
        if i > 0
        and journey.steps[i - 1].action in ("fill", "select", "check")
        and (target := journey.steps[i - 1].target) is not None
    }
    return Effort(
        steps=len([i for i in done if i > 0]),
        interactions=len(interactions),
        fields=len(fields),
        pages=len({first[i].url.split("#")[0] for i in done if first[i].url}),
        states=len(acted),
        requests=statistics.median([r.requests for r in records]) if records else None,
    )


def login_required(journey: Journey, login: JourneyResult, reason: str | None = None) -> JourneyResult:
    """A journey that needs a login that did not succeed: not assessable, never a failure of its own.
    ``reason``: why, when the login journey itself completed (its session ended too often since)."""
    where = f"at step {login.failed_step}: {login.reason}" if login.failed_step is not None else login.reason
    reason = reason or f"login required: the login journey {login.id} did not complete ({login.outcome} {where})"
    steps = [StepRun(outcome="not_assessable", reason=reason)]
    steps += [StepRun(outcome="not_reached") for _ in journey.steps]
    return summarise(journey, [RunRecord(steps=steps)])


def keyboard_result(record: RunRecord) -> KeyboardResult:
    outcome, failed, reason = run_outcome(record.steps)
    return KeyboardResult(
        outcome=outcome,
        failed_step=failed,
        reason=reason,
        steps=record.steps,
        focus_not_visible=[i for i, s in enumerate(record.steps) if s.focus_visible is False],
    )


# -- gates (CI) ------------------------------------------------------------------


class JourneyGate(_Strict):
    """One pass/fail decision on a journey's result, for an exit code and JUnit."""

    name: str  # completion | keyboard | time-budget
    passed: bool
    detail: str


def journey_gates(
    result: JourneyResult, *, keyboard_required: bool = False, budget_seconds: float | None = None
) -> list[JourneyGate]:
    """Completion always (a journey that is not assessable passes: a person was needed, not a fix);
    keyboard alone getting as far as the mouse did, when required; the median total time within a
    budget, when one is set."""
    gates = [
        JourneyGate(
            name="completion",
            passed=result.outcome != "failed",
            detail="completed"
            if result.outcome == "completed"
            else f"{result.outcome} at step {result.failed_step}: {result.reason}",
        )
    ]
    if keyboard_required:
        kb = result.keyboard
        if kb is None:
            gates.append(JourneyGate(name="keyboard", passed=False, detail="the keyboard run was not made"))
        else:
            as_far = (kb.outcome, kb.failed_step) == (result.outcome, result.failed_step) or kb.outcome == "completed"
            detail = "completed" if kb.outcome == "completed" else f"{kb.outcome} at step {kb.failed_step}: {kb.reason}"
            gates.append(JourneyGate(name="keyboard", passed=as_far, detail=detail))
    if budget_seconds is not None:
        total = result.total_ms_median
        if total is None:
            gates.append(JourneyGate(name="time-budget", passed=False, detail="no completed run to time"))
        else:
            gates.append(
                JourneyGate(
                    name="time-budget",
                    passed=total <= budget_seconds * 1000,
                    detail=f"{total / 1000:.1f} s (median of {result.k}), budget {budget_seconds:g} s",
                )
            )
    return gates


# -- run to run ----------------------------------------------------------------

# A step's time changes less than this between two runs: noise (when neither run measured a larger
# spread). Our own conservative choice, like the history's default bands for page metrics.
STEP_BAND_MS = 100.0
STEP_BAND_RELATIVE = 0.20


class TimeChange(_Strict):
    what: str
    before_ms: float | None
    after_ms: float | None
    band_ms: float

    @property
    def verdict(self) -> str:
        if self.before_ms is None or self.after_ms is None:
            return "not comparable"
        delta = self.after_ms - self.before_ms
        if abs(delta) <= self.band_ms:
            return "no change"
        return "slower" if delta > 0 else "faster"


class JourneyComparison(_Strict):
    id: str
    outcome: tuple[str, str]
    keyboard: tuple[str | None, str | None]
    added: list[str]  # steps in the later run's journey only
    removed: list[str]  # steps in the earlier run's journey only
    times: list[TimeChange]  # the total first, then each step both have
    axe_new: dict[str, list[str]] = Field(default_factory=dict)  # step -> rules violated now, not before
    axe_fixed: dict[str, list[str]] = Field(default_factory=dict)


def _band(before: float | None, after: float | None, spreads: list[float | None]) -> float:
    measured = max((s for s in spreads if s is not None), default=0.0)
    return max(measured, STEP_BAND_MS, STEP_BAND_RELATIVE * abs(before or after or 0.0))


def compare_journeys(before: JourneyResult, after: JourneyResult) -> JourneyComparison:
    """Two results of one journey: outcome, keyboard, steps added or removed, times beyond the noise
    band (the larger measured spread, else ±100 ms or 20 %), and axe-core rules new or fixed."""
    import difflib

    old = [s.description for s in before.steps]
    new = [s.description for s in after.steps]
    added: list[str] = []
    removed: list[str] = []
    pairs: list[tuple[StepResult, StepResult]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            pairs += list(zip(before.steps[i1:i2], after.steps[j1:j2], strict=True))
        else:
            removed += old[i1:i2]
            added += new[j1:j2]
    times = [
        TimeChange(
            what="total",
            before_ms=before.total_ms_median,
            after_ms=after.total_ms_median,
            band_ms=_band(
                before.total_ms_median, after.total_ms_median, [before.total_ms_spread, after.total_ms_spread]
            ),
        )
    ]
    axe_new: dict[str, list[str]] = {}
    axe_fixed: dict[str, list[str]] = {}
    for a, b in pairs:
        times.append(
            TimeChange(
                what=f"step {b.index}: {b.description}",
                before_ms=a.ms_median,
                after_ms=b.ms_median,
                band_ms=_band(a.ms_median, b.ms_median, [a.ms_spread, b.ms_spread]),
            )
        )
        if a.axe is not None and b.axe is not None and not (a.axe.error or b.axe.error):
            fresh = sorted(set(b.axe.violations) - set(a.axe.violations))
            gone = sorted(set(a.axe.violations) - set(b.axe.violations))
            if fresh:
                axe_new[f"step {b.index}"] = fresh
            if gone:
                axe_fixed[f"step {b.index}"] = gone
    return JourneyComparison(
        id=after.id,
        outcome=(before.outcome, after.outcome),
        keyboard=(
            before.keyboard.outcome if before.keyboard else None,
            after.keyboard.outcome if after.keyboard else None,
        ),
        added=added,
        removed=removed,
        times=times,
        axe_new=axe_new,
        axe_fixed=axe_fixed,
    )
