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
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from maturity.core.model import PageArtifacts, RunInfo, SiteFacts
from maturity.core.rubric import LoadedRubric
from maturity.core.scoring import Finding, Scorecard, score
from maturity.kernel.errors import UsageError
from maturity.run.scoring import write_reports
from maturity.run.spill import FileSpill
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
    info, site, pages = open_artifacts(directory)
    return info, site, list(pages.pages())


class ArtifactPages:
    """A saved crawl's pages as a :class:`~maturity.core.tally.PageSource`: each page file read and
    validated when scoring comes to it and let go after, so scoring a saved crawl holds one page's
    artifacts at a time (and each page's URL and file name, to find a page again)."""

    def __init__(self, directory: Path, files: list[Path]) -> None:
        self.directory = directory
        self.files = files
        self._where: dict[str, Path] = {}

    def _load(self, path: Path) -> PageArtifacts:
        try:
            page = PageArtifacts.model_validate(_read(path))
        except ValidationError as exc:
            raise UsageError(
                f"--artifacts: {self.directory}: {exc.errors()[0]['msg']} at {exc.errors()[0]['loc']}"
            ) from None
        self._where.setdefault(page.url, path)
        return page

    def pages(self, names: Collection[str] | None = None) -> Iterator[PageArtifacts]:
        for path in self.files:
            yield self._load(path)

    def page(self, url: str) -> PageArtifacts | None:
        if url in self._where:
            return self._load(self._where[url])
        return next((p for p in self.pages() if p.url == url), None)


def open_artifacts(directory: Path) -> tuple[RunInfo, SiteFacts, ArtifactPages]:
    """A folder written by :func:`save_artifacts`: its manifest, run and site facts checked and read,
    its pages read one at a time when scored (:class:`ArtifactPages`)."""
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
    except ValidationError as exc:
        raise UsageError(f"--artifacts: {directory}: {exc.errors()[0]['msg']} at {exc.errors()[0]['loc']}") from None
    return info, site, ArtifactPages(directory, files)


def score_artifacts(directory: Path, rubric: LoadedRubric) -> tuple[RunInfo, Scorecard]:
    """Score a saved crawl: nothing stored, nothing fetched; the pages are read one at a time."""
    info, site, pages = open_artifacts(directory)
    return info, score(rubric, pages, site)


def rescore_artifacts(
    directory: Path, rubric: LoadedRubric, out_dir: Path
) -> tuple[RunInfo, Scorecard, dict[str, Path]]:
    """``maturity rescore --artifacts``: score a saved crawl and write its reports, the documents it
    collected (kept in ``site.json``) included, as the audit wrote them. As in an audit, each page's
    failure goes whole to a spill file while scoring and is written from there, so memory does not
    grow with the run's findings; the returned scorecard reads them back from the JSON scorecard
    it wrote."""
    info, site, pages = open_artifacts(directory)
    with FileSpill() as spill:
        card = score(rubric, pages, site, spill)
        paths = write_reports(info, card, out_dir, first_scoring=False, documents=site.documents)
    return info, card.with_findings(lambda: _written_findings(paths["json"])), paths


def _written_findings(path: Path) -> Iterator[Finding]:
    for item in _read(path)["scorecard"]["findings"]:
        yield Finding.model_validate(item)
