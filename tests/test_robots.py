"""robots.txt parsing and the RFC 9309 status conventions."""

from __future__ import annotations

import pytest

from crawlers.robots import parse_robots

UA = "Mozilla/5.0 (compatible; maturity/0.1; +https://example.org/maturity)"
URL = "https://example.gov/robots.txt"

ROBOTS = b"""\
User-agent: *
Disallow: /private/
Allow: /private/public-note
Crawl-delay: 2.5

User-agent: maturity
Disallow: /no-audits/
Crawl-delay: 4

Sitemap: https://example.gov/sitemap-a.xml
Sitemap: https://example.gov/sitemap-b.xml.gz
Sitemap: https://example.gov/sitemap-a.xml
"""


def test_disallow_and_allow_for_matching_group() -> None:
    policy = parse_robots(URL, 200, ROBOTS, UA)
    # Our product token matches the "maturity" group, which replaces the "*" group entirely.
    assert not policy.allowed("https://example.gov/no-audits/x")
    assert policy.allowed("https://example.gov/private/x")
    assert policy.allowed("https://example.gov/")
    assert policy.crawl_delay == 4.0
    assert policy.found


def test_star_group_for_other_agents() -> None:
    policy = parse_robots(URL, 200, ROBOTS, "SomethingElse/1.0")
    assert not policy.allowed("https://example.gov/private/x")
    assert policy.allowed("https://example.gov/private/public-note")  # longest match wins
    assert policy.allowed("https://example.gov/no-audits/x")
    assert policy.crawl_delay == 2.5


def test_sitemap_lines_deduplicated_in_order() -> None:
    policy = parse_robots(URL, 200, ROBOTS, UA)
    assert policy.sitemaps == ["https://example.gov/sitemap-a.xml", "https://example.gov/sitemap-b.xml.gz"]


def test_disallow_everything() -> None:
    policy = parse_robots(URL, 200, b"User-agent: *\nDisallow: /\n", UA)
    assert not policy.allowed("https://example.gov/")
    assert not policy.allowed("https://example.gov/a?b=c")
    assert policy.allowed("https://example.gov/robots.txt")


def test_empty_and_bom_bodies() -> None:
    assert parse_robots(URL, 200, b"", UA).allowed("https://example.gov/x")
    policy = parse_robots(URL, 200, b"\xef\xbb\xbfUser-agent: *\nDisallow: /x\n", UA)
    assert not policy.allowed("https://example.gov/x")


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_4xx_allows_everything(status: int) -> None:
    policy = parse_robots(URL, status, b"User-agent: *\nDisallow: /\n", UA)
    assert policy.allowed("https://example.gov/anything")
    assert not policy.found
    assert policy.crawl_delay is None
    assert policy.sitemaps == []


@pytest.mark.parametrize("status", [500, 502, 503, 429, None])
def test_unreachable_disallows_everything(status: int | None) -> None:
    """RFC 9309 section 2.3.1.4: 5xx (and no answer) means assume complete disallow."""
    policy = parse_robots(URL, status, None, UA)
    assert not policy.allowed("https://example.gov/")
    assert not policy.found


def test_facts() -> None:
    facts = parse_robots(URL, 200, ROBOTS, UA).facts(start_allowed=True)
    assert facts.url == URL
    assert facts.status == 200
    assert facts.found is True
    assert facts.crawl_delay == 4.0
    assert facts.start_allowed is True
    assert len(facts.sitemaps) == 2
    missing = parse_robots(URL, 404, None, UA).facts(start_allowed=True)
    assert (missing.found, missing.status, missing.sitemaps) == (False, 404, [])
    broken = parse_robots(URL, 503, None, UA).facts(start_allowed=False)
    assert (broken.found, broken.start_allowed) == (False, False)


def test_policy_is_frozen() -> None:
    policy = parse_robots(URL, 200, ROBOTS, UA)
    with pytest.raises(AttributeError):
        policy.found = False  # type: ignore[misc]
