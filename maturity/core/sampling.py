"""Samples that represent a site, and how certain the figures drawn from them are.

Pure: no I/O, no clock. Discovery finds a *population* of pages (more than it audits, under
``--sample stratified|random``); :func:`draw` picks the pages to audit, and the scorer weights each
audited page by how many pages of the population it stands for (:func:`design_weights`) and
gives every figure a 95 % interval (:func:`interval`).

**Strata** follow W3C's WCAG-EM methodology (WCAG-EM 1.0, step 3: "a representative sample": the
common pages, each type of page and template, plus a random share): pages sharing a template (the
shell fingerprint discovery takes from each page's header, navigation and footer), a section (the
URL pattern's directory) and a content type form one stratum. Every stratum gets at least one
page; the rest is shared in proportion to the strata's sizes (largest remainders), drawn at random
with a seed, so the same seed and population give the same sample. The home page and the pages
the home page's main navigation links to are always in.

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


class Candidate(Frozen):
    """A page of the population, as discovery found it."""

    url: str
    stratum: str  # template · section · content type
    essential: bool = False  # the home page, or linked from its main navigation: always audited


def stratum_key(url: str, shell: str, content_type: str = "html") -> str:
    """Template · section · content type: the shell fingerprint, the first path segment of a page
    below a folder (``/parks/lake.html`` -> ``parks``; ``/about.html`` -> the root) and the type."""
    path = urlsplit(url).path
    parts = [p for p in path.split("/") if p]
    section = parts[0] if len(parts) > 1 or (path.endswith("/") and parts) else ""
    return f"{shell or 'no-template'}·/{section}·{content_type}"


def draw(candidates: Sequence[Candidate], n: int, method: SampleMethod, seed: int) -> SampleFacts:
    """Choose ``n`` of ``candidates`` (discovery order, the start page first)."""
    population = list(dict.fromkeys(c.url for c in candidates))
    by_url = {c.url: c for c in candidates}
    if method == "crawl" or n >= len(population):
        chosen = population[:n]
        strata = [Stratum(key="all", size=len(population), drawn=chosen)]
        return SampleFacts(method=method, seed=seed, population=len(population), strata=strata)
    rng = random.Random(seed)
    if method == "random":
        essential = [u for u in population if by_url[u].essential][:n]
        rest = [u for u in population if u not in set(essential)]
        chosen = essential + rng.sample(rest, n - len(essential))
        keep = set(chosen)
        return SampleFacts(
            method=method,
            seed=seed,
            population=len(population),
            strata=[Stratum(key="all", size=len(population), drawn=[u for u in population if u in keep])],
        )
    groups: dict[str, list[str]] = defaultdict(list)
    for url in population:
        groups[by_url[url].stratum].append(url)
    quota = _allocate({k: len(v) for k, v in groups.items()}, n)
    strata = []
    for key, urls in groups.items():
        must = [u for u in urls if by_url[u].essential]
        take = max(quota.get(key, 0), min(len(must), n))
        others = [u for u in urls if u not in set(must)]
        picked = set(must[:take]) | set(rng.sample(others, max(0, min(len(others), take - len(must)))))
        strata.append(Stratum(key=key, size=len(urls), drawn=[u for u in urls if u in picked]))
    return _trim(SampleFacts(method=method, seed=seed, population=len(population), strata=strata), n, by_url, rng)


def _allocate(sizes: Mapping[str, int], n: int) -> dict[str, int]:
    """At least one page per stratum (the largest first when there are more strata than pages), the
    rest in proportion to size by largest remainders, never more than a stratum holds."""
    order = sorted(sizes, key=lambda k: (-sizes[k], k))
    quota = {k: 0 for k in order}
    for key in order[:n]:
        quota[key] = 1
    left = n - sum(quota.values())
    total = sum(sizes.values())
    if left > 0 and total:
        exact = {k: left * sizes[k] / total for k in order}
        for k in order:
            quota[k] = min(sizes[k], quota[k] + math.floor(exact[k]))
        remaining = n - sum(quota.values())
        by_remainder = sorted(order, key=lambda k: (-(exact[k] - math.floor(exact[k])), -sizes[k], k))
        while remaining > 0:
            grew = False
            for k in by_remainder:
                if remaining and quota[k] < sizes[k]:
                    quota[k] += 1
                    remaining -= 1
                    grew = True
            if not grew:
                break
    return quota


def _trim(sample: SampleFacts, n: int, by_url: Mapping[str, Candidate], rng: random.Random) -> SampleFacts:
    """Essential pages may push the sample past ``n``: drop random non-essential pages from the
    strata with the most pages drawn, a stratum's last only when every stratum is down to one
    (then from the smallest stratum)."""
    drawn = {s.key: list(s.drawn) for s in sample.strata}
    sizes = {s.key: s.size for s in sample.strata}
    excess = sum(len(v) for v in drawn.values()) - n
    while excess > 0:
        optional = [k for k, v in drawn.items() if any(not by_url[u].essential for u in v)]
        several = [k for k in optional if len(drawn[k]) > 1]
        if several:
            key = max(several, key=lambda k: (len(drawn[k]), k))
        elif optional:
            key = min(optional, key=lambda k: (sizes[k], k))
        else:
            break
        optional = [u for u in drawn[key] if not by_url[u].essential]
        drawn[key].remove(rng.choice(optional))
        excess -= 1
    return sample.model_copy(update={"strata": [s.model_copy(update={"drawn": drawn[s.key]}) for s in sample.strata]})


def design_weights(sample: SampleFacts | None, audited: Iterable[str]) -> dict[str, float] | None:
    """Pages of the population each audited page stands for: N_h / n_h over the pages of its stratum
    that could be audited. None (every page counts once) for crawl-order samples."""
    if sample is None or sample.method == "crawl":
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
    if estimate is None or sample is None or sample.method == "crawl":
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
