"""Journey results (issue 15), stored with the run they followed.

Table (migration ``0007``): ``journey_result``, one row per journey per run: the crawl it ran
after, the journey's id, its outcome, when, and the whole result as JSON. Every text in a result
has been through the run's redaction before it gets here (:mod:`maturity.run.journey`), so no
secret's value reaches the database; screenshots stay files: their names are in the result, and
the folder they were written to is the row's ``screenshots`` (migration ``0009``), so a later
report or site build can copy them beside itself.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Column, ForeignKey, Integer, Text
from sqlmodel import Field, Session, SQLModel, col, select

from maturity.core.journey import JourneyResult
from maturity.store.tables import utcnow


class JourneyRow(SQLModel, table=True):
    __tablename__ = "journey_result"
    id: int | None = Field(default=None, primary_key=True)
    crawl_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("crawl.id"), index=True))
    journey: str = Field(index=True)
    outcome: str
    ran_at: datetime = Field(default_factory=utcnow)
    result: str = Field(sa_column=Column(Text, nullable=False))  # JourneyResult as JSON (redacted)
    screenshots: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # their folder


class JourneyStore:
    """Journey results in the run store's database (its engine)."""

    def __init__(self, engine: object) -> None:
        self.engine = engine

    def save(
        self, crawl_id: int | None, results: list[JourneyResult], screenshots: str | Path | None = None
    ) -> list[int]:
        """Store ``results`` with the crawl they ran with; ``screenshots``: the folder their step
        screenshots were written to (their names in the results are relative to it)."""
        folder = str(Path(screenshots).resolve()) if screenshots is not None else None
        rows = [
            JourneyRow(
                crawl_id=crawl_id, journey=r.id, outcome=r.outcome, result=r.model_dump_json(), screenshots=folder
            )
            for r in results
        ]
        with Session(self.engine) as session:  # type: ignore[arg-type]
            session.add_all(rows)
            session.commit()
            return [row.id for row in rows if row.id is not None]

    def of_crawl(self, crawl_id: int) -> list[JourneyResult]:
        """The journeys run after this crawl, in the order they were stored."""
        with Session(self.engine) as session:  # type: ignore[arg-type]
            rows = session.exec(
                select(JourneyRow).where(JourneyRow.crawl_id == crawl_id).order_by(col(JourneyRow.id))
            ).all()
            return [JourneyResult.model_validate_json(row.result) for row in rows]

    def with_screenshots(self, crawl_id: int) -> list[tuple[JourneyResult, Path | None]]:
        """The journeys run after this crawl, each with the folder its screenshots were written to."""
        with Session(self.engine) as session:  # type: ignore[arg-type]
            rows = session.exec(
                select(JourneyRow).where(JourneyRow.crawl_id == crawl_id).order_by(col(JourneyRow.id))
            ).all()
            return [
                (JourneyResult.model_validate_json(row.result), Path(row.screenshots) if row.screenshots else None)
                for row in rows
            ]
