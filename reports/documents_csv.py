"""The documents of a run as CSV: one row per document (RFC 4180, formula-safe cells)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date
from typing import Any

from maturity.core.checks.documents.documents_passing import problems
from maturity.core.documents import DocumentSet, looks_like_form, may_be_pre_existing
from reports.csv_export import neutralise

COLUMNS = (
    "run",
    "site",
    "url",
    "other_urls",
    "kind",
    "status",
    "reason",
    "problems",
    "referrers",
    "referrer_pages",
    "in_sitemap",
    "looks_like_form",
    "pre_existing",
    "title",
    "lang",
    "pages",
    "pages_without_text",
    "tagged",
    "display_doc_title",
    "figures",
    "figures_without_alt",
    "headings",
    "bookmarks",
    "form_fields",
    "form_fields_without_name",
    "encrypted",
    "blocks_assistive_tech",
    "pdfua_part",
    "images",
    "images_without_alt",
    "producer",
    "created",
    "modified",
    "last_modified",
    "bytes",
    "sha256",
)
"""``problems``: what the document checks found, with their default parameters (``;``-separated);
``referrer_pages``: up to 20 linking pages, space-separated; ``pre_existing``: the "may be
pre-existing" note against the compliance date given. An empty cell means "no figure", never zero."""


def render_documents_csv(
    crawl_id: int, site: str, documents: DocumentSet, *, compliance_date: date | None, params: Mapping[str, Any]
) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n", extrasaction="raise")
    writer.writeheader()
    for doc in documents.documents:
        pdf, office = doc.pdf, doc.office
        facts = pdf or office
        row: dict[str, Any] = {
            "run": crawl_id,
            "site": site,
            "url": doc.url,
            "other_urls": " ".join(doc.urls[1:]),
            "kind": doc.kind,
            "status": doc.status,
            "reason": doc.reason,
            "problems": "; ".join(problems(facts, params)) if facts is not None and doc.status == "ok" else None,
            "referrers": len(doc.referrers),
            "referrer_pages": " ".join(doc.referrers[:20]),
            "in_sitemap": doc.in_sitemap,
            "looks_like_form": looks_like_form(doc),
            "pre_existing": may_be_pre_existing(doc, compliance_date) if compliance_date else None,
            "title": facts.title if facts else None,
            "lang": facts.lang if facts else None,
            "last_modified": doc.last_modified,
            "bytes": doc.bytes,
            "sha256": doc.sha256,
        }
        if pdf is not None:
            row.update(
                pages=pdf.pages,
                pages_without_text=pdf.pages - pdf.pages_with_text,
                tagged=pdf.tagged,
                display_doc_title=pdf.display_doc_title,
                figures=pdf.figures,
                figures_without_alt=pdf.figures_without_alt,
                headings=pdf.headings,
                bookmarks=pdf.bookmarks,
                form_fields=len(pdf.form_fields),
                form_fields_without_name=sum(not f.tooltip for f in pdf.form_fields),
                encrypted=pdf.encrypted,
                blocks_assistive_tech=pdf.blocks_assistive_tech,
                pdfua_part=pdf.pdfua_part,
                producer=pdf.producer,
                created=pdf.created,
                modified=pdf.modified,
            )
        if office is not None:
            row.update(images=office.images, images_without_alt=office.images_without_alt, headings=office.headings)
        writer.writerow({k: _cell(row.get(k)) for k in COLUMNS})
    return out.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value)
