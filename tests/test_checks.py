"""Every built-in check against a page with the barrier (fails) and a clean page (passes)."""

from __future__ import annotations

import pytest
from factories import ORIGIN, axe, document, http, mobile, network, page, perf, site

from maturity import checks
from maturity.checks.performance._metric import log_normal_score
from maturity.model import Heading, Link, Outcome, PageArtifacts, TapTarget


def run(check_id: str, pages: list[PageArtifacts] | PageArtifacts, site_facts=None, params=None):
    c = checks.get(check_id)
    pages = pages if isinstance(pages, list) else [pages]
    site_facts = site_facts or site()
    if c.meta.scope == "site":
        return checks.run_site_check(c, pages, site_facts, params or {})
    return checks.run_page_check(c, pages[0], site_facts, params or {})


DENSE = (
    "Notwithstanding the aforementioned administrative determinations, applicants seeking authorization "
    "for recreational harvesting activities must demonstrate comprehensive compliance with applicable "
    "jurisdictional regulatory requirements, including documentation substantiating residency "
    "qualifications and environmental stewardship certifications. "
) * 5

# (check id, barrier page(s) or site, clean page(s) or site)
CASES = {
    "skip-link": (page(document=document(skip_link=None)), page()),
    "vague-link-text": (
        page(document=document(links=[Link(href=f"{ORIGIN}/a", text="Click here!").model_dump()])),
        page(),
    ),
    "heading-levels": (
        page(
            document=document(
                headings=[Heading(level=1, text="A").model_dump(), Heading(level=3, text="C").model_dump()]
            )
        ),
        page(),
    ),
    "viewport": (page(document=document(meta={})), page()),
    "zoom-allowed": (page(document=document(meta={"viewport": "width=device-width, user-scalable=no"})), page()),
    "horizontal-overflow": (page(mobile=mobile(scroll_width=900)), page()),
    "tap-targets": (
        page(mobile=mobile(small_targets=[TapTarget(selector="a.icon", width=16, height=16).model_dump()])),
        page(),
    ),
    "text-size": (page(mobile=mobile(text_chars_small=800)), page()),
    "document-title": (page(document=document(title="Home")), page()),
    "meta-description": (page(document=document(meta={"viewport": "width=device-width"})), page()),
    "single-h1": (
        page(
            document=document(
                headings=[Heading(level=1, text="A").model_dump(), Heading(level=1, text="B").model_dump()]
            )
        ),
        page(),
    ),
    "html-lang": (page(document=document(lang=None)), page()),
    "reading-grade": (page(document=document(text=DENSE, word_count=len(DENSE.split()))), page()),
    "broken-links": (
        page(document=document(links=[Link(href=f"{ORIGIN}/gone", text="Old forms").model_dump()])),
        page(),
    ),
    "title-unique": (
        [page(f"{ORIGIN}/"), page(f"{ORIGIN}/b")],
        [page(f"{ORIGIN}/"), page(f"{ORIGIN}/b", document=document(url=f"{ORIGIN}/b", title="Another page title"))],
    ),
    "required-links": (page(document=document(links=[])), page()),
    "first-contentful-paint": (page(performance=perf(fcp_ms=4000)), page()),
    "largest-contentful-paint": (page(performance=perf(lcp_ms=6000)), page()),
    "total-blocking-time": (page(performance=perf(tbt_ms=900)), page()),
    "cumulative-layout-shift": (page(performance=perf(cls=0.4)), page()),
    "server-response-time": (page(performance=perf(ttfb_ms=1500)), page()),
    "total-byte-weight": (page(performance=perf(bytes=9_000_000)), page()),
    "https": (page(http=http("http://agency.example.gov/")), page()),
    "hsts": (page(http=http(headers={"strict-transport-security": "max-age=300"})), page()),
    "security-headers": (page(http=http(headers={})), page()),
    "mixed-content": (page(network=network("http://cdn.example.org/x.js")), page()),
}
SITE_CASES = {"https-redirect": (site(http_redirects_to_https=False), site())}


def test_every_builtin_check_has_a_case():
    ids = {c.id for c in checks.all_checks()}
    assert ids == set(CASES) | set(SITE_CASES)


@pytest.mark.parametrize("check_id", sorted(CASES))
def test_barrier_fails_and_clean_passes(check_id):
    bad, good = CASES[check_id]
    s = site(link_status={**site().link_status, f"{ORIGIN}/gone": 404})
    failed = run(check_id, bad, s)
    assert failed.outcome == Outcome.FAIL, failed
    assert failed.score is not None and failed.score < 1
    passed = run(check_id, good, s)
    assert passed.outcome == Outcome.PASS, passed


@pytest.mark.parametrize("check_id", sorted(SITE_CASES))
def test_site_check_barrier_and_clean(check_id):
    bad, good = SITE_CASES[check_id]
    assert run(check_id, page(), bad).outcome == Outcome.FAIL
    assert run(check_id, page(), good).outcome == Outcome.PASS


def test_failures_carry_evidence_items():
    result = run("vague-link-text", CASES["vague-link-text"][0])
    assert result.items[0].snippet == "Click here!"
    assert result.items[0].url == f"{ORIGIN}/"


def test_missing_artifact_is_an_error_not_a_fail():
    p = PageArtifacts(url=f"{ORIGIN}/", artifacts={"document": document()})
    result = run("largest-contentful-paint", p)
    assert result.outcome == Outcome.ERROR
    assert "performance" in (result.error or "")


def test_failed_artifact_is_an_error():
    p = page(axe={"error": "axe timed out", "kind": "timeout"})
    result = run("axe/image-alt", p)
    assert result.outcome == Outcome.ERROR and "axe timed out" in (result.error or "")


def test_not_sampled_performance_is_not_applicable():
    p = page(performance={"error": "not in the performance sample", "kind": "not_sampled"})
    assert run("largest-contentful-paint", p).outcome == Outcome.NOT_APPLICABLE


def test_axe_rule_outcomes():
    p = page(
        axe=axe(
            ("image-alt", "violation", "critical", ["wcag2a"]),
            ("label", "pass", None, ["wcag2a"]),
            ("video-caption", "inapplicable", None, ["wcag2a"]),
            ("color-contrast", "incomplete", "serious", []),
        )
    )
    assert run("axe/image-alt", p).outcome == Outcome.FAIL
    assert run("axe/label", p).outcome == Outcome.PASS
    assert run("axe/video-caption", p).outcome == Outcome.NOT_APPLICABLE
    assert run("axe/color-contrast", p).outcome == Outcome.NOT_APPLICABLE  # needs review, not a fail
    assert run("axe/region", p).outcome == Outcome.NOT_APPLICABLE  # not run at all


def test_params_override_defaults():
    p = page(document=document(title="Short title"))
    assert run("document-title", p).outcome == Outcome.PASS
    assert run("document-title", p, params={"min_length": 20}).outcome == Outcome.FAIL


def test_check_that_raises_becomes_error():
    p = page(
        document={
            "url": "x",
            "title": None,
            "lang": None,
            "meta": {"viewport": "width=device-width"},
            "text": "",
            "word_count": 10**9,
        }
    )
    result = run("reading-grade", p, params={"min_words": "not a number"})
    assert result.outcome == Outcome.ERROR and "check failed" in (result.error or "")


def test_registry_refuses_duplicates():
    existing = checks.get("skip-link")
    with pytest.raises(checks.DuplicateCheck):
        checks.register(existing)


@pytest.mark.parametrize(
    ("value", "p10", "median", "expected"),
    [  # DOMAIN.md's worked example (mobile): FCP 2.0 s, SI 4.0 s, LCP 3.0 s, TBT 300 ms, CLS 0.05
        (2000, 1800, 3000, 0.84),
        (4000, 3387, 5800, 0.81),
        (3000, 2500, 4000, 0.78),
        (300, 200, 600, 0.79),
        (0.05, 0.1, 0.25, 0.99),
    ],
)
def test_log_normal_curve_matches_lighthouse(value, p10, median, expected):
    assert log_normal_score(value, p10, median) == expected


def test_curve_bands():
    assert log_normal_score(3000, 2500, 4000) >= 0.5
    assert log_normal_score(4000, 2500, 4000) == 0.5
    assert log_normal_score(4001, 2500, 4000) < 0.5
    assert log_normal_score(2500, 2500, 4000) == 0.9


def test_metric_uses_profile_curve():
    mobile_page = page(performance=perf("mobile", lcp_ms=2000))
    desktop_page = page(performance=perf("desktop", lcp_ms=2000))
    assert run("largest-contentful-paint", mobile_page).score > run("largest-contentful-paint", desktop_page).score
