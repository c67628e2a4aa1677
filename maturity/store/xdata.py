"""Survey results (issue 18): imports and the counts they brought, never a respondent's row.

Tables (migration ``0006``): ``xdata_import`` (one per file: agency, format, the file's
sha256, what was kept and dropped), ``xdata_tally`` (counts per service, fiscal quarter, measure
and way of asking), ``xdata_context`` (a quarter's volumes and trust question wording),
``xdata_seen`` (sha256 digests of the responses' own ids, so an overlapping export counts each
response once) and ``xdata_comment`` (redacted comments, only when an import asked for them).

An import is one transaction: it is stored whole or not at all.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Text, UniqueConstraint, delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from maturity.core.xdata import Context, ImportSummary, Tally
from maturity.store.tables import utcnow

RESPONSES = "responses"  # tallies counted from respondents' rows: they add up across imports
TABLE = "table"  # tallies a quarterly or aggregate table gives: a newer import of the same key replaces them


class XdataImport(SQLModel, table=True):
    __tablename__ = "xdata_import"
    __table_args__ = (UniqueConstraint("agency", "sha256"),)
    id: int | None = Field(default=None, primary_key=True)
    agency: str = Field(index=True)
    service: str | None = None
    format: str
    sha256: str = Field(sa_column=Column(String(64), nullable=False))
    imported_at: datetime = Field(default_factory=utcnow)
    rows: int = 0
    summary: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # kept, dropped, skipped


class XdataTally(SQLModel, table=True):
    __tablename__ = "xdata_tally"
    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(sa_column=Column(Integer, ForeignKey("xdata_import.id"), index=True, nullable=False))
    agency: str = Field(index=True)
    service: str
    fiscal_year: int
    quarter: int
    measure: str
    kind: str
    source: str  # RESPONSES | TABLE
    n: int
    positive: int
    counts: str | None = None  # JSON list of five counts (answers 1..5)
    mean: float | None = None


class XdataContext(SQLModel, table=True):
    __tablename__ = "xdata_context"
    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(sa_column=Column(Integer, ForeignKey("xdata_import.id"), index=True, nullable=False))
    agency: str = Field(index=True)
    service: str
    fiscal_year: int
    quarter: int
    offered: int | None = None
    volume: int | None = None
    respondents: int | None = None
    trust_question: str | None = Field(default=None, sa_column=Column(Text))
    channel: str | None = None
    detail: str | None = None  # a HISP collection detail's id


class XdataSeen(SQLModel, table=True):
    """A response already counted: sha256 of (agency, service, the export's response id)."""

    __tablename__ = "xdata_seen"
    digest: str = Field(sa_column=Column(String(64), primary_key=True))
    import_id: int = Field(sa_column=Column(Integer, ForeignKey("xdata_import.id"), index=True, nullable=False))


class XdataComment(SQLModel, table=True):
    __tablename__ = "xdata_comment"
    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(sa_column=Column(Integer, ForeignKey("xdata_import.id"), index=True, nullable=False))
    agency: str = Field(index=True)
    service: str
    fiscal_year: int
    quarter: int
    text: str = Field(sa_column=Column(Text, nullable=False))  # redacted at import


def response_digest(agency: str, service: str, key: str) -> str:
    return hashlib.sha256("\0".join((agency, service, key)).encode()).hexdigest()


@dataclass(frozen=True)
class StoredImport:
    id: int
    agency: str
    service: str | None
    format: str
    imported_at: datetime
    rows: int
    new: bool  # False: the same file was imported before, and nothing changed


@dataclass(frozen=True)
class Batch:
    """Everything one file brings, written in one transaction."""

    agency: str
    service: str | None
    format: str
    sha256: str
    summary: ImportSummary
    tallies_from_responses: list[Tally]
    tallies_from_table: list[Tally]
    contexts: list[Context]
    seen: list[str]  # response digests
    comments: list[tuple[str, int, int, str]]  # service, fiscal year, quarter, redacted text


class XdataStore:
    """Survey results in the run store's database (its engine)."""

    def __init__(self, engine: object) -> None:
        self.engine = engine

    def find_import(self, agency: str, sha256: str) -> StoredImport | None:
        with Session(self.engine) as session:  # type: ignore[arg-type]
            row = session.exec(
                select(XdataImport).where(XdataImport.agency == agency, XdataImport.sha256 == sha256)
            ).first()
            return None if row is None else _stored(row, new=False)

    def seen(self, digests: list[str]) -> set[str]:
        out: set[str] = set()
        with Session(self.engine) as session:  # type: ignore[arg-type]
            for i in range(0, len(digests), 500):
                chunk = digests[i : i + 500]
                out.update(session.exec(select(XdataSeen.digest).where(col(XdataSeen.digest).in_(chunk))).all())
        return out

    def write(self, batch: Batch) -> StoredImport:
        """Store one import, whole or not at all. The same file again (same agency and sha256)
        stores nothing and returns the first import."""
        with Session(self.engine) as session:  # type: ignore[arg-type]
            summary = {
                "kept": list(batch.summary.kept),
                "dropped": list(batch.summary.dropped),
                "skipped_rows": dict(batch.summary.skipped_rows),
            }
            row = XdataImport(
                agency=batch.agency,
                service=batch.service,
                format=batch.format,
                sha256=batch.sha256,
                rows=batch.summary.rows,
                summary=json.dumps(summary, sort_keys=True),
            )
            session.add(row)
            try:
                session.flush()
            except IntegrityError:
                session.rollback()
                found = self.find_import(batch.agency, batch.sha256)
                assert found is not None
                return found
            assert row.id is not None
            for t in batch.tallies_from_table:  # a newer table replaces the older one's figure for the key
                session.execute(
                    delete(XdataTally).where(
                        col(XdataTally.agency) == batch.agency,
                        col(XdataTally.service) == t.service,
                        col(XdataTally.fiscal_year) == t.fiscal_year,
                        col(XdataTally.quarter) == t.quarter,
                        col(XdataTally.measure) == t.measure,
                        col(XdataTally.kind) == t.kind,
                        col(XdataTally.source) == TABLE,
                    )
                )
            for source, tallies in ((RESPONSES, batch.tallies_from_responses), (TABLE, batch.tallies_from_table)):
                for t in tallies:
                    session.add(
                        XdataTally(
                            import_id=row.id,
                            agency=batch.agency,
                            service=t.service,
                            fiscal_year=t.fiscal_year,
                            quarter=t.quarter,
                            measure=t.measure,
                            kind=t.kind,
                            source=source,
                            n=t.n,
                            positive=t.positive,
                            counts=None if t.counts is None else json.dumps(list(t.counts)),
                            mean=t.mean,
                        )
                    )
            for c in batch.contexts:
                session.add(
                    XdataContext(
                        import_id=row.id,
                        agency=batch.agency,
                        service=c.service,
                        fiscal_year=c.fiscal_year,
                        quarter=c.quarter,
                        offered=c.offered,
                        volume=c.volume,
                        respondents=c.respondents,
                        trust_question=c.trust_question,
                        channel=c.channel,
                        detail=c.detail,
                    )
                )
            for digest in batch.seen:
                session.add(XdataSeen(digest=digest, import_id=row.id))
            for service, fy, q, text in batch.comments:
                session.add(
                    XdataComment(
                        import_id=row.id, agency=batch.agency, service=service, fiscal_year=fy, quarter=q, text=text
                    )
                )
            session.commit()
            return _stored(row, new=True)

    def load(self, agency: str | None = None) -> dict[str, tuple[list[Tally], list[Context]]]:
        """Each agency's tallies (a table's figure wins over counted responses for the same key)
        and contexts (for each field, the newest import that gives it)."""
        out: dict[str, tuple[list[Tally], list[Context]]] = {}
        with Session(self.engine) as session:  # type: ignore[arg-type]
            tq = select(XdataTally).order_by(col(XdataTally.import_id), col(XdataTally.id))
            cq = select(XdataContext).order_by(col(XdataContext.import_id), col(XdataContext.id))
            if agency is not None:
                tq = tq.where(XdataTally.agency == agency)
                cq = cq.where(XdataContext.agency == agency)
            tallies = session.exec(tq).all()
            contexts = session.exec(cq).all()
        by_agency: dict[str, list[XdataTally]] = {}
        for t in tallies:
            by_agency.setdefault(t.agency, []).append(t)
        ctx_by_agency: dict[str, dict[tuple[str, int, int], dict[str, object]]] = {}
        for c in contexts:
            merged = ctx_by_agency.setdefault(c.agency, {}).setdefault((c.service, c.fiscal_year, c.quarter), {})
            for name in ("offered", "volume", "respondents", "trust_question", "channel"):
                value = getattr(c, name)
                if value is not None:
                    merged[name] = value
        for name in sorted(set(by_agency) | set(ctx_by_agency)):
            rows = by_agency.get(name, [])
            tabled = {(t.service, t.fiscal_year, t.quarter, t.measure, t.kind) for t in rows if t.source == TABLE}
            kept = [
                t
                for t in rows
                if t.source == TABLE or (t.service, t.fiscal_year, t.quarter, t.measure, t.kind) not in tabled
            ]
            out[name] = (
                [
                    Tally(
                        service=t.service,
                        fiscal_year=t.fiscal_year,
                        quarter=t.quarter,
                        measure=t.measure,
                        kind=t.kind,
                        n=t.n,
                        positive=t.positive,
                        counts=None if t.counts is None else tuple(json.loads(t.counts)),
                        mean=t.mean,
                    )
                    for t in kept
                ],
                [
                    Context(service=k[0], fiscal_year=k[1], quarter=k[2], **v)  # type: ignore[arg-type]
                    for k, v in sorted(ctx_by_agency.get(name, {}).items())
                ],
            )
        return out

    def details(self, agency: str) -> dict[str, tuple[str, int, int]]:
        """The agency's HISP collection details: id -> (service, fiscal year, quarter), newest import winning."""
        with Session(self.engine) as session:  # type: ignore[arg-type]
            rows = session.exec(
                select(XdataContext)
                .where(XdataContext.agency == agency, col(XdataContext.detail).is_not(None))
                .order_by(col(XdataContext.import_id))
            ).all()
        return {r.detail: (r.service, r.fiscal_year, r.quarter) for r in rows if r.detail}

    def comments(self, agency: str) -> list[tuple[str, int, int, str]]:
        """The agency's kept comments (redacted at import): service, fiscal year, quarter, text."""
        with Session(self.engine) as session:  # type: ignore[arg-type]
            rows = session.exec(
                select(XdataComment).where(XdataComment.agency == agency).order_by(col(XdataComment.id))
            ).all()
            return [(r.service, r.fiscal_year, r.quarter, r.text) for r in rows]

    def forget_comments(self, agency: str) -> int:
        """Delete every comment kept for the agency; the counts stay."""
        with Session(self.engine) as session:  # type: ignore[arg-type]
            done = session.execute(delete(XdataComment).where(col(XdataComment.agency) == agency))
            session.commit()
            return int(done.rowcount)  # type: ignore[attr-defined]


def _stored(row: XdataImport, *, new: bool) -> StoredImport:
    assert row.id is not None
    return StoredImport(row.id, row.agency, row.service, row.format, row.imported_at, row.rows, new)
