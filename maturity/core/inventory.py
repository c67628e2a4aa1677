"""An inventory of public entities from the .gov registry, kept as a portfolio file.

The registry (CISA's ``current-full.csv``, github.com/cisagov/dotgov-data, CC0) lists every
registered second-level .gov domain with the columns ``Domain name, Domain type, Organization
name, Suborganization name, City, State, Security contact email``. This module reads any snapshot
in that format and turns the rows of one state into a portfolio (one agency per organisation, its
domains as sites), and merges a newer snapshot into a portfolio a person has since edited:

* tags the registry supplies (:data:`AGENCY_TAGS`, :data:`SITE_TAGS`) are refreshed;
* every other tag, setting, attestation file, title and every site the registry does not list
  (``https://dnr.ga.gov/`` under ``ga.gov``) are kept as the person left them;
* a site is known by its ``dotgov`` tag (the registry domain), so a person may change its URL
  (``https://www.augustaga.gov/``) without it being added again.

Pure: text and mappings in, mappings and a report out. Reading and writing files is the
workflow's (:mod:`maturity.run.inventory`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from maturity.kernel.errors import ConfigError

REGISTRY_COLUMNS = (
    "Domain name",
    "Domain type",
    "Organization name",
    "Suborganization name",
    "City",
    "State",
    "Security contact email",
)
BLANK = "(blank)"  # the registry's word for "no value" (security contacts)

# The types of public entity the ADA Title II web rule covers (28 CFR 35.104 "public entity": any
# state or local government and its agencies; see ../shared/reference/DOMAIN.md). Federal, tribal
# and interstate domains are left out unless asked for with --type.
DEFAULT_TYPES = ("city", "county", "state", "special-district", "school-district")

# Tags this module owns: refreshed from every snapshot. Any other tag is a person's and is kept.
AGENCY_TAGS = ("domain_type", "city")
SITE_TAGS = ("dotgov", "suborganization", "security_contact")


def domain_type(value: str) -> str:
    """The registry's domain type as a tag value: ``City - Election`` -> ``city``, ``State or
    territory`` -> ``state``, ``Federal - Executive`` -> ``federal-executive``.

    The " - Election" suffix comes and goes between snapshots for the same domain, so it is
    dropped: it must not make a domain look changed."""
    text = " ".join(value.split()).lower()
    text = re.sub(r"\s*-\s*election$", "", text)
    if text == "state or territory":
        return "state"
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def parse_types(option: str | None) -> tuple[str, ...]:
    """``--type city,county`` (also "Special district", "state or territory") as tag values."""
    if option is None:
        return DEFAULT_TYPES
    types = tuple(dict.fromkeys(domain_type(t) for t in option.split(",") if t.strip()))
    if not types:
        raise ConfigError("--type", "name at least one domain type (city, county, state, special-district, ...)")
    return types


@dataclass(frozen=True)
class RegistryRow:
    domain: str  # lower case, as a host name
    type: str  # normalised (see domain_type)
    organization: str
    suborganization: str
    city: str
    state: str  # two letters, upper case
    security_contact: str  # "" when the registry says (blank)


def parse_registry(text: str, source: str) -> list[RegistryRow]:
    """Every row of a registry snapshot. A missing column or a row without a domain name stops,
    naming the file and the line; extra columns (a later format) are ignored."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header: list[str] | None = None
    rows: list[RegistryRow] = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [" ".join(c.split()).lower() for c in cells]
            missing = [c for c in REGISTRY_COLUMNS if c.lower() not in header]
            if missing:
                raise ConfigError(source, f"not a .gov registry file: missing column {missing[0]!r}", f"line {line}")
            continue
        cell = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}

        def value(column: str, cell: dict[str, str] = cell) -> str:
            v = " ".join(cell.get(column.lower(), "").split())
            return "" if v.lower() == BLANK else v

        domain = value("Domain name").lower().rstrip(".")
        if not domain or "." not in domain:
            raise ConfigError(source, f"not a domain name: {domain!r}", f"line {line}, column Domain name")
        rows.append(
            RegistryRow(
                domain=domain,
                type=domain_type(value("Domain type")),
                organization=value("Organization name") or domain,
                suborganization=value("Suborganization name"),
                city=value("City"),
                state=value("State").upper(),
                security_contact=value("Security contact email"),
            )
        )
    if header is None:
        raise ConfigError(source, "the file is empty (expected the .gov registry's CSV)")
    return rows


def select(rows: Iterable[RegistryRow], state: str, types: tuple[str, ...]) -> list[RegistryRow]:
    state = state.strip().upper()
    return sorted((r for r in rows if r.state == state and r.type in types), key=lambda r: r.domain)


def _key(name: str) -> str:
    """An organisation's identity across snapshots and spellings ("CIty of Powder Springs")."""
    return " ".join(name.split()).casefold()


def site_url(domain: str) -> str:
    return f"https://{domain}/"


@dataclass
class InventoryReport:
    added: list[tuple[str, str]] = field(default_factory=list)  # (agency, domain)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (agency, domain)
    agencies_added: list[str] = field(default_factory=list)
    agencies_removed: list[str] = field(default_factory=list)
    moved: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, agency in the file, registry's)
    kept_sites: int = 0  # sites a person added (not registry domains), left as they were
    total_sites: int = 0
    total_agencies: int = 0


def _site_tags(row: RegistryRow) -> dict[str, str]:
    tags = {"dotgov": row.domain}
    if row.suborganization:
        tags["suborganization"] = row.suborganization
    if row.security_contact:
        tags["security_contact"] = row.security_contact
    return tags


def _agency_tags(rows: list[RegistryRow]) -> dict[str, str]:
    first = rows[0]  # rows are sorted by domain: the same choice in every snapshot
    tags = {"domain_type": first.type}
    if first.city:
        tags["city"] = first.city
    return tags


def _registry_domain(site: Any) -> str | None:
    if isinstance(site, dict):
        tags = site.get("tags") or {}
        if isinstance(tags, dict) and isinstance(tags.get("dotgov"), str):
            return str(tags["dotgov"]).lower()
    return None


def merge(
    existing: dict[str, Any] | None, rows: list[RegistryRow], *, state: str
) -> tuple[dict[str, Any], InventoryReport]:
    """The portfolio (a YAML mapping) for ``rows``, merged into ``existing`` when there is one.

    ``existing`` is the portfolio file as loaded (not validated here: the workflow validates the
    result). Its order is kept; new agencies come after, by name."""
    report = InventoryReport()
    by_org: dict[str, list[RegistryRow]] = {}
    names: dict[str, str] = {}
    for row in rows:
        key = _key(row.organization)
        by_org.setdefault(key, []).append(row)
        names.setdefault(key, " ".join(row.organization.split()))
    wanted = {row.domain: row for row in rows}

    doc: dict[str, Any] = dict(existing) if existing else {}
    if not existing:
        doc["id"] = f"dotgov-{state.lower()}"
        doc["title"] = f"{state.upper()} public entities in the .gov registry"
        doc["tags"] = {"state": state.upper()}
    agencies: list[dict[str, Any]] = [dict(a) for a in doc.get("agencies") or [] if isinstance(a, dict)]
    seen_domains: set[str] = set()
    kept_agencies: list[dict[str, Any]] = []
    for agency in agencies:
        name = str(agency.get("name", ""))
        org_rows = by_org.get(_key(name), [])
        sites_out: list[Any] = []
        for site in agency.get("sites") or []:
            domain = _registry_domain(site)
            if domain is None:  # a site a person added: not the registry's to remove
                sites_out.append(site)
                report.kept_sites += 1
                continue
            current = wanted.get(domain)
            if current is None or domain in seen_domains:
                report.removed.append((name, domain))
                continue
            seen_domains.add(domain)
            if _key(current.organization) != _key(name):
                report.moved.append((domain, name, current.organization))
            entry = dict(site)
            tags = {k: v for k, v in (entry.get("tags") or {}).items() if k not in SITE_TAGS}
            entry["tags"] = {**_site_tags(current), **tags}
            sites_out.append(entry)
        for row in org_rows:  # this organisation's domains the file does not list yet
            if row.domain not in seen_domains and not _listed_elsewhere(row.domain, agencies):
                seen_domains.add(row.domain)
                sites_out.append({"url": site_url(row.domain), "tags": _site_tags(row)})
                report.added.append((name, row.domain))
        if not sites_out:
            report.agencies_removed.append(name)
            continue
        entry = dict(agency)
        if org_rows:
            tags = {k: v for k, v in (entry.get("tags") or {}).items() if k not in AGENCY_TAGS}
            entry["tags"] = {**_agency_tags(org_rows), **tags}
        entry["sites"] = sites_out
        kept_agencies.append(entry)

    known = {_key(str(a.get("name", ""))) for a in agencies}
    new = sorted((k for k in by_org if k not in known), key=lambda k: names[k].casefold())
    for key in new:
        org_rows = [r for r in by_org[key] if r.domain not in seen_domains]
        if not org_rows:
            continue
        seen_domains.update(r.domain for r in org_rows)
        kept_agencies.append(
            {
                "name": names[key],
                "tags": _agency_tags(org_rows),
                "sites": [{"url": site_url(r.domain), "tags": _site_tags(r)} for r in org_rows],
            }
        )
        report.agencies_added.append(names[key])
        report.added.extend((names[key], r.domain) for r in org_rows)
    doc["agencies"] = kept_agencies
    report.total_agencies = len(kept_agencies)
    report.total_sites = sum(len(a["sites"]) for a in kept_agencies)
    return doc, report


def _listed_elsewhere(domain: str, agencies: list[dict[str, Any]]) -> bool:
    """Whether a person moved this registry domain under another agency of the file."""
    return any(_registry_domain(s) == domain for a in agencies for s in a.get("sites") or [])


# -- candidates: registry hostnames the crawls link to, not yet in the portfolio ------------------


@dataclass
class HostCandidate:
    host: str  # as linked, lower case, without "www."
    domain: str  # the registry domain it is under
    organization: str  # the registry's organisation for that domain
    seen_on: list[str] = field(default_factory=list)  # pages that link to it (first few)
    links: int = 0  # links to it found, over every page read


def _bare_host(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def registry_domain_of(host: str, domains: Iterable[str]) -> str | None:
    """The registry domain ``host`` is, or is under (``dnr.ga.gov`` -> ``ga.gov``); None if none."""
    wanted = set(domains)
    labels = _bare_host(host).split(".")
    for i in range(len(labels) - 1):
        candidate = ".".join(labels[i:])
        if candidate in wanted:
            return candidate
    return None


def host_candidates(
    links: Iterable[tuple[str, str]],
    registry: Iterable[RegistryRow],
    listed_hosts: Iterable[str],
    *,
    examples: int = 3,
) -> list[HostCandidate]:
    """Hostnames of registry domains that ``links`` ((page URL, link href) pairs) point to and
    that no site of the portfolio uses (``www.`` ignored), most linked first."""
    rows = {r.domain: r for r in registry}
    listed = {_bare_host(h) for h in listed_hosts}
    found: dict[str, HostCandidate] = {}
    for page_url, href in links:
        m = re.match(r"^https?://([^/?#:@]+)", href.strip(), re.IGNORECASE)
        if not m:
            continue
        host = _bare_host(m.group(1))
        if host in listed:
            continue
        domain = registry_domain_of(host, rows)
        if domain is None:
            continue
        entry = found.setdefault(host, HostCandidate(host, domain, rows[domain].organization))
        entry.links += 1
        if page_url not in entry.seen_on and len(entry.seen_on) < examples:
            entry.seen_on.append(page_url)
    return sorted(found.values(), key=lambda c: (-c.links, c.host))
