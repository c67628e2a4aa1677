"""Workflow: import an analytics page report (views per page) for an agency's site (issue 18)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from maturity.core.model import TrafficFacts
from maturity.core.portfolio import check_url
from maturity.core.traffic import TrafficReport, page_path, parse_traffic
from maturity.kernel.errors import ConfigError
from maturity.run.xdata import read_text
from maturity.store import Store
from maturity.store.traffic import StoredTraffic, TrafficStore


def import_traffic(
    store: Store, path: Path, *, agency: str, site: str | None = None, period: str | None = None
) -> tuple[StoredTraffic, TrafficReport | None]:
    """Read the whole report, then store it in one transaction; the same file again changes nothing
    (the report is None then)."""
    agency = " ".join(agency.split())
    if not agency:
        raise ConfigError("--agency", "the agency is empty")
    if site is not None:
        try:
            site = check_url(site)
        except ValueError as exc:
            raise ConfigError("--site", str(exc)) from None
    data, text = read_text(path)
    sha = hashlib.sha256(data).hexdigest()
    tstore = TrafficStore(store.engine)
    before = tstore.find(agency, sha)
    if before is not None:
        return before, None
    report = parse_traffic(text, str(path), site=site, period=period)
    return tstore.write(agency, site, sha, report), report


def newest_traffic(store: Store, agency: str, site: str | None = None) -> list[StoredTraffic]:
    return TrafficStore(store.engine).newest(agency, check_url(site) if site else None)


def site_traffic(store: Store, start_url: str) -> StoredTraffic | None:
    """The newest traffic report imported for the site at ``start_url`` (``--site``), or None."""
    host = urlsplit(start_url).hostname or ""
    return TrafficStore(store.engine).newest_for_host(host) if host else None


def traffic_facts(report: StoredTraffic, urls: Iterable[str]) -> TrafficFacts:
    """The report's counts for the pages found (a page URL matches the report's path for it)."""
    views: dict[str, int] = {}
    for url in urls:
        path = page_path(url, (urlsplit(url).hostname or "").lower())
        if path is not None and path in report.views:
            views[url] = report.views[path]
    return TrafficFacts(metric=report.metric, period=report.period, views=views)
