"""Scoring stored crawls: one :func:`score_run` for the audit, ``rescore`` and ``rescore-all``, and
rendering a scoring's reports. No browser and no network: this module imports neither."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from maturity import __version__
from maturity.core import checks
from maturity.core.attest import check_against_rubric
from maturity.core.documents import DocumentSet
from maturity.core.journey import JourneyResult
from maturity.core.model import AttestationSet, RunInfo, SiteFacts
from maturity.core.rubric import LoadedRubric
from maturity.core.scoring import Scorecard, score
from maturity.run.spill import FileSpill
from maturity.store import JourneyStore, Store
from maturity.store.readback import run_info
from maturity.store.store import StoredPages
from reports.html import write_html
from reports.json_report import write_json


def site_facts(store: Store, crawl_id: int) -> SiteFacts:
    """The crawl's site facts with the task journeys stored with it (the Tasks dimension reads them)."""
    site = store.load_site(crawl_id)
    journeys = JourneyStore(store.engine).of_crawl(crawl_id)
    return site.model_copy(update={"journeys": journeys}) if journeys else site


def score_run(store: Store, crawl_id: int, rubric: LoadedRubric) -> tuple[int, Scorecard]:
    """Score a stored crawl and store the scoring beside earlier ones, with the rubric's exact text,
    the tool version and the check catalogue's digest (a scoring is self-contained). The journeys
    stored with the crawl are part of its evidence. The pages are streamed from the store one at a
    time, each page's failure goes whole to a spill file and leanly into the scorecard, and the
    findings are stored apart from the scorecard, a chunk at a time (the returned scorecard reads
    them from the store): memory does not grow with the size of the run."""
    with FileSpill() as spill:
        card = score(rubric, StoredPages(store, crawl_id), site_facts(store, crawl_id), spill)
        card = card.model_copy(update={"finding_blobs": store.put_findings(card.iter_findings())})
    store.attach_findings(card)
    scoring_id = store.add_scoring(
        crawl_id, card, rubric=rubric, tool_version=__version__, checks_digest=checks.catalogue_digest()
    )
    return scoring_id, card


def run_folder(out_dir: Path, crawl_id: int) -> Path:
    """``OUT/run-N/``: where a run's first scoring's reports go, and its journeys' screenshots
    (``OUT/run-N/journeys/``)."""
    return out_dir / f"run-{crawl_id}"


def report_dir(info: RunInfo, card: Scorecard, out_dir: Path, *, first_scoring: bool) -> Path:
    """Where one scoring's reports go, so no scoring's reports replace another's: ``OUT/run-N/`` for
    a run's first scoring (the audit's), ``OUT/run-N/scoring-M/`` for each later one (``rescore``),
    and ``OUT/run-N/<rubric id>-<sha256[:12]>/`` for a scoring of saved artifacts (no scoring id)."""
    run_dir = run_folder(out_dir, info.crawl_id)
    if first_scoring:
        return run_dir
    if info.scoring_id is not None:
        return run_dir / f"scoring-{info.scoring_id}"
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", card.rubric.id).strip("-") or "rubric"
    return run_dir / f"{name}-{card.rubric.sha256[:12]}"


def write_reports(
    info: RunInfo,
    card: Scorecard,
    out_dir: Path,
    *,
    first_scoring: bool = True,
    documents: DocumentSet | None = None,
    journeys: list[tuple[JourneyResult, Path | None]] | None = None,
) -> dict[str, Path]:
    """The HTML and JSON scorecards of one scoring, in its own :func:`report_dir`; ``documents``
    (the run's, when it collected them) gives the HTML scorecard its "Documents" section and the
    JSON scorecard its ``documents`` figures, and
    ``journeys`` (each with its screenshots' folder: :meth:`JourneyStore.with_screenshots`) its
    "Tasks" section, the screenshots copied beside it as ``journeys/<id>/step-NN.png``."""
    run_dir = report_dir(info, card, out_dir, first_scoring=first_scoring)
    run_dir.mkdir(parents=True, exist_ok=True)
    paths = {"html": run_dir / "index.html", "json": run_dir / "scorecard.json"}
    shown = place_screenshots(journeys or [], run_dir / JOURNEY_SHOTS)
    with open(paths["html"], "w", encoding="utf-8") as out:
        write_html(out, info, card, documents=documents, journeys=shown)
    with open(paths["json"], "w", encoding="utf-8") as out:
        write_json(out, info, card, documents)
    return paths


JOURNEY_SHOTS = "journeys"  # the screenshots' folder beside a report


def place_screenshots(journeys: list[tuple[JourneyResult, Path | None]], target: Path) -> list[JourneyResult]:
    """Each journey with its screenshots copied under ``target`` (unless already there); a step
    whose screenshot file is gone keeps no name, so no report shows a broken image."""
    out = []
    for result, folder in journeys:
        steps = []
        for step in result.steps:
            name = step.screenshot
            source = folder / name if folder is not None and name else None
            if name is None or source is None or not source.is_file() or ".." in Path(name).parts:
                steps.append(step.model_copy(update={"screenshot": None}))
                continue
            dest = target / name
            if source.resolve() != dest.resolve():
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, dest)
            steps.append(step)
        out.append(result.model_copy(update={"steps": steps}))
    return out


def stored_journeys(store: Store, crawl_id: int) -> list[tuple[JourneyResult, Path | None]]:
    return JourneyStore(store.engine).with_screenshots(crawl_id)


def rescore(
    store: Store, crawl_id: int, rubric: LoadedRubric, out_dir: Path, *, attestations: AttestationSet | None = None
) -> tuple[RunInfo, Scorecard, dict[str, Path]]:
    """Score a stored crawl again. ``attestations`` attaches (or replaces) the crawl's attestation file
    first, so this scoring and every later one see those answers; nothing gathered is touched."""
    crawl = store.crawl(crawl_id)  # a clear error for an unknown run
    if attestations is not None:
        check_against_rubric(attestations, rubric.rubric.id, rubric.rubric.questions)
        site = store.load_site(crawl_id).model_copy(update={"attestations": attestations})
        store.set_site(crawl_id, site, crawl.pages_found)
    scoring_id, card = score_run(store, crawl_id, rubric)
    info = run_info(store, crawl_id, scoring_id)
    first = store.scorings(crawl_id)[0].id == scoring_id  # a run never scored before: the audit's place
    documents = store.load_site(crawl_id).documents
    journeys = stored_journeys(store, crawl_id)
    return info, card, write_reports(info, card, out_dir, first_scoring=first, documents=documents, journeys=journeys)


def report(store: Store, crawl_id: int, out_dir: Path) -> tuple[RunInfo, Scorecard, dict[str, Path]]:
    """Render a stored run's newest scoring again, in that scoring's own :func:`report_dir`."""
    scoring, card = store.latest_scorecard(crawl_id)
    info = run_info(store, crawl_id, scoring.id)
    first = store.scorings(crawl_id)[0].id == scoring.id
    documents = store.load_site(crawl_id).documents
    journeys = stored_journeys(store, crawl_id)
    return info, card, write_reports(info, card, out_dir, first_scoring=first, documents=documents, journeys=journeys)


def rescore_all(
    store: Store, rubric: LoadedRubric, *, portfolio: str | None = None, force: bool = False
) -> tuple[list[int], int]:
    """Score every finished run again under ``rubric``; runs already scored under this exact rubric
    (same sha256) are skipped unless ``force``. Returns (crawl ids scored, runs skipped)."""
    done: list[int] = []
    skipped = 0
    for run in store.history(portfolio):
        crawl_id = run.crawl.id
        if crawl_id is None or run.crawl.status != "finished":
            continue
        if not force and any(s.rubric_sha256 == rubric.sha256 for s in run.scorings):
            skipped += 1
            continue
        score_run(store, crawl_id, rubric)
        done.append(crawl_id)
    return done, skipped
