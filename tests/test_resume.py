"""A portfolio run killed with SIGKILL part-way resumes without fetching any finished page again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sites import Resource, SiteServer, html

from maturity.store import Store

pytestmark = pytest.mark.browser

N_PAGES = 10


def routes() -> dict:
    links = "".join(f"<li><a href='/p{i}'>Service page number {i}</a></li>" for i in range(1, N_PAGES))
    site = {"/": html("Resumable fixture home page", f"<h1>Home</h1><ul>{links}</ul>")}
    for i in range(1, N_PAGES):
        body = f"<h1>Page {i}</h1><p>Content of page {i}.</p>" + ("<img src='/x.svg'>" if i % 3 == 0 else "")
        site[f"/p{i}"] = Resource(html(f"Service page number {i} of the fixture", body), delay=0.15)
    site["/x.svg"] = Resource(
        "<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>", content_type="image/svg+xml"
    )
    return site


def cli(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "maturity", *args, "--quiet"],
        cwd=cwd,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def finished_pages(db: Path) -> int:
    engine = sa.create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            # finished = not assessable, or audited with its performance measured (the last phase)
            query = "select count(*) from page where status = 'not_assessable' or artifacts like '%\"performance\"%'"
            return conn.execute(sa.text(query)).scalar() or 0
    except sa.exc.OperationalError:
        return 0
    finally:
        engine.dispose()


def outcomes(store: Store, crawl_id: int, origin: str) -> set[tuple[str, str, str]]:
    """(page, check, outcome) for everything but timing metrics, which differ run to run."""
    _, card = store.latest_scorecard(crawl_id)
    timing = {
        "first-contentful-paint",
        "largest-contentful-paint",
        "total-blocking-time",
        "cumulative-layout-shift",
        "server-response-time",
        "total-byte-weight",
    }
    return {
        ((r.url or "").replace(origin, ""), r.check_id, r.outcome.value)
        for r in card.results
        if r.check_id not in timing
    }


def test_killed_run_resumes_without_refetching(tmp_path):
    common = ["--concurrency", "1", "--throttle", "none", "--perf-pages", "0", "--max-pages", str(N_PAGES)]
    with SiteServer(routes()) as server:
        db = tmp_path / "killed.db"
        portfolio = tmp_path / "portfolio.yaml"
        portfolio.write_text(f"id: resumable\nagencies:\n  - name: Fixture agency\n    sites: [{server.url('/')}]\n")
        proc = cli("portfolio", "run", str(portfolio), "--db", str(db), *common, cwd=tmp_path)
        deadline = time.monotonic() + 90
        while finished_pages(db) < 5:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the audit did not get going"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        store = Store(f"sqlite:///{db}")
        crawl_id = store.runs()[0].crawl.id
        done = store.done_urls(crawl_id)
        assert 5 <= len(done) < N_PAGES, "killed too late to prove anything"
        assert store.crawl(crawl_id).status == "running"

        seen_before = len(server.requests)
        resumed = cli("resume", str(crawl_id), "--db", str(db), cwd=tmp_path)
        _, err = resumed.communicate(timeout=120)
        assert resumed.returncode == 0, err
        fetched_after = [path for _, path in server.requests[seen_before:]]
        for url in done:
            path = url.replace(server.origin, "")
            assert path not in fetched_after, f"{path} was finished before the kill but fetched again"
        assert "/robots.txt" not in fetched_after  # discovery was not repeated

        clean_db = tmp_path / "clean.db"
        whole = cli("audit", server.url("/"), "--db", str(clean_db), *common, cwd=tmp_path)
        _, err = whole.communicate(timeout=120)
        assert whole.returncode == 0, err

    resumed_store, clean_store = Store(f"sqlite:///{db}"), Store(f"sqlite:///{clean_db}")
    assert resumed_store.crawl(crawl_id).status == "finished"
    assert len(resumed_store.load_pages(crawl_id)) == N_PAGES
    clean_id = clean_store.runs()[0].crawl.id
    assert outcomes(resumed_store, crawl_id, server.origin) == outcomes(clean_store, clean_id, server.origin)
