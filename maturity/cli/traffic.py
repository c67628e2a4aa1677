"""``maturity traffic import|show``: views per page from a web analytics page report."""

from __future__ import annotations

from pathlib import Path

import click

from maturity.cli.options import open_store, store_options
from maturity.cli.output import echo


@click.group()
def traffic() -> None:
    """Traffic: import a page report (DAP, GA4, ...) and show the most used pages."""


@traffic.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--agency", required=True, help="The agency the site belongs to.")
@click.option("--site", default=None, help="The site's start URL: rows naming another host are left out.")
@click.option("--period", default=None, help="The period the report covers [default: from its # lines].")
@store_options
def traffic_import(file: str, agency: str, site: str | None, period: str | None, db: str) -> None:
    """Import a page report: a page (path or URL) column and a views or sessions column."""
    from maturity.run.traffic import import_traffic

    stored, report = import_traffic(open_store(db, create=True), Path(file), agency=agency, site=site, period=period)
    if report is None:
        echo(f"{file}: already imported (traffic import {stored.id}); nothing changed")
        return
    echo(
        f"{file}: imported as traffic import {stored.id} for {stored.agency}: {len(report.views)} pages, "
        f"{sum(report.views.values()):,} {report.metric}" + (f", {report.period}" if report.period else "")
    )
    if report.other_hosts:
        echo(f"  rows about another host, left out: {report.other_hosts}")
    echo(f"  kept: {', '.join(report.kept)}; query strings and fragments are cut")
    echo(f"  dropped: {', '.join(report.dropped) or 'nothing'}")


@traffic.command("show")
@click.option("--agency", required=True)
@click.option("--site", default=None)
@click.option("--top", default=20, show_default=True, type=click.IntRange(1))
@store_options
def traffic_show(agency: str, site: str | None, top: int, db: str) -> None:
    """The most used pages of the agency's sites (newest report of each)."""
    from maturity.run.traffic import newest_traffic

    found = newest_traffic(open_store(db), agency, site)
    if not found:
        echo(f"no traffic stored for {agency}")
        return
    for t in found:
        total = sum(t.views.values())
        echo(f"{t.site or 'all sites'}: {total:,} {t.metric}" + (f", {t.period}" if t.period else ""))
        for path, views in sorted(t.views.items(), key=lambda kv: (-kv[1], kv[0]))[:top]:
            echo(f"  {views:>10,}  {views / total if total else 0:6.1%}  {path}")


COMMANDS = [traffic]
