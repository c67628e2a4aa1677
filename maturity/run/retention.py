"""Retention: keep each site's first run and its newest N, and reclaim what no kept run uses."""

from __future__ import annotations

from dataclasses import dataclass

from maturity.store import Crawl, Store


def prune_plan(store: Store, keep: int) -> list[int]:
    """Crawl ids to remove so each site keeps its first run and its newest ``keep`` runs.

    Runs still in progress are never removed.
    """
    if keep < 1:
        raise ValueError("keep at least one run per site")
    by_site: dict[str, list[Crawl]] = {}
    for run in store.history():
        by_site.setdefault(run.crawl.target_url, []).append(run.crawl)
    doomed: list[int] = []
    for crawls in by_site.values():
        ids = [c.id for c in crawls if c.id is not None and c.status != "running"]  # running: neither kept nor counted
        if ids:
            kept = {ids[0], *ids[-keep:]}
            doomed.extend(i for i in ids if i not in kept)
    return sorted(doomed)


@dataclass(frozen=True)
class Pruned:
    runs: list[int]
    blobs: int
    bytes_freed: int


def prune(store: Store, keep: int) -> Pruned:
    """Remove the runs :func:`prune_plan` names, then every artifact no remaining run uses."""
    doomed = prune_plan(store, keep)
    for crawl_id in doomed:
        store.delete_crawl(crawl_id)
    blobs, size = store.delete_unused_blobs()
    return Pruned(doomed, blobs, size)
