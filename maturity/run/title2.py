"""``maturity title2 status``: per entity, the Title II date, how far the newest runs are from no
automated failures, and whether the pace of the last runs gets there in time.

Reads stored runs only (no browser, no network). A run counts when it finished and has a scoring
under the Title II rubric (``rubric_id`` ``ada-title-ii``): runs scored only under another rubric are
counted apart, with the command that scores them (``maturity rescore-all --rubric ada-title-ii``).
The entity is the run's agency (its portfolio's name for it); an ad-hoc ``maturity audit`` run is
its own entity, named by its site. "Today" is the caller's: the core never reads the clock.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from maturity.core import checks, title2
from maturity.core.checks.documents.documents_passing import problems as document_problems
from maturity.core.exceptions import ExceptionsFile, PageView, candidates, parse_exceptions, same_agency
from maturity.kernel.errors import ConfigError
from maturity.store import Store
from maturity.store.store import StoredRun


@dataclass
class TrackerResult:
    today: date
    portfolio: str | None
    rows: list[title2.EntityStatus]
    not_scored_runs: int = 0  # finished runs without a Title II scoring
    notes: list[str] = field(default_factory=list)


def _title2_scoring(run: StoredRun) -> Any | None:
    """The run's newest scoring under the Title II rubric, if any."""
    found = [s for s in run.scorings if s.rubric_id == title2.RUBRIC_ID]
    return found[-1] if found else None


def _rule_tags(store: Store, crawl_id: int) -> dict[str, list[str]]:
    """axe rule id -> its tags, from one crawl's stored axe-core results."""
    tags: dict[str, set[str]] = defaultdict(set)
    for facts in store.page_artifact(crawl_id, "axe").values():
        for rule in (facts or {}).get("rules", []):
            if isinstance(rule, dict) and isinstance(rule.get("id"), str):
                tags[rule["id"]].update(t for t in rule.get("tags", []) if isinstance(t, str))
    return {rule: sorted(t) for rule, t in tags.items()}


def load_exceptions(paths: Sequence[str | Path]) -> list[ExceptionsFile]:
    """Read exceptions files (one per agency); two files for one agency are refused."""
    files: list[ExceptionsFile] = []
    for path in paths:
        p = Path(path)
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise ConfigError(str(p), f"cannot read exceptions file: {exc.strerror or exc}") from None
        parsed = parse_exceptions(data, str(p))
        if any(same_agency(f.agency, parsed.agency) for f in files):
            raise ConfigError(str(p), f"a second exceptions file for {parsed.agency!r}: put its claims in one file")
        files.append(parsed)
    return files


_DOCUMENT = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|odp|rtf)(?:$|[?#])", re.IGNORECASE)


def _documents(store: Store, crawl_id: int) -> set[str]:
    """Documents (PDF, Word, Excel, PowerPoint, OpenDocument, RTF) a crawl's pages link to."""
    found: set[str] = set()
    for doc in store.page_artifact(crawl_id, "document").values():
        for link in doc.get("links", []):
            href = str(link.get("href", "")) if isinstance(link, dict) else ""
            if href.startswith("http") and _DOCUMENT.search(href):
                found.add(href.split("#")[0])
    return found


def _checked_documents(store: Store, crawl_ids: Sequence[int]) -> tuple[int, int]:
    """Documents the newest runs' collector could read, and how many of them fail a document check
    (each document once, by content, across the entity's sites)."""
    params = checks.get("documents-passing").meta.params  # the checks' own defaults
    seen: dict[str, bool] = {}
    for crawl_id in crawl_ids:
        documents = store.load_site(crawl_id).documents
        if documents is None:
            continue
        for doc in documents.pdfs() + documents.office_files():
            facts = doc.pdf or doc.office
            if facts is not None:
                seen[doc.sha256 or doc.url] = bool(document_problems(facts, params))
    return len(seen), sum(seen.values())


def _page_views(store: Store, crawl_id: int) -> list[PageView]:
    """The candidate rules' view of a crawl's pages (title, headings, frames from other sites)."""
    documents = store.page_artifact(crawl_id, "document")
    networks = store.page_artifact(crawl_id, "network")
    views = []
    for url, doc in documents.items():
        requests = (networks.get(url) or {}).get("requests", [])
        frames = tuple(
            r["url"]
            for r in requests
            if isinstance(r, dict) and r.get("resource_type") == "document" and r.get("third_party")
        )
        views.append(
            PageView(
                url=url,
                title=str(doc.get("title") or ""),
                headings=tuple(str(h.get("text", "")) for h in doc.get("headings", []) if isinstance(h, dict)),
                foreign_frames=frames,
            )
        )
    return views


def status(
    store: Store, *, today: date, portfolio: str | None = None, exceptions: Sequence[ExceptionsFile] = ()
) -> TrackerResult:
    history = store.history(portfolio)
    by_entity: dict[str, dict[str, list[title2.RunFacts]]] = defaultdict(lambda: defaultdict(list))
    tags_of: dict[str, dict[str, str]] = {}
    unscored: dict[str, set[str]] = defaultdict(set)
    not_scored = 0
    newest_run: dict[str, int] = {}  # site -> newest scored crawl id
    for run in history:  # oldest first
        crawl = run.crawl
        assert crawl.id is not None
        entity = crawl.agency or crawl.target_url
        site = crawl.target_url
        if run.tags:
            tags_of[entity] = run.tags  # the newest run's tags win
        else:
            tags_of.setdefault(entity, {})
        if crawl.status != "finished":
            unscored[entity].add(site)
            continue
        scoring = _title2_scoring(run)
        if scoring is None:
            not_scored += 1
            unscored[entity].add(site)
            continue
        card = store.scorecard(scoring)
        by_entity[entity][site].append(title2.run_facts(card, run=crawl.id, site=site, day=crawl.started_at.date()))
        newest_run[site] = crawl.id
    rule_tags: dict[str, list[str]] = {}
    for crawl_id in newest_run.values():
        for rule, tags in _rule_tags(store, crawl_id).items():
            rule_tags[rule] = sorted(set(rule_tags.get(rule, [])) | set(tags))
    rows = []
    entities = sorted(set(by_entity) | set(unscored))
    for entity in entities:
        sites = by_entity.get(entity, {})
        missing = sorted(s for s in unscored.get(entity, set()) if s not in sites)
        claims = next((f for f in exceptions if same_agency(f.agency, entity)), None)
        newest = [runs[-1].run for runs in sites.values() if runs]
        views = [v for crawl_id in newest for v in _page_views(store, crawl_id)]
        documents = {d for crawl_id in newest for d in _documents(store, crawl_id)}
        checked, failing = _checked_documents(store, newest)
        rows.append(
            title2.entity_status(
                entity,
                tags_of.get(entity, {}),
                sites,
                rule_tags,
                today=today,
                unscored_sites=missing,
                claims=claims,
                candidates=candidates(views, [claims] if claims else []),
                documents=max(len(documents), checked),
                documents_checked=checked,
                documents_failing=failing,
            )
        )
    result = TrackerResult(today=today, portfolio=portfolio, rows=title2.by_risk(rows), not_scored_runs=not_scored)
    for f in exceptions:
        if not any(same_agency(f.agency, e) for e in entities):
            result.notes.append(f"the exceptions file of {f.agency!r} matches no agency with runs")
    if not_scored:
        result.notes.append(
            f"{not_scored} finished runs have no scoring under {title2.RUBRIC_ID}: "
            f"`maturity rescore-all --rubric {title2.RUBRIC_ID}` scores them (no browser, no network)"
        )
    return result
