"""``maturity inventory``: a portfolio file from the .gov registry, and population figures from
the Census Bureau, merged into a file a person keeps editing.

The file is written only when the result is a valid portfolio (it is read back through
:func:`maturity.core.portfolio.parse_yaml` first), and atomically (a temporary file renamed over
it), so an error never leaves half a file.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from maturity.core import inventory, population
from maturity.core.configfile import load_yaml
from maturity.core.portfolio import load_portfolio, parse_yaml
from maturity.kernel.errors import ConfigError
from maturity.store import Store

HEADER = (
    "# A portfolio kept by `maturity inventory`. On each run, the tags the registry supplies\n"
    "# ({managed})\n"
    "# and population figures with a census population_source are refreshed; every other tag,\n"
    "# setting and site is yours and is kept. Comments are not kept.\n"
)


def _read_text(path: Path, what: str) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read {what}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), f"{what} is not UTF-8 text") from None


def _read_portfolio(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise ConfigError(str(path), "the inventory is kept as a YAML portfolio (.yaml or .yml)")
    raw = load_yaml(_read_text(path, "portfolio"), str(path), "portfolio")
    if not isinstance(raw, dict):
        raise ConfigError(str(path), "a portfolio must be a mapping with an 'agencies' list")
    return raw


def _write_portfolio(path: Path, doc: dict[str, Any]) -> None:
    managed = ", ".join((*inventory.AGENCY_TAGS, *inventory.SITE_TAGS))
    text = HEADER.format(managed=managed) + yaml.safe_dump(
        doc, sort_keys=False, allow_unicode=True, width=120, default_flow_style=False
    )
    parse_yaml(text, str(path))  # never write a file `portfolio run` would refuse
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class PopulationReport:
    matched: list[tuple[str, str, int]] = field(default_factory=list)  # (agency, Census name, population)
    unmatched: list[tuple[str, str]] = field(default_factory=list)  # (agency, why)
    kept: list[str] = field(default_factory=list)  # agencies whose figure a person set: left alone
    source: str = ""


@dataclass
class InventoryResult:
    path: Path
    report: inventory.InventoryReport
    population: PopulationReport | None = None
    dry_run: bool = False


def dotgov(
    registry: str | Path,
    out: str | Path,
    *,
    state: str,
    types: tuple[str, ...],
    census: str | Path | None = None,
    year: int | None = None,
    dry_run: bool = False,
) -> InventoryResult:
    """Read a registry snapshot, merge the state's domains into ``out`` (made when missing), and
    with ``census`` join population figures too."""
    if len(state.strip()) != 2 or not state.strip().isalpha():
        raise ConfigError("--state", f"give a two-letter state code (GA), not {state!r}")
    rows = inventory.parse_registry(_read_text(Path(registry), "registry file"), str(registry))
    chosen = inventory.select(rows, state, types)
    out_path = Path(out)
    existing = _read_portfolio(out_path)
    if not chosen and existing is None:
        raise ConfigError(str(registry), f"no {', '.join(types)} domains in {state.upper()}: nothing to write")
    doc, report = inventory.merge(existing, chosen, state=state.strip().upper())
    if not doc["agencies"]:
        raise ConfigError(str(out_path), "the merged portfolio would list no site: not written")
    pop_report = None
    if census is not None:
        table = population.parse_census(_read_text(Path(census), "Census file"), str(census), year)
        pop_report = join_population(doc, table, state=state)
    if not dry_run:
        _write_portfolio(out_path, doc)
    return InventoryResult(out_path, report, pop_report, dry_run)


def census_join(
    portfolio: str | Path, census: str | Path, *, state: str | None = None, year: int | None = None
) -> PopulationReport:
    """Join a Census population-estimates file into an existing inventory portfolio, in place."""
    path = Path(portfolio)
    doc = _read_portfolio(path)
    if doc is None:
        raise ConfigError(str(path), "no such portfolio file")
    table = population.parse_census(_read_text(Path(census), "Census file"), str(census), year)
    tags = doc.get("tags") if isinstance(doc.get("tags"), dict) else {}
    st = state or str((tags or {}).get("state", ""))
    if not st:
        raise ConfigError(str(path), "the portfolio has no state tag: give --state")
    report = join_population(doc, table, state=st)
    _write_portfolio(path, doc)
    return report


def join_population(doc: dict[str, Any], table: population.CensusTable, *, state: str) -> PopulationReport:
    """Set each agency's ``population`` (with ``population_source``) from the Census table.

    A figure a person set (a ``population`` or ``population_tier`` tag without a census source) is
    kept; a special district needs none (its date does not depend on it). Agencies that match
    nothing are reported, never given a figure."""
    report = PopulationReport(source=f"census {Path(table.source).name} POPESTIMATE{table.year}")
    for agency in doc.get("agencies") or []:
        name = str(agency.get("name", ""))
        tags = dict(agency.get("tags") or {})
        by_hand = ("population" in tags or "population_tier" in tags) and not str(
            tags.get("population_source", "")
        ).startswith("census")
        if by_hand:
            report.kept.append(name)
            continue
        kind = str(tags.get("domain_type", "city"))
        if kind == "special-district":
            continue
        found = population.match(table, name, state, kind)
        if found.entity is None:
            for key in ("population", "population_source"):
                tags.pop(key, None)
            report.unmatched.append((name, found.reason))
        else:
            tags["population"] = found.entity.population
            tags["population_source"] = f"{report.source}: {found.entity.name}"
            report.matched.append((name, found.entity.name, found.entity.population))
        agency["tags"] = tags
    return report


@dataclass
class CandidatesResult:
    portfolio: str
    runs_read: int
    candidates: list[inventory.HostCandidate]


def candidates(
    portfolio_file: str | Path, registry: str | Path, store: Store, *, state: str | None = None
) -> CandidatesResult:
    """Hostnames under the state's registry domains that the portfolio's stored crawls link to and
    the portfolio does not list yet, with the pages that link to them.

    Reads the newest finished run of each site (its pages' stored document facts: no network)."""
    portfolio = load_portfolio(portfolio_file)
    listed = {urlsplit(s.url).hostname or "" for s in portfolio.sites}
    st = (state or next((s.tags["state"] for s in portfolio.sites if "state" in s.tags), "")).strip().upper()
    if not st:
        raise ConfigError(str(portfolio_file), "the portfolio has no state tag: give --state")
    rows = [
        r
        for r in inventory.parse_registry(_read_text(Path(registry), "registry file"), str(registry))
        if r.state == st and not r.type.startswith("federal")
    ]
    newest: dict[str, int] = {}
    for run in store.history(portfolio.id):
        if run.crawl.status == "finished" and run.crawl.id is not None:
            newest[run.crawl.target_url] = run.crawl.id
    links: list[tuple[str, str]] = []
    for crawl_id in newest.values():
        for url, doc in store.page_artifact(crawl_id, "document").items():
            links.extend((url, str(a.get("href", ""))) for a in doc.get("links", []) if isinstance(a, dict))
    return CandidatesResult(portfolio.id, len(newest), inventory.host_candidates(links, rows, listed))


def add_candidates(portfolio_file: str | Path, found: list[inventory.HostCandidate]) -> tuple[list[str], list[str]]:
    """Add each candidate hostname as a site (``https://HOST/``, tag ``seen_on``) of the agency
    whose registry domain it is under; returns (hosts added, hosts no agency of the file owns)."""
    path = Path(portfolio_file)
    doc = _read_portfolio(path)
    if doc is None:
        raise ConfigError(str(path), "no such portfolio file")
    owner: dict[str, dict[str, Any]] = {}
    for agency in doc.get("agencies") or []:
        for site in agency.get("sites") or []:
            tags = site.get("tags") if isinstance(site, dict) else None
            if isinstance(tags, dict) and isinstance(tags.get("dotgov"), str):
                owner.setdefault(tags["dotgov"].lower(), agency)
    added, orphans = [], []
    for c in found:
        agency = owner.get(c.domain)
        if agency is None:
            orphans.append(c.host)
            continue
        agency["sites"].append({"url": f"https://{c.host}/", "tags": {"seen_on": c.seen_on[0]}})
        added.append(c.host)
    if added:
        _write_portfolio(path, doc)
    return added, orphans
