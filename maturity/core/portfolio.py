"""Portfolio files: many agencies' sites, with tags and audit settings (YAML or CSV).

A **portfolio file** lists agencies and their sites with optional tags (state, branch, population
tier, owner contact, anything else) and ``settings:`` (any audit setting, see
:mod:`maturity.core.settings`) for the whole portfolio, an agency or one site. Loading validates
it completely; an error names the file and the key path (YAML) or the line and column (CSV).
In YAML an agency may also list its **services** (id, name, the URLs and journeys that deliver
them, the channel): survey results attach to a service (:mod:`maturity.core.xdata`), scans to
its sites; ``fiscal_year_start`` names the month a fiscal year starts (October by default).
Running a portfolio is a workflow (:mod:`maturity.run.portfolio`); this module only reads files.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from maturity.core.configfile import load_yaml, validate
from maturity.core.settings import AuditSettings, SettingsLayer, compose, layer
from maturity.core.title2 import check_population_tags
from maturity.kernel.errors import ConfigError
from maturity.kernel.urls import normalize_url, redact_credentials

_TAG_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
RESERVED_CSV_COLUMNS = ("agency", "url")
# The channels a service is delivered through: Touchpoints' ``Service.channels`` (GSA/touchpoints,
# app/models/service.rb), the vocabulary of the A-11 quarterly CX data collection.
CHANNELS = (
    "computer", "mobile", "email", "chatbot", "phone", "automated_phone", "in_person", "paper", "postal_mail",
    "fax", "self_service_kiosk", "other_non_digital", "website", "mobile_app", "live_chat",
    "sms_text_messages", "social_media", "other_digital",
)  # fmt: skip
OPTIONAL_CSV_COLUMNS = ("attestations",)  # not tags

TagValue = str | int | float | bool


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


def _tags(value: dict[str, TagValue] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, v in (value or {}).items():
        if not _TAG_NAME.match(key):
            raise ValueError(f"tag name {key!r}: use lower-case letters, digits and _ (e.g. population_tier)")
        out[key] = str(v).lower() if isinstance(v, bool) else str(v)
    problem = check_population_tags(out)  # the ADA Title II date depends on them (maturity.core.title2)
    if problem:
        raise ValueError(problem)
    return out


def check_url(url: str) -> str:
    """The site's identity: the normalised start URL (as discovery stores it)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {redact_credentials(url)!r}")
    normalised = normalize_url(url)
    if normalised is None:
        raise ValueError(f"not an http(s) URL: {redact_credentials(url)!r}")
    return normalised


class _SiteEntry(_Strict):
    url: str
    tags: dict[str, TagValue] = Field(default_factory=dict)
    settings: SettingsLayer = Field(default_factory=SettingsLayer)
    journeys: list[str] = Field(default_factory=list)  # journey files or folders, relative to the portfolio file


class _ServiceEntry(_Strict):
    """A service the agency delivers: survey results attach to it, scans to its sites."""

    id: str
    name: str = Field(min_length=1)
    urls: list[str] = Field(default_factory=list)  # pages or sites that deliver it
    journeys: list[str] = Field(default_factory=list)  # ids of the journeys that walk through it
    channel: str | None = None  # one of CHANNELS

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError("use lower-case letters, digits, '.', '_' and '-' (e.g. renew-licence)")
        return v

    @field_validator("channel")
    @classmethod
    def _channel(cls, v: str | None) -> str | None:
        if v is not None and v not in CHANNELS:
            raise ValueError(f"unknown channel {v!r}; one of: {', '.join(CHANNELS)}")
        return v


class _AgencyEntry(_Strict):
    name: str = Field(min_length=1)
    tags: dict[str, TagValue] = Field(default_factory=dict)
    attestations: str | None = None  # the agency's attestation file, relative to the portfolio file
    settings: SettingsLayer = Field(default_factory=SettingsLayer)
    sites: list[str | _SiteEntry] = Field(min_length=1)
    services: list[_ServiceEntry] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("agency name is empty")
        return " ".join(v.split())


class _PortfolioFile(_Strict):
    id: str | None = None
    title: str | None = None
    tags: dict[str, TagValue] = Field(default_factory=dict)
    settings: SettingsLayer = Field(default_factory=SettingsLayer)
    fiscal_year_start: int = Field(default=10, ge=1, le=12)  # month: 10 = the federal year (Q1 = Oct-Dec)
    agencies: list[_AgencyEntry] = Field(min_length=1)


@dataclass(frozen=True)
class PortfolioSite:
    url: str  # normalised start URL: the site's identity across runs
    agency: str
    tags: dict[str, str] = field(default_factory=dict)  # portfolio, agency and site tags merged
    attestations: str | None = None  # path of the agency's attestation file (``maturity audit --attestations``)
    settings: dict[str, Any] = field(default_factory=dict)  # what the file sets for it (portfolio < agency < site)
    journeys: tuple[str, ...] = ()  # journey files or folders (paths), run after the site's audit

    @property
    def host_key(self) -> str:
        return host_key(self.url)


@dataclass(frozen=True)
class PortfolioService:
    agency: str
    id: str  # unique within its agency
    name: str
    urls: tuple[str, ...] = ()  # normalised
    journeys: tuple[str, ...] = ()
    channel: str | None = None


@dataclass(frozen=True)
class Portfolio:
    id: str
    title: str
    source: str
    sites: list[PortfolioSite]
    services: list[PortfolioService] = field(default_factory=list)
    fiscal_year_start: int = 10  # the month fiscal year N starts in (of calendar year N - 1 unless 1)

    def service(self, agency: str, key: str) -> PortfolioService | None:
        """The agency's service whose id or name is ``key`` (None when it lists no such service)."""
        for s in self.services:
            if s.agency == agency and key in (s.id, s.name):
                return s
        return None

    @property
    def agencies(self) -> list[str]:
        return list(dict.fromkeys(s.agency for s in self.sites))


def host_key(url: str) -> str:
    """Politeness key: the host name, with the port when it is not the scheme's default."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return host if parts.port in (None, default) else f"{host}:{parts.port}"


def slug(text: str) -> str:
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return out or "portfolio"


def load_portfolio(path: str | Path, *, portfolio_id: str | None = None) -> Portfolio:
    """Read and validate a portfolio file (``.yaml``/``.yml`` or ``.csv``)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ConfigError(str(p), f"cannot read portfolio: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(str(p), "portfolio is not UTF-8 text") from None
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        loaded = parse_yaml(text, str(p))
    elif suffix == ".csv":
        loaded = parse_csv(text, str(p))
    else:
        raise ConfigError(str(p), "a portfolio file must be .yaml, .yml or .csv")
    if portfolio_id is not None:
        if not _ID.match(portfolio_id):
            raise ConfigError(str(p), "use lower-case letters, digits, '.', '_' and '-'", "--portfolio-id")
        loaded = replace(loaded, id=portfolio_id)
    return loaded


def parse_yaml(text: str, source: str) -> Portfolio:
    raw = load_yaml(text, source, "portfolio")
    if not isinstance(raw, dict):
        raise ConfigError(source, "a portfolio must be a mapping with an 'agencies' list")
    parsed = validate(_PortfolioFile, raw, source, skip=_UNION_BRANCHES)
    if parsed.id is not None and not _ID.match(parsed.id):
        raise ConfigError(source, "use lower-case letters, digits, '.', '_' and '-'", "id")
    try:
        common = _tags(parsed.tags)
    except ValueError as exc:
        raise ConfigError(source, str(exc), "tags") from None
    sites: list[PortfolioSite] = []
    services: list[PortfolioService] = []
    seen: dict[str, str] = {}
    agencies: dict[str, str] = {}
    for a, agency in enumerate(parsed.agencies):
        base = f"agencies[{a}]"
        if agency.name in agencies:
            raise ConfigError(
                source, f"agency {agency.name!r} is already listed at {agencies[agency.name]}", f"{base}.name"
            )
        agencies[agency.name] = base
        try:
            agency_tags = _tags(agency.tags)
        except ValueError as exc:
            raise ConfigError(source, str(exc), f"{base}.tags") from None
        attestations = _attestation_file(agency.attestations, source, f"{base}.attestations")
        for s, entry in enumerate(agency.sites):
            key = f"{base}.sites[{s}]"
            url, own = (entry, {}) if isinstance(entry, str) else (entry.url, entry.tags)
            own_settings = {} if isinstance(entry, str) else _layer(entry.settings)
            key_url = key if isinstance(entry, str) else f"{key}.url"
            try:
                normalised = check_url(url)
            except ValueError as exc:
                raise ConfigError(source, str(exc), key_url) from None
            try:
                site_tags = _tags(own)
            except ValueError as exc:
                raise ConfigError(source, str(exc), f"{key}.tags") from None
            if normalised in seen:
                raise ConfigError(source, f"site {normalised} is already listed at {seen[normalised]}", key_url)
            seen[normalised] = key_url
            merged = {**_layer(parsed.settings), **_layer(agency.settings), **own_settings}
            try:  # what only the whole settings model can say (a regular expression that does not compile)
                compose({"url": normalised}, merged)
            except ConfigError as exc:
                where = f"{key}.settings" if own_settings else f"{base}.settings"
                raise ConfigError(source, exc.message, f"{where}.{exc.key}") from None
            journeys = () if isinstance(entry, str) else _journey_paths(entry.journeys, source, f"{key}.journeys")
            sites.append(
                PortfolioSite(
                    normalised, agency.name, {**common, **agency_tags, **site_tags}, attestations, merged, journeys
                )
            )
        services.extend(_services(agency, source, base))
    pid = parsed.id or slug(Path(source).stem)
    return Portfolio(
        id=pid,
        title=parsed.title or Path(source).stem,
        source=source,
        sites=sites,
        services=services,
        fiscal_year_start=parsed.fiscal_year_start,
    )


def _services(agency: _AgencyEntry, source: str, base: str) -> list[PortfolioService]:
    out: list[PortfolioService] = []
    ids: dict[str, str] = {}
    for i, entry in enumerate(agency.services):
        key = f"{base}.services[{i}]"
        if entry.id in ids:
            raise ConfigError(source, f"service {entry.id!r} is already listed at {ids[entry.id]}", f"{key}.id")
        ids[entry.id] = key
        urls: list[str] = []
        for u, url in enumerate(entry.urls):
            try:
                urls.append(check_url(url))
            except ValueError as exc:
                raise ConfigError(source, str(exc), f"{key}.urls[{u}]") from None
        name = " ".join(entry.name.split())
        out.append(PortfolioService(agency.name, entry.id, name, tuple(urls), tuple(entry.journeys), entry.channel))
    return out


def parse_csv(text: str, source: str) -> Portfolio:
    """``agency,url`` plus any other columns, which become tags (``state,branch,population_tier,owner``)."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise ConfigError(source, "the file is empty; the first line names the columns (agency,url,...)")
    reader = csv.reader(text.splitlines())
    header: list[str] | None = None
    sites: list[PortfolioSite] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = [re.sub(r"[\s-]+", "_", c.strip().lower()) for c in row]
            for required in RESERVED_CSV_COLUMNS:
                if required not in header:
                    raise ConfigError(
                        source, f"missing column {required!r} (the first line names the columns)", "line 1"
                    )
            for name in header:
                if not _TAG_NAME.match(name):
                    raise ConfigError(
                        source, f"column {name!r}: use letters, digits and _ in column names", f"line {line}"
                    )
            if len(set(header)) != len(header):
                raise ConfigError(source, "a column is named twice", f"line {line}")
            continue
        if len(row) > len(header):
            raise ConfigError(source, f"{len(row)} cells but {len(header)} columns", f"line {line}")
        cells = dict(zip(header, (c.strip() for c in row), strict=False))
        agency = " ".join(cells.get("agency", "").split())
        if not agency:
            raise ConfigError(source, "the agency is empty", f"line {line}, column agency")
        try:
            url = check_url(cells.get("url", ""))
        except ValueError as exc:
            raise ConfigError(source, str(exc), f"line {line}, column url") from None
        if url in seen:
            raise ConfigError(source, f"site {url} is already listed on line {seen[url]}", f"line {line}, column url")
        seen[url] = line
        tags = {k: v for k, v in cells.items() if k not in (*RESERVED_CSV_COLUMNS, *OPTIONAL_CSV_COLUMNS) and v}
        problem = check_population_tags(tags)
        if problem:
            column = "population_tier" if "population_tier" in problem.split()[0] else "population"
            raise ConfigError(source, problem, f"line {line}, column {column}")
        attestations = _attestation_file(cells.get("attestations") or None, source, f"line {line}, column attestations")
        sites.append(PortfolioSite(url, agency, tags, attestations))
    if not sites:
        raise ConfigError(source, "no sites listed (one line per site after the column names)")
    stem = Path(source).stem
    return Portfolio(id=slug(stem), title=stem, source=source, sites=sites)


def _attestation_file(value: str | None, source: str, key: str) -> str | None:
    """An attestation file named in the portfolio, relative to the portfolio file; it must exist."""
    if not value:
        return None
    path = Path(value) if Path(value).is_absolute() else Path(source).parent / value
    if not path.is_file():
        raise ConfigError(source, f"attestation file not found: {path}", key)
    return str(path)


def _journey_paths(values: list[str], source: str, key: str) -> tuple[str, ...]:
    """A site's journey files or folders, relative to the portfolio file; each must exist (the files
    themselves are read and checked before the run begins, by the workflow)."""
    out: list[str] = []
    for i, value in enumerate(values):
        path = Path(value) if Path(value).is_absolute() else Path(source).parent / value
        if not path.exists():
            raise ConfigError(source, f"journey file or folder not found: {path}", f"{key}[{i}]")
        out.append(str(path))
    return tuple(out)


_UNION_BRANCHES = ("str", "_SiteEntry")  # pydantic names the branch of `sites: list[str | _SiteEntry]` it tried


def _layer(settings: BaseModel) -> dict[str, Any]:
    """The keys a ``settings:`` block sets (lists as tuples, as the settings model holds them)."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in layer(settings.model_dump()).items()}


def site_settings(site: PortfolioSite, command_line: dict[str, Any] | None = None) -> AuditSettings:
    """A site's audit settings: built-in defaults < the file's (portfolio < agency < site) < the
    command line's options that were given."""
    return compose(
        {"url": site.url},
        site.settings,
        command_line,
        sources=["the portfolio", "the portfolio's settings", "the command line"],
    )
