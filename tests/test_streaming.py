"""Scoring streamed from the store (issue 19): the same scorecard as scoring pages held in memory, the
same outcomes as running each check on each page directly, and memory that does not grow with the
number of pages. No browser: the runs are realistic synthetic pages stored in SQLite."""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import yaml
from factories import ORIGIN, realistic_page, store_realistic_run

from maturity.core import checks
from maturity.core.checks.axe_rules import catalogue
from maturity.core.model import AxeFacts, Outcome, PageArtifacts
from maturity.core.rubric import builtin_rubric, parse_rubric
from maturity.core.scoring import _plan, score
from maturity.store import Store
from maturity.store.store import StoredPages

LIGHT = {
    "id": "light",
    "version": "1",
    "title": "A few page checks and the site checks that keep a summary of each page",
    "levels": [{"level": 1, "name": "Initial", "min_score": 0}, {"level": 2, "name": "Defined", "min_score": 80}],
    "dimensions": [
        {
            "id": "accessibility",
            "title": "Accessibility",
            "weight": 2,
            "goal": "Usable?",
            "parameters": [{"axe_tags": ["wcag2a", "wcag2aa"], "weight": 1}, {"check": "skip-link", "weight": 1}],
        },
        {
            "id": "content",
            "title": "Content",
            "weight": 1,
            "goal": "Clear?",
            "parameters": [
                {"check": "title-unique", "weight": 1},
                {"check": "shared-layout", "weight": 1},
                {"check": "pdf-share", "weight": 1},
            ],
        },
    ],
}


def test_streamed_scoring_equals_scoring_in_memory_and_each_check_run_directly(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    crawl_id = store_realistic_run(store, 24)
    down = PageArtifacts(url=f"{ORIGIN}/down", status="not_assessable", reason="HTTP 503")
    store.add_page(crawl_id, down)
    rubric = builtin_rubric()
    site = store.load_site(crawl_id)
    pages = store.load_pages(crawl_id)

    streamed = score(rubric, StoredPages(store, crawl_id), site)
    assert streamed == score(rubric, pages, site)  # the store's stream or a list: one scorecard
    assert streamed.findings and streamed.fix_first is not None and streamed.overall is not None
    assert [p.url for p in streamed.pages][-1] == down.url

    # Every page's outcome and score is the one the check gives when run on that page directly;
    # what the scorecard keeps whole (failures, errors) is that result exactly.
    assessable = [p for p in pages if p.status == "ok"]
    by_check = {c.check_id: c for d in streamed.dimensions for c in d.checks}
    got = list(streamed.all_results())
    page_results = [r for r in got if r.url is not None]
    expected = []
    rules = catalogue(f for p in pages if isinstance(f := p.get("axe", keep=False), AxeFacts))
    for _dim, check_id, _weight, params in _plan(rubric.rubric, rules):
        check_ = checks.get(check_id)
        if check_.meta.scope != "site":
            expected += [checks.run_page_check(check_, page, site, params) for page in assessable]
    assert [(r.check_id, r.url, r.outcome, r.score) for r in page_results] == [
        (r.check_id, r.url, r.outcome, r.score) for r in expected
    ]
    kept = {(r.check_id, r.url): r for r in streamed.results if r.url is not None}
    direct = {(r.check_id, r.url): r for r in expected}
    assert all(r.outcome in (Outcome.FAIL, Outcome.ERROR) or r.score is None for r in kept.values())
    # A page's failure with score 0 is one character of ``outcomes``, rebuilt by all_results().
    assert not any(r.outcome == Outcome.FAIL and r.score == 0.0 and not r.error for r in kept.values())
    failed = {(r.check_id, r.url): r for r in page_results if r.outcome == Outcome.FAIL}
    assert failed and any(r.value is not None for r in failed.values())
    for key, r in {**kept, **failed}.items():  # a failure's elements are its findings, not kept twice
        assert r == direct[key].model_copy(update={"items": [] if r.outcome == Outcome.FAIL else r.items}), key
        if r.outcome == Outcome.FAIL:
            found = [(f.selector, f.snippet) for f in streamed.findings if (f.check_id, f.url) == key]
            assert found == [(i.selector, i.snippet) for i in direct[key].items] or not direct[key].items, key
    # Each check's figure and counts are those of its results.
    for check_id, summary in by_check.items():
        mine = [r for r in got if r.check_id == check_id]
        scored = [r.score for r in mine if r.score is not None and r.outcome in (Outcome.PASS, Outcome.FAIL)]
        assert summary.passed == sum(r.outcome == Outcome.PASS for r in mine), check_id
        assert summary.failed == sum(r.outcome == Outcome.FAIL for r in mine), check_id
        assert summary.not_applicable == sum(r.outcome == Outcome.NOT_APPLICABLE for r in mine), check_id
        assert summary.score == (sum(scored) / len(scored) if scored else None), check_id
    # The stored scorecard reads back the same.
    scoring_id = store.add_scoring(crawl_id, streamed)
    assert store.scorecard(next(s for s in store.scorings(crawl_id) if s.id == scoring_id)) == streamed


def _scoring_peak(tmp_path, pages: int, rubric=None) -> tuple[int, float | None]:
    store = Store(f"sqlite:///{tmp_path / f'run-{pages}.db'}")
    crawl_id = store_realistic_run(store, pages, violations=False)
    rubric = rubric or parse_rubric(yaml.safe_dump(LIGHT).encode(), "light.yaml")
    site = store.load_site(crawl_id)
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        card = score(rubric, StoredPages(store, crawl_id), site)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    store.engine.dispose()
    return peak, card.overall


def _peaks_apart(tmp_path: Path, measure: str, rubric: str) -> list[tuple[float, float | int | None]]:
    """Scoring's traced peak at 30 and at 120 pages (after 5, which fills imports and caches), in a
    fresh interpreter: tracemalloc counts every thread's allocations, so a thread another test left
    in this process (a fixture site's server, Playwright's connection to the shared browser) would
    count as scoring's (a red CI run: 40 KiB a page where a fresh process measures 7)."""
    done = subprocess.run(
        [sys.executable, __file__, measure, rubric, str(tmp_path)],
        cwd=Path(__file__).parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [tuple(pair) for pair in json.loads(done.stdout.splitlines()[-1])]


def test_scoring_memory_does_not_grow_with_the_pages(tmp_path):
    # Four times the pages, every one read and checked. Scoring holds one page at a time, so what
    # grows is only what it keeps of each page: its line in the page list, a byte for each check's
    # outcome, and the summaries of the site checks that compare pages (a title, a template key,
    # the link targets): under 8 KiB a page. Holding the pages' artifacts took about 240 KiB a page
    # of these pages (12.6 MiB for 50, 48.3 MiB for 200, before scoring streamed them).
    (small, small_overall), (large, large_overall) = _peaks_apart(tmp_path, "scoring", "light")
    assert small_overall is not None and large_overall is not None
    per_page = (large - small) / 90
    assert per_page < 8 * 1024, (small, large, per_page)
    assert large < 2.5 * small, (small, large)


def test_the_default_rubrics_site_checks_keep_little_of_each_page(tmp_path):
    # The default rubric's 38 site checks: 24 read no page artifact and share one list of bare
    # pages; the others keep equal summaries once (the same header, search box and analytics on
    # every page). About 6 KiB a page of these pages; 14 KiB when each site check kept a summary
    # object of its own for every page, bare or equal.
    (small, _), (large, _) = _peaks_apart(tmp_path, "scoring", "default")
    per_page = (large - small) / 90
    assert per_page < 9 * 1024, (small, large, per_page)


def test_a_page_read_again_for_a_closer_look_is_the_whole_page(tmp_path):
    """The accessibility statement check keeps only matching links of each page, then reads the
    statement page whole from the store: its text is there although no summary kept it."""
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    crawl_id = store_realistic_run(store, 3)
    statement = realistic_page(0, 3, f"{ORIGIN}/accessibility")
    body = "Accessibility statement. We meet WCAG 2.1 level AA. Updated 1 February 2025. Email a11y@agency.gov."
    doc = {**statement.artifacts["document"], "url": f"{ORIGIN}/accessibility", "text": body}
    store.add_page(
        crawl_id, PageArtifacts(url=f"{ORIGIN}/accessibility", artifacts={**statement.artifacts, "document": doc})
    )
    card = score(builtin_rubric("ada-title-ii"), StoredPages(store, crawl_id), store.load_site(crawl_id))
    result = next(r for r in card.results if r.check_id == "accessibility-statement")
    assert result.error is None and result.items, result
    details = [i.detail for i in result.items]
    assert all(i.url == f"{ORIGIN}/accessibility" for i in result.items), result
    # the standard and the date are read from the statement's text, which only the whole page has
    assert not any("names no standard" in d or "carries no date" in d for d in details), details


def test_findings_kept_apart_are_the_findings_in_memory_and_scores_are_the_same(tmp_path):
    # score_run spills each page's failure to files, stores the findings apart from the scorecard
    # and reads them back one at a time: the same findings, scores and fix-first list as scoring
    # with everything in memory, in the JSON scorecard and after reading the scoring back.
    import json

    from maturity.run.scoring import score_run, write_reports
    from maturity.store.readback import run_info

    store = Store(f"sqlite:///{tmp_path / 'f.db'}")
    crawl_id = store_realistic_run(store, 30)
    rubric = builtin_rubric()
    in_memory = score(rubric, store.load_pages(crawl_id), store.load_site(crawl_id))
    assert in_memory.finding_count is None and len(in_memory.findings) > 100

    scoring_id, card = score_run(store, crawl_id, rubric)
    assert card.findings == [] and card.finding_count == len(in_memory.findings) == card.findings_total
    assert list(card.iter_findings()) == in_memory.findings
    assert len(card.finding_blobs) == -(-len(in_memory.findings) // Store.FINDINGS_CHUNK)
    same = ("overall", "level", "dimensions", "results", "outcomes", "fix_first", "pages", "overall_interval")
    for name in same:
        assert getattr(card, name) == getattr(in_memory, name), name
    stored = store.scorecard(next(s for s in store.scorings(crawl_id) if s.id == scoring_id))
    assert list(stored.iter_findings()) == in_memory.findings

    paths = write_reports(run_info(store, crawl_id, scoring_id), stored, tmp_path / "out")
    written = json.loads(paths["json"].read_text())["scorecard"]
    assert [f["fingerprint"] for f in written["findings"]] == [f.fingerprint for f in in_memory.findings]
    # the file lists them inline and says nothing of where the store keeps them
    assert written["finding_count"] is None and written["finding_blobs"] == [] and stored.finding_blobs
    html = paths["html"].read_text()
    assert f"{len(in_memory.findings)} problems found" in html

    # The findings' blobs are in use: removing unused blobs keeps them.
    store.delete_unused_blobs()
    assert list(store.scorecard(store.scorings(crawl_id)[-1]).iter_findings()) == in_memory.findings


def _spilled_peak(tmp_path, pages: int) -> tuple[float, int]:
    from maturity.run.spill import FileSpill

    store = Store(f"sqlite:///{tmp_path / f'spill-{pages}.db'}")
    crawl_id = store_realistic_run(store, pages)  # with axe-core violations: about 14 findings a page
    rubric = parse_rubric(yaml.safe_dump(LIGHT).encode(), "light.yaml")
    site = store.load_site(crawl_id)
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        with FileSpill(tmp_path) as spill:
            card = score(rubric, StoredPages(store, crawl_id), site, spill)
            count = sum(1 for _ in card.iter_findings())
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    store.engine.dispose()
    return peak, count


def test_scoring_memory_with_many_findings_does_not_grow_with_them(tmp_path):
    # With failing elements on every page, what scoring keeps of a failure is its lean result
    # (outcome, page, detail) and its axe-core impact; the elements go to the spill. Kept in memory
    # (no spill) the same run grows by about 32 KiB a page of these pages; spilled, by about 12 KiB
    # (measured with tracemalloc, 30 and 120 pages): what is left grows with the failing pages.
    (small, small_count), (large, large_count) = _peaks_apart(tmp_path, "spilled", "light")
    assert large_count > 3.5 * small_count > 0
    per_page = (large - small) / 90
    assert per_page < 16 * 1024, (small, large, per_page)


def test_site_check_summaries_that_are_equal_are_kept_once_and_read_back_whole():
    """Most pages of a site share their header, footer and search box: a site check's summaries
    that are equal are kept once for all pages, and every page still reads back its own URL and
    summary; summaries that keep differing are kept as they are (nothing merged, nothing lost)."""
    from types import SimpleNamespace

    from maturity.core.model import SiteFacts

    site = SiteFacts(start_url=ORIGIN + "/")
    shared = checks.PageSummaries(site, {"min": 1})
    for i in range(300):
        shared.add(f"{ORIGIN}/p{i}", {"document": SimpleNamespace(forms=[], search=i % 2 == 0)})
    assert len(shared) == 300 and [p.url for p in shared[2:4]] == [f"{ORIGIN}/p2", f"{ORIGIN}/p3"]
    assert [p.document.search for p in shared] == [i % 2 == 0 for i in range(300)]
    assert len({id(p.artifacts) for p in shared}) == 2  # two distinct summaries, each kept once
    assert shared[7].params == {"min": 1} and shared[-1].url == f"{ORIGIN}/p299"

    titles = checks.PageSummaries(site, {})
    for i in range(300):
        titles.add(f"{ORIGIN}/p{i}", {"document": SimpleNamespace(title=f"Page {i}")})
    assert [p.document.title for p in titles] == [f"Page {i}" for i in range(300)]
    assert len({id(p.artifacts) for p in titles}) == 300


def test_site_check_summaries_that_differ_wait_in_the_spill_and_read_back_equal(tmp_path):
    """Summaries that keep differing page by page (titles, link targets) go to the spill once the
    check stops looking for equal ones; each page reads its own back, as often as asked."""
    from types import SimpleNamespace

    from maturity.core.model import SiteFacts
    from maturity.run.spill import FileSpill

    site = SiteFacts(start_url=ORIGIN + "/")
    with FileSpill(tmp_path) as spill:
        titles = checks.PageSummaries(site, {}, spill)
        shared = checks.PageSummaries(site, {}, spill)
        for i in range(300):
            titles.add(f"{ORIGIN}/p{i}", {"document": SimpleNamespace(title=f"Page {i}", targets=(f"/t{i}",))})
            shared.add(f"{ORIGIN}/p{i}", {"document": SimpleNamespace(search=i % 2 == 0)})
        kept = titles._summaries
        assert sum(isinstance(k, int) for k in kept) > 200  # past the first distinct ones, in the file
        assert not any(isinstance(k, int) for k in shared._summaries)  # equal ones stay shared in memory
        for _ in range(2):
            assert [p.document.title for p in titles] == [f"Page {i}" for i in range(300)]
        assert titles[250].document.targets == ("/t250",) and titles[250].url == f"{ORIGIN}/p250"
        assert (spill.folder / "summaries.pickle").stat().st_size > 0
    assert not spill.folder.exists()


def test_every_site_checks_summary_of_a_page_reads_back_equal_from_the_spill(tmp_path):
    """Any site check's summaries may differ page by page on some site, and then go to the spill:
    each one, of every page of a realistic run, reads back equal. One that cannot be written (here a
    generator) stays in memory."""
    from types import SimpleNamespace

    from maturity.run.spill import FileSpill

    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    crawl_id = store_realistic_run(store, 6)
    site = store.load_site(crawl_id)
    reading = [c for c in checks.all_checks() if c.meta.scope == "site" and c.meta.reads_pages]
    assert len(reading) >= 10
    with FileSpill(tmp_path) as spill:
        for page in store.load_pages(crawl_id):
            for check_ in reading:
                summary = checks.page_summary(check_, page, site, dict(check_.meta.params))
                if summary is None:
                    continue
                token = spill.keep(summary)
                assert token is not None, check_.id
                assert spill.read(token) == summary, check_.id
        odd = {"document": SimpleNamespace(links=(x for x in ()))}
        assert spill.keep(odd) is None
        titles = checks.PageSummaries(site, {}, spill)
        titles._pool = None  # as when a check's summaries have kept differing: no more looking for equal ones
        titles.add(f"{ORIGIN}/a", {"document": SimpleNamespace(title="A")})
        titles.add(f"{ORIGIN}/b", {"document": SimpleNamespace(title="B")})
        titles.add(f"{ORIGIN}/c", odd)
        assert [type(k).__name__ for k in titles._summaries] == ["int", "int", "dict"]
        assert titles[2].artifacts is odd and titles[1].document.title == "B"


def test_scoring_with_summaries_in_the_spill_equals_scoring_in_memory(tmp_path):
    """Enough pages (90) that the title, description and link-target summaries go to the spill:
    every check's outcome and score is what scoring all in memory gives."""
    from maturity.run.spill import FileSpill

    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    crawl_id = store_realistic_run(store, 90)
    rubric = builtin_rubric()
    site = store.load_site(crawl_id)
    in_memory = score(rubric, store.load_pages(crawl_id), site)
    with FileSpill(tmp_path) as spill:
        spilled = score(rubric, StoredPages(store, crawl_id), site, spill)
        assert (spill.folder / "summaries.pickle").stat().st_size > 0
        findings = list(spilled.iter_findings())
    assert spilled.outcomes == in_memory.outcomes
    assert spilled.results == in_memory.results and spilled.overall == in_memory.overall
    assert findings == in_memory.findings


if __name__ == "__main__":  # one measurement for _peaks_apart: measure, rubric, folder
    _measure = _scoring_peak if sys.argv[1] == "scoring" else _spilled_peak
    _folder = Path(sys.argv[3])
    _args = (builtin_rubric(),) if sys.argv[2] == "default" else ()
    (_folder / "warm").mkdir(exist_ok=True)
    _measure(_folder / "warm", 5, *_args)
    print(json.dumps([_measure(_folder, n, *_args) for n in (30, 120)]))
