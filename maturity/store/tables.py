"""The tables. Their schema is made and changed only by the Alembic migrations beside them
(``maturity/store/migrations``): after changing a table here, add a revision there."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, LargeBinary, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

PENDING = "pending"  # a planned page not yet audited


def utcnow() -> datetime:
    return datetime.now(UTC)


class Blob(SQLModel, table=True):
    """A content-addressed fact: zlib of the canonical JSON, keyed by its sha256 (stored once)."""

    sha256: str = Field(sa_column=Column(String(64), primary_key=True))
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Crawl(SQLModel, table=True):
    """What was gathered from one site: settings, versions, timings; its pages point at blobs."""

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
    # Which agency and portfolio the crawl belongs to (migration 0002; None for a plain `maturity audit`).
    agency: str | None = Field(default=None, index=True)
    portfolio: str | None = Field(default=None, index=True)
    tags: str | None = Field(default=None, sa_column=Column(Text))  # JSON object of tag -> value
    # Idempotency key of a distributed task (migration 0003): a redelivered task finds its crawl.
    task_key: str | None = Field(default=None, sa_column=Column(String(64), nullable=True, index=True, unique=True))
    # The lease of a distributed crawl (migration 0005): the worker auditing it renews heartbeat_at;
    # a crawl whose heartbeat is old has lost its worker and may be taken over.
    worker: str | None = None
    heartbeat_at: datetime | None = None


class Page(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("crawl_id", "url"),)
    id: int | None = Field(default=None, primary_key=True)
    crawl_id: int = Field(foreign_key="crawl.id", index=True)
    url: str
    depth: int = 0
    status: str = "ok"  # ok | not_assessable | pending
    reason: str | None = None
    artifacts: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # name -> blob sha256
    elapsed_ms: float = 0.0
    finished_at: datetime = Field(default_factory=utcnow)


class Scoring(SQLModel, table=True):
    """One rubric applied to one crawl. Self-contained (migration 0004): the rubric's exact bytes
    are a blob (``rubric_blob``), and the code that scored is named (``tool_version`` and
    ``checks_digest``, a digest of the check catalogue), so no rubric file is ever looked for."""

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
    rubric_blob: str | None = None  # blob of the rubric file's text; None: scored before migration 0004
    tool_version: str | None = None
    checks_digest: str | None = None
