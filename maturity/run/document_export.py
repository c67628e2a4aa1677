"""``maturity documents RUN``: a stored run's documents as CSV (no browser, no network)."""

from __future__ import annotations

from datetime import date

from maturity.core.checks import get
from maturity.kernel.errors import UsageError
from maturity.store import Store
from reports.documents_csv import render_documents_csv


def documents_csv(store: Store, crawl_id: int, *, compliance_date: date | None) -> str:
    crawl = store.crawl(crawl_id)
    site = store.load_site(crawl_id)
    if site.documents is None:
        raise UsageError(
            f"run {crawl_id} collected no documents (it ran with --max-documents 0, or before the collector)"
        )
    params = dict(get("documents-passing").meta.params)
    return render_documents_csv(
        crawl_id, crawl.target_url, site.documents, compliance_date=compliance_date, params=params
    )
