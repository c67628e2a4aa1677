"""Survey figures as CSV or JSON (pure): one row per agency, service, fiscal quarter, measure and
way of asking; an empty cell means "no figure" (fewer than 30 responses, or only a mean given)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from maturity.core.xdata import Figure
from reports.csv_export import neutralise

COLUMNS = (
    "agency",
    "service",
    "fiscal_year",
    "quarter",
    "measure",
    "asked_as",
    "n",
    "positive",
    "status",
    "share",
    "wilson_low",
    "wilson_high",
    "mean",
    "offered",
    "volume",
    "response_rate",
    "compared_with",
    "change",
    "z",
    "significant",
    "trust_question",
)


def figure_row(agency: str, f: Figure) -> dict[str, Any]:
    return {
        "agency": agency,
        "service": f.service,
        "fiscal_year": f.fiscal_year,
        "quarter": f.quarter,
        "measure": f.measure,
        "asked_as": f.kind,
        "n": f.n,
        "positive": f.positive if f.share is not None else None,
        "status": f.status,
        "share": None if f.share is None else round(f.share, 4),
        "wilson_low": None if f.low is None else round(f.low, 4),
        "wilson_high": None if f.high is None else round(f.high, 4),
        "mean": None if f.mean is None else round(f.mean, 3),
        "offered": f.offered,
        "volume": f.volume,
        "response_rate": None if f.response_rate is None else round(f.response_rate, 4),
        "compared_with": f.compared_with,
        "change": None if f.change is None else round(f.change.delta, 4),
        "z": None if f.change is None else round(f.change.z, 3),
        "significant": None if f.change is None else f.change.significant,
        "trust_question": f.trust_question if f.measure == "trust" else None,
    }


def render_figures_csv(found: Mapping[str, Sequence[Figure]]) -> str:
    """RFC 4180 (CRLF), formula-safe like the run export."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for agency, figures in found.items():
        for f in figures:
            row = figure_row(agency, f)
            writer.writerow({k: "" if v is None else neutralise(v) for k, v in row.items()})
    return out.getvalue()


def render_figures_json(found: Mapping[str, Sequence[Figure]]) -> str:
    rows = [figure_row(agency, f) for agency, figures in found.items() for f in figures]
    doc = {
        "schema": "maturity/xdata-figures",
        "schema_version": 1,
        "interval": "Wilson score, 95 %",
        "change_test": "two-proportion z-test (pooled), |z| > 1.96",
        "min_responses": 30,
        "figures": rows,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
