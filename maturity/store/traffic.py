"""Traffic (issue 18): views per page path from an analytics page report, per agency and site.

Tables (migration ``0006``): ``traffic_import`` (one per file: agency, site, period, the
count's name, the file's sha256) and ``traffic_page`` (path, count). No query string, referrer,
visitor or device is ever stored: the reports are counts per path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import Column, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field, Session, SQLModel, col, select

from maturity.core.traffic import TrafficReport
from maturity.store.tables import utcnow


class TrafficImport(SQLModel, table=True):
    __tablename__ = "traffic_import"
    __table_args__ = (UniqueConstraint("agency", "sha256"),)
    id: int | None = Field(default=None, primary_key=True)
    agency: str = Field(index=True)
    site: str | None = None
    period: str | None = None
    metric: str
    sha256: str = Field(sa_column=Column(String(64), nullable=False))
    imported_at: datetime = Field(default_factory=utcnow)
    rows: int = 0


class TrafficPage(SQLModel, table=True):
    __tablename__ = "traffic_page"
    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(sa_column=Column(Integer, ForeignKey("traffic_import.id"), index=True, nullable=False))
    path: str
    views: int


@dataclass(frozen=True)
class StoredTraffic:
    id: int
    agency: str
    site: str | None
    period: str | None
    metric: str
    imported_at: datetime
    new: bool
    views: dict[str, int]


class TrafficStore:
    def __init__(self, engine: object) -> None:
        self.engine = engine

    def find(self, agency: str, sha256: str) -> StoredTraffic | None:
        with Session(self.engine) as session:  # type: ignore[arg-type]
            row = session.exec(
                select(TrafficImport).where(TrafficImport.agency == agency, TrafficImport.sha256 == sha256)
            ).first()
            return None if row is None else self._read(session, row, new=False)

    def write(self, agency: str, site: str | None, sha256: str, report: TrafficReport) -> StoredTraffic:
        """One import in one transaction."""
        with Session(self.engine) as session:  # type: ignore[arg-type]
            row = TrafficImport(
                agency=agency, site=site, period=report.period, metric=report.metric, sha256=sha256, rows=report.rows
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            for path, views in sorted(report.views.items()):
                session.add(TrafficPage(import_id=row.id, path=path, views=views))
            session.commit()
            return self._read(session, row, new=True)

    def newest(self, agency: str, site: str | None = None) -> list[StoredTraffic]:
        """The newest import of each of the agency's sites (or of one site)."""
        with Session(self.engine) as session:  # type: ignore[arg-type]
            query = select(TrafficImport).where(TrafficImport.agency == agency).order_by(col(TrafficImport.id).desc())
            if site is not None:
                query = query.where(TrafficImport.site == site)
            seen: set[str | None] = set()
            out = []
            for row in session.exec(query).all():
                if row.site not in seen:
                    seen.add(row.site)
                    out.append(self._read(session, row, new=False))
            return out

    def newest_for_host(self, host: str) -> StoredTraffic | None:
        """The newest import made for a site on ``host`` (any agency), or None."""
        with Session(self.engine) as session:  # type: ignore[arg-type]
            query = select(TrafficImport).where(col(TrafficImport.site).is_not(None))
            for row in session.exec(query.order_by(col(TrafficImport.id).desc())).all():
                if (urlsplit(row.site or "").hostname or "").lower() == host.lower():
                    return self._read(session, row, new=False)
            return None

    def _read(self, session: Session, row: TrafficImport, *, new: bool) -> StoredTraffic:
        assert row.id is not None
        pages = session.exec(select(TrafficPage).where(TrafficPage.import_id == row.id)).all()
        return StoredTraffic(
            row.id, row.agency, row.site, row.period, row.metric, row.imported_at, new, {p.path: p.views for p in pages}
        )
