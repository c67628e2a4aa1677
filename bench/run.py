"""Throughput benchmark: maturity at concurrency 1, 2 and 4 against Lighthouse CLI and pa11y-ci.

Not a test. It serves a generated, realistic multi-page site on 127.0.0.1, audits it with
`maturity audit` (a real subprocess, so memory includes Chromium), then audits the same pages
with the peers pointed at the same Chromium, and prints seconds per page, peak memory of the
whole process tree (PSS, from /proc/*/smaps_rollup) and the ratios.

    python bench/run.py                     # 30 pages, maturity x3 concurrencies, Lighthouse on 10, pa11y-ci on 30,
                                            # every tool 3 times; figures are medians
    python bench/run.py --pages 1000 --only maturity --concurrency 4 --repeat 1   # memory over a long crawl
    bash bench/install-peers.sh             # Lighthouse and pa11y-ci into bench/.peers (git-ignored)

maturity runs with `--throttle none --perf-runs 1 --perf-pages 0 --delay 0` (every page measured
once, unthrottled, no politeness pacing, which the peers do not have either) so its serial
performance phase is comparable to a bare loop; the concurrent phase (accessibility, mobile,
content, security) and the performance phase are reported apart.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from heavysite import add_site_files

HERE = Path(__file__).resolve().parent
PEERS = HERE / ".peers" / "node_modules" / ".bin"
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# --------------------------------------------------------------------------- the site

WORDS = [
    "residents",
    "can",
    "apply",
    "online",
    "for",
    "permits",
    "licences",
    "and",
    "services",
    "the",
    "department",
    "publishes",
    "guidance",
    "forms",
    "and",
    "news",
    "about",
    "parks",
    "water",
    "wildlife",
    "and",
    "safety",
    "with",
    "office",
    "hours",
    "and",
    "contact",
    "details",
]
CSS = (
    "body{font:16px/1.5 sans-serif;margin:0;color:#1b1b1b}header,footer{background:#1a4480;color:#fff;padding:1rem}"
    "a{color:#005ea2}main{max-width:60rem;margin:auto;padding:1rem}nav a{color:#fff;margin-right:1rem}"
    ".card{border:1px solid #ddd;padding:1rem;margin:1rem 0}img{max-width:100%;height:auto}" * 4
)
JS = (
    "document.addEventListener('DOMContentLoaded',()=>{const t=document.querySelectorAll('.card');"
    "t.forEach((c,i)=>c.dataset.i=i);});"
)
SVG = (
    "<svg xmlns='http://www.w3.org/2000/svg' width='800' height='300' viewBox='0 0 800 300'>"
    "<rect width='800' height='300' fill='#dfe1e2'/><circle cx='400' cy='150' r='90' fill='#1a4480'/></svg>"
)


def paragraph(seed: int, n: int = 60) -> str:
    return " ".join(WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(n)).capitalize() + "."


def page_html(i: int, total: int, per_section: int) -> str:
    section = i // per_section
    children = (
        [j for j in range(section * per_section + 1, min(total, (section + 1) * per_section))]
        if i % per_section == 0
        else []
    )
    nav = "".join(
        f"<a href='/p{s * per_section}.html'>Section {s}</a>" for s in range(min(8, total // per_section or 1))
    )
    links = "".join(
        f"<li><a href='/p{j}.html'>Service {j}: {WORDS[j % len(WORDS)]} guidance</a></li>" for j in children
    )
    cards = "".join(f"<div class='card'><h3>Topic {k}</h3><p>{paragraph(i + k)}</p></div>" for k in range(6))
    title = "Home | Benchmark Agency" if i == 0 else f"Service {i}: {WORDS[i % len(WORDS)]} | Benchmark Agency"
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{title}</title>"
        f"<meta name='description' content='{paragraph(i, 14)}'><link rel='stylesheet' href='/site.css'>"
        f"<script src='/site.js' defer></script></head><body><a href='#main'>Skip to main content</a>"
        f"<header><p>Benchmark Agency</p><nav aria-label='Main'>{nav}</nav></header>"
        f"<main id='main'><h1>{title.split(' |')[0]}</h1><img src='/hero.svg' alt='Agency emblem' width='800' "
        f"height='300'><h2>Overview</h2><p>{paragraph(i)}</p><ul>{links}</ul><h2>Details</h2>{cards}</main>"
        f"<footer><a href='/p0.html'>Home</a> <a href='/privacy.html'>Privacy</a> "
        f"<a href='/accessibility.html'>Accessibility</a> <a href='/contact.html'>Contact</a></footer></body></html>"
    )


def build_site(total: int, origin: str) -> dict[str, tuple[bytes, str]]:
    per_section = max(10, int(total**0.5) + 1)
    files: dict[str, tuple[bytes, str]] = {
        "/site.css": (CSS.encode(), "text/css"),
        "/site.js": (JS.encode(), "text/javascript"),
        "/hero.svg": (SVG.encode(), "image/svg+xml"),
        "/robots.txt": (f"User-agent: *\nAllow: /\nSitemap: {origin}/sitemap.xml\n".encode(), "text/plain"),
    }
    for i in range(total):
        files[f"/p{i}.html"] = (page_html(i, total, per_section).encode(), "text/html; charset=utf-8")
    # The navigation reaches eight sections; a sitemap lists every page (bench/heavysite.py).
    add_site_files(files, total, origin)
    return files


class Site:
    def __init__(self, files: dict[str, tuple[bytes, str]]) -> None:
        outer = self.files = files

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave at once (otherwise Nagle's algorithm holds the body
            # back for the client's delayed ACK: about 40 ms a response on loopback).
            disable_nagle_algorithm = True

            def log_message(self, *a: object) -> None:
                pass

            def do_GET(self) -> None:
                body, ctype = outer.get(self.path.split("?")[0], (b"not found", "text/plain"))
                self.send_response(200 if self.path.split("?")[0] in outer else 404)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that gave up is no news
                    super().handle_error(request, client_address)  # type: ignore[arg-type]

        self.httpd = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()


# --------------------------------------------------------------------------- memory


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_kind(cmdline: str) -> str:
    """What a process of a tool's tree is, from its command line."""
    # Chromium rewrites its command line as one string with spaces: the program is the first word
    exe = Path(cmdline.replace("\0", " ").split(" ", 1)[0]).name
    for switch, kind in (("--type=renderer", "renderer"), ("--type=gpu-process", "gpu"), ("--type=zygote", "zygote")):
        if switch in cmdline:
            return kind
    if "--type=" in cmdline:
        return "utility"
    if "chrom" in exe:
        return "browser"
    if exe.startswith("node"):
        return "node"
    if exe.startswith("python"):
        return "python"
    return "other"


class CpuTrace:
    """CPU seconds (user + system) of every process seen in a tool's tree, by kind. Each process's
    figure is its last reading: a process that ends between two samples loses at most 0.25 s of
    its time."""

    def __init__(self) -> None:
        self.seen: dict[int, tuple[str, int]] = {}  # pid -> (kind, utime + stime in clock ticks)

    def see(self, pid: int, stat: str) -> None:
        fields = stat.rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
        kind = self.seen[pid][0] if pid in self.seen else None
        if kind is None:
            try:
                with open(f"/proc/{pid}/cmdline") as fh:
                    kind = process_kind(fh.read())
            except OSError:
                kind = "other"
        self.seen[pid] = (kind, ticks)

    def by_kind(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for kind, ticks in self.seen.values():
            out[kind] = out.get(kind, 0.0) + ticks / CLOCK_TICKS
        return out


def machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of every core since boot, from /proc/stat's first line."""
    with open("/proc/stat") as fh:
        values = [int(v) for v in fh.readline().split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    total = sum(values[:8])  # user nice system idle iowait irq softirq steal (guest time is in user)
    return total - idle, total


def tree_pss_kib(root: int, cpu: CpuTrace | None = None) -> tuple[int, int]:
    """PSS of a process and all its descendants, and of the process alone (KiB); with ``cpu``, each
    process's CPU time is noted too."""
    children: dict[int, list[int]] = {}
    stats: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    stat = fh.read()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
                stats[int(entry)] = stat
            except (OSError, ValueError, IndexError):
                continue
    total, own, stack = 0, 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        if cpu is not None and pid in stats:
            cpu.see(pid, stats[pid])
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        own = own or (int(line.split()[1]) if pid == root else 0)
                        break
        except OSError:
            continue
    return total, own


Sample = tuple[int, int, int, int]  # tree PSS KiB, the tool's own process PSS KiB, pages gathered, pages measured


def run_measured(
    cmd: list[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    progress: Callable[[], tuple[int, int]] | None = None,
    usage: dict[str, Any] | None = None,
) -> tuple[float, int, list[Sample]]:
    """Run a command; return (wall seconds, peak tree PSS KiB, samples every 0.25 s). The command's
    CPU use is added to ``usage`` when given: ``cpu_s`` (every process of its tree), ``cpu_by_kind``
    (sampled), ``busy`` and ``total`` (the whole machine's clock ticks)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy0, total0 = machine_ticks()
    cpu = CpuTrace()
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env={**os.environ, **(env or {})}, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    samples: list[Sample] = []
    while proc.poll() is None:
        total, own = tree_pss_kib(proc.pid, cpu)
        samples.append((total, own, *(progress() if progress else (0, 0))))
        time.sleep(0.25)
    wall = time.perf_counter() - start
    busy1, total1 = machine_ticks()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if usage is not None:
        # getrusage counts only processes their parents waited for (Chromium's zygote's children are
        # not always), the samples miss each process's last 0.25 s at most: the larger of the two
        waited = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        kinds = usage.setdefault("cpu_by_kind", {})
        for kind, seconds in cpu.by_kind().items():
            kinds[kind] = kinds.get(kind, 0.0) + seconds
        usage["cpu_s"] = usage.get("cpu_s", 0.0) + max(waited, sum(cpu.by_kind().values()))
        usage["busy"] = usage.get("busy", 0) + busy1 - busy0
        usage["total"] = usage.get("total", 0) + total1 - total0
    if proc.returncode not in (0, 1, 2):  # pa11y-ci exits 2 when it finds issues
        print(f"  ! {' '.join(cmd[:3])} exited {proc.returncode}: {proc.stderr.read()[-400:]}", file=sys.stderr)
    return wall, max((s[0] for s in samples), default=0), samples


def pages_done(db: Path) -> Callable[[], tuple[int, int]]:
    """(pages gathered, pages with their performance measured), read from the run's SQLite store."""

    def count() -> tuple[int, int]:
        if not db.exists():
            return 0, 0
        try:
            with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)) as con:
                gathered = con.execute("select count(*) from page where status != 'pending'").fetchone()[0]
                measured = con.execute("select count(*) from page where artifacts like '%performance%'").fetchone()[0]
                return int(gathered), int(measured)
        except sqlite3.Error:
            return 0, 0

    return count


def pss_by_progress(samples: list[Sample], total: int) -> list[int]:
    """Tree PSS (MiB) at the first sample past each tenth of the pages gathered (the concurrent phase)."""
    marks: list[int] = []
    for tenth in range(1, 11):
        hit = next((s[0] for s in samples if s[2] >= total * tenth / 10), None)
        if hit is not None:
            marks.append(round(hit / 1024))
    return marks


def pss_by_phase(samples: list[Sample], total: int) -> dict[str, tuple[int, int]]:
    """Peak (tree, own process) PSS in MiB for each phase of the audit."""
    phases: dict[str, list[Sample]] = {}
    for s in samples:
        _, _, gathered, measured = s
        if gathered == 0:
            name = "discovery"
        elif gathered < total:
            name = "concurrent"
        elif measured < total:
            name = "performance"
        else:
            name = "scoring and reports"
        phases.setdefault(name, []).append(s)
    return {
        name: (round(max(s[0] for s in group) / 1024), round(max(s[1] for s in group) / 1024))
        for name, group in phases.items()
    }


# --------------------------------------------------------------------------- tools


def maturity(origin: str, pages: int, concurrency: int, work: Path, attempt: int) -> dict:
    db = work / f"m{concurrency}-{attempt}.db"
    cmd = [
        sys.executable,
        "-m",
        "maturity",
        "audit",
        origin + "/",
        "--db",
        str(db),
        "--out",
        str(work / "out"),
        "--max-pages",
        str(pages),
        "--max-depth",
        "4",
        "--concurrency",
        str(concurrency),
        "--throttle",
        "none",
        "--perf-runs",
        "1",
        "--perf-pages",
        "0",
        "--delay",  # the tool's own speed: no politeness pacing (0.2 s between page loads by default)
        "0",
        "--quiet",
    ]
    usage: dict[str, Any] = {}
    wall, peak, samples = run_measured(cmd, progress=pages_done(db), usage=usage)
    out = subprocess.run(
        [sys.executable, "-m", "maturity", "runs", "--db", str(db), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    run = json.loads(out.stdout.splitlines()[0])
    timings = json.loads(
        sqlite3.connect(db).execute("select timings from crawl where id=?", (run["run"],)).fetchone()[0]
    )
    n = run["pages"]
    return {
        "tool": f"maturity c={concurrency}",
        "pages": n,
        "wall": wall,
        "per_page": wall / n,
        "concurrent": timings["concurrent_s"] / n,
        "performance": timings["performance_s"] / n,
        "discover": timings["discover_s"] / n,
        # start-up, launching the browser, scoring and the reports: what the two phases leave
        "other": (wall - timings["concurrent_s"] - timings["performance_s"] - timings["discover_s"]) / n,
        "peak_mib": peak / 1024,
        "pss_by_tenth_mib": pss_by_progress(samples, n),
        "pss_by_phase_mib": pss_by_phase(samples, n),
        **cpu_figures(usage, n),
    }


def lighthouse(urls: list[str], work: Path) -> dict | None:
    exe = PEERS / "lighthouse"
    if not exe.exists():
        return None
    walls, peak = [], 0
    usage: dict[str, Any] = {}
    for url in urls:
        cmd = [
            str(exe),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={work / 'lh.json'}",
            f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        ]
        wall, p, _ = run_measured(cmd, env={"CHROME_PATH": "/usr/bin/chromium"}, usage=usage)
        walls.append(wall)
        peak = max(peak, p)
    return {
        "tool": "Lighthouse (all categories)",
        "pages": len(urls),
        "wall": sum(walls),
        "per_page": statistics.median(walls),
        "peak_mib": peak / 1024,
        **cpu_figures(usage, len(urls)),
    }


def pa11y_ci(urls: list[str], work: Path) -> dict | None:
    exe = PEERS / "pa11y-ci"
    if not exe.exists():
        return None
    config = {
        "defaults": {
            "runners": ["axe"],
            "timeout": 60000,
            "chromeLaunchConfig": {"executablePath": "/usr/bin/chromium", "args": CHROME_FLAGS},
        },
        "urls": urls,
    }
    (work / "pa11y.json").write_text(json.dumps(config))
    usage: dict[str, Any] = {}
    wall, peak, _ = run_measured([str(exe), "--config", str(work / "pa11y.json")], usage=usage)
    return {
        "tool": "pa11y-ci (axe)",
        "pages": len(urls),
        "wall": wall,
        "per_page": wall / len(urls),
        "peak_mib": peak / 1024,
        **cpu_figures(usage, len(urls)),
    }


def cpu_figures(usage: dict[str, Any], pages: int) -> dict[str, Any]:
    """CPU seconds per page, in all and by process kind, and the machine's busy share while it ran."""
    return {
        "cpu_per_page": usage["cpu_s"] / pages,
        "cpu_by_kind": {k: v / pages for k, v in sorted(usage["cpu_by_kind"].items(), key=lambda kv: -kv[1])},
        "busy_share": usage["busy"] / usage["total"] if usage["total"] else 0.0,
    }


def median_row(runs: list[dict]) -> dict:
    """One row per tool: the median of every figure over the repeats, and the spread of s/page."""
    row = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, float | int) and key != "pages":
            row[key] = statistics.median(r[key] for r in runs)
    row["runs"] = len(runs)
    row["spread"] = (min(r["per_page"] for r in runs), max(r["per_page"] for r in runs))
    # The memory trace is a shape, not a figure: keep the one with the highest peak.
    worst = max(runs, key=lambda r: r["peak_mib"])
    row["pss_by_tenth_mib"] = worst.get("pss_by_tenth_mib", [])
    row["pss_by_phase_mib"] = worst.get("pss_by_phase_mib", {})
    kinds = {k for r in runs for k in r.get("cpu_by_kind", {})}
    by_kind = {k: statistics.median(r.get("cpu_by_kind", {}).get(k, 0.0) for r in runs) for k in kinds}
    row["cpu_by_kind"] = dict(sorted(by_kind.items(), key=lambda kv: -kv[1]))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--lighthouse-pages", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3, help="runs of every tool; figures are medians")
    parser.add_argument("--only", choices=["maturity", "all"], default="all")
    parser.add_argument(
        "--site",
        choices=["light", "heavy"],
        default="light",
        help="light: generated text pages; heavy: agency-like pages (bench/heavysite.py)",
    )
    args = parser.parse_args()

    if not shutil.which("chromium") and not Path("/usr/bin/chromium").exists():
        sys.exit("needs /usr/bin/chromium (apt-get install chromium)")
    site = Site({})
    tags: Site | None = None
    if args.site == "heavy":
        from heavysite import build_heavy_site, tag_files

        tags = Site(tag_files())  # the third-party-like host: another name for this machine
        tag_origin = tags.origin.replace("127.0.0.1", "localhost")
        site.files.update(build_heavy_site(args.pages, site.origin, tag_origin))
    else:
        site.files.update(build_site(args.pages, site.origin))
    urls = [f"{site.origin}/p{i}.html" for i in range(args.pages)]
    print(
        f"site: {site.origin} ({args.pages} {args.site} pages), {os.cpu_count()} cores, {args.repeat} runs each",
        flush=True,
    )
    runs: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for attempt in range(args.repeat):
            # Tools interleave within each repeat, so drift on the machine touches all of them alike.
            measured = [maturity(site.origin, args.pages, c, work, attempt) for c in args.concurrency]
            if args.only == "all":
                for row in (pa11y_ci(urls, work), lighthouse(urls[: args.lighthouse_pages], work)):
                    if row:
                        measured.append(row)
                    elif attempt == 0:
                        print("  skipped a peer: run `bash bench/install-peers.sh` first", flush=True)
            for row in measured:
                runs.setdefault(row["tool"], []).append(row)
                print(f"  run {attempt + 1}: {row['tool']} {row['per_page']:.2f} s/page", flush=True)
    site.close()
    if tags is not None:
        tags.close()
    rows = [median_row(r) for r in runs.values()]

    print()
    print(f"medians of {args.repeat} runs")
    print(
        f"{'tool':<28} {'pages':>5} {'s/page':>7} {'min-max':>11} {'concurrent':>10} {'perf':>6} {'discover':>8} "
        f"{'other':>6} {'peak PSS MiB':>12}"
    )
    for r in rows:
        conc = f"{r['concurrent']:.2f}" if "concurrent" in r else "-"
        perf = f"{r['performance']:.2f}" if "performance" in r else "-"
        spread = f"{r['spread'][0]:.2f}-{r['spread'][1]:.2f}"
        disc = f"{r['discover']:.2f}" if "discover" in r else "-"
        other = f"{r['other']:.2f}" if "other" in r else "-"
        print(
            f"{r['tool']:<28} {r['pages']:>5} {r['per_page']:>7.2f} {spread:>11} {conc:>10} {perf:>6} {disc:>8} "
            f"{other:>6} {r['peak_mib']:>12.0f}"
        )
    best = min((r for r in rows if r["tool"].startswith("maturity")), key=lambda r: r["per_page"])
    print()
    for r in rows:
        if not r["tool"].startswith("maturity"):
            print(
                f"{r['tool']}: {r['per_page'] / best['per_page']:.1f}x slower per page than {best['tool']} "
                f"(whole audit); {r['per_page'] / best['concurrent']:.1f}x against its concurrent phase"
            )
    print()
    print("CPU seconds per page (user + system, every process of the tool's tree), by process kind, and the")
    print("machine's busy share while the tool ran (all cores; 100 % = every core busy), medians:")
    for r in rows:
        kinds = ", ".join(f"{k} {v:.2f}" for k, v in r["cpu_by_kind"].items() if v >= 0.005)
        print(f"  {r['tool']}: {r['cpu_per_page']:.2f} s/page ({kinds}); machine busy {r['busy_share']:.0%}")
    for r in rows:
        if r.get("pss_by_tenth_mib"):
            print(f"{r['tool']}: tree PSS (MiB) after each tenth of the pages: {r['pss_by_tenth_mib']}")
            phases = ", ".join(f"{k} {t} ({o})" for k, (t, o) in r["pss_by_phase_mib"].items())
            print(f"{r['tool']}: peak PSS by phase, tree (maturity's own process), MiB: {phases}")


if __name__ == "__main__":
    main()
