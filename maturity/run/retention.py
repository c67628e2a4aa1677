"""Retention: keep each site's first run and its newest N, and reclaim what no kept run uses."""

from __future__ import annotations

from dataclasses import dataclass

from maturity.store import Crawl, Store


def prune_plan(store: Store, keep: int) -> list[int]:
    """Crawl ids to remove so each site keeps, in each portfolio (and apart from them, its ad-hoc
    audits), its first run and its newest ``keep`` runs: an ad-hoc trial audit never pushes out a
    portfolio's runs (which carry the agency's name and the published history).

    Runs still in progress are never removed.
    """
    if keep < 1:
        raise ValueError("keep at least one run per site")
    by_site: dict[tuple[str, str | None], list[Crawl]] = {}
    for run in store.history():
        by_site.setdefault((run.crawl.target_url, run.crawl.portfolio), []).append(run.crawl)
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
    reclaimed: str  # what the database did with the space, in words


def prune(store: Store, keep: int) -> Pruned:
    """Remove the runs :func:`prune_plan` names, then every artifact no remaining run uses, then
    give the space back (:meth:`~maturity.store.Store.reclaim`)."""
    doomed = prune_plan(store, keep)
    for crawl_id in doomed:
        store.delete_crawl(crawl_id)
    blobs, size = store.delete_unused_blobs()
    return Pruned(doomed, blobs, size, store.reclaim() if doomed or blobs else "nothing to reclaim")
