"""Scoring a run page by page: where the pages come from, and one check's results held compactly.

Pure. Scoring reads a run's pages from a :class:`PageSource` (the store streams them from the
database one at a time; :class:`PageList` wraps pages already in memory), so peak memory does not
grow with the number of pages: each page's artifacts are read, checked and let go.

A check's results on a run (:class:`CheckRun`) are one byte a page in :attr:`CheckRun.codes`
(most results: an axe-core rule that held, a check with nothing to check on a page, a page's
failure with score 0), a float for a pass with a partial score (a load time on its curve) or a
failure's measured value, and whole results only for what a report, a gate or fix-first reads
again and one byte cannot say: errors, site-level results, passes without a score
(informational) and failures with a partial score. A page's failure is kept whole, with its
elements (its findings), in the spill only. The detail of a page's pass or not-applicable ("1.2
s", "no images") is not kept: it is in the run's stored artifacts, and a rescore recomputes it.
:meth:`CheckRun.results` gives every result back with its outcome and score (a page's failure
without its elements: they are its findings).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from maturity.core.model import CheckResult, Outcome, PageArtifacts

__all__ = ["CheckRun", "MemorySpill", "PageList", "PageSource", "ResultSpill", "rebuild"]

PASS = "p"  # passed with score 1.0
PARTIAL = "s"  # passed with the next score of CheckRun.scores
NOT_APPLICABLE = "n"
FAILED = "f"  # failed with score 0 (its elements, if any, are in the spill: the findings)
MEASURED_FAIL = "v"  # failed with score 0 and a measured value: the next of CheckRun.scores
KEPT = "k"  # the next result of CheckRun.kept


class PageSource(Protocol):
    """A run's pages in crawl order, read afresh on each call (the store reads them one at a time)."""

    def pages(self, names: Collection[str] | None = None) -> Iterator[PageArtifacts]:
        """Every page; ``names`` limits the artifacts read to those (None: all of them)."""
        ...

    def page(self, url: str) -> PageArtifacts | None:
        """One page with all its artifacts (None when the run has no such page)."""
        ...


@dataclass(frozen=True)
class PageList:
    """Pages already in memory, as a :class:`PageSource`."""

    items: Sequence[PageArtifacts]

    def pages(self, names: Collection[str] | None = None) -> Iterator[PageArtifacts]:
        return iter(self.items)

    def page(self, url: str) -> PageArtifacts | None:
        return next((p for p in self.items if p.url == url), None)


class ResultSpill(Protocol):
    """Where a run's page failures are kept whole (with every failing element) while scoring keeps
    them lean: one numbered stream per planned check, read back in the order written, as often as
    needed (the findings, fix-first). The run layer spills to files, so the failing elements of a
    run of any size are never in memory at once; :class:`MemorySpill` keeps them in lists."""

    def put(self, slot: int, result: CheckResult) -> None: ...

    def results(self, slot: int) -> Iterator[CheckResult]: ...


@dataclass
class MemorySpill:
    """A :class:`ResultSpill` in memory (a list a check): for runs already in memory."""

    slots: dict[int, list[CheckResult]] = field(default_factory=dict)

    def put(self, slot: int, result: CheckResult) -> None:
        self.slots.setdefault(slot, []).append(result)

    def results(self, slot: int) -> Iterator[CheckResult]:
        return iter(list(self.slots.get(slot, [])))


@dataclass
class CheckRun:
    """One planned check's results on a run, in order: one a page for a page check (``urls`` are
    the assessable pages, shared by every check), one for a site check."""

    check_id: str
    urls: Sequence[str]
    codes: bytearray = field(default_factory=bytearray)
    scores: array[float] = field(default_factory=lambda: array("d"))
    kept: list[CheckResult] = field(default_factory=list)
    # With a spill, a page's failure is kept lean (no elements) and whole in ``spill`` (slot ``slot``):
    # :meth:`full` gives the kept results back whole.
    spill: ResultSpill | None = None
    slot: int = 0
    instances: int = 0  # findings the kept failures make: each failing element, or the page

    def add(self, r: CheckResult) -> None:
        if r.outcome == Outcome.FAIL:
            self.instances += len(r.items) or 1
        i = len(self.codes)
        on_page = r.check_id == self.check_id and r.url is not None and i < len(self.urls) and r.url == self.urls[i]
        if on_page and r.outcome == Outcome.PASS and r.score == 1.0:
            self.codes.append(ord(PASS))
        elif on_page and r.outcome == Outcome.PASS and r.score is not None:
            self.codes.append(ord(PARTIAL))
            self.scores.append(r.score)
        elif on_page and r.outcome == Outcome.NOT_APPLICABLE:
            self.codes.append(ord(NOT_APPLICABLE))
        elif on_page and _plain_failure(r) and (self.spill is not None or not r.items):
            if r.value is None:
                self.codes.append(ord(FAILED))
            else:
                self.codes.append(ord(MEASURED_FAIL))
                self.scores.append(r.value)
            if self.spill is not None:
                self.spill.put(self.slot, r)
        else:
            self.codes.append(ord(KEPT))
            if self.spill is not None and _spilled(r):
                self.spill.put(self.slot, r)
                r = r.model_copy(update={"items": []}) if r.items else r
            self.kept.append(r)

    def full(self) -> Iterator[CheckResult]:
        """The kept results, each page failure whole again (with its elements) from the spill."""
        whole = self.spill.results(self.slot) if self.spill is not None else iter(())
        kept, values = iter(self.kept), iter(self.scores)
        for i, code in enumerate(self.codes):
            if code == ord(PARTIAL):
                next(values)
            elif code in (ord(FAILED), ord(MEASURED_FAIL)):
                value = next(values) if code == ord(MEASURED_FAIL) else None
                yield next(whole) if self.spill is not None else _failed(self.check_id, self.urls[i], value)
            elif code == ord(KEPT):
                r = next(kept)
                yield next(whole) if self.spill is not None and _spilled(r) else r

    def failed_pages(self) -> Iterator[tuple[str, str]]:
        """(page URL, check id) of each page failure, in order (kept, or one byte)."""
        kept = iter(self.kept)
        for i, code in enumerate(self.codes):
            if code in (ord(FAILED), ord(MEASURED_FAIL)):
                yield self.urls[i], self.check_id
            elif code == ord(KEPT):
                r = next(kept)
                if r.outcome == Outcome.FAIL and r.url is not None:
                    yield r.url, r.check_id

    def results(self) -> Iterator[CheckResult]:
        """Every result, with its outcome and score (see the module's docstring)."""
        return rebuild(self.check_id, self.codes.decode(), self.scores, self.urls, iter(self.kept))

    def counts(self) -> Counter[Outcome]:
        counts: Counter[Outcome] = Counter(r.outcome for r in self.kept)
        counts[Outcome.PASS] += self.codes.count(ord(PASS)) + self.codes.count(ord(PARTIAL))
        counts[Outcome.NOT_APPLICABLE] += self.codes.count(ord(NOT_APPLICABLE))
        counts[Outcome.FAIL] += self.codes.count(ord(FAILED)) + self.codes.count(ord(MEASURED_FAIL))
        return counts

    def scored(self) -> Iterator[tuple[str | None, float]]:
        """(URL, score) of each passed or failed result with a score, in order."""
        kept, scores = iter(self.kept), iter(self.scores)
        for i, code in enumerate(self.codes):
            if code == ord(PASS):
                yield self.urls[i], 1.0
            elif code == ord(PARTIAL):
                yield self.urls[i], next(scores)
            elif code == ord(FAILED):
                yield self.urls[i], 0.0
            elif code == ord(MEASURED_FAIL):
                next(scores)
                yield self.urls[i], 0.0
            elif code == ord(KEPT):
                r = next(kept)
                if r.score is not None and r.outcome in (Outcome.PASS, Outcome.FAIL):
                    yield r.url, r.score

    def replaced(self, change: Callable[[CheckResult], CheckResult]) -> CheckRun:
        """A copy with ``change`` applied to each kept result (a fix-first what-if)."""
        out = CheckRun(self.check_id, self.urls)
        kept, scores = iter(self.kept), iter(self.scores)
        for i, code in enumerate(self.codes):
            if code == ord(KEPT):
                out.add(change(next(kept)))
                continue
            if code in (ord(FAILED), ord(MEASURED_FAIL)):
                value = next(scores) if code == ord(MEASURED_FAIL) else None
                out.add(change(_failed(self.check_id, self.urls[i], value)))
                continue
            out.codes.append(code)
            if code == ord(PARTIAL):
                out.scores.append(next(scores))
        return out


def _plain_failure(r: CheckResult) -> bool:
    """A failure the one byte :data:`FAILED` stands for (with its elements set aside)."""
    return r.outcome == Outcome.FAIL and r.score == 0.0 and r.error is None


def _failed(check_id: str, url: str, value: float | None) -> CheckResult:
    return CheckResult.failed(check_id, url) if value is None else CheckResult.failed(check_id, url, value=value)


def _spilled(r: CheckResult) -> bool:
    return r.url is not None and r.outcome == Outcome.FAIL


def rebuild(
    check_id: str, codes: str, scores: Sequence[float], urls: Sequence[str], kept: Iterator[CheckResult]
) -> Iterator[CheckResult]:
    """The results ``codes`` stand for (a page's pass or not-applicable without its detail),
    taking each partial score from ``scores`` and each kept result from ``kept`` in turn."""
    partial = iter(scores)
    for i, code in enumerate(codes):
        if code == PASS:
            yield CheckResult.passed(check_id, urls[i])
        elif code == PARTIAL:
            yield CheckResult.passed(check_id, urls[i], score=next(partial))
        elif code == NOT_APPLICABLE:
            yield CheckResult.not_applicable(check_id, urls[i])
        elif code == FAILED:
            yield CheckResult.failed(check_id, urls[i])
        elif code == MEASURED_FAIL:
            yield CheckResult.failed(check_id, urls[i], value=next(partial))
        else:
            yield next(kept)
