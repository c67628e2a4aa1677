"""The documents step of an audit: after discovery, before the browser (``crawlers/documents.py``).

It runs on discovery's own client (the same address policy, pins and loopback-only mode), asks only
what discovery's scope and robots.txt allow, keeps discovery's politeness gap, and hands the time
of its last request on, so the browser's first page load waits for it as it waits for discovery.
PDFs are parsed in a separate process while the next document downloads: nothing here runs on the
browser's event loop.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from crawlers.discover import Discovery
from crawlers.documents import Candidate, DocumentSettings, collect_documents, is_document_url
from maturity.core.settings import AuditSettings
from maturity.run import interrupt


def candidates(found: Discovery) -> list[Candidate]:
    """The documents discovery met: linked from the pages it fetched, or listed in the sitemaps."""
    return [
        Candidate(url=url, referrers=tuple(found.referrers.get(url, ())), in_sitemap=url in found.in_sitemaps)
        for url, media_type in found.site.non_html.items()
        if is_document_url(url, media_type)
    ]


def collect_site_documents(client: Any, found: Discovery, settings: AuditSettings) -> tuple[Discovery, float]:
    """``found`` with its site facts carrying the documents (none with ``max_documents`` 0), and the
    seconds the step took."""
    if settings.max_documents == 0:
        return found, 0.0
    began = time.perf_counter()
    gap = found.politeness.discovery_gap_s
    doc_settings = DocumentSettings(
        max_documents=settings.max_documents,
        max_document_bytes=settings.max_document_bytes,
        fetch_timeout=settings.page_timeout,
        user_agent=settings.user_agent,
        gap=gap,
    )
    may_fetch = found.may_fetch or (lambda _url: None)
    documents, last = collect_documents(
        client,
        candidates(found),
        doc_settings,
        allowed=may_fetch,
        last_request_at=found.last_request_at,
        before_each=lambda _url: interrupt.check(),  # Ctrl-C: nothing is stored yet, nothing is lost
    )
    site = found.site.model_copy(update={"documents": documents})
    return replace(found, site=site, last_request_at=last), time.perf_counter() - began
