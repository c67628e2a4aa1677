"""Scoring stored crawls: one :func:`score_run` for the audit, ``rescore`` and ``rescore-all``, and
rendering a scoring's reports. No browser and no network: this module imports neither."""

from __future__ import annotations

from pathlib import Path

from maturity import __version__
from maturity.core import checks
from maturity.core.attest import check_against_rubric
from maturity.core.model import AttestationSet, RunInfo
from maturity.core.rubric import LoadedRubric
from maturity.core.scoring import Scorecard, score
from maturity.store import Store
from maturity.store.readback import run_info
from reports.html import render_html
from reports.json_report import render_json


def score_run(store: Store, crawl_id: int, rubric: LoadedRubric) -> tuple[int, Scorecard]:
    """Score a stored crawl and store the scoring beside earlier ones, with the rubric's exact text,
    the tool version and the check catalogue's digest (a scoring is self-contained)."""
    card = score(rubric, store.load_pages(crawl_id), store.load_site(crawl_id))
    scoring_id = store.add_scoring(
        crawl_id, card, rubric=rubric, tool_version=__version__, checks_digest=checks.catalogue_digest()
    )
    return scoring_id, card


def write_reports(info: RunInfo, card: Scorecard, out_dir: Path) -> dict[str, Path]:
    """The HTML and JSON scorecards of one scoring, in ``OUT/run-N/``."""
    run_dir = out_dir / f"run-{info.crawl_id}"
    run_dir.mkdir(parents=True, exist_ok=True)
    paths = {"html": run_dir / "index.html", "json": run_dir / "scorecard.json"}
    paths["html"].write_text(render_html(info, card), encoding="utf-8")
    paths["json"].write_text(render_json(info, card), encoding="utf-8")
    return paths


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
    return info, card, write_reports(info, card, out_dir)


def report(store: Store, crawl_id: int, out_dir: Path) -> tuple[RunInfo, Scorecard, dict[str, Path]]:
    """Render a stored run's newest scoring again."""
    scoring, card = store.latest_scorecard(crawl_id)
    info = run_info(store, crawl_id, scoring.id)
    return info, card, write_reports(info, card, out_dir)


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
