"""The JSON scorecard: a documented, versioned schema.

The document is ``{"schema": "maturity/scorecard", "schema_version": N, "run": RunInfo,
"scorecard": Scorecard, "documents": DocumentFigures | null}`` (``documents``: the run's documents
in figures, judged by the document checks with their default parameters; null when the run
collected none). ``maturity schema`` prints its JSON Schema (generated
from the same models, so code and schema cannot drift). The version goes up
whenever a field is removed or changes meaning; added fields keep the version.
"""

from __future__ import annotations

import io
import json
from typing import Any, TextIO

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


def document(
    run: RunInfo, card: Scorecard, documents: DocumentSet | None = None, exclude: set[str] | None = None
) -> dict[str, Any]:
    return {
        "schema": SCHEMA_ID,
        "schema_version": SCORECARD_SCHEMA_VERSION,
        "run": run.model_dump(mode="json"),
        "scorecard": {**card.model_dump(mode="json", exclude=exclude), **_INLINE},
        "documents": None if documents is None else tally(documents).figures().model_dump(mode="json"),
    }


# The document lists its findings inline, however the scorecard keeps them: where a store keeps
# them apart (``finding_blobs``, the store's own blob hashes) and the count standing in for them
# (``finding_count``) mean nothing to a reader of the file, so they are written as an in-memory
# scorecard has them; the file reads back as a whole scorecard (Scorecard.model_validate).
_INLINE: dict[str, Any] = {"finding_count": None, "finding_blobs": []}

_LONG = ("pages", "findings", "results", "outcomes")  # the lists that grow with the run: written one entry at a time


def render_json(run: RunInfo, card: Scorecard, documents: DocumentSet | None = None) -> str:
    """The document as ``json.dumps(document(run, card, documents), indent=2)`` writes it, byte for
    byte (:func:`write_json` into a string)."""
    out = io.StringIO()
    write_json(out, run, card, documents)
    return out.getvalue()


def write_json(out: TextIO, run: RunInfo, card: Scorecard, documents: DocumentSet | None = None) -> None:
    """Write the document as ``json.dumps(document(run, card, documents), indent=2)`` writes it, byte
    for byte, but without the whole scorecard as dictionaries or text at once: the long lists are
    written one entry at a time (the findings as :meth:`Scorecard.iter_findings` reads them), so a
    run of thousands of pages is never in memory whole. ``documents``: the run's documents (None:
    it collected none), as figures beside the scorecard."""
    marks = {name: f"\x00{name}\x00" for name in _LONG}
    doc = document(run, card, documents, exclude=set(_LONG))
    doc["scorecard"] = {k: marks.get(k, v) for k, v in _in_field_order(card, doc["scorecard"]).items()}
    text = json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False)
    for name, mark in marks.items():
        before, text = text.split(json.dumps(mark), 1)
        out.write(before)
        items = card.iter_findings() if name == "findings" else iter(getattr(card, name))
        first = True
        for item in items:
            # a list two levels down: its entries at six spaces, its closing bracket at four
            entry = json.dumps(_plain(item), indent=2, ensure_ascii=False).replace("\n", "\n      ")
            out.write(("[\n      " if first else ",\n      ") + entry)
            first = False
        out.write("[]" if first else "\n    ]")
    out.write(text + "\n")


def _in_field_order(card: Scorecard, dumped: dict[str, Any]) -> dict[str, Any]:
    """``dumped`` with the long lists put back in their place (as their marks), in the model's order."""
    return {name: dumped.get(name) for name in type(card).model_fields if name in dumped or name in _LONG}


def _plain(item: Any) -> Any:
    return item.model_dump(mode="json") if hasattr(item, "model_dump") else json.loads(json.dumps(item))


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
