"""The store: tables, queries and migrations (the only package that imports SQLAlchemy, SQLModel or Alembic)."""

from maturity.store.documents import DocumentFactsRow  # registers the document facts table (issue 17)
from maturity.store.journeys import JourneyStore  # registers the journey table (issue 15)
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
from maturity.store.traffic import TrafficStore  # registers the traffic tables (issue 18)
from maturity.store.xdata import XdataStore  # registers the survey tables (issue 18)

__all__ = [
    "PENDING",
    "Blob",
    "Crawl",
    "DocumentFactsRow",
    "DuplicateTask",
    "JourneyStore",
    "Page",
    "RunRow",
    "Scoring",
    "Store",
    "StoredRun",
    "TrafficStore",
    "XdataStore",
    "redact_url",
    "upgrade",
]
