"""Attestations: the agency's answers to questions no crawler can answer, and the IDEA Act rubric."""

from __future__ import annotations

import copy
import datetime as dt
from importlib import resources
from pathlib import Path

import pytest
import yaml
from factories import ORIGIN, page, site

from maturity.core.attest import load_attestations, parse_attestations
from maturity.core.model import Outcome, RunInfo
from maturity.core.rubric import builtin_rubric, load_rubric, parse_rubric
from maturity.core.scoring import score
from maturity.kernel.errors import ConfigError
from maturity.run.scoring import rescore
from maturity.store import Store
from reports.html import render_html

IDEA = yaml.safe_load(resources.files("rubrics").joinpath("idea-act.yaml").read_text())
QUESTIONS = [p["question"] for d in IDEA["dimensions"] for p in d["parameters"] if "question" in p]
ATTACHED = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)


def answers(*items: dict, agency: str = "Department of Natural Resources") -> bytes:
    return yaml.safe_dump({"agency": agency, "attestations": list(items)}, sort_keys=False).encode()


def answer(question: str, value: object = True, **over: object) -> dict:
    return {
        "question": question,
        "answer": value,
        "evidence": "https://intranet.example/e",
        "date": "2025-01-10",
        **over,
    }


def attach(data: bytes, **site_over: object):
    return site(attestations=parse_attestations(data, "dnr.yaml", now=ATTACHED).model_dump(), **site_over)


def all_yes() -> bytes:
    return answers(*(answer(q) for q in QUESTIONS))


def results_by_id(card):
    return {r.check_id: r for r in card.all_results()}


# ---------------------------------------------------------------------------
# the file
# ---------------------------------------------------------------------------


def test_a_valid_file_loads_with_its_provenance(tmp_path):
    path = tmp_path / "dnr.yaml"
    path.write_text(
        "agency: Columbia DNR\n"
        "attestations:\n"
        "  - question: analytics-reviewed\n"
        "    answer: yes\n"
        "    evidence: https://intranet.example/review.pdf\n"
        "    date: 2025-02-01\n"
        "    expires: 2026-02-01\n"
        "    by: Jane Doe\n"
        "  - question: usability-testing\n"
        "    answer: 0.5\n"
        "    date: 2025-02-01\n"
    )
    loaded = load_attestations(path, now=ATTACHED)
    assert loaded.agency == "Columbia DNR" and loaded.source == str(path) and len(loaded.sha256) == 64
    first, second = loaded.attestations
    assert first.answer is True and first.expires == "2026-02-01" and first.by == "Jane Doe"
    assert second.answer == 0.5 and second.expires is None and second.evidence == ""
    assert loaded.attached_at == "2025-03-01T12:00:00+00:00"


@pytest.mark.parametrize(
    ("entry", "key", "words"),
    [
        ({"question": "x", "date": "2025-01-01"}, "attestations[0].answer", "missing"),
        ({**answer("x"), "answer": "maybe"}, "attestations[0].answer", "yes or no"),
        ({**answer("x"), "answer": 1.5}, "attestations[0].answer", "0 to 1"),
        ({**answer("x"), "date": "last week"}, "attestations[0].date", "YYYY-MM-DD"),
        ({**answer("x"), "expires": "2024-01-01"}, "attestations[0].expires", "before"),
        ({**answer("x"), "colour": "blue"}, "attestations[0].colour", "unknown key"),
        ({**answer("x"), "question": "Not An Id"}, "attestations[0].question", "lower-case"),
    ],
)
def test_errors_name_the_file_and_key(entry, key, words):
    with pytest.raises(ConfigError) as err:
        parse_attestations(answers(entry), "dnr.yaml")
    assert str(err.value).startswith(f"dnr.yaml: {key}: ") and words in str(err.value)


def test_a_question_answered_twice_is_refused():
    with pytest.raises(ConfigError, match=r"attestations\[1\]: question 'x' is already answered"):
        parse_attestations(answers(answer("x"), answer("x", False)), "dnr.yaml")


def test_junk_files_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_attestations(tmp_path / "missing.yaml")
    with pytest.raises(ConfigError, match="list under 'attestations'"):
        parse_attestations(b"- a list\n", "x.yaml")
    with pytest.raises(ConfigError, match="line"):
        parse_attestations(b"attestations: [\n", "x.yaml")


# ---------------------------------------------------------------------------
# scoring: missing or expired answers are errors (incomplete), never zero
# ---------------------------------------------------------------------------


def test_without_attestations_questions_are_errors_and_dimensions_incomplete():
    card = score(builtin_rubric("idea-act"), [page()], site())
    by_id = results_by_id(card)
    for q in QUESTIONS:
        r = by_id[f"attest/{q}"]
        assert r.outcome == Outcome.ERROR and "no attestation file" in (r.error or "")
    dims = {d.id: d for d in card.dimensions}
    assert dims["user-centered"].incomplete and dims["user-centered"].score is not None  # crawled checks still count
    assert not card.complete
    summary = next(c for c in dims["user-centered"].checks if c.check_id == "attest/analytics-reviewed")
    assert summary.title.startswith("Do you review the site's analytics")


def test_yes_no_and_scores():
    data = answers(answer("analytics-reviewed"), answer("usability-testing", False), answer("transactions-online", 0.8))
    by_id = results_by_id(score(builtin_rubric("idea-act"), [page()], attach(data)))
    assert by_id["attest/analytics-reviewed"].outcome == Outcome.PASS
    assert by_id["attest/analytics-reviewed"].score == 1.0
    assert by_id["attest/usability-testing"].outcome == Outcome.FAIL
    assert by_id["attest/usability-testing"].score == 0.0
    assert by_id["attest/transactions-online"].outcome == Outcome.PASS
    assert by_id["attest/transactions-online"].score == 0.8
    missing = by_id["attest/electronic-signatures"]
    assert missing.outcome == Outcome.ERROR and "does not answer 'electronic-signatures'" in (missing.error or "")
    evidence = by_id["attest/analytics-reviewed"].items[0]
    assert "https://intranet.example/e" in evidence.detail and evidence.snippet.startswith("Do you review")


def test_expiry_is_judged_at_the_crawl_date():
    data = answers(
        answer("analytics-reviewed", expires="2025-02-01"),  # expired a month before the crawl
        answer("usability-testing", date="2023-06-01"),  # no expires: valid_days 365 -> expired 2024-05-31
        answer("transactions-online", date="2024-06-01"),  # within 365 days of the crawl
    )
    by_id = results_by_id(score(builtin_rubric("idea-act"), [page()], attach(data)))
    expired = by_id["attest/analytics-reviewed"]
    assert expired.outcome == Outcome.ERROR and "expired on 2025-02-01" in (expired.error or "")
    assert "expired on 2024-05-31" in (by_id["attest/usability-testing"].error or "")
    assert by_id["attest/transactions-online"].outcome == Outcome.PASS
    # Rescoring the same crawl years later gives the same answer: the reference is the crawl's date.
    later = results_by_id(score(builtin_rubric("idea-act"), [page()], attach(data, crawled_at="2027-01-01T00:00:00")))
    assert later["attest/transactions-online"].outcome == Outcome.ERROR


def test_all_answered_yes_makes_the_idea_rubric_complete():
    card = score(builtin_rubric("idea-act"), [page()], attach(all_yes()))
    assert [d.id for d in card.dimensions] == [
        "accessible",
        "consistent",
        "authoritative",
        "searchable",
        "secure",
        "user-centered",
        "customized",
        "mobile-friendly",
    ]
    errors = [(r.check_id, r.error) for r in card.all_results() if r.outcome == Outcome.ERROR]
    assert errors == []
    # The factories' site does not use USWDS, which this rubric requires.
    consistent = next(d for d in card.dimensions if d.id == "consistent")
    assert next(c for c in consistent.checks if c.check_id == "design-system").outcome == Outcome.FAIL
    assert card.level is not None and card.overall is not None


def test_an_idea_scorecard_renders_with_its_own_dimensions():
    card = score(builtin_rubric("idea-act"), [page()], attach(all_yes()))
    info = RunInfo(crawl_id=1, target_url=f"{ORIGIN}/", started_at="2025-03-01T09:00:00Z")
    html = render_html(info, card)
    for title in ("1. Accessible", "6. User-centered and data-driven", "8. Mobile-friendly"):
        assert title in html
    assert "Do you review the site&#39;s analytics" in html or "Do you review the site's analytics" in html


def test_rescore_attaches_attestations_to_the_stored_crawl(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    crawl_id = store.begin_crawl(f"{ORIGIN}/", settings={}, tool_version="test")
    store.set_site(crawl_id, site(), 1)
    store.add_page(crawl_id, page())
    store.finish_crawl(crawl_id)
    idea = builtin_rubric("idea-act")
    _, before, _ = rescore(store, crawl_id, idea, tmp_path / "out")
    assert not before.complete
    attested = parse_attestations(all_yes(), "dnr.yaml", now=ATTACHED)
    _, after, _ = rescore(store, crawl_id, idea, tmp_path / "out", attestations=attested)
    assert after.complete
    # Stored with the crawl: a later rescoring without the file still sees the answers.
    _, again, _ = rescore(store, crawl_id, idea, tmp_path / "out")
    assert again.complete and store.load_site(crawl_id).attestations == attested


# ---------------------------------------------------------------------------
# rubric validation of questions
# ---------------------------------------------------------------------------


def mutate(fn) -> dict:
    data = copy.deepcopy(IDEA)
    fn(data)
    return data


def user_centered(d: dict) -> list[dict]:
    return next(dim for dim in d["dimensions"] if dim["id"] == "user-centered")["parameters"]


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (lambda d: user_centered(d)[2].pop("text"), "dimensions[5].parameters[2].text", "needs its text"),
        (
            lambda d: user_centered(d)[3].update(question="analytics-reviewed"),
            "parameters[3].question",
            "already asked",
        ),
        (lambda d: user_centered(d)[2].update(question="Bad Id"), "parameters[2].question", "lower-case"),
        (lambda d: user_centered(d)[2].update(check="analytics"), "parameters[2]", "exactly one"),
        (lambda d: user_centered(d)[2].update(params={"x": 1}), "parameters[2].params.x", "pass_score"),
        (lambda d: user_centered(d)[2].update(params={"pass_score": 2}), "params.pass_score", "0 to 1"),
        (lambda d: user_centered(d)[0].update(text="Why?"), "parameters[0].text", "only a 'question'"),
        (lambda d: user_centered(d).append({"check": "attest/foo"}), "parameters[4].check", "question: foo"),
        (
            lambda d: d["dimensions"][2]["parameters"][11]["params"]["links"].update(FOIA={"url": "("}),
            "params.links.FOIA.url",
            "not a valid regular expression",
        ),
        (
            lambda d: d["dimensions"][2]["parameters"][11]["params"]["links"].update(x={"href": "a"}),
            "params.links.x",
            "unknown key 'href'",
        ),
    ],
)
def test_question_and_param_errors_name_the_key(tmp_path, change, key, words):
    path = Path(tmp_path / "idea.yaml")
    path.write_text(yaml.safe_dump(mutate(change)))
    with pytest.raises(ConfigError) as err:
        load_rubric(path)
    assert key in str(err.value) and words in str(err.value), str(err.value)


def test_a_rubric_dimension_may_have_any_id():
    data = copy.deepcopy(IDEA)
    data["dimensions"] = [data["dimensions"][4] | {"id": "trust-and-safety", "title": "Trust"}]
    loaded = parse_rubric(yaml.safe_dump(data).encode(), "one.yaml")
    card = score(loaded, [page()], site())
    assert [d.id for d in card.dimensions] == ["trust-and-safety"] and card.dimensions[0].score == 100.0
