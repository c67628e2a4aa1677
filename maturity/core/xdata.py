"""Experience data (X-data): customer survey results per service and fiscal quarter (issue 18).

Pure: counts in, figures out. The file formats are read by :mod:`maturity.core.xdata_formats`;
the store keeps only the counts this module needs (never a respondent's row), and the workflow
(:mod:`maturity.run.xdata`) ties them together. Nothing here reads the clock: dates are given.

Vocabulary:

- a **response** is one respondent's answers, read from a file and never stored;
- a **tally** is what is stored: for one service, fiscal quarter and measure, how many answered
  (``n``) and how many answered positively (thumbs-up, or 4-5 on the 5-point agree scale);
- a **figure** is a tally summed over imports, with its share, its Wilson 95 % interval and
  whether it may be shown as a figure at all (30 responses or more).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

# The A-11 measures: trust, the v1 satisfaction item, and the drivers (OMB Circular A-11 §280;
# Touchpoints' `hisp_questions_key` order: satisfaction, trust, effectiveness, ease, efficiency,
# transparency, employee; the v2 form adds humanity and other as checkbox options).
TRUST = "trust"
MEASURES = (
    "satisfaction",
    TRUST,
    "effectiveness",
    "ease",
    "efficiency",
    "transparency",
    "humanity",
    "employee",
    "other",
)
DRIVERS = ("effectiveness", "ease", "efficiency", "transparency", "humanity", "employee", "other")

# How a measure was asked, which is also how its "positive" is counted.
LIKERT = "likert"  # 1-5, strongly disagree .. strongly agree; positive = 4 or 5 (top-two-box)
THUMBS = "thumbs"  # 1 thumbs-up, 0 thumbs-down; positive = thumbs-up
WENT_WELL = "went_well"  # v2 drivers after a thumbs-up: share of thumbs-up respondents who ticked it
WENT_BADLY = "went_badly"  # v2 drivers after a thumbs-down: share of thumbs-down respondents who ticked it
SHARE = "share"  # given as a share (or a count of positives) by an aggregate file
MEAN = "mean"  # given only as a mean on the 5-point scale: shown, never a share, never scored
KINDS = (LIKERT, THUMBS, WENT_WELL, WENT_BADLY, SHARE, MEAN)

MIN_RESPONSES = 30  # fewer: "insufficient responses" (NCHS Data Presentation Standards for
# Proportions, Vital Health Stat 2(175), 2017: a proportion needs a sample of at least 30)
LOW_RELIABILITY_N = 60  # 30-59: flagged as low reliability (the older NCHS rule of thumb)
LOW_RELIABILITY_WIDTH = 0.20  # an interval wider than 20 points: flagged as low reliability
Z95 = 1.959963984540054  # the standard normal's 97.5th percentile


# ---------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------
def wilson_interval(positive: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a proportion ``positive / n``.

    E. B. Wilson, "Probable inference, the law of succession, and statistical inference",
    Journal of the American Statistical Association 22 (1927) 209-212; recommended over the
    Wald interval by L. D. Brown, T. T. Cai and A. DasGupta, "Interval Estimation for a Binomial
    Proportion", Statistical Science 16 (2001) 101-133, eq. (4):

        centre = (p + z²/2n) / (1 + z²/n)
        half   = z · sqrt(p(1 - p)/n + z²/4n²) / (1 + z²/n)
    """
    if n <= 0:
        raise ValueError("an interval needs at least one response")
    if not 0 <= positive <= n:
        raise ValueError("positive must be between 0 and n")
    p = positive / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True, kw_only=True)
class Change:
    """A change in a share between two quarters, by the pooled two-proportion z-test."""

    delta: float  # newer share minus older share
    z: float
    significant: bool  # |z| > 1.96: a difference at the 5 % level, two-sided
    test: str = "two-proportion z-test (pooled), |z| > 1.96"


def two_proportion_z(x1: int, n1: int, x2: int, n2: int) -> float:
    """z for the difference of two proportions, pooled standard error (quarter 2 minus quarter 1).

    The pooled two-proportion z-test: NIST/SEMATECH e-Handbook of Statistical Methods, section
    7.3.3 ("How can we determine whether two processes produce the same proportion of
    defectives?", https://www.itl.nist.gov/div898/handbook/prc/section3/prc33.htm):
    z = (p2 - p1) / sqrt(p̂(1 - p̂)(1/n1 + 1/n2)) with p̂ = (x1 + x2)/(n1 + n2).
    Zero when both shares are 0 or both are 1 (no variation, no evidence of change).
    """
    if n1 <= 0 or n2 <= 0:
        raise ValueError("both quarters need responses")
    pooled = (x1 + x2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance == 0:
        return 0.0
    return (x2 / n2 - x1 / n1) / math.sqrt(variance)


def change(x1: int, n1: int, x2: int, n2: int) -> Change:
    z = two_proportion_z(x1, n1, x2, n2)
    return Change(delta=x2 / n2 - x1 / n1, z=z, significant=abs(z) > 1.96)


# ---------------------------------------------------------------------------
# Fiscal quarters
# ---------------------------------------------------------------------------
FEDERAL_YEAR_START = 10  # the federal fiscal year starts on 1 October: FY2025 Q1 = Oct-Dec 2024 (31 U.S.C. 1102)


def fiscal_quarter(day: date, start_month: int = FEDERAL_YEAR_START) -> tuple[int, int]:
    """(fiscal year, quarter) of ``day`` for a year that starts in ``start_month``.

    A fiscal year is named by the calendar year it ends in: with the federal year (October),
    14 January 2025 is FY2025 Q2 and 1 October 2024 is FY2025 Q1; with a July year, FY2026 Q1 is
    July-September 2025. A year starting in January is the calendar year.
    """
    if not 1 <= start_month <= 12:
        raise ValueError("the fiscal year's first month is 1-12")
    offset = (day.month - start_month) % 12
    year = day.year + 1 if start_month > 1 and day.month >= start_month else day.year
    return year, offset // 3 + 1


def previous_quarter(fiscal_year: int, quarter: int) -> tuple[int, int]:
    """The fiscal quarter before (FY2025 Q1 -> FY2024 Q4)."""
    return (fiscal_year, quarter - 1) if quarter > 1 else (fiscal_year - 1, 4)


COMPLETE = "complete"  # the newest quarter that ended before the run date (the default)
CURRENT = "current"  # the run date's own quarter may count too, though it has not ended
QUARTER_RULES = (COMPLETE, CURRENT)


def last_quarter(as_of: date, start_month: int = FEDERAL_YEAR_START, rule: str = COMPLETE) -> tuple[int, int]:
    """The newest fiscal quarter a run on ``as_of`` may be scored with: under ``complete`` the last
    quarter that ended before that day (a run on 6 December 2026, FY2027 Q1, uses FY2026 Q4 at
    the newest), under ``current`` the day's own quarter."""
    if rule not in QUARTER_RULES:
        raise ValueError(f"quarter: one of {', '.join(QUARTER_RULES)}")
    current = fiscal_quarter(as_of, start_month)
    return current if rule == CURRENT else previous_quarter(*current)


_QUARTER = re.compile(r"^\s*(?:FY\s*)?(\d{4})\s*[-_ ]?\s*Q([1-4])\s*$", re.IGNORECASE)


def parse_quarter(text: str) -> tuple[int, int]:
    """``FY2025 Q2``, ``2025Q2``, ``2025-Q2`` -> (2025, 2): a fiscal quarter as written."""
    m = _QUARTER.match(text)
    if not m:
        raise ValueError("not a fiscal quarter (write FY2025 Q2 or 2025Q2)")
    return int(m.group(1)), int(m.group(2))


# ---------------------------------------------------------------------------
# Privacy: what a kept text may not carry
# ---------------------------------------------------------------------------
_REDACTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # the local part without "/", "=" and "?", which RFC 5322 allows but which would swallow a URL path
    ("[email]", re.compile(r"[\w.!#$%&'*+^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)),
    # card-like: 13-19 digits, optionally grouped by spaces or hyphens (before phone and SSN)
    ("[card number]", re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")),
    # SSN-like: 3-2-4 digits with hyphens, spaces or nothing between
    ("[ssn]", re.compile(r"(?<!\d)\d{3}([- ]?)\d{2}\1\d{4}(?!\d)")),
    # phone numbers: North American (+1, brackets, dots, hyphens, spaces) and international +CC ...
    ("[phone]", re.compile(r"(?<![\w+])(?:\+?1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}(?!\d)")),
    ("[phone]", re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .-]?\d{2,4}){2,5}(?!\d)")),
    ("[ip address]", re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")),
)


def redact(text: str) -> str:
    """``text`` with emails, card-like and SSN-like numbers, phone numbers and IP addresses replaced."""
    for label, pattern in _REDACTIONS:
        text = pattern.sub(label, text)
    return text


# ---------------------------------------------------------------------------
# Responses, tallies, figures
# ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Response:
    """One respondent's answers as read from a file. Never stored: only its tally is."""

    key: str | None  # the export's own response id (hashed before it is stored, to import once)
    service: str
    fiscal_year: int
    quarter: int
    scale: str  # LIKERT or THUMBS
    answers: Mapping[str, int]  # measure -> 1..5 (LIKERT) or 0/1 (THUMBS: trust only)
    went_well: frozenset[str] = frozenset()
    went_badly: frozenset[str] = frozenset()
    asked: frozenset[str] = frozenset()  # v2 drivers on the form (not `null`)


@dataclass(frozen=True, kw_only=True)
class Tally:
    """What is stored: for one service, quarter, measure and way of asking, n and the positives."""

    service: str
    fiscal_year: int
    quarter: int
    measure: str
    kind: str
    n: int
    positive: int
    counts: tuple[int, ...] | None = None  # LIKERT: how many answered 1, 2, 3, 4, 5
    mean: float | None = None  # given by an aggregate file without counts

    @property
    def key(self) -> tuple[str, int, int, str, str]:
        return (self.service, self.fiscal_year, self.quarter, self.measure, self.kind)


@dataclass(frozen=True, kw_only=True)
class Context:
    """What a quarterly table says about a service's quarter: volumes and the trust question."""

    service: str
    fiscal_year: int
    quarter: int
    offered: int | None = None  # customers offered a survey
    volume: int | None = None  # customers served
    respondents: int | None = None
    trust_question: str | None = None
    channel: str | None = None
    detail: str | None = None  # the HISP collection detail's id, which its responses file refers to


def tally(responses: Iterable[Response]) -> list[Tally]:
    """Count responses into tallies (sorted), driver shares over the right denominators: a v2
    driver ticked after a thumbs-up is counted over the thumbs-up respondents whose form offered
    it, and one ticked after a thumbs-down over the thumbs-down respondents (never all rows)."""
    n: dict[tuple[str, int, int, str, str], int] = defaultdict(int)
    pos: dict[tuple[str, int, int, str, str], int] = defaultdict(int)
    counts: dict[tuple[str, int, int, str, str], list[int]] = {}
    for r in responses:
        base = (r.service, r.fiscal_year, r.quarter)
        for measure, value in r.answers.items():
            key = (*base, measure, r.scale)
            n[key] += 1
            if r.scale == LIKERT:
                counts.setdefault(key, [0] * 5)[value - 1] += 1
                pos[key] += int(value >= 4)
            else:
                pos[key] += int(value == 1)
        thumb = r.answers.get(TRUST) if r.scale == THUMBS else None
        if thumb is None:
            continue
        kind, ticked = (WENT_WELL, r.went_well) if thumb == 1 else (WENT_BADLY, r.went_badly)
        for driver in sorted(r.asked):
            key = (*base, driver, kind)
            n[key] += 1
            pos[key] += int(driver in ticked)
    return [
        Tally(
            service=k[0],
            fiscal_year=k[1],
            quarter=k[2],
            measure=k[3],
            kind=k[4],
            n=n[k],
            positive=pos[k],
            counts=tuple(counts[k]) if k in counts else None,
        )
        for k in sorted(n)
    ]


def add(tallies: Iterable[Tally]) -> list[Tally]:
    """Tallies of the same service, quarter, measure and kind summed (counts too; a given mean
    survives only when it is the only one)."""
    grouped: dict[tuple[str, int, int, str, str], list[Tally]] = defaultdict(list)
    for t in tallies:
        grouped[t.key].append(t)
    out = []
    for key, group in sorted(grouped.items()):
        counts = None
        if all(t.counts is not None for t in group):
            counts = tuple(sum(c) for c in zip(*(t.counts or () for t in group), strict=True))
        mean = group[0].mean if len(group) == 1 else None
        out.append(
            Tally(
                service=key[0],
                fiscal_year=key[1],
                quarter=key[2],
                measure=key[3],
                kind=key[4],
                n=sum(t.n for t in group),
                positive=sum(t.positive for t in group),
                counts=counts,
                mean=mean,
            )
        )
    return out


INSUFFICIENT = "insufficient responses"
LOW_RELIABILITY = "low reliability"
OK = "ok"


@dataclass(frozen=True, kw_only=True)
class Figure:
    service: str
    fiscal_year: int
    quarter: int
    measure: str
    kind: str
    n: int
    positive: int
    status: str  # OK | LOW_RELIABILITY (shown, with a flag) | INSUFFICIENT (n shown, no figure)
    share: float | None  # None when insufficient
    low: float | None
    high: float | None
    mean: float | None = None  # LIKERT: the mean on 1-5 (for ease: the customer effort reading)
    offered: int | None = None
    volume: int | None = None
    response_rate: float | None = None  # n / offered
    trust_question: str | None = None
    change: Change | None = None  # against the service's previous quarter with a figure, same kind
    compared_with: str | None = None  # that quarter ("FY2025 Q2"): a suppressed quarter is skipped

    @property
    def scored(self) -> bool:
        """May a rubric score it? Only a share with enough responses."""
        return self.status != INSUFFICIENT and self.share is not None

    @property
    def quarter_label(self) -> str:
        return f"FY{self.fiscal_year} Q{self.quarter}"


def figures(tallies: Sequence[Tally], contexts: Sequence[Context] = ()) -> list[Figure]:
    """Every figure, in service, measure, kind and quarter order, each with its change against
    the previous quarter of the same service, measure and kind that has a figure."""
    context: dict[tuple[str, int, int], Context] = {}
    for c in contexts:
        context[(c.service, c.fiscal_year, c.quarter)] = c  # later contexts win (the newest import)
    out: list[Figure] = []
    previous: dict[tuple[str, str, str], Tally] = {}
    ordered = sorted(
        add(tallies),
        key=lambda t: (t.service, MEASURE_ORDER.get(t.measure, 99), KINDS.index(t.kind), t.fiscal_year, t.quarter),
    )
    for t in ordered:
        ctx = context.get((t.service, t.fiscal_year, t.quarter))
        enough = t.n >= MIN_RESPONSES
        share = low = high = None
        status = INSUFFICIENT
        if enough and t.kind == MEAN:
            status = LOW_RELIABILITY if t.n < LOW_RELIABILITY_N else OK
        elif enough:
            share = t.positive / t.n
            low, high = wilson_interval(t.positive, t.n)
            status = LOW_RELIABILITY if t.n < LOW_RELIABILITY_N or high - low > LOW_RELIABILITY_WIDTH else OK
        mean = t.mean
        answered = 0 if t.counts is None else sum(c for c in t.counts)
        if t.counts is not None and answered:
            mean = sum((i + 1) * c for i, c in enumerate(t.counts)) / answered
        series = (t.service, t.measure, t.kind)
        moved = None
        compared = None
        if share is not None and series in previous:
            before = previous[series]
            moved = change(before.positive, before.n, t.positive, t.n)
            compared = f"FY{before.fiscal_year} Q{before.quarter}"
        if share is not None:
            previous[series] = t
        main = t.measure == TRUST or t.kind in (LIKERT, THUMBS, SHARE)
        offered = ctx.offered if ctx and main else None
        out.append(
            Figure(
                service=t.service,
                fiscal_year=t.fiscal_year,
                quarter=t.quarter,
                measure=t.measure,
                kind=t.kind,
                n=t.n,
                positive=t.positive,
                status=status,
                share=share,
                low=low,
                high=high,
                mean=mean if enough else None,
                offered=offered,
                volume=ctx.volume if ctx and main else None,
                response_rate=t.n / offered if offered else None,
                trust_question=ctx.trust_question if ctx else None,
                change=moved,
                compared_with=compared,
            )
        )
    return out


MEASURE_ORDER = {m: i for i, m in enumerate((TRUST, *[m for m in MEASURES if m != TRUST]))}


@dataclass(frozen=True, kw_only=True)
class ImportSummary:
    """What an import kept and what it dropped, for the person running it."""

    format: str
    rows: int
    kept: tuple[str, ...]  # columns whose content reached the store (as counts, or redacted text)
    dropped: tuple[str, ...]  # columns read and thrown away
    skipped_rows: Mapping[str, int] = field(default_factory=dict)  # reason -> rows

    def __post_init__(self) -> None:  # a column named by a question's text may carry what redaction removes
        object.__setattr__(self, "kept", tuple(redact(c) for c in self.kept))
        object.__setattr__(self, "dropped", tuple(redact(c) for c in self.dropped))
