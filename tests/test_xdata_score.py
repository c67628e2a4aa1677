"""The customer experience dimension (rubric `cx`): scored from survey figures where they exist,
"not assessed" where they do not, and no change to any score under the existing rubrics (issue 18)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from factories import ORIGIN, page, site
from xdata_fixtures import touchpoints_v2

from maturity.core import checks
from maturity.core.model import Outcome, SurveyFacts, SurveyFigure
from maturity.core.rubric import builtin_rubric, builtin_rubric_names, parse_rubric
from maturity.core.scoring import score
from maturity.kernel.errors import ConfigError, UsageError
from maturity.run.xdata import import_file, score_with_survey
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
    from datetime import datetime

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
