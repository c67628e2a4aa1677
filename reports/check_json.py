"""The JSON result of ``maturity check``: the gate result plus each audited site's scorecard.

Pure: a :class:`GateResult` and scorecards in, a string out. The document is
``{"schema": "maturity/check", "schema_version": 1, "passed": bool, "result": GateResult,
"sites": [{"run": RunInfo | null, "scorecard": Scorecard}]}``; the version rises when a field is
removed or changes meaning.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from maturity.core.gates import GateResult
from maturity.core.model import RunInfo
from maturity.core.scoring import Scorecard

SCHEMA_ID = "maturity/check"
SCHEMA_VERSION = 1


def check_document(
    cards: Sequence[Scorecard], result: GateResult, runs: Sequence[RunInfo | None] | None = None
) -> dict[str, Any]:
    runs = list(runs) if runs is not None else [None] * len(cards)
    return {
        "schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "passed": result.passed,
        "result": result.model_dump(mode="json"),
        "sites": [
            {"run": run.model_dump(mode="json") if run else None, "scorecard": card.model_dump(mode="json")}
            for card, run in zip(cards, runs, strict=True)
        ],
    }


def render_check_json(
    cards: Sequence[Scorecard], result: GateResult, runs: Sequence[RunInfo | None] | None = None
) -> str:
    return json.dumps(check_document(cards, result, runs), indent=2) + "\n"
