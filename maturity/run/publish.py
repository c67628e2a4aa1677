"""Publishing: the static scorecard site and the exports, from stored runs only.

Rubrics come from the store (every scoring keeps its rubric's exact text), never from files on
disk, so a site built on another machine, or after a rubric file changed, shows what was scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from maturity import __version__
from maturity.core.history import RunSnapshot, agencies, site_histories
from maturity.core.rubric import LoadedRubric
from maturity.kernel.errors import UsageError
from maturity.store import Store
from maturity.store.readback import load_snapshots
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


@dataclass(frozen=True)
class BuiltSite:
    root: Path
    files: int
    agencies: int
    sites: int


def build(
    store: Store,
    out_dir: Path,
    *,
    method: str,
    title: str,
    portfolio: str | None = None,
    generated_at: str | None = None,
) -> BuiltSite:
    """Write the scorecard site under ``out_dir`` (plain files)."""
    by_site = load_snapshots(store, portfolio)
    if not by_site:
        raise UsageError("no runs stored" + (f" for portfolio {portfolio!r}" if portfolio else ""))
    files = build_site(
        by_site,
        method=method,
        title=title,
        rubrics=stored_rubrics(store, by_site),
        generated_at=generated_at or now_iso(),
        tool_version=__version__,
    )
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
    return BuiltSite(out_dir, len(files), agency_pages, len(by_site))


def export(store: Store, fmt: str, *, method: str, portfolio: str | None = None) -> str:
    """Every run of every site: ``csv`` (one row per site per run) or ``json`` (agencies, rollups, runs)."""
    by_site = load_snapshots(store, portfolio, perf_latest=0)
    if fmt == "csv":
        return render_csv(site_histories(by_site))
    return render_json(agencies(by_site, method), method=method, generated_at=now_iso())
