"""Breadth-first discovery: which pages of a site to audit, and the HTTP facts met on the way.

Order of work, and why:

1. ``/robots.txt`` of the start origin first, because it decides whether we may
   fetch anything at all (RFC 9309; see :mod:`crawlers.robots`).
2. The start page, so an unreachable site fails fast with one clear message.
3. Sitemaps (robots.txt ``Sitemap:`` lines, wherever hosted, else ``/sitemap.xml``):
   their in-scope URLs are queued at depth 1 *after* the start page's own links. The home page's
   navigation is the better sample of what a citizen meets; sitemap order is
   often alphabetical or by date.
4. The link crawl, breadth first, until the page budget or the depth limit.
5. Cheap site probes: link targets we did not fetch (HEAD), a made-up URL (how
   does the site answer a 404?), ``/.well-known/security.txt`` and, for https
   sites, the plain-http form.

Redirects are followed by hand, one hop at a time, so every hop is scope- and
robots-checked and recorded. Bodies are streamed under a byte cap and every fetch
has a total deadline; 429 and 502/503/504 answers are asked again after a capped
wait. URL spaces without end (calendars, session ids, ``/a/a/a/``, ``/item/N``) are cut, and
identical bodies are audited once. Every request counts against the run's budget and its URL
pattern's (:mod:`crawlers.budget`): 404s, redirects and duplicates are not free.

The parts live beside this module: the HTTP transport and the address policy on the wire
(:mod:`crawlers.transport`), fetching one URL under caps and decoding it (:mod:`crawlers.fetch`), link
extraction (:mod:`crawlers.links`) and the site probes (:mod:`crawlers.probes`). Here: the settings,
the frontier and its trap rules, and the crawl that ties them together.

Nothing here judges what it finds: a 404 is a link status, not a failure of the audit.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, Protocol
from urllib.parse import urlsplit

import httpx

from crawlers.budget import RequestBudget, RequestBudgetSpent, default_budget
from crawlers.fetch import (
    HTML_TYPES,
    MAX_ROBOTS_REDIRECTS,
    Fetched,
    Http,
    charset_of,
    looks_binary,
    looks_like_html,
    media_type_of,
    read_capped,
    redirect_location,
    status_text,
    type_by_extension,
    unassessable_reason,
)
from crawlers.links import page_shape
from crawlers.pacing import Politeness, politeness
from crawlers.plainwords import plain_error
from crawlers.probes import probe_https, probe_not_found, probe_security_txt
from crawlers.retry import RetryPolicy
from crawlers.robots import MAX_ROBOTS_BYTES, RobotsPolicy, parse_robots
from crawlers.sitemaps import MAX_SITEMAP_FILES, read_sitemaps
from crawlers.transport import refusal_of
from crawlers.urls import Scope, normalize_url, origin_of, url_pattern
from maturity.core.model import HttpFacts, PageRef, Redirect, SiteFacts, SitemapFacts
from maturity.kernel.errors import BlockedByRobots, InvalidURL, SiteUnreachable, UsageError

__all__ = ["Decision", "Discovery", "DiscoverySettings", "discover"]


@dataclass(frozen=True, kw_only=True)
class DiscoverySettings:
    """Limits of one discovery run. Validated on construction (a bad value is a usage error)."""

    user_agent: str
    max_pages: int = 50  # pages to audit (HTML pages), start page included
    max_depth: int = 3  # link depth from the start page (start = 0); sitemap URLs count as depth 1
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    respect_robots: bool = True
    max_crawl_delay: float = 10.0  # cap on robots crawl-delay, seconds
    delay: float | None = None  # seconds between requests asked for by the user (see crawlers.pacing)
    check_links: int = 200  # extra internal link targets probed (HEAD, GET on 405/501) for their status
    max_page_bytes: int = 10_000_000  # bodies are streamed; a larger page is "not assessable: too large"
    max_redirects: int = 10
    # The port of the site's plain-HTTP listener, for the http -> https probe of a start URL that
    # names a port (a test server pair on 127.0.0.1); None: probe only port-less https start URLs.
    http_port: int | None = None
    # Hostile and broken sites (see ``_Crawl._trap`` and ``_Crawl._fetch``): each limit keeps one site
    # from holding or steering the crawl.
    fetch_timeout: float = 30.0  # total seconds for one fetch (redirects and body), however slowly bytes trickle
    retries: int = 2  # extra attempts after a 429, 502, 503 or 504 answer
    max_retry_after: float = 30.0  # cap on a server's Retry-After (and on our own backoff), seconds
    retry_backoff: float = 1.0  # first wait before retrying a 5xx without Retry-After; doubles each time
    max_url_variants: int = 10  # URLs queued per pattern (path with ids generalised, query names)
    max_segment_repeats: int = 3  # a path with one segment more often than this is a trap (/a/a/a/a)
    max_url_length: int = 2000  # longer URLs are not queued
    # Requests in all (robots.txt, sitemaps, pages, redirect hops, retries, probes). None: the default of
    # crawlers.budget.default_budget, 4 x max_pages + check_links + 30; 404s and duplicates are not free.
    max_requests: int | None = None

    def __post_init__(self) -> None:
        minimums = {
            "max_pages": (self.max_pages, 1),
            "max_depth": (self.max_depth, 0),
            "max_crawl_delay": (self.max_crawl_delay, 0),
            "delay": (self.delay or 0, 0),
            "check_links": (self.check_links, 0),
            "max_page_bytes": (self.max_page_bytes, 1),
            "max_redirects": (self.max_redirects, 0),
            "fetch_timeout": (self.fetch_timeout, 0.1),
            "retries": (self.retries, 0),
            "max_retry_after": (self.max_retry_after, 0),
            "retry_backoff": (self.retry_backoff, 0),
            "max_url_variants": (self.max_url_variants, 1),
            "max_segment_repeats": (self.max_segment_repeats, 1),
            "max_url_length": (self.max_url_length, 100),
            "max_requests": (self.request_budget, 10),
        }
        for name, (value, minimum) in minimums.items():
            if value < minimum:
                raise UsageError(f"{name} must be at least {minimum}, got {value}")
        if not self.user_agent.strip():
            raise UsageError("user_agent must not be empty")

    @property
    def request_budget(self) -> int:
        """Requests one run may make: ``max_requests``, else ``4 x max_pages + check_links + 30``."""
        if self.max_requests is not None:
            return self.max_requests
        return default_budget(self.max_pages, self.check_links)

    @property
    def pattern_request_budget(self) -> int:
        """Requests per URL pattern: each of its ``max_url_variants`` URLs asked ``retries + 1`` times."""
        return self.max_url_variants * (self.retries + 1)


@dataclass(frozen=True)
class Decision:
    """One thing the crawler decided about one URL, so ``--verbose`` can say why."""

    url: str
    action: str  # "queued", "skipped", "fetched", "failed", "retrying"
    reason: str


@dataclass(frozen=True)
class Discovery:
    """What discovery hands the browser stage: the pages, their HTTP facts and the site facts."""

    pages: list[PageRef]  # HTML pages to audit, BFS order, <= max_pages, start page first
    http: dict[str, HttpFacts]  # keyed by PageRef.url: the GET that fetched it
    not_assessable: dict[str, str]  # PageRef.url -> reason
    site: SiteFacts
    decisions: list[Decision]
    requests: int = 0  # requests made, every one counted (see crawlers.budget)
    request_budget: int = 0
    stopped: str | None = None  # why discovery stopped early ("discovery stopped after N requests ...")
    politeness: Politeness = field(default_factory=lambda: politeness(None, None, 0))
    shells: dict[str, str] = field(default_factory=dict)  # page URL -> template fingerprint
    nav_links: list[str] = field(default_factory=list)  # the start page's main navigation
    last_request_at: float | None = None  # time.monotonic() of discovery's last request (the browser waits on)
    # Documents (crawlers.documents): non-HTML URL -> the pages linking to it, and those a sitemap lists.
    referrers: dict[str, list[str]] = field(default_factory=dict)
    in_sitemaps: frozenset[str] = frozenset()
    # Why a URL may not be fetched (out of scope, robots.txt), or None: for the collectors after discovery.
    may_fetch: Callable[[str], str | None] | None = None


class DiscoveryLogin(Protocol):
    """A site's login as discovery sees it; the client already carries the session's cookies."""

    @property
    def login_page(self) -> str: ...

    def renew(self) -> bool:
        """Sign in again after the session ended (the client's cookies then hold the new session);
        True when signed in. Bounded by the login itself."""
        ...

    def required(self) -> str:
        """The reason a page that needs the login is not assessable ("login required: ...")."""
        ...


# Links that would end the login session if followed (a GET to sign out): not fetched when signed in.
_SIGN_OUT = re.compile(r"(log|sign)[-_ ]?(out|off)|logoff|signoff|abmelden", re.IGNORECASE)


def discover(
    client: httpx.Client,
    start_url: str,
    settings: DiscoverySettings,
    *,
    on_event: Callable[[Decision], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    login: DiscoveryLogin | None = None,
) -> Discovery:
    """Find the pages to audit, breadth first from ``start_url``.

    Raises :class:`InvalidURL` for a start URL that is not http(s) with a host,
    :class:`BlockedByRobots` when robots.txt disallows the start URL (unless
    ``respect_robots`` is off) and :class:`SiteUnreachable` when the start URL gets
    no HTTP response at all. Everything else (404s, 5xx, loops, huge pages) is
    recorded, not raised.

    With ``login`` (the client carrying its session's cookies), a redirect to the login page
    from another page means the session ended: discovery signs in again (``login.renew``) and
    asks once more; a page still sent there is "not assessable: login required". Sign-out links
    are not followed, and the values of cookies the site sets are not kept.
    """
    start = normalize_url(start_url)
    if start is None:
        raise InvalidURL(f"not an http(s) URL with a host: {start_url!r}")
    return _Crawl(client, start, settings, on_event, sleep, login).run()


# ---------------------------------------------------------------------------
# The crawl
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    url: str
    depth: int
    source: Literal["start", "sitemap", "link"]
    referrer: str | None = None


class _Crawl:
    """State of one discovery run. ``run`` is the only entry point."""

    def __init__(
        self,
        client: httpx.Client,
        start: str,
        settings: DiscoverySettings,
        on_event: Callable[[Decision], None] | None,
        sleep: Callable[[float], None],
        login: DiscoveryLogin | None = None,
    ) -> None:
        self.client = client
        self.login = login
        self.start = start
        self.settings = settings
        self.scope = Scope(start_url=start, include=settings.include, exclude=settings.exclude)
        budget = RequestBudget(settings.request_budget, per_pattern=settings.pattern_request_budget)
        self.http = Http(client, settings.user_agent, sleep, budget, on_spent=self._budget_spent)
        self.stopped: str | None = None
        self.politeness = politeness(settings.delay, None, settings.max_crawl_delay)
        self.on_event = on_event
        self.pages: list[PageRef] = []
        self.page_urls: set[str] = set()
        self.facts: dict[str, HttpFacts] = {}
        self.not_assessable: dict[str, str] = {}
        self.link_status: dict[str, int | None] = {}
        self.non_html: dict[str, str] = {}
        self.decisions: list[Decision] = []
        self.seen: set[str] = set()
        self.queue: deque[_Entry] = deque()
        self.unfetched_links: list[str] = []  # probe candidates, in discovery order
        self.lastmods: dict[str, str] = {}
        self.robots: dict[str, RobotsPolicy] = {}
        self.site_origin = origin_of(start)
        self.patterns: dict[str, int] = {url_pattern(start): 1}  # URL pattern -> URLs queued (traps)
        self.digests: dict[str, str] = {}  # sha256 of a page's body -> the page (duplicate content)
        self.duplicates: dict[str, str] = {}  # URL -> the page with the same body
        self.shells: dict[str, str] = {}  # page URL -> its template's fingerprint (crawlers.links.page_shape)
        self.nav_links: list[str] = []  # links of the start page's main navigation
        self.links_to: dict[str, list[str]] = {}  # URL -> pages linking to it (the document collector's ranks)
        self.in_sitemaps: set[str] = set()

    # -- bookkeeping ---------------------------------------------------------

    def decide(self, url: str, action: str, reason: str) -> None:
        decision = Decision(url=url, action=action, reason=reason)
        self.decisions.append(decision)
        if self.on_event is not None:
            self.on_event(decision)

    def _budget_spent(self) -> None:
        """Say once, as an event, that the request budget ended discovery."""
        if self.stopped is not None:
            return
        budget = self.http.budget
        how = "max_requests" if self.settings.max_requests is not None else "4 x max_pages + check_links + 30"
        self.stopped = f"discovery stopped after {budget.made} requests (request budget {budget.limit}: {how})"
        self.decide(self.start, "stopped", self.stopped)

    # -- main line -----------------------------------------------------------

    def run(self) -> Discovery:
        crawled_at = datetime.now(UTC).isoformat(timespec="seconds")
        start_robots = self._start_robots()
        start_allowed = start_robots.allowed(self.start)
        if not start_allowed and self.settings.respect_robots:
            raise BlockedByRobots(_blocked_message(start_robots, self.start, self.settings.user_agent))
        start_links = self._crawl_start()
        sitemap_facts, sitemap_entries = self._read_sitemaps(start_robots)
        if self.pages[0].url in self.lastmods:
            self.pages[0] = self.pages[0].model_copy(update={"lastmod": self.lastmods[self.pages[0].url]})
        for link in start_links:
            self._consider(_Entry(link, 1, "link", self.pages[0].url))
        for loc, _lastmod in sitemap_entries:
            self._consider(_Entry(loc, 1, "sitemap"))
        self._crawl_queue()
        self._probe_links()
        site = SiteFacts(
            start_url=self.start,
            robots=start_robots.facts(start_allowed),
            sitemaps=sitemap_facts,
            link_status=self.link_status,
            non_html=self.non_html,
            duplicate_pages=self.duplicates,
            http_redirects_to_https=probe_https(
                http=self.http, start=self.start, http_port=self.settings.http_port, decide=self.decide
            ),
            not_found_status=probe_not_found(
                site_origin=self.site_origin, robots_allows=self._robots_allows, fetch=self._fetch, decide=self.decide
            ),
            homepage_url=self.site_origin + "/",
            security_txt=probe_security_txt(
                http=self.http,
                site_origin=self.site_origin,
                robots_allows=self._robots_allows,
                deadline=self._deadline,
                decide=self.decide,
            ),
            page_lastmod={p.url: p.lastmod for p in self.pages if p.lastmod},
            crawled_at=crawled_at,
        )
        return Discovery(
            pages=self.pages,
            http=self.facts,
            not_assessable=self.not_assessable,
            site=site,
            decisions=self.decisions,
            requests=self.http.budget.made,
            request_budget=self.http.budget.limit,
            stopped=self.stopped,
            politeness=self.politeness,
            last_request_at=self.http.last_request_at,
            shells=self.shells,
            nav_links=self.nav_links,
            referrers={u: sorted(set(self.links_to.get(u, []))) for u in self.non_html},
            in_sitemaps=frozenset(u for u in self.in_sitemaps if u in self.non_html),
            may_fetch=self.may_fetch,
        )

    def may_fetch(self, url: str) -> str | None:
        """Why ``url`` may not be fetched (out of scope, disallowed by robots.txt), or None."""
        why_not = self.scope.reason(url)
        if why_not is not None:
            return f"out of scope: {why_not}"
        if not self._robots_allows(url):
            return "disallowed by robots.txt"
        return None

    # -- robots --------------------------------------------------------------

    def _start_robots(self) -> RobotsPolicy:
        """robots.txt of the start origin.

        No connection (or a timeout) on the very first request means the site is
        down: that is reported as unreachable, not as "blocked by robots.txt",
        which is what RFC 9309 would otherwise make of an unreachable robots.txt.
        """
        origin = origin_of(self.start)
        try:
            policy = self._fetch_robots(origin, raise_unreachable=True)
        except httpx.TimeoutException:
            raise SiteUnreachable(f"cannot connect to {self.start}: timed out") from None
        except httpx.ConnectError as exc:
            raise SiteUnreachable(f"cannot connect to {self.start}: {plain_error(exc)}") from None
        self.politeness = politeness(self.settings.delay, policy.crawl_delay, self.settings.max_crawl_delay)
        self.http.delay = self.politeness.discovery_gap_s
        self.robots[origin] = policy
        return policy

    def _fetch_robots(self, origin: str, *, raise_unreachable: bool = False) -> RobotsPolicy:
        url = origin + "/robots.txt"
        current = url
        status: int | None = None
        body: bytes | None = None
        problem: str | None = None
        try:
            for _ in range(MAX_ROBOTS_REDIRECTS + 1):
                with self.http.stream("GET", current) as response:
                    status = response.status_code
                    target = redirect_location(response, current)
                    if not target:  # not a redirect, or one to nowhere usable
                        body = read_capped(response, MAX_ROBOTS_BYTES, self._deadline())[0] if status < 300 else None
                        break
                current = target
        except (httpx.ConnectError, httpx.TimeoutException) as exc:
            if raise_unreachable and current == url:
                raise
            status, problem = None, refusal_of(exc)
        except (httpx.HTTPError, httpx.InvalidURL):
            status = None
        except RequestBudgetSpent as exc:  # nothing more is fetched from this origin
            status, problem = None, str(exc)
        self.decide(url, "fetched" if status is not None else "failed", f"robots.txt: {problem or f'HTTP {status}'}")
        return parse_robots(url, status, body, self.settings.user_agent)

    def _robots_allows(self, url: str) -> bool:
        """Per origin, as RFC 9309 scopes robots.txt (``www.`` and bare host each have their own)."""
        if not self.settings.respect_robots:
            return True
        origin = origin_of(url)
        if origin not in self.robots:
            self.robots[origin] = self._fetch_robots(origin)
        return self.robots[origin].allowed(url)

    # -- fetching ------------------------------------------------------------

    def _fetch(self, url: str, *, method: str = "GET", read_html: bool = True, start: bool = False) -> Fetched:
        """Follow redirects hop by hop; read the body only of a 2xx HTML answer.

        The whole fetch has ``fetch_timeout`` seconds. A 429, 502, 503 or 504 answer is tried
        again ``retries`` times, after its Retry-After (or a doubling backoff), capped at
        ``max_retry_after``.
        """
        result = Fetched(requested=url, final_url=url, status=None)
        deadline = self._deadline()
        visited = {url}
        current = url
        signed_in_again = False
        while True:
            result.final_url = current
            began = time.perf_counter()
            wait: float | None = None
            try:
                with self.http.stream(method, current) as response:
                    target = redirect_location(response, current)
                    result.status = response.status_code
                    result.headers = {k.lower(): v for k, v in response.headers.items()}
                    result.set_cookies = response.headers.get_list("set-cookie")
                    if self.login is not None:  # a signed-in crawl keeps no cookie's value (a session's)
                        result.set_cookies = [_without_value(c) for c in result.set_cookies]
                        if "set-cookie" in result.headers:
                            result.headers["set-cookie"] = ", ".join(result.set_cookies)
                    wait = self._retry_wait(response, result.retries)
                    lost = self._sent_to_login(url, target, response.status_code)
                    if target is None and wait is None and not lost:
                        self._finish(result, response, read_html, deadline)
                        result.elapsed_ms += (time.perf_counter() - began) * 1000
                        return result
            except httpx.TimeoutException:
                result.status, result.problem, result.timed_out = None, "timed out", True
                return result
            except RequestBudgetSpent as exc:
                result.status, result.problem, result.budget_spent = None, str(exc), True
                return result
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                refusal = refusal_of(exc)
                result.status, result.refused = None, refusal is not None
                result.problem = refusal or f"connection failed: {plain_error(exc)}"
                return result
            result.elapsed_ms += (time.perf_counter() - began) * 1000
            if lost and self.login is not None:
                if not signed_in_again and self.login.renew():  # the session ended: sign in again, ask once more
                    signed_in_again = True
                    how = "HTTP 401" if result.status == 401 else "sent to the login page"
                    self.decide(url, "retrying", f"the login session ended ({how}); signed in again")
                    result = Fetched(requested=url, final_url=url, status=None, retries=result.retries)
                    visited, current = {url}, url
                    continue
                result.problem, result.login_required = self.login.required(), True
                return result
            if wait is not None:
                result.retries += 1
                self.decide(current, "retrying", f"HTTP {result.status}: waiting {wait:.1f} s")
                self.http.wait(wait)
                continue
            assert target is not None
            problem = self._hop_problem(target, visited, len(result.redirects), start)
            if problem is not None:
                result.problem = problem
                result.redirect_blocked = problem.startswith(("redirects out of scope", "redirect target"))
                return result
            result.redirects.append(Redirect(url=current, status=response.status_code))
            visited.add(target)
            current = target

    def _sent_to_login(self, url: str, target: str | None, status: int) -> bool:
        """Signed in, asking for ``url`` (not the login page) was answered as if not signed in: a
        redirect to the login page, or 401 (authentication required)."""
        login = self.login
        if login is None or _same_page(url, login.login_page):
            return False
        return status == 401 or (target is not None and target != "" and _same_page(target, login.login_page))

    def _retry_wait(self, response: httpx.Response, retries: int) -> float | None:
        """Seconds to wait before asking again, or None when this answer is final."""
        s = self.settings
        policy = RetryPolicy(retries=s.retries, max_retry_after=s.max_retry_after, backoff=s.retry_backoff)
        return policy.wait(response.status_code, response.headers.get("retry-after"), retries)

    def _hop_problem(self, target: str, visited: set[str], hops: int, start: bool) -> str | None:
        if target == "":
            return "redirect to a non-http(s) URL"
        if target in visited:
            return "redirect loop"
        if hops >= self.settings.max_redirects:
            return f"too many redirects (> {self.settings.max_redirects})"
        # The start page may land anywhere on its own host: patterns pick pages, not the home page.
        reason = (None if self.scope.same_host(target) else "other host") if start else self.scope.reason(target)
        if reason is not None:
            return f"redirects out of scope: {reason} ({target})"
        if not self._robots_allows(target):
            return f"redirect target disallowed by robots.txt ({target})"
        return None

    def _finish(self, result: Fetched, response: httpx.Response, read_html: bool, deadline: float) -> None:
        result.media_type = media_type_of(response.headers)
        if not (read_html and 200 <= response.status_code < 300):
            return
        if "attachment" in response.headers.get("content-disposition", "").lower():
            result.not_page = "a download (Content-Disposition: attachment)"
            return
        if result.media_type and result.media_type not in HTML_TYPES:
            return
        body, size = read_capped(response, self.settings.max_page_bytes, deadline)
        result.body_bytes = size
        if body is None:
            result.media_type = result.media_type or "text/html"
            result.problem = f"too large (> {self.settings.max_page_bytes} bytes)"
            result.too_large = True
            return
        if looks_binary(body):
            declared = result.media_type or "no content type"
            result.not_page = f"not HTML (binary content served as {declared})"
            return
        if not result.media_type and looks_like_html(body):
            result.media_type = "text/html"
        result.body = body if result.media_type in HTML_TYPES else None
        if result.body is not None:
            result.digest = hashlib.sha256(body).hexdigest()

    # -- start page ----------------------------------------------------------

    def _crawl_start(self) -> list[str]:
        """Fetch the start page; it is always ``pages[0]``, assessable or not."""
        entry = _Entry(self.start, 0, "start")
        self.seen.add(self.start)
        result = self._fetch(self.start, start=True)
        if result.status is None:
            where = "" if result.final_url == self.start else f" (redirected to {result.final_url})"
            raise SiteUnreachable(f"cannot fetch {self.start}{where}: {result.problem}")
        self._record_status(result)
        landed = not result.redirect_blocked and (result.problem is None or result.too_large)
        url = result.final_url if landed else self.start
        if landed:
            self.site_origin = origin_of(url)
            self.seen.add(url)
        reason = unassessable_reason(result)
        self._add_page(entry, url, result, reason)
        return self._links_of(result, url) if reason is None else []

    # -- queue ---------------------------------------------------------------

    def _consider(self, entry: _Entry) -> None:
        """Decide once per URL whether it is queued, and say why not when it is not."""
        if entry.referrer is not None:
            self.links_to.setdefault(entry.url, []).append(entry.referrer)
        elif entry.source == "sitemap":
            self.in_sitemaps.add(entry.url)
        if entry.url in self.seen:
            if entry.source == "sitemap":
                self.decide(entry.url, "skipped", "duplicate")
            return
        self.seen.add(entry.url)
        why_not = self.scope.reason(entry.url)
        if why_not is not None:
            self.decide(entry.url, "skipped", f"out of scope: {why_not}")
            return
        trap = self._trap(entry.url)
        if trap is not None:
            self.decide(entry.url, "skipped", f"trap: {trap}")
            return
        if not self._robots_allows(entry.url):
            self.decide(entry.url, "skipped", "robots.txt disallows")
            return
        if self.login is not None and _SIGN_OUT.search(urlsplit(entry.url).path):
            self.decide(entry.url, "skipped", "a sign-out link: it would end the login session")
            return
        media_type = type_by_extension(entry.url)
        if media_type is not None:
            self.non_html[entry.url] = media_type
            self.decide(entry.url, "skipped", f"not HTML ({media_type})")
            self._probe_later(entry)
            return
        if entry.depth > self.settings.max_depth:
            self.decide(entry.url, "skipped", "too deep")
            self._probe_later(entry)
            return
        self.queue.append(entry)
        self.decide(entry.url, "queued", f"depth {entry.depth} ({entry.source})")

    def _deadline(self) -> float:
        return time.monotonic() + self.settings.fetch_timeout

    def _trap(self, url: str) -> str | None:
        """Why ``url`` looks like part of an endless URL space, or None.

        Calendars (``?month=`` for ever), ever-deeper relative links (``/a/a/a/``) and pages
        that mint a new URL per visit are bounded by the budget and depth anyway; these rules
        stop them early and say so. Session ids are already gone (:func:`normalize_url`).
        """
        if len(url) > self.settings.max_url_length:
            return f"URL longer than {self.settings.max_url_length} characters"
        parts = urlsplit(url)
        segments = [s for s in parts.path.split("/") if s]
        if segments:
            segment, repeats = Counter(segments).most_common(1)[0]
            if repeats > self.settings.max_segment_repeats:
                return f"path segment {segment!r} repeated {repeats} times"
        pattern = url_pattern(url)
        count = self.patterns.get(pattern, 0)
        if count >= self.settings.max_url_variants:
            return f"more than {self.settings.max_url_variants} URLs like {pattern}"
        self.patterns[pattern] = count + 1
        return None

    def _probe_later(self, entry: _Entry) -> None:
        if entry.source == "link":
            self.unfetched_links.append(entry.url)

    def _crawl_queue(self) -> None:
        while self.queue:
            if self.http.budget.spent:
                for entry in self.queue:
                    self.decide(entry.url, "skipped", "request budget spent")
                self.queue.clear()
                return
            if len(self.pages) >= self.settings.max_pages:
                for entry in self.queue:
                    self.decide(entry.url, "skipped", "page budget reached")
                    self._probe_later(entry)
                self.queue.clear()
                return
            self._visit(self.queue.popleft())

    def _visit(self, entry: _Entry) -> None:
        """Fetch one queued URL and file it as a page, a broken link, a non-HTML target or a failure.

        Pages are what a visitor could land on and we should assess: 2xx HTML,
        plus 5xx answers, 429s that outlasted the retries, too-large bodies and
        timeouts (in ``pages`` but not assessable, so the report shows them).
        Other 4xx answers are broken links, not pages. A body already seen is a
        duplicate: recorded, not audited again, its links not followed.
        """
        if entry.url in self.page_urls:
            self.decide(entry.url, "skipped", "duplicate")
            return
        result = self._fetch(entry.url)
        self._record_status(result)
        if result.login_required:  # a page behind the login, which the crawl does not have
            self._add_page(entry, entry.url, result, result.problem)
            return
        if result.timed_out:
            self._add_page(entry, entry.url, result, "timed out")
            return
        if result.status is None or (result.problem is not None and not result.too_large):
            skipped = result.redirect_blocked or result.refused or result.budget_spent
            self.decide(entry.url, "skipped" if skipped else "failed", result.problem or "?")
            return
        final = result.final_url
        if final != entry.url and final in self.page_urls:
            self.decide(entry.url, "skipped", f"duplicate (redirects to {final})")
            return
        self.seen.add(final)
        original = self.digests.get(result.digest or "")
        if original is not None:
            self.duplicates[final] = original
            self.decide(entry.url, "skipped", f"duplicate content of {original}")
            return
        reason = unassessable_reason(result)
        if result.status >= 500 or result.status == 429 or result.too_large or reason is None:
            self._add_page(entry, final, result, reason)
        elif 200 <= result.status < 300:  # 2xx, not HTML
            self.non_html[final] = result.media_type or "unknown"
            if final != entry.url:  # the pages that link to the URL link to where it lands
                self.links_to.setdefault(final, []).extend(self.links_to.get(entry.url, []))
            self.decide(entry.url, "skipped", reason)
        else:
            self.decide(entry.url, "failed", reason)
        if reason is None:
            for link in self._links_of(result, final):
                self._consider(_Entry(link, entry.depth + 1, "link", final))

    def _add_page(self, entry: _Entry, url: str, result: Fetched, reason: str | None) -> None:
        lastmod = self.lastmods.get(url) or self.lastmods.get(entry.url)
        self.pages.append(
            PageRef(url=url, depth=entry.depth, source=entry.source, referrer=entry.referrer, lastmod=lastmod)
        )
        self.page_urls.add(url)
        if result.digest is not None:
            self.digests.setdefault(result.digest, url)
        facts = result.http_facts()
        if facts is not None:
            self.facts[url] = facts
        if reason is not None:
            self.not_assessable[url] = reason
            self.decide(entry.url, "fetched", f"not assessable: {reason}")
        else:
            self.decide(entry.url, "fetched", f"HTTP {result.status}")

    def _record_status(self, result: Fetched) -> None:
        """Link status of the URL as requested (after redirects) and of where it landed.

        Nothing is recorded when the status is not the link's fault: a hop our address policy
        refused, or a server that kept answering 429 (rate limited).
        """
        if result.refused or result.budget_spent or result.status == 429:
            return
        self.link_status[result.requested] = result.status
        if result.status is not None and not result.redirect_blocked:
            self.link_status[result.final_url] = result.status

    def _links_of(self, result: Fetched, page_url: str) -> list[str]:
        """The page's links; its template fingerprint is kept, and the start page's navigation."""
        if result.body is None:
            return []
        shape = page_shape(result.body, page_url, charset_of(httpx.Headers(result.headers)))
        self.shells[page_url] = shape.shell
        if not self.pages or self.pages[0].url == page_url:
            self.nav_links = shape.nav_links
        return shape.links

    # -- sitemaps ------------------------------------------------------------

    def _read_sitemaps(self, robots: RobotsPolicy) -> tuple[list[SitemapFacts], list[tuple[str, str | None]]]:
        named = [u for u in (normalize_url(s, base=robots.url) for s in robots.sitemaps) if u]
        urls = named or [self.site_origin + "/sitemap.xml"]
        for extra in urls[MAX_SITEMAP_FILES:]:
            self.decide(extra, "skipped", f"sitemap: more than {MAX_SITEMAP_FILES} sitemaps")
        facts, entries = read_sitemaps(
            self.client,
            urls,
            max_urls=sitemap_url_bound(self.settings.max_pages),
            user_agent=self.settings.user_agent,
            before_request=self.http.pace,
        )
        for fact in facts:
            action = "failed" if fact.kind in ("missing", "invalid") else "fetched"
            self.decide(fact.url, action, f"sitemap: {fact.kind}, {fact.url_count} URLs")
        normalised = []
        for loc, lastmod in entries:
            url = normalize_url(loc)
            if url is None:
                continue
            if lastmod:
                self.lastmods.setdefault(url, lastmod)
            normalised.append((url, lastmod))
        return facts, normalised

    # -- link checks (the site probes: crawlers.probes) ----------------------

    def _probe_links(self) -> None:
        """HEAD (GET when HEAD is refused) the link targets we did not fetch, for broken-link checks."""
        probed = 0
        for url in self.unfetched_links:
            if probed >= self.settings.check_links or self.http.budget.spent:
                return
            if url in self.link_status:
                continue
            probed += 1
            result = self._fetch(url, method="HEAD", read_html=False)
            if result.budget_spent:
                self.decide(url, "skipped", f"link check: {result.problem}")
                continue
            if result.status in (405, 501):
                result = self._fetch(url, method="GET", read_html=False)
            self._record_status(result)
            action = "fetched" if result.status is not None and result.status < 400 else "failed"
            self.decide(url, action, f"link check: {status_text(result)}")


def _same_page(url: str, other: str) -> bool:
    """The same page, query and fragment aside (a login page with ``?next=...`` is still the login page)."""
    a, b = urlsplit(url), urlsplit(other)
    return (a.scheme, a.netloc, a.path.rstrip("/")) == (b.scheme, b.netloc, b.path.rstrip("/"))


def _without_value(set_cookie: str) -> str:
    """A Set-Cookie header with its value masked: the name and attributes stay (the cookie checks read them)."""
    head, sep, attributes = set_cookie.partition(";")
    name = head.split("=", 1)[0].strip()
    return f"{name}=[value not kept]{sep}{attributes}"


def sitemap_url_bound(max_pages: int) -> int:
    """Sitemap entries read per run: ``max(100, 10 x max_pages)``. They are queue candidates behind the
    home page's own links, and ten per page leaves room for the out-of-scope, duplicate, non-HTML and
    pattern-capped ones; a fixed 50,000 would read a 1,000,000-URL sitemap to audit 20 pages."""
    return max(100, 10 * max_pages)


def _blocked_message(robots: RobotsPolicy, start: str, user_agent: str) -> str:
    message = f"{robots.url} disallows {start} for user agent {user_agent!r}"
    if robots.found:
        return message
    answer = f"HTTP {robots.status}" if robots.status is not None else "no response"
    return f"{message} (it answered {answer}; RFC 9309 says to assume complete disallow then)"
