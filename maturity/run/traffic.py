"""Workflow: import an analytics page report (views per page) for an agency's site (issue 18)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from maturity.core.portfolio import check_url
from maturity.core.traffic import TrafficReport, parse_traffic
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
