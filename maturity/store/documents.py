"""Document facts by content hash (issue 17): what parsing a site's document gave, kept so that a
later run of the same site does not parse the same bytes again.

Table (migration ``0008``): ``document_facts``, one row per site, document sha256 and parser
version: the document's kind and its facts as JSON. The parser version names the parsing code and
the libraries it used (:func:`crawlers.documents.parser_version`): facts read by another version
are not reused, the file is parsed again. Only facts are kept (a document that could not be parsed
is tried again next time), never the file's bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Column, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from maturity.store.tables import utcnow


class DocumentFactsRow(SQLModel, table=True):
    __tablename__ = "document_facts"
    __table_args__ = (UniqueConstraint("site", "sha256", "parser"),)
    id: int | None = Field(default=None, primary_key=True)
    site: str = Field(index=True)  # the crawl's target URL
    sha256: str = Field(sa_column=Column(String(64), nullable=False))
    parser: str  # the parser version that read the facts
    kind: str  # pdf, docx, xlsx, pptx
    facts: str = Field(sa_column=Column(Text, nullable=False))  # PdfFacts or OfficeFacts as JSON
    parsed_at: datetime = Field(default_factory=utcnow)


def known_facts(engine: Engine, site: str, parser: str, hashes: Iterable[str]) -> dict[str, tuple[str, Any]]:
    """The stored facts of these documents of ``site`` read by ``parser``: sha256 -> (kind, facts as JSON data)."""
    wanted = sorted(set(hashes))
    out: dict[str, tuple[str, Any]] = {}
    with Session(engine) as session:
        for i in range(0, len(wanted), 500):
            rows = session.exec(
                select(DocumentFactsRow).where(
                    DocumentFactsRow.site == site,
                    DocumentFactsRow.parser == parser,
                    col(DocumentFactsRow.sha256).in_(wanted[i : i + 500]),
                )
            ).all()
            out.update({r.sha256: (r.kind, json.loads(r.facts)) for r in rows})
    return out


def keep_facts(engine: Engine, site: str, parser: str, facts: Mapping[str, tuple[str, Any]]) -> None:
    """Keep these facts (sha256 -> (kind, facts as JSON data)); facts already kept stay as they are
    (two runs of one site may keep the same document's facts at the same moment)."""
    if not facts:
        return
    with Session(engine) as session:
        dialect = engine.dialect.name
        for sha, (kind, data) in sorted(facts.items()):
            row: dict[str, Any] = {
                "site": site,
                "sha256": sha,
                "parser": parser,
                "kind": kind,
                "facts": json.dumps(data, sort_keys=True),
                "parsed_at": utcnow(),
            }
            if dialect in ("sqlite", "postgresql"):
                insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
                session.execute(
                    insert(DocumentFactsRow)
                    .values(**row)
                    .on_conflict_do_nothing(index_elements=["site", "sha256", "parser"])
                )
            else:
                exists = session.exec(
                    select(DocumentFactsRow).where(
                        DocumentFactsRow.site == site, DocumentFactsRow.sha256 == sha, DocumentFactsRow.parser == parser
                    )
                ).first()
                if exists is None:
                    session.add(DocumentFactsRow(**row))
        session.commit()
