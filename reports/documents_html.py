"""The "Documents" section of the HTML scorecard: the run's documents as plain rows for the template.

Pure: a :class:`~maturity.core.documents.DocumentSet` and the document checks' parameters in, a
:class:`DocumentsView` out. Every problem comes from the document checks themselves
(:func:`~maturity.core.checks.documents.documents_passing.problem_list`), so the section and the
scores never disagree. Links only for plain http(s) URLs (:func:`safe_href`, passed in by
:mod:`reports.html`, which imports this module).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from maturity.core.checks import get
from maturity.core.checks.documents.documents_passing import ID as PASSING_ID
from maturity.core.checks.documents.documents_passing import problem_list
from maturity.core.documents import DocumentSet, PublishedDocument, looks_like_form, may_be_pre_existing

MAX_REFERRERS_SHOWN = 5

KIND_LABELS = {"pdf": "PDF", "docx": "Word", "xlsx": "Excel", "pptx": "PowerPoint", "other": "Other"}
STATUS_LABELS = {
    "not_assessable": "Not assessable",
    "not_analysed": "Not analysed",
    "pending": "Not read yet",
    "ok": "Not read",
}


@dataclass
class Link:
    url: str
    href: str | None


@dataclass
class DocumentRow:
    link: Link
    name: str  # the document's title, else its file name
    kind: str
    problems: list[tuple[str, str]] = field(default_factory=list)  # (check id, what is wrong)
    referrers: list[Link] = field(default_factory=list)  # the first few
    more_referrers: list[Link] = field(default_factory=list)  # the rest, behind a <details>
    referrer_count: int = 0
    in_sitemap: bool = False
    pre_existing: str | None = None  # the "may be pre-existing" mark, for a person to claim
    form: bool = False
    reason: str = ""  # why it was not assessed
    status: str = ""


@dataclass
class DocumentsView:
    collected: int
    found: int
    max_documents: int
    assessed: int
    passing: int
    failing: list[DocumentRow]
    unassessed: list[DocumentRow]
    compliance_date: str | None

    @property
    def share(self) -> float | None:
        """The share of assessable documents passing every check that applies (0..100), or None."""
        return 100 * self.passing / self.assessed if self.assessed else None


def _name(doc: PublishedDocument) -> str:
    facts = doc.pdf or doc.office
    if facts is not None and facts.title and facts.title.strip():
        return facts.title.strip()[:160]
    return doc.url.rstrip("/").rsplit("/", 1)[-1][:160] or doc.url


def _row(doc: PublishedDocument, href: Callable[[str], str | None], when: date | None) -> DocumentRow:
    links = [Link(u, href(u)) for u in doc.referrers]
    return DocumentRow(
        link=Link(doc.url, href(doc.url)),
        name=_name(doc),
        kind=KIND_LABELS.get(doc.kind, doc.kind),
        referrers=links[:MAX_REFERRERS_SHOWN],
        more_referrers=links[MAX_REFERRERS_SHOWN:],
        referrer_count=len(doc.referrers),
        in_sitemap=doc.in_sitemap,
        pre_existing=may_be_pre_existing(doc, when) if when is not None else None,
        form=looks_like_form(doc),
        status=STATUS_LABELS.get(doc.status, doc.status),
        reason=doc.reason or "",
    )


def documents_view(
    documents: DocumentSet, params: Mapping[str, Any] | None, href: Callable[[str], str | None]
) -> DocumentsView:
    """The failing documents (most-linked first, each with every document check's problem) and the
    documents that could not be assessed (with the reason). ``params``: the document checks'
    parameters (``compliance_date`` for the "may be pre-existing" mark, ``min_pages``, ...), over
    ``documents-passing``'s defaults."""
    params = {**get(PASSING_ID).meta.params, **(params or {})}
    raw_date = params.get("compliance_date")
    when = date.fromisoformat(str(raw_date)) if raw_date else None
    failing: list[DocumentRow] = []
    unassessed: list[DocumentRow] = []
    assessed = 0
    for doc in documents.documents:
        facts = doc.pdf or doc.office
        if doc.status != "ok" or facts is None:
            unassessed.append(_row(doc, href, when))
            continue
        assessed += 1
        found = problem_list(facts, params)
        if found:
            row = _row(doc, href, when)
            row.problems = found
            failing.append(row)
    # The collector keeps documents most-linked first; keep that order, ties by URL, whatever the input.
    failing.sort(key=lambda r: (-r.referrer_count, r.link.url))
    unassessed.sort(key=lambda r: (-r.referrer_count, r.link.url))
    return DocumentsView(
        collected=len(documents.documents),
        found=documents.found,
        max_documents=documents.max_documents,
        assessed=assessed,
        passing=assessed - len(failing),
        failing=failing,
        unassessed=unassessed,
        compliance_date=when.isoformat() if when else None,
    )
