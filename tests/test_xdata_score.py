"""The customer experience dimension (rubric `cx`): scored from survey figures where they exist,
"not assessed" where they do not, and no change to any score under the existing rubrics (issue 18)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from factories import ORIGIN, page, site
from xdata_fixtures import touchpoints_v2

from maturity.core import checks
from maturity.core.model import Outcome, SurveyFacts, SurveyFigure
from maturity.core.portfolio import PortfolioService
from maturity.core.rubric import LoadedRubric, builtin_rubric, builtin_rubric_names, parse_rubric
from maturity.core.scoring import score
from maturity.kernel.errors import ConfigError, UsageError
from maturity.run.xdata import import_file, score_with_survey, survey_for_run
from maturity.store import Store

AGENCY = "Columbia Licence Office"


def _figure(service: str, measure: str, share: float | None, n: int, quarter: int = 1, kind: str = "thumbs"):
    return SurveyFigure(
        service=service, fiscal_year=2025, quarter=quarter, measure=measure, kind=kind, n=n, share=share
    )


def _survey(*figures: SurveyFigure) -> SurveyFacts:
    return SurveyFacts(agency=AGENCY, attached_at="2025-04-01T00:00:00+00:00", figures=list(figures))


def _dimension(card, dim_id="customer-experience"):
    return next(d for d in card.dimensions if d.id == dim_id)


def test_the_cx_rubric_is_shipped_and_valid():
    assert "cx" in builtin_rubric_names()
    rubric = builtin_rubric("cx").rubric
    assert [d.collection for d in rubric.dimensions] == ["survey"]
    assert checks.exists("survey/trust") and not checks.exists("survey/mood")
    bad = "id: x\nversion: '1'\ntitle: x\n"
    bad += "levels: [{level: 1, name: a, min_score: 0}, {level: 2, name: b, min_score: 50}]\n"
    bad += "dimensions: [{id: cx, title: CX, weight: 1, goal: g, parameters: [{check: survey/mood}]}]\n"
    with pytest.raises(ConfigError, match="unknown check 'survey/mood'"):
        parse_rubric(bad.encode(), "x.yaml")


def test_without_survey_data_the_dimension_is_not_assessed_never_zero():
    card = score(builtin_rubric("cx"), [page()], site())
    dim = _dimension(card)
    assert dim.score is None and dim.incomplete
    assert card.level is None  # no level from nothing
    assert {s.outcome for s in dim.checks} == {Outcome.NOT_APPLICABLE}
    only_small = site(survey=_survey(_figure("renew", "trust", None, 27)).model_dump())
    assert _dimension(score(builtin_rubric("cx"), [page()], only_small)).score is None  # n < 30 is never scored


def test_survey_figures_score_the_dimension():
    facts = _survey(
        _figure("renew", "trust", 0.70, 40, quarter=1),  # older quarter: the newest counts
        _figure("renew", "trust", 0.80, 412, quarter=2),
        _figure("road-test", "trust", 0.60, 100, quarter=2),
        _figure("renew", "trust", None, 12, quarter=3),  # newer but insufficient: not used
        _figure("renew", "ease", 0.70, 100, kind="likert"),
        _figure("renew", "ease", 0.90, 331, kind="went_well"),  # a v2 checkbox share: not scored
    )
    card = score(builtin_rubric("cx"), [page()], site(survey=facts.model_dump()))
    dim = _dimension(card)
    by = {s.check_id: s for s in dim.checks}
    # trust: renew 0.80 >= 0.75 earns 1; road-test 0.60 earns 0.60 / 0.75 = 0.8; mean 0.9 (fails: one below)
    assert by["survey/trust"].outcome == Outcome.FAIL and by["survey/trust"].score == pytest.approx(0.9)
    # ease: 0.70 / 0.75 = 0.93333
    assert by["survey/ease"].score == pytest.approx(0.70 / 0.75)
    assert by["survey/efficiency"].outcome == Outcome.NOT_APPLICABLE
    # weights: trust 5, ease 1 (the others do not apply): (5 · 0.9 + 0.93333) / 6 = 0.90556
    assert dim.score == pytest.approx(90.6, abs=0.05)
    assert card.level == 4  # 90.6 >= 90


def test_the_check_dimensions_score_the_same_with_survey_figures_attached():
    """idea-act has no survey dimension: nothing moves. The default rubric's optional customer-experience
    dimension counts once figures are attached, and leaves every other dimension as it was."""
    pages = [page(), page(f"{ORIGIN}/b")]
    facts = _survey(_figure("renew", "trust", 0.2, 400))
    idea = builtin_rubric("idea-act")
    plain, attached = score(idea, pages, site()), score(idea, pages, site(survey=facts.model_dump()))
    assert attached.overall == plain.overall and attached.level == plain.level
    assert not any(r.check_id.startswith("survey/") for r in attached.all_results())
    default = builtin_rubric("default")
    plain, attached = score(default, pages, site()), score(default, pages, site(survey=facts.model_dump()))
    others = [(d.id, d.score) for d in plain.dimensions if d.id != "customer-experience"]
    assert [(d.id, d.score) for d in attached.dimensions if d.id != "customer-experience"] == others
    assert _dimension(plain).score is None and _dimension(attached).score is not None
    assert plain.level is not None  # no survey data holds no level back


def test_xdata_score_attaches_the_agencys_figures_to_a_stored_run(tmp_path):
    db = f"sqlite:///{tmp_path / 'm.db'}"
    store = Store(db)
    crawl_id = store.begin_crawl(f"{ORIGIN}/", settings={}, tool_version="t")
    store.set_site(crawl_id, site(), 1)
    store.add_page(crawl_id, page())
    store.finish_crawl(crawl_id)
    with pytest.raises(UsageError, match="give --agency"):
        score_with_survey(store, crawl_id, builtin_rubric("cx"), tmp_path / "out")
    responses = tmp_path / "r.csv"
    responses.write_text(touchpoints_v2([(datetime(2024, 10, 1), 100, 80, 0, 0)]), encoding="utf-8")
    import_file(store, responses, agency=AGENCY, service="renew")
    args = ["xdata", "score", str(crawl_id), "--agency", AGENCY, "--db", db, "--out", str(tmp_path / "out")]
    done = subprocess.run(
        [sys.executable, "-m", "maturity", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    # trust, and effectiveness and "other" as went-well and went-badly shares; the 20 thumbs-down are too few
    assert f"attached 5 survey figures of {AGENCY} (3 with 30 responses or more)" in done.stdout
    attached = store.load_site(crawl_id).survey
    assert attached is not None and attached.agency == AGENCY
    card = store.latest_scorecard(crawl_id)[1]
    assert card.rubric.id == "cx" and _dimension(card).score == 100.0  # 80 % trust against a 75 % mark
    assert Path(tmp_path / "out").exists()


# ---------------------------------------------------------------------------
# Every scored run carries its agency's figures, up to its own date (issue 18)
# ---------------------------------------------------------------------------


def _cx_with(trust_params: str) -> LoadedRubric:
    text = (Path(__file__).parent.parent / "rubrics" / "cx.yaml").read_text(encoding="utf-8")
    old = "{check: survey/trust, weight: 5, params: {min_share: 0.75}}"
    assert old in text
    return parse_rubric(text.replace(old, f"{{check: survey/trust, weight: 5, params: {trust_params}}}").encode(), "x")


def test_a_run_is_scored_with_the_latest_complete_quarter_on_its_date():
    """The run date 2025-03-01 is in FY2025 Q2 (January-March 2025): the newest complete quarter is
    FY2025 Q1, so Q1's 80 % counts, not Q2's 20 % (under way that day), unless the rubric says current."""
    facts = SurveyFacts(
        agency=AGENCY,
        as_of="2025-03-01",
        figures=[_figure("renew", "trust", 0.80, 100, quarter=1), _figure("renew", "trust", 0.20, 100, quarter=2)],
    )
    card = score(builtin_rubric("cx"), [page()], site(survey=facts.model_dump()))
    trust = next(r for r in card.results if r.check_id == "survey/trust")
    assert trust.outcome == Outcome.PASS and trust.items[0].value == pytest.approx(0.80)
    assert "FY2025 Q1" in trust.items[0].detail and "latest complete quarter" in trust.items[0].detail
    assert "up to FY2025 Q1 (latest complete quarter on the run date 2025-03-01)" in card.survey
    assert "renew FY2025 Q1 (n 100)" in card.survey
    current = score(_cx_with("{min_share: 0.75, quarter: current}"), [page()], site(survey=facts.model_dump()))
    trust = next(r for r in current.results if r.check_id == "survey/trust")
    assert trust.outcome == Outcome.FAIL and trust.score == pytest.approx(0.20 / 0.75)
    assert "renew FY2025 Q2 (n 100)" in current.survey and "the run date's own quarter" in current.survey
    # a run dated in FY2025 Q1 has no complete quarter with figures: not assessed, never 0
    early = facts.model_copy(update={"as_of": "2024-11-15"})
    dim = _dimension(score(builtin_rubric("cx"), [page()], site(survey=early.model_dump())))
    assert dim.score is None
    with pytest.raises(ConfigError, match="quarter"):
        _cx_with("{min_share: 0.75, quarter: latest}")


def test_the_scorecard_says_when_no_survey_results_are_imported():
    card = score(builtin_rubric("default"), [page()], site())
    assert "no survey results are imported" in card.survey and _dimension(card).score is None
    assert score(builtin_rubric("idea-act"), [page()], site()).survey == ""  # no survey dimension: nothing said


def test_a_run_carries_its_agencys_figures_up_to_its_date(tmp_path):
    """Store level: what a new run (an audit, a portfolio run's audit) attaches before it is scored."""
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    responses = tmp_path / "r.csv"
    # FY2025 Q1 (October 2024): 80 of 100 up; FY2025 Q3 (April 2025): after the run date 2025-03-01
    responses.write_text(
        touchpoints_v2([(datetime(2024, 10, 1), 100, 80, 0, 0), (datetime(2025, 4, 1), 100, 10, 0, 0)]),
        encoding="utf-8",
    )
    import_file(store, responses, agency=AGENCY, service="renew")
    assert survey_for_run(store, site(), None) is None  # a plain audit of a site no portfolio run tagged
    assert survey_for_run(store, site(), "Another Agency") is None  # an agency without survey results
    facts = survey_for_run(store, site(), AGENCY)
    assert facts is not None and facts.as_of == "2025-03-01" and facts.scope == "agency"
    assert {(f.fiscal_year, f.quarter) for f in facts.figures} == {(2025, 1)}  # Q3 began after the run date
    # a plain audit without --agency: the agency of the site's newest portfolio run
    tagged = store.begin_crawl(f"{ORIGIN}/", settings={}, tool_version="t")
    store.set_membership(tagged, agency=AGENCY, portfolio="p")
    found = survey_for_run(store, site(), None)
    assert found is not None and found.agency == AGENCY
    # the portfolio's services: a site delivering "renew" carries only renew's figures
    services = [
        PortfolioService(agency=AGENCY, id="renew", name="Renew a licence", urls=(f"{ORIGIN}/renew",)),
        PortfolioService(agency=AGENCY, id="road-test", name="Book a road test", urls=("https://other.example/",)),
    ]
    mine = survey_for_run(store, site(), AGENCY, services=services)
    assert mine is not None and mine.scope == "site"
    assert [(s.id, s.here) for s in mine.services] == [("renew", True), ("road-test", False)]
    card = score(builtin_rubric("default"), [page()], site(survey=mine.model_dump()))
    assert _dimension(card).score == 100.0  # 80 % trust in FY2025 Q1 against the 75 % mark
    assert "services delivered on this site: Renew a licence" in card.survey
    # a site that delivers none of the listed services carries every service's figures
    unlisted = survey_for_run(store, site(), AGENCY, services=services[1:])
    assert unlisted is not None and unlisted.scope == "agency" and {f.service for f in unlisted.figures} == {"renew"}
    # a site that delivers only a service without survey results: not assessed, never 0
    road = [PortfolioService(agency=AGENCY, id="road-test", name="Book a road test", urls=(f"{ORIGIN}/",))]
    bare = survey_for_run(store, site(), AGENCY, services=road)
    assert bare is not None and bare.scope == "site" and bare.figures == []
    assert _dimension(score(builtin_rubric("default"), [page()], site(survey=bare.model_dump()))).score is None
