"""Known barriers from outside this project (issue 20): what maturity finds against axe-core alone.

Not a test, and the corpus is not part of this project. The GDS accessibility team's audit of
automated tools (2017, https://github.com/alphagov/accessibility-tool-audit; blog post "What we
found when we tested tools on the world's least-accessible webpage") wrote one known barrier per
test, each as a snippet of HTML in its ``tests.json`` with the result they recorded for each tool,
styled by its ``assets/stylesheets/tests.css``. Put those two files in a folder, then:

    python bench/corpus.py --corpus FOLDER
    python bench/corpus.py --corpus FOLDER --json results.json    # every test's outcome, to compare runs

Each test's snippet is served as a page of its own (the page GDS served around it: an English page
titled after the test, the test style sheet; GDS's jQuery helpers are not served) on 127.0.0.1, with
a baseline page built the same way around a plain paragraph. ``maturity audit`` (default rubric,
unthrottled, one page timed, no pacing) audits them all. A test is found by **axe-core** when an
axe-core rule fails on its page, and by **maturity** when any accessibility check fails there
(axe-core's rules or our own); checks that fail on the baseline page (the frame's own failures) are
left out of both. A test whose snippet links to one of GDS's ``example-pages`` (a page's language or
title) is that page, when the folder holds it (``example-pages/*.html``); one whose barrier is in a
file the corpus does not hold (an animated GIF) is counted apart, not as a miss. Images the snippets
name are served as a 1 x 1 PNG. It prints, by category and in all,
the tests, how many each found, and what GDS recorded for axe-core in 2017 ("error" or "warning").
"""

from __future__ import annotations

import argparse
import html
import json
import re
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Checks that failed on a test's page for something other than its barrier, judged by reading each
# page and finding here (2026-12-07, this corpus run): the page flagged, the barrier not named. Kept
# apart so "named" counts only a check whose subject is the test's barrier.
INCIDENTAL = {
    "Focus not visible": {"empty-hash-link"},
    "Table that only has TH elements in it": {"table-caption"},
    "Table has an empty table header": {"table-header-scope"},
    "Background image that conveys information does not have a text alternative": {"reflow"},
    "Identifying links by colour alone": {"empty-hash-link"},
    "Lightbox - close button doesn't receive focus": {"empty-hash-link", "new-window-warning"},
    "Focus order in wrong order": {"adjacent-links", "empty-hash-link"},
    "Lightbox - ESC key doesn't close the lightbox": {"empty-hash-link", "new-window-warning"},
    "Link with a role=button does not work with space bar": {"vague-link-text"},
    "Lightbox - focus is not moved immediately to lightbox": {"empty-hash-link", "new-window-warning"},
    "Lightbox - focus is not retained within the lightbox": {"empty-hash-link", "new-window-warning"},
    "visibility:hidden used to visually hide content when it should be available to screenreader": {"vague-link-text"},
    "display:none used to visually hide content when it should be available to screenreader": {"vague-link-text"},
    "Keyboard trap": {"axe/target-size"},
    "Article element used to mark-up an element that's not an article/blog post etc.": {"axe/target-size"},
    "Object not embedded accessibly - wmode parameter not set to window": {"axe/object-alt"},
    "html element has an empty lang attribute": {"axe/document-title"},
    "html element is missing a lang attribute": {"axe/document-title"},
}
BASELINE = "<p>This page has no barrier: it is the frame every test page shares.</p>"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


def page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Accessibility tools audit test - {html.escape(title)} - GDS accessibility team</title>\n"
        '<link rel="stylesheet" href="/tests.css">\n</head>\n<body>\n'
        f"{body}\n</body>\n</html>\n"
    )


PLACEHOLDER = bytes.fromhex(  # a 1 x 1 PNG for the images the snippets name (the corpus holds none)
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478"
    "9c63606060000000040001f61738550000000049454e44ae426082"
)
TYPES = {"css": "text/css", "xml": "application/xml"}
NEEDS_FILE = re.compile(r"animated-tree\.gif")  # a barrier in an image's own bytes, which the corpus lacks


def corpus(folder: Path) -> tuple[list[dict], dict[str, bytes]]:
    """The tests (category, name, path, GDS's axe result, reproducible or not) and the site's files.
    A test whose snippet links to one of GDS's example pages (the barrier is that page's: its
    language, its title) is that page, when the folder has it under ``example-pages/``."""
    tests_json = json.loads((folder / "tests.json").read_text(encoding="utf-8"))
    css = (folder / "tests.css").read_bytes()
    files: dict[str, bytes] = {"/tests.css": css, "/assets/stylesheets/tests.css": css}  # GDS's pages ask for both
    tests = []
    for category, entries in tests_json.items():
        for name, entry in entries.items():
            path = f"/{slug(category)}/{slug(name)}.html"
            example = str(entry.get("example", ""))
            elsewhere = re.search(r"example-pages/([\w-]+\.html)", example)
            reproduced = not NEEDS_FILE.search(example)
            body = page(name, example).encode()
            if elsewhere:
                whole = folder / "example-pages" / elsewhere.group(1)
                reproduced = whole.is_file()
                body = whole.read_bytes() if reproduced else body
            # two tests on one example page share it (an audit does not read a page twice)
            path = next((p for p, b in files.items() if b == body), path)
            files[path] = body
            tests.append(
                {
                    "category": category,
                    "name": name,
                    "path": path,
                    "gds_axe": (entry.get("results") or {}).get("axe", ""),
                    "reproduced": reproduced,
                }
            )
    files["/baseline.html"] = page("Baseline", BASELINE).encode()
    links = "".join(f'<li><a href="{t["path"]}">{html.escape(t["name"])}</a></li>' for t in tests)
    files["/"] = page("Tests", f'<h1>Tests</h1><ul><li><a href="/baseline.html">Baseline</a></li>{links}</ul>').encode()
    add_sitemap(files)
    return tests, files


def add_sitemap(files: dict[str, bytes]) -> None:
    """A sitemap of every page in ``files`` (``{origin}`` is filled in as it is served)."""
    urls = "".join(f"<url><loc>{{origin}}{p}</loc></url>" for p in files if p.endswith(".html"))
    files["/sitemap.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + urls
        + "</urlset>"
    ).encode()


@contextmanager
def serve(files: dict[str, bytes]) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            body = files.get(path)
            if body is None and re.search(r"\.(png|gif|jpe?g)$", path):
                body = PLACEHOLDER
            if body is None:
                self.send_error(404)
                return
            body = body if body is PLACEHOLDER else body.replace(b"{origin}", origin.encode())
            kind = (
                "image/png" if body is PLACEHOLDER else TYPES.get(path.rsplit(".", 1)[-1], "text/html; charset=utf-8")
            )
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield origin
    finally:
        server.shutdown()


def audit(origin: str, pages: int, work: Path) -> Path:
    db = work / "corpus.db"
    cmd = [sys.executable, "-m", "maturity", "audit", origin + "/", "--db", str(db), "--out", str(work / "out")]
    cmd += ["--max-pages", str(pages), "--concurrency", "2", "--throttle", "none", "--perf-pages", "1"]
    cmd += ["--delay", "0", "--quiet", "--include", r"/(baseline|[a-z0-9-]+/[a-z0-9-]+)\.html$|/$"]
    subprocess.run(cmd, cwd=ROOT, check=False)
    return db


def outcomes(db: Path, origin: str) -> tuple[dict[str, set[str]], set[str], set[str]]:
    """Each page's failing accessibility checks (path -> check ids), the pages audited, and the
    accessibility checks of the rubric."""
    from maturity.core.model import Outcome
    from maturity.store import Store

    store = Store(f"sqlite:///{db}")
    crawl_id = store.last_crawl_id()
    _, card = store.latest_scorecard(crawl_id)
    accessibility = {c.check_id for d in card.dimensions if d.id == "accessibility" for c in d.checks}
    failing: dict[str, set[str]] = {}
    for r in card.all_results():
        if r.url and r.check_id in accessibility and r.outcome == Outcome.FAIL:
            failing.setdefault(r.url[len(origin) :], set()).add(r.check_id)
    audited = {p.url[len(origin) :] for p in card.pages if p.status == "ok"}
    return failing, audited, accessibility


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a folder with GDS's tests.json and tests.css")
    parser.add_argument("--json", type=Path, help="write every test's outcome here")
    args = parser.parse_args()
    tests, files = corpus(args.corpus)
    with tempfile.TemporaryDirectory(prefix="maturity-corpus-") as tmp, serve(files) as origin:
        db = audit(origin, len(tests) + 2, Path(tmp))
        failing, audited, _ = outcomes(db, origin)
    frame = failing.get("/baseline.html", set())
    rows = []
    for t in tests:
        found = failing.get(t["path"], set()) - frame
        axe_ids = sorted(c for c in found if c.startswith("axe/"))
        rows.append({**t, "audited": t["path"] in audited, "axe": axe_ids, "ours": sorted(found - set(axe_ids))})
    print(f"baseline page: {len(frame)} accessibility checks fail there (left out): {', '.join(sorted(frame))}")
    counted = [r for r in rows if r["reproduced"] and r["audited"]]
    apart = [r for r in rows if not (r["reproduced"] and r["audited"])]
    print(f"{len(tests)} tests; {len(counted)} counted; {len(apart)} apart (barrier on another page or a file")
    print("the corpus does not hold, or not audited)\n")
    print(f"{'category':<24} {'tests':>5} {'axe-core':>9} {'maturity':>9} {'GDS 2017 axe':>13}")
    by_category: dict[str, list[dict]] = {}
    for r in counted:
        by_category.setdefault(r["category"], []).append(r)
    for r in counted:
        off = INCIDENTAL.get(r["name"], set())
        r["axe_named"] = [c for c in r["axe"] if c not in off]
        r["ours_named"] = [c for c in r["ours"] if c not in off]
    print("flagged: a check failed on the test's page; named: one whose subject is the barrier (see INCIDENTAL)")
    print(f"{'':<24} {'':>5} {'flagged':>19} {'named':>19}")
    print(
        f"{'category':<24} {'tests':>5} {'axe-core':>9} {'maturity':>9} {'axe-core':>9} {'maturity':>9} {'GDS axe':>8}"
    )
    for category, group in [*sorted(by_category.items()), ("all", counted)]:
        flagged_axe = sum(1 for r in group if r["axe"])
        flagged_us = sum(1 for r in group if r["axe"] or r["ours"])
        named_axe = sum(1 for r in group if r["axe_named"])
        named_us = sum(1 for r in group if r["axe_named"] or r["ours_named"])
        by_gds = sum(1 for r in group if r["gds_axe"] in ("error", "warning"))
        print(
            f"{category[:24]:<24} {len(group):>5} {flagged_axe:>9} {flagged_us:>9} {named_axe:>9} {named_us:>9}"
            f" {by_gds:>8}"
        )
    only_ours = [r for r in counted if r["ours_named"] and not r["axe_named"]]
    print(f"\nnamed by maturity's own checks and not by axe-core ({len(only_ours)}):")
    for r in only_ours:
        print(f"  {r['category']} / {r['name']}: {', '.join(r['ours_named'])}")
    missed = [r for r in counted if not (r["axe_named"] or r["ours_named"])]
    print(f"\nnamed by neither ({len(missed)}): " + "; ".join(r["name"] for r in missed))
    if args.json:
        args.json.write_text(json.dumps({"baseline": sorted(frame), "tests": rows}, indent=1))


if __name__ == "__main__":
    main()
