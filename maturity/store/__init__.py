"""The store: tables, queries and migrations (the only package that imports SQLAlchemy, SQLModel or Alembic)."""

from maturity.store.store import (
    PENDING,
    Blob,
    Crawl,
    DuplicateTask,
    Page,
    RunRow,
    Scoring,
    Store,
    StoredRun,
    redact_url,
    upgrade,
)

__all__ = [
    "PENDING",
    "Blob",
    "Crawl",
    "DuplicateTask",
    "Page",
    "RunRow",
    "Scoring",
    "Store",
    "StoredRun",
    "redact_url",
    "upgrade",
]
