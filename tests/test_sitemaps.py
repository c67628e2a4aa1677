"""Sitemap reading through usp over an httpx MockTransport."""

from __future__ import annotations

import gzip

import httpx

from crawlers.sitemaps import read_sitemaps

BASE = "https://example.gov"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def urlset(*entries: tuple[str, str | None]) -> bytes:
    rows = "".join(f"<url><loc>{loc}</loc>{f'<lastmod>{mod}</lastmod>' if mod else ''}</url>" for loc, mod in entries)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {NS}>{rows}</urlset>'.encode()


def index(*locs: str) -> bytes:
    rows = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex {NS}>{rows}</sitemapindex>'.encode()


class Site:
    """A fixture site: full URL -> (status, headers, body). Records every request."""

    def __init__(self, routes: dict[str, tuple[int, dict[str, str], bytes]], *, down: bool = False) -> None:
        self.routes = routes
        self.down = down
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        status, headers, body = self.routes.get(str(request.url), (404, {"content-type": "text/html"}, b"nope"))
        return httpx.Response(status, headers=headers, content=body)

    @property
    def urls(self) -> list[str]:
        return [str(r.url) for r in self.requests]

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))


XML = {"content-type": "application/xml"}


def test_urlset_facts_and_entries() -> None:
    site = Site(
        {
            f"{BASE}/sitemap.xml": (
                200,
                XML,
                urlset(
                    (f"{BASE}/", "2024-01-05"),
                    (f"{BASE}/about", "2024-03-01T10:00:00+02:00"),
                    (f"{BASE}/docs/report.PDF", "2023-12-31"),
                    (f"{BASE}/contact", None),
                ),
            )
        }
    )
    facts, entries = read_sitemaps(site.client(), [f"{BASE}/sitemap.xml"], max_urls=100)
    [fact] = facts
    assert fact.kind == "urlset"
    assert fact.status == 200
    assert fact.url_count == 4
    assert fact.pdf_count == 1
    assert fact.latest_lastmod == "2024-03-01"
    assert entries == [
        (f"{BASE}/", "2024-01-05"),
        (f"{BASE}/about", "2024-03-01"),
        (f"{BASE}/docs/report.PDF", "2023-12-31"),
        (f"{BASE}/contact", None),
    ]
    assert site.urls == [f"{BASE}/sitemap.xml"]


def test_index_follows_children_including_gzipped_file() -> None:
    child_b = gzip.compress(urlset((f"{BASE}/b1", "2022-02-02"), (f"{BASE}/b2.pdf", None)))
    site = Site(
        {
            f"{BASE}/sitemap_index.xml": (200, XML, index(f"{BASE}/a.xml", f"{BASE}/b.xml.gz")),
            f"{BASE}/a.xml": (200, XML, urlset((f"{BASE}/a1", "2024-06-30"))),
            f"{BASE}/b.xml.gz": (200, {"content-type": "application/x-gzip"}, child_b),
        }
    )
    facts, entries = read_sitemaps(site.client(), [f"{BASE}/sitemap_index.xml"], max_urls=100)
    [fact] = facts
    assert child_b[:2] == b"\x1f\x8b"  # really gzip on the wire
    assert fact.kind == "index"
    assert fact.url_count == 3
    assert fact.pdf_count == 1
    assert fact.latest_lastmod == "2024-06-30"
    assert [loc for loc, _ in entries] == [f"{BASE}/a1", f"{BASE}/b1", f"{BASE}/b2.pdf"]
    assert site.urls == [f"{BASE}/sitemap_index.xml", f"{BASE}/a.xml", f"{BASE}/b.xml.gz"]


def test_content_encoding_gzip() -> None:
    body = gzip.compress(urlset((f"{BASE}/x", None)))
    site = Site({f"{BASE}/sitemap.xml": (200, {**XML, "content-encoding": "gzip"}, body)})
    facts, entries = read_sitemaps(site.client(), [f"{BASE}/sitemap.xml"], max_urls=10)
    assert facts[0].kind == "urlset"
    assert entries == [(f"{BASE}/x", None)]


def test_plain_text_sitemap() -> None:
    body = f"{BASE}/one\n\n{BASE}/two\nnot a url\n{BASE}/forms/f.pdf\n".encode()
    site = Site({f"{BASE}/sitemap.txt": (200, {"content-type": "text/plain"}, body)})
    facts, entries = read_sitemaps(site.client(), [f"{BASE}/sitemap.txt"], max_urls=10)
    assert (facts[0].kind, facts[0].url_count, facts[0].pdf_count) == ("text", 3, 1)
    assert [loc for loc, _ in entries] == [f"{BASE}/one", f"{BASE}/two", f"{BASE}/forms/f.pdf"]


def test_invalid_xml_and_html_soft_404() -> None:
    site = Site(
        {
            f"{BASE}/broken.xml": (200, XML, b"<<<this is not xml"),
            f"{BASE}/sitemap.xml": (
                200,
                {"content-type": "text/html"},
                b"<!DOCTYPE html><html><p>Home</p></html>",
            ),
        }
    )
    facts, entries = read_sitemaps(site.client(), [f"{BASE}/broken.xml", f"{BASE}/sitemap.xml"], max_urls=10)
    assert [(f.kind, f.status, f.url_count) for f in facts] == [("invalid", 200, 0), ("invalid", 200, 0)]
    assert entries == []


def test_404_is_missing_not_invalid() -> None:
    site = Site({})
    facts, entries = read_sitemaps(site.client(), [f"{BASE}/sitemap.xml"], max_urls=10)
    assert (facts[0].kind, facts[0].status) == ("missing", 404)
    assert entries == []


def test_server_error_is_not_retried() -> None:
    site = Site({f"{BASE}/sitemap.xml": (503, {}, b"busy")})
    facts, _ = read_sitemaps(site.client(), [f"{BASE}/sitemap.xml"], max_urls=10)
    assert (facts[0].kind, facts[0].status) == ("missing", 503)
    assert site.urls == [f"{BASE}/sitemap.xml"]  # usp would have retried 5 times, sleeping


def test_connection_error_is_missing_with_no_status() -> None:
    site = Site({}, down=True)
    facts, _ = read_sitemaps(site.client(), [f"{BASE}/sitemap.xml"], max_urls=10)
    assert (facts[0].kind, facts[0].status) == ("missing", None)


def test_max_urls_caps_entries_not_counts() -> None:
    body = urlset(*[(f"{BASE}/p{i}", None) for i in range(30)])
    site = Site({f"{BASE}/sitemap.xml": (200, XML, body)})
    facts, entries = read_sitemaps(site.client(), [f"{BASE}/sitemap.xml"], max_urls=5)
    assert facts[0].url_count == 30
    assert [loc for loc, _ in entries] == [f"{BASE}/p{i}" for i in range(5)]


def test_entries_deduplicated_across_sitemaps() -> None:
    site = Site(
        {
            f"{BASE}/a.xml": (200, XML, urlset((f"{BASE}/same", "2024-01-01"), (f"{BASE}/a", None))),
            f"{BASE}/b.xml": (200, XML, urlset((f"{BASE}/same", "2020-01-01"), (f"{BASE}/b", None))),
        }
    )
    _, entries = read_sitemaps(site.client(), [f"{BASE}/a.xml", f"{BASE}/b.xml"], max_urls=10)
    assert entries == [(f"{BASE}/same", "2024-01-01"), (f"{BASE}/a", None), (f"{BASE}/b", None)]


def test_same_site_redirect_followed_other_site_not() -> None:
    site = Site(
        {
            f"{BASE}/sitemap.xml": (301, {"location": "/sitemap_index.xml"}, b""),
            f"{BASE}/sitemap_index.xml": (200, XML, urlset((f"{BASE}/x", None))),
            f"{BASE}/moved.xml": (302, {"location": "https://elsewhere.example/sitemap.xml"}, b""),
        }
    )
    facts, entries = read_sitemaps(site.client(), [f"{BASE}/sitemap.xml", f"{BASE}/moved.xml"], max_urls=10)
    assert (facts[0].kind, facts[0].status) == ("urlset", 200)
    assert (facts[1].kind, facts[1].status) == ("missing", 302)
    assert entries == [(f"{BASE}/x", None)]
    assert "https://elsewhere.example/sitemap.xml" not in site.urls


def test_index_loop_and_child_limit() -> None:
    site = Site(
        {
            f"{BASE}/index.xml": (
                200,
                XML,
                index(f"{BASE}/index.xml", *[f"{BASE}/c{i}.xml" for i in range(5)]),
            ),
            **{f"{BASE}/c{i}.xml": (200, XML, urlset((f"{BASE}/p{i}", None))) for i in range(5)},
        }
    )
    facts, entries = read_sitemaps(site.client(), [f"{BASE}/index.xml"], max_urls=10, max_child_sitemaps=2)
    assert site.urls.count(f"{BASE}/index.xml") == 1  # a self-reference is not refetched
    assert site.urls == [f"{BASE}/index.xml", f"{BASE}/c0.xml", f"{BASE}/c1.xml"]
    assert facts[0].kind == "index"
    assert [loc for loc, _ in entries] == [f"{BASE}/p0", f"{BASE}/p1"]


def test_user_agent_and_pacing_hook() -> None:
    calls: list[str] = []
    site = Site({f"{BASE}/sitemap.xml": (200, XML, urlset((f"{BASE}/x", None)))})
    read_sitemaps(
        site.client(),
        [f"{BASE}/sitemap.xml", f"{BASE}/other.xml"],
        max_urls=10,
        user_agent="maturity-test/1",
        before_request=lambda: calls.append("tick"),
    )
    assert [r.headers["user-agent"] for r in site.requests] == ["maturity-test/1"] * 2
    assert calls == ["tick", "tick"]


def test_non_http_url_is_invalid_without_fetching() -> None:
    site = Site({})
    facts, _ = read_sitemaps(site.client(), ["ftp://example.gov/sitemap.xml"], max_urls=10)
    assert (facts[0].kind, facts[0].status) == ("invalid", None)
    assert site.requests == []
