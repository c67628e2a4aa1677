"""Timing metrics the audit's scheme does not distort (issue 21): LCP and TBT of a page measured
alone against the same page measured in a whole-site audit.

Not a test. It serves the heavy bench site (bench/heavysite.py) on 127.0.0.1 and, in interleaved
rounds, audits the whole site (``--concurrency 2 --perf-pages 0 --perf-runs 1``: the scheme, where
the performance phase follows the concurrent phase in the same browser) and audits each of a few of
its pages alone (``--max-pages 1 --concurrency 1``: nothing else in the browser or on the machine).

    python bench/perf_agreement.py                       # 30 pages, 8 timed alone, 3 rounds, unthrottled
    python bench/perf_agreement.py --throttle mobile     # under the default mobile profile (slower)

For each sampled page and metric it prints the median alone and in the scheme, the noise band (the
larger of the two ranges, max - min over the rounds, alone and in the scheme: how far the same page
measured the same way moves from one load to the next) and whether the difference of the medians
lies within that band.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from heavysite import build_heavy_site, tag_files
from run import Site

METRICS = ("lcp_ms", "tbt_ms", "fcp_ms", "ttfb_ms", "server_ms")


def audit(url: str, work: Path, name: str, *, pages: int, concurrency: int, throttle: str) -> Path:
    db = work / f"{name}.db"
    cmd = [sys.executable, "-m", "maturity", "audit", url, "--db", str(db), "--out", str(work / "out")]
    cmd += ["--max-pages", str(pages), "--concurrency", str(concurrency), "--throttle", throttle]
    cmd += ["--perf-pages", "0", "--perf-runs", "1", "--delay", "0", "--max-documents", "0", "--quiet"]
    if pages == 1:
        cmd += ["--max-depth", "0"]
    subprocess.run(cmd, check=False, capture_output=True)
    return db


def timings(db: Path) -> dict[str, dict[str, float | None]]:
    """URL -> the performance phase's median metrics."""
    from maturity.core.model import PerformanceFacts
    from maturity.store import Store

    store = Store(f"sqlite:///{db}")
    crawl_id = store.last_crawl_id()
    out: dict[str, dict[str, float | None]] = {}
    for page in store.iter_pages(crawl_id, names=["performance"]):
        facts = page.get("performance")
        if isinstance(facts, PerformanceFacts):
            out[page.url] = {m: getattr(facts.median, m) for m in METRICS}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, default=30, help="pages of the heavy site")
    parser.add_argument("--sample", type=int, default=8, help="pages also timed alone")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--throttle", choices=["none", "mobile", "desktop"], default="none")
    args = parser.parse_args()
    site = Site({})
    tags = Site(tag_files())
    site.files.update(build_heavy_site(args.pages, site.origin, tags.origin.replace("127.0.0.1", "localhost")))
    step = max(1, args.pages // args.sample)
    # from p1: the scheme starts at "/", so p0 is audited under that address
    sample = [f"{site.origin}/p{i}.html" for i in range(1, args.pages, step)][: args.sample]
    alone: dict[str, list[dict]] = {u: [] for u in sample}
    scheme: dict[str, list[dict]] = {u: [] for u in sample}
    print(f"heavy site, {args.pages} pages, {len(sample)} timed alone, {args.rounds} rounds, throttle {args.throttle}")
    with tempfile.TemporaryDirectory(prefix="maturity-perf-") as tmp:
        work = Path(tmp)
        for r in range(args.rounds):
            whole = timings(
                audit(site.origin + "/", work, f"site{r}", pages=args.pages, concurrency=2, throttle=args.throttle)
            )
            for url in sample:
                if url in whole:
                    scheme[url].append(whole[url])
                one = timings(
                    audit(
                        url, work, f"alone{r}-{url.rsplit('/', 1)[1]}", pages=1, concurrency=1, throttle=args.throttle
                    )
                )
                if url in one:
                    alone[url].append(one[url])
            print(f"round {r + 1}: {len(whole)} pages timed in the scheme", flush=True)
    site.close()
    tags.close()
    for metric in METRICS:
        print(f"\n{metric}: median alone | median in the scheme | difference | noise band | within")
        within = 0
        counted = 0
        diffs, bands = [], []
        for url in sample:
            a = [v[metric] for v in alone[url] if v[metric] is not None]
            s = [v[metric] for v in scheme[url] if v[metric] is not None]
            if not a or not s:
                print(f"  {url.rsplit('/', 1)[1]:<10} not measured (alone {len(a)}, scheme {len(s)})")
                continue
            diff = statistics.median(s) - statistics.median(a)
            band = max(max(a) - min(a), max(s) - min(s))
            ok = abs(diff) <= band
            counted += 1
            within += ok
            diffs.append(abs(diff))
            bands.append(band)
            print(
                f"  {url.rsplit('/', 1)[1]:<10} {statistics.median(a):8.0f} {statistics.median(s):8.0f}"
                f" {diff:+8.0f} {band:8.0f}  {'yes' if ok else 'NO'}"
            )
        if counted:
            print(
                f"  {within} of {counted} pages within their noise band; median |difference| "
                f"{statistics.median(diffs):.0f} ms, median band {statistics.median(bands):.0f} ms"
            )


if __name__ == "__main__":
    main()
