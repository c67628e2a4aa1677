"""The ADA Title II rubric (WCAG 2.1 A/AA only), what a report under it says, and the tracker's
projection. A dated clock is passed in everywhere: nothing here depends on today's date."""

from __future__ import annotations

import datetime as dt
from datetime import date

import pytest
import yaml
from factories import ORIGIN, axe, document, page, site

from maturity.core import title2
from maturity.core.attest import parse_attestations
from maturity.core.rubric import builtin_rubric
from maturity.core.scoring import _plan, score

RUBRIC = builtin_rubric("ada-title-ii")
ATTACHED = dt.datetime(2027, 1, 10, 12, tzinfo=dt.UTC)
QUESTIONS = RUBRIC.rubric.questions


def criteria_of_rubric() -> tuple[list[str], list[str]]:
    """(criteria the automated parameters name, criteria the questions name), in rubric order."""
    automated: list[str] = []
    for dim in RUBRIC.rubric.dimensions:
        for p in dim.parameters:
            if p.axe_tags:
                for tag in p.axe_tags:
                    sc = title2.criterion_of_tag(tag)
                    assert sc is not None, f"{tag} is not a WCAG 2.1 A/AA criterion"
                    automated.append(sc)
            elif p.check in title2.POLICY_CHECKS:
                continue  # practice, not a criterion (the accessibility statement)
            elif p.check:
                assert p.check in title2.OWN_CHECK_CRITERIA, f"{p.check} fails no WCAG 2.1 criterion"
                automated.extend(title2.OWN_CHECK_CRITERIA[p.check])
    asked = [title2.criterion_of_question(q) for q in QUESTIONS]
    assert None not in asked
    return automated, [a for a in asked if a]


def test_every_wcag21_a_and_aa_criterion_is_checked_or_asked_both_only_where_a_check_is_partial() -> None:
    automated, asked = criteria_of_rubric()
    assert len(title2.WCAG21_A_AA) == 50  # 30 at Level A, 20 at AA (W3C WCAG 2.1)
    assert sum(1 for _, level in title2.WCAG21_A_AA.values() if level == "A") == 30
    assert set(automated) | set(asked) == set(title2.WCAG21_A_AA)
    # a bounded browser check finds failures of these, and a person is still asked about them
    assert set(automated) & set(asked) == set(title2.CHECKED_AND_ASKED)
    assert len(asked) == len(set(asked)) == 27
    for dim in RUBRIC.rubric.dimensions:  # one parameter per automated criterion, by its axe tag
        tags = [t for p in dim.parameters for t in p.axe_tags or ()]
        assert len(tags) == len(set(tags))
    assert all(p.valid_days == 365 for d in RUBRIC.rubric.dimensions for p in d.parameters if p.question)


def test_tags_outside_wcag21_a_and_aa_are_not_criteria() -> None:
    assert title2.criterion_of_tag("wcag1410") == "1.4.10"
    assert title2.criterion_of_tag("wcag111") == "1.1.1"
    for tag in ("wcag258", "wcag2411", "wcag146", "wcag2aa", "wcag21aa", "best-practice", "wcag224"):
        assert title2.criterion_of_tag(tag) is None, tag


def test_no_best_practice_aaa_or_22_only_rule_is_scored_and_no_rule_twice() -> None:
    rules = [
        ("image-alt", "pass", None, ["wcag2a", "wcag111"]),
        ("link-name", "violation", "serious", ["wcag2a", "wcag244", "wcag412"]),
        ("area-alt", "pass", None, ["wcag2a", "wcag244", "wcag412"]),
        ("button-name", "pass", None, ["wcag2a", "wcag412"]),
        ("target-size", "violation", "serious", ["wcag22aa", "wcag258"]),  # WCAG 2.2 only
        ("color-contrast-enhanced", "violation", "serious", ["wcag2aaa", "wcag146"]),  # AAA
        ("region", "violation", "moderate", ["cat.keyboard", "best-practice"]),
        ("duplicate-id", "violation", "minor", ["wcag2a-obsolete", "wcag411", "deprecated"]),
    ]
    planned = [check_id for _, check_id, _, _ in _plan(RUBRIC.rubric, [page(axe=axe(*rules))])]
    assert len(planned) == len(set(planned))
    axe_planned = {c for c in planned if c.startswith("axe/")}
    assert axe_planned == {"axe/image-alt", "axe/link-name", "axe/area-alt", "axe/button-name"}


STATEMENT = (
    "Accessibility statement. We aim to meet the Web Content Accessibility Guidelines (WCAG) 2.1 Level AA. "
    "Report a barrier by email to access@agency.example.gov or call 404-555-0100. Updated December 2, 2026."
)
CLEAN_RULES = (  # a page axe-core finds nothing wrong with, in each principle
    ("image-alt", "pass", None, ["wcag2a", "wcag111"]),
    ("bypass", "pass", None, ["wcag2a", "wcag241"]),
    ("html-has-lang", "pass", None, ["wcag2a", "wcag311"]),
    ("button-name", "pass", None, ["wcag2a", "wcag412"]),
)


def answers(value: object = True, *, date_: str = "2027-01-05", expires: str | None = None) -> dict:
    items = []
    for q in QUESTIONS:
        item: dict[str, object] = {"question": q, "answer": value, "date": date_}
        if expires:
            item["expires"] = expires
        items.append(item)
    data = yaml.safe_dump({"agency": "City of Augusta", "attestations": items}).encode()
    return parse_attestations(data, "augusta.yaml", now=ATTACHED).model_dump()


def facts(card, day: date = date(2027, 1, 10)) -> title2.RunFacts:
    return title2.run_facts(card, run=1, site=f"{ORIGIN}/", day=day)


def test_no_automated_failures_is_never_called_conformance() -> None:
    clean = page(axe=axe(*CLEAN_RULES))
    statement = page(
        f"{ORIGIN}/accessibility",
        axe=axe(*CLEAN_RULES),
        document=document(url=f"{ORIGIN}/accessibility", text=STATEMENT),
    )
    card = score(RUBRIC, [clean], site(crawled_at="2027-01-10T09:00:00+00:00"))
    f = facts(card)
    assert f.failures == () and f.needs_review[:3] == ("1.2.1", "1.2.3", "1.2.4")
    sentence = title2.summary_sentence(len(f.failures), f.pages_failing, len(f.needs_review))
    assert sentence == "no automated failures; 27 criteria need manual review"
    assert "conform" not in sentence
    assert card.level is None  # no level until a person has reviewed

    reviewed = score(RUBRIC, [clean, statement], site(crawled_at="2027-01-10T09:00:00+00:00", attestations=answers()))
    assert facts(reviewed).needs_review == () and facts(reviewed).statement == "pass"
    assert reviewed.level == 3
    assert facts(card).statement == "error"  # the statement page was not audited: cannot say
    assert title2.summary_sentence(0, 0, 0) == "no automated failures; every criterion that needs a person is attested"

    # answers past their expiry at the crawl's date need a person again; a "no" does too
    later = site(crawled_at="2027-06-01T09:00:00+00:00", attestations=answers(expires="2027-05-01"))
    assert len(facts(score(RUBRIC, [clean], later)).needs_review) == 27
    said_no = site(crawled_at="2027-01-10T09:00:00+00:00", attestations=answers(False))
    assert len(facts(score(RUBRIC, [clean], said_no)).needs_review) == 27


def test_failures_are_counted_per_page_and_per_criterion() -> None:
    rules = (
        ("link-name", "violation", "serious", ["wcag2a", "wcag244", "wcag412"]),
        ("color-contrast", "violation", "serious", ["wcag2aa", "wcag143"]),
    )
    pages = [page(f"{ORIGIN}/a", axe=axe(*rules)), page(f"{ORIGIN}/b", axe=axe(rules[1]))]
    card = score(RUBRIC, pages, site(crawled_at="2027-01-10T09:00:00+00:00"))
    f = facts(card)
    assert len(f.failures) == 3 and f.pages_failing == 2 and f.pages_assessed == 2
    tags = {r[0]: r[3] for r in rules}
    assert title2.per_criterion(f.failures, tags) == {"1.4.3": (2, 2), "2.4.4": (1, 1), "4.1.2": (1, 1)}
    assert title2.summary_sentence(3, 2, 27) == "3 automated failures on 2 pages; 27 criteria need manual review"


# -- trend and projection -------------------------------------------------------------------------


def d(text: str) -> date:
    return date.fromisoformat(text)


def test_a_steady_pace_projects_a_date_with_a_range() -> None:
    series = [(d("2026-09-01"), 120), (d("2026-10-01"), 95), (d("2026-11-01"), 72), (d("2026-12-01"), 50)]
    p = title2.project(series)
    assert p.status == "on-pace" and p.runs_used == 4
    assert p.pace_per_30_days == pytest.approx(-23.2, abs=0.5)
    assert d("2027-01-30") <= p.zero_on <= d("2027-02-10")
    assert p.earliest is not None and p.latest is not None
    assert p.earliest <= p.zero_on <= p.latest
    assert p.describe().startswith(f"zero by {p.zero_on.isoformat()} (between ")


def test_a_noisy_pace_has_a_wider_range_and_two_runs_have_none() -> None:
    steady = [(d("2026-09-01"), 120), (d("2026-10-01"), 95), (d("2026-11-01"), 72), (d("2026-12-01"), 50)]
    noisy = [(d("2026-09-01"), 120), (d("2026-10-01"), 70), (d("2026-11-01"), 110), (d("2026-12-01"), 50)]
    a, b = title2.project(steady), title2.project(noisy)
    assert b.latest is None or (b.latest - b.earliest) > (a.latest - a.earliest)
    two = title2.project([(d("2026-11-01"), 80), (d("2026-12-01"), 60)])
    assert two.status == "on-pace" and two.zero_on == d("2027-03-01")  # 60 left at 20 a month and two.earliest is None
    assert "2 runs: no spread to estimate" in two.describe()


def test_no_progress_and_done_and_one_run() -> None:
    flat = title2.project([(d("2026-10-01"), 40), (d("2026-11-01"), 41), (d("2026-12-01"), 40)])
    assert flat.status == "no-progress" and flat.zero_on is None and flat.describe().startswith("no progress")
    worse = title2.project([(d("2026-10-01"), 40), (d("2026-12-01"), 60)])
    assert worse.status == "no-progress" and "+9.8 a month" in worse.describe()  # 20 more in 61 days
    assert title2.project([(d("2026-10-01"), 40), (d("2026-12-01"), 0)]).status == "done"
    assert title2.project([(d("2026-12-01"), 40)]).status == "too-few-runs"
    assert title2.project([]).status == "not-measured"


def test_only_the_last_runs_set_the_pace() -> None:
    old_then_stuck = [(d("2026-01-01"), 500), (d("2026-02-01"), 300), (d("2026-03-01"), 100)] + [
        (d(f"2026-{m:02d}-01"), 100) for m in range(4, 9)
    ]
    assert title2.project(old_then_stuck).status == "no-progress"  # the last five runs did not move


def test_an_entity_series_sums_its_sites_from_when_all_were_measured() -> None:
    combined = title2.combine(
        {
            "a": [(d("2026-09-01"), 10), (d("2026-10-01"), 8), (d("2026-11-01"), 6)],
            "b": [(d("2026-10-03"), 30), (d("2026-11-02"), 20)],
        }
    )
    assert combined == [(d("2026-10-03"), 38), (d("2026-11-01"), 36), (d("2026-11-02"), 26)]
