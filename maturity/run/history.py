"""``maturity history``: find a site's stored runs and compare one with the scored run before it."""

from __future__ import annotations

from maturity.core.history import Comparison, compare
from maturity.core.portfolio import host_key
from maturity.kernel.errors import UsageError
from maturity.store import Store
from maturity.store.readback import FIRST_SCORING, load_snapshots


def compare_site(
    store: Store, site: str, run_id: int | None = None, *, pin: str = FIRST_SCORING, pin_label: str = ""
) -> Comparison | str:
    """The comparison of ``site``'s newest scored run (or ``run_id``) with the one before, or a sentence
    saying why there is nothing to compare. ``site`` is the start URL as stored, or its host name.

    Each run shows its published scoring (``pin``: a rubric's sha256, or by default the rubric the run
    was first scored with), as ``site build`` and ``export`` do: a trial ``rescore --rubric x.yaml``
    of the newest run never turns the comparison into "scored under different rubrics"."""
    by_site = load_snapshots(
        store, perf_latest=10**9 if run_id is not None else 2, pin=pin, pin_label=pin_label or pin[:12]
    )
    matches = [url for url in by_site if url == site or url.rstrip("/") == site.rstrip("/")]
    if not matches:
        matches = [
            url for url in by_site if host_key(url) == site.lower() or (host_key(url).split(":")[0] == site.lower())
        ]
    if not matches:
        raise UsageError(f"no runs of {site!r} stored (see `maturity runs`)")
    if len(matches) > 1:
        raise UsageError(f"{site!r} matches several sites: {', '.join(matches)}; give the start URL")
    runs = [r for r in by_site[matches[0]] if r.scorecard is not None]
    if run_id is not None:
        found = next((i for i, r in enumerate(runs) if r.crawl_id == run_id), None)
        if found is None:
            raise UsageError(f"run {run_id} is not a scored run of {matches[0]}")
        idx = found
    else:
        idx = len(runs) - 1
    if idx < 1:
        only = runs[idx] if runs else None
        return f"{matches[0]}: " + (
            f"only one scored run ({only.crawl_id}); nothing to compare yet" if only else "no scored run yet"
        )
    return compare(runs[idx - 1], runs[idx])
