"""A crawl as plain files: gathered once, scored anywhere (no browser, no network, no database).

``maturity audit --save-artifacts DIR`` writes ``DIR/run-N/``::

    manifest.json      {"schema": "maturity/artifacts", "schema_version": 1, "pages": 34}
    run.json           the run's provenance (tool, axe-core and browser versions, settings, timings)
    site.json          the site facts (robots.txt, sitemaps, link statuses, probes, attestations,
                       and the documents collected with their facts)
    pages/0001.json    one page's artifacts, in crawl order

and ``maturity rescore --artifacts DIR/run-N --rubric R --out OUT`` reads them back and scores
them; the scorecard is byte-for-byte the one the store holds for that run under that rubric,
because scoring is a pure function of these files and the rubric.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from maturity.core.model import PageArtifacts, RunInfo, SiteFacts
from maturity.core.rubric import LoadedRubric
from maturity.core.scoring import Scorecard, score
from maturity.kernel.errors import UsageError
from maturity.run.scoring import write_reports
from maturity.store import Store
from maturity.store.readback import run_info

SCHEMA = "maturity/artifacts"
SCHEMA_VERSION = 1


def save_artifacts(store: Store, crawl_id: int, directory: Path) -> Path:
    """Write a stored crawl's artifacts under ``directory/run-N/``; returns that folder."""
    target = directory / f"run-{crawl_id}"
    (target / "pages").mkdir(parents=True, exist_ok=True)
    pages = store.load_pages(crawl_id)
    info = run_info(store, crawl_id)
    (target / "run.json").write_text(info.model_dump_json(indent=2), encoding="utf-8")
    (target / "site.json").write_text(store.load_site(crawl_id).model_dump_json(indent=2), encoding="utf-8")
    for stale in (target / "pages").glob("*.json"):
        stale.unlink()
    for i, page in enumerate(pages, start=1):
        (target / "pages" / f"{i:04d}.json").write_text(page.model_dump_json(indent=2), encoding="utf-8")
    manifest = {"schema": SCHEMA, "schema_version": SCHEMA_VERSION, "pages": len(pages)}
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return target


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"--artifacts: {path} is missing (not a folder written by --save-artifacts?)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"--artifacts: cannot read {path}: {exc}") from None


def load_artifacts(directory: Path) -> tuple[RunInfo, SiteFacts, list[PageArtifacts]]:
    """Read a folder written by :func:`save_artifacts`, validating every file."""
    manifest = _read(directory / "manifest.json")
    if not isinstance(manifest, dict) or manifest.get("schema") != SCHEMA:
        raise UsageError(f"--artifacts: {directory / 'manifest.json'} is not a maturity artifacts manifest")
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise UsageError(
            f"--artifacts: {directory} has schema version {manifest.get('schema_version')}, "
            f"this version reads {SCHEMA_VERSION}"
        )
    files = sorted((directory / "pages").glob("*.json"))
    if len(files) != manifest.get("pages"):
        raise UsageError(f"--artifacts: {directory} lists {manifest.get('pages')} pages but holds {len(files)}")
    try:
        info = RunInfo.model_validate(_read(directory / "run.json"))
        site = SiteFacts.model_validate(_read(directory / "site.json"))
        pages = [PageArtifacts.model_validate(_read(f)) for f in files]
    except ValidationError as exc:
        raise UsageError(f"--artifacts: {directory}: {exc.errors()[0]['msg']} at {exc.errors()[0]['loc']}") from None
    return info, site, pages


def score_artifacts(directory: Path, rubric: LoadedRubric) -> tuple[RunInfo, Scorecard]:
    """Score a saved crawl: nothing stored, nothing fetched."""
    info, site, pages = load_artifacts(directory)
    return info, score(rubric, pages, site)


def rescore_artifacts(
    directory: Path, rubric: LoadedRubric, out_dir: Path
) -> tuple[RunInfo, Scorecard, dict[str, Path]]:
    """``maturity rescore --artifacts``: score a saved crawl and write its reports, the documents it
    collected (kept in ``site.json``) included, as the audit wrote them."""
    info, site, pages = load_artifacts(directory)
    card = score(rubric, pages, site)
    return info, card, write_reports(info, card, out_dir, first_scoring=False, documents=site.documents)
