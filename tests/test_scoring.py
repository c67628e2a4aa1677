"""Scoring: weighted means, incomplete dimensions, not-assessable pages and level thresholds."""

from __future__ import annotations

import pytest
import yaml
from factories import ORIGIN, axe, document, mobile, page, perf, site

from maturity.core.model import Outcome, PageArtifacts
from maturity.core.rubric import builtin_rubric, parse_rubric
from maturity.core.scoring import fingerprint, score

SMALL = {
    "id": "small",
    "version": "1",
    "title": "Small test rubric",
    "levels": [
        {"level": 1, "name": "Initial", "min_score": 0},
        {"level": 2, "name": "Developing", "min_score": 50, "min_dimension": 40},
        {"level": 3, "name": "Defined", "min_score": 80, "min_dimension": 70},
    ],
    "dimensions": [
        {
            "id": "content",
            "title": "Content",
            "weight": 1,
            "goal": "Clear?",
            "parameters": [{"check": "document-title", "weight": 1}, {"check": "html-lang", "weight": 3}],
            "next_steps": {3: "Declare the language on every page."},
        },
        {
            "id": "mobile",
            "title": "Mobile",
            "weight": 1,
            "goal": "Phones?",
            "parameters": [{"check": "viewport", "weight": 1}, {"check": "horizontal-overflow", "weight": 1}],
        },
    ],
}


def rubric(data=SMALL):
    return parse_rubric(yaml.safe_dump(data).encode(), "small.yaml")


def dim(card, dim_id):
    return next(d for d in card.dimensions if d.id == dim_id)


def test_all_pass_reaches_top_level():
    card = score(rubric(), [page(), page(f"{ORIGIN}/b")], site())
    assert card.overall == 100.0
    assert card.level == 3 and card.level_name == "Defined"
    assert card.complete and card.next_level is None


def test_weights_are_applied():
    pages = [page(document=document(lang=None))]  # html-lang (weight 3) fails, title (1) passes
    card = score(rubric(), pages, site())
    assert dim(card, "content").score == 25.0
    assert dim(card, "mobile").score == 100.0
    assert card.overall == 62.5


def test_page_scores_average_across_pages():
    pages = [page(document=document(lang=None)), page(f"{ORIGIN}/b")]
    card = score(rubric(), pages, site())
    lang = next(c for c in dim(card, "content").checks if c.check_id == "html-lang")
    assert (lang.passed, lang.failed, lang.score) == (1, 1, 0.5)
    assert lang.outcome == Outcome.FAIL


def test_level_needs_every_dimension_minimum_and_names_the_gap():
    # Content 25 is under level 2's dimension minimum (40) although the overall 62.5 is above 50.
    card = score(rubric(), [page(document=document(lang=None))], site())
    assert card.level == 1
    nxt = card.next_level
    assert nxt is not None and nxt.level == 2
    assert [(g.dimension, g.have, g.need) for g in nxt.gaps] == [("content", 25.0, 40)]


def test_next_steps_name_the_dimensions_that_fall_short():
    data = yaml.safe_load(yaml.safe_dump(SMALL))
    data["dimensions"][1]["next_steps"] = {3: "Fix the layout."}
    card = score(rubric(data), [page(document=document(lang=None), mobile=mobile(scroll_width=900))], site())
    assert card.level == 1
    assert card.next_level is not None and set(card.next_level.next_steps) == set()  # no level-2 advice written
    ok = score(rubric(data), [page(), page(f"{ORIGIN}/b", document=document(lang=None))], site())
    # content 62.5 is short of level 3's 70; mobile is not: only content's advice is given
    assert ok.level == 2 and ok.next_level is not None
    assert ok.next_level.next_steps == {"content": "Declare the language on every page."}


def test_error_marks_dimension_incomplete_not_zero():
    broken = PageArtifacts(
        url=f"{ORIGIN}/", artifacts={"document": document(), "mobile": {"error": "renderer crashed"}}
    )
    card = score(rubric(), [broken], site())
    mob = dim(card, "mobile")
    # viewport passes (it reads the document); overflow errors and is left out, not counted as 0
    assert mob.incomplete and mob.score == 100.0
    overflow = next(c for c in mob.checks if c.check_id == "horizontal-overflow")
    assert overflow.outcome == Outcome.ERROR and overflow.score is None
    assert "renderer crashed" in overflow.error_messages[0]


def test_partial_error_scores_what_was_measured_and_flags_it():
    pages = [page(), page(f"{ORIGIN}/b", mobile={"error": "timed out", "kind": "timeout"})]
    card = score(rubric(), pages, site())
    mob = dim(card, "mobile")
    overflow = next(c for c in mob.checks if c.check_id == "horizontal-overflow")
    assert overflow.errors == 1 and overflow.passed == 1 and overflow.score == 1.0
    assert mob.incomplete and mob.score == 100.0
    assert not card.complete


def test_dimension_with_only_errors_has_no_score_and_no_level():
    pages = [PageArtifacts(url=f"{ORIGIN}/", artifacts={"document": document()})]  # no mobile artifact
    data = yaml.safe_load(yaml.safe_dump(SMALL))
    data["dimensions"][1]["parameters"] = [{"check": "horizontal-overflow"}]
    card = score(rubric(data), pages, site())
    assert dim(card, "mobile").score is None
    assert card.level is None and card.level_name is None
    assert card.overall == 100.0  # from what could be measured, and flagged incomplete
    assert not card.complete


def test_not_assessable_pages_do_not_count():
    down = PageArtifacts(url=f"{ORIGIN}/down", status="not_assessable", reason="HTTP 500")
    card = score(rubric(), [page(), down], site())
    assert card.overall == 100.0
    assert [(p.url, p.status, p.reason) for p in card.pages if p.status != "ok"] == [
        (f"{ORIGIN}/down", "not_assessable", "HTTP 500")
    ]
    assert all(r.url != f"{ORIGIN}/down" for r in card.all_results())


def test_site_of_only_unassessable_pages_has_no_level():
    down = PageArtifacts(url=f"{ORIGIN}/", status="not_assessable", reason="HTTP 503")
    card = score(rubric(), [down], site())
    assert card.overall is None and card.level is None


def test_axe_tags_expand_and_weight_by_impact():
    data = yaml.safe_load(yaml.safe_dump(SMALL))
    data["dimensions"].append(
        {"id": "accessibility", "title": "A11y", "weight": 1, "goal": "All?", "parameters": [{"axe_tags": ["wcag2a"]}]}
    )
    p = page(
        axe=axe(
            ("image-alt", "violation", "critical", ["wcag2a"]),
            ("label", "pass", None, ["wcag2a"]),
            ("region", "violation", "moderate", ["best-practice"]),
        )
    )
    card = score(rubric(data), [p], site())
    a11y = dim(card, "accessibility")
    ids = {c.check_id: c for c in a11y.checks}
    assert set(ids) == {"axe/image-alt", "axe/label"}  # best-practice rule not selected
    assert ids["axe/image-alt"].weight == 10 and ids["axe/label"].weight == 3
    assert a11y.score == pytest.approx(100 * 3 / 13, abs=0.1)
    assert any(f.check_id == "axe/image-alt" and f.selector == "img" for f in card.findings)


def test_findings_have_stable_fingerprints():
    pages = [page(mobile=mobile(scroll_width=1000))]
    a = score(rubric(), pages, site()).findings
    b = score(rubric(), pages, site()).findings
    assert [f.fingerprint for f in a] == [f.fingerprint for f in b]
    assert fingerprint("x", f"{ORIGIN}/a#frag", "", "s") == fingerprint("x", f"{ORIGIN}/a", "", "s")


def test_scorecard_records_rubric_identity():
    loaded = rubric()
    card = score(loaded, [page()], site())
    assert (card.rubric.id, card.rubric.version, card.rubric.sha256) == ("small", "1", loaded.sha256)


def test_default_rubric_scores_a_clean_page_highly():
    card = score(builtin_rubric(), [page(performance=perf(profile="mobile"))], site())
    assert card.level is not None and card.level >= 4, [(d.id, d.score) for d in card.dimensions]


def test_scoring_validates_each_artifact_once_per_page_and_lets_go(monkeypatch):
    from maturity.core.model import DocumentFacts

    pages = [page(f"{ORIGIN}/{i}") for i in range(3)]
    calls = []
    real = DocumentFacts.model_validate.__func__

    def counting(cls, raw, *a, **k):
        calls.append(raw["url"])
        return real(cls, raw, *a, **k)

    monkeypatch.setattr(DocumentFacts, "model_validate", classmethod(counting))
    card = score(builtin_rubric(), pages, site())
    assert card.overall is not None
    # the default rubric has a dozen page checks and several site checks reading the document;
    # each page's document becomes a model once, for its page checks and the site checks' summaries
    assert sorted(calls) == sorted(p.artifacts["document"]["url"] for p in pages)
    assert all(not p._typed for p in pages)  # and the models are let go


def test_a_kept_artifact_model_is_not_reused_for_a_copy_with_other_artifacts():
    first = page(f"{ORIGIN}/a")
    assert first.get("document") is first.get("document")
    other = document(url=f"{ORIGIN}/b")
    copy = first.model_copy(update={"artifacts": {**first.artifacts, "document": other}})
    assert copy.get("document").url == f"{ORIGIN}/b"
    assert first.get("document").url == f"{ORIGIN}/a"
    first.release()
    assert not first._typed


def test_the_reason_for_a_level_names_what_held_it_back():
    from maturity.core.explain import level_reason

    held = score(rubric(), [page(document=document(lang=None))], site())
    assert level_reason(held) == "Level 1, not 2 (Developing), because of Content 25 (needs 40)."
    top = score(rubric(), [page()], site())
    assert level_reason(top) == "Level 3 is the top of this rubric's ladder."
    data = yaml.safe_load(yaml.safe_dump(SMALL))
    data["dimensions"][1]["parameters"] = [{"check": "horizontal-overflow"}]
    none = score(rubric(data), [PageArtifacts(url=f"{ORIGIN}/", artifacts={"document": document()})], site())
    assert level_reason(none).startswith("No level: Mobile has no score")


def test_dimension_whose_checks_mostly_errored_is_not_assessed_never_100():
    # viewport reads the document and passes; overflow and text size need the mobile facts, which
    # errored: two thirds of the weight could not run, so the one pass must not make it "100".
    broken = PageArtifacts(url=f"{ORIGIN}/", artifacts={"document": document(), "mobile": {"error": "crashed"}})
    data = yaml.safe_load(yaml.safe_dump(SMALL))
    data["dimensions"][1]["parameters"] = [
        {"check": "viewport", "weight": 1},
        {"check": "horizontal-overflow", "weight": 1},
        {"check": "text-size", "weight": 1},
    ]
    card = score(rubric(data), [broken], site())
    mob = dim(card, "mobile")
    assert mob.score is None and mob.incomplete
    assert card.overall == dim(card, "content").score  # left out of the overall, not counted as 0
    assert not card.complete and card.level is None


def test_dimension_with_half_its_weight_errored_is_still_scored():
    # exactly half could not run: not "more than half", so scored on what ran and flagged
    broken = PageArtifacts(url=f"{ORIGIN}/", artifacts={"document": document(), "mobile": {"error": "crashed"}})
    data = yaml.safe_load(yaml.safe_dump(SMALL))
    data["dimensions"][1]["parameters"] = [
        {"check": "viewport", "weight": 2},
        {"check": "horizontal-overflow", "weight": 1},
        {"check": "text-size", "weight": 1},
    ]
    mob = dim(score(rubric(data), [broken], site()), "mobile")
    assert mob.score == 100.0 and mob.incomplete


def test_check_errored_on_most_pages_counts_as_mostly_not_run():
    pages = [page(f"{ORIGIN}/{i}", mobile={"error": "timed out"}) for i in range(3)] + [page()]
    data = yaml.safe_load(yaml.safe_dump(SMALL))
    data["dimensions"][1]["parameters"] = [{"check": "horizontal-overflow", "weight": 1}]
    mob = dim(score(rubric(data), pages, site()), "mobile")
    assert mob.score is None and mob.incomplete


def test_axe_findings_carry_axe_own_title_help_page_and_description():
    from crawlers.mapping import map_axe

    raw = {
        "testEngine": {"version": "4.12.1"},
        "violations": [
            {
                "id": "image-alt",
                "impact": "critical",
                "tags": ["wcag2a"],
                "help": "Images must have alternative text",
                "helpUrl": "https://dequeuniversity.com/rules/axe/4.12/image-alt?application=axeAPI",
                "description": "Ensure <img> elements have alternative text or a role of none or presentation",
                "nodes": [{"target": ["img.logo"], "html": "<img src=logo.png>", "failureSummary": "Fix any of: ..."}],
            }
        ],
    }
    facts = map_axe(raw, "4.12.1")
    assert facts.rules[0].description.startswith("Ensure <img> elements")
    card = score(builtin_rubric(), [page(axe=facts.model_dump(mode="json"))], site())
    finding = next(f for f in card.findings if f.check_id == "axe/image-alt")
    assert finding.title == "Images must have alternative text"
    assert finding.help_url.startswith("https://dequeuniversity.com/rules/axe/4.12/image-alt")
    summary = next(c for d in card.dimensions for c in d.checks if c.check_id == "axe/image-alt")
    assert summary.failure_title == summary.title == "Images must have alternative text"
    assert summary.description.startswith("Ensure <img> elements have alternative text")
    assert "axe-core rule" not in summary.title + finding.title


def test_one_page_whose_axe_run_failed_does_not_blank_accessibility():
    """axe errored on 1 page of 4: rules it found nothing to check on elsewhere count as run there,
    so accessibility is scored (incomplete), not 'not assessed'."""
    data = yaml.safe_load(yaml.safe_dump(SMALL))
    data["dimensions"].append(
        {"id": "accessibility", "title": "A11y", "weight": 1, "goal": "All?", "parameters": [{"axe_tags": ["wcag2a"]}]}
    )
    rules = axe(("image-alt", "inapplicable", None, ["wcag2a"]), ("label", "pass", None, ["wcag2a"]))
    pages = [page(f"{ORIGIN}/{i}", axe=rules) for i in range(3)]
    pages.append(page(f"{ORIGIN}/3", axe={"error": "axe-core did not finish in 30 s", "kind": "timeout"}))
    a11y = dim(score(rubric(data), pages, site()), "accessibility")
    assert a11y.score == 100.0 and a11y.incomplete


CAPPED = {
    "id": "capped",
    "version": "1",
    "title": "Capped",
    "levels": [{"level": 1, "name": "Initial", "min_score": 0}, {"level": 2, "name": "Managed", "min_score": 70}],
    "dimensions": [
        {
            "id": "accessibility",
            "title": "Accessibility",
            "weight": 1,
            "goal": "?",
            "parameters": [{"axe_tags": ["wcag2a"]}, {"check": "html-lang", "weight": 20}],
            "caps": {"critical": 69, "serious": 79},
        }
    ],
}


def test_a_critical_failure_caps_the_dimension_however_much_else_passes():
    rubric_ = rubric(CAPPED)
    clean = [page(f"{ORIGIN}/{i}") for i in range(10)]
    assert score(rubric_, clean, site()).overall == 100.0
    one_bad = [*clean[:9], page(f"{ORIGIN}/9", axe=axe(("image-alt", "violation", "critical", ["wcag2a"])))]
    uncapped = score(rubric(dict(CAPPED, dimensions=[{**CAPPED["dimensions"][0], "caps": {}}])), one_bad, site())
    assert uncapped.overall is not None and uncapped.overall > 90  # the mean hides it
    card = score(rubric_, one_bad, site())
    dim_ = card.dimensions[0]
    assert dim_.score == 69.0 and dim_.capped == "capped at 69: critical failures on 1 of 10 pages"
    assert card.level == 1  # not "Managed" with a critical barrier
    serious = [*clean[:9], page(f"{ORIGIN}/9", axe=axe(("image-alt", "violation", "serious", ["wcag2a"])))]
    assert score(rubric_, serious, site()).dimensions[0].score == 79.0


def test_a_cap_can_need_a_share_of_pages():
    data = dict(CAPPED, dimensions=[{**CAPPED["dimensions"][0], "cap_share": 0.2}])
    clean = [page(f"{ORIGIN}/{i}") for i in range(10)]
    one_bad = [*clean[:9], page(f"{ORIGIN}/9", axe=axe(("image-alt", "violation", "critical", ["wcag2a"])))]
    card = score(rubric(data), one_bad, site())
    assert card.dimensions[0].capped == "" and card.dimensions[0].score is not None and card.dimensions[0].score > 69


def test_caps_out_of_range_are_refused_with_their_key():
    from maturity.kernel.errors import ConfigError

    bad = dict(CAPPED, dimensions=[{**CAPPED["dimensions"][0], "caps": {"critical": 169}}])
    with pytest.raises(ConfigError, match="caps"):
        rubric(bad)


def test_an_optional_dimension_without_data_holds_no_level_back_and_counts_once_it_has_some():
    from maturity.core.model import SurveyFacts, SurveyFigure

    card = score(builtin_rubric(), [page(), page(f"{ORIGIN}/b")], site())
    cx = next(d for d in card.dimensions if d.id == "customer-experience")
    assert cx.score is None and cx.optional and not cx.incomplete
    assert card.complete and card.level is not None  # before: no level for any site without survey data
    figures = [SurveyFigure(service="renew", fiscal_year=2025, quarter=1, measure="trust", kind="thumbs", n=400,
                            share=0.5, low=0.45, high=0.55)]  # fmt: skip
    with_survey = score(
        builtin_rubric(), [page(), page(f"{ORIGIN}/b")], site(survey=SurveyFacts(agency="A", figures=figures))
    )
    cx = next(d for d in with_survey.dimensions if d.id == "customer-experience")
    assert cx.score is not None and with_survey.overall is not None and card.overall is not None
    assert with_survey.overall < card.overall  # 50 % trust, below the 75 % mark, now counts


def test_the_tasks_dimension_is_not_assessed_without_journeys_and_scored_from_them():
    from journey_results import journey_result as jr

    pages = [page(), page(f"{ORIGIN}/b")]
    card = score(builtin_rubric(), pages, site())
    tasks = next(d for d in card.dimensions if d.id == "tasks")
    assert tasks.score is None and tasks.optional and not tasks.incomplete  # not assessed, never 0
    assert card.complete and card.level is not None
    assert {c.outcome for c in tasks.checks} == {Outcome.NOT_APPLICABLE}
    assert all("tasks" not in (g.dimension or "") for g in (card.next_level.gaps if card.next_level else []))

    good = score(builtin_rubric(), pages, site(journeys=[jr(), jr(ident="apply")]))
    tasks = next(d for d in good.dimensions if d.id == "tasks")
    assert tasks.score == 100 and good.level == card.level

    mouse_only = jr(ident="apply", keyboard="failed", violations={2: {"label": 1}})
    bad = score(builtin_rubric(), pages, site(journeys=[jr(), mouse_only, jr(ident="pay", fail_at=2)]))
    tasks = next(d for d in bad.dimensions if d.id == "tasks")
    by_id = {c.check_id: c for c in tasks.checks}
    assert by_id["task-completion"].outcome == Outcome.FAIL and by_id["task-keyboard"].outcome == Outcome.FAIL
    # completion 2/3 (weight 5), keyboard 2/3 (3), states clean (1 + 3/4 + 1)/3 (3), time, steps, fields 1 (2, 1, 1)
    expected = (5 * 2 / 3 + 3 * 2 / 3 + 3 * (2.75 / 3) + 2 + 1 + 1) / 15
    assert tasks.score == pytest.approx(100 * expected, abs=0.1)
    assert bad.overall is not None and card.overall is not None and bad.overall < card.overall
    found = {(f.check_id, f.snippet) for f in bad.findings if f.dimension == "tasks"}
    assert ("task-keyboard", "journey apply") in found and ("task-completion", "journey pay, step 2") in found


def test_the_default_rubric_version_moved_with_the_tasks_dimension():
    r = builtin_rubric().rubric
    assert r.version == "1.3.0"
    tasks = next(d for d in r.dimensions if d.id == "tasks")
    assert tasks.optional and tasks.collection == "journeys"
    assert {p.check for p in tasks.parameters} == {
        "task-completion", "task-keyboard", "task-steps", "task-time", "task-accessibility", "task-form-burden",
    }  # fmt: skip
