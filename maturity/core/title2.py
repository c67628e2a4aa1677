"""The ADA Title II web rule: which date applies to an entity, which WCAG 2.1 criteria automated
checks can speak to, and whether the pace of fixing will get an entity there in time.

Facts, with their sources (also in ../shared/reference/DOMAIN.md):

* 28 CFR part 35, subpart H requires state and local governments' web content and mobile apps to
  conform to WCAG 2.1 Level A and AA.
* The interim final rule of 2026-04-20 (91 FR 20902, FR Doc 2026-07663) set the compliance dates:
  2027-04-26 for a public entity with a total population of 50,000 or more; 2028-04-26 for a smaller
  one and for every special district government.
* The success criteria of WCAG 2.1 Level A and AA are those of the W3C Recommendation "Web Content
  Accessibility Guidelines (WCAG) 2.1" (https://www.w3.org/TR/WCAG21/), listed in
  :data:`WCAG21_A_AA` with their levels.

Pure: nothing here reads today's date; every function that needs "today" takes it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from maturity.core.exceptions import Candidate, Claim, ExceptionsFile
from maturity.core.model import Outcome
from maturity.core.scoring import Scorecard

# 91 FR 20902 (interim final rule, 2026-04-20), amending 28 CFR 35.200(b).
LARGE_ENTITY_DATE = date(2027, 4, 26)
SMALL_ENTITY_DATE = date(2028, 4, 26)
LARGE_POPULATION = 50_000  # "a total population of 50,000 or more"
TIERS = ("large", "small", "special-district")
DEADLINES = {"large": LARGE_ENTITY_DATE, "small": SMALL_ENTITY_DATE, "special-district": SMALL_ENTITY_DATE}

RUBRIC_ID = "ada-title-ii"

# WCAG 2.1 Level A and AA success criteria: number -> (handle, level). W3C Recommendation,
# https://www.w3.org/TR/WCAG21/ (AAA criteria and WCAG 2.2's additions are not required by the rule).
WCAG21_A_AA: dict[str, tuple[str, str]] = {
    "1.1.1": ("Non-text Content", "A"),
    "1.2.1": ("Audio-only and Video-only (Prerecorded)", "A"),
    "1.2.2": ("Captions (Prerecorded)", "A"),
    "1.2.3": ("Audio Description or Media Alternative (Prerecorded)", "A"),
    "1.2.4": ("Captions (Live)", "AA"),
    "1.2.5": ("Audio Description (Prerecorded)", "AA"),
    "1.3.1": ("Info and Relationships", "A"),
    "1.3.2": ("Meaningful Sequence", "A"),
    "1.3.3": ("Sensory Characteristics", "A"),
    "1.3.4": ("Orientation", "AA"),
    "1.3.5": ("Identify Input Purpose", "AA"),
    "1.4.1": ("Use of Color", "A"),
    "1.4.2": ("Audio Control", "A"),
    "1.4.3": ("Contrast (Minimum)", "AA"),
    "1.4.4": ("Resize Text", "AA"),
    "1.4.5": ("Images of Text", "AA"),
    "1.4.10": ("Reflow", "AA"),
    "1.4.11": ("Non-text Contrast", "AA"),
    "1.4.12": ("Text Spacing", "AA"),
    "1.4.13": ("Content on Hover or Focus", "AA"),
    "2.1.1": ("Keyboard", "A"),
    "2.1.2": ("No Keyboard Trap", "A"),
    "2.1.4": ("Character Key Shortcuts", "A"),
    "2.2.1": ("Timing Adjustable", "A"),
    "2.2.2": ("Pause, Stop, Hide", "A"),
    "2.3.1": ("Three Flashes or Below Threshold", "A"),
    "2.4.1": ("Bypass Blocks", "A"),
    "2.4.2": ("Page Titled", "A"),
    "2.4.3": ("Focus Order", "A"),
    "2.4.4": ("Link Purpose (In Context)", "A"),
    "2.4.5": ("Multiple Ways", "AA"),
    "2.4.6": ("Headings and Labels", "AA"),
    "2.4.7": ("Focus Visible", "AA"),
    "2.5.1": ("Pointer Gestures", "A"),
    "2.5.2": ("Pointer Cancellation", "A"),
    "2.5.3": ("Label in Name", "A"),
    "2.5.4": ("Motion Actuation", "A"),
    "3.1.1": ("Language of Page", "A"),
    "3.1.2": ("Language of Parts", "AA"),
    "3.2.1": ("On Focus", "A"),
    "3.2.2": ("On Input", "A"),
    "3.2.3": ("Consistent Navigation", "AA"),
    "3.2.4": ("Consistent Identification", "AA"),
    "3.3.1": ("Error Identification", "A"),
    "3.3.2": ("Labels or Instructions", "A"),
    "3.3.3": ("Error Suggestion", "AA"),
    "3.3.4": ("Error Prevention (Legal, Financial, Data)", "AA"),
    "4.1.1": ("Parsing", "A"),
    "4.1.2": ("Name, Role, Value", "A"),
    "4.1.3": ("Status Messages", "AA"),
}

# Our own checks whose failures are failures of a criterion (the rest of ours are advice).
OWN_CHECK_CRITERIA: dict[str, tuple[str, ...]] = {
    "group-label": ("1.3.1",),
    "autoplay-media": ("1.4.2", "2.2.2"),
    "horizontal-overflow": ("1.4.10",),  # content wider than a 412 px screen is wider than 320 px too
    "focus-visible": ("2.4.7",),
    "placeholder-label": ("3.3.2",),
    "alt-text-placeholder": ("1.1.1",),
    "image-button-alt": ("1.1.1",),
    "label-in-name": ("2.5.3",),
    "table-headers": ("1.3.1",),
    "layout-table-markup": ("1.3.1",),
    "table-header-cells": ("1.3.1",),
    "orientation-lock": ("1.3.4",),
    "text-spacing": ("1.4.12",),
    "click-focus": ("2.1.1",),
    "lang-parts": ("3.1.2",),
    "text-resize": ("1.4.4",),
    "reflow": ("1.4.10",),
    "hover-content": ("1.4.13",),
    "keyboard-trap": ("2.1.2",),
    "moving-content": ("2.2.2",),
    "animated-image": ("2.2.2",),
    "flashing": ("2.3.1",),
    "tab-order": ("2.4.3",),
}

# Criteria a person is still asked about although a bounded check in the browser finds some of their
# failures (the keyboard walk covers the first 20 tab stops and 3 widgets beyond, the hover probe 4
# controls, the flash reading a second of CSS animations at exact times and half a second of scripted
# changes and of canvas and video pixels): the check's failures count as failures of the criterion; its
# passes do not answer the question.
CHECKED_AND_ASKED = ("1.4.13", "2.1.2", "2.3.1", "2.4.3")

# Checks a Title II rubric may score that are practice, not a WCAG criterion: their failures are
# reported on their own line, never counted as WCAG failures.
POLICY_CHECKS = ("accessibility-statement",)

_SC_TAG = re.compile(r"^wcag(\d)(\d)(\d{1,2})$")
AXE_PREFIX = "axe/"
ATTEST_PREFIX = "attest/"


def criterion_of_tag(tag: str) -> str | None:
    """axe-core's success-criterion tag as a WCAG 2.1 A/AA number: ``wcag1410`` -> ``1.4.10``;
    None for a level tag (``wcag2aa``), a AAA or WCAG 2.2-only criterion."""
    m = _SC_TAG.match(tag)
    if not m:
        return None
    number = f"{m.group(1)}.{m.group(2)}.{int(m.group(3))}"
    return number if number in WCAG21_A_AA else None


def criteria_of(check_id: str, rule_tags: Mapping[str, Iterable[str]]) -> tuple[str, ...]:
    """The WCAG 2.1 A/AA criteria a failure of ``check_id`` fails: an axe rule's by its tags
    (``rule_tags``: rule id -> tags, from the crawl's axe-core results), our own by
    :data:`OWN_CHECK_CRITERIA`; () for anything else."""
    if check_id.startswith(AXE_PREFIX):
        tags = rule_tags.get(check_id[len(AXE_PREFIX) :], ())
        found = (criterion_of_tag(t) for t in tags)
        return tuple(sorted({c for c in found if c}, key=criterion_sort_key))
    return OWN_CHECK_CRITERIA.get(check_id, ())


_QUESTION = re.compile(r"^wcag-(\d)-(\d)-(\d{1,2})$")


def criterion_of_question(question: str) -> str | None:
    """The criterion a Title II rubric's question is about: ``wcag-1-2-1`` -> ``1.2.1``."""
    m = _QUESTION.match(question)
    if not m:
        return None
    number = ".".join(m.groups())
    return number if number in WCAG21_A_AA else None


def criterion_sort_key(number: str) -> tuple[int, ...]:
    return tuple(int(p) for p in number.split("."))


# -- tier and compliance date ------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    tier: str | None  # large | small | special-district; None: unknown
    population: int | None
    dates: tuple[date, ...]  # one date, or both when the tier is unknown
    note: str = ""

    @property
    def known(self) -> bool:
        return self.tier is not None

    @property
    def due(self) -> date:
        """The date to plan by: the entity's own, or (tier unknown) the earlier of the two."""
        return self.dates[0]

    def days_left(self, today: date) -> int:
        return (self.due - today).days


def deadline(tags: Mapping[str, str]) -> Deadline:
    """The compliance date from a portfolio's tags: ``population_tier`` when a person set it,
    a special district by its registry type, else ``population`` against 50,000. An entity with
    neither gets both dates and a note, never a guess."""
    population = _int(tags.get("population"))
    tier = (tags.get("population_tier") or "").strip().lower() or None
    note = ""
    if tier is not None and tier not in TIERS:
        note = f"population_tier {tier!r} is not one of {', '.join(TIERS)}"
        tier = None
    if tier is None and tags.get("domain_type") == "special-district":
        tier = "special-district"
    if tier is None and population is not None:
        tier = "large" if population >= LARGE_POPULATION else "small"
    elif tier in ("large", "small") and population is not None:
        implied = "large" if population >= LARGE_POPULATION else "small"
        if implied != tier:
            note = f"population_tier {tier} disagrees with population {population:,}; the tier set by hand is used"
    if tier is None:
        return Deadline(
            None,
            population,
            (LARGE_ENTITY_DATE, SMALL_ENTITY_DATE),
            note or "tier unknown: give population or population_tier",
        )
    return Deadline(tier, population, (DEADLINES[tier],), note)


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    text = str(value).replace(",", "").replace("_", "").strip()
    return int(text) if text.isdigit() else None


def check_population_tags(tags: Mapping[str, str]) -> str | None:
    """What is wrong with a portfolio's ``population`` / ``population_tier`` tags, or None."""
    if "population" in tags and _int(tags["population"]) is None:
        return f"population must be a whole number of people, not {tags['population']!r}"
    tier = tags.get("population_tier")
    if tier is not None and tier.strip().lower() not in TIERS:
        return f"population_tier must be one of {', '.join(TIERS)}, not {tier!r}"
    return None


# -- what a scoring under the Title II rubric says ---------------------------------------------


@dataclass(frozen=True)
class Failure:
    check_id: str
    url: str


@dataclass(frozen=True)
class RunFacts:
    """One run under the Title II rubric, reduced to what the tracker needs."""

    run: int
    site: str
    day: date
    failures: tuple[Failure, ...]  # every automated failure (each instance on each page)
    pages_assessed: int
    needs_review: tuple[str, ...] = ()  # criteria a person must still answer for (unanswered, expired or "no")
    statement: str = "not checked"  # the accessibility-statement check's outcome (pass | fail | error | not checked)

    @property
    def pages_failing(self) -> int:
        return len({f.url for f in self.failures})


def run_facts(card: Scorecard, *, run: int, site: str, day: date) -> RunFacts:
    """What the tracker keeps of a scorecard under the Title II rubric: every automated failure
    (each finding of a check, not of a question or of a practice check such as the accessibility
    statement), the criteria whose question is not answered "yes" by a valid attestation, and the
    accessibility statement's outcome."""
    failures = tuple(
        Failure(f.check_id, f.url)
        for f in card.iter_findings()
        if not f.check_id.startswith(ATTEST_PREFIX) and f.check_id not in POLICY_CHECKS
    )
    review = []
    statement = "not checked"
    for dim in card.dimensions:
        for c in dim.checks:
            if c.check_id.startswith(ATTEST_PREFIX) and c.outcome != Outcome.PASS:
                review.append(criterion_of_question(c.check_id[len(ATTEST_PREFIX) :]) or c.check_id)
            if c.check_id == "accessibility-statement" and c.outcome in (Outcome.PASS, Outcome.FAIL, Outcome.ERROR):
                statement = str(c.outcome.value)
    return RunFacts(
        run=run,
        site=site,
        day=day,
        failures=failures,
        pages_assessed=card.assessable_pages,
        needs_review=tuple(sorted(review, key=_sort_any)),
        statement=statement,
    )


def _sort_any(value: str) -> tuple[int, ...] | tuple[int, str]:
    try:
        return criterion_sort_key(value)
    except ValueError:
        return (99, value)


def summary_sentence(failures: int, pages_failing: int, needs_review: int) -> str:
    """What a Title II report says. Never "conforms": automated checks find failures, they do not
    prove their absence, and the criteria no check can decide need a person."""
    review = f"{needs_review} {'criterion needs' if needs_review == 1 else 'criteria need'} manual review"
    if failures == 0:
        if needs_review == 0:
            return "no automated failures; every criterion that needs a person is attested"
        return f"no automated failures; {review}"
    pages = f"{pages_failing} page{'s' if pages_failing != 1 else ''}"
    return f"{failures} automated failure{'s' if failures != 1 else ''} on {pages}; {review}"


def per_criterion(failures: Iterable[Failure], rule_tags: Mapping[str, Iterable[str]]) -> dict[str, tuple[int, int]]:
    """Criterion -> (failures, pages), in WCAG order; a failure that fails two criteria counts in
    both; failures no criterion claims are under "other"."""
    counts: dict[str, list[int]] = {}
    pages: dict[str, set[str]] = {}
    for f in failures:
        for c in criteria_of(f.check_id, rule_tags) or ("other",):
            counts.setdefault(c, [0])[0] += 1
            pages.setdefault(c, set()).add(f.url)
    order = sorted(counts, key=lambda c: (c == "other", criterion_sort_key(c) if c != "other" else ()))
    return {c: (counts[c][0], len(pages[c])) for c in order}


# -- trend and projection ---------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    status: str  # done | on-pace | no-progress | too-few-runs | not-measured
    zero_on: date | None = None  # the projected date failures reach zero, at the recent pace
    earliest: date | None = None  # the range the pace's spread allows (None: unbounded or unknown)
    latest: date | None = None
    pace_per_30_days: float | None = None  # change in failures per 30 days (negative: fewer)
    runs_used: int = 0

    def describe(self) -> str:
        if self.status == "done":
            return "no automated failures"
        if self.status == "too-few-runs":
            return "one run: no pace yet"
        if self.status == "not-measured":
            return "no run under the Title II rubric"
        if self.status == "no-progress":
            pace = "" if self.pace_per_30_days is None else f" ({self.pace_per_30_days:+.1f} a month)"
            return f"no progress{pace}"
        assert self.zero_on is not None
        spread = ""
        if self.runs_used < 3:
            spread = " (2 runs: no spread to estimate)"
        elif self.earliest is not None:
            spread = f" (between {self.earliest.isoformat()} and {self.latest.isoformat() if self.latest else 'never'})"
        return f"zero by {self.zero_on.isoformat()}{spread}"


def project(series: Sequence[tuple[date, int]], *, window: int = 5) -> Projection:
    """When failures reach zero at the pace of the last ``window`` runs.

    The pace is the least-squares slope of failures over days; the projection starts from the
    newest count. With three runs or more the slope's standard error gives a range (slope ± 2 s.e.);
    a range whose slow end is no longer falling has no latest date. A pace that does not fall is
    "no progress"."""
    points = sorted(series)[-window:]
    if not points:
        return Projection("not-measured")
    last_day, last = points[-1]
    if last == 0:
        return Projection("done", zero_on=last_day, runs_used=len(points))
    if len(points) < 2 or points[0][0] == last_day:
        return Projection("too-few-runs", runs_used=len(points))
    origin = points[0][0]
    xs = [float((d - origin).days) for d, _ in points]
    ys = [float(v) for _, v in points]
    n = len(points)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return Projection("too-few-runs", runs_used=n)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    pace = slope * 30
    if slope >= 0:
        return Projection("no-progress", pace_per_30_days=pace, runs_used=n)
    zero_on = last_day + timedelta(days=math.ceil(last / -slope))
    earliest = latest = None
    if n >= 3:
        intercept = my - slope * mx
        residual = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys, strict=True))
        se = math.sqrt(residual / (n - 2) / sxx)
        fast, slow = slope - 2 * se, slope + 2 * se
        earliest = last_day + timedelta(days=math.ceil(last / -fast))
        latest = last_day + timedelta(days=math.ceil(last / -slow)) if slow < 0 else None
    return Projection("on-pace", zero_on, earliest, latest, pace, n)


def combine(series_by_site: Mapping[str, Sequence[tuple[date, int]]]) -> list[tuple[date, int]]:
    """An entity's series from its sites': at each day any site was audited, the sum of every
    site's newest count on or before it, from the first day every site has a count (so a site
    audited for the first time does not look like a rise)."""
    if not series_by_site:
        return []
    ordered = {site: sorted(points) for site, points in series_by_site.items() if points}
    if not ordered:
        return []
    start = max(points[0][0] for points in ordered.values())
    days = sorted({d for points in ordered.values() for d, _ in points if d >= start})
    out = []
    for day in days:
        total = 0
        for points in ordered.values():
            total += [v for d, v in points if d <= day][-1]
        out.append((day, total))
    return out


# -- the tracker's rows ------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimedFailures:
    """Failures on the pages one claim covers, shown apart with the claim (not counted, not dropped)."""

    claim: Claim
    failures: int
    pages: int
    review_due: bool


@dataclass(frozen=True)
class EntityStatus:
    entity: str
    deadline: Deadline
    days_left: int
    sites: int
    failures: int
    pages_failing: int
    pages_assessed: int
    needs_review: int
    criteria: dict[str, tuple[int, int]]  # criterion -> (failures, pages)
    trend: list[tuple[date, int]]
    projection: Projection
    unscored_sites: list[str] = field(default_factory=list)  # sites with no run under the rubric
    claimed: list[ClaimedFailures] = field(default_factory=list)  # failures on pages claimed as exceptions
    candidates: list[Candidate] = field(default_factory=list)  # pages that look like a claim's, unclaimed
    statement: str = "not checked"  # the accessibility statement, over the newest runs of its sites
    documents: int = 0  # documents (PDF, Word, ...) the newest runs' pages link to
    # Of those the collector fetched and could read (``--max-documents``): checked, and failing a
    # document check (maturity.core.checks.documents). 0 and 0 for runs made without the collector.
    documents_checked: int = 0
    documents_failing: int = 0
    as_of: date | None = None  # the day the status was computed for

    @property
    def documents_text(self) -> str:
        """The documents in words: how many were checked and failed, and how many only counted."""
        unchecked = max(0, self.documents - self.documents_checked)
        parts = []
        if self.documents_checked:
            parts.append(f"{self.documents_failing} of {self.documents_checked} checked documents fail")
        if unchecked:
            parts.append(f"{unchecked} linked documents not checked")
        return "; ".join(parts)

    @property
    def projection_text(self) -> str:
        """The projection in words, saying so when its date has already passed without a new run."""
        text = self.projection.describe()
        p = self.projection
        if p.status == "on-pace" and p.zero_on is not None and self.as_of is not None and p.zero_on < self.as_of:
            text += " (already past with failures left: audit again)"
        return text

    @property
    def risk(self) -> str:
        """high: failures remain and the recent pace does not reach zero by the date (or there is
        no progress); medium: on pace only at the fast end of its range, or no pace yet (one run);
        low: on pace by the date at the slow end too, or no automated failures; unmeasured: no run
        under the rubric yet."""
        p = self.projection
        if p.status == "not-measured":
            return "unmeasured"
        if p.status == "done":
            return "low"
        if p.status == "no-progress":
            return "high"
        if p.status == "too-few-runs" or p.zero_on is None:
            return "medium"
        if p.zero_on > self.deadline.due:
            return "high"
        if p.runs_used >= 3 and (p.latest is None or p.latest > self.deadline.due):
            return "medium"
        return "low"

    @property
    def summary(self) -> str:
        if self.projection.status == "not-measured":
            return "not measured yet"
        return summary_sentence(self.failures, self.pages_failing, self.needs_review)


_RISK_ORDER = {"high": 0, "unmeasured": 1, "medium": 2, "low": 3}


def by_risk(rows: Iterable[EntityStatus]) -> list[EntityStatus]:
    """Riskiest first: by risk, then the nearest date, then the most failures, then the slowest pace."""

    def key(row: EntityStatus) -> tuple[int, int, int, float, str]:
        pace = row.projection.pace_per_30_days
        return (_RISK_ORDER[row.risk], row.days_left, -row.failures, -(pace or 0.0), row.entity)

    return sorted(rows, key=key)


def entity_status(
    entity: str,
    tags: Mapping[str, str],
    runs_by_site: Mapping[str, Sequence[RunFacts]],
    rule_tags: Mapping[str, Iterable[str]],
    *,
    today: date,
    unscored_sites: Sequence[str] = (),
    claims: ExceptionsFile | None = None,
    candidates: Sequence[Candidate] = (),
    documents: int = 0,
    documents_checked: int = 0,
    documents_failing: int = 0,
) -> EntityStatus:
    """One entity's row: its sites' newest runs summed, the trend over all their runs, and the
    projection. Failures on pages an exceptions claim covers are taken out of every figure (the
    trend's older runs too, so the pace compares like with like) and listed per claim."""

    def unclaimed(run: RunFacts) -> list[Failure]:
        return [f for f in run.failures if claims is None or claims.claim_for(f.url) is None]

    due = deadline(tags)
    latest = [runs[-1] for runs in runs_by_site.values() if runs]
    failures = [f for r in latest for f in unclaimed(r)]
    series = combine({site: [(r.day, len(unclaimed(r))) for r in runs] for site, runs in runs_by_site.items()})
    review = {c for r in latest for c in r.needs_review}
    claimed: list[ClaimedFailures] = []
    if claims is not None:
        for claim in claims.exceptions:
            on = [f for r in latest for f in r.failures if claims.claim_for(f.url) is claim]
            claimed.append(ClaimedFailures(claim, len(on), len({f.url for f in on}), claim.review_due(today)))
    outcomes = {r.statement for r in latest}
    statement = next(
        (o for o in ("fail", "error", "not checked") if o in outcomes), "pass" if outcomes else "not checked"
    )
    return EntityStatus(
        entity=entity,
        statement=statement,
        documents=documents,
        documents_checked=documents_checked,
        documents_failing=documents_failing,
        as_of=today,
        deadline=due,
        days_left=due.days_left(today),
        sites=len(runs_by_site) + len(unscored_sites),
        failures=len(failures),
        pages_failing=len({f.url for f in failures}),
        pages_assessed=sum(r.pages_assessed for r in latest),
        needs_review=len(review),
        criteria=per_criterion(failures, rule_tags),
        trend=series,
        projection=project(series),
        unscored_sites=list(unscored_sites),
        claimed=claimed,
        candidates=list(candidates),
    )
