"""What the document checks share: each judges every assessable PDF (or Office file) the collector
gathered, scores the share that passes, and lists the failing ones with the pages linking to them
(most-linked first).

Documents that could not be assessed (encrypted, damaged, too large, mislabelled) never count as
passing or failing here; ``documents-passing`` lists them. A document whose every date falls before
the compliance date (``compliance_date``) is marked "may be pre-existing" (ADA Title II,
28 CFR 35.201(b)): for a person to claim, never left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from maturity.core.checks import SiteInput
from maturity.core.documents import PublishedDocument, may_be_pre_existing
from maturity.core.model import CheckResult, Item

Problem = Callable[[Any, Mapping[str, Any]], str | None]  # the facts (PdfFacts or OfficeFacts), the params
Applies = Callable[[Any, Mapping[str, Any]], bool]

COMPLIANCE_DATE = "2027-04-26"
"""The ADA Title II rule's first compliance date, for public entities of 50,000 people or more
(``maturity.core.title2.LARGE_ENTITY_DATE``; smaller entities and special districts: 2028-04-26),
28 CFR 35.200 as amended by 91 FR 20902 (DOMAIN.md)."""

NOT_COLLECTED = (
    "documents were not collected in this crawl (--max-documents 0, or a version without the document "
    "collector): audit again"
)


def referrers_text(doc: PublishedDocument, limit: int = 3) -> str:
    if not doc.referrers:
        return "listed in a sitemap" if doc.in_sitemap else "linked from no audited page"
    shown = ", ".join(doc.referrers[:limit])
    more = f" and {len(doc.referrers) - limit} more" if len(doc.referrers) > limit else ""
    return f"linked from {len(doc.referrers)} page(s): {shown}{more}"


def document_item(doc: PublishedDocument, problem: str, params: Mapping[str, Any]) -> Item:
    detail = f"{problem}; {referrers_text(doc)}"
    marking = pre_existing(doc, params)
    if marking:
        detail += f" ({marking})"
    facts = doc.pdf or doc.office
    title = facts.title if facts is not None and facts.title else doc.url.rsplit("/", 1)[-1]
    return Item(url=doc.url, snippet=title[:120], detail=detail, value=float(len(doc.referrers)))


def pre_existing(doc: PublishedDocument, params: Mapping[str, Any]) -> str | None:
    when = params.get("compliance_date")
    if not when:
        return None
    return may_be_pre_existing(doc, date.fromisoformat(str(when)))


def validate_date(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    value = params.get("compliance_date")
    if value in (None, ""):
        return []
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return [("compliance_date", f"not an ISO date (YYYY-MM-DD): {value!r}")]
    return []


def judge(
    check_id: str, site: SiteInput, problem: Problem, applies: Applies | None = None, *, office: bool = False
) -> CheckResult:
    """Pass when no applicable PDF (with ``office``: Word, PowerPoint or Excel file) has the problem;
    the score is the share without it."""
    documents = site.site.documents
    if documents is None:
        return CheckResult.errored(check_id, None, NOT_COLLECTED)
    params = site.params
    judged = 0
    failing: list[Item] = []
    chosen = documents.office_files() if office else documents.pdfs()
    for doc in chosen:
        facts = doc.office if office else doc.pdf
        if applies is not None and not applies(facts, params):
            continue
        judged += 1
        found = problem(facts, params)
        if found is not None:
            failing.append(document_item(doc, found, params))
    if judged == 0:
        others = len(documents.documents) - len(chosen)
        why = f"no assessable {'Office file' if office else 'PDF'} this check applies to"
        if others:
            why += f" ({others} other document(s) not assessed)"
        return CheckResult.not_applicable(check_id, None, why)
    share = 1 - len(failing) / judged
    what = "Office files" if office else "PDFs"
    summary = Item(url=site.site.start_url, detail=f"{judged - len(failing)} of {judged} {what} pass", value=share)
    if failing:
        return CheckResult.failed(check_id, None, value=share, score=share, items=[summary, *failing])
    return CheckResult.passed(check_id, None, value=share, items=[summary])
