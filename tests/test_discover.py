"""Breadth-first discovery against small fixture sites served by httpx.MockTransport."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from crawlers.discover import Decision, Discovery, DiscoverySettings, discover
from crawlers.links import extract_links
from maturity.core.model import Redirect
from maturity.kernel.errors import BlockedByRobots, InvalidURL, SiteUnreachable, UsageError

BASE = "https://example.gov"
UA = "maturity-test/1.0"
HTML = {"content-type": "text/html; charset=utf-8"}
Route = tuple[int, dict[str, str], Any] | Callable[[httpx.Request], httpx.Response]


_serial = itertools.count()


def page(*links: str, base: str | None = None, title: str = "page") -> bytes:
    """A page linking to ``links``; every call gives a different body (identical bodies are duplicates)."""
    head = f'<base href="{base}">' if base else ""
    anchors = "".join(f'<a href="{href}">{href}</a>' for href in links)
    doc = f"<!DOCTYPE html><html><head>{head}<title>{title} {next(_serial)}</title></head><body>{anchors}</body></html>"
    return doc.encode()


def moved(location: str, status: int = 301) -> tuple[int, dict[str, str], bytes]:
    return (status, {"location": location}, b"")


class Site:
    """A fixture site: path on BASE (or a full URL) -> (status, headers, body) or a handler.

    A key ending in ``*`` matches by prefix. Unknown URLs answer 404. Every
    request is recorded so tests can assert what was (and was not) fetched.
    """

    def __init__(self, routes: dict[str, Route], *, unreachable_hosts: tuple[str, ...] = ()) -> None:
        self.routes = routes
        self.unreachable_hosts = unreachable_hosts
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.host in self.unreachable_hosts:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        url = str(request.url)
        key = url[len(BASE) :] if url.startswith(BASE + "/") else url
        route = self.routes.get(key, self.routes.get(url))
        if route is None:
            prefixed = [k for k in self.routes if k.endswith("*") and key.startswith(k[:-1])]
            route = self.routes[prefixed[0]] if prefixed else None
        if route is None:
            return httpx.Response(404, headers=HTML, content=b"<html><p>Not found</p></html>")
        if callable(route):
            return route(request)
        status, headers, body = route
        return httpx.Response(status, headers=headers, content=b"" if request.method == "HEAD" else body)

    def fetched(self, method: str = "GET") -> list[str]:
        return [str(r.url) for r in self.requests if r.method == method]

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))


def run(site: Site, start: str = BASE + "/", **settings: Any) -> Discovery:
    sleeps: list[float] = settings.pop("sleeps", [])
    return discover(site.client(), start, DiscoverySettings(user_agent=UA, **settings), sleep=sleeps.append)


def page_urls(result: Discovery) -> list[str]:
    return [p.url for p in result.pages]


def reasons(result: Discovery, url: str) -> list[str]:
    return [d.reason for d in result.decisions if d.url == url]


# ---------------------------------------------------------------------------
# Breadth first, depth, budget, scope
# ---------------------------------------------------------------------------


def tree_site() -> Site:
    return Site(
        {
            "/": (200, HTML, page("/a", "/b")),
            "/a": (200, HTML, page("/a1", "/")),
            "/b": (200, HTML, page("/b1")),
            "/a1": (200, HTML, page("/a2")),
            "/b1": (200, HTML, page()),
            "/a2": (200, HTML, page("/a3")),
        }
    )


def test_breadth_first_order_and_depth_limit() -> None:
    site = tree_site()
    result = run(site, max_depth=2)
    assert page_urls(result) == [f"{BASE}/", f"{BASE}/a", f"{BASE}/b", f"{BASE}/a1", f"{BASE}/b1"]
    assert [p.depth for p in result.pages] == [0, 1, 1, 2, 2]
    assert [p.source for p in result.pages] == ["start", "link", "link", "link", "link"]
    assert result.pages[3].referrer == f"{BASE}/a"
    assert f"{BASE}/a2" not in site.fetched("GET")
    assert "too deep" in reasons(result, f"{BASE}/a2")
    # the too-deep link target is still probed for its status
    assert site.fetched("HEAD") == [f"{BASE}/a2"]
    assert result.site.link_status[f"{BASE}/a2"] == 200
    assert f"{BASE}/a3" not in result.site.link_status  # never seen: /a2 was not parsed


def test_page_budget() -> None:
    site = tree_site()
    result = run(site, max_pages=3, check_links=0)
    assert page_urls(result) == [f"{BASE}/", f"{BASE}/a", f"{BASE}/b"]
    assert "page budget reached" in reasons(result, f"{BASE}/a1")
    assert f"{BASE}/a1" not in site.fetched("GET")
    assert site.fetched("HEAD") == []


def test_include_exclude() -> None:
    site = Site(
        {
            "/": (200, HTML, page("/services/tax", "/services/private/x", "/news/1")),
            "/services/tax": (200, HTML, page()),
        }
    )
    result = run(site, include=("/services/",), exclude=("/private/",))
    assert page_urls(result) == [f"{BASE}/", f"{BASE}/services/tax"]
    assert reasons(result, f"{BASE}/services/private/x") == ["out of scope: excluded by pattern"]
    assert reasons(result, f"{BASE}/news/1") == ["out of scope: not included by pattern"]
    assert f"{BASE}/news/1" not in site.fetched("GET") + site.fetched("HEAD")


def test_invalid_pattern_is_usage_error() -> None:
    with pytest.raises(UsageError, match=r"\(unclosed"):
        run(Site({"/": (200, HTML, page())}), exclude=("(unclosed",))


def test_out_of_scope_links_never_fetched() -> None:
    site = Site(
        {
            "/": (
                200,
                HTML,
                page(
                    "https://other.gov/x",
                    "https://example.gov:8443/y",
                    "https://sub.example.gov/z",
                    "mailto:info@example.gov",
                    "javascript:void(0)",
                    "http://www.example.gov/in-scope",
                ),
            ),
        }
    )
    result = run(site)
    hosts = {(r.url.host, r.url.port) for r in site.requests}
    assert hosts <= {("example.gov", None), ("www.example.gov", None)}
    assert reasons(result, "https://other.gov/x") == ["out of scope: other host"]
    assert reasons(result, "https://example.gov:8443/y") == ["out of scope: other host"]
    # www. and http count as the same site: fetched (after its own origin's robots.txt)
    assert "http://www.example.gov/robots.txt" in site.fetched("GET")
    assert "http://www.example.gov/in-scope" in site.fetched("GET")


def test_links_resolve_against_base_href() -> None:
    site = Site(
        {
            "/": (200, HTML, page("child", "../up", base="https://example.gov/section/")),
            "/section/child": (200, HTML, page()),
        }
    )
    result = run(site)
    assert page_urls(result) == [f"{BASE}/", f"{BASE}/section/child"]
    assert f"{BASE}/up" in result.site.link_status  # 404, probed... or fetched
    assert result.site.link_status[f"{BASE}/up"] == 404


def test_extract_links_area_and_charset() -> None:
    body = (
        '<html><head><meta charset="iso-8859-1"></head><body>'
        '<a href="/caf\xe9">x</a><map><area href="/map-target"></map><a>no href</a>'
        '<a href="tel:123">t</a><a href="/caf\xe9#again">dup</a></body></html>'
    ).encode("latin-1")
    assert extract_links(body, f"{BASE}/") == [f"{BASE}/caf%C3%A9", f"{BASE}/map-target"]
    assert extract_links(b"", f"{BASE}/") == []
    xhtml = b'<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><a href="x">x</a></html>'
    assert extract_links(xhtml, f"{BASE}/d/") == [f"{BASE}/d/x"]


# ---------------------------------------------------------------------------
# Redirects
# ---------------------------------------------------------------------------


def test_redirect_chain_recorded() -> None:
    site = Site(
        {
            "/": (200, HTML, page("/old")),
            "/old": moved("/older", 301),
            "/older": moved(f"{BASE}/new", 302),
            "/new": (200, {"Content-Type": "text/html", "X-Frame-Options": "DENY"}, page()),
        }
    )
    result = run(site)
    assert page_urls(result) == [f"{BASE}/", f"{BASE}/new"]
    facts = result.http[f"{BASE}/new"]
    assert facts.requested_url == f"{BASE}/old"
    assert facts.final_url == f"{BASE}/new"
    assert facts.status == 200
    assert facts.redirects == [
        Redirect(url=f"{BASE}/old", status=301),
        Redirect(url=f"{BASE}/older", status=302),
    ]
    assert facts.headers["x-frame-options"] == "DENY"
    assert all(k == k.lower() for k in facts.headers)
    assert facts.content_type == "text/html"
    assert result.site.link_status[f"{BASE}/old"] == 200


def test_redirect_to_known_page_is_duplicate() -> None:
    site = Site({"/": (200, HTML, page("/a", "/alias")), "/a": (200, HTML, page()), "/alias": moved("/a")})
    result = run(site)
    assert page_urls(result) == [f"{BASE}/", f"{BASE}/a"]
    assert reasons(result, f"{BASE}/alias")[-1] == f"duplicate (redirects to {BASE}/a)"


def test_redirect_loop_stops() -> None:
    site = Site({"/": (200, HTML, page("/loop1")), "/loop1": moved("/loop2"), "/loop2": moved("/loop1")})
    result = run(site)
    assert page_urls(result) == [f"{BASE}/"]
    assert "redirect loop" in reasons(result, f"{BASE}/loop1")
    assert site.fetched("GET").count(f"{BASE}/loop1") == 1
    assert site.fetched("GET").count(f"{BASE}/loop2") == 1


def test_too_many_redirects() -> None:
    site = Site({"/": (200, HTML, page("/r0")), **{f"/r{i}": moved(f"/r{i + 1}") for i in range(6)}})
    result = run(site, max_redirects=2)
    assert "too many redirects (> 2)" in reasons(result, f"{BASE}/r0")
    assert f"{BASE}/r3" not in site.fetched("GET")


def test_redirect_out_of_scope_not_followed() -> None:
    site = Site({"/": (200, HTML, page("/away")), "/away": moved("https://elsewhere.example/landing")})
    result = run(site)
    assert page_urls(result) == [f"{BASE}/"]
    assert reasons(result, f"{BASE}/away")[-1].startswith("redirects out of scope: other host")
    assert all(r.url.host != "elsewhere.example" for r in site.requests)


def test_start_redirect_to_www_sets_homepage() -> None:
    site = Site(
        {
            "/": moved("https://www.example.gov/home"),
            "https://www.example.gov/home": (200, HTML, page("/about")),
            "https://www.example.gov/about": (200, HTML, page()),
        }
    )
    result = run(site, include=("/about",))
    assert page_urls(result) == ["https://www.example.gov/home", "https://www.example.gov/about"]
    assert result.pages[0].source == "start"
    assert result.site.homepage_url == "https://www.example.gov/"
    assert result.site.start_url == f"{BASE}/"


# ---------------------------------------------------------------------------
# What becomes a page
# ---------------------------------------------------------------------------


def test_pdf_counted_but_not_fetched_as_page() -> None:
    site = Site(
        {
            "/": (200, HTML, page("/files/report.pdf", "/download?id=7")),
            "/files/report.pdf": (200, {"content-type": "application/pdf"}, b"%PDF-1.7"),
            "/download?id=7": (200, {"content-type": "application/pdf"}, b"%PDF-1.7"),
        }
    )
    result = run(site)
    assert page_urls(result) == [f"{BASE}/"]
    assert result.site.non_html == {
        f"{BASE}/files/report.pdf": "application/pdf",  # by extension, never GET
        f"{BASE}/download?id=7": "application/pdf",  # by its Content-Type
    }
    assert f"{BASE}/files/report.pdf" not in site.fetched("GET")
    assert reasons(result, f"{BASE}/files/report.pdf")[0] == "not HTML (application/pdf)"
    assert result.site.link_status[f"{BASE}/files/report.pdf"] == 200  # HEAD link check


def test_500_page_is_not_assessable() -> None:
    site = Site({"/": (200, HTML, page("/broken")), "/broken": (500, HTML, page("/never"))})
    result = run(site)
    assert page_urls(result) == [f"{BASE}/", f"{BASE}/broken"]
    assert result.not_assessable == {f"{BASE}/broken": "HTTP 500"}
    assert result.http[f"{BASE}/broken"].status == 500
    assert f"{BASE}/never" not in site.fetched("GET")


def test_404_link_in_link_status_not_a_page() -> None:
    site = Site({"/": (200, HTML, page("/missing", "/ok")), "/ok": (200, HTML, page())})
    result = run(site)
    assert page_urls(result) == [f"{BASE}/", f"{BASE}/ok"]
    assert result.site.link_status[f"{BASE}/missing"] == 404
    assert result.site.link_status[f"{BASE}/ok"] == 200
    assert result.site.link_status[f"{BASE}/"] == 200
    assert "HTTP 404" in reasons(result, f"{BASE}/missing")
    assert f"{BASE}/missing" not in result.http


def test_connection_failure_and_timeout_on_inner_pages() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    site = Site(
        {"/": (200, HTML, page("https://www.example.gov/x", "/slow")), "/slow": timeout},
        unreachable_hosts=("www.example.gov",),
    )
    result = run(site, respect_robots=False)
    assert page_urls(result) == [f"{BASE}/", f"{BASE}/slow"]
    assert result.not_assessable == {f"{BASE}/slow": "timed out"}
    assert result.site.link_status["https://www.example.gov/x"] is None
    assert result.site.link_status[f"{BASE}/slow"] is None


def test_too_large_body_is_not_parsed() -> None:
    consumed: list[int] = []

    def huge() -> Iterator[bytes]:
        yield b"<html><body>" + b'<a href="/hidden">x</a>'
        for i in range(1000):
            consumed.append(i)
            yield b"x" * 1024

    site = Site({"/": (200, HTML, page("/big")), "/big": lambda r: httpx.Response(200, headers=HTML, content=huge())})
    result = run(site, max_page_bytes=8 * 1024)
    assert page_urls(result) == [f"{BASE}/", f"{BASE}/big"]
    assert result.not_assessable[f"{BASE}/big"] == "too large (> 8192 bytes)"
    assert len(consumed) < 20  # the stream was abandoned, not drained
    assert f"{BASE}/hidden" not in site.fetched("GET")


def test_declared_too_large_body_is_not_read() -> None:
    site = Site({"/": (200, {**HTML, "content-length": "999999"}, page("/x"))})
    result = run(site, max_page_bytes=1000)
    assert result.not_assessable == {f"{BASE}/": "too large (> 1000 bytes)"}
    assert f"{BASE}/x" not in site.fetched("GET")


def test_missing_content_type_is_sniffed() -> None:
    site = Site({"/": (200, {}, page("/a")), "/a": (200, {}, b"just text")})
    result = run(site)
    assert page_urls(result) == [f"{BASE}/"]
    assert result.site.non_html[f"{BASE}/a"] == "unknown"


def test_head_fallback_to_get_on_405() -> None:
    def no_head(request: httpx.Request) -> httpx.Response:
        if request.method == "HEAD":
            return httpx.Response(405)
        return httpx.Response(200, headers=HTML, content=page())

    site = Site({"/": (200, HTML, page("/deep")), "/deep": no_head})
    result = run(site, max_depth=0)
    assert [r.method for r in site.requests if r.url.path == "/deep"] == ["HEAD", "GET"]
    assert result.site.link_status[f"{BASE}/deep"] == 200


# ---------------------------------------------------------------------------
# robots.txt and sitemaps
# ---------------------------------------------------------------------------


def test_start_blocked_by_robots() -> None:
    site = Site({"/robots.txt": (200, {}, b"User-agent: *\nDisallow: /\n"), "/": (200, HTML, page())})
    with pytest.raises(BlockedByRobots, match=re.escape("disallows https://example.gov/")):
        run(site)
    assert site.fetched("GET") == [f"{BASE}/robots.txt"]
    # ...unless told to ignore robots.txt
    result = run(site, respect_robots=False)
    assert page_urls(result) == [f"{BASE}/"]
    assert result.site.robots is not None and result.site.robots.start_allowed is False


def test_robots_5xx_means_disallow_all() -> None:
    site = Site({"/robots.txt": (503, {}, b""), "/": (200, HTML, page())})
    with pytest.raises(BlockedByRobots, match="HTTP 503; RFC 9309"):
        run(site)
    assert site.fetched("GET") == [f"{BASE}/robots.txt"]


def test_robots_timeout_means_unreachable() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(SiteUnreachable, match="timed out"):
        run(Site({"/robots.txt": timeout, "/": (200, HTML, page())}))


def test_robots_disallowed_link_not_fetched() -> None:
    site = Site(
        {
            "/robots.txt": (200, {}, b"User-agent: maturity-test\nDisallow: /admin\n"),
            "/": (200, HTML, page("/admin/panel", "/public")),
            "/public": (200, HTML, page()),
        }
    )
    result = run(site)
    assert page_urls(result) == [f"{BASE}/", f"{BASE}/public"]
    assert reasons(result, f"{BASE}/admin/panel") == ["robots.txt disallows"]
    assert not any("/admin" in u for u in site.fetched("GET") + site.fetched("HEAD"))
    assert result.site.robots is not None and result.site.robots.found


def test_crawl_delay_is_honoured_and_capped() -> None:
    robots = b"User-agent: *\nCrawl-delay: 2\n"
    site = Site({"/robots.txt": (200, {}, robots), "/": (200, HTML, page("/a")), "/a": (200, HTML, page())})
    sleeps: list[float] = []
    run(site, sleeps=sleeps)
    assert len(site.requests) >= 4
    assert sleeps == [2.0] * (len(site.requests) - 1)  # between requests, not before the first

    site = Site({"/robots.txt": (200, {}, b"User-agent: *\nCrawl-delay: 60\n"), "/": (200, HTML, page())})
    sleeps = []
    result = run(site, sleeps=sleeps, max_crawl_delay=5.0)
    assert sleeps and set(sleeps) == {5.0}
    assert result.site.robots is not None and result.site.robots.crawl_delay == 60.0


def test_no_sleep_without_crawl_delay() -> None:
    sleeps: list[float] = []
    run(tree_site(), sleeps=sleeps)
    assert sleeps == []


def test_sitemap_from_robots_queued_at_depth_one_after_start_links() -> None:
    sitemap = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://example.gov/from-sitemap</loc><lastmod>2024-05-06</lastmod></url>"
        b"<url><loc>https://example.gov/linked</loc><lastmod>2023-01-01</lastmod></url>"
        b"<url><loc>https://example.gov/</loc><lastmod>2024-07-01</lastmod></url>"
        b"<url><loc>https://other.gov/foreign</loc></url>"
        b"</urlset>"
    )
    site = Site(
        {
            "/robots.txt": (
                200,
                {},
                b"User-agent: *\nAllow: /\nSitemap: https://example.gov/maps/pages.xml\n",
            ),
            "/maps/pages.xml": (200, {"content-type": "application/xml"}, sitemap),
            "/": (200, HTML, page("/linked")),
            "/linked": (200, HTML, page("/deeper")),
            "/from-sitemap": (200, HTML, page()),
            "/deeper": (200, HTML, page()),
        }
    )
    result = run(site)
    assert page_urls(result) == [f"{BASE}/", f"{BASE}/linked", f"{BASE}/from-sitemap", f"{BASE}/deeper"]
    by_url = {p.url: p for p in result.pages}
    assert (by_url[f"{BASE}/from-sitemap"].source, by_url[f"{BASE}/from-sitemap"].depth) == ("sitemap", 1)
    assert by_url[f"{BASE}/from-sitemap"].lastmod == "2024-05-06"
    assert by_url[f"{BASE}/linked"].lastmod == "2023-01-01"  # found by link, dated by the sitemap
    assert by_url[f"{BASE}/"].lastmod == "2024-07-01"
    assert "https://other.gov/foreign" not in site.fetched("GET")
    assert f"{BASE}/sitemap.xml" not in site.fetched("GET")  # robots named one, so no guessing
    [facts] = result.site.sitemaps
    assert (facts.url, facts.kind, facts.url_count) == (f"{BASE}/maps/pages.xml", "urlset", 4)


def test_default_sitemap_when_robots_names_none() -> None:
    site = Site({"/": (200, HTML, page())})
    result = run(site)
    assert f"{BASE}/sitemap.xml" in site.fetched("GET")
    [facts] = result.site.sitemaps
    assert (facts.kind, facts.status) == ("missing", 404)
    assert result.site.robots is not None
    assert (result.site.robots.found, result.site.robots.status) == (False, 404)


# ---------------------------------------------------------------------------
# Start URL failures
# ---------------------------------------------------------------------------


def test_unreachable_start_raises() -> None:
    site = Site({}, unreachable_hosts=("example.gov",))
    with pytest.raises(SiteUnreachable, match=re.escape("https://example.gov/")):
        run(site)


def test_start_timeout_raises_unreachable() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    with pytest.raises(SiteUnreachable, match=re.escape("https://example.gov/start")):
        run(Site({"/start": timeout}), start=f"{BASE}/start")


@pytest.mark.parametrize("url", ["mailto:x@example.gov", "example", "ftp://example.gov/"])
def test_invalid_start_url(url: str) -> None:
    with pytest.raises(InvalidURL):
        run(Site({}), start=url)


def test_start_404_is_listed_not_assessable() -> None:
    result = run(Site({}))
    assert page_urls(result) == [f"{BASE}/"]
    assert result.not_assessable == {f"{BASE}/": "HTTP 404"}


# ---------------------------------------------------------------------------
# Site probes and events
# ---------------------------------------------------------------------------


def test_not_found_probe() -> None:
    site = Site({"/": (200, HTML, page())})
    result = run(site)
    probes = [u for u in site.fetched("GET") if "/maturity-404-probe-" in u]
    assert len(probes) == 1
    assert result.site.not_found_status == 404

    # A site that answers every unknown URL by sending the visitor home: a soft 404.
    soft = Site({"/": (200, HTML, page()), "/maturity-404-probe-*": moved("/", 302)})
    result = run(soft)
    assert result.site.not_found_status == 200
    probe = [u for u in soft.fetched("GET") if "/maturity-404-probe-" in u]
    assert len(probe) == 1 and probe[0] != probes[0]  # random each run


def test_https_redirect_fact() -> None:
    upgrade = Site({"/": (200, HTML, page()), "http://example.gov/": moved("https://example.gov/")})
    assert run(upgrade).site.http_redirects_to_https is True
    www = Site({"/": (200, HTML, page()), "http://example.gov/": moved("https://www.example.gov/")})
    assert run(www).site.http_redirects_to_https is True
    plain = Site({"/": (200, HTML, page()), "http://example.gov/": (200, HTML, page())})
    assert run(plain).site.http_redirects_to_https is False
    elsewhere = Site({"/": (200, HTML, page()), "http://example.gov/": moved("https://evil.example/")})
    assert run(elsewhere).site.http_redirects_to_https is False
    # the http probe is one request, redirects not followed
    assert elsewhere.fetched("GET").count("http://example.gov/") == 1
    assert all(r.url.host != "evil.example" for r in elsewhere.requests)


def test_https_probe_connection_failure_and_http_start() -> None:
    def refuse_http(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    site = Site({"/": (200, HTML, page()), "http://example.gov/": refuse_http})
    assert run(site).site.http_redirects_to_https is None
    http_start = Site({"http://example.gov/": (200, HTML, page())})
    result = run(http_start, start="http://example.gov/")
    assert result.site.http_redirects_to_https is None
    assert result.site.homepage_url == "http://example.gov/"


def test_events_mirror_decisions_and_user_agent_is_ours() -> None:
    site = tree_site()
    events: list[Decision] = []
    result = discover(site.client(), BASE, DiscoverySettings(user_agent=UA), on_event=events.append)
    assert events == result.decisions
    assert {d.action for d in events} >= {"queued", "fetched"}
    assert {r.headers["user-agent"] for r in site.requests} == {UA}


def test_settings_validation() -> None:
    with pytest.raises(UsageError, match="max_pages"):
        DiscoverySettings(user_agent=UA, max_pages=0)
    with pytest.raises(UsageError, match="user_agent"):
        DiscoverySettings(user_agent=" ")


# ---------------------------------------------------------------------------
# Hostile and broken sites: traps, retries, deadlines, odd bodies
# ---------------------------------------------------------------------------


def decisions_with(result: Discovery, words: str) -> list[Decision]:
    return [d for d in result.decisions if words in d.reason]


def test_session_ids_are_normalised_away() -> None:
    site = Site(
        {
            "/": (
                200,
                HTML,
                page("/a;jsessionid=0A1B2C3D4E5F", "/a?PHPSESSID=abc", "/a?sid=0123456789abcdef0123", "/a?sid=7"),
            ),
            "/a": (200, HTML, page("/a;JSESSIONID=FFFF")),
            "/a?sid=7": (200, HTML, page()),
        }
    )
    result = run(site)
    assert page_urls(result) == [f"{BASE}/", f"{BASE}/a", f"{BASE}/a?sid=7"]  # a short sid is a section id
    assert site.fetched("GET").count(f"{BASE}/a") == 1


def test_endless_calendar_is_cut_by_the_variant_cap() -> None:
    def month(request: httpx.Request) -> httpx.Response:
        n = int(request.url.params.get("month", "0"))
        return httpx.Response(200, headers=HTML, content=page(f"/calendar?month={n + 1}&view=grid"))

    site = Site({"/": (200, HTML, page("/calendar?month=0&view=grid")), "/calendar*": month})
    result = run(site, max_pages=500, max_depth=1000, max_url_variants=5, check_links=0)
    assert len(result.pages) == 6  # the home page and five months
    [trap] = decisions_with(result, "trap: more than 5 URLs like example.gov/calendar?month=…&view=…")
    assert trap.url == f"{BASE}/calendar?month=5&view=grid"
    assert len(site.requests) < 15


def test_ever_deeper_paths_are_refused() -> None:
    def deeper(request: httpx.Request) -> httpx.Response:  # a relative link to itself, one level down
        return httpx.Response(200, headers=HTML, content=page("a/", title=request.url.path))

    site = Site({"/": (200, HTML, page("/a/")), "/a/*": deeper})
    result = run(site, max_pages=500, max_depth=1000, max_segment_repeats=3, max_url_variants=1000, check_links=0)
    assert page_urls(result) == [f"{BASE}/", f"{BASE}/a/", f"{BASE}/a/a/", f"{BASE}/a/a/a/"]
    [trap] = decisions_with(result, "trap: path segment 'a' repeated 4 times")
    assert trap.url == f"{BASE}/a/a/a/a/"


def test_overlong_urls_are_refused() -> None:
    site = Site({"/": (200, HTML, page("/" + "x" * 3000, "/short")), "/short": (200, HTML, page())})
    result = run(site)
    assert page_urls(result) == [f"{BASE}/", f"{BASE}/short"]
    assert decisions_with(result, "trap: URL longer than 2000 characters")


def test_thousands_of_links_stay_bounded_and_fast() -> None:
    links = [f"/section-{i % 97}/item-{chr(97 + i % 26)}{i}" for i in range(20_000)]
    site = Site(
        {"/": (200, HTML, page(*links)), "/section-*": lambda r: httpx.Response(200, headers=HTML, content=page())}
    )
    began = time.perf_counter()
    result = run(site, max_pages=20, check_links=10)
    assert time.perf_counter() - began < 10
    assert len(result.pages) == 20
    assert len(site.requests) < 60  # robots, start, 19 pages, probes: not 20,000


def test_identical_bodies_are_audited_once() -> None:
    same = page("/other")
    site = Site(
        {
            "/": (200, HTML, page("/index.html", "/home", "/other")),
            "/index.html": (200, HTML, same),
            "/home": (200, HTML, same),
            "/other": (200, HTML, page()),
        }
    )
    result = run(site)
    assert page_urls(result) == [f"{BASE}/", f"{BASE}/index.html", f"{BASE}/other"]
    assert result.site.duplicate_pages == {f"{BASE}/home": f"{BASE}/index.html"}
    assert reasons(result, f"{BASE}/home")[-1] == f"duplicate content of {BASE}/index.html"
    assert result.site.link_status[f"{BASE}/home"] == 200


def counting(*answers: tuple[int, dict[str, str]]) -> Callable[[httpx.Request], httpx.Response]:
    """Answer with each (status, headers) in turn, then a page for ever."""
    calls = iter(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        status, headers = next(calls, (200, HTML))
        return httpx.Response(status, headers=headers, content=page() if status == 200 else b"busy")

    return handler


def test_429_waits_as_told_capped_then_succeeds() -> None:
    site = Site(
        {
            "/": (200, HTML, page("/busy")),
            "/busy": counting((429, {"retry-after": "120"}), (429, {"retry-after": "0"})),
        }
    )
    sleeps: list[float] = []
    result = run(site, sleeps=sleeps, max_retry_after=0.2)
    assert page_urls(result) == [f"{BASE}/", f"{BASE}/busy"]
    assert f"{BASE}/busy" not in result.not_assessable
    assert sleeps == [0.2]  # 120 s capped; then 0 s as told (no sleep at all)
    assert [d.reason for d in result.decisions if d.action == "retrying"] == [
        "HTTP 429: waiting 0.2 s",
        "HTTP 429: waiting 0.0 s",
    ]


def test_lasting_429_is_rate_limited_not_broken() -> None:
    site = Site({"/": (200, HTML, page("/busy")), "/busy": (429, {"retry-after": "1"}, b"slow down")})
    sleeps: list[float] = []
    result = run(site, sleeps=sleeps, max_retry_after=0.2, retries=2)
    assert result.not_assessable == {f"{BASE}/busy": "rate limited (HTTP 429, 3 attempts)"}
    assert site.fetched("GET").count(f"{BASE}/busy") == 3
    assert sleeps == [0.2, 0.2]
    assert f"{BASE}/busy" not in result.site.link_status  # not a broken link


def test_5xx_burst_is_retried_with_backoff_and_lasting_500_is_not() -> None:
    site = Site(
        {
            "/": (200, HTML, page("/flaky", "/down", "/gateway")),
            "/flaky": counting((503, {}), (502, {})),
            "/down": (500, HTML, b"broken"),
            "/gateway": (504, HTML, b"gateway"),
        }
    )
    sleeps: list[float] = []
    result = run(site, sleeps=sleeps, retry_backoff=0.1, max_retry_after=0.15)
    assert f"{BASE}/flaky" in page_urls(result) and f"{BASE}/flaky" not in result.not_assessable
    assert site.fetched("GET").count(f"{BASE}/down") == 1
    assert result.not_assessable == {f"{BASE}/down": "HTTP 500", f"{BASE}/gateway": "HTTP 504"}
    assert site.fetched("GET").count(f"{BASE}/gateway") == 3
    assert sleeps == [0.1, 0.15, 0.1, 0.15]  # doubling backoff, capped


def test_retry_after_forms() -> None:
    from crawlers.retry import retry_after

    assert retry_after("7") == 7.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0.0
    assert retry_after("soon") is None and retry_after(None) is None and retry_after("-3") is None


def test_trickled_body_hits_the_total_deadline() -> None:
    def trickle() -> Iterator[bytes]:
        yield b"<html><title>slow</title>"
        for _ in range(10_000):
            time.sleep(0.01)
            yield b" "

    site = Site(
        {"/": (200, HTML, page("/slow")), "/slow": lambda r: httpx.Response(200, headers=HTML, content=trickle())}
    )
    began = time.perf_counter()
    result = run(site, fetch_timeout=0.5, check_links=0)
    assert time.perf_counter() - began < 3
    assert result.not_assessable == {f"{BASE}/slow": "timed out"}


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/html; charset=utf-8xyz", b"<html><a href='/caf\xc3\xa9'>x</a></html>"),
        ("text/html; charset=base64", b"<html><a href='/caf\xc3\xa9'>x</a></html>"),
        ("text/html; charset=idna", b"<html><a href='/caf\xc3\xa9'>x</a></html>"),
        ("text/html; charset=utf-8", "\ufeff<html><a href='/café'>x</a></html>".encode("utf-16-le")),  # BOM wins
        ("text/html; charset=utf-8", b"<html>\xff\xfe\x00<a href='/caf\xc3\xa9'>x</a>\x00</html>"),
        ("text/html", b"<html><meta charset='no-such-charset'><a href='/caf\xc3\xa9'>x</a></html>"),
    ],
)
def test_broken_charsets_do_not_stop_link_extraction(content_type: str, body: bytes) -> None:
    site = Site({"/": (200, {"content-type": content_type}, body), "/caf%C3%A9": (200, HTML, page())})
    result = run(site)
    assert page_urls(result) == [f"{BASE}/", f"{BASE}/caf%C3%A9"]


def test_binary_served_as_html_and_downloads_are_not_pages() -> None:
    site = Site(
        {
            "/": (200, HTML, page("/report", "/export", "/photo")),
            "/report": (200, HTML, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj" + bytes(range(256))),
            "/export": (200, {**HTML, "content-disposition": "attachment; filename=data.html"}, page()),
            "/photo": (200, {}, b"\x89PNG\r\n\x1a\n" + bytes(300)),
        }
    )
    result = run(site)
    assert page_urls(result) == [f"{BASE}/"]
    assert reasons(result, f"{BASE}/report")[-1] == "not HTML (binary content served as text/html)"
    assert reasons(result, f"{BASE}/export")[-1] == "a download (Content-Disposition: attachment)"
    assert reasons(result, f"{BASE}/photo")[-1] == "not HTML (binary content served as no content type)"
    assert set(result.site.non_html) == {f"{BASE}/report", f"{BASE}/export", f"{BASE}/photo"}


def test_start_page_that_is_binary_is_listed_not_assessable() -> None:
    result = run(Site({"/": (200, HTML, b"\x00\x01\x02\x03" * 100)}))
    assert result.not_assessable == {f"{BASE}/": "not HTML (binary content served as text/html)"}


def test_numbered_pages_are_content_not_a_trap() -> None:
    """/p1.html ... /p29.html are thirty pages, not an endless space: only id segments and query variants are capped."""
    links = "".join(f"<a href='/p{i}.html'>Page {i}</a>" for i in range(1, 30))
    site = Site(
        {
            "/": (200, HTML, page(*[f"/p{i}.html" for i in range(1, 30)])),
            **{f"/p{i}.html": (200, HTML, page()) for i in range(1, 30)},
        }
    )
    result = run(site, max_pages=40, check_links=0)
    assert len(result.pages) == 30, links
    assert not [d for d in result.decisions if d.reason.startswith("trap")]


# ---------------------------------------------------------------------------
# Signed in: the login's cookies, signing in again, "login required"
# ---------------------------------------------------------------------------


class _FakeLogin:
    """A login as discovery sees it: its client's cookie is the session; ``renew`` makes a new one."""

    def __init__(self, client: httpx.Client, sessions: list[str], *, can_renew: bool) -> None:
        self.client, self.sessions, self.can_renew = client, sessions, can_renew
        self.login_page = BASE + "/login"
        self.renewals = 0
        client.cookies.set("sid", sessions[-1], domain="example.gov", path="/")

    def renew(self) -> bool:
        if not self.can_renew:
            return False
        self.renewals += 1
        self.sessions.append(f"s-{len(self.sessions) + 1}")
        self.client.cookies.clear()
        self.client.cookies.set("sid", self.sessions[-1], domain="example.gov", path="/")
        return True

    def required(self) -> str:
        return "login required: the login journey sign-in did not complete"


def _members_site(sessions: list[str], uses: dict[str, int], per_session: int) -> Site:
    """/account and /mail need the ``sid`` cookie of a live session; a session serves ``per_session``
    requests, then sends to the login page. /account renews the cookie (its value must not be kept)."""

    def members(request: httpx.Request) -> httpx.Response:
        sid = request.headers.get("cookie", "").removeprefix("sid=")
        if sid not in sessions or uses.get(sid, 0) >= per_session:
            return httpx.Response(302, headers={"location": "/login?next=" + request.url.path})
        uses[sid] = uses.get(sid, 0) + 1
        headers = {**HTML, "set-cookie": f"sid={sid}; Path=/; HttpOnly; Secure"}
        return httpx.Response(200, headers=headers, content=page("/mail", title=request.url.path))

    def api(request: httpx.Request) -> httpx.Response:  # answers 401 rather than sending to the login page
        sid = request.headers.get("cookie", "").removeprefix("sid=")
        if sid not in sessions or uses.get(sid, 0) >= per_session:
            return httpx.Response(401, headers=HTML, content=b"<html><p>Sign in first</p></html>")
        uses[sid] = uses.get(sid, 0) + 1
        return httpx.Response(200, headers=HTML, content=page(title="Forms"))

    return Site(
        {
            "/": (200, HTML, page("/account", "/mail", "/sign-out", "/login", "/forms")),
            "/login": (200, HTML, page(title="Sign in")),
            "/account": members,
            "/mail": members,
            "/forms": api,
            "/sign-out": (200, HTML, page(title="Signed out")),
        }
    )


def test_discovery_signed_in_asks_again_after_signing_in_and_keeps_no_cookie_value() -> None:
    sessions, uses = ["s-1"], {}
    site = _members_site(sessions, uses, per_session=1)
    client = site.client()
    login = _FakeLogin(client, sessions, can_renew=True)
    result = discover(client, BASE + "/", DiscoverySettings(user_agent=UA, check_links=0), login=login)
    # /account used the first session; /mail was sent to the login page, signed in again, and asked
    # once more; /forms answered 401 (authentication required): the same.
    assert page_urls(result) == [f"{BASE}/", f"{BASE}/account", f"{BASE}/mail", f"{BASE}/login", f"{BASE}/forms"]
    assert result.not_assessable == {} and login.renewals == 2 and uses == {"s-1": 1, "s-2": 1, "s-3": 1}
    assert any("sent to the login page); signed in again" in r for r in reasons(result, f"{BASE}/mail"))
    assert any("HTTP 401); signed in again" in r for r in reasons(result, f"{BASE}/forms"))
    # A sign-out link is not followed (it would end the session); a cookie's value is not kept.
    assert f"{BASE}/sign-out" not in site.fetched("GET")
    assert "would end the login session" in " ".join(reasons(result, f"{BASE}/sign-out"))
    facts = result.http[f"{BASE}/account"]
    assert facts.set_cookies == ["sid=[value not kept]; Path=/; HttpOnly; Secure"]
    assert "s-1" not in str(facts.model_dump())


def test_discovery_without_a_session_marks_pages_behind_the_login_not_assessable() -> None:
    sessions: list[str] = ["s-1"]
    site = _members_site(sessions, {}, per_session=0)  # no session is ever good: the login did not complete
    client = site.client()
    login = _FakeLogin(client, sessions, can_renew=False)
    result = discover(client, BASE + "/", DiscoverySettings(user_agent=UA, check_links=0), login=login)
    assert result.not_assessable == {
        f"{BASE}/account": login.required(),
        f"{BASE}/mail": login.required(),
        f"{BASE}/forms": login.required(),
    }
    assert f"{BASE}/login" in page_urls(result) and f"{BASE}/login" not in result.not_assessable
    # Without a login, the same redirect is followed as before: the login page is where it lands.
    plain = run(_members_site([], {}, per_session=0), check_links=0)
    assert plain.not_assessable == {} and f"{BASE}/account" not in page_urls(plain)
    assert f"{BASE}/forms" not in page_urls(plain) and plain.site.link_status[f"{BASE}/forms"] == 401
