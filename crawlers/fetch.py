"""Fetching one URL: the counted, paced request, the body under a byte cap and a deadline, and decoding.

:class:`Http` is the one place discovery makes requests: it adds our user agent and the crawl delay
and counts every request against the run's budget (:mod:`crawlers.budget`). :class:`Fetched` is the
end of one hop-by-hop fetch (redirects are followed by hand in :mod:`crawlers.discover`, so every
hop is scope- and robots-checked). The helpers read a body under a byte cap, tell HTML from what
is not (content type, file extension, magic numbers) and decode it the way browsers do.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from crawlers.budget import RequestBudget, RequestBudgetSpent
from crawlers.urls import normalize_url, url_pattern
from maturity.core.model import HttpFacts, Redirect

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

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass
class Fetched:
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
    login_required: bool = False  # sent to the login page, and signing in (again) was not possible

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


class Http:
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
        self.last_request_at: float | None = None  # time.monotonic() of the latest request

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
        self.last_request_at = time.monotonic()

    def wait(self, seconds: float) -> None:
        """Sleep before a retry (the crawl delay is added by :meth:`pace` as usual)."""
        if seconds > 0:
            self._sleep(seconds)

    @contextmanager
    def stream(self, method: str, url: str) -> Iterator[httpx.Response]:
        self.pace(url)
        with self._client.stream(method, url, headers=self._headers, follow_redirects=False) as response:
            yield response


def media_type_of(headers: httpx.Headers) -> str:
    return headers.get("content-type", "").split(";")[0].strip().lower()


def charset_of(headers: httpx.Headers) -> str | None:
    match = re.search(r"charset=[\"']?([\w.:-]+)", headers.get("content-type", ""), re.IGNORECASE)
    return match.group(1) if match else None


def looks_like_html(body: bytes) -> bool:
    """Sniff for a missing Content-Type, the way browsers treat such pages."""
    head = body[:1024].lower()
    return b"<!doctype html" in head or b"<html" in head


def read_capped(response: httpx.Response, limit: int, deadline: float | None = None) -> tuple[bytes | None, int]:
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


def looks_binary(body: bytes) -> bool:
    """A known binary format, or more control bytes than any text page has (UTF-16 with a BOM is text)."""
    head = body[:1024]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    if head.startswith(_BINARY_MAGIC):
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)  # NUL included; a stray one is not enough
    return controls > len(head) // 10


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


def decode_html(body: bytes, charset: str | None) -> str:
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


def type_by_extension(url: str) -> str | None:
    path = urlsplit(url).path.lower()
    dot = path.rfind(".")
    if dot == -1 or "/" in path[dot:]:
        return None
    return NON_HTML_EXTENSIONS.get(path[dot:])


def unassessable_reason(result: Fetched) -> str | None:
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


def redirect_location(response: httpx.Response, base: str) -> str | None:
    """Normalised Location of a redirect; "" for an unusable one; None when not a redirect."""
    if response.status_code not in _REDIRECT_STATUSES or "location" not in response.headers:
        return None
    return normalize_url(response.headers["location"], base=base) or ""


def status_text(result: Fetched) -> str:
    if result.status is None:
        return result.problem or "no response"
    return f"HTTP {result.status}" + (f" ({result.problem})" if result.problem else "")


def short(exc: BaseException) -> str:
    """One line for a user: the exception's message, or its type when it has none."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
