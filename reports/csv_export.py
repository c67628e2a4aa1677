"""Portfolio exports: a flat CSV (one row per site per run) and a nested JSON document.

Pure: site histories in, a string out. The CSV is safe to open in a spreadsheet: any text cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe,
so it is shown as text and never run as a formula (OWASP, "CSV Injection").

CSV columns, in order (:data:`BASE_COLUMNS`, then one ``score_<dimension>`` column per
dimension, in rubric order, then one ``tag_<name>`` column per tag, sorted, then ``error``):

=====================  =====================================================================
portfolio              portfolio id the run belongs to (empty for a plain ``maturity audit``)
agency                 agency name (the host name for a run without an agency)
site                   the site's start URL (its identity across runs)
run                    crawl id (``maturity report RUN`` renders it)
status                 finished, failed or running
started_at             when the run started (ISO 8601, UTC)
finished_at            when it ended (empty while running)
scoring                scoring id the figures come from (empty: not scored)
rubric_id              id of the rubric that produced the figures
rubric_version         its version
rubric_sha256          sha256 of the rubric file: figures compare only when this matches
level                  maturity level number (empty: not assessable)
level_name             its name
overall                overall score, 0–100 (empty: not assessable)
complete               true when every check could run, false when some could not
pages                  pages in the run
pages_assessed         pages that could be assessed
pages_not_assessable   pages that could not (left out of every score)
findings               failing instances found (each element or page that failed a check)
documents_found        document URLs linked from the audited pages or listed in the sitemaps
                       (empty: none collected, or a run from before the collector)
documents_collected    documents (PDF, Word, PowerPoint, Excel) the run fetched (at most --max-documents)
documents_assessed     ... whose facts could be read and judged (checked)
documents_passing      ... passing every document check that applies to them
documents_not_assessable  ... collected but not checkable (encrypted, damaged, too large, mislabelled)
documents_share        documents_passing over documents_assessed, 0–100 (empty: none assessed);
                       ``maturity documents RUN`` gives a row per document
score_<dimension>      each dimension's score, 0–100 (empty: not assessable)
tag_<name>             the site's tags from the portfolio file (state, branch, ...)
error                  why a failed run stopped
published_under        the rubric published figures come from: ``rubric ID VERSION sha256 SHA``
                       (``--rubric FILE``), or ``each run's first scoring`` (the default pin)
service                a service row's service (empty on run rows; see below)
survey_quarter         its federal fiscal quarter (``FY2025 Q2``)
survey_trust           the share who agreed with the trust question, 0–100 (empty: fewer
                       than 30 responses, "insufficient responses", never a figure)
survey_trust_low       its Wilson 95 % interval, 0–100
survey_trust_high
survey_n               respondents behind it (shown even when too few for a figure)
survey_status          ok, low reliability (n 30–59 or an interval over 20 points wide) or
                       insufficient responses
survey_asked_as        thumbs (A-11 v2), likert (4–5 on the 5-point scale) or share (a table's)
survey_trust_question  the trust question's wording, which differs between programmes
=====================  =====================================================================

Survey figures (``maturity xdata import``) come as **service rows** after the run rows: one per
agency, service and fiscal quarter with a trust figure, for the agencies whose runs are exported.
A service row has no run: its ``agency`` and ``portfolio`` are set and the run columns are empty;
a run row's ``service`` and ``survey_*`` cells are empty (its ``score_customer-experience`` is
what the run's scoring made of the figures).

The JSON names the published rubric at its top (``published``), the same way.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from maturity.core.documents import DocumentTally
from maturity.core.history import (
    ROLLUP_DESCRIPTIONS,
    AgencyView,
    Rollup,
    RunSnapshot,
    SiteHistory,
    portfolio_rollup,
)
from maturity.core.scoring import RubricRef

EXPORT_SCHEMA = "maturity/portfolio-export"
EXPORT_SCHEMA_VERSION = 1

BASE_COLUMNS = (
    "portfolio",
    "agency",
    "site",
    "run",
    "status",
    "started_at",
    "finished_at",
    "scoring",
    "rubric_id",
    "rubric_version",
    "rubric_sha256",
    "level",
    "level_name",
    "overall",
    "complete",
    "pages",
    "pages_assessed",
    "pages_not_assessable",
    "findings",
    "documents_found",
    "documents_collected",
    "documents_assessed",
    "documents_passing",
    "documents_not_assessable",
    "documents_share",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def run_row(run: RunSnapshot, agency: str) -> dict[str, Any]:
    """One run as a flat mapping (numbers stay numbers; ``None`` means "no figure")."""
    card = run.scorecard
    row: dict[str, Any] = {
        "portfolio": run.portfolio,
        "agency": agency,
        "site": run.site,
        "run": run.crawl_id,
        "status": run.run.status,
        "started_at": run.run.started_at,
        "finished_at": run.run.finished_at,
        "scoring": run.run.scoring_id,
        "rubric_id": card.rubric.id if card else None,
        "rubric_version": card.rubric.version if card else None,
        "rubric_sha256": card.rubric.sha256 if card else None,
        "level": card.level if card else None,
        "level_name": card.level_name if card else None,
        "overall": card.overall if card else None,
        "complete": card.complete if card else None,
        "pages": len(run.pages),
        "pages_assessed": run.assessable_pages,
        "pages_not_assessable": len(run.pages) - run.assessable_pages,
        "findings": card.findings_total if card else None,
    }
    return row


def _dimension_ids(sites: Sequence[SiteHistory]) -> list[str]:
    ids: list[str] = []
    for s in sites:
        for r in s.runs:
            if r.scorecard is not None:
                ids.extend(d.id for d in r.scorecard.dimensions if d.id not in ids)
    return ids


SURVEY_COLUMNS = (
    "service",
    "survey_quarter",
    "survey_trust",
    "survey_trust_low",
    "survey_trust_high",
    "survey_n",
    "survey_status",
    "survey_asked_as",
    "survey_trust_question",
)
_TRUST_KINDS = ("thumbs", "likert", "share")  # how trust was asked when it is a share (not a mean)


def survey_rows(agency: str, portfolio: str | None, figures: Sequence[Any]) -> list[dict[str, Any]]:
    """One agency's trust figures (maturity.core.xdata.Figure) as service rows, by service and quarter."""
    rows = []
    for f in figures:
        if f.measure != "trust" or f.kind not in _TRUST_KINDS:
            continue
        rows.append(
            {
                "portfolio": portfolio,
                "agency": agency,
                "service": f.service,
                "survey_quarter": f"FY{f.fiscal_year} Q{f.quarter}",
                "survey_trust": None if f.share is None else round(100 * f.share, 1),
                "survey_trust_low": None if f.share is None or f.low is None else round(100 * f.low, 1),
                "survey_trust_high": None if f.share is None or f.high is None else round(100 * f.high, 1),
                "survey_n": f.n,
                "survey_status": f.status,
                "survey_asked_as": f.kind,
                "survey_trust_question": f.trust_question,
            }
        )
    return sorted(rows, key=lambda r: (r["service"], r["survey_quarter"], r["survey_asked_as"]))


FIRST_SCORING_TEXT = "each run's first scoring"


def published_under(pinned: RubricRef | None) -> str:
    """The published rubric in words: the pinned rubric (``--rubric FILE``), or each run's first scoring."""
    if pinned is None:
        return FIRST_SCORING_TEXT
    return f"rubric {pinned.id} {pinned.version} sha256 {pinned.sha256}"


def render_csv(
    sites: Sequence[SiteHistory],
    *,
    pinned: RubricRef | None = None,
    documents: Mapping[int, DocumentTally] | None = None,
    survey: Mapping[str, Sequence[Any]] | None = None,
) -> str:
    """One row per site per run, oldest run first within each site. ``pinned`` is the rubric the
    figures were published under (None: each run's first scoring), named in every row; ``documents``
    (crawl id -> the run's documents in figures) fills the ``documents_*`` columns; ``survey``
    (agency -> its maturity.core.xdata.Figure list) adds the service rows of the exported agencies."""
    dims = _dimension_ids(sites)
    tags = sorted({k for s in sites for r in s.runs for k in r.tags})
    columns = [
        *BASE_COLUMNS,
        *(f"score_{d}" for d in dims),
        *(f"tag_{t}" for t in tags),
        "error",
        "published_under",
        *SURVEY_COLUMNS,
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n", extrasaction="raise")
    writer.writeheader()
    for s in sites:
        for r in s.runs:
            row = run_row(r, s.agency)
            scores = {d.id: d.score for d in r.scorecard.dimensions} if r.scorecard else {}
            row.update({f"score_{d}": scores.get(d) for d in dims})
            row.update({f"tag_{t}": r.tags.get(t) for t in tags})
            row.update(_document_cells((documents or {}).get(r.crawl_id)))
            row["error"] = r.error
            row["published_under"] = published_under(pinned)
            writer.writerow({k: _cell(v) for k, v in row.items()})
    portfolios: dict[str, set[str | None]] = {}
    for s in sites:
        portfolios.setdefault(s.agency, set()).update(r.portfolio for r in s.runs)
    for agency, names in portfolios.items():
        portfolio = next(iter(names)) if len(names) == 1 else None
        for row in survey_rows(agency, portfolio, (survey or {}).get(agency, ())):
            writer.writerow({k: _cell(row.get(k)) for k in columns})
    return out.getvalue()


def _document_cells(t: DocumentTally | None) -> dict[str, Any]:
    names = ("found", "collected", "assessed", "passing", "not_assessable", "share")
    if t is None:
        return {f"documents_{name}": None for name in names}
    figures = t.figures()
    return {
        "documents_found": figures.found,
        "documents_collected": figures.collected,
        "documents_assessed": figures.checked,
        "documents_passing": figures.passing,
        "documents_not_assessable": figures.not_assessable,
        "documents_share": figures.share_passing,
    }


def _document_json(t: DocumentTally | None) -> dict[str, Any] | None:
    return None if t is None else t.figures().model_dump(mode="json")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value)


def _rollup_json(r: Rollup) -> dict[str, Any]:
    return {
        "overall": r.overall,
        "level": r.level,
        "dimensions": r.dimensions,
        "pages_assessed": r.pages,
        "parts_scored": r.parts_scored,
        "parts_total": r.parts_total,
        "mixed_rubrics": r.mixed_rubrics,
        "rubric_sha256": r.rubric_sha,
    }


def _published_json(views: Sequence[AgencyView], pinned: RubricRef | None) -> dict[str, Any]:
    shown: dict[str, RubricRef] = {}
    for v in views:
        for s in v.sites:
            for r in s.runs:
                if r.scorecard is not None:
                    shown.setdefault(r.scorecard.rubric.sha256, r.scorecard.rubric)

    def ref(r: RubricRef) -> dict[str, str]:
        return {"id": r.id, "version": r.version, "sha256": r.sha256}

    return {
        "pin": "first-scoring" if pinned is None else "rubric",
        "rubric": None if pinned is None else ref(pinned),
        "text": published_under(pinned),
        "rubrics_shown": [ref(r) for _, r in sorted(shown.items(), key=lambda kv: (kv[1].id, kv[1].version, kv[0]))],
    }


def render_json(
    views: Sequence[AgencyView],
    *,
    method: str,
    generated_at: str,
    title: str = "",
    pinned: RubricRef | None = None,
    survey: Mapping[str, Sequence[Any]] | None = None,
    documents: Mapping[int, DocumentTally] | None = None,
) -> str:
    """The portfolio as one JSON document: rollups per agency and for the whole, every run of every site,
    and the rubric the figures were published under (``pinned``; None: each run's first scoring).
    ``survey``: each agency's customer-survey figures (maturity.core.xdata.Figure), beside its runs.
    ``documents`` (crawl id -> the run's documents in figures): each run's ``documents`` object
    (null for a run that collected none)."""
    tallies = documents or {}
    from reports.xdata_export import figure_row  # it imports this module's neutralise

    doc = {
        "schema": EXPORT_SCHEMA,
        "schema_version": EXPORT_SCHEMA_VERSION,
        "generated_at": generated_at,
        "title": title,
        "published": _published_json(views, pinned),
        "rollup": {"method": method, "description": ROLLUP_DESCRIPTIONS[method]},
        "portfolio": _rollup_json(portfolio_rollup(views, method)),
        "agencies": [
            {
                "name": v.name,
                "tags": v.tags,
                "rollup": _rollup_json(v.rollup),
                "change": None
                if v.change is None
                else {
                    "before": v.change.before,
                    "after": v.change.after,
                    "noise_band": v.change.band,
                    "verdict": v.change.verdict,
                },
                "sites": [
                    {
                        "url": s.url,
                        "tags": s.tags,
                        "runs": [
                            {
                                **run_row(r, s.agency),
                                "dimensions": {d.id: d.score for d in r.scorecard.dimensions} if r.scorecard else {},
                                "tags": r.tags,
                                "documents": _document_json(tallies.get(r.crawl_id)),
                                "error": r.error,
                            }
                            for r in s.runs
                        ],
                    }
                    for s in v.sites
                ],
                **({"survey": [figure_row(v.name, f) for f in survey.get(v.name, ())]} if survey else {}),
            }
            for v in views
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
