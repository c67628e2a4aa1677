"""The document collector: fetch the PDFs (and Office files) a site links to, tell what they are,
and parse them in a separate, bounded process.

Candidates come from discovery: the document URLs its pages link to (with every linking page)
and those its sitemaps list. The most-linked are fetched first, up to ``max_documents``, through
discovery's own guarded client (the address policy and pinning of :mod:`crawlers.transport`),
each redirect hop checked against the site's scope and robots.txt, one request at a time with the
audit's politeness gap, each body under ``max_document_bytes`` and the fetch deadline.

What a file is comes from its first bytes (``%PDF-``, or a ZIP holding ``word/``, ``xl/`` or
``ppt/``), not from its name or Content-Type alone: a ``.pdf`` link that answers with an HTML
error page is "mislabelled", not a PDF that fails every check. The bytes are hashed, so one file
served at two URLs, or linked from 40 pages, is one document.

PDFs are parsed by :mod:`crawlers.pdffacts` in a child process with a memory limit
(``RLIMIT_AS``) and a time limit per file; a PDF bomb or a parser crash ends that child (a new one
takes over) and the document is "not assessable: too complex", never a stalled or killed audit.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import select
import struct
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx

from crawlers.budget import RequestBudget, RequestBudgetSpent
from crawlers.fetch import NON_HTML_EXTENSIONS, Http, media_type_of, read_capped, redirect_location
from crawlers.plainwords import plain_error
from crawlers.transport import refusal_of
from maturity.core.documents import DocumentKind, DocumentSet, OfficeFacts, PdfFacts, PublishedDocument

DOCUMENT_TYPES: dict[str, DocumentKind] = {
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
}
"""Content types of the documents collected (and, through ``NON_HTML_EXTENSIONS``, their extensions)."""

_ZIP_PARTS: tuple[tuple[str, DocumentKind], ...] = (
    ("word/document.xml", "docx"),
    ("xl/workbook.xml", "xlsx"),
    ("ppt/presentation.xml", "pptx"),
)
MAX_REDIRECTS = 5
PENDING_REASON = "its facts are not read yet (the run stopped before it was parsed)"


@dataclass(frozen=True)
class Candidate:
    """A document URL discovery met: the pages linking to it, and whether a sitemap lists it."""

    url: str
    referrers: tuple[str, ...] = ()
    in_sitemap: bool = False
    link_texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentSettings:
    max_documents: int = 20
    max_document_bytes: int = 20_000_000
    fetch_timeout: float = 30.0  # seconds for one fetch, redirects and body included
    parse_timeout: float = 20.0  # seconds to parse one document
    parse_memory_mb: int = 512  # address space of the parser process (68 MiB resident for 200 ordinary PDFs)
    user_agent: str = "maturity"
    gap: float = 0.0  # seconds between two requests to the site (the audit's politeness)


@functools.cache
def parser_version() -> str:
    """What reads a document's facts, in one string: a digest of the parsing code (this package's
    pdffacts, officefacts and pdfworker) and the versions of the libraries it uses. Facts kept by
    an earlier run are reused only under the same parser version (:mod:`maturity.store.documents`)."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in ("pdffacts.py", "officefacts.py", "pdfworker.py"):
        digest.update((here / name).read_bytes())
    libraries = []
    for lib in ("pikepdf", "pypdfium2", "lxml"):
        try:
            libraries.append(f"{lib} {metadata.version(lib)}")
        except metadata.PackageNotFoundError:
            libraries.append(f"{lib} ?")
    return f"{digest.hexdigest()[:16]}; {'; '.join(libraries)}"


def is_document_url(url: str, media_type: str) -> bool:
    """Whether discovery's record of a non-HTML target names a document we collect."""
    if media_type.split(";")[0].strip().lower() in DOCUMENT_TYPES:
        return True
    path = url.split("?", 1)[0].split("#", 1)[0].lower()
    return any(path.endswith(ext) and NON_HTML_EXTENSIONS[ext] in DOCUMENT_TYPES for ext in NON_HTML_EXTENSIONS)


def rank(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Most-linked first; then those a sitemap lists; then by URL (a stable order)."""
    return sorted(candidates, key=lambda c: (-len(set(c.referrers)), not c.in_sitemap, c.url))


def sniff(body: bytes) -> DocumentKind | None:
    """What the bytes are, by signature: None when they are no document we know."""
    if b"%PDF-" in body[:1024]:  # ISO 32000 lets the header sit within the first 1,024 bytes
        return "pdf"
    if body.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(body)).namelist())  # the central directory only
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        for part, kind in _ZIP_PARTS:
            if part in names:
                return kind
    return None


def describe_content(body: bytes) -> str:
    head = body[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "an HTML page"
    if not body:
        return "empty"
    return "not a document we know"


# ---------------------------------------------------------------------------
# Collecting
# ---------------------------------------------------------------------------


Outcome = tuple[PdfFacts | OfficeFacts | None, str | None]
"""What parsing one document gives: its facts, or (None, the reason it is not assessable)."""


@dataclass
class _Draft:
    doc: dict[str, Any]
    referrers: set[str] = field(default_factory=set)
    urls: list[str] = field(default_factory=list)
    link_texts: list[str] = field(default_factory=list)


def collect_documents(
    client: httpx.Client,
    candidates: list[Candidate],
    settings: DocumentSettings,
    *,
    allowed: Callable[[str], str | None],
    last_request_at: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    parser: ParserProcess | None = None,
    before_each: Callable[[str], None] = lambda _url: None,
) -> tuple[DocumentSet, float | None]:
    """Fetch and parse up to ``max_documents`` of ``candidates`` (most-linked first): each file is
    parsed (:class:`BackgroundParser`) while the next one downloads, and all are parsed on return.

    ``allowed(url)`` says why a URL may not be fetched (out of scope, robots.txt), or None;
    ``before_each(url)`` is called before each document (progress; it may raise to stop).
    Returns the documents and the time of the last request (``time.monotonic()``), which the
    next phase waits on. An audit uses the two halves, :func:`fetch_documents` and
    :class:`BackgroundParser`, to parse while its pages render."""
    with BackgroundParser(settings.parse_timeout, settings.parse_memory_mb, parser=parser) as parsing:
        fetched, last = fetch_documents(
            client,
            candidates,
            settings,
            allowed=allowed,
            last_request_at=last_request_at,
            sleep=sleep,
            before_each=before_each,
            on_body=parsing.submit,
        )
        return with_facts(fetched, parsing.join()), last


def fetch_documents(
    client: httpx.Client,
    candidates: list[Candidate],
    settings: DocumentSettings,
    *,
    allowed: Callable[[str], str | None],
    last_request_at: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    before_each: Callable[[str], None] = lambda _url: None,
    on_body: Callable[[str, DocumentKind, bytes], None] = lambda _sha, _kind, _body: None,
) -> tuple[DocumentSet, float | None]:
    """Fetch up to ``max_documents`` of ``candidates`` (most-linked first), parsing none.

    A document whose bytes were read and recognised is ``pending`` (its facts are not read yet):
    its bytes go to ``on_body(sha256, kind, bytes)`` as soon as they arrive, once per content,
    and :func:`with_facts` fills in what parsing them gives."""
    ranked = rank(candidates)
    chosen, left = ranked[: settings.max_documents], ranked[settings.max_documents :]
    http = Http(client, settings.user_agent, sleep, RequestBudget(max(1, len(chosen)) * (MAX_REDIRECTS + 1)))
    http.delay = settings.gap
    if last_request_at is not None and settings.gap > 0:  # the gap holds from discovery's last request too
        sleep(max(0.0, last_request_at + settings.gap - time.monotonic()))
    drafts: dict[str, _Draft] = {}  # sha256 (or "url:" + URL when unread) -> the document
    for cand in chosen:
        before_each(cand.url)
        doc, body = fetch_one(http, cand.url, settings, allowed)
        key = doc["sha256"] or f"url:{cand.url}"
        draft = drafts.get(key)
        if draft is None:
            draft = drafts[key] = _Draft(doc=doc)
            if body is not None and doc["status"] == "pending":
                on_body(doc["sha256"], doc["kind"], body)
        draft.urls.append(cand.url)
        draft.referrers.update(cand.referrers)
        draft.link_texts.extend(t for t in cand.link_texts if t not in draft.link_texts)
        draft.doc["in_sitemap"] = draft.doc.get("in_sitemap", False) or cand.in_sitemap
    documents = [_finish(d) for d in drafts.values()]
    documents.sort(key=lambda d: (-len(d.referrers), d.url))
    result = DocumentSet(
        found=len(ranked),
        max_documents=settings.max_documents,
        requests=http.budget.made,
        documents=documents,
        skipped=[c.url for c in left[:100]],
    )
    return result, http.last_request_at or last_request_at


def fetch_pending(
    client: httpx.Client,
    documents: DocumentSet,
    settings: DocumentSettings,
    *,
    allowed: Callable[[str], str | None],
    sleep: Callable[[float], None] = time.sleep,
    before_each: Callable[[str], None] = lambda _url: None,
    on_body: Callable[[str, DocumentKind, bytes], None] = lambda _sha, _kind, _body: None,
) -> tuple[DocumentSet, float | None]:
    """The pending documents of a stopped run fetched again (their bytes are never kept), each from
    its first URL, with the same checks as the first time; the others are left as they are.
    Bytes that changed since are the document's new content; a file that cannot be read now is
    not assessable, with the reason. Returns the documents and the time of the last request."""
    pending = [d for d in documents.documents if d.status == "pending"]
    http = Http(client, settings.user_agent, sleep, RequestBudget(max(1, len(pending)) * (MAX_REDIRECTS + 1)))
    http.delay = settings.gap
    again: dict[str, PublishedDocument] = {}
    for doc in pending:
        before_each(doc.url)
        fetched, body = fetch_one(http, doc.url, settings, allowed)
        keys = ("kind", "media_type", "last_modified", "bytes", "sha256", "status", "reason")
        update = {k: fetched[k] for k in keys if k in fetched}
        again[doc.url] = doc.model_copy(update=update)
        if body is not None and fetched["status"] == "pending":
            on_body(fetched["sha256"], fetched["kind"], body)
    done = [again.get(d.url, d) if d.status == "pending" else d for d in documents.documents]
    updated = documents.model_copy(update={"documents": done, "requests": documents.requests + http.budget.made})
    return updated, http.last_request_at


def with_facts(documents: DocumentSet, outcomes: Mapping[str, Outcome]) -> DocumentSet:
    """``documents`` with what parsing gave (sha256 -> outcome) filled in: each pending document
    with an outcome gets its facts, or becomes not assessable with the reason."""
    done = []
    for doc in documents.documents:
        outcome = outcomes.get(doc.sha256) if doc.status == "pending" else None
        if outcome is None:
            done.append(doc)
            continue
        facts, reason = outcome
        update: dict[str, Any] = {"status": "ok", "reason": None}
        if facts is not None:
            update["pdf" if isinstance(facts, PdfFacts) else "office"] = facts
        if reason is not None:
            update.update(status="not_assessable", reason=reason)
        done.append(doc.model_copy(update=update))
    return documents.model_copy(update={"documents": done})


def _finish(draft: _Draft) -> PublishedDocument:
    urls = list(dict.fromkeys(draft.urls))
    return PublishedDocument(
        **{k: v for k, v in draft.doc.items() if k != "url"},
        url=urls[0],
        urls=urls,
        referrers=sorted(draft.referrers),
        link_texts=draft.link_texts[:5],
    )


def fetch_one(
    http: Http, url: str, settings: DocumentSettings, allowed: Callable[[str], str | None]
) -> tuple[dict[str, Any], bytes | None]:
    """One document, redirects followed hop by hop: its record and its bytes (None when unread)."""
    doc: dict[str, Any] = {"url": url, "kind": _kind_by_name(url), "status": "not_assessable", "sha256": ""}
    deadline = time.monotonic() + settings.fetch_timeout
    refused = allowed(url)
    if refused is not None:  # discovery said so already, unless the rules changed under it
        doc["reason"] = f"not fetched: {refused}"
        return doc, None
    current, hops = url, 0
    while True:
        try:
            with http.stream("GET", current) as response:
                target = redirect_location(response, current)
                if target is None:
                    return _read(doc, response, settings, deadline)
        except RequestBudgetSpent:
            doc["reason"] = "not fetched: the document request budget was spent"
            return doc, None
        except httpx.TimeoutException:
            doc["reason"] = f"not fetched: no complete answer within {settings.fetch_timeout:g} s"
            return doc, None
        except httpx.RemoteProtocolError:
            doc["reason"] = "truncated: the connection closed before the whole file arrived"
            return doc, None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            refusal = refusal_of(exc)
            doc["reason"] = f"not fetched: {refusal or plain_error(exc)}"
            return doc, None
        hops += 1
        if hops > MAX_REDIRECTS:
            why_not: str | None = "too many redirects"
        else:
            why_not = allowed(target) if target else "a redirect to a non-http(s) URL"
        if why_not is not None:
            doc["reason"] = f"not fetched: {why_not}"
            return doc, None
        current = target


def _read(
    doc: dict[str, Any], response: httpx.Response, settings: DocumentSettings, deadline: float
) -> tuple[dict[str, Any], bytes | None]:
    media_type = media_type_of(response.headers)
    doc["media_type"] = media_type
    doc["last_modified"] = response.headers.get("last-modified")
    if not 200 <= response.status_code < 300:
        doc["reason"] = f"not fetched: HTTP {response.status_code}"
        return doc, None
    body, size = read_capped(response, settings.max_document_bytes, deadline)
    doc["bytes"] = size
    if body is None:
        doc["reason"] = f"too large: over {settings.max_document_bytes:,} bytes"
        return doc, None
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > len(body):
        doc["reason"] = f"truncated: {len(body):,} of {int(declared):,} bytes arrived"
        return doc, None
    doc["sha256"] = hashlib.sha256(body).hexdigest()
    kind = sniff(body)
    claimed = DOCUMENT_TYPES.get(media_type) or doc["kind"]
    if kind is None:
        served = media_type or "no content type"
        doc["reason"] = f"mislabelled: served as {served} but the content is {describe_content(body)}"
        return doc, None
    doc["kind"] = kind
    if claimed not in ("other", kind):
        doc["reason"] = f"mislabelled: named or served as {claimed.upper()} but the content is {kind.upper()}"
        return doc, None
    if kind == "pdf" and b"%%EOF" not in body[-2048:]:
        doc["reason"] = "truncated: the file has no end-of-file marker (%%EOF)"
        return doc, None
    doc.update(status="pending", reason=PENDING_REASON)  # read and recognised: its facts come from parsing
    return doc, body


def _kind_by_name(url: str) -> DocumentKind:
    path = url.split("?", 1)[0].split("#", 1)[0].lower()
    for ext, media_type in NON_HTML_EXTENSIONS.items():
        if path.endswith(ext) and media_type in DOCUMENT_TYPES:
            return DOCUMENT_TYPES[media_type]
    return "other"


# ---------------------------------------------------------------------------
# The parser process
# ---------------------------------------------------------------------------


class ParserProcess:
    """A child process that parses PDFs, one at a time, under a memory and a time limit.

    The child (``python -m crawlers.pdfworker``) limits its own address space (``RLIMIT_AS``)
    when it starts; the parent waits at most ``timeout`` seconds for each answer, then kills the
    child and starts another when the next file comes. Parsing never runs on the caller's thread
    or event loop, and a crash in a C library ends only the child."""

    def __init__(self, timeout: float = 20.0, memory_mb: int = 512) -> None:
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._proc: subprocess.Popen[bytes] | None = None
        self._closed = False
        self.started = 0  # child processes started (a new one after each kill)

    def _start(self) -> subprocess.Popen[bytes]:
        if self._closed:  # closed from another thread (a run stopping): start nothing more
            raise EOFError
        if self._proc is None or self._proc.poll() is not None:
            self._stop()
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "crawlers.pdfworker", str(self.memory_mb)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            self.started += 1
            if self._closed:
                self._stop()
                raise EOFError
        return self._proc

    def parse(self, data: bytes, kind: DocumentKind = "pdf") -> tuple[PdfFacts | OfficeFacts | None, str | None]:
        """The document's facts, or (None, the reason it is not assessable)."""
        proc = self._start()
        assert proc.stdin is not None and proc.stdout is not None
        deadline = time.monotonic() + self.timeout
        message = kind.encode() + b"\n"
        try:
            proc.stdin.write(struct.pack(">Q", len(message) + len(data)) + message)
            proc.stdin.write(data)
            proc.stdin.flush()
            header = _read_exactly(proc.stdout, 8, deadline)
            answer = _read_exactly(proc.stdout, struct.unpack(">Q", header)[0], deadline)
        except TimeoutError:
            self._stop()
            return None, f"too complex: parsing took longer than {self.timeout:g} s"
        except (EOFError, OSError):
            self._stop()
            return None, f"too complex: the parser stopped (over {self.memory_mb} MB of memory, or a damaged file)"
        outcome, payload = json.loads(answer)
        if outcome != "ok":
            return None, str(payload)
        if kind == "pdf":
            return PdfFacts.model_validate(payload), None
        return OfficeFacts.model_validate(payload), None

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        proc.wait(5)
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                pipe.close()

    def close(self) -> None:
        """Stop the child; a parse under way in another thread ends as "too complex" (its caller,
        :class:`BackgroundParser`, drops that answer). The parser cannot be used after."""
        self._closed = True
        self._stop()

    def __enter__(self) -> ParserProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class BackgroundParser:
    """Parses documents while the caller does something else (fetching the next file, rendering pages).

    :meth:`submit` returns at once; one thread of this process hands the files, one at a time, to
    a :class:`ParserProcess` and waits on its answers (it only waits: the parsing itself runs in the
    child process, so neither this process's event loop nor its other threads are held).
    :meth:`join` waits for every answer; :meth:`finished` takes those already in without waiting;
    :meth:`close` drops the rest (a stopped run parses them again when it is resumed).
    Each parse's start and end (``time.monotonic()``) are kept in ``spans``, to tell how long
    parsing ran beside another phase (:func:`overlap`)."""

    def __init__(self, timeout: float = 20.0, memory_mb: int = 512, *, parser: ParserProcess | None = None) -> None:
        self._own_parser = parser is None
        self._parser = parser or ParserProcess(timeout, memory_mb)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="documents")
        self._futures: dict[str, Future[Outcome | None]] = {}
        self._closing = False
        self.spans: list[tuple[float, float]] = []

    def submit(self, sha256: str, kind: DocumentKind, body: bytes) -> None:
        """Parse ``body`` (a ``kind`` document) in the background; once per ``sha256``."""
        if sha256 not in self._futures and not self._closing:
            self._futures[sha256] = self._pool.submit(self._parse, kind, body)

    def _parse(self, kind: DocumentKind, body: bytes) -> Outcome | None:
        if self._closing:
            return None
        began = time.monotonic()
        try:
            outcome = self._parser.parse(body, kind)
        except Exception:
            if self._closing:  # the child and its pipes were closed under it: no answer
                return None
            raise
        finally:
            self.spans.append((began, time.monotonic()))
        return None if self._closing else outcome

    @property
    def submitted(self) -> int:
        return len(self._futures)

    def finished(self) -> dict[str, Outcome]:
        """The answers already in (sha256 -> outcome), without waiting."""
        return {sha: out for sha, f in self._futures.items() if f.done() and (out := _answer(f)) is not None}

    def join(self, check: Callable[[], None] = lambda: None) -> dict[str, Outcome]:
        """Every answer (sha256 -> outcome), waiting for those still being parsed; ``check()`` is
        called while it waits (a few times a second: it may raise to stop waiting)."""
        futures = list(self._futures.values())
        while futures:
            check()
            # a future cancelled by close() is done, but wait() counts it only once a worker saw it
            futures = [f for f in wait(futures, timeout=0.2).not_done if not f.done()]
        out: dict[str, Outcome] = {}
        for sha, future in self._futures.items():
            answer = _answer(future, wait=True)
            if answer is not None:
                out[sha] = answer
        return out

    def close(self) -> None:
        """Stop: nothing more is parsed, the child process ends (a parse under way is dropped)."""
        self._closing = True
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._own_parser:
            self._parser.close()  # ends a parse under way at once (its thread sees EOF)
        self._pool.shutdown(wait=True)
        if self._own_parser:
            self._parser.close()

    def __enter__(self) -> BackgroundParser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _answer(future: Future[Outcome | None], *, wait: bool = False) -> Outcome | None:
    if future.cancelled() or (not wait and not future.done()):
        return None
    try:
        return future.result()
    except CancelledError:
        return None


def overlap(spans: Iterable[tuple[float, float]], began: float, ended: float) -> float:
    """Seconds of ``spans`` (start, end) that fall between ``began`` and ``ended``."""
    return sum(max(0.0, min(end, ended) - max(start, began)) for start, end in spans)


def _read_exactly(stream: Any, size: int, deadline: float) -> bytes:
    """``size`` bytes from the child's stdout before ``deadline``: TimeoutError, or EOFError when it ended."""
    chunks: list[bytes] = []
    fd = stream.fileno()
    while size > 0:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
