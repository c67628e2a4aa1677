"""documents-passing: the share of the site's PDFs that pass every PDF check (site-level)."""

from collections.abc import Mapping
from typing import Any

from maturity.core.checks import SiteInput, check, get
from maturity.core.checks.documents import (
    office_image_alt,
    office_language,
    office_title,
    pdf_bookmarks,
    pdf_figure_alt,
    pdf_form_field_names,
    pdf_language,
    pdf_tagged,
    pdf_text_layer,
    pdf_title,
)
from maturity.core.checks.documents._judge import (
    COMPLIANCE_DATE,
    NOT_COLLECTED,
    document_item,
    referrers_text,
    validate_date,
)
from maturity.core.documents import DocumentSet, DocumentTally, OfficeFacts, PdfFacts
from maturity.core.model import CheckResult, Item

ID = "documents-passing"

PARTS = (pdf_tagged, pdf_title, pdf_language, pdf_text_layer, pdf_figure_alt, pdf_bookmarks, pdf_form_field_names)
OFFICE_PARTS = (office_title, office_language, office_image_alt)


def problem_list(facts: PdfFacts | OfficeFacts, params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every document check's problem with ``facts`` (those that apply): (check id, the problem in words)."""
    found = []
    for part in PARTS if isinstance(facts, PdfFacts) else OFFICE_PARTS:
        applies = getattr(part, "applies", None)
        if applies is not None and not applies(facts, params):
            continue
        problem = part.problem(facts, params)
        if problem is not None:
            found.append((part.ID, problem))
    return found


def problems(facts: PdfFacts | OfficeFacts, params: Mapping[str, Any]) -> list[str]:
    """As :func:`problem_list`, each problem prefixed with its check's id."""
    return [f"{check_id}: {problem}" for check_id, problem in problem_list(facts, params)]


def tally(documents: DocumentSet, params: Mapping[str, Any] | None = None) -> DocumentTally:
    """How many documents were collected, assessed, and pass every check that applies to them
    (``params`` over this check's defaults): the figures behind this check's score."""
    merged = {**get(ID).meta.params, **(params or {})}
    judged = documents.pdfs() + documents.office_files()
    failing = sum(1 for d in judged if (facts := d.pdf or d.office) is not None and problem_list(facts, merged))
    return DocumentTally(
        found=documents.found, collected=len(documents.documents), assessed=len(judged), passing=len(judged) - failing
    )


CHECK_IDS = (ID, *(part.ID for part in PARTS), *(part.ID for part in OFFICE_PARTS))
"""Every document check: their findings name a document, not a page."""


@check(
    id=ID,
    dimension="documents",
    title="Most of the site's documents pass every document check",
    failure_title="Too few of the site's documents pass every document check",
    description=(
        "One figure for the documents a site publishes: the share of assessable documents that pass every "
        "check that applies to them (PDFs: tagged, titled, language, text layer, figure alternate text, "
        "bookmarks, form field names; Word, PowerPoint and Excel: title, language, picture alternative text). "
        "Passes at `min_share` (default 0.8); the score is the share. Documents that could not be assessed "
        "(encrypted, damaged, too large, mislabelled) are listed with the reason and never counted as failing. "
        "Failing documents are listed most-linked first, with the pages that link to them: fix those first."
    ),
    requires=("site",),
    scope="site",
    params={
        "min_share": 0.8,
        "require_display": True,
        "max_share_without_text": 0.1,
        "min_pages": 10,
        "compliance_date": COMPLIANCE_DATE,
    },
    source="ADA Title II web rule, 28 CFR 35.200 (WCAG 2.1 AA for conventional electronic documents) and "
    "35.201(b) (pre-existing documents); Section 508 (36 CFR 1194, E205.4); WCAG techniques PDF1-PDF23",
    validate=validate_date,
)
def run(site: SiteInput) -> CheckResult:
    documents = site.site.documents
    if documents is None:
        return CheckResult.errored(ID, None, NOT_COLLECTED)
    params = site.params
    pdfs = documents.pdfs() + documents.office_files()
    failing: list[Item] = []
    for doc in pdfs:
        facts = doc.pdf or doc.office
        assert facts is not None
        found = problems(facts, params)
        if found:
            failing.append(document_item(doc, "; ".join(found), params))
    unassessed = [
        Item(
            url=d.url,
            snippet=d.url.rsplit("/", 1)[-1][:120],
            detail=f"{d.status.replace('_', ' ')}: {d.reason}; {referrers_text(d)}",
        )
        for d in documents.documents
        if d not in pdfs
    ]
    if not pdfs:
        what = (
            f"{len(documents.documents)} document(s) collected, none assessable"
            if documents.documents
            else ("no documents linked from the audited pages or listed in the sitemaps")
        )
        result = CheckResult.not_applicable(ID, None, what)
        return result.model_copy(update={"items": [*result.items, *unassessed]})
    share = 1 - len(failing) / len(pdfs)
    detail = f"{len(pdfs) - len(failing)} of {len(pdfs)} documents pass every check"
    if unassessed:
        detail += f"; {len(unassessed)} other document(s) not assessed"
    if documents.found > len(documents.documents):
        detail += f"; {documents.found} document URLs found, the {documents.max_documents} most linked collected"
    items = [Item(url=site.site.start_url, detail=detail, value=share), *failing, *unassessed]
    if share < float(params["min_share"]):
        return CheckResult.failed(ID, None, value=share, score=share, items=items)
    return CheckResult.passed(ID, None, value=share, score=share, items=items)
