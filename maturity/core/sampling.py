"""Samples that represent a site, and how certain the figures drawn from them are.

Pure: no I/O, no clock. Discovery finds a *population* of pages (more than it audits, under
``--sample stratified|random``); :func:`draw` picks the pages to audit, and the scorer weights each
audited page by how many pages of the population it stands for (:func:`design_weights`) and
gives every figure a 95 % interval (:func:`interval`).

**Strata** follow W3C's WCAG-EM methodology (WCAG-EM 1.0, step 3: "a representative sample": the
common pages, each type of page and template, plus a random share): pages sharing a template (the
shell fingerprint discovery takes from each page's header, navigation and footer), a section (the
URL pattern's directory) and a content type form one stratum. Every stratum gets at least one
page; the rest is shared in proportion to the strata's sizes (D'Hondt's rule), drawn at random
with a seed, so the same seed and population give the same sample. The home page and the pages
the home page's main navigation links to are always in, as a take-all group of their own.

**Intervals** use the stratified estimator of a mean with the finite population correction
(Cochran, *Sampling Techniques*, 3rd ed., 1977, eq. 5.6: V(ȳ_st) = Σ W_h² (1 − f_h) s_h² / n_h)
and, for figures that are ratios (a check's pass share over the pages where it applies, a
dimension's weighted mean of those), Taylor linearisation (Cochran ch. 6; Särndal, Swensson and
Wretman, *Model Assisted Survey Sampling*, 1992, §5.5): the estimator's error is approximated by
the weighted total of each page's *linearised value*, whose stratified variance is computed as
above. A stratum with one audited page has no variance of its own: it borrows the mean variance of
the strata that have two or more. The interval is the estimate ± 1.96 standard errors, clipped to
[0, 1]. A sample in crawl order is not a probability sample: it gets no interval.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from maturity.core.model import Frozen, SampleFacts, SampleMethod, Stratum

__all__ = [
    "Candidate",
    "SampleFacts",
    "Stratum",
    "design_weights",
    "draw",
    "interval",
    "linearised_ratio",
    "stratum_key",
]

Z95 = 1.959964  # the standard normal's 97.5th percentile
ESSENTIAL = "home page and main navigation"  # the take-all group


class Candidate(Frozen):
    """A page of the population, as discovery found it."""

    url: str
    stratum: str  # template · section · content type
    essential: bool = False  # the home page, or linked from its main navigation: always audited
    views: int | None = None  # visits in an imported traffic report (``--sample traffic``)


def stratum_key(url: str, shell: str, content_type: str = "html") -> str:
    """Template · section · content type: the shell fingerprint, the first path segment of a page
    below a folder (``/parks/lake.html`` -> ``parks``; ``/about.html`` -> the root) and the type."""
    path = urlsplit(url).path
    parts = [p for p in path.split("/") if p]
    section = parts[0] if len(parts) > 1 or (path.endswith("/") and parts) else ""
    return f"{shell or 'no-template'}·/{section}·{content_type}"


def draw(candidates: Sequence[Candidate], n: int, method: SampleMethod, seed: int) -> SampleFacts:
    """Choose ``n`` of ``candidates`` (discovery order, the start page first).

    Essential pages (the home page and its main navigation) form a take-all group of their own:
    always audited, each standing only for itself. The other pages are drawn at random (``random``)
    or by group (``stratified``): one from each group, the largest groups first, then one page at a
    time to the group with the most pages per page drawn (N_h / (n_h + 1), D'Hondt's rule, which
    keeps the shares proportional and never takes a page away when ``n`` grows). Within a group the
    order is a permutation seeded by ``seed`` and the group's key, so a larger ``n`` with the same
    seed draws a superset of a smaller one (``--target-margin`` grows a sample this way).
    """
    population = list(dict.fromkeys(c.url for c in candidates))
    by_url = {c.url: c for c in candidates}
    if method == "crawl" or n >= len(population):
        everything = [Stratum(key="all", size=len(population), drawn=population[:n])]
        return SampleFacts(method=method, seed=seed, population=len(population), strata=everything)
    essential = [u for u in population if by_url[u].essential]
    if method == "traffic":  # the most visited first (discovery order among equals and pages without data)
        rest = sorted((u for u in population if not by_url[u].essential), key=lambda u: -(by_url[u].views or 0))
        chosen = set((essential + rest)[:n])
        return SampleFacts(
            method=method,
            seed=seed,
            population=len(population),
            strata=[Stratum(key="by traffic", size=len(population), drawn=[u for u in population if u in chosen])],
        )
    strata: list[Stratum] = []
    if essential:
        strata.append(Stratum(key=ESSENTIAL, size=len(essential), drawn=essential[:n]))
    left = max(0, n - len(essential))
    others = [u for u in population if not by_url[u].essential]
    groups: dict[str, list[str]] = defaultdict(list)
    if method == "random":
        groups["all pages"] = others
    else:
        for url in others:
            groups[by_url[url].stratum].append(url)
    quota = _allocate({k: len(v) for k, v in groups.items()}, left)
    for key, urls in groups.items():
        order = list(urls)
        random.Random(f"{seed}:{key}").shuffle(order)
        keep = set(order[: quota.get(key, 0)])
        strata.append(Stratum(key=key, size=len(urls), drawn=[u for u in urls if u in keep]))
    return SampleFacts(method=method, seed=seed, population=len(population), strata=strata)


def _allocate(sizes: Mapping[str, int], n: int) -> dict[str, int]:
    """One page per group while pages last (the largest groups first), then one at a time to the
    group with the largest N_h / (n_h + 1), never more than a group holds. Growing ``n`` only adds."""
    order = sorted(sizes, key=lambda k: (-sizes[k], k))
    quota = {k: 0 for k in order}
    for key in order[:n]:
        quota[key] = 1
    for _ in range(n - sum(quota.values())):
        open_ = [k for k in order if quota[k] < sizes[k]]
        if not open_:
            break
        best = max(open_, key=lambda k: sizes[k] / (quota[k] + 1))  # ties: the first, the larger group
        quota[best] += 1
    return quota


def design_weights(sample: SampleFacts | None, audited: Iterable[str]) -> dict[str, float] | None:
    """Pages of the population each audited page stands for: N_h / n_h over the pages of its stratum
    that could be audited. None (every page counts once) for crawl-order and traffic samples, which
    are not probability samples."""
    if sample is None or sample.method in ("crawl", "traffic"):
        return None
    done = set(audited)
    weights: dict[str, float] = {}
    for stratum in sample.strata:
        got = [u for u in stratum.drawn if u in done]
        for url in got:
            weights[url] = stratum.size / len(got)
    return weights


def linearised_ratio(
    values: Mapping[str, float], weights: Mapping[str, float], applicable_total: float, estimate: float
) -> dict[str, float]:
    """Each page's linearised value for a ratio estimate ``estimate`` = Σ w y / Σ w over the pages in
    ``values`` (a page not in ``values`` is one where the figure does not apply: value 0)."""
    if applicable_total <= 0:
        return {}
    return {url: (y - estimate) / applicable_total for url, y in values.items()}


def interval(
    sample: SampleFacts | None,
    estimate: float | None,
    linearised: Mapping[str, float],
    audited: Iterable[str],
) -> tuple[float, float] | None:
    """The 95 % interval of ``estimate`` (a share in [0, 1]) from the pages' linearised values
    (the estimator's error ≈ Σ_h N_h ē_h, with ē_h the mean of e over the audited pages of stratum h,
    pages absent from ``linearised`` counting 0). None for a crawl-order sample or no estimate."""
    if estimate is None or sample is None or sample.method in ("crawl", "traffic"):
        return None
    done = set(audited)
    parts: list[tuple[int, int, float | None]] = []  # (N_h, n_h, s²_h)
    for stratum in sample.strata:
        got = [u for u in stratum.drawn if u in done]
        if not got:
            continue
        values = [linearised.get(u, 0.0) for u in got]
        s2 = _variance(values) if len(values) > 1 else None
        parts.append((stratum.size, len(got), s2))
    known = [s2 for _, _, s2 in parts if s2 is not None]
    borrowed = sum(known) / len(known) if known else 0.0
    var = 0.0
    for size, n_h, s2 in parts:
        fpc = 1 - n_h / size if size else 0.0
        var += size * size * fpc * (borrowed if s2 is None else s2) / n_h
    half = Z95 * math.sqrt(max(var, 0.0))
    return max(0.0, estimate - half), min(1.0, estimate + half)


def _variance(values: Sequence[float]) -> float:
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / (len(values) - 1)
