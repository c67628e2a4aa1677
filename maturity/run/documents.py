"""The documents step of an audit (``crawlers/documents.py``): fetched after discovery, parsed while
the pages render.

Fetching runs on discovery's own client (the same address policy, pins and loopback-only mode),
asks only what discovery's scope and robots.txt allow, keeps discovery's politeness gap, and hands
the time of its last request on, so the browser's first page load waits for it as it waits for
discovery: one politeness clock per host, never two clients at once on one site.

Parsing (:class:`DocumentJob`) starts with the first file fetched and goes on while the browser
renders the pages, in a child process fed by a thread of its own: nothing runs on the browser's
event loop. The workflow waits for it after rendering and stores the facts with the site before
scoring. A document whose bytes an earlier run of the same site already parsed (the same sha256,
the same parser version) is not parsed again: its stored facts are reused.

A run stopped before its documents were parsed keeps them as ``pending`` (their bytes are not
kept); ``maturity resume`` fetches those again, with the run's politeness, and parses them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from crawlers.discover import Discovery
from crawlers.documents import (
    BackgroundParser,
    Candidate,
    DocumentSettings,
    Outcome,
    collect_documents,
    fetch_documents,
    fetch_pending,
    is_document_url,
    overlap,
    parser_version,
    with_facts,
)
from maturity.core.documents import DocumentKind, DocumentSet, OfficeFacts, PdfFacts
from maturity.core.settings import AuditSettings
from maturity.run import interrupt
from maturity.store import Store


def candidates(found: Discovery) -> list[Candidate]:
    """The documents discovery met: linked from the pages it fetched, or listed in the sitemaps."""
    return [
        Candidate(url=url, referrers=tuple(found.referrers.get(url, ())), in_sitemap=url in found.in_sitemaps)
        for url, media_type in found.site.non_html.items()
        if is_document_url(url, media_type)
    ]


def document_settings(settings: AuditSettings, gap: float) -> DocumentSettings:
    return DocumentSettings(
        max_documents=settings.max_documents,
        max_document_bytes=settings.max_document_bytes,
        fetch_timeout=settings.page_timeout,
        user_agent=settings.user_agent,
        gap=gap,
    )


def collect_site_documents(client: Any, found: Discovery, settings: AuditSettings) -> tuple[Discovery, float]:
    """``found`` with its site facts carrying the documents, fetched and parsed (none with
    ``max_documents`` 0), and the seconds the step took. (An audit fetches with
    :func:`fetch_site_documents` and parses while its pages render.)"""
    if settings.max_documents == 0:
        return found, 0.0
    began = time.perf_counter()
    documents, last = collect_documents(
        client,
        candidates(found),
        document_settings(settings, found.politeness.discovery_gap_s),
        allowed=found.may_fetch or (lambda _url: None),
        last_request_at=found.last_request_at,
        before_each=lambda _url: interrupt.check(),
    )
    site = found.site.model_copy(update={"documents": documents})
    return replace(found, site=site, last_request_at=last), time.perf_counter() - began


def fetch_site_documents(
    client: Any, found: Discovery, settings: AuditSettings, job: DocumentJob
) -> tuple[Discovery, float]:
    """``found`` with its site facts carrying the documents fetched (``pending`` until ``job``, which
    gets each file as it arrives, has parsed them), and the seconds fetching took."""
    if settings.max_documents == 0:
        return found, 0.0
    began = time.perf_counter()
    documents, last = fetch_documents(
        client,
        candidates(found),
        document_settings(settings, found.politeness.discovery_gap_s),
        allowed=found.may_fetch or (lambda _url: None),
        last_request_at=found.last_request_at,
        before_each=lambda _url: interrupt.check(),  # Ctrl-C: nothing is stored yet, nothing is lost
        on_body=job.submit,
    )
    site = found.site.model_copy(update={"documents": documents})
    return replace(found, site=site, last_request_at=last), time.perf_counter() - began


def refetch_pending(
    client: Any, documents: DocumentSet, settings: AuditSettings, job: DocumentJob, *, gap: float, start_url: str
) -> tuple[DocumentSet, float | None]:
    """``maturity resume``: the run's pending documents fetched again and handed to ``job``.

    Their URLs passed discovery's scope and robots.txt when the run began; a redirect is followed
    now only to a host the run's documents were already fetched from."""
    hosts = {urlsplit(u).hostname for d in documents.documents for u in d.urls} | {urlsplit(start_url).hostname}

    def allowed(url: str) -> str | None:
        return None if urlsplit(url).hostname in hosts else "a redirect to another host (when the run was resumed)"

    return fetch_pending(
        client,
        documents,
        document_settings(settings, gap),
        allowed=allowed,
        before_each=lambda _url: interrupt.check(),
        on_body=job.submit,
    )


def _facts(kind: str, data: Any) -> PdfFacts | OfficeFacts | None:
    try:
        return PdfFacts.model_validate(data) if kind == "pdf" else OfficeFacts.model_validate(data)
    except ValidationError:
        return None  # kept by a version whose facts no longer read: parsed again


class DocumentJob:
    """One run's documents being parsed while its pages render, with the facts kept by earlier
    runs of the same site reused (by sha256 and parser version) instead of parsed again."""

    def __init__(self, store: Store, site: str, *, parser: BackgroundParser | None = None) -> None:
        self.store = store
        self.site = site  # the crawl's target URL: facts are reused within one site
        self.version = parser_version()
        settings = DocumentSettings()
        self.parsing = parser or BackgroundParser(settings.parse_timeout, settings.parse_memory_mb)
        self.reused: dict[str, Outcome] = {}
        self._kinds: dict[str, DocumentKind] = {}

    def submit(self, sha256: str, kind: DocumentKind, body: bytes) -> None:
        """A document's bytes: its stored facts if an earlier run kept them, else parsed in the background."""
        if sha256 in self.reused or sha256 in self._kinds:
            return
        known = self.store.document_facts(self.site, self.version, [sha256]).get(sha256)
        facts = _facts(*known) if known is not None and known[0] == kind else None
        if facts is not None:
            self.reused[sha256] = (facts, None)
            return
        self._kinds[sha256] = kind
        self.parsing.submit(sha256, kind, body)

    @property
    def handed_over(self) -> int:
        """Documents handed to the job: parsed (or being parsed) and reused."""
        return self.parsing.submitted + len(self.reused)

    def wait(self, check: Callable[[], None] = lambda: None) -> None:
        """Wait until every document handed over is parsed; ``check()`` may raise to stop waiting."""
        self.parsing.join(check)

    def finish(self, store: Store, crawl_id: int) -> int:
        """Put what parsing gave so far into the crawl's stored site facts (documents not parsed yet
        stay pending), and keep the new facts for later runs. Returns how many documents it filled."""
        parsed = self.parsing.finished()
        site = store.load_site(crawl_id)
        if site.documents is None:
            return 0
        outcomes = {**parsed, **self.reused}
        pending = {d.sha256 for d in site.documents.documents if d.status == "pending"}
        store.set_site(
            crawl_id,
            site.model_copy(update={"documents": with_facts(site.documents, outcomes)}),
            store.crawl(crawl_id).pages_found,
        )
        keep = {
            sha: (self._kinds[sha], facts.model_dump(mode="json"))
            for sha, (facts, reason) in parsed.items()
            if facts is not None and reason is None and sha in self._kinds
        }
        store.keep_document_facts(self.site, self.version, keep)
        return len(pending & outcomes.keys())

    def timings(self, rendering: list[tuple[float, float]]) -> dict[str, Any]:
        """What the job did, for the run's timings: documents parsed and reused, seconds parsing,
        and how many of them ran while pages rendered (``rendering``: (start, end) monotonic spans)."""
        spans = list(self.parsing.spans)
        return {
            "documents_parsed": len(spans),
            "documents_reused": len(self.reused),
            "documents_parse_s": round(sum(end - start for start, end in spans), 3),
            "documents_parse_overlap_s": round(sum(overlap(spans, a, b) for a, b in rendering), 3),
        }

    def close(self) -> None:
        self.parsing.close()
