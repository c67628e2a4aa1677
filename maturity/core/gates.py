"""CI gates: a ``maturity.yml`` config, a findings baseline, and a pure pass/fail evaluation.

Pure: a scorecard, the page artifacts behind it (for performance medians), a config and
an optional baseline in; a :class:`GateResult` out. Nothing here touches a browser, the
network or the database; the ``maturity check`` command (``maturity.cli.check``) does that.

The gates, each optional:

* ``min_level``: the site's maturity level is at least this (not assessable fails).
* ``min_dimensions``: ``{dimension id: minimum score 0-100}`` (a dimension with no score fails).
* ``max_findings``: ``{critical|serious|moderate|minor|total: N}``. Impacts are axe-core's, taken
  from the violated rule on that page; our own checks carry no impact and count toward ``total``
  only. With a baseline, findings already in it are not counted.
* ``budgets``: ``{lcp_ms, tbt_ms, cls, bytes}`` per page, read from the performance artifact's
  median of k loads; a page fails when its median exceeds ``budget × (1 + tolerance)``.
* ``required_checks``: these check ids must not fail (nor error) on any page where they ran, and
  must have run at all.
* ``baseline`` (with ``--baseline``): every finding whose fingerprint is not in the baseline fails.
* ``journeys`` (when the config lists ``journeys:``): each journey must complete (one that is not
  assessable passes: a person was needed); with ``keyboard: true`` keyboard alone must get as far
  as the mouse; with ``budget_seconds`` the median total time must be within it.

``paths`` entries apply other budgets, limits and required checks to the pages whose URL matches a
regular expression (``re.search``). Every matching entry applies in order, later keys winning;
``required_checks`` add up. Findings on pages matched by an entry that sets ``max_findings`` are
counted against those limits (merged over the top-level ones), apart from the rest of the site.

The decision is :func:`decide`: a result passes when no gate failed, as pa11y-ci decides.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from maturity.core import checks
from maturity.core.configfile import load_yaml, problems_error, validate
from maturity.core.journey import JourneyGate, JourneyResult, journey_gates
from maturity.core.model import ArtifactError, Outcome, PageArtifacts, PerformanceFacts, PerfRun
from maturity.core.scoring import Finding, Scorecard
from maturity.core.settings import SETTING_KEYS, SettingsLayer, compose
from maturity.kernel.errors import ConfigError
from maturity.kernel.urls import redact_credentials

IMPACTS = ("critical", "serious", "moderate", "minor")
FINDING_LIMIT_KEYS = (*IMPACTS, "total")
BUDGET_METRICS = {
    "lcp_ms": ("lcp_ms", "LCP", "ms"),
    "tbt_ms": ("tbt_ms", "TBT", "ms"),
    "cls": ("cls", "CLS", ""),
    "bytes": ("bytes", "page weight", "bytes"),
}
CONFIG_NAMES = ("maturity.yml", "maturity.yaml")
BASELINE_SCHEMA = "maturity/baseline"
BASELINE_VERSION = 1

GateName = Literal["min_level", "min_dimensions", "max_findings", "budgets", "required_checks", "baseline", "journeys"]


# ---------------------------------------------------------------------------
# The config file
# ---------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Budgets(_Strict):
    """Per-page performance budgets. In a ``paths`` entry, a key set to ``null`` removes that budget."""

    lcp_ms: float | None = Field(default=None, gt=0)
    tbt_ms: float | None = Field(default=None, ge=0)
    cls: float | None = Field(default=None, ge=0)
    bytes: int | None = Field(default=None, gt=0)


class FindingLimits(_Strict):
    critical: int | None = Field(default=None, ge=0)
    serious: int | None = Field(default=None, ge=0)
    moderate: int | None = Field(default=None, ge=0)
    minor: int | None = Field(default=None, ge=0)
    total: int | None = Field(default=None, ge=0)


class PathGates(_Strict):
    pattern: str = Field(min_length=1)
    budgets: Budgets | None = None
    max_findings: FindingLimits | None = None
    required_checks: list[str] = Field(default_factory=list)

    @field_validator("pattern")
    @classmethod
    def _regex(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return value


def _fraction(value: Any) -> float:
    """``"10%"`` or ``0.1`` -> 0.1. A bare number above 1 is refused as ambiguous."""
    if isinstance(value, str):
        text = value.strip()
        if not text.endswith("%"):
            raise ValueError("write a percentage such as '10%' or a fraction such as 0.1")
        try:
            number = float(text[:-1]) / 100
        except ValueError:
            raise ValueError(f"not a percentage: {value!r}") from None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if number > 1:
            raise ValueError(f"ambiguous tolerance {value!r}: write '{value}%' or a fraction such as 0.1")
    else:
        raise ValueError("write a percentage such as '10%' or a fraction such as 0.1")
    if not 0 <= number <= 10 or math.isnan(number):
        raise ValueError("tolerance must be between 0% and 1000%")
    return number


class JourneyGates(_Strict):
    """Gates on the journeys the config lists: completion always; keyboard alone and a time budget
    when asked for."""

    keyboard: bool = False
    budget_seconds: float | None = Field(default=None, gt=0)


class Gates(_Strict):
    min_level: int | None = Field(default=None, ge=1, le=10)
    min_dimensions: dict[str, float] = Field(default_factory=dict)
    max_findings: FindingLimits = Field(default_factory=FindingLimits)
    budgets: Budgets = Field(default_factory=Budgets)
    tolerance: float = 0.10
    required_checks: list[str] = Field(default_factory=list)
    paths: list[PathGates] = Field(default_factory=list)
    journeys: JourneyGates = Field(default_factory=JourneyGates)

    @field_validator("tolerance", mode="before")
    @classmethod
    def _tolerance(cls, value: Any) -> float:
        return _fraction(value)

    @field_validator("min_dimensions")
    @classmethod
    def _scores(cls, value: dict[str, float]) -> dict[str, float]:
        for dim, minimum in value.items():
            if not 0 <= minimum <= 100:
                raise ValueError(f"{dim}: a dimension score is between 0 and 100")
        return value


class CheckConfig(SettingsLayer):
    """``maturity.yml``: what ``maturity check`` audits and the gates it applies.

    Its audit keys (``max_pages``, ``throttle``, ...) are the settings model's own
    (:mod:`maturity.core.settings`): each is optional here and, when set, one layer of the
    composition (defaults < ``maturity check``'s defaults < this file < the command line).
    """

    urls: list[str] = Field(default_factory=list)
    rubric: str | None = None  # a file (relative to the config file) or a built-in rubric name
    baseline: str | None = None  # default for --baseline (relative to the config file)
    attestations: str | None = None  # the agency's attestation file (relative to the config file)
    # Journey files or folders of them (relative to the config file); each runs once the pages of the
    # URL whose host is its start's host are audited, before that site is scored.
    journeys: list[str] = Field(default_factory=list)
    gates: Gates = Field(default_factory=Gates)

    def settings_layer(self) -> dict[str, Any]:
        """The audit settings this file sets."""
        return {k: getattr(self, k) for k in SETTING_KEYS if getattr(self, k) is not None}


def load_check_config(path: str | Path) -> CheckConfig:
    """Read and validate a config file; every error is a :class:`ConfigError` naming file and key."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ConfigError(str(p), f"cannot read config: {exc.strerror or exc}") from None
    return parse_check_config(data, str(p))


def parse_check_config(data: bytes, source: str) -> CheckConfig:
    raw = load_yaml(data, source, "config")
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(source, "a config must be a mapping (urls, rubric, gates, ...)")
    config = validate(CheckConfig, raw, source)
    try:  # what only the whole settings model can say (a regular expression that does not compile)
        compose({"url": "http://localhost/"}, config.settings_layer(), sources=["", source])
    except ConfigError as exc:
        raise ConfigError(source, exc.message, exc.key) from None
    problems = _semantics(config)
    if problems:
        raise problems_error(source, problems)
    return config


def _semantics(config: CheckConfig) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for i, url in enumerate(config.urls):
        if not re.match(r"^https?://[^/\s]+", url):
            problems.append((f"urls[{i}]", f"not an http(s) URL: {redact_credentials(url)!r}"))
    gates = config.gates
    for i, check_id in enumerate(gates.required_checks):
        if not checks.exists(check_id):
            problems.append((f"gates.required_checks[{i}]", f"unknown check {check_id!r} (see `maturity checks`)"))
    for p, entry in enumerate(gates.paths):
        for i, check_id in enumerate(entry.required_checks):
            if not checks.exists(check_id):
                problems.append(
                    (f"gates.paths[{p}].required_checks[{i}]", f"unknown check {check_id!r} (see `maturity checks`)")
                )
    return problems


def check_against_rubric(config: CheckConfig, dimensions: Iterable[str], source: str) -> None:
    """Gates that name dimensions the rubric lacks are configuration errors (exit 2)."""
    known = list(dimensions)
    for dim in config.gates.min_dimensions:
        if dim not in known:
            raise ConfigError(
                source,
                f"the rubric has no dimension {dim!r} (it has {', '.join(known)})",
                f"gates.min_dimensions.{dim}",
            )


def find_config(directory: Path) -> Path | None:
    """``maturity.yml`` (or ``.yaml``) in ``directory``, if there is one."""
    for name in CONFIG_NAMES:
        if (directory / name).is_file():
            return directory / name
    return None


# ---------------------------------------------------------------------------
# The baseline
# ---------------------------------------------------------------------------


class BaselineEntry(_Strict):
    """One accepted finding: the fingerprint decides; check, URL and selector are for people reading diffs."""

    fingerprint: str
    check_id: str
    url: str
    selector: str = ""


class Baseline(_Strict):
    """Findings accepted at some point; ``maturity check --baseline`` fails only on findings not in it.

    Written sorted, one entry per fingerprint, with no timestamps, so an unchanged site writes
    byte-identical files and a diff shows only real changes.
    """

    schema_id: str = Field(default=BASELINE_SCHEMA, alias="schema")
    version: int = BASELINE_VERSION
    findings: list[BaselineEntry] = Field(default_factory=list)

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @classmethod
    def from_findings(cls, findings: Iterable[Finding], keep: Iterable[BaselineEntry] = ()) -> Baseline:
        """A baseline of ``findings``, plus ``keep`` (entries on pages this run did not audit)."""
        unique: dict[str, BaselineEntry] = {}
        for f in findings:
            unique.setdefault(
                f.fingerprint,
                BaselineEntry(fingerprint=f.fingerprint, check_id=f.check_id, url=f.url, selector=f.selector),
            )
        for entry in keep:
            unique.setdefault(entry.fingerprint, entry)
        return cls(findings=sorted(unique.values(), key=lambda e: (e.check_id, e.url, e.selector, e.fingerprint)))

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(e.fingerprint for e in self.findings)

    def dumps(self) -> str:
        data = {
            "schema": BASELINE_SCHEMA,
            "version": BASELINE_VERSION,
            "findings": [e.model_dump() for e in self.findings],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def save(self, path: str | Path) -> Path:
        p = Path(path)
        if p.parent != Path():
            p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(self.dumps(), encoding="utf-8")
        return p

    @classmethod
    def load(cls, path: str | Path) -> Baseline:
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(str(p), "no such baseline (create it with --update-baseline)") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(str(p), f"cannot read baseline: {exc}") from None
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(str(p), f"invalid JSON: {exc.msg}", f"line {exc.lineno}, column {exc.colno}") from None
        if not isinstance(raw, dict):
            raise ConfigError(str(p), "a baseline is a JSON object with schema, version and findings")
        baseline = validate(cls, raw, str(p))
        if baseline.schema_id != BASELINE_SCHEMA:
            raise ConfigError(str(p), f"not a maturity baseline (schema {baseline.schema_id!r})", "schema")
        if baseline.version != BASELINE_VERSION:
            raise ConfigError(str(p), f"unsupported baseline version {baseline.version}", "version")
        return baseline


# ---------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------


class GateFailure(_Strict):
    gate: GateName
    message: str
    url: str | None = None
    check_id: str | None = None
    fingerprint: str | None = None


class JourneyVerdict(_Strict):
    """One journey's result and the gates applied to it (for JUnit and SARIF entries per step)."""

    result: JourneyResult
    gates: list[JourneyGate]


class GateResult(_Strict):
    passed: bool
    evaluated: list[GateName] = Field(default_factory=list)  # the gates that were configured and checked
    failures: list[GateFailure] = Field(default_factory=list)
    baseline_used: bool = False
    new_findings: list[Finding] = Field(default_factory=list)  # not in the baseline (only with one)
    accepted: list[str] = Field(default_factory=list)  # fingerprints of findings the baseline accepts
    fixed: list[BaselineEntry] = Field(default_factory=list)  # in the baseline, gone from a page audited now
    unverified: list[BaselineEntry] = Field(default_factory=list)  # in the baseline, page not audited now
    notes: list[str] = Field(default_factory=list)
    journeys: list[JourneyVerdict] = Field(default_factory=list)

    def failures_of(self, gate: str) -> list[GateFailure]:
        return [f for f in self.failures if f.gate == gate]

    def is_accepted(self, finding: Finding) -> bool:
        return finding.fingerprint in set(self.accepted)


def decide(failures: Sequence[GateFailure]) -> bool:
    """The pass/fail decision: pass when no gate failed."""
    return not failures


class SiteEvidence(BaseModel):
    """One audited site: its scorecard and the page artifacts behind it (for performance medians)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    card: Scorecard
    pages: list[PageArtifacts] = Field(default_factory=list)


def evaluate(
    card: Scorecard,
    pages: Sequence[PageArtifacts],
    config: CheckConfig,
    baseline: Baseline | None = None,
) -> GateResult:
    """Evaluate every configured gate on one audited site."""
    return evaluate_sites([SiteEvidence(card=card, pages=list(pages))], config, baseline)


def evaluate_sites(
    sites: Sequence[SiteEvidence],
    config: CheckConfig,
    baseline: Baseline | None = None,
    journeys: Sequence[JourneyResult] = (),
) -> GateResult:
    """Evaluate every configured gate on each site; the baseline is compared with all their findings,
    and the journey gates with each journey's result."""
    gates = config.gates
    failures: list[GateFailure] = []
    notes: list[str] = []
    evaluated: list[GateName] = []

    accepted_fps = baseline.fingerprints if baseline else frozenset()
    all_findings = [f for s in sites for f in s.card.iter_findings()]
    counted = [f for f in all_findings if f.fingerprint not in accepted_fps]

    if gates.min_level is not None:
        evaluated.append("min_level")
        for s in sites:
            failures.extend(_min_level(s.card, gates.min_level))
    if gates.min_dimensions:
        evaluated.append("min_dimensions")
        for s in sites:
            failures.extend(_min_dimensions(s.card, gates.min_dimensions))
    if _has_limits(gates):
        evaluated.append("max_findings")
        failures.extend(_max_findings(counted, gates, with_baseline=baseline is not None))
    if _has_budgets(gates):
        evaluated.append("budgets")
        for s in sites:
            found, said = _budgets(s.pages, gates)
            failures.extend(found)
            notes.extend(said)
    if gates.required_checks or any(p.required_checks for p in gates.paths):
        evaluated.append("required_checks")
        for s in sites:
            failures.extend(_required_checks(s.card, gates))

    new: list[Finding] = []
    fixed: list[BaselineEntry] = []
    unverified: list[BaselineEntry] = []
    if baseline is not None:
        evaluated.append("baseline")
        new, fixed, unverified = diff_baseline(all_findings, _assessed_urls(sites), baseline)
        seen: set[str] = set()
        for f in new:
            if f.fingerprint in seen:
                continue
            seen.add(f.fingerprint)
            where = f" at {f.selector}" if f.selector else ""
            failures.append(
                GateFailure(
                    gate="baseline",
                    message=f"new finding: {f.check_id} on {f.url or 'the site'}{where} ({f.title})",
                    url=f.url or None,
                    check_id=f.check_id,
                    fingerprint=f.fingerprint,
                )
            )
        if unverified:
            notes.append(
                f"{len(unverified)} baseline finding(s) are on pages not audited in this run; kept, not reported fixed"
            )

    verdicts: list[JourneyVerdict] = []
    if journeys:
        evaluated.append("journeys")
        for journey in journeys:
            applied = journey_gates(
                journey,
                keyboard_required=gates.journeys.keyboard,
                budget_seconds=gates.journeys.budget_seconds,
            )
            verdicts.append(JourneyVerdict(result=journey, gates=applied))
            failures.extend(
                GateFailure(gate="journeys", message=f"journey {journey.id}: {g.name}: {g.detail}", url=journey.start)
                for g in applied
                if not g.passed
            )

    return GateResult(
        passed=decide(failures),
        evaluated=evaluated,
        failures=failures,
        baseline_used=baseline is not None,
        new_findings=new,
        accepted=sorted({f.fingerprint for f in all_findings if f.fingerprint in accepted_fps}),
        fixed=fixed,
        unverified=unverified,
        notes=notes,
        journeys=verdicts,
    )


def diff_baseline(
    findings: Sequence[Finding], assessed_urls: Iterable[str], baseline: Baseline
) -> tuple[list[Finding], list[BaselineEntry], list[BaselineEntry]]:
    """(new findings, fixed baseline entries, unverified baseline entries).

    A baseline entry is *fixed* only when its page was audited in this run (or it is a site-level
    finding) and the finding is gone; when its page was not audited it is *unverified*.
    """
    known = baseline.fingerprints
    current = {f.fingerprint for f in findings}
    new = [f for f in findings if f.fingerprint not in known]
    assessed = set(assessed_urls)
    fixed, unverified = [], []
    for entry in baseline.findings:
        if entry.fingerprint in current:
            continue
        if not entry.url or entry.url in assessed:
            fixed.append(entry)
        else:
            unverified.append(entry)
    return new, fixed, unverified


def _assessed_urls(sites: Sequence[SiteEvidence]) -> set[str]:
    urls: set[str] = set()
    for s in sites:
        urls.add(s.card.target)
        urls.update(p.url for p in s.card.pages if p.status == "ok")
    return urls


def _min_level(card: Scorecard, minimum: int) -> list[GateFailure]:
    if card.level is None:
        return [
            GateFailure(
                gate="min_level",
                message=f"{card.target}: the level is not assessable (need level {minimum} or higher)",
                url=card.target,
            )
        ]
    if card.level < minimum:
        return [
            GateFailure(
                gate="min_level",
                message=f"{card.target}: level {card.level} ({card.level_name}) is below the required {minimum}",
                url=card.target,
            )
        ]
    return []


def _min_dimensions(card: Scorecard, minimums: Mapping[str, float]) -> list[GateFailure]:
    out = []
    by_id = {d.id: d for d in card.dimensions}
    for dim_id, minimum in minimums.items():
        dim = by_id.get(dim_id)
        if dim is None:
            out.append(
                GateFailure(
                    gate="min_dimensions",
                    message=f"{card.target}: the rubric has no dimension {dim_id!r}",
                    url=card.target,
                )
            )
        elif dim.score is None:
            out.append(
                GateFailure(
                    gate="min_dimensions",
                    message=f"{card.target}: {dim.title} has no score (nothing could be measured); need {minimum:g}",
                    url=card.target,
                )
            )
        elif dim.score < minimum:
            out.append(
                GateFailure(
                    gate="min_dimensions",
                    message=f"{card.target}: {dim.title} scored {dim.score:g}, below the required {minimum:g}",
                    url=card.target,
                )
            )
    return out


def _has_limits(gates: Gates) -> bool:
    return bool(gates.max_findings.model_fields_set) or any(
        p.max_findings is not None and p.max_findings.model_fields_set for p in gates.paths
    )


def _has_budgets(gates: Gates) -> bool:
    return bool(gates.budgets.model_fields_set) or any(
        p.budgets is not None and p.budgets.model_fields_set for p in gates.paths
    )


def _limits_for(url: str, gates: Gates) -> tuple[str, dict[str, int | None]]:
    """(scope label, limits) for a finding on ``url``: top-level limits overridden by matching paths."""
    limits: dict[str, int | None] = {k: getattr(gates.max_findings, k) for k in FINDING_LIMIT_KEYS}
    scope = "site"
    for entry in gates.paths:
        if entry.max_findings is not None and entry.max_findings.model_fields_set and re.search(entry.pattern, url):
            for key in entry.max_findings.model_fields_set:
                limits[key] = getattr(entry.max_findings, key)
            scope = f"pages matching {entry.pattern!r}"
    return scope, limits


def _max_findings(findings: Sequence[Finding], gates: Gates, *, with_baseline: bool) -> list[GateFailure]:
    """Count findings per scope (the site, or a ``paths`` pattern whose limits apply) and impact."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    limits_of: dict[str, dict[str, int | None]] = {}
    for f in findings:
        scope, limits = _limits_for(f.url, gates)
        limits_of[scope] = limits
        counts[scope]["total"] += 1
        if f.impact in IMPACTS:
            counts[scope][f.impact] += 1
    out = []
    for scope in sorted(counts):
        for key in FINDING_LIMIT_KEYS:
            limit = limits_of[scope][key]
            have = counts[scope][key]
            if limit is not None and have > limit:
                which = ("new " if with_baseline else "") + ("finding" if have == 1 else "findings")
                kind = "in total" if key == "total" else f"of {key} impact"
                out.append(
                    GateFailure(
                        gate="max_findings",
                        message=f"{have} {which} {kind} on {scope}, more than the {limit} allowed",
                    )
                )
    return out


def _budgets_for(url: str, gates: Gates) -> dict[str, float | None]:
    budgets: dict[str, float | None] = {k: getattr(gates.budgets, k) for k in BUDGET_METRICS}
    for entry in gates.paths:
        if entry.budgets is not None and re.search(entry.pattern, url):
            for key in entry.budgets.model_fields_set:
                budgets[key] = getattr(entry.budgets, key)
    return budgets


def perf_median(page: PageArtifacts) -> PerfRun | str:
    """The page's median performance run, or why there is none."""
    if page.status != "ok":
        return f"not assessable ({page.reason or 'unknown reason'})"
    facts = page.get("performance")
    if facts is None:
        return "not measured"
    if isinstance(facts, ArtifactError):
        return facts.error
    assert isinstance(facts, PerformanceFacts)
    return facts.median


def _value(run: PerfRun, key: str) -> float | None:
    field, _, _ = BUDGET_METRICS[key]
    value = getattr(run, field)
    if key == "bytes" and not run.requests:
        return None  # nothing was loaded: not a measurement of zero bytes
    return None if value is None else float(value)


def _fmt(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value:,.0f} ms"
    if unit == "bytes":
        return f"{value:,.0f} bytes"
    return f"{value:.3f}"


def _budgets(pages: Sequence[PageArtifacts], gates: Gates) -> tuple[list[GateFailure], list[str]]:
    failures: list[GateFailure] = []
    notes: list[str] = []
    measured: dict[str, int] = defaultdict(int)
    unmeasured: dict[str, list[str]] = defaultdict(list)  # reason -> pages
    wanted: set[str] = set()
    factor = 1 + gates.tolerance
    for page in pages:
        if page.status != "ok":
            continue
        budgets = {k: v for k, v in _budgets_for(page.url, gates).items() if v is not None}
        if not budgets:
            continue
        wanted.update(budgets)
        run = perf_median(page)
        if isinstance(run, str):
            unmeasured[run].append(page.url)
            continue
        for key, budget in budgets.items():
            value = _value(run, key)
            if value is None:
                continue
            measured[key] += 1
            if value > budget * factor:
                _, label, unit = BUDGET_METRICS[key]
                tol = f" + {gates.tolerance:.0%} tolerance" if gates.tolerance else ""
                failures.append(
                    GateFailure(
                        gate="budgets",
                        message=f"{page.url}: {label} {_fmt(value, unit)} is over the budget of "
                        f"{_fmt(budget, unit)}{tol}",
                        url=page.url,
                    )
                )
    for reason, urls in sorted(unmeasured.items()):
        example = urls[0] + (f" and {len(urls) - 1} more" if len(urls) > 1 else "")
        notes.append(f"performance budgets not checked on {len(urls)} page(s) ({reason}): {example}")
    for key in sorted(wanted):
        if not measured[key]:
            _, label, _ = BUDGET_METRICS[key]
            failures.append(
                GateFailure(gate="budgets", message=f"{label} budget: no page had a {label} measurement to check")
            )
    return failures, notes


def _required_checks(card: Scorecard, gates: Gates) -> list[GateFailure]:
    wanted: dict[str, str | None] = {c: None for c in gates.required_checks}  # check -> pattern (None: everywhere)
    named = set(wanted) | {c for entry in gates.paths for c in entry.required_checks}
    by_check: dict[str, list[Any]] = defaultdict(list)
    for r in card.all_results():  # the required checks' results only: a large site is not rebuilt whole
        if r.check_id in named:
            by_check[r.check_id].append(r)
    out: list[GateFailure] = []
    for check_id in wanted:
        out.extend(_required(card, check_id, by_check.get(check_id, []), None))
    for entry in gates.paths:
        for check_id in entry.required_checks:
            if check_id in wanted:
                continue  # already required everywhere
            results = [r for r in by_check.get(check_id, []) if r.url is None or re.search(entry.pattern, r.url)]
            out.extend(_required(card, check_id, results, entry.pattern))
    return out


def _required(card: Scorecard, check_id: str, results: list[Any], pattern: str | None) -> list[GateFailure]:
    scope = f" on pages matching {pattern!r}" if pattern else ""
    if not results:
        if pattern is not None:
            return []  # no page in this part of the site was audited
        return [
            GateFailure(
                gate="required_checks",
                message=f"{card.target}: required check {check_id} did not run (is it in the rubric?)",
                url=card.target,
                check_id=check_id,
            )
        ]
    out = []
    for r in results:
        if r.outcome == Outcome.FAIL:
            out.append(
                GateFailure(
                    gate="required_checks",
                    message=f"required check {check_id} fails on {r.url or card.target}{scope}",
                    url=r.url or card.target,
                    check_id=check_id,
                )
            )
        elif r.outcome == Outcome.ERROR:
            out.append(
                GateFailure(
                    gate="required_checks",
                    message=f"required check {check_id} could not run on {r.url or card.target}: {r.error}",
                    url=r.url or card.target,
                    check_id=check_id,
                )
            )
    return out
