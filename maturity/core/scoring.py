"""Scoring: check results under a rubric -> a scorecard with a maturity level.

Pure: artifacts and a rubric in, a :class:`Scorecard` out. The rules, in order:

* A check's score on a site is the mean of its page scores (pass 1, fail 0, a
  metric check its curve score); pages where it is *not applicable* do not count.
* A dimension's score (0–100) is the weighted mean of its checks' scores. A check
  that errored on some page marks the dimension **incomplete**; a dimension with
  no scored check at all has no score (``None``), never 0. A dimension where more than half
  of the weight of its applicable checks could not run (errored) is **not assessed** either:
  no score (``None``), incomplete, never a figure from the few checks that did run. A check's
  weight counts as "could not run" in proportion to the pages it errored on, of those it was tried on.
* The overall score is the weighted mean of the dimension scores.
* The level is the highest one whose overall minimum and every per-dimension
  minimum are met. If any dimension has no score the level is not assessable
  (``None``): missing evidence is not evidence of failure.
"""

from __future__ import annotations

import hashlib
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from pydantic import Field, PrivateAttr

from maturity.core import checks
from maturity.core.checks.axe_rules import IMPACT_WEIGHTS, catalogue
from maturity.core.fixfirst import FixItem, Ran, fix_first, template_key
from maturity.core.model import (
    AxeFacts,
    CheckResult,
    Frozen,
    Outcome,
    PageArtifacts,
    SampleFacts,
    SiteFacts,
    normalise_for_lookup,
)
from maturity.core.rubric import Dimension, LoadedRubric, Rubric, question_params
from maturity.core.sampling import design_weights, interval, linearised_ratio
from maturity.core.tally import CheckRun, MemorySpill, PageList, PageSource, ResultSpill, rebuild

# 2: ``results`` keeps the results a report, a gate or fix-first reads again; ``outcomes`` holds
# every page's other outcomes, one character a page (Scorecard.all_results gives them all back).
# 3: ``findings`` may be kept apart (``finding_blobs``, ``finding_count``): Scorecard.iter_findings.
# 4: a page's failure with score 0 is "f" in ``outcomes`` ("v": its measured value is the next of the
# check's floats), not a result in ``results``.
SCORECARD_SCHEMA_VERSION = 4


class RubricRef(Frozen):
    id: str
    version: str
    title: str
    sha256: str
    source: str = ""


class LevelRef(Frozen):
    level: int
    name: str
    min_score: float


class CheckSummary(Frozen):
    check_id: str
    dimension: str
    title: str
    failure_title: str
    description: str = ""
    help_url: str = ""
    scope: str = "page"
    weight: float
    score: float | None  # 0..1
    outcome: Outcome
    passed: int = 0
    failed: int = 0
    not_applicable: int = 0
    errors: int = 0
    error_messages: list[str] = Field(default_factory=list)
    interval: tuple[float, float] | None = None  # 95 % interval of ``score`` (a probability sample only)


class DimensionScore(Frozen):
    id: str
    title: str
    weight: float
    goal: str
    evidence: str = ""
    collection: str = ""
    sample: str = ""
    score: float | None  # 0..100, None when no check could be scored
    incomplete: bool = False
    checks: list[CheckSummary] = Field(default_factory=list)
    interval: tuple[float, float] | None = None  # 95 % interval of ``score`` (a probability sample only)
    capped: str = ""  # "capped at 69: critical failures on 2 of 33 pages" (the rubric's caps), or ""
    optional: bool = False  # the rubric's optional dimension: no figure here blocks no level


class LevelGap(Frozen):
    dimension: str | None  # None: the overall score
    title: str
    have: float | None
    need: float


class NextLevel(Frozen):
    level: int
    name: str
    description: str = ""
    gaps: list[LevelGap] = Field(default_factory=list)
    next_steps: dict[str, str] = Field(default_factory=dict)  # dimension id -> advice


class Finding(Frozen):
    fingerprint: str
    check_id: str
    dimension: str
    title: str
    url: str
    selector: str = ""
    snippet: str = ""
    detail: str = ""
    help_url: str = ""
    # axe-core's impact of the violated rule on that page (critical, serious, moderate, minor);
    # None for checks of our own, which carry no engine-assigned impact.
    impact: str | None = None


class PageSummary(Frozen):
    url: str
    status: str
    reason: str | None = None


class Scorecard(Frozen):
    schema_version: int = SCORECARD_SCHEMA_VERSION
    target: str
    rubric: RubricRef
    overall: float | None
    level: int | None
    level_name: str | None
    level_description: str = ""
    levels: list[LevelRef] = Field(default_factory=list)  # the rubric's whole ladder, for the meter
    complete: bool
    dimensions: list[DimensionScore]
    next_level: NextLevel | None = None
    pages: list[PageSummary] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    # The results a report or a gate reads again: failures (a page's failing elements are its
    # findings, not repeated here), errors, site-level results and passes without a score. A
    # page's pass or not-applicable is one character of its check's entry
    # in ``outcomes`` (check id, codes, partial scores), one a page in the order of the assessable
    # ``pages``: "p" passed, "s" passed with the next partial score, "n" not applicable, "k" the
    # next result in ``results``, "f" failed with score 0, "v" the same with the next float as its
    # measured value (maturity.core.tally). :meth:`all_results`
    # gives every result back.
    results: list[CheckResult] = Field(default_factory=list)
    outcomes: list[tuple[str, str, list[float]]] = Field(default_factory=list)
    # A probability sample (``--sample stratified|random``): how it was drawn, the overall score's
    # 95 % interval, and whether a level threshold falls inside an interval (the level is uncertain).
    sample: str = ""
    overall_interval: tuple[float, float] | None = None
    level_uncertain: bool = False
    page_weighting: str = ""  # "" (each page once), or how pages were weighted (the rubric's page_weighting)
    # The survey figures a customer-experience dimension was scored with: whose, and which quarter (issue 18).
    survey: str = ""
    # What to fix first: each issue once (a shared template's element counts once), ranked by the
    # overall points its fix gains (maturity.core.fixfirst).
    fix_first: list[FixItem] = Field(default_factory=list)
    # Every finding (every failing element of every page) of a large run is kept apart from the
    # scorecard: ``findings`` is then empty, ``finding_count`` says how many there are, and
    # ``finding_blobs`` names where the store keeps them (chunks of JSON lines); read them with
    # :meth:`iter_findings`, one at a time. ``finding_count`` None: every finding is in ``findings``.
    finding_count: int | None = None
    finding_blobs: list[str] = Field(default_factory=list)
    _findings_source: Callable[[], Iterator[Finding]] | None = PrivateAttr(default=None)

    @property
    def assessable_pages(self) -> int:
        return sum(1 for p in self.pages if p.status == "ok")

    @property
    def findings_total(self) -> int:
        """How many findings this scoring has (instances: every failing element)."""
        return len(self.findings) if self.finding_count is None else self.finding_count

    def iter_findings(self) -> Iterator[Finding]:
        """Every finding, one at a time, in the order scoring made them (check by check)."""
        if self.finding_count is None:
            yield from self.findings
            return
        if self._findings_source is None:
            raise RuntimeError("this scorecard's findings are kept apart and it has no source for them")
        yield from self._findings_source()

    def with_findings(self, source: Callable[[], Iterator[Finding]]) -> Scorecard:
        """This scorecard reading its findings kept apart from ``source`` (the store, a spill)."""
        self._findings_source = source
        return self

    def all_results(self) -> Iterator[CheckResult]:
        """Every check result of this scoring with its outcome and score, in the order scoring made
        them, one at a time (a site of 10,000 pages is not rebuilt whole); a page's pass or
        not-applicable comes without its detail, a page's failure without its elements (those are
        the ``findings``). A scorecard stored before ``outcomes`` existed
        (schema version 1) kept them all in ``results``."""
        if not self.outcomes:
            yield from self.results
            return
        urls = [p.url for p in self.pages if p.status == "ok"]
        kept = iter(self.results)
        for check_id, codes, scores in self.outcomes:
            yield from rebuild(check_id, codes, scores, urls, kept)


def fingerprint(check_id: str, url: str, selector: str, snippet: str) -> str:
    """Stable id of a finding across runs: check, normalised URL, then selector (or content hash)."""
    where = selector or hashlib.sha256(snippet.encode()).hexdigest()[:16]
    key = "\x1f".join([check_id, normalise_for_lookup(url) or url, where])
    return hashlib.sha256(key.encode()).hexdigest()[:20]


def _plan(
    rubric: Rubric, rules: dict[str, tuple[frozenset[str], str | None]] | Sequence[PageArtifacts]
) -> list[tuple[Dimension, str, float, dict]]:
    """The concrete (dimension, check id, weight, params) list, axe tag selections expanded over
    the axe-core rules of the run (:func:`maturity.core.checks.axe_rules.catalogue`, or of ``pages``)."""
    explicit = {p.check for d in rubric.dimensions for p in d.parameters if p.check}
    if not isinstance(rules, dict):
        rules = catalogue(f for f in (page.get("axe", keep=False) for page in rules) if isinstance(f, AxeFacts))
    plan: list[tuple[Dimension, str, float, dict]] = []
    for dim in rubric.dimensions:
        for param in dim.parameters:
            if param.check:
                plan.append((dim, param.check, param.weight, dict(param.params)))
                continue
            if param.question:  # answered by the agency's attestation file, not crawled
                plan.append((dim, checks.ATTEST_PREFIX + param.question, param.weight, question_params(param)))
                continue
            weights = {**IMPACT_WEIGHTS, **(param.impact_weights or {})}
            wanted = set(param.axe_tags or ())
            for rule_id, (tags, impact) in sorted(rules.items()):
                check_id = checks.AXE_PREFIX + rule_id
                if not (tags & wanted) or rule_id in param.exclude or check_id in explicit:
                    continue
                plan.append((dim, check_id, param.weight * weights[impact or "moderate"], dict(param.params)))
    return plan


def _summarise(
    dim: Dimension,
    check_id: str,
    weight: float,
    run: CheckRun,
    axe_text: AxeText | None = None,
    weights: dict[str, float] | None = None,
) -> CheckSummary:
    meta = checks.get(check_id).meta
    if axe_text is not None:  # an axe rule: axe's own words, not "axe-core rule image-alt fails"
        meta = axe_text.apply(meta)
    if checks.is_attest_id(check_id):  # an attested question: its title is the rubric's question
        text = next((p.text for p in dim.parameters if checks.ATTEST_PREFIX + (p.question or "") == check_id), "")
        meta = replace(meta, title=text or meta.title, failure_title=text or meta.failure_title)
    counts = run.counts()
    if counts[Outcome.FAIL]:
        outcome = Outcome.FAIL
    elif counts[Outcome.PASS]:
        outcome = Outcome.PASS
    elif counts[Outcome.ERROR]:
        outcome = Outcome.ERROR
    else:
        outcome = Outcome.NOT_APPLICABLE
    return CheckSummary(
        check_id=check_id,
        dimension=dim.id,
        title=meta.title,
        failure_title=meta.failure_title,
        description=meta.description,
        help_url=meta.help_url,
        scope=meta.scope,
        weight=weight,
        score=_mean(list(run.scored()), weights),
        outcome=outcome,
        passed=counts[Outcome.PASS],
        failed=counts[Outcome.FAIL],
        not_applicable=counts[Outcome.NOT_APPLICABLE],
        errors=counts[Outcome.ERROR],
        error_messages=sorted({r.error for r in run.kept if r.error})[:5],
    )


def _mean(scored: list[tuple[str | None, float]], weights: dict[str, float] | None) -> float | None:
    """A check's site figure: the mean of its page scores, each page weighted by the pages of the
    population it stands for (a stratified sample); unweighted otherwise."""
    if not scored:
        return None
    if weights is None:
        return sum(score for _, score in scored) / len(scored)
    pairs = [(weights.get(url or "", 1.0), score) for url, score in scored]
    total = sum(w for w, _ in pairs)
    return sum(w * s for w, s in pairs) / total if total else None


def _weighted(pairs: Iterable[tuple[float, float | None]]) -> float | None:
    known = [(w, s) for w, s in pairs if s is not None]
    total = sum(w for w, _ in known)
    return sum(w * s for w, s in known) / total if total else None


def _mostly_unrun(summaries: list[CheckSummary]) -> bool:
    """Whether more than half of the weight of the applicable checks could not run (errored).

    A check counts as could-not-run in proportion to the pages it errored on, out of every page it
    was tried on (a page where it ran and found nothing to check counts as run: an axe-core error
    on one page of thirty must not make a rule that applies nowhere else "mostly not run")."""
    unrun = applicable = 0.0
    for s in summaries:
        ran = s.passed + s.failed + s.errors + s.not_applicable
        if not ran:
            continue
        applicable += s.weight
        unrun += s.weight * s.errors / ran
    return applicable > 0 and unrun * 2 > applicable


@dataclass
class _FirstLook:
    """What scoring needs before it runs a check: the run's pages (URL and status), the axe-core
    rules seen (to expand a rubric's tag selections), each violation's impact and axe's own text."""

    pages: list[PageSummary]
    rules: dict[str, tuple[frozenset[str], str | None]]
    impacts: dict[tuple[str, str], str]
    texts: dict[str, AxeText]


def _first_look(source: PageSource) -> _FirstLook:
    pages: list[PageSummary] = []
    impacts: dict[tuple[str, str], str] = {}
    texts: dict[str, AxeText] = {}

    def axe_facts() -> Iterator[AxeFacts]:
        for page in source.pages({"axe"}):
            pages.append(PageSummary(url=page.url, status=page.status, reason=page.reason))
            facts = page.get("axe", keep=False)
            if not isinstance(facts, AxeFacts):
                continue
            if page.status == "ok":
                _note_axe(page.url, facts, impacts, texts)
            yield facts

    rules = catalogue(axe_facts())
    return _FirstLook(pages=pages, rules=rules, impacts=impacts, texts=texts)


_NO_PARAMS: Mapping[str, Any] = MappingProxyType({})


def run_checks(
    rubric: Rubric,
    source: PageSource,
    site: SiteFacts,
    rules: dict[str, tuple[frozenset[str], str | None]],
    spill: ResultSpill | None = None,
) -> tuple[Ran, dict[str, str]]:
    """Every planned check on every assessable page, streamed from ``source`` page by page: a
    page's artifacts are validated once for all its checks, each site check keeps its summary of
    the page (see maturity.core.checks.CheckMeta.summary), and the page is let go. Then the site
    checks run on their summaries. Returns the results and each page's template key (fix-first)."""
    plan = [(dim, checks.get(check_id), weight, params) for dim, check_id, weight, params in _plan(rubric, rules)]
    urls: list[str] = []
    spill = MemorySpill() if spill is None else spill
    runs = [CheckRun(check_.id, urls, spill=spill, slot=i) for i, (_, check_, _, _) in enumerate(plan)]
    per_page = [(i, check_, params) for i, (_, check_, _, params) in enumerate(plan) if check_.meta.scope != "site"]
    # A site check's params merged once: every page's summary shares the one dict.
    per_site = [
        (i, check_, {**check_.meta.params, **params})
        for i, (_, check_, _, params) in enumerate(plan)
        if check_.meta.scope == "site"
    ]
    # A site check that reads no page artifact (robots.txt, documents, journeys...) sees the pages
    # as one shared list of bare entries (URL and site facts), not a list of its own.
    bare = checks.PageSummaries(site, _NO_PARAMS)
    reading = [(i, check_, params) for i, check_, params in per_site if check_.meta.reads_pages]
    # Summaries that differ page by page wait in the spill when it can keep them (the run layer's does).
    kept = spill if isinstance(spill, checks.SummarySpill) else None
    inputs = {i: bare for i, _, _ in per_site} | {
        i: checks.PageSummaries(site, params, kept) for i, _, params in reading
    }
    templates: dict[str, str] = {}  # page URL -> its template's key (fix-first), one string a template
    keys: dict[str, str] = {}
    for page in source.pages():
        if page.status != "ok":
            continue
        urls.append(page.url)
        for i, check_, params in per_page:
            runs[i].add(checks.run_page_check(check_, page, site, params))
        bare.add(page.url, _NO_PARAMS)
        for i, check_, params in reading:
            if (summary := checks.page_summary(check_, page, site, params)) is not None:
                inputs[i].add(page.url, summary)
        if (key := template_key(_template(page))) is not None:
            templates[page.url] = keys.setdefault(key, key)
        page.release()
    if urls:
        for i, check_, params in per_site:

            def full(url: str, check_: checks.Check = check_, params: dict = params) -> checks.PageInput | None:
                page = source.page(url)
                return None if page is None else checks.whole_page(check_, page, site, params)

            runs[i].add(checks.run_site_check_on(check_, inputs.pop(i), site, params, seen=len(urls), full=full))
    ran = [(dim, check_.id, weight, runs[i]) for i, (dim, check_, weight, _) in enumerate(plan)]
    return ran, templates


def score(
    loaded: LoadedRubric,
    pages: PageSource | Sequence[PageArtifacts],
    site: SiteFacts,
    spill: ResultSpill | None = None,
) -> Scorecard:
    """Score a run. ``pages`` is read twice, page by page (the axe-core rules first, then every
    check): a :class:`~maturity.core.tally.PageSource` such as the store's, or a list of pages.

    ``spill``: where each page's failure is kept whole while scoring keeps it lean. Without one the
    failures are kept in memory and the scorecard holds every finding in ``findings``; with one,
    the scorecard holds none of them (``finding_count`` says how many) and reads them from the
    spill when asked (:meth:`Scorecard.iter_findings`), so nothing in memory grows with the run's
    failing elements: the caller keeps the spill until it has stored or written them."""
    rubric = loaded.rubric
    source: PageSource = PageList(pages) if isinstance(pages, Sequence) else pages
    first = _first_look(source)
    ran, templates = run_checks(rubric, source, site, first.rules, spill)
    by_dim: dict[str, list[CheckSummary]] = defaultdict(list)
    impacts, axe_texts = first.impacts, first.texts
    audited = [p.url for p in first.pages if p.status == "ok"]
    weights = design_weights(site.sample, audited)
    by_traffic = rubric.page_weighting == "traffic" and site.traffic is not None
    if by_traffic and site.traffic is not None:  # each page by its visits (and what it stands for)
        design = weights or {}
        weights = {u: max(1, site.traffic.views.get(u, 0)) * design.get(u, 1.0) for u in audited}
    for dim, check_id, weight, run in ran:
        by_dim[dim.id].append(_summarise(dim, check_id, weight, run, axe_texts.get(check_id), weights))
    # Intervals are for design weights alone: weighting by visits is a choice of what counts, not a draw.
    errors = _Uncertainty(None if by_traffic else site.sample, audited, weights or {}, ran)

    dimensions = []
    results_of = _results_by_dimension(ran)
    for dim in rubric.dimensions:
        summaries = by_dim.get(dim.id, [])
        value, cap, capped = _dimension_value(dim, summaries, results_of.get(dim.id, []), impacts, len(audited))
        span = errors.dimension(dim.id, summaries, value)
        if cap is not None and value is not None and value > cap:
            value = cap
            span = None if span is None else (min(span[0], 100 * cap), min(span[1], 100 * cap))
        else:
            capped = ""
        dimensions.append(
            DimensionScore(
                id=dim.id,
                title=dim.title,
                weight=dim.weight,
                goal=dim.goal,
                evidence=dim.evidence,
                collection=dim.collection,
                sample=dim.sample,
                score=None if value is None else round(100 * value, 1),
                incomplete=any(s.errors for s in summaries) or (value is None and not dim.optional),
                optional=dim.optional,
                checks=errors.checks(summaries),
                interval=span,
                capped=capped,
            )
        )
    overall = _weighted((d.weight, d.score) for d in dimensions)
    overall = None if overall is None else round(overall, 1)
    overall_interval = errors.overall(dimensions, overall)
    complete = all(not d.incomplete for d in dimensions)
    level = _level(rubric, overall, dimensions)
    level_obj = rubric.level(level) if level is not None else None
    card = Scorecard(
        target=site.start_url,
        rubric=RubricRef(
            id=rubric.id, version=rubric.version, title=rubric.title, sha256=loaded.sha256, source=loaded.source
        ),
        overall=overall,
        level=level,
        level_name=level_obj.name if level_obj else None,
        level_description=level_obj.description if level_obj else "",
        levels=[LevelRef(level=lv.level, name=lv.name, min_score=lv.min_score) for lv in rubric.levels],
        complete=complete,
        dimensions=dimensions,
        next_level=_next_level(rubric, level, overall, dimensions),
        pages=first.pages,
        findings=[] if spill is not None else list(_iter_findings(rubric, _whole(ran), impacts, axe_texts)),
        finding_count=None if spill is None else sum(run.instances for _, _, _, run in ran),
        results=[_lean(r) for _, _, _, run in ran for r in run.kept],
        outcomes=[(run.check_id, run.codes.decode(), run.scores.tolist()) for _, _, _, run in ran],
        fix_first=fix_first(ran, templates, _what_if(rubric, weights, impacts, len(audited)), overall),
        sample=site.sample.describe(audited) if site.sample is not None and site.sample.method != "crawl" else "",
        page_weighting=_weighting_text(site) if by_traffic else "",
        survey=_survey_text(rubric, site),
        overall_interval=overall_interval,
        level_uncertain=_level_uncertain(rubric, overall_interval, dimensions),
    )
    if spill is not None:
        card.with_findings(lambda: _iter_findings(rubric, _whole(ran), impacts, axe_texts))
    return card


def _whole(ran: Ran) -> Iterator[CheckResult]:
    """Every kept result, each page failure with its elements (from the spill), check by check."""
    for _dim, _check_id, _weight, run in ran:
        yield from run.full()


def _what_if(
    rubric: Rubric, weights: dict[str, float] | None, impacts: dict[tuple[str, str], str], assessable: int
) -> Callable[[Ran], float | None]:
    """:func:`_overall_of` for fix-first's what-ifs, each check's summary computed once: a what-if
    changes one check, and the others are the same objects every time."""
    memo: dict[int, tuple[CheckRun, CheckSummary]] = {}

    def summarise(dim: Dimension, check_id: str, weight: float, run: CheckRun) -> CheckSummary:
        hit = memo.get(id(run))
        if hit is None or hit[0] is not run:
            hit = memo[id(run)] = (run, _summarise(dim, check_id, weight, run, None, weights))
        return hit[1]

    return lambda ran: _overall_of(rubric, ran, weights, impacts, assessable, summarise)


def _lean(r: CheckResult) -> CheckResult:
    """A page's failure as the scorecard keeps it: its elements are the findings, not kept twice."""
    return r.model_copy(update={"items": []}) if r.url is not None and r.outcome == Outcome.FAIL and r.items else r


def _overall_of(
    rubric: Rubric,
    ran: Ran,
    weights: dict[str, float] | None,
    impacts: dict[tuple[str, str], str],
    assessable: int,
    summarise: Callable[[Dimension, str, float, CheckRun], CheckSummary] | None = None,
) -> float | None:
    """The overall score of ``ran`` by the same rules as :func:`score` (for what-if rescoring)."""
    by_dim: dict[str, list[CheckSummary]] = defaultdict(list)
    for dim, check_id, weight, run in ran:
        assert isinstance(dim, Dimension)
        if summarise is not None:
            by_dim[dim.id].append(summarise(dim, check_id, weight, run))
        else:
            by_dim[dim.id].append(_summarise(dim, check_id, weight, run, None, weights))
    results_of = _results_by_dimension(ran)
    values = []
    for dim in rubric.dimensions:
        value, cap, _ = _dimension_value(dim, by_dim.get(dim.id, []), results_of.get(dim.id, []), impacts, assessable)
        if cap is not None and value is not None:
            value = min(value, cap)
        values.append((dim.weight, None if value is None else round(100 * value, 1)))
    overall = _weighted(values)
    return None if overall is None else round(overall, 1)


IMPACTS = ("critical", "serious", "moderate", "minor")  # axe-core's, worst first


def _results_by_dimension(ran: Ran) -> dict[str, list[CheckRun]]:
    """Each dimension's check runs (their failures are what its cap reads)."""
    out: dict[str, list[CheckRun]] = defaultdict(list)
    for dim, _check_id, _weight, run in ran:
        out[dim.id].append(run)
    return out


def _dimension_value(
    dim: Dimension,
    summaries: list[CheckSummary],
    results: list[CheckRun],
    impacts: dict[tuple[str, str], str],
    assessable: int,
) -> tuple[float | None, float | None, str]:
    """A dimension's uncapped value (0..1; None when not assessed: most of its checks could not run,
    and a figure from the few that did would mislead), its cap and why (see :func:`_cap`)."""
    value = None if _mostly_unrun(summaries) else _weighted((s.weight, s.score) for s in summaries)
    cap, capped = _cap(dim, results, impacts, assessable)
    return value, cap, capped


def _cap(
    dim: Dimension, results: list[CheckRun], impacts: dict[tuple[str, str], str], assessable: int
) -> tuple[float | None, str]:
    """The rubric's cap on ``dim`` (0..1) and why, from the worst axe-core impact among its failures
    (Illinois' open document auditor caps a score at 69 with a critical finding, 79 with a serious
    one and 89 with a moderate one); (None, "") when no cap applies."""
    if not dim.caps or not assessable:
        return None, ""
    pages: dict[str, set[str]] = {impact: set() for impact in IMPACTS}
    for run in results:
        for url, check_id in run.failed_pages():
            impact = impacts.get((url, check_id))
            if impact in pages:
                pages[impact].add(url)
    for impact in IMPACTS:
        cap = dim.caps.get(impact)  # type: ignore[call-overload]
        on = pages[impact]
        if cap is not None and on and len(on) / assessable >= dim.cap_share:
            return cap / 100, f"capped at {cap:g}: {impact} failures on {len(on)} of {assessable} pages"
    return None, ""


def _template(page: PageArtifacts) -> dict[str, str] | None:
    doc = page.artifacts.get("document")
    template = doc.get("template") if isinstance(doc, dict) else None
    return template if isinstance(template, dict) else None


class _Uncertainty:
    """The 95 % intervals of a probability sample's figures (maturity.core.sampling): each page-level
    check's linearised values, combined with the rubric's weights for dimensions and the overall
    score. Site-level checks are read from the whole site, so they add no sampling error."""

    def __init__(self, sample: SampleFacts | None, audited: list[str], weights: dict[str, float], ran: Ran) -> None:
        self.sample = sample if sample is not None and sample.method != "crawl" else None
        self.audited = audited
        self.weights = weights
        self.by_check: dict[str, list[CheckRun]] = defaultdict(list)
        for _dim, check_id, _weight, run in ran:
            self.by_check[check_id].append(run)
        self.by_dimension: dict[str, dict[str, float]] = {}

    def _linear(self, summary: CheckSummary) -> dict[str, float]:
        """The check's linearised values by page (read from its results when asked: one check at a time)."""
        scored = [(url, s) for run in self.by_check.get(summary.check_id, []) for url, s in run.scored() if url]
        if not scored or summary.score is None:
            return {}
        total = sum(self.weights.get(url, 1.0) for url, _ in scored)
        return linearised_ratio(dict(scored), self.weights, total, summary.score)

    def checks(self, summaries: list[CheckSummary]) -> list[CheckSummary]:
        if self.sample is None:
            return summaries
        out = []
        for s in summaries:
            span = interval(self.sample, s.score, self._linear(s), self.audited) if s.scope != "site" else None
            out.append(s.model_copy(update={"interval": _rounded(span, 4)}) if span else s)
        return out

    def dimension(self, dim_id: str, summaries: list[CheckSummary], value: float | None) -> tuple[float, float] | None:
        if self.sample is None or value is None:
            return None
        known = [s for s in summaries if s.score is not None]
        total = sum(s.weight for s in known)
        combined: dict[str, float] = defaultdict(float)
        for s in known:
            if s.scope == "site":
                continue
            for url, e in self._linear(s).items():
                combined[url] += s.weight / total * e
        self.by_dimension[dim_id] = dict(combined)
        span = interval(self.sample, value, combined, self.audited)
        return _rounded(span and (100 * span[0], 100 * span[1]), 1)

    def overall(self, dimensions: list[DimensionScore], overall: float | None) -> tuple[float, float] | None:
        if self.sample is None or overall is None:
            return None
        known = [d for d in dimensions if d.score is not None]
        total = sum(d.weight for d in known)
        combined: dict[str, float] = defaultdict(float)
        for d in known:
            for url, e in self.by_dimension.get(d.id, {}).items():
                combined[url] += d.weight / total * e
        span = interval(self.sample, overall / 100, combined, self.audited)
        return _rounded(span and (100 * span[0], 100 * span[1]), 1)


def _rounded(span: tuple[float, float] | None, digits: int) -> tuple[float, float] | None:
    return None if span is None else (round(span[0], digits), round(span[1], digits))


def _level_uncertain(rubric: Rubric, overall: tuple[float, float] | None, dims: list[DimensionScore]) -> bool:
    """A level threshold inside the overall interval, or a level's dimension minimum inside that
    dimension's interval: another sample could have given another level."""
    if overall is not None and any(overall[0] < lv.min_score <= overall[1] for lv in rubric.levels):
        return True
    by_id = {d.id: d for d in rubric.dimensions}
    for lv in rubric.levels:
        for d in dims:
            minimum = rubric.dimension_minimum(by_id[d.id], lv) if d.id in by_id else lv.min_dimension
            if minimum and d.interval is not None and d.interval[0] < minimum <= d.interval[1]:
                return True
    return False


def _survey_text(rubric: Rubric, site: SiteFacts) -> str:
    """ "" unless the rubric scores survey figures; then which figures and quarters the run carries."""
    from maturity.core.checks.survey import describe_survey

    for dim in rubric.dimensions:
        for param in dim.parameters:
            if param.check and param.check.startswith(checks.SURVEY_PREFIX):
                meta = checks.get(param.check).meta
                rule = str({**meta.params, **param.params}.get("quarter", "complete"))
                return describe_survey(site.survey, rule)
    return ""


def _weighting_text(site: SiteFacts) -> str:
    traffic = site.traffic
    assert traffic is not None
    period = f", {traffic.period}" if traffic.period else ""
    return f"each page weighted by its {traffic.metric} in the imported traffic report{period} (at least 1)"


def _level(rubric: Rubric, overall: float | None, dims: list[DimensionScore]) -> int | None:
    if overall is None or any(d.score is None and not d.optional for d in dims):
        return None
    reached = 1
    by_id = {d.id: d for d in dims}
    for lv in rubric.levels:
        ok = overall >= lv.min_score and all(
            (by_id[dim.id].score or 0) >= rubric.dimension_minimum(dim, lv)
            for dim in rubric.dimensions
            if not (dim.optional and by_id[dim.id].score is None)
        )
        if not ok:
            break
        reached = lv.level
    return reached


def _next_level(
    rubric: Rubric, level: int | None, overall: float | None, dims: list[DimensionScore]
) -> NextLevel | None:
    if level is None or level >= len(rubric.levels):
        return None
    target = rubric.level(level + 1)
    gaps = []
    if overall is not None and overall < target.min_score:
        gaps.append(LevelGap(dimension=None, title="Overall score", have=overall, need=target.min_score))
    by_id = {d.id: d for d in dims}
    short = set()
    for dim in rubric.dimensions:
        need = rubric.dimension_minimum(dim, target)
        have = by_id[dim.id].score
        if have is None and dim.optional:
            continue  # no evidence of its kind: it holds no level back
        if have is None or have < need:
            gaps.append(LevelGap(dimension=dim.id, title=dim.title, have=have, need=need))
            short.add(dim.id)
    # Advice for the dimensions that fall short; when only the overall score does, for every dimension.
    steps = {
        dim.id: dim.next_steps[target.level]
        for dim in rubric.dimensions
        if dim.next_steps.get(target.level) and (dim.id in short or not short)
    }
    return NextLevel(level=target.level, name=target.name, description=target.description, gaps=gaps, next_steps=steps)


@dataclass(frozen=True)
class AxeText:
    """axe-core's own words for a rule: its requirement, its help page and what it tests."""

    help: str
    help_url: str
    description: str

    def apply(self, meta: checks.CheckMeta) -> checks.CheckMeta:
        help_ = self.help.strip()
        description = self.description.strip()
        if description:
            description = description.rstrip(".") + ". See the rule's help page for how to fix it."
        return replace(
            meta,
            title=help_ or meta.title,
            failure_title=help_ or meta.failure_title,
            description=description or meta.description,
            help_url=self.help_url or meta.help_url,
        )


def _note_axe(url: str, facts: AxeFacts, impacts: dict[tuple[str, str], str], texts: dict[str, AxeText]) -> None:
    """Record, for one assessable page, the impact axe gave each violated rule there ((page URL,
    axe check id) -> impact) and axe's own title, help page and description of each rule (the
    first seen). The rule ids and impacts are interned: kept for every page, they are a handful of
    strings (axe-core's rules and four impacts), not a few new ones a page."""
    for rule in facts.rules:
        check_id = sys.intern(checks.AXE_PREFIX + rule.id)
        if rule.outcome == "violation" and rule.impact:
            impacts[(url, check_id)] = sys.intern(rule.impact)
        if rule.help and check_id not in texts:
            texts[check_id] = AxeText(rule.help, rule.help_url, rule.description)


def _findings(
    rubric: Rubric,
    results: Iterable[CheckResult],
    impacts: dict[tuple[str, str], str] | None = None,
    axe_texts: dict[str, AxeText] | None = None,
) -> list[Finding]:
    return list(_iter_findings(rubric, results, impacts, axe_texts))


def _iter_findings(
    rubric: Rubric,
    results: Iterable[CheckResult],
    impacts: dict[tuple[str, str], str] | None = None,
    axe_texts: dict[str, AxeText] | None = None,
) -> Iterator[Finding]:
    dimension_of: dict[str, str] = {}
    for dim in rubric.dimensions:
        for param in dim.parameters:
            if param.check:
                dimension_of[param.check] = dim.id
    for r in results:
        if r.outcome != Outcome.FAIL:
            continue
        meta = checks.get(r.check_id).meta
        if axe_texts and r.check_id in axe_texts:
            meta = axe_texts[r.check_id].apply(meta)
        dim_id = dimension_of.get(r.check_id, meta.dimension)
        impact = (impacts or {}).get((r.url or "", r.check_id))
        for item in r.items or []:
            url = item.url or r.url or ""
            # A measured item (LCP, reading grade, ...) is identified by its check and page, never by
            # its detail, which carries the measurement: otherwise its fingerprint changes every run.
            where = item.snippet or ("" if item.value is not None and not item.selector else item.detail)
            yield (
                Finding(
                    fingerprint=fingerprint(r.check_id, url, item.selector, where),
                    check_id=r.check_id,
                    dimension=dim_id,
                    title=meta.failure_title,
                    url=url,
                    selector=item.selector,
                    snippet=item.snippet,
                    detail=item.detail,
                    help_url=meta.help_url,
                    impact=impact,
                )
            )
        if not r.items:
            url = r.url or ""
            yield (
                Finding(
                    fingerprint=fingerprint(r.check_id, url, "", ""),
                    check_id=r.check_id,
                    dimension=dim_id,
                    title=meta.failure_title,
                    url=url,
                    help_url=meta.help_url,
                    impact=impact,
                )
            )
