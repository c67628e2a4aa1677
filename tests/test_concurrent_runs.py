"""Two runs writing to one SQLite database at once both complete intact, and their writes overlap."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sites import Resource, SiteServer, html
from sqlmodel import Session, select

from maturity.store import Page, Store

pytestmark = pytest.mark.browser


def site(name: str) -> dict:
    links = "".join(f"<a href='/{i}'>{name} page {i}</a> " for i in range(1, 7))
    pages = {"/": html(f"{name} home page for the test", f"<h1>{name}</h1><p>{links}</p>")}
    for i in range(1, 7):
        pages[f"/{i}"] = Resource(html(f"{name} page number {i} here", f"<h1>{name} {i}</h1>"), delay=0.1)
    return pages


def test_two_runs_share_one_sqlite_database(tmp_path):
    db = tmp_path / "shared.db"
    Store(f"sqlite:///{db}")  # create the schema first, as the first of two runs would
    with SiteServer(site("Alpha")) as alpha, SiteServer(site("Beta")) as beta:
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "maturity",
                    "audit",
                    server.url("/"),
                    "--db",
                    str(db),
                    "--quiet",
                    "--concurrency",
                    "1",
                    "--throttle",
                    "none",
                    "--perf-pages",
                    "0",
                    "--out",
                    str(tmp_path / "out"),
                ],
                cwd=tmp_path,
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for server in (alpha, beta)
        ]
        results = [p.communicate(timeout=120) for p in procs]
    for proc, (_, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
    store = Store(f"sqlite:///{db}")
    runs = store.runs()
    assert len(runs) == 2 and all(r.crawl.status == "finished" and r.scoring for r in runs)
    windows = []
    for run in runs:
        pages = store.load_pages(run.crawl.id)
        assert len(pages) == 7 and all(p.status == "ok" for p in pages)
        assert all(p.url.startswith(run.crawl.target_url) for p in pages)  # no page landed in the other run
        with Session(store.engine) as session:
            times = session.exec(select(Page.finished_at).where(Page.crawl_id == run.crawl.id)).all()
        windows.append((min(times), max(times)))
    (a_start, a_end), (b_start, b_end) = windows
    assert a_start < b_end and b_start < a_end, f"the runs did not overlap: {windows}"
