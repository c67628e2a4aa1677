"""Journeys in ``maturity check``: listed in maturity.yml, run after their site's audit, gated
(completion, keyboard alone, time budget), with JUnit and SARIF entries per step."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sites import SiteServer, html

from maturity.core.gates import evaluate_sites, parse_check_config
from maturity.core.journey import Journey, RunRecord, StepRun, summarise
from maturity.core.rubric import builtin_rubric
from maturity.core.settings import MachineSettings
from maturity.kernel.errors import ConfigError
from maturity.run.check import run_check
from maturity.store import Store
from reports.junit import render_junit
from reports.sarif import render_sarif

PAGES = {
    "/": html(
        "Parks",
        "<h1>Parks</h1><p><a href='/book'>Book a picnic table</a></p>",
    ),
    "/book": html(
        "Book a table",
        "<h1>Book a table</h1><label for='d'>Date</label><input id='d'>"
        "<div onclick=\"document.getElementById('done').textContent='Booked'\">Book now</div><p id='done'></p>",
    ),
}

FIND = """\
id: find
title: Find the booking page
service: Parks
start: {origin}/
steps:
  - click: {{role: link, name: Book a picnic table}}
    expect: {{heading: Book a table}}
"""

BOOK = """\
id: book
title: Book a picnic table
service: Parks
start: {origin}/book
steps:
  - fill: {{label: Date}}
    value: "${{secret:DATE}}"
  - click: Book now
    expect: {{text: Booked}}
"""


def _config(tmp_path: Path, origin: str, gates: str = "") -> Path:
    folder = tmp_path / "journeys"
    folder.mkdir(exist_ok=True)
    (folder / "find.yaml").write_text(FIND.format(origin=origin))
    (folder / "book.yaml").write_text(BOOK.format(origin=origin))
    config = tmp_path / "maturity.yml"
    config.write_text(f"urls: [{origin}/]\nmax_pages: 2\njourneys: [journeys]\ngates:\n  journeys: {{{gates}}}\n")
    return config


def test_the_config_reads_journeys_and_their_gates():
    config = parse_check_config(b"journeys: [j]\ngates:\n  journeys: {keyboard: true, budget_seconds: 20}\n", "m.yml")
    assert config.journeys == ["j"]
    assert config.gates.journeys.keyboard and config.gates.journeys.budget_seconds == 20
    with pytest.raises(ConfigError, match=r"gates\.journeys\.budget_seconds"):
        parse_check_config(b"gates:\n  journeys: {budget_seconds: 0}\n", "m.yml")


def _result(outcomes: list[str], keyboard: list[str] | None = None):
    journey = Journey.model_validate(
        {
            "id": "pay",
            "title": "Pay a fine",
            "service": "Courts",
            "start": "http://127.0.0.1:9/",
            "steps": [{"click": "Pay a fine"}, {"click": "Continue"}],
        }
    )
    record = RunRecord(
        steps=[StepRun(outcome=o, ms=500.0, reason="" if o == "completed" else "gone") for o in outcomes]
    )
    kb = None
    if keyboard is not None:
        kb = RunRecord(steps=[StepRun(outcome=o, reason="" if o == "completed" else "only a mouse") for o in keyboard])
    return summarise(journey, [record], kb)


def test_journey_gates_fail_the_check_and_name_the_step():
    config = parse_check_config(b"gates:\n  journeys: {keyboard: true, budget_seconds: 1}\n", "m.yml")
    done = _result(["completed", "completed", "completed"], ["completed", "completed", "failed"])
    broken = _result(["completed", "failed", "not_reached"])
    result = evaluate_sites([], config, None, [done, broken])
    assert "journeys" in result.evaluated and not result.passed
    messages = [f.message for f in result.failures]
    assert messages[0] == "journey pay: keyboard: failed at step 2: only a mouse"
    assert "journey pay: time-budget: 1.5 s (median of 1), budget 1 s" in messages
    assert any(m.startswith("journey pay: completion: failed at step 1: gone") for m in messages)
    # without journeys, nothing about them is evaluated
    assert "journeys" not in evaluate_sites([], config).evaluated
    # JUnit: a testsuite per journey, a testcase per step and per gate
    root = ET.fromstring(render_junit([], result))
    suites = [s for s in root.iter("testsuite") if s.get("name", "").startswith("journey pay")]
    assert len(suites) == 2
    cases = [c.get("name") for c in suites[1].iter("testcase")]
    assert cases[:3] == ["step 0: open the start page http://127.0.0.1:9/", 'step 1: click the text "Pay a fine"',
                         'step 2: click the text "Continue"']  # fmt: skip
    assert suites[1].get("failures") == "4" and suites[1].get("skipped") == "1"  # step 1 and 3 gates
    # SARIF: a result per failed step and per failed gate
    sarif = json.loads(render_sarif([], result))
    rules = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert rules == {"journey-step", "journey-completion", "journey-keyboard", "journey-time-budget"}


@pytest.mark.browser
def test_check_runs_a_sites_journeys_after_its_audit(shared_browser, tmp_path):
    secret = "Qx9-check-secret-5521"
    with SiteServer(PAGES) as site:
        config_path = _config(tmp_path, site.origin, "keyboard: true")
        from maturity.run.check import resolve_config

        config, path = resolve_config(str(config_path), tmp_path)
        outputs = {"junit": str(tmp_path / "out.xml"), "sarif": str(tmp_path / "out.sarif")}
        store = Store(f"sqlite:///{tmp_path / 'm.db'}")
        printed: list[str] = []
        done = run_check(
            config,
            config.urls,
            store=store,
            rubric=builtin_rubric(),
            out_dir=tmp_path / "out",
            config_path=path,
            outputs=outputs,
            browser=shared_browser,
            settings_overrides={"user_agent": "maturity-tests"},
            machine=MachineSettings(loopback_only=True),
            env={"MATURITY_SECRET_DATE": secret},
            echo=printed.append,
        )
    by_id = {r.id: r for r in done.journeys}
    assert by_id["find"].outcome == "completed" and by_id["book"].outcome == "completed"
    assert by_id["book"].keyboard is not None and by_id["book"].keyboard.outcome == "failed"
    assert not done.result.passed
    assert [f.message.split(":")[:2] for f in done.result.failures_of("journeys")] == [["journey book", " keyboard"]]
    junit = Path(outputs["junit"]).read_text()
    assert 'name="journey book: Book a picnic table"' in junit and "gate: keyboard" in junit
    assert (tmp_path / "out" / "journeys.json").is_file()
    from maturity.store import JourneyStore

    stored = JourneyStore(store.engine).of_crawl(done.runs[0].crawl_id)
    assert sorted(j.id for j in stored) == ["book", "find"]
    store.engine.dispose()
    assert secret.encode() not in (tmp_path / "m.db").read_bytes()
    assert (tmp_path / "out" / f"run-{done.runs[0].crawl_id}" / "journeys" / "book" / "step-01.png").is_file()
    tasks = next(d for d in done.cards[0].dimensions if d.id == "tasks")  # run before scoring: scored with it
    assert {c.check_id: c.outcome.value for c in tasks.checks}["task-keyboard"] == "fail"
    for written in [*outputs.values(), tmp_path / "out" / "journeys.json", tmp_path / "out" / "journeys.txt"]:
        assert secret not in Path(written).read_text()


def test_a_journey_on_a_site_not_checked_is_a_config_error(tmp_path):
    config_path = _config(tmp_path, "http://127.0.0.1:9")
    from maturity.run.check import resolve_config, site_journeys

    config, path = resolve_config(str(config_path), tmp_path)
    with pytest.raises(ConfigError, match="not among the URLs checked"):
        site_journeys(config, path, ["http://localhost:9/"], {"MATURITY_SECRET_DATE": "x"})
    with pytest.raises(ConfigError, match="MATURITY_SECRET_DATE"):
        site_journeys(config, path, ["http://127.0.0.1:9/"], {})
    assert sorted(site_journeys(config, path, ["http://127.0.0.1:9/"], {"MATURITY_SECRET_DATE": "x"})) == ["127.0.0.1"]


# -- portfolios ------------------------------------------------------------------


def _portfolio_file(tmp_path: Path, origin: str, journeys: str = "[journeys/find.yaml]") -> Path:
    folder = tmp_path / "journeys"
    folder.mkdir(exist_ok=True)
    (folder / "find.yaml").write_text(FIND.format(origin=origin))
    file = tmp_path / "portfolio.yaml"
    file.write_text(f"agencies:\n  - name: Parks\n    sites:\n      - url: {origin}/\n        journeys: {journeys}\n")
    return file


def test_a_portfolio_site_lists_its_journeys(tmp_path):
    from maturity.core.portfolio import load_portfolio
    from maturity.run.portfolio import check_site_journeys

    p = load_portfolio(_portfolio_file(tmp_path, "http://127.0.0.1:9"))
    assert p.sites[0].journeys == (str(tmp_path / "journeys" / "find.yaml"),)
    check_site_journeys(p)  # valid, and it starts on its site
    with pytest.raises(ConfigError, match=r"agencies\[0\]\.sites\[0\]\.journeys\[0\].*not found"):
        load_portfolio(_portfolio_file(tmp_path, "http://127.0.0.1:9", "[nowhere.yaml]"))
    other = _portfolio_file(tmp_path, "http://127.0.0.1:9")
    other.write_text(other.read_text().replace("127.0.0.1:9/", "127.0.0.1:10/"))
    with pytest.raises(ConfigError, match=r"not on its site http://127\.0\.0\.1:10/"):
        check_site_journeys(load_portfolio(other))


def test_a_distributed_run_with_journeys_is_refused_before_anything_is_queued(tmp_path):
    import dataclasses

    from maturity.core.portfolio import load_portfolio
    from maturity.kernel.errors import UsageError
    from maturity.run.distributed import portfolio_jobs

    p = load_portfolio(_portfolio_file(tmp_path, "http://127.0.0.1:9"))
    plain = dataclasses.replace(p, sites=[dataclasses.replace(s, journeys=()) for s in p.sites])
    assert len(portfolio_jobs(plain, "r1", builtin_rubric())) == 1  # no journeys: queued
    with pytest.raises(UsageError, match=r"has task journeys .*workers do not run journeys yet"):
        portfolio_jobs(p, "r1", builtin_rubric())  # never queued with its journeys left out in silence
    login = tmp_path / "journeys" / "find.yaml"
    login.write_text(login.read_text().replace("steps:", "login: true\nsteps:"))
    with pytest.raises(UsageError, match=r"has a login journey .*find\.yaml.*without --distributed"):
        portfolio_jobs(load_portfolio(tmp_path / "portfolio.yaml"), "r1", builtin_rubric())


@pytest.mark.browser
def test_portfolio_run_runs_a_sites_journeys_after_its_audit(shared_browser, tmp_path):
    from maturity.core.portfolio import load_portfolio
    from maturity.core.settings import AuditSettings
    from maturity.run.portfolio import run_portfolio

    with SiteServer(PAGES) as site:
        p = load_portfolio(_portfolio_file(tmp_path, site.origin))

        def settings(s):
            return AuditSettings(url=s.url, max_pages=2, throttle="none", perf_pages=1, user_agent="t")

        store = Store(f"sqlite:///{tmp_path / 'm.db'}")
        result = run_portfolio(
            p,
            settings,
            store,
            builtin_rubric(),
            tmp_path / "out",
            sites_at_once=1,
            browsers=[shared_browser],
            machine=MachineSettings(loopback_only=True),
        )
    outcome = result.outcomes[0]
    assert outcome.ok and outcome.journeys_error is None
    assert [(j.id, j.outcome) for j in outcome.journeys] == [("find", "completed")]
    assert outcome.report is not None
    assert (Path(outcome.report).parent / "journeys" / "find" / "step-01.png").is_file()
    from maturity.store import JourneyStore

    assert [j.id for j in JourneyStore(store.engine).of_crawl(outcome.crawl_id)] == ["find"]
    _, card = store.latest_scorecard(outcome.crawl_id)
    assert next(d for d in card.dimensions if d.id == "tasks").score is not None  # run before scoring
