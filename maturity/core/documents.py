"""Documents a site publishes (PDF first; Word, Excel and PowerPoint recorded): plain facts.

The collector (``crawlers/documents.py``) fetches the documents the audited site links to or lists
in its sitemaps, tells what each one is by its signature (magic bytes) as well as its content type,
parses it outside the browser, and hands over a :class:`DocumentSet`, stored with the site facts.
Checks (``maturity.core.checks.documents``) judge these facts; nothing here parses a file.

A document is identified by the sha256 of its bytes: the same form linked from 40 pages, or served
at two URLs, is one :class:`PublishedDocument` with its URLs and every page that links to it.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from maturity.kernel.dates import parse_date


class Frozen(BaseModel):
    """As :class:`maturity.core.model.Frozen` (which builds on this module, so it cannot import it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


DocumentKind = Literal["pdf", "docx", "xlsx", "pptx", "other"]
DocumentStatus = Literal["ok", "not_assessable", "not_analysed", "pending"]
# not_analysed: recognised, no facts read; pending: fetched, its facts not read yet (an audit under way)


class PdfFormField(Frozen):
    name: str  # the field's partial name (/T), for the report
    kind: str = ""  # /FT: Tx, Btn, Ch, Sig
    tooltip: bool = False  # a non-empty /TU (the accessible name assistive technology reads)


class PdfFacts(Frozen):
    """What a PDF's structure and text layer show (ISO 32000, ISO 14289 / PDF/UA)."""

    pages: int
    version: str = ""  # the header's version ("1.7", "2.0")
    tagged: bool = False  # a structure tree (/StructTreeRoot) and /MarkInfo /Marked true
    has_struct_tree: bool = False
    marked: bool = False  # /MarkInfo /Marked true
    title: str | None = None  # the document title (XMP dc:title, else the Info dictionary's /Title)
    display_doc_title: bool = False  # /ViewerPreferences /DisplayDocTitle true: the viewer shows the title
    lang: str | None = None  # the catalogue's /Lang
    pages_with_text: int = 0  # pages whose text layer has at least one character
    pages_without_text: list[int] = Field(default_factory=list)  # 1-based page numbers, at most 100 listed
    figures: int = 0  # /Figure structure elements (role map applied)
    figures_without_alt: int = 0  # ... with neither /Alt nor /ActualText
    headings: int = 0  # /H and /H1../H6 structure elements
    structure_elements: int = 0  # structure elements read (the walk stops at a cap)
    structure_truncated: bool = False  # the walk stopped at its cap: figure and heading counts are partial
    bookmarks: int = 0  # outline items (table of contents)
    form_fields: list[PdfFormField] = Field(default_factory=list)  # terminal fields, at most 500
    encrypted: bool = False
    blocks_assistive_tech: bool = False  # encrypted without the permission to extract text for accessibility
    pdfua_part: int | None = None  # the XMP pdfuaid:part (1 for PDF/UA-1)
    producer: str | None = None
    creator: str | None = None
    created: str | None = None  # ISO 8601, from /CreationDate (or XMP)
    modified: str | None = None  # ISO 8601, from /ModDate (or XMP)


class OfficeFacts(Frozen):
    """What a Word, PowerPoint or Excel file (Office Open XML, ISO/IEC 29500) says about itself."""

    title: str | None = None  # docProps/core.xml dc:title
    lang: str | None = None  # dc:language, else the default language of the styles (Word)
    images: int = 0  # pictures and drawings
    images_without_alt: int = 0  # ... with no description (alternative text) and not marked decorative
    headings: int = 0  # Word: paragraphs in a heading or title style
    paragraphs: int = 0  # Word: paragraphs with text
    slides: int = 0  # PowerPoint
    slides_without_title: list[int] = Field(default_factory=list)  # 1-based, at most 100 listed
    sheets: list[str] = Field(default_factory=list)  # Excel: sheet names, at most 100


class PublishedDocument(Frozen):
    """One document (one content), where it is published and who links to it."""

    url: str  # the first URL it was fetched from
    urls: list[str] = Field(default_factory=list)  # every URL serving these bytes (url first)
    referrers: list[str] = Field(default_factory=list)  # pages linking to any of its URLs, sorted
    in_sitemap: bool = False
    kind: DocumentKind = "other"
    media_type: str = ""  # the Content-Type served
    sha256: str = ""  # of the bytes ("" when they could not be read)
    bytes: int = 0
    status: DocumentStatus = "ok"
    reason: str | None = None  # why it is not assessable, or not analysed
    last_modified: str | None = None  # the Last-Modified header, as sent
    link_texts: list[str] = Field(default_factory=list)  # texts of the links to it (at most 5), when known
    pdf: PdfFacts | None = None
    office: OfficeFacts | None = None

    @property
    def referrer_count(self) -> int:
        return len(self.referrers)


class DocumentSet(Frozen):
    """The documents of one crawl: which were found, which were fetched, and their facts."""

    found: int = 0  # distinct document URLs linked or listed (before the cap)
    max_documents: int = 0  # the cap applied (--max-documents)
    requests: int = 0  # requests the collector made (redirect hops included)
    documents: list[PublishedDocument] = Field(default_factory=list)  # most-linked first
    skipped: list[str] = Field(default_factory=list)  # URLs left out by the cap (at most 100 listed)

    def pdfs(self) -> list[PublishedDocument]:
        """The PDFs that could be assessed."""
        return [d for d in self.documents if d.kind == "pdf" and d.status == "ok" and d.pdf is not None]

    def office_files(self) -> list[PublishedDocument]:
        """The Word, PowerPoint and Excel files that could be assessed."""
        return [d for d in self.documents if d.status == "ok" and d.office is not None]


class DocumentTally(Frozen):
    """One run's documents in figures, for trends and exports (``documents-passing``'s share)."""

    found: int = 0  # distinct document URLs linked or listed (before --max-documents)
    collected: int = 0  # documents fetched (assessable or not)
    assessed: int = 0  # documents whose facts could be read and judged (checked)
    passing: int = 0  # ... passing every document check that applies to them

    @property
    def not_assessable(self) -> int:
        """Documents collected whose facts could not be judged (encrypted, damaged, too large, ...)."""
        return self.collected - self.assessed

    @property
    def share(self) -> float | None:
        """The share passing (0..1), or None when no document could be assessed."""
        return self.passing / self.assessed if self.assessed else None

    def figures(self) -> DocumentFigures:
        return DocumentFigures(
            found=self.found,
            collected=self.collected,
            checked=self.assessed,
            passing=self.passing,
            not_assessable=self.not_assessable,
            share_passing=None if self.share is None else round(100 * self.share, 1),
        )


class DocumentFigures(Frozen):
    """A run's documents in the JSON exports and the JSON scorecard."""

    found: int = Field(description="Distinct document URLs linked from the audited pages or listed in the sitemaps")
    collected: int = Field(description="Documents fetched (at most --max-documents), assessable or not")
    checked: int = Field(description="Documents whose facts could be read and judged by the document checks")
    passing: int = Field(description="Checked documents passing every document check that applies to them")
    not_assessable: int = Field(description="Collected documents that could not be checked (the reason is listed)")
    share_passing: float | None = Field(description="passing over checked, 0-100 with one decimal (null: none checked)")


# ---------------------------------------------------------------------------
# Pre-existing documents (ADA Title II, 28 CFR 35.201(b))
# ---------------------------------------------------------------------------

FORM_WORDS = ("form", "application", "apply", "register", "registration", "permit", "request", "formulario")
"""Words in a document's URL or link text that say it is used to apply for or take part in a service."""


def looks_like_form(doc: PublishedDocument) -> bool:
    """Linked or named as a form or an application (or it has fillable fields): the pre-existing
    document exception does not cover documents currently used to apply for or access a service."""
    if doc.pdf is not None and doc.pdf.form_fields:
        return True
    text = " ".join([doc.url, *doc.urls, *doc.link_texts]).lower()
    return any(word in text for word in FORM_WORDS)


def newest_date(doc: PublishedDocument) -> date | None:
    """The latest of the document's own dates and the server's Last-Modified: when it last changed."""
    own = (doc.pdf.created, doc.pdf.modified) if doc.pdf else ()
    dates = [parse_date(v) for v in (doc.last_modified, *own)]
    known = [d for d in dates if d is not None]
    return max(known) if known else None


def may_be_pre_existing(doc: PublishedDocument, compliance_date: date) -> str | None:
    """Why a person might claim the pre-existing document exception for ``doc``, or None.

    A document whose every known date (creation, modification, Last-Modified) falls before the
    compliance date *may* be pre-existing; one that looks like a form or an application is said
    to be one, because the exception does not cover it. Nothing is dropped: this only marks."""
    newest = newest_date(doc)
    if newest is None or newest >= compliance_date:
        return None
    note = f"may be pre-existing: last changed {newest.isoformat()}, before {compliance_date.isoformat()}"
    if looks_like_form(doc):
        note += "; but it looks like a form or application, which the exception does not cover"
    return note
