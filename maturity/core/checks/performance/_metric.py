"""Scoring a lab metric on a log-normal curve, and the factory for metric checks.

The curve is Lighthouse's (core/lib/statistics.js, documented in DOMAIN.md): with
control points p10 and median, ``x = ln(v/median) · 0.9061938 / −ln(p10/median)``
and ``score = (1 − erf(x)) / 2``, so the median scores 0.5 and p10 scores 0.9.
The score is clamped into the band the raw value falls in; as in Lighthouse's
``Audit.computeLogNormalScore``, scores above 0.9 get a linear boost of up to half a
point (``s + 0.05·(s − 0.9)``) and the result is floored to two decimals. With the
boost the worked example in DOMAIN.md comes out exactly (CLS 0.05 -> 0.99).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping
from typing import Any

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item, PerformanceFacts, PerfRun

_SHAPE = 0.9061938024368232  # erfc⁻¹(1/5): puts p10 at a score of 0.9


def log_normal_score(value: float, p10: float, median: float) -> float:
    """Score ``value`` (lower is better) on the curve through (p10, 0.9) and (median, 0.5)."""
    if not 0 < p10 < median:
        raise ValueError(f"curve control points need 0 < p10 < median, got p10={p10}, median={median}")
    if value <= 0:
        return 1.0
    x = math.log(value / median) * _SHAPE / -math.log(p10 / median)
    score = (1 - math.erf(x)) / 2
    if value <= p10:
        score = max(0.9, min(1.0, score))
    elif value <= median:
        score = max(0.5, min(0.9, score))
    else:
        score = max(0.0, min(0.4999, score))
    if score > 0.9:
        score += 0.05 * (score - 0.9)
    return min(1.0, math.floor(score * 100) / 100)


def curve_for(params: Mapping[str, Any], profile: str) -> tuple[float, float]:
    """The (p10, median) pair for a throttling profile; ``none`` uses the desktop curve."""
    curves = params["curves"]
    key = profile if profile in curves else ("desktop" if profile == "none" and "desktop" in curves else "mobile")
    p10, median = curves[key]
    return float(p10), float(median)


def metric_check(
    *,
    id: str,
    field: str,
    unit: str,
    title: str,
    failure_title: str,
    description: str,
    curves: Mapping[str, tuple[float, float]],
    source: str,
    derive: Callable[[PerfRun], float | None] | None = None,
) -> None:
    """Register a check that scores ``PerfRun.<field>`` of the median run on a log-normal curve.

    ``derive`` computes the value from each run instead (a metric derived from others); the median
    and spread are then taken over the runs' derived values.

    Outcome: pass when the score is at least ``pass_score`` (default 0.5: no worse than the curve's
    median); the continuous score feeds the dimension either way.
    """

    def run(page: PageInput) -> CheckResult:
        perf = page.performance
        value, spread = _value(perf, field, derive)
        if value is None:
            return CheckResult.errored(id, page.url, f"{field} was not measured")
        p10, median = curve_for(page.params, perf.profile)
        score = log_normal_score(float(value), p10, median)
        detail = f"{_fmt(value, unit)} (median of {perf.k} load{'s' if perf.k != 1 else ''}"
        detail += f", spread {_fmt(spread, unit)})" if spread is not None and perf.k > 1 else ")"
        detail += f"; good ≤ {_fmt(p10, unit)}, median {_fmt(median, unit)} on the {perf.profile} profile"
        item = Item(url=page.url, detail=detail, value=float(value))
        if score >= float(page.params["pass_score"]):
            return CheckResult.passed(id, page.url, score=score, value=float(value), items=[item])
        return CheckResult.failed(id, page.url, score=score, value=float(value), items=[item])

    check(
        id=id,
        dimension="performance",
        title=title,
        failure_title=failure_title,
        description=description,
        requires=("performance",),
        params={"curves": {k: list(v) for k, v in curves.items()}, "pass_score": 0.5},
        source=source,
    )(run)


def _value(
    perf: PerformanceFacts, field: str, derive: Callable[[PerfRun], float | None] | None
) -> tuple[float | None, float | None]:
    """(median value, spread over runs) of a measured field or of a derived one."""
    if derive is None:
        return getattr(perf.median, field), perf.spread.get(field)
    values = [v for v in (derive(r) for r in perf.runs or [perf.median]) if v is not None]
    if not values:
        return None, None
    return statistics.median(values), (max(values) - min(values) if len(values) > 1 else None)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "ms":
        return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"
    if unit == "bytes":
        return f"{value / 1024:.0f} KiB"
    return f"{value:.3f}"
