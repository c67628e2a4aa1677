"""Population figures for public entities, from a Census Bureau population-estimates file.

The ADA Title II web rule sets its compliance date by an entity's total population (see
:mod:`maturity.core.title2`). The Census Bureau's sub-county estimates files (``sub-est2024.csv``
and the like) carry ``SUMLEV, STATE, COUNTY, PLACE, COUSUB, CONCIT, PRIMGEO_FLAG, FUNCSTAT, NAME,
STNAME, ESTIMATESBASE2020, POPESTIMATE2020 ... POPESTIMATE<year>``; SUMLEV 040 is a state, 050 a
county, 061 a minor civil division (a New England town, a township), 162 an incorporated place,
170/172 a consolidated city. NAME carries the designator ("Twentynine Palms city", "Lenawee County"),
while the .gov registry names the organisation ("City of Twentynine Palms", "Gwinnett County Board
of Commissioners"). Both sides are reduced to a jurisdiction's bare name and kind before joining.

An organisation that matches nothing, or more than one entity with different figures, is never
given a guessed figure: it is reported with the reason.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from maturity.kernel.errors import ConfigError

STATE = "040"
COUNTY = "050"
TOWNSHIP = "061"  # minor civil division
PLACE = "162"
CONSOLIDATED = ("170", "172")
_KINDS = {STATE: "state", COUNTY: "county", TOWNSHIP: "place", PLACE: "place", "170": "place", "172": "place"}

# The designators Census NAMEs end with, longest first ("city and borough" before "city").
_CENSUS_SUFFIX = re.compile(
    r"\s+(?:\(balance\)|unified government|consolidated government|metropolitan government|metro government|"
    r"city and borough|city and county|county|parish|borough|municipality|city|town|village|township|"
    r"plantation|charter township|cdp|government)$"
)
_ORG_PREFIX = re.compile(
    r"^(?:the\s+)?(?:(?:consolidated|unified)\s+government\s+of\s+|(?:city and county|city|town|village|"
    r"borough|township|county|parish|municipality)\s+of\s+)"
)
_ORG_COUNTY = re.compile(r"^(?P<name>.+?)\s+(?:county|parish)\b")
_ORG_PLACE = re.compile(r"^(?P<name>.+?)\s+(?P<designator>city|town|village|borough|township)\b")
_ORG_TAIL = re.compile(
    r"\s+(?:consolidated government|unified government|government|board of commissioners|commission|council)$"
)


def bare_name(text: str) -> str:
    """Lower case, accents and punctuation folded, "Saint" as "st", spaces collapsed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ").replace("'", "").replace("\u2019", "")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = re.sub(r"\bsaint\b", "st", text)
    return " ".join(text.split())


def census_key(name: str) -> str:
    """ "Twentynine Palms city" -> "twentynine palms"; "Athens-Clarke County unified government
    (balance)" -> "athens clarke"."""
    text = name.casefold().strip()
    for _ in range(3):  # "... County unified government (balance)": three designators deep
        stripped = _CENSUS_SUFFIX.sub("", text)
        if stripped == text:
            break
        text = stripped
    return bare_name(text)


def organisation_keys(name: str, state_name: str = "") -> list[tuple[str, str, str]]:
    """The (kind, bare name, designator) an organisation may be, most likely first: "City of
    Twentynine Palms" -> [("place", "twentynine palms", "city")]; "Gilmer County Sheriff's Office" ->
    [("county", "gilmer", "county")]; "Columbus Consolidated Government" -> [("place", "columbus", ""),
    ("county", "columbus", "")]. The designator ("city", "town", "township", ...) picks between
    entities of one name ("Washington township" and "Washington borough")."""
    text = " ".join(name.split()).casefold()
    if state_name:  # "Town of Acton, Massachusetts"
        text = re.sub(rf",\s*{re.escape(state_name.casefold())}$", "", text)
    text = re.sub(r",.*$", "", text)
    out: list[tuple[str, str, str]] = []
    prefix = _ORG_PREFIX.match(text)
    if prefix:
        words = prefix.group().split()
        designator = words[-2] if len(words) >= 2 and words[-1] == "of" else ""
        kind = "county" if designator in ("county", "parish") else "place"
        rest = text[prefix.end() :]
        out.append((kind, bare_name(rest), "" if designator == "government" else designator))
        if designator == "government" and rest.endswith(" county"):  # "Unified Government of Athens-Clarke County"
            out.extend(
                [("place", bare_name(rest[: -len(" county")]), ""), ("county", bare_name(rest[: -len(" county")]), "")]
            )
    county = _ORG_COUNTY.match(text)
    if county:
        out.append(("county", bare_name(county.group("name")), "county"))
    place = _ORG_PLACE.match(text)
    if place:
        out.append(("place", bare_name(place.group("name")), place.group("designator")))
    if not out:
        bare = bare_name(_ORG_TAIL.sub("", text))
        out.extend([("place", bare, ""), ("county", bare, "")])
    return list(dict.fromkeys(k for k in out if k[1]))


def _designator(census_name: str) -> str:
    text = re.sub(r"\s*\(balance\)$", "", census_name.casefold().strip())
    return text.rsplit(" ", 1)[-1] if " " in text else ""


@dataclass(frozen=True)
class CensusEntity:
    sumlev: str
    name: str  # as published
    state: str  # the state's name (STNAME)
    population: int

    @property
    def kind(self) -> str:
        return _KINDS[self.sumlev]


@dataclass(frozen=True)
class CensusTable:
    source: str
    year: int
    entities: tuple[CensusEntity, ...]

    def state_total(self, state_name: str) -> CensusEntity | None:
        return next(
            (e for e in self.entities if e.sumlev == STATE and e.state.casefold() == state_name.casefold()), None
        )


def parse_census(text: str, source: str, year: int | None = None) -> CensusTable:
    """The states, counties, towns and places of a population-estimates CSV, with the figure of
    ``year`` (default: the newest ``POPESTIMATE<year>`` column)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = [c.strip() for c in reader.fieldnames or []]
    for needed in ("SUMLEV", "NAME", "STNAME"):
        if needed not in columns:
            raise ConfigError(source, f"not a Census population-estimates file: no column {needed}", "line 1")
    years = sorted(int(m.group(1)) for c in columns if (m := re.fullmatch(r"POPESTIMATE(\d{4})", c)))
    if not years:
        raise ConfigError(source, "no POPESTIMATE<year> column", "line 1")
    if year is None:
        year = years[-1]
    elif year not in years:
        raise ConfigError(source, f"no POPESTIMATE{year} column (the file has {', '.join(map(str, years))})")
    column = f"POPESTIMATE{year}"
    entities: list[CensusEntity] = []
    for row in reader:
        cells = {(k or "").strip(): (v or "").strip() for k, v in row.items() if isinstance(v, str)}
        sumlev = cells.get("SUMLEV", "").zfill(3)
        if sumlev not in _KINDS or cells.get("FUNCSTAT", "A") == "F":  # F: a fictitious entity
            continue
        value = cells.get(column, "").replace(",", "")
        if not value.isdigit():
            raise ConfigError(source, f"{column} is not a whole number: {value!r}", f"line {reader.line_num}")
        entities.append(CensusEntity(sumlev, cells["NAME"], cells["STNAME"], int(value)))
    return CensusTable(source=source, year=year, entities=tuple(entities))


@dataclass(frozen=True)
class Match:
    organisation: str
    entity: CensusEntity | None
    reason: str = ""  # why there is no entity


# Two-letter codes to the names Census uses in STNAME (50 states, DC and Puerto Rico).
STATE_NAMES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts",
    "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico",
    "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "PR": "Puerto Rico",
}  # fmt: skip


def match(table: CensusTable, organisation: str, state: str, kind_hint: str) -> Match:
    """The Census entity an organisation of ``state`` (two letters) is, by its registry type
    (``kind_hint``: city, county, state, ...) and its name.

    A state's own agencies take the state's total. Of several entities with the organisation's name
    (a city and a township, say), the one of the expected kind wins; entities that still disagree on
    the figure leave it unmatched ("ambiguous"), never averaged or picked."""
    state_name = STATE_NAMES.get(state.upper(), state)
    if kind_hint == "state":
        total = table.state_total(state_name)
        return Match(organisation, total, "" if total else f"no state total for {state_name} in the file")
    if kind_hint not in ("city", "county"):
        return Match(organisation, None, f"a {kind_hint} is not in Census place or county estimates")
    in_state = [e for e in table.entities if e.state.casefold() == state_name.casefold() and e.sumlev != STATE]
    tried: list[str] = []
    keys = organisation_keys(organisation, state_name)
    preferred = "county" if kind_hint == "county" else "place"
    keys.sort(key=lambda k: k[0] != preferred)  # the registry's type first, the name's own order after
    for kind, bare, designator in keys:
        tried.append(f"{kind} {bare!r}")
        found = [e for e in in_state if e.kind == kind and census_key(e.name) == bare]
        if not found:
            continue
        if len({e.population for e in found}) > 1 and designator:
            found = [e for e in found if _designator(e.name) == designator] or found
        figures = {e.population for e in found}
        if len(figures) == 1:
            return Match(organisation, _prefer(found))
        listed = "; ".join(f"{e.name} ({e.population:,})" for e in found[:4])
        return Match(organisation, None, f"ambiguous: {listed}")
    return Match(organisation, None, f"no Census entity in {state_name} named {' or '.join(tried) or 'like it'}")


def _prefer(found: Iterable[CensusEntity]) -> CensusEntity:
    order = {PLACE: 0, "170": 1, "172": 2, COUNTY: 3, TOWNSHIP: 4}
    return min(found, key=lambda e: order.get(e.sumlev, 9))
