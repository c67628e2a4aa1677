"""``maturity inventory dotgov|population``: a state's portfolio from the .gov registry and the Census."""

from __future__ import annotations

import click

from maturity.cli.options import open_store, store_options
from maturity.cli.output import echo

_SHOWN = 20  # names listed per change; the rest are counted


@click.group()
def inventory() -> None:
    """Build and update a portfolio file from public registers (.gov registry, Census estimates)."""


def _year_option(fn: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--year", type=click.IntRange(2000, 2100), default=None, help="The POPESTIMATE year [default: the newest]."
    )(fn)


@inventory.command("dotgov")
@click.argument("registry", type=click.Path(dir_okay=False, exists=True))
@click.option("--state", required=True, help="Two-letter state code: the registry's State column (GA).")
@click.option(
    "--type",
    "types",
    default=None,
    help="Domain types, comma-separated (city, county, state, special-district, school-district, tribal, "
    "interstate, federal-executive, ...) [default: city,county,state,special-district,school-district].",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False),
    default=None,
    help="The portfolio file to write or update [default: dotgov-STATE.yaml].",
)
@click.option(
    "--census", type=click.Path(dir_okay=False, exists=True), default=None, help="Also join this Census file."
)
@_year_option
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
def inventory_dotgov(
    registry: str, state: str, types: str | None, out: str | None, census: str | None, year: int | None, dry_run: bool
) -> None:
    """Write (or update) a portfolio of STATE's domains in the .gov registry's CSV file REGISTRY.

    One agency per organisation, its domains as sites (https://DOMAIN/), with tags for the domain
    type, city, suborganisation and security contact. Run it again on a newer snapshot: domains
    added and removed are reported; tags, settings and sites you added by hand are kept."""
    from maturity.core.inventory import parse_types
    from maturity.run.inventory import dotgov

    result = dotgov(
        registry,
        out or f"dotgov-{state.strip().lower()}.yaml",
        state=state,
        types=parse_types(types),
        census=census,
        year=year,
        dry_run=dry_run,
    )
    r = result.report
    verb = "would write" if dry_run else "wrote"
    echo(f"{verb} {result.path}: {r.total_agencies} agencies, {r.total_sites} sites")
    _listed(f"{len(r.added)} domains added", [f"{d} ({a})" for a, d in r.added])
    _listed(
        f"{len(r.removed)} domains removed (no longer in this selection of the registry)",
        [f"{d} ({a})" for a, d in r.removed],
    )
    _listed(f"{len(r.agencies_added)} agencies added", r.agencies_added, quiet=True)
    _listed(f"{len(r.agencies_removed)} agencies removed (no site left)", r.agencies_removed)
    _listed(
        f"{len(r.moved)} domains the registry now gives to another organisation (left where you put them)",
        [f"{d}: {a} -> {b}" for d, a, b in r.moved],
    )
    if r.kept_sites:
        echo(f"kept {r.kept_sites} sites you added by hand")
    if result.population is not None:
        _population(result.population)


@inventory.command("population")
@click.argument("portfolio", type=click.Path(dir_okay=False, exists=True))
@click.option("--census", required=True, type=click.Path(dir_okay=False, exists=True), help="A Census estimates CSV.")
@click.option("--state", default=None, help="Two-letter state code [default: the portfolio's state tag].")
@_year_option
def inventory_population(portfolio: str, census: str, state: str | None, year: int | None) -> None:
    """Set each agency's population in PORTFOLIO from a Census Bureau population-estimates file
    (sub-est<year>.csv), matching by state and name; list every agency it could not match."""
    from maturity.run.inventory import census_join

    _population(census_join(portfolio, census, state=state, year=year))


@inventory.command("candidates")
@click.argument("portfolio", type=click.Path(dir_okay=False, exists=True))
@click.option("--registry", required=True, type=click.Path(dir_okay=False, exists=True), help="The .gov registry CSV.")
@click.option("--state", default=None, help="Two-letter state code [default: the portfolio's state tag].")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
@click.option("--add", is_flag=True, help="Add them to PORTFOLIO, each as a site of the agency owning its domain.")
@store_options
def inventory_candidates(portfolio: str, registry: str, state: str | None, as_json: bool, add: bool, db: str) -> None:
    """Hostnames under the state's registry domains (dnr.ga.gov under ga.gov) that the portfolio's
    stored crawls link to and PORTFOLIO does not list yet, with where they were seen."""
    import json

    from maturity.run.inventory import add_candidates, candidates

    result = candidates(portfolio, registry, open_store(db), state=state)
    if add:
        added, orphans = add_candidates(portfolio, result.candidates)
        echo(f"added {len(added)} sites to {portfolio}" + (f": {', '.join(added)}" if added else ""))
        if orphans:
            echo(f"not added (no agency of the file owns their domain): {', '.join(orphans)}")
        return
    if as_json:
        rows = [
            {"host": c.host, "domain": c.domain, "organization": c.organization, "links": c.links, "seen_on": c.seen_on}
            for c in result.candidates
        ]
        echo(json.dumps({"portfolio": result.portfolio, "runs_read": result.runs_read, "candidates": rows}, indent=2))
        return
    echo(f"{len(result.candidates)} hostnames not in {portfolio}, from the newest run of {result.runs_read} sites")
    for c in result.candidates:
        echo(f"  {c.host} (under {c.domain}, {c.organization}): {c.links} links, seen on {', '.join(c.seen_on)}")


def _population(report: object) -> None:
    from maturity.run.inventory import PopulationReport

    assert isinstance(report, PopulationReport)
    echo(f"population from {report.source}: {len(report.matched)} agencies matched")
    if report.kept:
        echo(f"kept the figure set by hand for {len(report.kept)} agencies")
    _listed(
        f"{len(report.unmatched)} agencies not matched (their date stays unknown: set population or population_tier)",
        [f"{a}: {why}" for a, why in report.unmatched],
        limit=None,
    )


def _listed(title: str, items: list[str], *, quiet: bool = False, limit: int | None = _SHOWN) -> None:
    if not items:
        return
    echo(title)
    if quiet:
        return
    shown = items if limit is None else items[:limit]
    for item in shown:
        echo(f"  {item}")
    if len(items) > len(shown):
        echo(f"  ... and {len(items) - len(shown)} more")


COMMANDS = [inventory]
