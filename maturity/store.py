"""The store: crawls, their content-addressed artifacts, and scorings of them.

A **crawl** is what was gathered (settings, versions, timings, one row per page
pointing at artifact blobs); a **scoring** is one rubric applied to a crawl.
Re-scoring adds a scoring and never touches the crawl, so old crawls can be
scored under new rubrics with no browser. Artifacts live in ``blob`` keyed by the
sha256 of their canonical JSON, so identical facts are stored once.

Every page is committed in its own transaction as it finishes, so an interrupted
run loses nothing that was finished. The schema is created and upgraded by the
Alembic migrations in ``maturity/migrations`` (SQLite by default; any SQLAlchemy
URL, PostgreSQL included).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Column, LargeBinary, String, Text, UniqueConstraint, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlmodel import Field, Session, SQLModel, create_engine, select

from maturity.errors import StoreUnavailable, UsageError
from maturity.model import PageArtifacts, SiteFacts, canonical_json, sha256_of
from maturity.scoring import Scorecard


def utcnow() -> datetime:
    return datetime.now(UTC)


class Blob(SQLModel, table=True):
    sha256: str = Field(sa_column=Column(String(64), primary_key=True))
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # zlib(canonical JSON)


class Crawl(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    target_url: str = Field(index=True)
    status: str = "running"  # running | finished | failed
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    tool_version: str = ""
    axe_version: str = ""
    browser_version: str = ""
    settings: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    timings: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    site_sha: str | None = None
    pages_found: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text))


class Page(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("crawl_id", "url"),)
    id: int | None = Field(default=None, primary_key=True)
    crawl_id: int = Field(foreign_key="crawl.id", index=True)
    url: str
    depth: int = 0
    status: str = "ok"  # ok | not_assessable
    reason: str | None = None
    artifacts: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # name -> blob sha256
    elapsed_ms: float = 0.0
    finished_at: datetime = Field(default_factory=utcnow)


class Scoring(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    crawl_id: int = Field(foreign_key="crawl.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    rubric_id: str
    rubric_version: str
    rubric_sha256: str
    rubric_source: str = ""
    overall: float | None = None
    level: int | None = None
    level_name: str | None = None
    complete: bool = True
    scorecard_sha: str


@dataclass(frozen=True)
class RunRow:
    crawl: Crawl
    scoring: Scoring | None
    pages: int
    not_assessable: int


def redact_url(url: str) -> str:
    """A database URL with any password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _migrations_config(engine_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("maturity") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", engine_url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    cfg = _migrations_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise UsageError(f"--db: not a database URL: {url!r} (try sqlite:///maturity.db)") from None
        connect_args: dict[str, Any] = {}
        if parsed.get_backend_name() == "sqlite":
            connect_args = {"timeout": 30, "check_same_thread": False}
            if parsed.database and parsed.database != ":memory:":
                try:
                    Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreUnavailable(f"database unavailable: {url}: {exc.strerror}") from None
        try:
            self.engine = create_engine(url, connect_args=connect_args)
        except (ArgumentError, NoSuchModuleError) as exc:
            raise UsageError(f"--db: cannot use {redact_url(url)}: {exc}") from None
        except ImportError as exc:
            raise UsageError(f"--db: driver for {parsed.get_backend_name()} is not installed ({exc.name})") from None
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            upgrade(self.engine)
        except OperationalError as exc:
            reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc).splitlines()[0]
            raise StoreUnavailable(f"database unavailable: {redact_url(url)}: {reason}") from None

    # -- blobs -------------------------------------------------------------
    def _put_blob(self, session: Session, data: Any) -> str:
        sha = sha256_of(data)
        if session.get(Blob, sha) is None:
            raw = canonical_json(data)
            session.add(Blob(sha256=sha, size=len(raw), data=zlib.compress(raw, 6)))
            session.flush()
        return sha

    def get_blob(self, sha: str) -> Any:
        with Session(self.engine) as session:
            blob = session.get(Blob, sha)
            if blob is None:
                raise KeyError(sha)
            return json.loads(zlib.decompress(blob.data))

    # -- crawls ------------------------------------------------------------
    def begin_crawl(
        self,
        target_url: str,
        *,
        settings: dict[str, Any],
        tool_version: str,
        axe_version: str = "",
        browser_version: str = "",
    ) -> int:
        with Session(self.engine) as session:
            crawl = Crawl(
                target_url=target_url,
                settings=json.dumps(settings, sort_keys=True, default=str),
                tool_version=tool_version,
                axe_version=axe_version,
                browser_version=browser_version,
            )
            session.add(crawl)
            session.commit()
            assert crawl.id is not None
            return crawl.id

    def update_crawl(self, crawl_id: int, **fields: Any) -> None:
        with Session(self.engine) as session:
            crawl = session.get(Crawl, crawl_id)
            if crawl is None:
                raise KeyError(crawl_id)
            for key, value in fields.items():
                if key in ("timings", "settings") and not isinstance(value, str):
                    value = json.dumps(value, sort_keys=True, default=str)
                setattr(crawl, key, value)
            session.add(crawl)
            session.commit()

    def set_site(self, crawl_id: int, site: SiteFacts, pages_found: int) -> None:
        with Session(self.engine) as session:
            sha = self._put_blob(session, site.model_dump(mode="json"))
            crawl = session.get(Crawl, crawl_id)
            assert crawl is not None
            crawl.site_sha = sha
            crawl.pages_found = pages_found
            session.add(crawl)
            session.commit()

    def add_page(self, crawl_id: int, page: PageArtifacts, elapsed_ms: float = 0.0) -> None:
        """Commit one finished page (its own transaction)."""
        with Session(self.engine) as session:
            refs = {name: self._put_blob(session, data) for name, data in sorted(page.artifacts.items())}
            session.add(
                Page(
                    crawl_id=crawl_id,
                    url=page.url,
                    depth=page.depth,
                    status=page.status,
                    reason=page.reason,
                    artifacts=json.dumps(refs, sort_keys=True),
                    elapsed_ms=elapsed_ms,
                )
            )
            session.commit()

    def add_artifact(self, crawl_id: int, url: str, name: str, data: dict[str, Any]) -> None:
        """Attach one more artifact to a stored page (the performance phase runs after the others)."""
        with Session(self.engine) as session:
            row = session.exec(select(Page).where(Page.crawl_id == crawl_id, Page.url == url)).one()
            refs = json.loads(row.artifacts)
            refs[name] = self._put_blob(session, data)
            row.artifacts = json.dumps(refs, sort_keys=True)
            session.add(row)
            session.commit()

    def finish_crawl(
        self,
        crawl_id: int,
        *,
        status: str = "finished",
        timings: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        self.update_crawl(crawl_id, status=status, finished_at=utcnow(), timings=timings or {}, error=error)

    def crawl(self, crawl_id: int) -> Crawl:
        with Session(self.engine) as session:
            crawl = session.get(Crawl, crawl_id)
            if crawl is None:
                raise UsageError(f"no run {crawl_id} in {redact_url(self.url)} (see `maturity runs`)")
            return crawl

    def done_urls(self, crawl_id: int) -> set[str]:
        with Session(self.engine) as session:
            return set(session.exec(select(Page.url).where(Page.crawl_id == crawl_id)).all())

    def load_pages(self, crawl_id: int) -> list[PageArtifacts]:
        with Session(self.engine) as session:
            rows = session.exec(select(Page).where(Page.crawl_id == crawl_id).order_by(Page.id)).all()
            refs = [(row, json.loads(row.artifacts)) for row in rows]
        return [
            PageArtifacts(
                url=row.url,
                depth=row.depth,
                status=row.status,  # type: ignore[arg-type]
                reason=row.reason,
                artifacts={n: self.get_blob(sha) for n, sha in names.items()},
            )
            for row, names in refs
        ]

    def load_site(self, crawl_id: int) -> SiteFacts:
        crawl = self.crawl(crawl_id)
        if crawl.site_sha is None:
            return SiteFacts(start_url=crawl.target_url)
        return SiteFacts.model_validate(self.get_blob(crawl.site_sha))

    # -- scorings ----------------------------------------------------------
    def add_scoring(self, crawl_id: int, card: Scorecard) -> int:
        with Session(self.engine) as session:
            sha = self._put_blob(session, card.model_dump(mode="json"))
            row = Scoring(
                crawl_id=crawl_id,
                rubric_id=card.rubric.id,
                rubric_version=card.rubric.version,
                rubric_sha256=card.rubric.sha256,
                rubric_source=card.rubric.source,
                overall=card.overall,
                level=card.level,
                level_name=card.level_name,
                complete=card.complete,
                scorecard_sha=sha,
            )
            session.add(row)
            session.commit()
            assert row.id is not None
            return row.id

    def scorings(self, crawl_id: int) -> list[Scoring]:
        with Session(self.engine) as session:
            return list(session.exec(select(Scoring).where(Scoring.crawl_id == crawl_id).order_by(Scoring.id)).all())

    def scorecard(self, scoring: Scoring) -> Scorecard:
        return Scorecard.model_validate(self.get_blob(scoring.scorecard_sha))

    def latest_scorecard(self, crawl_id: int) -> tuple[Scoring, Scorecard]:
        self.crawl(crawl_id)  # "no run N" before "not scored"
        rows = self.scorings(crawl_id)
        if not rows:
            raise UsageError(f"run {crawl_id} has not been scored yet (use `maturity rescore {crawl_id}`)")
        return rows[-1], self.scorecard(rows[-1])

    def runs(self, limit: int = 50) -> list[RunRow]:
        with Session(self.engine) as session:
            crawls = session.exec(select(Crawl).order_by(Crawl.id.desc()).limit(limit)).all()  # type: ignore[union-attr]
            out = []
            for crawl in crawls:
                scoring = session.exec(
                    select(Scoring).where(Scoring.crawl_id == crawl.id).order_by(Scoring.id.desc())
                ).first()  # type: ignore[union-attr]
                statuses = session.exec(select(Page.status).where(Page.crawl_id == crawl.id)).all()
                out.append(
                    RunRow(
                        crawl=crawl,
                        scoring=scoring,
                        pages=len(statuses),
                        not_assessable=sum(1 for s in statuses if s != "ok"),
                    )
                )
            return out


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
