"""Task journeys in a stored run (issue 15): the Tasks dimension scored from the journeys stored with
the crawl, the scorecard's strip of step screenshots (files beside it), history run to run, and the
agency page of the site build. No browser: the journeys' results are made in memory."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import lxml.html
from factories import ORIGIN, page, site
from journey_results import journey_result, save_with_screenshots

from maturity.core.rubric import builtin_rubric
from maturity.run.history import compare_site
from maturity.run.publish import build
from maturity.run.scoring import report, rescore, score_run
from maturity.store import Store
from reports.history_text import describe

T0 = __import__("datetime").datetime(2025, 3, 3, 9, 0, tzinfo=__import__("datetime").UTC)


def stored_run(store: Store, tmp: Path, journeys, *, days: int = 0, shots: str = "shots") -> int:
    """A crawl of two pages with ``journeys`` stored beside it (screenshots under ``tmp/shots``), scored."""
    crawl_id = store.begin_crawl(f"{ORIGIN}/", settings={"throttle": "mobile", "perf_runs": 1}, tool_version="t")
    store.set_site(crawl_id, site(), 2)
    for p in (page(), page(f"{ORIGIN}/b")):
        store.add_page(crawl_id, p)
    store.finish_crawl(crawl_id)
    if journeys:
        save_with_screenshots(store, crawl_id, journeys, tmp / f"{shots}-{crawl_id}")
    score_run(store, crawl_id, builtin_rubric())
    when = T0 + timedelta(days=days)
    store.update_crawl(crawl_id, started_at=when, finished_at=when + timedelta(minutes=3))
    store.set_membership(crawl_id, agency="Department of Natural Resources", portfolio="state", tags={})
    return crawl_id


def tasks_of(store: Store, crawl_id: int):
    _, card = store.latest_scorecard(crawl_id)
    return next(d for d in card.dimensions if d.id == "tasks")


def test_a_stored_run_scores_its_journeys_and_its_scorecard_shows_each_as_a_strip(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    plain = stored_run(store, tmp_path, [])
    assert tasks_of(store, plain).score is None  # not assessed, never 0
    mouse_only = journey_result(ident="apply", keyboard="failed", violations={2: {"label": 1}}, shots=True)
    run = stored_run(store, tmp_path, [journey_result(shots=True, runs=3), mouse_only], days=1)
    tasks = tasks_of(store, run)
    assert tasks.score is not None and 0 < tasks.score < 100
    assert {c.check_id: c.outcome.value for c in tasks.checks}["task-keyboard"] == "fail"

    # rescore keeps reading them (they are the run's evidence), and its report copies the screenshots beside it
    _, card, paths = rescore(store, run, builtin_rubric(), tmp_path / "out")
    assert next(d for d in card.dimensions if d.id == "tasks").score == tasks.score
    folder = paths["html"].parent
    doc = lxml.html.fromstring(paths["html"].read_bytes())
    section = doc.get_element_by_id("tasks")
    strips = section.xpath(".//ol[@class='journey-strip']")
    assert len(strips) == 2
    images = strips[0].xpath(".//img")
    assert [i.get("src") for i in images] == [f"journeys/renew/step-{i:02d}.png" for i in range(4)]
    assert all((folder / i.get("src")).is_file() for i in images)
    alts = [i.get("alt") for i in images]
    assert alts[0] == "Phone screen after opening the start page"
    assert alts[2] == 'Phone screen after step 2: fill in the field labelled "Field 1"'
    text = " ".join(section.text_content().split())
    assert "x1" not in text and "x1" not in "".join(alts)  # a value typed into a field is never shown
    assert "median of 3 runs" in text and "1 axe-core rule violated: label (serious, 1 element)" in text
    assert "By keyboard alone: failed at step 1: the link Renew could only be reached with a mouse" in text
    assert doc.xpath("//nav//a[@href='#tasks']")

    # a screenshot whose file is gone is not shown as a broken image
    (tmp_path / f"shots-{run}" / "renew" / "step-01.png").unlink()
    _, _, again = report(store, run, tmp_path / "again")
    shown = lxml.html.fromstring(again["html"].read_bytes()).xpath("(//ol[@class='journey-strip'])[1]//img/@src")
    assert "journeys/renew/step-01.png" not in shown and len(shown) == 3


def test_history_and_the_agency_page_compare_journeys_run_to_run(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    extra = "  - check: {label: I agree}\n"
    stored_run(store, tmp_path, [journey_result(ms=300, shots=True), journey_result(ident="apply")])
    later = [
        journey_result(ms=[300, 300, 2500, 300, 300], extra=extra, shots=True),  # a step added, one much slower
        journey_result(ident="apply", fail_at=2),
    ]
    second = stored_run(store, tmp_path, later, days=30)
    comparison = compare_site(store, f"{ORIGIN}/")
    assert not isinstance(comparison, str)
    lines = "\n".join(describe(comparison))
    assert "task journeys (a time counts as changed only beyond its noise band" in lines
    assert 'step added: tick the field labelled "I agree"' in lines
    assert "outcome: completed -> failed (CHANGED)" in lines
    assert "slower (noise band ±100 ms)" in lines

    built = build(store, tmp_path / "site", method="mean", title="Scorecards", generated_at="2025-05-06T10:00:00+00:00")
    agency = lxml.html.fromstring((built.root / "agency" / "department-of-natural-resources.html").read_bytes())
    heading = agency.xpath("//h3[starts-with(@id, 'site-1-tasks')]")
    assert [" ".join(h.text_content().split()) for h in heading] == [f"Tasks: the journeys of run {second}"]
    changes = " ".join(" ".join(ul.text_content().split()) for ul in agency.xpath("//ul[@class='journey-changes']"))
    assert "Outcome changed: completed → failed." in changes
    assert 'Step added: tick the field labelled "I agree".' in changes
    assert 'Step 2: fill in the field labelled "Field 1": 300 ms → 2.5 s, slower' in changes
    srcs = agency.xpath("//ol[@class='journey-strip']//img/@src")
    assert srcs and all(s.startswith(f"../run/{second}/journeys/") for s in srcs)
    assert all((built.root / "agency" / s).resolve().is_file() for s in srcs)  # copied beside the run page
    run_page = lxml.html.fromstring((built.root / "run" / f"{second}.html").read_bytes())
    assert run_page.xpath("//ol[@class='journey-strip']//img/@src")[0] == f"{second}/journeys/renew/step-00.png"
