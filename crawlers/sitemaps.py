"""XML sitemaps, read with ultimate-sitemap-parser (``usp``) over our own httpx client.

usp does the format work (urlset, sitemap index, plain text, RSS/Atom, gzip,
hardened XML parsing). We keep the transport: :class:`HttpxWebClient` implements
usp's ``AbstractWebClient`` on an injected ``httpx.Client`` so that requests carry
our user agent, honour our crawl delay, are visible to ``httpx.MockTransport`` in
tests, and leave a status per URL behind. That status record is what lets us tell
a missing sitemap (404) from a broken one (200 with junk), which usp folds into a
single ``InvalidSitemap``.

We only ever call ``SitemapFetcher`` (never usp's ``sitemap_tree_for_homepage``,
which guesses a dozen well-known paths), so the only URLs fetched are the ones
given and the child sitemaps an index lists.
"""

from __future__ import annotations

import datetime as dt
import logging
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal
from urllib.parse import urlsplit

import httpx
from usp.fetch_parse import SitemapFetcher
from usp.objects.page import SitemapPage
from usp.objects.sitemap import (
    AbstractIndexSitemap,
    AbstractSitemap,
    InvalidSitemap,
    PagesTextSitemap,
)
from usp.web_client.abstract_client import (
    AbstractWebClient,
    AbstractWebClientResponse,
    AbstractWebClientSuccessResponse,
    WebClientErrorResponse,
)

from crawlers.budget import RequestBudgetSpent
from crawlers.urls import is_same_site, normalize_url
from maturity.core.model import SitemapFacts

__all__ = ["HttpxWebClient", "read_sitemaps"]

MAX_SITEMAP_REDIRECTS = 5
MAX_CHILD_SITEMAPS = 50
"""Child sitemaps fetched per ``read_sitemaps`` call: enough to sample a big site,
few enough that an index of 10,000 files does not turn an audit into a mirror."""
MAX_SITEMAP_FILES = 10
"""Sitemap files read per ``read_sitemaps`` call, robots.txt ``Sitemap:`` lines and the children of
indexes together: twenty ``Sitemap:`` lines once took 111 s. Ten files of up to
``BYTES_PER_URL x max_urls`` each are far more entries than discovery can queue."""
BYTES_PER_URL = 1_000
"""Bytes of (decompressed) sitemap read per URL wanted: a ``<url>`` entry with ``lastmod``,
``changefreq`` and ``priority`` is 150-300 bytes, so a file stops being read well after
``max_urls`` entries and a 1,000,000-URL file is never held in memory."""


class _Response(AbstractWebClientSuccessResponse):
    def __init__(self, url: str, status: int, reason: str, headers: httpx.Headers, body: bytes) -> None:
        self._url = url
        self._status = status
        self._reason = reason
        self._headers = headers
        self._body = body

    def status_code(self) -> int:
        return self._status

    def status_message(self) -> str:
        return self._reason

    def header(self, case_insensitive_name: str) -> str | None:
        return self._headers.get(case_insensitive_name)

    def raw_data(self) -> bytes:
        return self._body

    def url(self) -> str:
        return self._url


class HttpxWebClient(AbstractWebClient):
    """usp web client on an injected ``httpx.Client``.

    * Errors are never retryable: usp's retry loop sleeps with ``time.sleep`` and
      would hammer a failing server five times; one answer is the fact we want.
    * Redirects are followed hop by hop, at most five, and only to the same site
      (``/sitemap.xml`` -> ``/sitemap_index.xml`` is common; a hop to another
      organisation is not followed).
    * ``Content-Encoding: gzip`` is undone by httpx; a gzipped *file*
      (``.xml.gz``) is gunzipped by usp.
    * ``statuses`` records the final status of every URL usp asked for
      (None: no response), ``fetched`` the order of requests.
    """

    def __init__(
        self,
        client: httpx.Client,
        *,
        user_agent: str | None = None,
        before_request: Callable[[], None] | None = None,
        max_fetches: int | None = None,
        max_bytes: int | None = None,
    ) -> None:
        self._client = client
        self._headers = {"user-agent": user_agent} if user_agent else {}
        self._before_request = before_request
        self._max_fetches = max_fetches
        self._own_max_bytes = max_bytes
        self._max_bytes: int | None = max_bytes
        self.statuses: dict[str, int | None] = {}
        self.fetched: list[str] = []

    def set_max_response_data_length(self, max_response_data_length: int | None) -> None:
        """usp asks for 100 MB; our own cap (from ``max_urls``) wins when it is smaller."""
        limits = [n for n in (max_response_data_length, self._own_max_bytes) if n is not None]
        self._max_bytes = min(limits) if limits else None

    def get(self, url: str) -> AbstractWebClientResponse:
        if self._max_fetches is not None and len(self.statuses) >= self._max_fetches:
            return WebClientErrorResponse("sitemap fetch limit reached", retryable=False)
        try:
            response = self._get_following_redirects(url)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            self.statuses[url] = None
            return WebClientErrorResponse(f"{type(exc).__name__}: {exc}", retryable=False)
        except RequestBudgetSpent as exc:  # raised by before_request: discovery's budget is used up
            self.statuses[url] = None
            return WebClientErrorResponse(str(exc), retryable=False)
        self.statuses[url] = response.status_code()
        if not 200 <= response.status_code() < 300:
            return WebClientErrorResponse(f"HTTP {response.status_code()}", retryable=False)
        return response

    def _get_following_redirects(self, url: str) -> _Response:
        current = url
        for _ in range(MAX_SITEMAP_REDIRECTS + 1):
            response = self._get_once(current)
            target = _redirect_target(response, current)
            if target is None or not is_same_site(target, url):
                return response
            current = target
        return response

    def _get_once(self, url: str) -> _Response:
        if self._before_request is not None:
            self._before_request()
        self.fetched.append(url)
        with self._client.stream("GET", url, headers=self._headers, follow_redirects=False) as resp:
            body = b"" if resp.has_redirect_location else _read_capped(resp, self._max_bytes)
            return _Response(url, resp.status_code, resp.reason_phrase, resp.headers, body)


def _redirect_target(response: _Response, url: str) -> str | None:
    if response.status_code() not in (301, 302, 303, 307, 308):
        return None
    location = response.header("location")
    return normalize_url(location, base=url) if location else None


def _read_capped(response: httpx.Response, limit: int | None) -> bytes:
    """Body up to ``limit`` bytes, streamed; a truncated sitemap still yields its first URLs.

    A gzipped file (``.xml.gz``, seen by its magic number) is gunzipped as it streams and the cap
    applies to the XML it holds, so usp gets plain XML (its own gunzip then finds nothing to do)
    and a small file that inflates to gigabytes is cut at ``limit`` too.
    """
    chunks: list[bytes] = []
    total = 0
    inflate: zlib._Decompress | None = None
    first = True
    for raw in response.iter_bytes():
        if first:
            first = False
            if raw.startswith(b"\x1f\x8b"):
                inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        chunk = raw
        if inflate is not None:
            try:
                chunk = inflate.decompress(raw, limit - total + 1 if limit is not None else 0)
            except zlib.error:
                break  # what inflated so far is kept: usp reads what it can
        chunks.append(chunk)
        total += len(chunk)
        if limit is not None and total >= limit:
            break
    data = b"".join(chunks)
    return data[:limit] if limit is not None else data


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def read_sitemaps(
    client: httpx.Client,
    urls: list[str],
    *,
    max_urls: int,
    user_agent: str | None = None,
    before_request: Callable[[], None] | None = None,
    max_child_sitemaps: int = MAX_CHILD_SITEMAPS,
    max_files: int = MAX_SITEMAP_FILES,
) -> tuple[list[SitemapFacts], list[tuple[str, str | None]]]:
    """Read the first ``max_files`` top-level sitemaps in ``urls`` (and the children an index lists).

    At most ``max_files`` files are fetched in all (children included, ``max_child_sitemaps`` of
    them at most), each streamed and read up to ``BYTES_PER_URL x max_urls`` bytes of XML.
    Returns one :class:`SitemapFacts` per URL read, in order, and up to ``max_urls``
    page entries ``(loc, lastmod)`` across all of them, deduplicated, in document
    order; ``lastmod`` is an ISO date (``YYYY-MM-DD``) or None. Counts in the facts
    cover every page read, not only the first ``max_urls`` (a file cut at its byte cap
    counts the entries before the cut).

    ``kind`` is ``missing`` when the sitemap could not be retrieved (any non-2xx
    final status, or no response: ``status`` tells which), ``invalid`` when it was
    retrieved but is not a sitemap, ``urlset`` for a page list (RSS/Atom feeds
    included), ``index`` for a sitemap index and ``text`` for a plain-text list.
    """
    urls = urls[:max_files]
    web = HttpxWebClient(
        client,
        user_agent=user_agent,
        before_request=before_request,
        max_fetches=min(len(urls) + max_child_sitemaps, max_files),
        max_bytes=BYTES_PER_URL * max_urls,
    )
    facts: list[SitemapFacts] = []
    entries: dict[str, str | None] = {}
    for url in urls:
        with _quiet_usp():
            tree = _fetch_tree(url, web)
        facts.append(_facts_for(url, tree, web.statuses.get(url)))
        if tree is None:
            continue
        for page in _all_pages(tree):
            if len(entries) >= max_urls:
                break
            entries.setdefault(page.url, _lastmod(page))
    return facts, list(entries.items())


@contextmanager
def _quiet_usp() -> Iterator[None]:
    """usp logs a warning per 404 and an error per unparsable file; both are facts we return instead."""
    logger = logging.getLogger("usp")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _fetch_tree(url: str, web: HttpxWebClient) -> AbstractSitemap | None:
    """usp's parse of one sitemap URL; None when usp refused the URL outright."""
    if urlsplit(url).path.endswith("/robots.txt"):
        return None  # usp would treat it as an index and fetch what it names
    try:
        return SitemapFetcher(url=url, recursion_level=0, web_client=web).sitemap()
    except Exception:  # usp raises its own SitemapException and, on odd input, anything
        return None


def _facts_for(url: str, tree: AbstractSitemap | None, status: int | None) -> SitemapFacts:
    if tree is None:
        return SitemapFacts(url=url, status=status, kind="invalid")
    if status is None or not 200 <= status < 300:
        return SitemapFacts(url=url, status=status, kind="missing")
    if isinstance(tree, InvalidSitemap):
        return SitemapFacts(url=url, status=status, kind="invalid")
    pages = list(_all_pages(tree))
    dates = [d for d in (_lastmod(p) for p in pages) if d]
    return SitemapFacts(
        url=url,
        status=status,
        kind=_kind(tree),
        url_count=len(pages),
        pdf_count=sum(1 for p in pages if urlsplit(p.url).path.lower().endswith(".pdf")),
        latest_lastmod=max(dates) if dates else None,
    )


def _kind(tree: AbstractSitemap) -> Literal["urlset", "index", "text"]:
    if isinstance(tree, AbstractIndexSitemap):
        return "index"
    if isinstance(tree, PagesTextSitemap):
        return "text"
    return "urlset"


def _all_pages(tree: AbstractSitemap) -> Iterator[SitemapPage]:
    seen: set[str] = set()
    for page in tree.all_pages():
        if page.url not in seen:
            seen.add(page.url)
            yield page


def _lastmod(page: SitemapPage) -> str | None:
    """The date part only: comparable across naive and zoned timestamps, and all freshness needs."""
    when = page.last_modified
    if isinstance(when, dt.datetime):
        return when.date().isoformat()
    return None
