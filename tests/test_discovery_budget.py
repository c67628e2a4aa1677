"""Discovery's bounds (issue 14): requests in all, URLs and requests per pattern, sitemap files and URLs.

Each site here is served by the test itself (``httpx.MockTransport``), and each test asserts on
what the server saw, so a bound that is not kept shows up as requests, not as a slow test.
"""

from __future__ import annotations

import httpx
from test_discover import BASE, HTML, UA, Site, page, page_urls, run

from crawlers.discover import Decision, DiscoverySettings, discover
from crawlers.urls import url_pattern


def test_paths_differing_only_in_an_id_share_a_pattern() -> None:
    assert url_pattern(f"{BASE}/many/1") == url_pattern(f"{BASE}/many/2") == "example.gov/many/N"
    assert url_pattern(f"{BASE}/news/2024-05-01/7") == "example.gov/news/N/N"
    assert url_pattern(f"{BASE}/forms/f-123") == "example.gov/forms/f-123"  # a name, not an id
    assert url_pattern(f"{BASE}/p12.html") == "example.gov/p12.html"
    assert url_pattern(f"{BASE}/doc/3f2a9c1e-4b5d-4e6f-8a9b-0c1d2e3f4a5b") == "example.gov/doc/ID"
    assert url_pattern(f"{BASE}/about/contact") == "example.gov/about/contact"
    assert url_pattern(f"{BASE}/events?month=2&view=grid") == "example.gov/events?month=…&view=…"


def test_at_most_ten_pages_share_a_numbered_path() -> None:
    """A trap site once gave 96 of 120 pages as ``/many/N``."""
    site = Site(
        {
            "/": (200, HTML, page(*(f"/many/{n}" for n in range(200)), "/about")),
            "/many/*": lambda request: httpx.Response(200, headers=HTML, content=page()),
            "/about": (200, HTML, page()),
        }
    )
    result = run(site, max_pages=120, check_links=0)
    many = [u for u in page_urls(result) if "/many/" in u]
    assert len(many) == 10
    assert f"{BASE}/about" in page_urls(result)
    assert len([u for u in site.fetched("GET") if "/many/" in u]) == 10


def test_three_thousand_broken_links_cost_at_most_the_request_budget() -> None:
    """``--max-pages 3`` against 3,000 broken links once made 3,068 requests."""
    links = [f"/broken-{n}-{'x' * (n % 7)}" for n in range(3000)]  # no shared id pattern: only the budget holds
    events: list[Decision] = []
    site = Site({"/": (200, HTML, page(*links))})
    settings = DiscoverySettings(user_agent=UA, max_pages=3, check_links=0)
    assert settings.request_budget == 4 * 3 + 0 + 30
    result = discover(site.client(), BASE + "/", settings, on_event=events.append, sleep=lambda _: None)
    assert len(site.requests) <= settings.request_budget
    assert result.requests == len(site.requests)
    [stop] = [e for e in events if e.action == "stopped"]
    how = "request budget 42: 4 x max_pages + check_links + 30"
    assert stop.reason == f"discovery stopped after {len(site.requests)} requests ({how})"
    assert result.stopped == stop.reason
    assert [d for d in result.decisions if d.reason == "request budget spent"]  # the rest of the queue, said


def test_max_requests_overrides_the_default_budget() -> None:
    site = Site({"/": (200, HTML, page(*(f"/gone-{chr(97 + n % 26)}{n * 'y'}" for n in range(60))))})
    result = run(site, max_requests=20, check_links=0)
    assert len(site.requests) == 20
    assert result.stopped is not None and "(request budget 20: max_requests)" in result.stopped


def test_duplicate_bodies_count_against_the_budget() -> None:
    """100,000 identical-body links once ran for 14 minutes with nothing stored."""
    same = b"<!DOCTYPE html><html><title>same</title></html>"
    site = Site({"/": (200, HTML, page(*(f"/copy-{'z' * n}" for n in range(1, 500)))), "/copy-*": (200, HTML, same)})
    result = run(site, max_pages=5, check_links=0)
    assert len(site.requests) <= 4 * 5 + 30
    assert len(result.pages) == 2  # the home page and the first copy; the others are duplicates
    assert result.stopped is not None


def test_a_pattern_of_404s_cannot_eat_the_budget() -> None:
    """Requests are counted per pattern too: 60 links that each redirect to a 404ing
    ``/login?next=…`` reach it 30 times (10 variants x 3 attempts), not 60."""
    names = [f"private-{chr(97 + n % 26)}{'q' * (n // 26)}" for n in range(60)]
    site = Site(
        {
            "/": (200, HTML, page(*(f"/{name}" for name in names), "/about")),
            **{f"/{name}": (302, {"location": f"/login?next=/{name}"}, b"") for name in names},
            "/about": (200, HTML, page()),
        }
    )
    result = run(site, check_links=0)
    logins = [r for r in site.requests if r.url.path == "/login"]
    assert len(logins) == DiscoverySettings(user_agent=UA).pattern_request_budget == 30
    assert f"{BASE}/about" in page_urls(result)
    assert [d for d in result.decisions if "request budget of pattern example.gov/login?next=… spent" in d.reason]
