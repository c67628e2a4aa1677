"""Memory of scoring and reporting against the size of a run (issue 19): is it flat?

Not a test. Part (a), the default, needs no browser: it stores synthetic runs of 200, 500, 1,000
and 2,000 realistic pages (tests/factories.py: every page different, about 90 links, a few
kilobytes of text, 40 axe-core rules with a few violations, 20 requests) in SQLite, then, in a
fresh process for each run, scores it as an audit does (streamed from the store), writes the HTML
and JSON scorecards and the CSV export, and reports that process's peak resident memory (the
whole Python process: interpreter, libraries and all), how much of it scoring and reporting added
over the process after its imports, the wall time, and the database's bytes per page. Repeated
``--repeat`` times; figures are medians. ``--tracemalloc`` adds the Python heap's own peak (slower:
every allocation is traced).

    python bench/scoring_memory.py                                  # 200 500 1000 2000, 3 runs
    python bench/scoring_memory.py --pages 100 400 --repeat 1 --tracemalloc
    python bench/scoring_memory.py --clean     # no axe-core failures: the findings are not what grows

Part (b), ``--audit N``, audits a generated site of ``--site-pages`` pages (default 10,000, every
one in its sitemap) with ``maturity audit --sample stratified --max-pages N``: discovery finds the
large population, the sample draws N pages from it, and the whole process tree's PSS is sampled
every 0.25 s and reported as the peak of each phase (discovery, concurrent rendering,
performance, scoring and reports), with maturity's own Python process in brackets.

    python bench/scoring_memory.py --audit 2000 --repeat 1        # the issue's size (long)
    python bench/scoring_memory.py --audit 300 --repeat 1         # a smaller run on a shared machine
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def child(db: Path, out: Path, traced: bool) -> None:
    """Score run 1 of ``db`` and write its reports, as `maturity audit` does after the browser."""
    import tracemalloc

    from maturity.core.rubric import builtin_rubric
    from maturity.run.publish import export
    from maturity.run.scoring import score_run, write_reports
    from maturity.store import Store
    from maturity.store.readback import run_info

    store = Store(f"sqlite:///{db}")
    rubric = builtin_rubric()
    base = _rss_mib()
    if traced:
        tracemalloc.start()
    t = time.perf_counter()
    scoring_id, card = score_run(store, 1, rubric)
    scored = time.perf_counter() - t
    info = run_info(store, 1, scoring_id)
    write_reports(info, card, out, documents=store.load_site(1).documents)
    overall, findings = card.overall, card.findings_total
    del card  # `maturity export` is its own command: it reads the stored scorecard, not this one
    csv, _ = export(store, "csv", method="mean")
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "score_s": scored,
                "wall_s": wall,
                "peak_rss_mib": peak,
                "base_rss_mib": base,
                "traced_peak_mib": tracemalloc.get_traced_memory()[1] / 2**20 if traced else None,
                "overall": overall,
                "findings": findings,
                "html_bytes": (out / "run-1" / "index.html").stat().st_size,
                "csv_bytes": len(csv),
            }
        )
    )


def build_run(db: Path, pages: int, violations: bool = True) -> float:
    """A stored run of ``pages`` realistic pages; returns the database's bytes per page."""
    sys.path.insert(0, str(ROOT / "tests"))
    from factories import store_realistic_run

    from maturity.store import Store

    store = Store(f"sqlite:///{db}")
    store_realistic_run(store, pages, violations=violations)
    store.engine.dispose()
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db.stat().st_size / pages


def measure(db: Path, work: Path, traced: bool) -> dict:
    out = work / f"out-{time.monotonic_ns()}"
    cmd = [sys.executable, __file__, "--child", str(db), str(out)] + (["--tracemalloc"] if traced else [])
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"scoring {db} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def part_a(sizes: list[int], repeat: int, traced: bool, violations: bool = True) -> None:
    kind = "synthetic pages" if violations else "synthetic pages where no axe-core rule fails (few findings)"
    print(f"scoring and reporting stored runs of {sizes} {kind}, {repeat} run(s) each, medians", flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        dbs = {}
        for n in sizes:
            t = time.perf_counter()
            dbs[n] = (work / f"run-{n}.db", build_run(work / f"run-{n}.db", n, violations))
            print(f"  stored {n} pages in {time.perf_counter() - t:.0f} s ({dbs[n][1]:,.0f} bytes a page)", flush=True)
        runs: dict[int, list[dict]] = {n: [] for n in sizes}
        for attempt in range(repeat):
            for n in sizes:  # sizes interleave within each repeat, so drift touches them alike
                got = measure(dbs[n][0], work, traced)
                runs[n].append(got)
                print(
                    f"  run {attempt + 1}: {n} pages: peak RSS {got['peak_rss_mib']:.0f} MiB, {got['wall_s']:.1f} s",
                    flush=True,
                )
        for n in sizes:
            rs = runs[n]
            row = {
                k: statistics.median(r[k] for r in rs) for k in ("peak_rss_mib", "base_rss_mib", "wall_s", "score_s")
            }
            row["added"] = statistics.median(r["peak_rss_mib"] - r["base_rss_mib"] for r in rs)
            row["traced"] = statistics.median(r["traced_peak_mib"] for r in rs) if traced else None
            row["spread"] = (min(r["peak_rss_mib"] for r in rs), max(r["peak_rss_mib"] for r in rs))
            row.update(pages=n, bytes_per_page=dbs[n][1], findings=rs[0]["findings"], html=rs[0]["html_bytes"])
            rows.append(row)
    print()
    print(
        f"{'pages':>6} {'peak RSS MiB':>12} {'min-max':>9} {'added MiB':>9} {'traced MiB':>10} "
        f"{'s':>6} {'s/page':>7} {'findings':>8} {'HTML KiB':>8} {'DB B/page':>9}"
    )
    for r in rows:
        traced_cell = f"{r['traced']:.0f}" if r["traced"] is not None else "-"
        spread = f"{r['spread'][0]:.0f}-{r['spread'][1]:.0f}"
        print(
            f"{r['pages']:>6} {r['peak_rss_mib']:>12.0f} {spread:>9} {r['added']:>9.0f} {traced_cell:>10} "
            f"{r['wall_s']:>6.1f} {r['wall_s'] / r['pages']:>7.3f} {r['findings']:>8} {r['html'] / 1024:>8.0f} "
            f"{r['bytes_per_page']:>9,.0f}"
        )
    first, last = rows[0], rows[-1]
    if len(rows) > 1:
        slope = (last["peak_rss_mib"] - first["peak_rss_mib"]) / (last["pages"] - first["pages"]) * 1000
        print(
            f"\ntrend: peak RSS {first['peak_rss_mib']:.0f} MiB at {first['pages']} pages, "
            f"{last['peak_rss_mib']:.0f} MiB at {last['pages']}: {slope:+.1f} MiB per 1,000 pages "
            f"(target: under 300 MiB at 2,000 pages, no trend)"
        )


def part_b(audited: int, site_pages: int, repeat: int) -> None:
    sys.path.insert(0, str(HERE))
    from run import Site, build_site, pages_done, pss_by_phase, run_measured

    site = Site({})
    site.files.update(build_site(site_pages, site.origin))
    print(f"site: {site.origin} ({site_pages} generated pages, all in the sitemap); auditing {audited}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for attempt in range(repeat):
            db = work / f"audit-{attempt}.db"
            cmd = [
                sys.executable,
                "-m",
                "maturity",
                "audit",
                site.origin + "/",
                "--db",
                str(db),
                "--out",
                str(work / "out"),
                "--sample",
                "stratified",
                "--max-pages",
                str(audited),
                "--population",
                str(site_pages),
                "--max-depth",
                "4",
                "--concurrency",
                "2",
                "--throttle",
                "none",
                "--perf-runs",
                "1",
                "--perf-pages",
                "0",
                "--delay",
                "0",
                "--quiet",
            ]
            wall, peak, samples = run_measured(cmd, progress=pages_done(db))
            with sqlite3.connect(db) as con:
                n = con.execute("select count(*) from page where status != 'pending'").fetchone()[0]
                site_sha = con.execute("select site_sha from crawl where id = 1").fetchone()[0]
                blob = con.execute("select data from blob where sha256 = ?", (site_sha,)).fetchone()[0]
            sample = json.loads(zlib.decompress(blob)).get("sample") or {}
            found = f"{sample.get('population', '?')} pages found, {len(sample.get('strata', []))} strata"
            phases = ", ".join(f"{k} {t} ({o})" for k, (t, o) in pss_by_phase(samples, n).items())
            print(f"run {attempt + 1}: population {found}; audited {n}, {wall:.0f} s ({wall / max(1, n):.2f} s/page)")
            print(f"  whole-tree peak PSS {peak / 1024:.0f} MiB (target under 1,229 MiB, 1.2 GiB)")
            print(f"  peak PSS by phase, tree (maturity's own process), MiB: {phases}")
            print(f"  database: {db.stat().st_size / max(1, n):,.0f} bytes a page", flush=True)
    site.close()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), Path(sys.argv[3]), "--tracemalloc" in sys.argv)
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, nargs="+", default=[200, 500, 1000, 2000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each size; figures are medians")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace the Python heap's peak (slower)")
    parser.add_argument(
        "--clean", action="store_true", help="pages where no axe-core rule fails: what grows without findings"
    )
    parser.add_argument("--audit", type=int, default=0, metavar="N", help="part (b): audit N pages of a large site")
    parser.add_argument("--site-pages", type=int, default=10_000, help="the generated site's size for --audit")
    args = parser.parse_args()
    os.environ.setdefault("MATURITY_LOOPBACK_ONLY", "1")
    if args.audit:
        part_b(args.audit, args.site_pages, args.repeat)
    else:
        part_a(args.pages, args.repeat, args.tracemalloc, violations=not args.clean)


if __name__ == "__main__":
    main()
