"""Workflows for experience data (issue 18): import a survey file, read the figures back.

``import_file`` reads one file completely before it writes anything, and writes it in one
transaction; the same file again (same agency, same bytes) changes nothing, and a response
already counted by an earlier, overlapping export is not counted again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from maturity.core.model import RunInfo, SiteFacts, SurveyFacts, SurveyFigure, SurveyService
from maturity.core.portfolio import Portfolio, PortfolioService, host_key
from maturity.core.rubric import LoadedRubric
from maturity.core.scoring import Scorecard
from maturity.core.xdata import Figure, ImportSummary, figures, fiscal_quarter, tally
from maturity.core.xdata_formats import Options, load_column_map, parse
from maturity.kernel.errors import ConfigError, UsageError
from maturity.run.scoring import rescore
from maturity.store import Store
from maturity.store.tables import Crawl
from maturity.store.xdata import Batch, StoredImport, XdataStore, response_digest


@dataclass(frozen=True)
class ImportResult:
    stored: StoredImport
    summary: ImportSummary | None  # None when the file had been imported before
    responses: int = 0  # respondents' rows counted now
    already_counted: int = 0  # rows whose response id an earlier import (or this file) had counted
    tallies: int = 0
    contexts: int = 0
    comments: int = 0


def read_text(path: Path) -> tuple[bytes, str]:
    """The file's bytes and its text; text that is not UTF-8 is refused with its line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read the file: {exc.strerror or exc}") from None
    try:
        return data, data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            str(path), "not UTF-8 text (a spreadsheet's ANSI CSV?): save it as CSV UTF-8", f"line {line}"
        ) from None


def _resolver(portfolio: Portfolio, agency: str) -> Callable[[str], str]:
    def resolve(name: str) -> str:
        found = portfolio.service(agency, name)
        if found is None:
            raise ValueError(f"the portfolio lists no such service for {agency} (give its id or name)")
        return found.id

    return resolve


def import_file(
    store: Store,
    path: Path,
    *,
    agency: str,
    service: str | None = None,
    fmt: str | None = None,
    quarter: tuple[int, int] | None = None,
    comments: bool = False,
    portfolio: Portfolio | None = None,
    column_map: Path | None = None,
) -> ImportResult:
    agency = " ".join(agency.split())
    if not agency:
        raise ConfigError("--agency", "the agency is empty")
    resolve = None
    fiscal_year_start = 10
    if portfolio is not None:
        if agency not in portfolio.agencies:
            raise ConfigError(portfolio.source, f"agency {agency!r} is not in the portfolio", "--agency")
        fiscal_year_start = portfolio.fiscal_year_start
        resolve = _resolver(portfolio, agency)
        if service is not None:
            try:
                service = resolve(service)
            except ValueError as exc:
                raise ConfigError(portfolio.source, f"service {service!r}: {exc}", "--service") from None
    cmap = None
    if column_map is not None:
        map_bytes, _ = read_text(column_map)
        cmap = load_column_map(map_bytes, str(column_map))
    data, text = read_text(path)
    sha = hashlib.sha256(data).hexdigest()
    xstore = XdataStore(store.engine)
    before = xstore.find_import(agency, sha)
    if before is not None:
        return ImportResult(stored=before, summary=None)
    parsed = parse(
        text,
        fmt,
        Options(
            source=str(path),
            service=service,
            quarter=quarter,
            fiscal_year_start=fiscal_year_start,
            comments=comments,
            resolve_service=resolve,
            column_map=cmap,
            details=xstore.details(agency),
        ),
    )
    keyed = {response_digest(agency, r.service, r.key): r for r in parsed.responses if r.key}
    seen = xstore.seen(sorted(keyed))
    fresh, digests, counted = [], [], 0
    taken: set[str] = set()
    for r in parsed.responses:
        if r.key:
            digest = response_digest(agency, r.service, r.key)
            if digest in seen or digest in taken:
                counted += 1
                continue
            taken.add(digest)
            digests.append(digest)
        fresh.append(r)
    from_responses = tally(fresh)
    stored = xstore.write(
        Batch(
            agency=agency,
            service=service,
            format=parsed.summary.format,
            sha256=sha,
            summary=parsed.summary,
            tallies_from_responses=from_responses,
            tallies_from_table=parsed.tallies,
            contexts=parsed.contexts,
            seen=digests,
            comments=[(c.service, c.fiscal_year, c.quarter, c.text) for c in parsed.comments],
        )
    )
    return ImportResult(
        stored=stored,
        summary=parsed.summary,
        responses=len(fresh),
        already_counted=counted,
        tallies=len(from_responses) + len(parsed.tallies),
        contexts=len(parsed.contexts),
        comments=len(parsed.comments),
    )


def site_services(services: Sequence[PortfolioService], agency: str, site_url: str) -> list[SurveyService]:
    """The agency's services from its portfolio file, each marked ``here`` when one of its URLs is
    on ``site_url``'s host (the site delivers it)."""
    return [
        SurveyService(
            id=s.id,
            name=s.name,
            journeys=list(s.journeys),
            here=any(host_key(u) == host_key(site_url) for u in s.urls),
        )
        for s in services
        if s.agency == agency
    ]


def survey_facts(
    store: Store,
    agency: str,
    attached_at: str,
    *,
    as_of: str | None = None,
    fiscal_year_start: int = 10,
    services: Sequence[SurveyService] = (),
) -> SurveyFacts | None:
    """The agency's figures as the site facts carry them (suppressed quarters without a share), or
    None when the agency has no survey results at all.

    ``as_of`` (the run date) leaves out every quarter that began after it: a run is scored with the
    figures as they could have been on its day, whatever is imported later. ``services`` are the
    agency's services (:func:`site_services`): when the site delivers some of them it carries only
    their figures (``scope: site``); otherwise every service's (``scope: agency``)."""
    figs = agency_figures(store, agency).get(agency, [])
    if not figs:
        return None
    if as_of:
        newest = fiscal_quarter(date.fromisoformat(as_of[:10]), fiscal_year_start)
        figs = [f for f in figs if (f.fiscal_year, f.quarter) <= newest]
    listed = list(services)
    here = {key for s in listed if s.here for key in (s.id, s.name)}
    if here:
        figs = [f for f in figs if f.service in here]
    return SurveyFacts(
        agency=agency,
        attached_at=attached_at,
        as_of=as_of[:10] if as_of else None,
        fiscal_year_start=fiscal_year_start,
        services=listed,
        scope="site" if here else "agency",
        figures=[
            SurveyFigure(
                service=f.service,
                fiscal_year=f.fiscal_year,
                quarter=f.quarter,
                measure=f.measure,
                kind=f.kind,
                n=f.n,
                share=f.share,
                low=f.low,
                high=f.high,
                trust_question=f.trust_question,
            )
            for f in figs
        ],
    )


def run_date(site: SiteFacts, crawl: Crawl) -> str:
    """The day a run saw its site (discovery's time; the crawl's start for runs without it)."""
    return site.crawled_at or crawl.started_at.isoformat()


def survey_for_run(
    store: Store,
    site: SiteFacts,
    agency: str | None,
    *,
    services: Sequence[PortfolioService] = (),
    fiscal_year_start: int = 10,
) -> SurveyFacts | None:
    """What a new run carries: the survey figures of ``agency`` (for a plain ``maturity audit``
    given none, the agency of the site's newest portfolio run), quarters up to the run date, or
    None when there is no agency or it has no survey results (the dimension is then not assessed)."""
    name = agency or store.agency_of(site.start_url)
    if not name:
        return None
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return survey_facts(
        store,
        name,
        now,
        as_of=site.crawled_at or now,
        fiscal_year_start=fiscal_year_start,
        services=site_services(services, name, site.start_url),
    )


def score_with_survey(
    store: Store, crawl_id: int, rubric: LoadedRubric, out_dir: Path, *, agency: str | None = None
) -> tuple[RunInfo, Scorecard, dict[str, Path], SurveyFacts]:
    """Attach the agency's survey figures to a stored crawl (replacing any attached before), then
    score it under ``rubric`` (a new scoring; the old ones stay). The crawl's agency is the one
    its portfolio run stored, unless ``agency`` is given. Quarters are counted from the run's date,
    and the services the portfolio listed when the run was audited are kept."""
    crawl = store.crawl(crawl_id)
    name = agency or crawl.agency
    if not name:
        raise UsageError(f"run {crawl_id} belongs to no agency (a plain `maturity audit`): give --agency")
    site = store.load_site(crawl_id)
    before = site.survey if site.survey is not None and site.survey.agency == name else None
    facts = survey_facts(
        store,
        name,
        datetime.now(UTC).isoformat(timespec="seconds"),
        as_of=run_date(site, crawl),
        fiscal_year_start=before.fiscal_year_start if before else 10,
        services=before.services if before else (),
    )
    if facts is None:
        facts = SurveyFacts(agency=name, attached_at=datetime.now(UTC).isoformat(timespec="seconds"))
    store.set_site(crawl_id, site.model_copy(update={"survey": facts}), crawl.pages_found)
    info, card, paths = rescore(store, crawl_id, rubric, out_dir)
    return info, card, paths, facts


def comments(store: Store, agency: str, *, forget: bool = False) -> list[tuple[str, int, int, str]]:
    """The agency's comments kept with --comments (redacted); ``forget`` deletes them instead."""
    xstore = XdataStore(store.engine)
    if forget:
        xstore.forget_comments(agency)
        return []
    return xstore.comments(agency)


def agency_figures(store: Store, agency: str | None = None) -> dict[str, list[Figure]]:
    """Each agency's figures per service and quarter (all agencies, or one)."""
    return {name: figures(t, c) for name, (t, c) in XdataStore(store.engine).load(agency).items()}
