"""The JSON scorecard: a documented, versioned schema.

The document is ``{"schema": "maturity/scorecard", "schema_version": N, "run": RunInfo,
"scorecard": Scorecard, "documents": DocumentFigures | null}`` (``documents``: the run's documents
in figures, judged by the document checks with their default parameters; null when the run
collected none). ``maturity schema`` prints its JSON Schema (generated
from the same models, so code and schema cannot drift). The version goes up
whenever a field is removed or changes meaning; added fields keep the version.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict

from maturity.core.checks.documents.documents_passing import tally
from maturity.core.documents import DocumentFigures, DocumentSet
from maturity.core.model import RunInfo
from maturity.core.scoring import SCORECARD_SCHEMA_VERSION, Scorecard

SCHEMA_ID = "maturity/scorecard"


class ScorecardDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_id: str = SCHEMA_ID
    schema_version: int = SCORECARD_SCHEMA_VERSION
    run: RunInfo
    scorecard: Scorecard
    documents: DocumentFigures | None = None


def document(run: RunInfo, card: Scorecard, documents: DocumentSet | None = None) -> dict[str, Any]:
    return {
        "schema": SCHEMA_ID,
        "schema_version": SCORECARD_SCHEMA_VERSION,
        "run": run.model_dump(mode="json"),
        "scorecard": card.model_dump(mode="json"),
        "documents": None if documents is None else tally(documents).figures().model_dump(mode="json"),
    }


def render_json(run: RunInfo, card: Scorecard, documents: DocumentSet | None = None) -> str:
    """``documents``: the run's documents (None: it collected none), as figures beside the scorecard."""
    text = json.dumps(document(run, card, documents), indent=2, ensure_ascii=False, sort_keys=False)
    return text + "\n"


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the document :func:`render_json` writes."""
    schema = ScorecardDocument.model_json_schema(by_alias=True)
    props = schema["properties"]
    props["schema"] = {"const": SCHEMA_ID}
    props.pop("schema_id", None)
    props["schema_version"] = {"const": SCORECARD_SCHEMA_VERSION}
    schema["required"] = ["schema", "schema_version", "run", "scorecard"]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "maturity scorecard"
    return schema
