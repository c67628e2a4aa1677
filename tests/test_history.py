"""History: comparing runs honestly (noise bands, rubric versions, findings by fingerprint), trends, rollups.

Pure and offline: runs are built with the factories and scored in memory. ``store_runs`` (used by
the export and site tests too) stores the same kind of runs in a real SQLite store.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import yaml
from factories import ORIGIN, axe, document, page, perf, site

from maturity.core.history import (
    DEFAULT_METRIC_BANDS,
    ROLLUP_METHODS,
    RunSnapshot,
    Scored,
    SettingChange,
    agencies,
    compare,
    rollup,
    trend,
)
from maturity.core.model import PageArtifacts, PerformanceFacts, PerfRun, RunInfo
from maturity.core.rubric import LoadedRubric, builtin_rubric, parse_rubric
from maturity.core.scoring import PageSummary, score
from maturity.run.scoring import score_run
from maturity.store import Store
from reports.history_text import describe

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
IMAGE_ALT = ("image-alt", "violation", "critical", ["wcag2a"])


def bad_alt(url: str) -> PageArtifacts:
    return page(url, axe=axe(IMAGE_ALT))


def alt(findings) -> list[str]:
    """URLs of the image-alt findings (the factories' pages have a few other, shared findings)."""
    return [f.url for f in findings if f.check_id == "axe/image-alt"]


def rubric_v2() -> LoadedRubric:
    data = builtin_rubric().rubric.model_dump(mode="json")
    data["version"] = "2.0.0"
    return parse_rubric(yaml.safe_dump(data).encode(), "v2.yaml")


def snapshot(
    crawl_id: int,
    pages: list[PageArtifacts],
    *,
    origin: str = ORIGIN,
    rubric: LoadedRubric | None = None,
    days: int = 0,
    agency: str = "Department of Natural Resources",
    k: int = 1,
    throttle: str = "mobile",
    status: str = "finished",
) -> RunSnapshot:
    rubric = rubric or builtin_rubric()
    card = score(rubric, pages, site(start_url=f"{origin}/")) if status == "finished" else None
    perf_facts = {
        p.url: PerformanceFacts.model_validate(p.artifacts["performance"])
        for p in pages
        if "median" in p.artifacts.get("performance", {})
    }
    return RunSnapshot(
        run=RunInfo(
            crawl_id=crawl_id,
            target_url=f"{origin}/",
            status=status,
            started_at=(T0 + timedelta(days=days)).isoformat(timespec="seconds"),
            settings={"throttle": throttle, "perf_runs": k},
        ),
        site=f"{origin}/",
        agency=agency,
        pages=[PageSummary(url=p.url, status=p.status, reason=p.reason) for p in pages],
        scorecard=card,
        perf=perf_facts,
        error=None if status == "finished" else "cannot connect",
    )


def repeated_perf(values: list[float], key: str = "lcp_ms") -> dict:
    runs = [
        PerfRun(ttfb_ms=100, fcp_ms=800, lcp_ms=1400, cls=0.01, tbt_ms=50, bytes=300_000).model_copy(update={key: v})
        for v in values
    ]
    ordered = sorted(values)
    median = runs[[r.model_dump()[key] for r in runs].index(ordered[len(ordered) // 2])]
    return PerformanceFacts(
        profile="mobile", k=len(values), median=median, runs=runs, spread={key: max(values) - min(values)}
    ).model_dump(mode="json")


# ---------------------------------------------------------------------------
# compare
# ---------------------------------------------------------------------------


def test_findings_are_new_fixed_or_still_open_by_fingerprint():
    before = snapshot(1, [bad_alt(f"{ORIGIN}/"), bad_alt(f"{ORIGIN}/a"), page(f"{ORIGIN}/b")])
    after = snapshot(2, [page(f"{ORIGIN}/"), bad_alt(f"{ORIGIN}/a"), bad_alt(f"{ORIGIN}/b")], days=7)
    c = compare(before, after)
    assert c.same_rubric and not c.rubric_note
    assert alt(c.findings.new) == [f"{ORIGIN}/b"]
    assert alt(c.findings.fixed) == [f"{ORIGIN}/"]
    assert c.findings.not_rechecked == []
    # Still open: every finding of the newer run that is neither new nor on a page not checked before
    # (/a's missing alt text among them), counted.
    assert before.scorecard is not None and after.scorecard is not None
    newer = {f.fingerprint: f for f in after.scorecard.iter_findings()}
    gone = {f.fingerprint for f in c.findings.new + c.findings.not_checked_before}
    assert any(f.url == f"{ORIGIN}/a" and f.check_id == "axe/image-alt" for f in newer.values())
    assert c.findings.still_open == len(set(newer) - gone) > 0


def test_a_finding_on_a_page_no_longer_assessed_is_not_called_fixed():
    before = snapshot(1, [page(f"{ORIGIN}/"), bad_alt(f"{ORIGIN}/gone")])
    after = snapshot(2, [page(f"{ORIGIN}/"), page(f"{ORIGIN}/new")], days=7)
    c = compare(before, after)
    assert alt(c.findings.fixed) == [] and alt(c.findings.not_rechecked) == [f"{ORIGIN}/gone"]
    assert c.pages_added == [f"{ORIGIN}/new"] and c.pages_removed == [f"{ORIGIN}/gone"]


def with_settings(snap: RunSnapshot, **settings) -> RunSnapshot:
    return replace(snap, run=snap.run.model_copy(update={"settings": {**snap.run.settings, **settings}}))


def test_runs_with_different_settings_say_so_and_sampled_pages_are_not_new_or_fixed():
    """10 pages, then 50: findings on pages the first run never checked are not "new", and
    findings gone with a page the second run no longer checked are not "fixed"."""
    before = with_settings(
        snapshot(1, [page(f"{ORIGIN}/"), bad_alt(f"{ORIGIN}/a"), bad_alt(f"{ORIGIN}/gone")]),
        max_pages=10,
        include=[],
        concurrency=4,
    )
    after = with_settings(
        snapshot(2, [bad_alt(f"{ORIGIN}/"), page(f"{ORIGIN}/a"), bad_alt(f"{ORIGIN}/sampled")], days=7),
        max_pages=50,
        include=["/news"],
        concurrency=8,  # how fast, not what: not named
    )
    c = compare(before, after)
    assert c.settings_changed == [SettingChange("include", [], ["/news"]), SettingChange("max_pages", 10, 50)]
    f = c.findings
    assert alt(f.new) == [f"{ORIGIN}/"]  # on a page checked before
    assert alt(f.not_checked_before) == [f"{ORIGIN}/sampled"]
    assert alt(f.fixed) == [f"{ORIGIN}/a"]
    assert alt(f.not_rechecked) == [f"{ORIGIN}/gone"]  # the page was no longer checked
    text = "\n".join(describe(c))
    assert "different settings (include none → [/news]; max_pages 10 → 50)" in text
    assert "on pages not checked before" in text and "gone as their page was no longer checked" in text
    assert f"on a page not checked before: axe-core rule image-alt fails [axe/image-alt] {ORIGIN}/sampled" in text
    assert f"page no longer checked: axe-core rule image-alt fails [axe/image-alt] {ORIGIN}/gone" in text
    assert f"new: axe-core rule image-alt fails [axe/image-alt] {ORIGIN}/" + "\n" in text + "\n"
    assert "concurrency" not in text
    # same settings: no note
    assert compare(before, with_settings(after, max_pages=10, include=[])).settings_changed == []
    assert "different settings" not in "\n".join(describe(compare(before, before)))


def test_history_command_and_site_name_the_settings_that_differ(tmp_path):
    import json as json_
    import subprocess
    import sys

    from maturity.run.publish import build

    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    first = store_run(store, [page(f"{ORIGIN}/"), bad_alt(f"{ORIGIN}/a")])
    second = store_run(store, [page(f"{ORIGIN}/"), page(f"{ORIGIN}/a"), bad_alt(f"{ORIGIN}/b")], days=7)
    for crawl_id, pages in ((first, 10), (second, 50)):
        settings = json_.loads(store.crawl(crawl_id).settings)
        store.update_crawl(crawl_id, settings=json_.dumps({**settings, "max_pages": pages}))
    proc = subprocess.run(
        [sys.executable, "-m", "maturity", "history", ORIGIN, "--db", store.url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "different settings (max_pages 10 → 50)" in proc.stdout
    assert "findings: 0 new, 1 fixed" in proc.stdout and " on pages not checked before" in proc.stdout
    assert f"on a page not checked before: axe-core rule image-alt fails [axe/image-alt] {ORIGIN}/b" in proc.stdout
    build(store, tmp_path / "site", method="mean", title="t")
    agency = (tmp_path / "site" / "agency" / "department-of-natural-resources.html").read_text()
    assert "Different settings:" in agency and "max_pages 10 → 50" in agency
    assert "on pages not checked before" in agency


def test_score_changes_within_the_noise_band_are_no_change():
    before = snapshot(1, [page(f"{ORIGIN}/", performance=perf(lcp_ms=2000))])
    after = snapshot(2, [page(f"{ORIGIN}/", performance=perf(lcp_ms=2150))], days=7)
    c = compare(before, after)
    perf_dim = next(d for d in c.dimensions if d.key == "performance")
    assert perf_dim.delta is not None and perf_dim.delta < 0  # the score did move a little...
    assert perf_dim.verdict == "no change"  # ...but within the band of a single lab load
    assert perf_dim.band >= 5  # rounding plus the lab metrics' share of 10 points (k=1)
    assert c.overall is not None and c.overall.verdict == "no change"
    lcp = next(m for m in c.metrics if m.key == "lcp_ms")
    assert lcp.before == 2000 and lcp.after == 2150 and lcp.verdict == "no change"
    assert lcp.band == pytest.approx(DEFAULT_METRIC_BANDS["lcp_ms"].width(2000)) and "default" in lcp.band_source


def test_a_real_regression_is_worse_and_accessibility_changes_count_beyond_rounding():
    before = snapshot(1, [page(f"{ORIGIN}/", performance=perf(lcp_ms=1500)), page(f"{ORIGIN}/a")])
    after = snapshot(2, [page(f"{ORIGIN}/", performance=perf(lcp_ms=6000)), bad_alt(f"{ORIGIN}/a")], days=7)
    c = compare(before, after)
    lcp = next(m for m in c.metrics if m.key == "lcp_ms")
    assert lcp.verdict == "worse" and lcp.delta == 2250  # the median of two pages: 1450 -> 3700 ms
    access = next(d for d in c.dimensions if d.key == "accessibility")
    assert access.verdict == "worse" and access.band == 0.5


def test_with_repeated_loads_the_measured_spread_is_the_band():
    quiet = [page(f"{ORIGIN}/", performance=repeated_perf([1400, 1420, 1410]))]
    slower = [page(f"{ORIGIN}/", performance=repeated_perf([1500, 1510, 1505]))]
    noisy = [page(f"{ORIGIN}/", performance=repeated_perf([1000, 1500, 2000]))]
    c = compare(snapshot(1, quiet, k=3), snapshot(2, slower, k=3, days=1))
    lcp = next(m for m in c.metrics if m.key == "lcp_ms")
    assert lcp.band == 20 and lcp.band_source == "measured spread (k=3)"
    assert lcp.verdict == "worse"  # +95 ms: beyond a 20 ms spread, though inside the 150 ms default band
    c2 = compare(snapshot(1, quiet, k=3), snapshot(2, noisy, k=3, days=1))
    lcp2 = next(m for m in c2.metrics if m.key == "lcp_ms")
    assert lcp2.band == 1000 and lcp2.verdict == "no change"


def test_metrics_under_different_throttling_are_not_compared():
    c = compare(snapshot(1, [page()], throttle="mobile"), snapshot(2, [page()], throttle="desktop", days=1))
    assert c.metrics == [] and "different throttling profiles" in c.metrics_note


def test_different_rubrics_are_never_compared_silently():
    before = snapshot(1, [page(), bad_alt(f"{ORIGIN}/a")])
    after = snapshot(2, [page(), page(f"{ORIGIN}/b")], rubric=rubric_v2(), days=7)
    c = compare(before, after)
    assert not c.same_rubric
    assert c.overall is None and c.dimensions == [] and c.findings is None
    assert builtin_rubric().rubric.version in c.rubric_note and "2.0.0" in c.rubric_note
    assert "rescore-all" in c.rubric_note
    assert c.pages_added == [f"{ORIGIN}/b"]  # facts about pages are still compared
    text = "\n".join(describe(c))
    assert "not compared" in text and "→" in text and "overall" not in text


def test_a_level_change_inside_the_noise_band_is_flagged():
    before = snapshot(1, [page()])
    after = snapshot(2, [page()], days=1)
    # Same facts, so the same score; pretend the level differs (a score sitting on a threshold).
    moved = after.scorecard.model_copy(update={"level": (before.scorecard.level or 1) + 1})
    c = compare(before, RunSnapshot(**{**after.__dict__, "scorecard": moved}))
    assert c.level_changed and "threshold" in c.level_note


def test_describe_reads_like_a_report():
    before = snapshot(1, [bad_alt(f"{ORIGIN}/")])
    after = snapshot(2, [page(f"{ORIGIN}/")], days=7)
    lines = describe(compare(before, after))
    text = "\n".join(lines)
    assert lines[0].startswith(f"{ORIGIN}/: run 1") and "run 2" in lines[0]
    assert "findings: 0 new, 1 fixed, 0 still open" in text
    assert "Accessibility:" in text and "(better)" in text
    assert "Largest Contentful Paint" in text and "[default band (k=1)]" in text


# ---------------------------------------------------------------------------
# trend and rollups
# ---------------------------------------------------------------------------


def test_trend_marks_points_under_another_rubric_as_not_comparable():
    runs = [
        snapshot(1, [page()], rubric=rubric_v2()),
        snapshot(2, [page()], days=1, status="failed"),
        snapshot(3, [bad_alt(f"{ORIGIN}/")], days=2),
    ]
    points = trend(runs)
    assert [p.crawl_id for p in points] == [1, 3]  # the failed run has no point
    assert [p.comparable for p in points] == [False, True]
    assert points[1].dimensions["accessibility"] is not None


def scored(name: str, overall: float | None, level: int | None, pages: int, sha: str = "a") -> Scored:
    dims = {"accessibility": overall} if overall is not None else {}
    return Scored(name, overall, level, dims, pages, sha if overall is not None else None)


@pytest.mark.parametrize(
    ("method", "overall", "level"),
    [("mean", 60.0, 2), ("page-weighted", 84.0, 3), ("minimum", 30.0, 1)],
)
def test_rollup_methods(method, overall, level):
    parts = [scored("a", 90, 4, 9), scored("b", 30, 1, 1), scored("c", None, None, 5)]
    r = rollup(parts, method)
    assert r.overall == overall and r.level == level and r.dimensions == {"accessibility": overall}
    assert (r.parts_scored, r.parts_total, r.pages) == (2, 3, 15)  # unscored parts are counted, never zero
    assert not r.mixed_rubrics


def test_rollup_flags_mixed_rubrics_and_refuses_unknown_methods():
    assert rollup([scored("a", 80, 3, 1, "x"), scored("b", 70, 3, 1, "y")], "mean").mixed_rubrics
    assert rollup([], "mean").overall is None
    with pytest.raises(ValueError, match="unknown rollup method"):
        rollup([], "median")
    assert set(ROLLUP_METHODS) == {"mean", "page-weighted", "minimum"}


def test_agencies_group_sites_and_compare_like_with_like():
    other = "https://parks.example.gov"
    runs = {
        f"{ORIGIN}/": [snapshot(1, [bad_alt(f"{ORIGIN}/")]), snapshot(3, [page(f"{ORIGIN}/")], days=7)],
        f"{other}/": [snapshot(2, [page(f"{other}/")], origin=other)],
        "https://court.example.gov/": [snapshot(4, [page()], origin="https://court.example.gov", agency="Court")],
    }
    views = agencies(runs, "mean")
    assert [v.name for v in views] == ["Court", "Department of Natural Resources"]
    dnr = views[1]
    assert len(dnr.sites) == 2 and dnr.rollup.parts_scored == 2
    # only the site with a previous run takes part in the change
    assert dnr.change is not None and dnr.change.verdict == "better"
    assert views[0].change is None


# ---------------------------------------------------------------------------
# Stored runs, shared with test_exports and test_site
# ---------------------------------------------------------------------------


def store_run(
    store: Store,
    pages: list[PageArtifacts],
    *,
    origin: str = ORIGIN,
    agency: str | None = "Department of Natural Resources",
    portfolio: str | None = "state",
    tags: dict[str, str] | None = None,
    days: int = 0,
    rubric: LoadedRubric | None = None,
    failed: str | None = None,
) -> int:
    """Store one run the way the pipeline does (crawl, site, pages, scoring), dated ``days`` after T0."""
    crawl_id = store.begin_crawl(f"{origin}/", settings={"throttle": "mobile", "perf_runs": 1}, tool_version="t")
    if failed:
        store.finish_crawl(crawl_id, status="failed", error=failed)
    else:
        facts = site(start_url=f"{origin}/", homepage_url=f"{origin}/")
        store.set_site(crawl_id, facts, len(pages))
        for p in pages:
            store.add_page(crawl_id, p)
        store.finish_crawl(crawl_id)
        score_run(store, crawl_id, rubric or builtin_rubric())
    when = T0 + timedelta(days=days)
    store.update_crawl(crawl_id, started_at=when, finished_at=when + timedelta(minutes=3))
    if agency is not None:
        store.set_membership(crawl_id, agency=agency, portfolio=portfolio, tags=tags)
    return crawl_id


def small_portfolio(store: Store) -> dict[str, int]:
    """Two agencies: one site with three runs (getting better), one site whose last attempt failed."""
    library = "https://library.example.gov"
    ids = {
        "dnr1": store_run(
            store,
            [bad_alt(f"{ORIGIN}/"), page(f"{ORIGIN}/a", document=document(url=f"{ORIGIN}/a"))],
            tags={"branch": "executive"},
        ),
        "lib1": store_run(store, [page(f"{library}/")], origin=library, agency="State Library", days=1),
        "dnr2": store_run(store, [bad_alt(f"{ORIGIN}/"), page(f"{ORIGIN}/a")], days=30, tags={"branch": "executive"}),
        "dnr3": store_run(store, [page(f"{ORIGIN}/"), page(f"{ORIGIN}/b")], days=60, tags={"branch": "executive"}),
        "lib2": store_run(store, [], origin=library, agency="State Library", days=61, failed="cannot connect"),
    }
    return ids


def test_history_reads_back_from_the_store(tmp_path):
    from maturity.store.readback import load_snapshots

    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    ids = small_portfolio(store)
    by_site = load_snapshots(store, "state")
    assert [r.crawl_id for r in by_site[f"{ORIGIN}/"]] == [ids["dnr1"], ids["dnr2"], ids["dnr3"]]
    library = by_site["https://library.example.gov/"]
    assert library[-1].run.status == "failed" and library[-1].scorecard is None and library[-1].error
    newest = by_site[f"{ORIGIN}/"][-1]
    assert newest.tags == {"branch": "executive"} and newest.perf  # perf loaded for the newest runs
    assert by_site[f"{ORIGIN}/"][0].perf is None  # ...and only for them
    c = compare(by_site[f"{ORIGIN}/"][-2], newest)
    assert alt(c.findings.fixed) == [f"{ORIGIN}/"]
    assert load_snapshots(store, "another") == {}


def test_the_portfolio_trend_counts_each_site_with_its_newest_run_up_to_each_day():
    from maturity.core.history import portfolio_trend

    a0 = snapshot(1, [bad_alt(f"{ORIGIN}/")])
    a30 = snapshot(3, [page(f"{ORIGIN}/")], days=30)
    lib = "https://library.example.gov"
    b10 = snapshot(2, [bad_alt(f"{lib}/"), page(f"{lib}/a")], origin=lib, agency="State Library", days=10)
    other = snapshot(4, [page(f"{lib}/")], origin=lib, agency="State Library", days=5, rubric=rubric_v2())
    views = agencies({f"{ORIGIN}/": [a0, a30], f"{lib}/": [other, b10]}, "mean")
    t = portfolio_trend(views, "mean")
    assert [(p.day, p.sites) for p in t.points] == [("2025-03-03", 1), ("2025-03-13", 2), ("2025-04-02", 2)]
    assert t.left_out == 1 and t.rubric_sha == a30.scorecard.rubric.sha256  # the v2 run is on another scale
    first, middle, last = t.points
    assert first.overall == round(a0.scorecard.overall, 1)
    assert middle.overall == pytest.approx((a0.scorecard.overall + b10.scorecard.overall) / 2, abs=0.1)
    assert last.overall == pytest.approx((a30.scorecard.overall + b10.scorecard.overall) / 2, abs=0.1)
    assert last.dimensions["accessibility"] > middle.dimensions["accessibility"]  # the image-alt fix shows
    minimum = portfolio_trend(views, "minimum").points[1]
    assert minimum.overall == round(min(a0.scorecard.overall, b10.scorecard.overall), 1)


def test_with_sampled_runs_a_change_inside_the_samples_intervals_is_no_change():
    from maturity.core.history import SAMPLING_SOURCE, sampling_band

    assert sampling_band(None, None) == 0.0
    assert sampling_band((80.0, 90.0), (70.0, 76.0)) == round((5**2 + 3**2) ** 0.5, 2)
    first = snapshot(1, [page(), page(f"{ORIGIN}/b")])
    second = snapshot(2, [page(), bad_alt(f"{ORIGIN}/b")], days=7)
    assert first.scorecard is not None and second.scorecard is not None
    drop = first.scorecard.overall - second.scorecard.overall
    assert drop > 1  # outside the noise band of two full crawls: called worse
    assert compare(first, second).overall.verdict == "worse"
    wide = (first.scorecard.overall - drop, first.scorecard.overall + drop)
    sampled_first = replace(first, scorecard=first.scorecard.model_copy(update={"overall_interval": wide}))
    sampled_second = replace(
        second,
        scorecard=second.scorecard.model_copy(update={"overall_interval": (wide[0] - drop, wide[1] - drop)}),
    )
    change = compare(sampled_first, sampled_second).overall
    assert change.verdict == "no change" and change.band_source == SAMPLING_SOURCE
    assert "within the samples' intervals" in "\n".join(describe(compare(sampled_first, sampled_second)))
