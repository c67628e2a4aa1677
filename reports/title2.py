"""The Title II tracker as CSV (one row per entity, formula-safe, RFC 4180) and JSON, for a report
to a legislature. Pure: tracker rows in, a string out.

An empty cell means "no figure", never zero. Dates are ISO 8601. An entity whose population tier is
unknown has both dates (``deadline`` is the earlier, which ``days_left`` counts to) and the flag
``tier_unknown``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from maturity.core.exceptions import KIND_SECTIONS
from maturity.core.title2 import (
    LARGE_ENTITY_DATE,
    LARGE_POPULATION,
    SMALL_ENTITY_DATE,
    WCAG21_A_AA,
    EntityStatus,
)
from reports.csv_export import neutralise

SCHEMA = "maturity/title2-status"
SCHEMA_VERSION = 1

COLUMNS = (
    "entity",
    "risk",
    "population",
    "tier",
    "tier_unknown",
    "deadline",
    "other_deadline",
    "days_left",
    "sites",
    "sites_not_measured",
    "pages_assessed",
    "pages_failing",
    "failures",
    "criteria_failing",
    "needs_manual_review",
    "accessibility_statement",
    "documents_not_checked",
    "documents_checked",
    "documents_failing",
    "summary",
    "trend",
    "projection",
    "projected_zero",
    "projected_earliest",
    "projected_latest",
    "pace_per_30_days",
    "runs_in_pace",
    "worst_criteria",
    "claimed_failures",
    "claimed_pages",
    "claims_due_for_review",
    "candidates_for_claim",
    "note",
)


def row(status: EntityStatus) -> dict[str, Any]:
    """One entity as a flat mapping (numbers stay numbers; None means no figure)."""
    due = status.deadline
    p = status.projection
    worst = sorted(status.criteria.items(), key=lambda kv: -kv[1][0])[:5]
    return {
        "entity": status.entity,
        "risk": status.risk,
        "population": due.population,
        "tier": due.tier,
        "tier_unknown": not due.known,
        "deadline": due.due.isoformat(),
        "other_deadline": due.dates[1].isoformat() if len(due.dates) > 1 else None,
        "days_left": status.days_left,
        "sites": status.sites,
        "sites_not_measured": len(status.unscored_sites),
        "pages_assessed": status.pages_assessed,
        "pages_failing": status.pages_failing,
        "failures": status.failures,
        "criteria_failing": sum(1 for c in status.criteria if c != "other"),
        "needs_manual_review": status.needs_review,
        "accessibility_statement": status.statement,
        "documents_not_checked": max(0, status.documents - status.documents_checked),
        "documents_checked": status.documents_checked,
        "documents_failing": status.documents_failing,
        "summary": status.summary,
        "trend": " ".join(f"{d.isoformat()}:{n}" for d, n in status.trend),
        "projection": p.status,
        "projected_zero": p.zero_on.isoformat() if p.zero_on and p.status == "on-pace" else None,
        "projected_earliest": p.earliest.isoformat() if p.earliest else None,
        "projected_latest": p.latest.isoformat() if p.latest else None,
        "pace_per_30_days": None if p.pace_per_30_days is None else round(p.pace_per_30_days, 2),
        "runs_in_pace": p.runs_used,
        "worst_criteria": " ".join(f"{c}:{n}" for c, (n, _) in worst),
        "claimed_failures": sum(c.failures for c in status.claimed),
        "claimed_pages": sum(c.pages for c in status.claimed),
        "claims_due_for_review": sum(1 for c in status.claimed if c.review_due),
        "candidates_for_claim": len(status.candidates),
        "note": due.note,
    }


def render_csv(rows: Sequence[EntityStatus]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for status in rows:
        flat = row(status)
        writer.writerow({k: _cell(v) for k, v in flat.items()})
    return out.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return neutralise(value)


def render_json(rows: Sequence[EntityStatus], *, today: date, portfolio: str | None) -> str:
    entities = []
    for status in rows:
        flat = row(status)
        flat["trend"] = [{"date": d.isoformat(), "failures": n} for d, n in status.trend]
        flat["criteria"] = [
            {
                "criterion": c,
                "name": WCAG21_A_AA[c][0] if c in WCAG21_A_AA else "not a WCAG 2.1 A/AA criterion",
                "failures": n,
                "pages": pages,
            }
            for c, (n, pages) in status.criteria.items()
        ]
        flat["sites_not_measured"] = status.unscored_sites
        flat["claims"] = [
            {
                "kind": c.claim.kind,
                "section": f"28 CFR {KIND_SECTIONS[c.claim.kind]}",
                "pages": c.claim.pages,
                "patterns": c.claim.patterns,
                "reason": c.claim.reason,
                "by": c.claim.by,
                "date": c.claim.date.isoformat(),
                "review": c.claim.review.isoformat(),
                "review_due": c.review_due,
                "failures": c.failures,
                "pages_failing": c.pages,
            }
            for c in status.claimed
        ]
        flat["candidates_for_claim"] = [{"url": c.url, "kind": c.kind, "why": c.why} for c in status.candidates]
        flat.pop("worst_criteria")
        entities.append(flat)
    doc = {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "today": today.isoformat(),
        "portfolio": portfolio,
        "rule": {
            "standard": "WCAG 2.1 Level A and AA (28 CFR part 35, subpart H)",
            "dates": {
                f"population {LARGE_POPULATION:,} or more": LARGE_ENTITY_DATE.isoformat(),
                "smaller, and special district governments": SMALL_ENTITY_DATE.isoformat(),
            },
            "source": "interim final rule of 2026-04-20, 91 FR 20902",
        },
        "entities": entities,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_html(rows: Sequence[EntityStatus], *, today: date, title: str = "ADA Title II status") -> str:
    """The tracker as one accessible page (no JavaScript) to publish beside the scorecard site."""
    from reports.html import make_environment

    views = []
    for i, status in enumerate(rows, start=1):
        due = status.deadline
        worst = sorted(status.criteria.items(), key=lambda kv: -kv[1][0])[:3]
        views.append(
            {
                "anchor": f"entity-{i}",
                "entity": status.entity,
                "risk": status.risk,
                "date": due.due.isoformat()
                if due.known
                else " or ".join(d.isoformat() for d in due.dates) + " (tier unknown)",
                "days_left": status.days_left,
                "failures": status.failures if status.trend else "not measured",
                "pages": f"{status.pages_failing} of {status.pages_assessed}" if status.trend else "",
                "worst": ", ".join(f"{c}: {n}" for c, (n, _) in worst),
                "trend": " → ".join(str(n) for _, n in status.trend[-5:]),
                "projection": status.projection_text,
                "documents": status.documents,
                "documents_text": status.documents_text,
                "documents_checked": status.documents_checked,
                "summary": status.summary,
                "note": due.note,
                "statement": _STATEMENT.get(status.statement, status.statement),
                "criteria": [
                    {
                        "number": c,
                        "name": WCAG21_A_AA.get(c, ("not a WCAG 2.1 A/AA criterion", ""))[0],
                        "failures": n,
                        "pages": pages,
                    }
                    for c, (n, pages) in status.criteria.items()
                ],
                "claims": [
                    f"{c.failures} failures on {c.pages} pages: {c.claim.describe()}; review {c.claim.review}"
                    + (" (review due)" if c.review_due else "")
                    for c in status.claimed
                ],
                "candidates": status.candidates,
            }
        )
    return (
        make_environment()
        .get_template("title2.html.j2")
        .render(
            heading=f"{title} on {today.isoformat()}",
            today=today.isoformat(),
            large_date=LARGE_ENTITY_DATE.isoformat(),
            small_date=SMALL_ENTITY_DATE.isoformat(),
            large_population=f"{LARGE_POPULATION:,}",
            rows=views,
        )
    )


_STATEMENT = {
    "pass": "linked, names its standard, current, two ways to report a problem",
    "fail": "missing or incomplete",
    "error": "could not be checked (its page was not among the audited pages)",
    "not checked": "not checked",
}
