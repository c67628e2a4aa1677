"""accessibility-statement: a linked statement naming WCAG 2.1 AA or later, dated within a year of
the crawl, with at least two ways to report a problem. Sites with and without one."""

from __future__ import annotations

import pytest
from factories import ORIGIN, document, page, site

from maturity.core import checks
from maturity.core.model import Form, FormField, Link, Outcome

CHECK = checks.get("accessibility-statement")
CRAWLED = "2027-01-10T09:00:00+00:00"
GOOD = (
    "Accessibility statement. The City of Augusta wants everyone to be able to use this website. We aim to "
    "meet the Web Content Accessibility Guidelines (WCAG) 2.1 Level AA. If something does not work for you, "
    "email access@augustaga.gov or call (706) 555-0100 (TTY: 711). Last reviewed 2 December 2026."
)


def run(*pages, params: dict | None = None, crawled_at: str = CRAWLED):
    return checks.run_site_check(
        CHECK, list(pages), site(crawled_at=crawled_at), {**CHECK.meta.params, **(params or {})}
    )


def statement(text: str = GOOD, **over) -> object:
    url = f"{ORIGIN}/accessibility"
    return page(url, document=document(url=url, title="Accessibility statement", text=text, **over))


def test_a_complete_current_statement_passes() -> None:
    result = run(page(), statement())
    assert result.outcome == Outcome.PASS, result
    assert "standard 'Web Content Accessibility Guidelines (WCAG) 2.1 Level AA'" in result.items[0].detail
    assert "dated 2026-12-02" in result.items[0].detail and "contact by email, phone" in result.items[0].detail


def test_a_site_without_a_statement_link_fails() -> None:
    home = page(document=document(links=[Link(href=f"{ORIGIN}/contact", text="Contact us")]))
    result = run(home)
    assert result.outcome == Outcome.FAIL and result.score == 0.0
    assert result.items[0].detail == "no sampled page links an accessibility statement"


def test_a_statement_outside_the_sample_is_an_error_not_a_verdict() -> None:
    result = run(page())
    assert result.outcome == Outcome.ERROR
    assert "was not among the audited pages" in (result.error or "")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (GOOD.replace("2.1 Level AA", "2.0 Level AA"), "names no standard of WCAG 2.1 AA or later"),
        (GOOD.replace("(WCAG) 2.1 Level AA", "(WCAG) 2.1 Level A"), "names no standard"),
        (GOOD.replace("2 December 2026", "March 3, 2025"), "is dated 2025-03-03, more than 365 days before the crawl"),
        (GOOD.replace(" Last reviewed 2 December 2026.", ""), "carries no date"),
        (GOOD.replace(" or call (706) 555-0100 (TTY: 711)", ""), "gives 1 way(s) to report a problem, not 2"),
    ],
)
def test_each_missing_part_fails_with_what_is_missing(text: str, problem: str) -> None:
    result = run(page(), statement(text))
    assert result.outcome == Outcome.FAIL
    assert result.score == pytest.approx(2 / 3)
    assert any(problem in item.detail for item in result.items), [i.detail for i in result.items]


def test_dates_in_other_forms_and_a_form_as_a_way_to_report() -> None:
    text = GOOD.replace("2 December 2026", "12/02/2026").replace(" or call (706) 555-0100 (TTY: 711)", "")
    form = Form(action=f"{ORIGIN}/report-a-barrier", fields=[FormField(kind="textarea", name="message")])
    assert run(page(), statement(text, forms=[form])).outcome == Outcome.PASS
    future = GOOD.replace("2 December 2026", "2027-06-01")  # a date after the crawl is not the statement's
    assert "carries no date" in run(page(), statement(future)).items[-1].detail
    stricter = run(page(), statement(), params={"min_contact_ways": 3})
    assert stricter.outcome == Outcome.FAIL and "not 3" in stricter.items[0].detail
    shorter = run(page(), statement(), params={"max_age_days": 30})
    assert shorter.outcome == Outcome.FAIL and "more than 30 days" in shorter.items[0].detail
