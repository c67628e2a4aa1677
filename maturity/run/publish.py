"""Publishing: the static scorecard site and the exports, from stored runs only.

Rubrics come from the store (every scoring keeps its rubric's exact text), never from files on
disk, so a site built on another machine, or after a rubric file changed, shows what was scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from maturity import __version__
from maturity.core.checks.documents.documents_passing import tally
from maturity.core.documents import DocumentSet, DocumentTally
from maturity.core.history import RunSnapshot, agencies, site_histories
from maturity.core.journey import JourneyResult
from maturity.core.model import SurveyService
from maturity.core.rubric import LoadedRubric
from maturity.core.scoring import RubricRef
from maturity.kernel.errors import UsageError
from maturity.run.xdata import agency_figures
from maturity.store import JourneyStore, Store
from maturity.store.readback import FIRST_SCORING, load_snapshots
from reports.csv_export import render_csv, render_json
from reports.site import build_site


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def stored_rubrics(store: Store, by_site: Mapping[str, list[RunSnapshot]]) -> dict[str, LoadedRubric]:
    """The rubric behind every scorecard shown, by sha256, as the store kept it."""
    wanted = {r.scorecard.rubric.sha256 for runs in by_site.values() for r in runs if r.scorecard is not None}
    found: dict[str, LoadedRubric] = {}
    for sha in sorted(wanted):
        loaded = store.rubric_by_sha(sha)
        if loaded is not None:
            found[sha] = loaded
    return found


def run_documents(store: Store, by_site: Mapping[str, list[RunSnapshot]]) -> dict[int, DocumentSet]:
    """The documents of each finished run that collected them, by crawl id."""
    out: dict[int, DocumentSet] = {}
    for runs in by_site.values():
        for r in runs:
            if not r.finished:
                continue
            documents = store.load_site(r.crawl_id).documents
            if documents is not None:
                out[r.crawl_id] = documents
    return out


def document_tallies(store: Store, by_site: Mapping[str, list[RunSnapshot]]) -> dict[int, DocumentTally]:
    """Each finished run's documents in figures (collected, assessed, passing), for the runs that
    collected documents; judged by the document checks with their default parameters."""
    return {crawl_id: tally(docs) for crawl_id, docs in run_documents(store, by_site).items()}


def run_journeys(store: Store, by_site: Mapping[str, list[RunSnapshot]]) -> dict[int, list[JourneyResult]]:
    """The journeys run after each finished run (issue 15), by crawl id, for the runs that had any."""
    journeys = JourneyStore(store.engine)
    out: dict[int, list[JourneyResult]] = {}
    for runs in by_site.values():
        for r in runs:
            found = journeys.of_crawl(r.crawl_id) if r.finished else []
            if found:
                out[r.crawl_id] = found
    return out


def run_services(store: Store, by_site: Mapping[str, list[RunSnapshot]]) -> dict[int, list[SurveyService]]:
    """The agency's services as each finished run recorded them from its portfolio (with whether
    the run's site delivers each), for the runs that carry survey figures."""
    out: dict[int, list[SurveyService]] = {}
    for runs in by_site.values():
        for r in runs:
            survey = store.load_site(r.crawl_id).survey if r.finished else None
            if survey is not None and survey.services:
                out[r.crawl_id] = list(survey.services)
    return out


@dataclass(frozen=True)
class Pin:
    """The rubric published figures come from: ``sha`` (a rubric's sha256, or
    :data:`~maturity.store.readback.FIRST_SCORING`) and a label saying which, in words."""

    sha: str
    label: str


def pin_for(rubric: LoadedRubric | None) -> Pin:
    """The pin for ``--rubric FILE`` (its exact bytes), or by default the rubric each run was first
    scored with (the audit's, or the portfolio's): a later ``rescore`` under another rubric never
    replaces a published figure."""
    if rubric is None:
        return Pin(FIRST_SCORING, "")
    r = rubric.rubric
    return Pin(rubric.sha256, f"{r.id} {r.version} (sha256 {rubric.sha256[:12]})")


def pinned_ref(rubric: LoadedRubric | None) -> RubricRef | None:
    """The pinned rubric as the renderers name it (None: each run's first scoring)."""
    if rubric is None:
        return None
    r = rubric.rubric
    return RubricRef(id=r.id, version=r.version, title=r.title, sha256=rubric.sha256, source=rubric.source)


def published_rubrics(by_site: Mapping[str, list[RunSnapshot]], pin: Pin) -> str:
    """Which rubric the published figures come from, in words (for the command's output)."""
    if pin.sha != FIRST_SCORING:
        return f"rubric {pin.label} (--rubric)"
    shown = sorted(
        {
            f"{r.scorecard.rubric.id} {r.scorecard.rubric.version} (sha256 {r.scorecard.rubric.sha256[:12]})"
            for runs in by_site.values()
            for r in runs
            if r.scorecard is not None
        }
    )
    what = ", ".join(shown) if shown else "none"
    return f"rubric {what} (each run's first scoring; give --rubric FILE to publish another)"


@dataclass(frozen=True)
class BuiltSite:
    root: Path
    files: int
    agencies: int
    sites: int
    published: str = ""  # which rubric the figures come from, in words


def build(
    store: Store,
    out_dir: Path,
    *,
    method: str,
    title: str,
    portfolio: str | None = None,
    generated_at: str | None = None,
    rubric: LoadedRubric | None = None,
) -> BuiltSite:
    """Write the scorecard site under ``out_dir`` (plain files), each run's figures under the pinned
    rubric (:func:`pin_for`)."""
    pin = pin_for(rubric)
    by_site = load_snapshots(store, portfolio, pin=pin.sha, pin_label=pin.label)
    if not by_site:
        raise UsageError("no runs stored" + (f" for portfolio {portfolio!r}" if portfolio else ""))
    published = published_rubrics(by_site, pin)
    tracker = _title2_page(store, portfolio)
    documents = run_documents(store, by_site)
    by_site = journey_screenshots(store, by_site, out_dir.resolve() / "run")
    files = build_site(
        by_site,
        method=method,
        title=title,
        rubrics=stored_rubrics(store, by_site),
        generated_at=generated_at or now_iso(),
        tool_version=__version__,
        pinned=pinned_ref(rubric),
        published=published.removesuffix(
            " (each run's first scoring; give --rubric FILE to publish another)"
        ).removesuffix(" (--rubric)"),
        extra_nav=[("title2.html", "ADA Title II status")] if tracker is not None else [],
        survey=agency_figures(store),
        documents={crawl_id: tally(docs) for crawl_id, docs in documents.items()},
        run_documents=documents,
        journeys=run_journeys(store, by_site),
        services=run_services(store, by_site),
    )
    if tracker is not None:
        files["title2.html"] = tracker
    root = out_dir.resolve()
    targets = {}
    for rel in files:  # names come from stored data (agency names, run ids): every one must stay inside
        path = (root / rel).resolve()
        if Path(rel).is_absolute() or not path.is_relative_to(root) or path == root:
            raise UsageError(f"site build: refused to write {rel!r} outside {out_dir}")
        targets[rel] = path
    for rel, content in files.items():
        targets[rel].parent.mkdir(parents=True, exist_ok=True)
        targets[rel].write_text(content, encoding="utf-8")
    agency_pages = sum(1 for rel in files if rel.startswith("agency/"))
    return BuiltSite(out_dir, len(files), agency_pages, len(by_site), published)


def journey_screenshots(
    store: Store, by_site: Mapping[str, list[RunSnapshot]], runs_dir: Path
) -> dict[str, list[RunSnapshot]]:
    """Each run's journey screenshots copied to ``runs_dir/<crawl id>/journeys/`` (beside its run
    page); a screenshot whose file is gone is dropped from the run's journeys, so no page shows a
    broken image."""
    from maturity.run.scoring import JOURNEY_SHOTS, place_screenshots, stored_journeys

    out: dict[str, list[RunSnapshot]] = {}
    for url, runs in by_site.items():
        out[url] = [
            replace(
                r,
                journeys=place_screenshots(
                    stored_journeys(store, r.crawl_id), runs_dir / str(r.crawl_id) / JOURNEY_SHOTS
                ),
            )
            if r.journeys
            else r
            for r in runs
        ]
    return out


def _title2_page(store: Store, portfolio: str | None) -> str | None:
    """The ADA Title II tracker as a page of the site, when any run was scored under its rubric
    (``maturity title2 status`` with today's date); None otherwise."""
    from maturity.run.title2 import status
    from reports.title2 import render_html

    result = status(store, today=date.today(), portfolio=portfolio)
    if not any(row.trend for row in result.rows):
        return None
    return render_html(result.rows, today=result.today)


def export(
    store: Store, fmt: str, *, method: str, portfolio: str | None = None, rubric: LoadedRubric | None = None
) -> tuple[str, str]:
    """Every run of every site: ``csv`` (one row per site per run) or ``json`` (agencies, rollups, runs),
    under the pinned rubric (:func:`pin_for`). Returns (the text, which rubric it publishes in words)."""
    pin = pin_for(rubric)
    by_site = load_snapshots(store, portfolio, perf_latest=0, pin=pin.sha, pin_label=pin.label)
    published = published_rubrics(by_site, pin)
    pinned = pinned_ref(rubric)
    if fmt == "csv":
        text = render_csv(
            site_histories(by_site),
            pinned=pinned,
            documents=document_tallies(store, by_site),
            survey=agency_figures(store),
        )
        return text, published
    views = agencies(by_site, method)
    doc = render_json(
        views,
        method=method,
        generated_at=now_iso(),
        pinned=pinned,
        survey=agency_figures(store),
        documents=document_tallies(store, by_site),
    )
    return doc, published
