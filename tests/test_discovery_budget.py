"""Discovery's bounds (issue 14): requests in all, URLs and requests per pattern, sitemap files and URLs.

Each site here is served by the test itself (``httpx.MockTransport``), and each test asserts on
what the server saw, so a bound that is not kept shows up as requests, not as a slow test.
"""

from __future__ import annotations

import httpx
from test_discover import BASE, HTML, Site, page, page_urls, run

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
