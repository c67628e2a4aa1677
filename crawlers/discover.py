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
:class:`GuardedTransport` puts the run's address policy (:mod:`crawlers.netpolicy`) on the wire.
Nothing here judges what it finds: a 404 is a link status, not a failure of the audit.
"""

from __future__ import annotations

import contextvars
import hashlib
import re
import secrets
import ssl
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import httpcore
import httpx
import lxml.html
from lxml import etree

from crawlers.budget import RequestBudget, RequestBudgetSpent, default_budget
from crawlers.netpolicy import AddressPolicy, AddressRefused, LookupTimeout
from crawlers.plainwords import plain_error
from crawlers.retry import RetryPolicy
from crawlers.robots import MAX_ROBOTS_BYTES, RobotsPolicy, parse_robots
from crawlers.sitemaps import MAX_SITEMAP_FILES, read_sitemaps
from crawlers.urls import Scope, normalize_url, origin_of, site_host, url_pattern
from maturity.core.model import HttpFacts, PageRef, Redirect, SecurityTxtFacts, SiteFacts, SitemapFacts
from maturity.kernel.errors import BlockedByRobots, InvalidURL, SiteUnreachable, UsageError

__all__ = ["Decision", "Discovery", "DiscoverySettings", "discover", "extract_links", "url_pattern"]

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})

NON_HTML_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".rtf": "application/rtf",
    ".csv": "text/csv",
    ".zip": "application/zip",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".mp3": "audio/mpeg",
    ".mp4": "video/mp4",
}
"""Extensions whose content type is obvious enough not to spend a request on."""

MAX_ROBOTS_REDIRECTS = 5  # RFC 9309 section 2.3.1.2
MAX_SECURITY_TXT_BYTES = 32_000  # RFC 9116 files are a few lines; anything larger is read in part
SECURITY_TXT_PATH = "/.well-known/security.txt"
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


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


def discover(
    client: httpx.Client,
    start_url: str,
    settings: DiscoverySettings,
    *,
    on_event: Callable[[Decision], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Discovery:
    """Find the pages to audit, breadth first from ``start_url``.

    Raises :class:`InvalidURL` for a start URL that is not http(s) with a host,
    :class:`BlockedByRobots` when robots.txt disallows the start URL (unless
    ``respect_robots`` is off) and :class:`SiteUnreachable` when the start URL gets
    no HTTP response at all. Everything else (404s, 5xx, loops, huge pages) is
    recorded, not raised.
    """
    start = normalize_url(start_url)
    if start is None:
        raise InvalidURL(f"not an http(s) URL with a host: {start_url!r}")
    return _Crawl(client, start, settings, on_event, sleep).run()


# ---------------------------------------------------------------------------
# HTTP: pacing and hop-by-hop fetching
# ---------------------------------------------------------------------------


@dataclass
class _Fetched:
    """The end of one hop-by-hop fetch.

    ``redirects`` are the hops that led to ``final_url``; ``status`` is
    ``final_url``'s answer (a 3xx when the chain was cut short, None when there
    was no answer). ``problem`` says why the result cannot be used as a page.
    """

    requested: str
    final_url: str
    status: int | None
    redirects: list[Redirect] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = ""
    set_cookies: list[str] = field(default_factory=list)
    body: bytes | None = None
    body_bytes: int = 0
    elapsed_ms: float = 0.0
    problem: str | None = None
    timed_out: bool = False
    too_large: bool = False
    redirect_blocked: bool = False  # problem is a refused redirect hop (scope or robots)
    refused: bool = False  # the address policy refused a hop: its status is unknown, not an error
    retries: int = 0  # attempts after a 429 or 5xx answer
    budget_spent: bool = False  # not asked: the run's or the pattern's request budget was used up
    digest: str | None = None  # sha256 of the body read as a page, for duplicate detection
    not_page: str | None = None  # why a 2xx answer is no page (a download, binary served as HTML)

    def http_facts(self) -> HttpFacts | None:
        if self.status is None:
            return None
        return HttpFacts(
            requested_url=self.requested,
            final_url=self.final_url,
            status=self.status,
            redirects=list(self.redirects),
            headers=dict(self.headers),
            set_cookies=list(self.set_cookies),
            content_type=self.media_type,
            elapsed_ms=round(self.elapsed_ms, 1),
            body_bytes=self.body_bytes,
        )


class _Http:
    """The one place requests are made: adds our user agent and the crawl delay, and counts every request."""

    def __init__(
        self,
        client: httpx.Client,
        user_agent: str,
        sleep: Callable[[float], None],
        budget: RequestBudget,
        on_spent: Callable[[], None] = lambda: None,
    ) -> None:
        self._client = client
        self._headers = {"user-agent": user_agent}
        self._sleep = sleep
        self.budget = budget
        self._on_spent = on_spent
        self.delay = 0.0

    def pace(self, url: str | None = None) -> None:
        """Count the request (per pattern too, when ``url`` is given), then sleep the crawl delay
        before every request but the first. Raises :class:`RequestBudgetSpent` instead of counting
        one past the budget."""
        try:
            self.budget.spend(url_pattern(url) if url is not None else None)
        except RequestBudgetSpent:
            if self.budget.spent:
                self._on_spent()
            raise
        if self.budget.made > 1 and self.delay > 0:
            self._sleep(self.delay)

    def wait(self, seconds: float) -> None:
        """Sleep before a retry (the crawl delay is added by :meth:`pace` as usual)."""
        if seconds > 0:
            self._sleep(seconds)

    @contextmanager
    def stream(self, method: str, url: str) -> Iterator[httpx.Response]:
        self.pace(url)
        with self._client.stream(method, url, headers=self._headers, follow_redirects=False) as response:
            yield response


# ---------------------------------------------------------------------------
# On the wire: the address policy and a total deadline per request
# ---------------------------------------------------------------------------

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("maturity_deadline", default=None)


class _AddressRefusedError(httpcore.ConnectError):
    """The address policy refused a connection (httpx reports it as a ConnectError caused by this)."""


def _remaining(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` shortened to what is left of the current request's total deadline."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the request took longer than its total time limit")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket whose every read and write also stops at the request's total deadline.

    httpx's read timeout applies to each read, so a server that trickles a byte at a time could
    hold a request for ever; the total deadline bounds the whole request.
    """

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        stream = self._inner.start_tls(ssl_context, server_hostname, _remaining(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """Resolves through the run's :class:`AddressPolicy` and connects to exactly the address it checked.

    A refused host raises before any socket is opened; an allowed one is connected by address
    (TLS still verifies and sends the host name), so a second, different DNS answer is never used.
    """

    def __init__(self, policy: AddressPolicy, inner: httpcore.NetworkBackend | None = None) -> None:
        self.policy = policy
        self.inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:  # the lookup, too, is under the request's total deadline
            addresses = self.policy.check(host, _remaining(timeout, httpcore.ConnectTimeout))
        except AddressRefused as exc:
            raise _AddressRefusedError(str(exc)) from None
        except LookupTimeout as exc:
            raise httpcore.ConnectTimeout(str(exc)) from None
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
        failure: Exception | None = None
        for address in addresses:
            try:
                stream = self.inner.connect_tcp(
                    str(address), port, _remaining(timeout, httpcore.ConnectTimeout), local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            return _DeadlineStream(stream)
        assert failure is not None
        raise failure

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by the crawler")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class _DeadlineBody(httpx.SyncByteStream):
    """A response body read under the request's total deadline."""

    def __init__(self, inner: httpx.SyncByteStream, deadline: float) -> None:
        self._inner = inner
        self._deadline = deadline

    def __iter__(self) -> Iterator[bytes]:
        chunks = iter(self._inner)
        while True:
            token = _DEADLINE.set(self._deadline)
            try:
                chunk = next(chunks, None)
            finally:
                _DEADLINE.reset(token)
            if chunk is None:
                return
            yield chunk

    def close(self) -> None:
        self._inner.close()


class GuardedTransport(httpx.BaseTransport):
    """httpx's own transport on a :class:`GuardedBackend`, with a total time limit per request.

    ``total_timeout`` covers connecting, the response head and the body. ``backend`` is the
    network backend under the policy (tests pass a spy that records every connection attempt).
    """

    def __init__(
        self,
        policy: AddressPolicy,
        *,
        total_timeout: float = 30.0,
        retries: int = 1,
        backend: httpcore.NetworkBackend | None = None,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self.total_timeout = total_timeout
        self._http = httpx.HTTPTransport(verify=verify, retries=retries)
        # The same pool httpx builds, on our network backend (httpx has no parameter for it).
        self._http._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify),
            retries=retries,
            network_backend=GuardedBackend(policy, backend),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        deadline = time.monotonic() + self.total_timeout
        token = _DEADLINE.set(deadline)
        try:
            response = self._http.handle_request(request)
        finally:
            _DEADLINE.reset(token)
        assert isinstance(response.stream, httpx.SyncByteStream)
        response.stream = _DeadlineBody(response.stream, deadline)
        return response

    def close(self) -> None:
        self._http.close()


def _refusal(exc: BaseException) -> str | None:
    """The address policy's message when it caused ``exc``, else None."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return None
        if isinstance(seen, _AddressRefusedError | AddressRefused):
            return str(seen)
        seen = seen.__cause__ or seen.__context__
    return None


def _media_type(headers: httpx.Headers) -> str:
    return headers.get("content-type", "").split(";")[0].strip().lower()


def _charset(headers: httpx.Headers) -> str | None:
    match = re.search(r"charset=[\"']?([\w.:-]+)", headers.get("content-type", ""), re.IGNORECASE)
    return match.group(1) if match else None


def _looks_like_html(body: bytes) -> bool:
    """Sniff for a missing Content-Type, the way browsers treat such pages."""
    head = body[:1024].lower()
    return b"<!doctype html" in head or b"<html" in head


def _read_capped(response: httpx.Response, limit: int, deadline: float | None = None) -> tuple[bytes | None, int]:
    """Stream the body; (None, bytes seen) when it is larger than ``limit``.

    The stream is abandoned as soon as the cap is passed, so a multi-gigabyte
    "page" costs us ``limit`` bytes, not its size. Past ``deadline`` (``time.monotonic``)
    it raises :class:`httpx.ReadTimeout`: a body trickled a byte at a time never resets it.
    """
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None, int(declared)
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > limit:
            return None, total
        if deadline is not None and time.monotonic() > deadline:
            raise httpx.ReadTimeout("the body took longer than the fetch's total time limit")
        chunks.append(chunk)
    return b"".join(chunks), total


# Magic numbers of formats that are sometimes served as text/html by mistake.
_BINARY_MAGIC = (
    b"%PDF-",
    b"PK\x03\x04",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
    b"\x7fELF",
    b"MZ",
    b"\xd0\xcf\x11\xe0",  # old Office documents
    b"Rar!",
    b"7z\xbc\xaf",
    b"OggS",
    b"ID3",
)
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def _looks_binary(body: bytes) -> bool:
    """A known binary format, or more control bytes than any text page has (UTF-16 with a BOM is text)."""
    head = body[:1024]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    if head.startswith(_BINARY_MAGIC):
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)  # NUL included; a stray one is not enough
    return controls > len(head) // 10


# ---------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


def _decode_html(body: bytes, charset: str | None) -> str:
    """A byte-order mark, else the header charset, else ``<meta charset>``, else UTF-8: the order
    browsers use, minus sniffing. A charset Python does not know, or one that is not a text
    encoding (``base64``), falls back to UTF-8; undecodable bytes become U+FFFD and NUL is dropped."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace").replace("\x00", "")
    if charset is None:
        match = _META_CHARSET.search(body[:4096])
        charset = match.group(1).decode("ascii", errors="replace") if match else None
    try:
        text = body.decode(charset or "utf-8", errors="replace")
    except (LookupError, UnicodeError, ValueError):  # unknown, not a text encoding, or strict-only (idna)
        text = body.decode("utf-8", errors="replace")
    return text.replace("\x00", "")


def extract_links(body: bytes, page_url: str, charset: str | None = None) -> list[str]:
    """Normalised http(s) targets of ``<a href>`` and ``<area href>``, in document order, deduplicated.

    Relative links resolve against the first ``<base href>`` when there is one.
    """
    text = _XML_DECLARATION.sub("", _decode_html(body, charset), count=1)
    try:
        doc = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return []
    base = page_url
    for element in doc.iter("base"):
        href = element.get("href")
        if href and href.strip():
            base = normalize_url(href, page_url) or page_url
            break
    links: dict[str, None] = {}
    for element in doc.iter("a", "area"):
        href = element.get("href")
        url = normalize_url(href, base) if href is not None else None
        if url is not None:
            links.setdefault(url)
    return list(links)


def _type_by_extension(url: str) -> str | None:
    path = urlsplit(url).path.lower()
    dot = path.rfind(".")
    if dot == -1 or "/" in path[dot:]:
        return None
    return NON_HTML_EXTENSIONS.get(path[dot:])


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
    ) -> None:
        self.client = client
        self.start = start
        self.settings = settings
        self.scope = Scope(start_url=start, include=settings.include, exclude=settings.exclude)
        budget = RequestBudget(settings.request_budget, per_pattern=settings.pattern_request_budget)
        self.http = _Http(client, settings.user_agent, sleep, budget, on_spent=self._budget_spent)
        self.stopped: str | None = None
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
            http_redirects_to_https=self._probe_https(),
            not_found_status=self._probe_not_found(),
            homepage_url=self.site_origin + "/",
            security_txt=self._probe_security_txt(),
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
        )

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
        if policy.crawl_delay:
            self.http.delay = min(policy.crawl_delay, self.settings.max_crawl_delay)
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
                    target = _redirect_location(response, current)
                    if not target:  # not a redirect, or one to nowhere usable
                        body = _read_capped(response, MAX_ROBOTS_BYTES, self._deadline())[0] if status < 300 else None
                        break
                current = target
        except (httpx.ConnectError, httpx.TimeoutException) as exc:
            if raise_unreachable and current == url:
                raise
            status, problem = None, _refusal(exc)
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

    def _fetch(self, url: str, *, method: str = "GET", read_html: bool = True, start: bool = False) -> _Fetched:
        """Follow redirects hop by hop; read the body only of a 2xx HTML answer.

        The whole fetch has ``fetch_timeout`` seconds. A 429, 502, 503 or 504 answer is tried
        again ``retries`` times, after its Retry-After (or a doubling backoff), capped at
        ``max_retry_after``.
        """
        result = _Fetched(requested=url, final_url=url, status=None)
        deadline = self._deadline()
        visited = {url}
        current = url
        while True:
            result.final_url = current
            began = time.perf_counter()
            wait: float | None = None
            try:
                with self.http.stream(method, current) as response:
                    target = _redirect_location(response, current)
                    result.status = response.status_code
                    result.headers = {k.lower(): v for k, v in response.headers.items()}
                    result.set_cookies = response.headers.get_list("set-cookie")
                    wait = self._retry_wait(response, result.retries)
                    if target is None and wait is None:
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
                refusal = _refusal(exc)
                result.status, result.refused = None, refusal is not None
                result.problem = refusal or f"connection failed: {plain_error(exc)}"
                return result
            result.elapsed_ms += (time.perf_counter() - began) * 1000
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

    def _finish(self, result: _Fetched, response: httpx.Response, read_html: bool, deadline: float) -> None:
        result.media_type = _media_type(response.headers)
        if not (read_html and 200 <= response.status_code < 300):
            return
        if "attachment" in response.headers.get("content-disposition", "").lower():
            result.not_page = "a download (Content-Disposition: attachment)"
            return
        if result.media_type and result.media_type not in HTML_TYPES:
            return
        body, size = _read_capped(response, self.settings.max_page_bytes, deadline)
        result.body_bytes = size
        if body is None:
            result.media_type = result.media_type or "text/html"
            result.problem = f"too large (> {self.settings.max_page_bytes} bytes)"
            result.too_large = True
            return
        if _looks_binary(body):
            declared = result.media_type or "no content type"
            result.not_page = f"not HTML (binary content served as {declared})"
            return
        if not result.media_type and _looks_like_html(body):
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
        reason = _unassessable_reason(result)
        self._add_page(entry, url, result, reason)
        return self._links_of(result, url) if reason is None else []

    # -- queue ---------------------------------------------------------------

    def _consider(self, entry: _Entry) -> None:
        """Decide once per URL whether it is queued, and say why not when it is not."""
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
        media_type = _type_by_extension(entry.url)
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
        reason = _unassessable_reason(result)
        if result.status >= 500 or result.status == 429 or result.too_large or reason is None:
            self._add_page(entry, final, result, reason)
        elif 200 <= result.status < 300:  # 2xx, not HTML
            self.non_html[final] = result.media_type or "unknown"
            self.decide(entry.url, "skipped", reason)
        else:
            self.decide(entry.url, "failed", reason)
        if reason is None:
            for link in self._links_of(result, final):
                self._consider(_Entry(link, entry.depth + 1, "link", final))

    def _add_page(self, entry: _Entry, url: str, result: _Fetched, reason: str | None) -> None:
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

    def _record_status(self, result: _Fetched) -> None:
        """Link status of the URL as requested (after redirects) and of where it landed.

        Nothing is recorded when the status is not the link's fault: a hop our address policy
        refused, or a server that kept answering 429 (rate limited).
        """
        if result.refused or result.budget_spent or result.status == 429:
            return
        self.link_status[result.requested] = result.status
        if result.status is not None and not result.redirect_blocked:
            self.link_status[result.final_url] = result.status

    def _links_of(self, result: _Fetched, page_url: str) -> list[str]:
        if result.body is None:
            return []
        return extract_links(result.body, page_url, _charset(httpx.Headers(result.headers)))

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

    # -- probes --------------------------------------------------------------

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
            self.decide(url, action, f"link check: {_status_text(result)}")

    def _probe_not_found(self) -> int | None:
        """Status of a URL that cannot exist: a 200 here means the site serves soft 404s."""
        url = f"{self.site_origin}/maturity-404-probe-{secrets.token_hex(4)}"
        if not self._robots_allows(url):
            self.decide(url, "skipped", "404 probe: robots.txt disallows")
            return None
        result = self._fetch(url, read_html=False)
        action = "fetched" if result.status is not None else "skipped" if result.budget_spent else "failed"
        self.decide(url, action, f"404 probe: {_status_text(result)}")
        return result.status

    def _probe_security_txt(self) -> SecurityTxtFacts | None:
        """``/.well-known/security.txt`` of the site's origin (RFC 9116): status, type and fields."""
        url = self.site_origin + SECURITY_TXT_PATH
        if not self._robots_allows(url):
            self.decide(url, "skipped", "security.txt: robots.txt disallows")
            return None
        current, status, body, media_type = url, None, None, ""
        try:
            for _ in range(MAX_ROBOTS_REDIRECTS + 1):
                with self.http.stream("GET", current) as response:
                    status = response.status_code
                    target = _redirect_location(response, current)
                    if not target:
                        media_type = _media_type(response.headers)
                        if status < 300:
                            body = _read_capped(response, MAX_SECURITY_TXT_BYTES, self._deadline())[0]
                        break
                current = target
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            self.decide(url, "failed", f"security.txt: {_short(exc)}")
            return SecurityTxtFacts(url=url, status=None)
        except RequestBudgetSpent as exc:
            self.decide(url, "skipped", f"security.txt: {exc}")
            return None
        self.decide(url, "fetched", f"security.txt: HTTP {status}")
        text = body.decode("utf-8", errors="replace") if body is not None else ""
        return SecurityTxtFacts(
            url=url,
            status=status,
            final_url=current,
            content_type=media_type,
            fields=parse_security_txt(text),
            signed=text.lstrip().startswith("-----BEGIN PGP SIGNED MESSAGE-----"),
        )

    def _probe_https(self) -> bool | None:
        """Does the plain-http form of an https start URL redirect to https on the same site?"""
        parts = urlsplit(self.start)
        if parts.scheme != "https" or (parts.port is not None and self.settings.http_port is None):
            return None
        http_url = "http" + self.start[len("https") :]
        if parts.port is not None:
            host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
            http_url = urlunsplit(("http", f"{host}:{self.settings.http_port}", parts.path, parts.query, ""))
        try:
            with self.http.stream("GET", http_url) as response:
                target = _redirect_location(response, http_url)
                status = response.status_code
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            self.decide(http_url, "failed", f"https probe: {_short(exc)}")
            return None
        except RequestBudgetSpent as exc:
            self.decide(http_url, "skipped", f"https probe: {exc}")
            return None
        upgrades = bool(target) and _is_https_on_host(target or "", parts.hostname or "")
        verdict = "redirects to https" if upgrades else "does not redirect to https"
        self.decide(http_url, "fetched", f"https probe: HTTP {status}, {verdict}")
        return upgrades


def parse_security_txt(text: str) -> dict[str, list[str]]:
    """``Field: value`` lines of a security.txt (RFC 9116 §4), field names lower-cased; comments skipped."""
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("-----"):
            continue
        name, sep, value = line.partition(":")
        if sep and name.strip() and " " not in name.strip():
            fields.setdefault(name.strip().lower(), []).append(value.strip())
    return fields


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


def _unassessable_reason(result: _Fetched) -> str | None:
    """Why a fetched URL cannot be audited as a page; None for a 2xx HTML page we read."""
    if result.problem is not None:
        return result.problem
    if result.status == 429:
        return f"rate limited (HTTP 429, {result.retries + 1} attempts)"
    if result.status is None or not 200 <= result.status < 300:
        return f"HTTP {result.status}"
    if result.not_page is not None:
        return result.not_page
    if result.body is None:
        return f"not HTML ({result.media_type or 'no content type'})"
    return None


def _redirect_location(response: httpx.Response, base: str) -> str | None:
    """Normalised Location of a redirect; "" for an unusable one; None when not a redirect."""
    if response.status_code not in _REDIRECT_STATUSES or "location" not in response.headers:
        return None
    return normalize_url(response.headers["location"], base=base) or ""


def _is_https_on_host(url: str, host: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and site_host(parts.hostname or "") == site_host(host)


def _status_text(result: _Fetched) -> str:
    if result.status is None:
        return result.problem or "no response"
    return f"HTTP {result.status}" + (f" ({result.problem})" if result.problem else "")


def _short(exc: BaseException) -> str:
    """One line for a user: the exception's message, or its type when it has none."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
