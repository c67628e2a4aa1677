"""Reading stored runs back as the core's plain data: run provenance and history snapshots."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from maturity.core.history import RunSnapshot
from maturity.core.model import PerformanceFacts, RunInfo
from maturity.core.portfolio import host_key
from maturity.core.scoring import PageSummary
from maturity.store.journeys import JourneyStore
from maturity.store.store import FIRST_SCORING, Store, StoredRun, published_scoring, redact_url
from maturity.store.tables import Crawl, Scoring

__all__ = ["FIRST_SCORING", "choose_scoring", "load_snapshots", "published_scoring", "run_info", "run_info_of"]


def run_info(store: Store, crawl_id: int, scoring_id: int | None = None) -> RunInfo:
    return run_info_of(store.crawl(crawl_id), scoring_id)


def run_info_of(crawl: Crawl, scoring_id: int | None) -> RunInfo:
    """What a report says about a stored crawl (any database password redacted)."""
    settings = json.loads(crawl.settings or "{}")
    if "db" in settings:
        settings["db"] = redact_url(settings["db"])
    assert crawl.id is not None
    return RunInfo(
        crawl_id=crawl.id,
        scoring_id=scoring_id,
        target_url=crawl.target_url,
        status=crawl.status,
        started_at=crawl.started_at.isoformat(timespec="seconds"),
        finished_at=crawl.finished_at.isoformat(timespec="seconds") if crawl.finished_at else None,
        tool_version=crawl.tool_version,
        axe_version=crawl.axe_version,
        browser_version=crawl.browser_version,
        settings=settings,
        timings=json.loads(crawl.timings or "{}"),
        pages_found=crawl.pages_found,
    )


def choose_scoring(scorings: Sequence[Scoring], reference_sha: str | None) -> Scoring | None:
    """The scoring under the reference rubric when the crawl has one, else its newest scoring."""
    if not scorings:
        return None
    same = [s for s in scorings if s.rubric_sha256 == reference_sha]
    return same[-1] if same else scorings[-1]


def not_scored_note(scorings: Sequence[Scoring], pin: str, pin_label: str) -> str | None:
    """Why a run shows no figure under ``pin`` although it has scorings (None when it has none)."""
    if not scorings or published_scoring(scorings, pin) is not None:
        return None
    return f"not scored under rubric {pin_label}"


def load_snapshots(
    store: Store,
    portfolio: str | None = None,
    *,
    perf_latest: int = 2,
    site: str | None = None,
    pin: str | None = None,
    pin_label: str = "",
) -> dict[str, list[RunSnapshot]]:
    """Every stored run, grouped by site (start URL), oldest first, each with a chosen scorecard.

    With ``pin`` (publishing: a rubric's sha256, or :data:`FIRST_SCORING`) each run shows its
    :func:`published_scoring`, and a run with scorings but none under the pin says so in its
    ``error`` ("not scored under rubric ..."). Without it (``history``) the scorecards are chosen so
    a site's runs share one rubric wherever they can (the rubric of the site's newest scoring).

    Performance facts are loaded for the newest ``perf_latest`` scored runs of each site only.
    """
    by_site: dict[str, list[StoredRun]] = {}
    for run in store.history(portfolio):
        if site is not None and run.crawl.target_url != site:
            continue
        by_site.setdefault(run.crawl.target_url, []).append(run)
    out: dict[str, list[RunSnapshot]] = {}
    journeys = JourneyStore(store.engine)
    for url, runs in by_site.items():
        newest = max((s for r in runs for s in r.scorings), key=lambda s: s.id or 0, default=None)
        reference = newest.rubric_sha256 if newest else None
        agency = next((r.crawl.agency for r in reversed(runs) if r.crawl.agency), None) or host_key(url)
        snaps: list[RunSnapshot] = []
        scored_seen = 0
        for run in reversed(runs):
            if pin is None:
                scoring = choose_scoring(run.scorings, reference)
                error = run.crawl.error
            else:
                scoring = published_scoring(run.scorings, pin)
                error = run.crawl.error or not_scored_note(run.scorings, pin, pin_label or pin[:12])
            card = store.scorecard(scoring) if scoring else None
            perf = None
            if card is not None and scored_seen < perf_latest:
                perf = _perf(store.page_artifact(run.crawl.id or 0, "performance"))
                scored_seen += 1
            snaps.append(
                RunSnapshot(
                    run=run_info_of(run.crawl, scoring.id if scoring else None),
                    site=url,
                    agency=agency,
                    portfolio=run.crawl.portfolio,
                    tags=run.tags,
                    error=error,
                    pages=[PageSummary(url=u, status=s, reason=r) for u, s, r in run.pages],
                    scorecard=card,
                    perf=perf,
                    journeys=journeys.of_crawl(run.crawl.id) if run.crawl.id is not None else [],
                )
            )
        out[url] = list(reversed(snaps))
    return out


def _perf(raw: dict[str, Any]) -> dict[str, PerformanceFacts]:
    out = {}
    for url, data in raw.items():
        if isinstance(data, dict) and "median" in data:
            try:
                out[url] = PerformanceFacts.model_validate(data)
            except ValidationError:
                continue
    return out
