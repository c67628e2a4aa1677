"""History: compare runs of a site, follow trends, roll scores up to agencies and portfolios.

Pure: stored runs come in as plain data (:class:`RunSnapshot`), comparisons, trends and rollups
go out. Nothing here touches the store, the browser or the network (import-linter enforces it).

Three rules keep the comparisons honest:

* **Like with like.** Scores from two different rubrics (different sha256) are never compared:
  the comparison says so, shows no deltas, and suggests rescoring both runs under one rubric
  (``maturity rescore-all --rubric FILE``). Performance metrics measured under different
  throttling profiles are not compared either.
* **Noise is not change.** A change smaller than the run-to-run noise band is reported as
  "no change". For performance metrics the band is the measured spread (max − min over the k
  loads of each page, the median over pages, the larger of the two runs) when both runs loaded
  pages more than once; with k = 1 it is a default band per metric (:data:`DEFAULT_METRIC_BANDS`).
  Lighthouse's variability guide (github.com/GoogleChrome/lighthouse, docs/variability.md)
  explains why single lab runs vary (page and browser nondeterminism, resource contention) and
  that the median of 5 runs is about twice as stable as one run; it publishes no per-metric
  band, so the defaults below are our own, deliberately conservative, choice.
* **A finding is "fixed" only where it was checked again.** A finding missing from the newer
  run on a page that run did not assess is "no longer checked", not fixed; and a finding is
  "new" only on a page the older run checked too: one on a page the older run did not assess
  (a larger sample, a new page) is "on a page not checked before".
* **Settings are named.** Two runs made with different settings (10 pages against 50, another
  throttling profile, other include patterns) are still compared, but the comparison names each
  setting that differs, old → new, since a change may come from what was checked.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Literal

from maturity.core import checks
from maturity.core.journey import JourneyComparison, JourneyResult, compare_journeys
from maturity.core.model import PerformanceFacts, RunInfo
from maturity.core.scoring import DimensionScore, Finding, PageSummary, Scorecard

# ---------------------------------------------------------------------------
# Input: one stored run, as plain data
# ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RunSnapshot:
    """One run of one site: what history needs to know about it.

    ``scorecard`` is the scoring chosen for this view (see :func:`choose_scoring` in the loader);
    ``perf`` holds the performance facts of each measured page, loaded only where a comparison
    needs them.
    """

    run: RunInfo
    site: str  # the crawl's start URL: the identity of a site across runs
    agency: str
    portfolio: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    pages: list[PageSummary] = field(default_factory=list)
    scorecard: Scorecard | None = None
    perf: dict[str, PerformanceFacts] | None = None
    journeys: list[JourneyResult] = field(default_factory=list)  # the task journeys run with it (issue 15)

    @property
    def crawl_id(self) -> int:
        return self.run.crawl_id

    @property
    def finished(self) -> bool:
        return self.run.status == "finished"

    @property
    def assessable_pages(self) -> int:
        return sum(1 for p in self.pages if p.status == "ok")

    @property
    def throttle(self) -> str | None:
        value = self.run.settings.get("throttle")
        return str(value) if value is not None else None

    @property
    def perf_runs(self) -> int:
        try:
            return int(self.run.settings.get("perf_runs") or 1)
        except (TypeError, ValueError):
            return 1


def rubric_label(card: Scorecard) -> str:
    return f"{card.rubric.id} {card.rubric.version} (sha256 {card.rubric.sha256[:12]})"


# ---------------------------------------------------------------------------
# Noise bands
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NoiseBand:
    """Changes within ``max(absolute, relative × |earlier value|)`` are noise."""

    absolute: float
    relative: float = 0.0

    def width(self, reference: float | None) -> float:
        return max(self.absolute, self.relative * abs(reference or 0.0))


@dataclass(frozen=True)
class Metric:
    key: str  # field of PerfRun
    title: str
    unit: str  # "ms", "", "bytes"


METRICS: tuple[Metric, ...] = (
    Metric("ttfb_ms", "Time to first byte", "ms"),
    Metric("fcp_ms", "First Contentful Paint", "ms"),
    Metric("lcp_ms", "Largest Contentful Paint", "ms"),
    Metric("tbt_ms", "Total Blocking Time", "ms"),
    Metric("cls", "Cumulative Layout Shift", ""),
    Metric("bytes", "Page weight", "bytes"),
)

DEFAULT_METRIC_BANDS: dict[str, NoiseBand] = {
    # Used when a run loaded each page once (k = 1). Our own conservative choice (see the module doc):
    "ttfb_ms": NoiseBand(50, 0.20),  # server time varies with load on shared hosting
    "fcp_ms": NoiseBand(100, 0.10),
    "lcp_ms": NoiseBand(150, 0.10),
    "tbt_ms": NoiseBand(50, 0.25),  # main-thread work is the most contention-sensitive metric
    "cls": NoiseBand(0.02, 0.10),
    "bytes": NoiseBand(2048, 0.02),  # nearly deterministic; ads, nonces and A/B tests move it a little
}

SCORE_BAND = 0.5
"""Points (0–100) within which a score change is rounding: figures are stored to 0.1."""

METRIC_CHECK_BAND = {1: 10.0, 5: 5.0}
"""Noise, in points, of a metric check's 0–100 score: 10 for fewer than 5 loads per page, 5 from 5
loads (Lighthouse: the median of 5 runs is about twice as stable as one run)."""

METRIC_CHECKS = frozenset(
    {
        "first-contentful-paint",
        "largest-contentful-paint",
        "total-blocking-time",
        "cumulative-layout-shift",
        "server-response-time",
        "total-byte-weight",
    }
)
"""Lab-metric checks known by id; any other check that reads the ``performance`` artifact (timed
serial loads) counts as one too (:func:`is_lab_metric`)."""


def is_lab_metric(check_id: str) -> bool:
    if check_id in METRIC_CHECKS:
        return True
    if not checks.exists(check_id):
        return False
    return "performance" in checks.get(check_id).meta.requires


def _metric_check_band(k: int) -> float:
    return METRIC_CHECK_BAND[5] if k >= 5 else METRIC_CHECK_BAND[1]


def _metric_share(dim: DimensionScore) -> float:
    """Share of a dimension's (scored) weight that rests on lab metrics, 0..1."""
    scored = [c for c in dim.checks if c.score is not None]
    total = sum(c.weight for c in scored)
    if not total:
        return 0.0
    return sum(c.weight for c in scored if is_lab_metric(c.check_id)) / total


def dimension_band(dim: DimensionScore, k: int) -> float:
    """The noise band of a dimension score: rounding plus the part that rests on noisy lab metrics."""
    return round(SCORE_BAND + _metric_share(dim) * _metric_check_band(k), 2)


def overall_band(card: Scorecard, k: int) -> float:
    scored = [d for d in card.dimensions if d.score is not None]
    total = sum(d.weight for d in scored)
    if not total:
        return SCORE_BAND
    noisy = sum(d.weight * _metric_share(d) for d in scored) / total
    return round(SCORE_BAND + noisy * _metric_check_band(k), 2)


# ---------------------------------------------------------------------------
# Comparing two runs
# ---------------------------------------------------------------------------

SAMPLING_SOURCE = "the two samples' 95 % intervals"


def sampling_band(before: tuple[float, float] | None, after: tuple[float, float] | None) -> float:
    """How far two scores from independent samples may differ by the luck of the draw alone: the
    95 % half-width of their difference, sqrt(h1² + h2²) from each interval's half-width h (one
    run's interval alone, when only it has one). 0 when neither run was a probability sample."""
    halves = [(span[1] - span[0]) / 2 for span in (before, after) if span is not None]
    return round(math.sqrt(sum(h * h for h in halves)), 2) if halves else 0.0


Verdict = Literal["better", "worse", "no change", "not measured"]


@dataclass(frozen=True)
class Change:
    key: str
    title: str
    before: float | None
    after: float | None
    band: float  # changes within ±band are "no change"
    unit: str = ""
    higher_is_better: bool = True
    band_source: str = ""  # "measured spread (k=5)", "default band", ...

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def verdict(self) -> Verdict:
        d = self.delta
        if d is None:
            return "not measured"
        if abs(d) <= self.band:
            return "no change"
        return "better" if (d > 0) == self.higher_is_better else "worse"


@dataclass(frozen=True)
class FindingDelta:
    new: list[Finding]  # on a page the older run assessed too (or site-wide): new on a page checked before
    fixed: list[Finding]  # gone from a page the newer run assessed again
    still_open: int  # how many: the bulk of a large site's findings, counted, not listed
    not_rechecked: list[Finding]  # gone, but the newer run did not assess the page: page no longer checked
    not_checked_before: list[Finding] = field(default_factory=list)  # on a page the older run did not assess


# Settings that do not change what is measured: left out of "the settings differ".
SETTINGS_NOT_COMPARED = frozenset({"url", "db", "concurrency"})


@dataclass(frozen=True)
class SettingChange:
    key: str
    before: object
    after: object


def settings_changes(before: RunSnapshot, after: RunSnapshot) -> list[SettingChange]:
    """Each recorded setting whose value differs between two runs (keys recorded by only one run,
    an older version's, are left out: nothing is known to differ)."""
    b, a = before.run.settings, after.run.settings
    return [
        SettingChange(key, b[key], a[key])
        for key in sorted(set(b) & set(a))
        if key not in SETTINGS_NOT_COMPARED and _setting(b[key]) != _setting(a[key])
    ]


def _setting(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


@dataclass(frozen=True)
class Comparison:
    before: RunSnapshot
    after: RunSnapshot
    same_rubric: bool
    rubric_note: str  # empty when the rubrics match
    overall: Change | None
    level_before: int | None
    level_after: int | None
    level_note: str
    dimensions: list[Change]
    findings: FindingDelta | None
    pages_added: list[str]
    pages_removed: list[str]
    pages_newly_not_assessable: list[str]
    metrics: list[Change]
    metrics_note: str
    settings_changed: list[SettingChange] = field(default_factory=list)
    # Task journeys run with both runs, compared (maturity.core.journey.compare_journeys: outcome,
    # keyboard, steps added or removed, times beyond the noise band); journeys run with one run only.
    journeys: list[JourneyComparison] = field(default_factory=list)
    journeys_added: list[str] = field(default_factory=list)
    journeys_removed: list[str] = field(default_factory=list)

    @property
    def level_changed(self) -> bool:
        return self.same_rubric and self.level_before != self.level_after


def compare(before: RunSnapshot, after: RunSnapshot) -> Comparison:
    """What changed from ``before`` to ``after`` (two runs of one site, ``before`` the older)."""
    cb, ca = before.scorecard, after.scorecard
    same = cb is not None and ca is not None and cb.rubric.sha256 == ca.rubric.sha256
    rubric_note = ""
    if cb is None or ca is None:
        missing = [s.crawl_id for s, c in ((before, cb), (after, ca)) if c is None]
        rubric_note = "Run " + " and ".join(map(str, missing)) + " has no scoring, so scores cannot be compared."
    elif not same:
        rubric_note = (
            f"Run {before.crawl_id} was scored under rubric {rubric_label(cb)} and run {after.crawl_id} "
            f"under {rubric_label(ca)}. Scores from different rubrics are not compared; rescore both runs "
            "under one rubric (`maturity rescore-all --rubric FILE`) to see the changes."
        )
    k = min(before.perf_runs, after.perf_runs)
    overall = None
    dims: list[Change] = []
    level_note = ""
    findings = None
    if same and cb is not None and ca is not None:
        noise = max(overall_band(cb, k), overall_band(ca, k))
        sampled = sampling_band(cb.overall_interval, ca.overall_interval)
        overall = Change(
            "overall",
            "Overall score",
            cb.overall,
            ca.overall,
            band=max(noise, sampled),
            band_source=SAMPLING_SOURCE if sampled > noise else "",
        )
        old = {d.id: d for d in cb.dimensions}
        for d in ca.dimensions:
            o = old.get(d.id)
            noise = max(dimension_band(d, k), dimension_band(o, k) if o else 0.0)
            sampled = sampling_band(o.interval if o else None, d.interval)
            dims.append(
                Change(
                    d.id,
                    d.title,
                    o.score if o else None,
                    d.score,
                    band=max(noise, sampled),
                    band_source=SAMPLING_SOURCE if sampled > noise else "",
                )
            )
        if cb.level != ca.level and overall.verdict == "no change":
            level_note = (
                "The level changed although the overall score moved less than its noise band: "
                "the site is close to a level threshold."
            )
        findings = _finding_delta(cb.iter_findings, ca.iter_findings, before, after)
    before_urls = [p.url for p in before.pages]
    after_urls = [p.url for p in after.pages]
    before_set, after_set = set(before_urls), set(after_urls)
    old_status = {p.url: p.status for p in before.pages}
    metrics, metrics_note = _metric_changes(before, after)
    old_journeys = {j.id: j for j in before.journeys}
    return Comparison(
        before=before,
        after=after,
        same_rubric=same,
        rubric_note=rubric_note,
        overall=overall,
        level_before=cb.level if cb else None,
        level_after=ca.level if ca else None,
        level_note=level_note,
        dimensions=dims,
        findings=findings,
        pages_added=[u for u in after_urls if u not in before_set],
        pages_removed=[u for u in before_urls if u not in after_set],
        pages_newly_not_assessable=[p.url for p in after.pages if p.status != "ok" and old_status.get(p.url) == "ok"],
        metrics=metrics,
        metrics_note=metrics_note,
        settings_changed=settings_changes(before, after),
        journeys=[compare_journeys(old_journeys[j.id], j) for j in after.journeys if j.id in old_journeys],
        journeys_added=[j.id for j in after.journeys if j.id not in old_journeys],
        journeys_removed=[j.id for j in before.journeys if j.id not in {a.id for a in after.journeys}],
    )


def _finding_delta(
    old: Callable[[], Iterable[Finding]],
    new: Callable[[], Iterable[Finding]],
    before: RunSnapshot,
    after: RunSnapshot,
) -> FindingDelta:
    """The two runs' findings compared by fingerprint, streamed: each run's findings are read one
    at a time (the older run's twice), and what is held is a set of fingerprints a run (a
    20-character string each, about 100 bytes a finding with the set's slot) and the findings that
    changed; the findings still open are counted."""
    assessed = {p.url for p in after.pages if p.status == "ok"}
    assessed_before = {p.url for p in before.pages if p.status == "ok"}
    old_fps = {f.fingerprint for f in old()}

    def was_checked(f: Finding) -> bool:  # site-wide: checked whenever the older run assessed any page
        return f.url in assessed_before or (not f.url and bool(assessed_before))

    new_fps: set[str] = set()
    appeared: list[Finding] = []
    for f in new():
        if f.fingerprint in new_fps:
            continue
        new_fps.add(f.fingerprint)
        if f.fingerprint not in old_fps:
            appeared.append(f)
    still_open = len(new_fps & old_fps)
    fixed: list[Finding] = []
    unchecked: list[Finding] = []
    seen: set[str] = set()
    for f in old():
        if f.fingerprint in new_fps or f.fingerprint in seen:
            continue
        seen.add(f.fingerprint)
        # A site-wide finding (no URL) was checked again whenever the newer run assessed any page.
        (fixed if (f.url in assessed or (not f.url and assessed)) else unchecked).append(f)
    return FindingDelta(
        new=[f for f in appeared if was_checked(f)],
        fixed=fixed,
        still_open=still_open,
        not_rechecked=unchecked,
        not_checked_before=[f for f in appeared if not was_checked(f)],
    )


def site_metric(perf: dict[str, PerformanceFacts], urls: Iterable[str], key: str) -> float | None:
    """The site's figure for one metric: the median over ``urls`` of each page's median value."""
    raw = [getattr(perf[u].median, key) for u in urls if u in perf]
    values = [float(v) for v in raw if v is not None]
    return float(median(values)) if values else None


def measured_band(perf: dict[str, PerformanceFacts], urls: Iterable[str], key: str) -> float | None:
    """The median over pages of a metric's spread (max − min over the k loads), or None when k = 1."""
    raw = [perf[u].spread.get(key) for u in urls if u in perf and perf[u].k > 1]
    spreads = [float(s) for s in raw if s is not None]
    return float(median(spreads)) if spreads else None


def _metric_changes(before: RunSnapshot, after: RunSnapshot) -> tuple[list[Change], str]:
    if before.perf is None or after.perf is None:
        return [], "Performance metrics were not loaded for this comparison."
    if not before.perf or not after.perf:
        return [], "One of the runs has no performance measurements."
    if before.throttle != after.throttle:
        return [], (
            f"Performance was measured under different throttling profiles ({before.throttle} and "
            f"{after.throttle}), so the metrics are not compared."
        )
    common = sorted(set(before.perf) & set(after.perf))
    note = ""
    if common:
        urls_b = urls_a = common
    else:
        urls_b, urls_a = sorted(before.perf), sorted(after.perf)
        note = "No page was measured in both runs; each run's own sample is compared."
    both_repeated = before.perf_runs > 1 and after.perf_runs > 1
    out = []
    for m in METRICS:
        vb, va = site_metric(before.perf, urls_b, m.key), site_metric(after.perf, urls_a, m.key)
        spread_b, spread_a = measured_band(before.perf, urls_b, m.key), measured_band(after.perf, urls_a, m.key)
        if both_repeated and spread_b is not None and spread_a is not None:
            band = max(spread_b, spread_a)
            source = f"measured spread (k={min(before.perf_runs, after.perf_runs)})"
        else:
            band = DEFAULT_METRIC_BANDS[m.key].width(vb)
            source = "default band (k=1)"
        out.append(Change(m.key, m.title, vb, va, band=band, unit=m.unit, higher_is_better=False, band_source=source))
    return out, note


# ---------------------------------------------------------------------------
# Trends
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    crawl_id: int
    when: str  # ISO 8601
    overall: float | None
    level: int | None
    dimensions: dict[str, float | None]
    rubric_sha: str | None
    rubric: str  # label, for tables
    comparable: bool  # scored under the reference rubric (the newest run's)
    complete: bool = True  # every check of the scoring could run
    incomplete: frozenset[str] = frozenset()  # dimensions resting on incomplete evidence


def incomplete_dimensions(card: Scorecard | None) -> frozenset[str]:
    """The dimensions of a scorecard whose figure rests on incomplete evidence (some checks could not run)."""
    if card is None:
        return frozenset()
    return frozenset(d.id for d in card.dimensions if d.incomplete)


def trend(runs: Sequence[RunSnapshot]) -> list[TrendPoint]:
    """One point per scored run, oldest first. Only points under the newest run's rubric are comparable."""
    scored = [r for r in runs if r.scorecard is not None]
    if not scored:
        return []
    reference = scored[-1].scorecard.rubric.sha256  # type: ignore[union-attr]
    out = []
    for r in scored:
        card = r.scorecard
        assert card is not None
        out.append(
            TrendPoint(
                crawl_id=r.crawl_id,
                when=r.run.started_at,
                overall=card.overall,
                level=card.level,
                dimensions={d.id: d.score for d in card.dimensions},
                rubric_sha=card.rubric.sha256,
                rubric=f"{card.rubric.id} {card.rubric.version}",
                comparable=card.rubric.sha256 == reference,
                complete=card.complete,
                incomplete=incomplete_dimensions(card),
            )
        )
    return out


# ---------------------------------------------------------------------------
# Rollups: site -> agency -> portfolio
# ---------------------------------------------------------------------------

RollupMethod = Literal["mean", "page-weighted", "minimum"]
ROLLUP_METHODS: tuple[str, ...] = ("mean", "page-weighted", "minimum")

ROLLUP_DESCRIPTIONS = {
    "mean": (
        "the mean of its parts' scores, each counting equally; the level is the mean of their levels, rounded down"
    ),
    "page-weighted": (
        "the mean of its parts' scores weighted by the number of pages assessed in each; the level is the "
        "weighted mean of their levels, rounded down"
    ),
    "minimum": "the lowest of its parts' scores (the weakest part sets the figure); the level is the lowest level",
}


@dataclass(frozen=True)
class Scored:
    """Anything that can be rolled up: a site's latest scorecard, or an agency's rollup."""

    name: str
    overall: float | None
    level: int | None
    dimensions: dict[str, float | None]
    pages: int  # pages assessed
    rubric_sha: str | None


@dataclass(frozen=True)
class Rollup:
    method: str
    overall: float | None
    level: int | None
    dimensions: dict[str, float | None]
    pages: int
    parts_scored: int
    parts_total: int
    mixed_rubrics: bool  # parts were scored under different rubrics: the figure mixes scales
    rubric_sha: str | None

    def as_scored(self, name: str) -> Scored:
        return Scored(name, self.overall, self.level, self.dimensions, self.pages, self.rubric_sha)


def scored_site(name: str, card: Scorecard | None, pages: int) -> Scored:
    if card is None:
        return Scored(name, None, None, {}, pages, None)
    return Scored(name, card.overall, card.level, {d.id: d.score for d in card.dimensions}, pages, card.rubric.sha256)


def _combine(values: list[tuple[float, float]], method: str) -> float | None:
    """(value, pages) pairs -> one figure."""
    if not values:
        return None
    if method == "minimum":
        return min(v for v, _ in values)
    if method == "page-weighted":
        total = sum(w for _, w in values)
        if total > 0:
            return sum(v * w for v, w in values) / total
    return sum(v for v, _ in values) / len(values)


def rollup(parts: Sequence[Scored], method: str) -> Rollup:
    """Roll site (or agency) figures up with ``method``: ``mean``, ``page-weighted`` or ``minimum``.

    Parts without a score are left out of the figures and counted (``parts_scored`` of
    ``parts_total``), never treated as zero.
    """
    if method not in ROLLUP_METHODS:
        raise ValueError(f"unknown rollup method {method!r}; use one of {', '.join(ROLLUP_METHODS)}")
    scored = [p for p in parts if p.overall is not None]
    overall = _combine([(p.overall, p.pages) for p in scored if p.overall is not None], method)
    levels = [(float(p.level), float(p.pages)) for p in scored if p.level is not None]
    level_value = _combine(levels, method)
    level = None if level_value is None else math.floor(level_value + 1e-9)
    dim_ids: list[str] = []
    for p in scored:
        dim_ids.extend(d for d in p.dimensions if d not in dim_ids)
    dims = {
        d: _round(_combine([(v, p.pages) for p in scored if (v := p.dimensions.get(d)) is not None], method))
        for d in dim_ids
    }
    shas = {p.rubric_sha for p in scored if p.rubric_sha}
    return Rollup(
        method=method,
        overall=_round(overall),
        level=level,
        dimensions=dims,
        pages=sum(p.pages for p in parts),
        parts_scored=len(scored),
        parts_total=len(parts),
        mixed_rubrics=len(shas) > 1,
        rubric_sha=next(iter(shas)) if len(shas) == 1 else None,
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# ---------------------------------------------------------------------------
# Grouping: sites with their runs, agencies with their sites
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteHistory:
    """Every run of one site, oldest first."""

    url: str
    agency: str
    runs: list[RunSnapshot]

    @property
    def scored(self) -> list[RunSnapshot]:
        return [r for r in self.runs if r.scorecard is not None]

    @property
    def latest(self) -> RunSnapshot | None:
        """The newest run with a scorecard."""
        scored = self.scored
        return scored[-1] if scored else None

    @property
    def previous(self) -> RunSnapshot | None:
        scored = self.scored
        return scored[-2] if len(scored) > 1 else None

    @property
    def last_attempt(self) -> RunSnapshot:
        return self.runs[-1]

    @property
    def last_attempt_failed(self) -> bool:
        return not self.last_attempt.finished and self.last_attempt.run.status != "running"

    @property
    def tags(self) -> dict[str, str]:
        return self.runs[-1].tags

    def comparison(self) -> Comparison | None:
        if self.latest is None or self.previous is None:
            return None
        return compare(self.previous, self.latest)

    def as_scored(self) -> Scored:
        latest = self.latest
        return scored_site(self.url, latest.scorecard if latest else None, latest.assessable_pages if latest else 0)


@dataclass(frozen=True)
class AgencyView:
    name: str
    sites: list[SiteHistory]
    rollup: Rollup
    change: Change | None  # the rolled-up overall score against the sites' previous runs

    @property
    def tags(self) -> dict[str, str]:
        """Tags every site of the agency shares."""
        if not self.sites:
            return {}
        common = dict(self.sites[0].tags)
        for s in self.sites[1:]:
            common = {k: v for k, v in common.items() if s.tags.get(k) == v}
        return common

    @property
    def failed_sites(self) -> list[SiteHistory]:
        return [s for s in self.sites if s.last_attempt_failed]


def site_histories(runs_by_site: dict[str, list[RunSnapshot]]) -> list[SiteHistory]:
    out = []
    for url, runs in runs_by_site.items():
        if runs:
            out.append(SiteHistory(url=url, agency=runs[-1].agency, runs=list(runs)))
    return sorted(out, key=lambda s: (s.agency.lower(), s.url))


def agency_change(sites: Sequence[SiteHistory], method: str) -> Change | None:
    """The agency's rolled-up overall score now against the same sites' previous runs.

    Only sites with a previous run under the same rubric take part (like with like); the noise band
    is the widest of theirs.
    """
    pairs = [(c.before, c.after, c) for s in sites if (c := s.comparison()) is not None and c.same_rubric]
    if not pairs:
        return None
    now = rollup([scored_site(a.site, a.scorecard, a.assessable_pages) for _, a, _ in pairs], method)
    then = rollup([scored_site(b.site, b.scorecard, b.assessable_pages) for b, _, _ in pairs], method)
    band = max((c.overall.band for _, _, c in pairs if c.overall is not None), default=SCORE_BAND)
    return Change("overall", "Overall score", then.overall, now.overall, band=band)


def agencies(runs_by_site: dict[str, list[RunSnapshot]], method: str) -> list[AgencyView]:
    """Sites grouped by agency (the agency of each site's newest run), with rollups."""
    grouped: dict[str, list[SiteHistory]] = {}
    for s in site_histories(runs_by_site):
        grouped.setdefault(s.agency, []).append(s)
    return [
        AgencyView(
            name=name,
            sites=sites,
            rollup=rollup([s.as_scored() for s in sites], method),
            change=agency_change(sites, method),
        )
        for name, sites in sorted(grouped.items(), key=lambda kv: kv[0].lower())
    ]


def portfolio_rollup(views: Sequence[AgencyView], method: str) -> Rollup:
    return rollup([v.rollup.as_scored(v.name) for v in views], method)


@dataclass(frozen=True)
class PortfolioPoint:
    """The portfolio as of one audit day: each site's newest run up to that day, rolled up."""

    day: str  # YYYY-MM-DD (UTC), the day runs started
    overall: float | None
    level: int | None
    dimensions: dict[str, float | None]
    sites: int  # sites with a run under the reference rubric by that day
    complete: bool  # every scoring behind the figure could run all its checks
    incomplete: frozenset[str] = frozenset()  # dimensions resting on incomplete evidence


@dataclass(frozen=True)
class PortfolioTrend:
    points: list[PortfolioPoint]
    rubric_sha: str | None  # the reference rubric: the newest scoring's among the sites' newest runs
    left_out: int  # scored runs under another rubric: not on this scale, not counted


def portfolio_trend(views: Sequence[AgencyView], method: str) -> PortfolioTrend:
    """The statewide figure over time, one point per day on which any site was audited: each site
    counts with its newest scored run up to that day (under the reference rubric only, like with
    like), rolled up to agencies and the portfolio by ``method`` exactly as the current figure is.
    A site not yet audited by a day is not in that day's figure (counted in ``sites``)."""
    latest = [s.latest for v in views for s in v.sites if s.latest and s.latest.scorecard]
    if not latest:
        return PortfolioTrend([], None, 0)
    newest = max(latest, key=lambda r: (r.run.started_at, r.crawl_id))
    assert newest.scorecard is not None
    reference = newest.scorecard.rubric.sha256
    usable = {
        s.url: [r for r in s.scored if r.scorecard is not None and r.scorecard.rubric.sha256 == reference]
        for v in views
        for s in v.sites
    }
    left_out = sum(len(s.scored) - len(usable[s.url]) for v in views for s in v.sites)
    days = sorted({r.run.started_at[:10] for runs in usable.values() for r in runs})
    points = []
    for day in days:
        agency_parts: list[Scored] = []
        cards: list[Scorecard] = []
        sites = 0
        for v in views:
            parts = []
            for s in v.sites:
                upto = [r for r in usable[s.url] if r.run.started_at[:10] <= day]
                if upto:
                    run = upto[-1]
                    assert run.scorecard is not None
                    cards.append(run.scorecard)
                    parts.append(scored_site(s.url, run.scorecard, run.assessable_pages))
                    sites += 1
            agency_parts.append(rollup(parts, method).as_scored(v.name))
        total = rollup(agency_parts, method)
        points.append(
            PortfolioPoint(
                day=day,
                overall=total.overall,
                level=total.level,
                dimensions=total.dimensions,
                sites=sites,
                complete=all(c.complete for c in cards),
                incomplete=frozenset().union(*(incomplete_dimensions(c) for c in cards)),
            )
        )
    return PortfolioTrend(points, reference, left_out)
