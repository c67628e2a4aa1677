"""Discovery's bounds (issue 14): requests in all, URLs and requests per pattern, sitemap files and URLs.

Each site here is served by the test itself (``httpx.MockTransport``), and each test asserts on
what the server saw, so a bound that is not kept shows up as requests, not as a slow test.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterator

import httpx
from test_discover import BASE, HTML, UA, Site, page, page_urls, run
from test_sitemaps import NS, XML
from test_sitemaps import Site as _RouteSitemapSite

from crawlers.discover import Decision, DiscoverySettings, discover
from crawlers.sitemaps import BYTES_PER_URL, MAX_SITEMAP_FILES, read_sitemaps
from crawlers.urls import url_pattern


class SitemapSite(_RouteSitemapSite):
    """test_sitemaps' fixture site, with one handler for every URL (bodies made on the fly)."""

    def __init__(self, routes: dict[str, tuple[int, dict[str, str], bytes]], *, handler: Callable) -> None:
        super().__init__(routes)
        self.handler = handler

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


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


def test_twenty_sitemap_lines_in_robots_fetch_at_most_ten_files() -> None:
    """Twenty ``Sitemap:`` lines once took 111 s."""
    lines = "".join(f"Sitemap: {BASE}/sitemap-{n}.xml\n" for n in range(20))
    site = Site({"/robots.txt": (200, {"content-type": "text/plain"}, lines.encode()), "/": (200, HTML, page())})
    result = run(site, check_links=0)
    fetched = [u for u in site.fetched("GET") if "/sitemap-" in u]
    assert fetched == [f"{BASE}/sitemap-{n}.xml" for n in range(MAX_SITEMAP_FILES)]
    assert len(result.site.sitemaps) == MAX_SITEMAP_FILES
    skipped = [d.url for d in result.decisions if d.reason == f"sitemap: more than {MAX_SITEMAP_FILES} sitemaps"]
    assert skipped == [f"{BASE}/sitemap-{n}.xml" for n in range(MAX_SITEMAP_FILES, 20)]


def test_nested_indexes_count_towards_the_file_bound() -> None:
    """An index of indexes of indexes: ten files in all, whatever the nesting."""

    def nested(request: httpx.Request) -> httpx.Response:
        n = int(request.url.path.split("-")[1].split(".")[0])
        rows = "".join(f"<sitemap><loc>{BASE}/ix-{n * 10 + k + 1}.xml</loc></sitemap>" for k in range(10))
        return httpx.Response(200, headers=XML, content=f"<sitemapindex {NS}>{rows}</sitemapindex>".encode())

    site = SitemapSite({}, handler=nested)
    read_sitemaps(site.client(), [f"{BASE}/ix-0.xml"], max_urls=100)
    assert len(site.requests) == MAX_SITEMAP_FILES


class _Generated:
    """A sitemap of ``total`` URLs written as it is read: counts how many were produced."""

    def __init__(self, total: int, *, gzipped: bool = False) -> None:
        self.total = total
        self.gzipped = gzipped
        self.produced = 0

    def chunks(self) -> Iterator[bytes]:
        pack = zlib.compressobj(wbits=16 + zlib.MAX_WBITS) if self.gzipped else None
        head = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {NS}>'.encode()
        yield pack.compress(head) if pack else head
        for start in range(0, self.total, 1000):
            rows = "".join(f"<url><loc>{BASE}/item-{i}</loc></url>" for i in range(start, start + 1000))
            self.produced = start + 1000
            data = rows.encode()
            yield pack.compress(data) + pack.flush(zlib.Z_SYNC_FLUSH) if pack else data
        tail = b"</urlset>"
        yield pack.compress(tail) + pack.flush() if pack else tail


def test_a_200k_url_sitemap_is_streamed_and_read_only_up_to_its_bound() -> None:
    generated = _Generated(200_000)
    site = SitemapSite({}, handler=lambda _: httpx.Response(200, headers=XML, content=generated.chunks()))
    began = time.monotonic()
    facts, entries = read_sitemaps(site.client(), [f"{BASE}/sitemap.xml"], max_urls=500)
    assert time.monotonic() - began < 5
    assert len(entries) == 500
    # read up to 500 x 1,000 bytes: about 12,000 of these 40-byte entries, not 200,000
    assert 500 <= facts[0].url_count <= BYTES_PER_URL * 500 // 40
    assert generated.produced <= 15_000  # the server was not even asked for the rest


def test_a_gzipped_200k_url_sitemap_is_bounded_by_the_xml_it_holds() -> None:
    generated = _Generated(200_000, gzipped=True)
    site = SitemapSite({}, handler=lambda _: httpx.Response(200, headers=XML, content=generated.chunks()))
    facts, entries = read_sitemaps(site.client(), [f"{BASE}/sitemap.xml.gz"], max_urls=500)
    assert (facts[0].kind, len(entries)) == ("urlset", 500)
    assert 500 <= facts[0].url_count <= BYTES_PER_URL * 500 // 40
    assert generated.produced <= 15_000


def test_max_requests_is_an_audit_setting_reaching_discovery() -> None:
    from maturity.core.settings import AuditSettings
    from maturity.run.audit import discovery_settings

    assert discovery_settings(AuditSettings(url=BASE, max_pages=3)).request_budget == 4 * 3 + 200 + 30
    assert discovery_settings(AuditSettings(url=BASE, max_requests=25)).request_budget == 25


def test_the_cli_says_when_discovery_stopped_even_without_verbose(capsys) -> None:  # type: ignore[no-untyped-def]
    from maturity.cli.progress import RichProgress

    progress = RichProgress(show_bar=False, verbose=False)
    progress.decision(Decision(url=BASE + "/", action="skipped", reason="request budget spent"))
    progress.decision(Decision(url=BASE + "/", action="stopped", reason="discovery stopped after 42 requests (…)"))
    err = capsys.readouterr().err
    assert "discovery stopped after 42 requests" in err
    assert "request budget spent" not in err  # other decisions stay for --verbose
