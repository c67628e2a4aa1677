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


def cli(*args: str, cwd: Path, session: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "maturity", *args, "--quiet"],
        cwd=cwd,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=session,  # its own process group, as a terminal gives a command
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
        for r in card.all_results()
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


def rendered_pages(db: Path) -> int:
    engine = sa.create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("select count(*) from page where status != 'pending'")).scalar() or 0
    except sa.exc.OperationalError:
        return 0
    finally:
        engine.dispose()


def slow_routes(n: int = 10, delay: float = 1.2) -> dict:
    links = "".join(f"<li><a href='/s{i}'>Slow service page {i}</a></li>" for i in range(1, n))
    site = {"/": html("Interruptible fixture home", f"<h1>Home</h1><ul>{links}</ul>")}
    for i in range(1, n):
        # the HTML comes at once (discovery is quick); the image keeps the browser's load waiting
        body = f"<h1>Slow {i}</h1><img src='/slow.svg?{i}' alt='Chart {i}' width='4' height='4'>"
        site[f"/s{i}"] = html(f"Slow service page {i} of the fixture", body)
    site["/slow.svg"] = Resource(
        "<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>", content_type="image/svg+xml", delay=delay
    )
    return site


@pytest.mark.parametrize(
    ("signum", "group"),
    [(signal.SIGINT, True), (signal.SIGINT, False), (signal.SIGTERM, False)],
    ids=["ctrl-c at a terminal (the browser gets it too)", "sigint", "sigterm"],
)
def test_ctrl_c_stops_the_audit_and_leaves_pages_under_way_pending(tmp_path, signum, group):
    """Stopping is not a site problem: pages under way are not stored as not assessable, the run
    ends with exit 130 and the resume command, and resuming finishes it with every page audited."""
    n = 10
    with SiteServer(slow_routes(n)) as server:
        db = tmp_path / "stopped.db"
        common = ["--concurrency", "2", "--throttle", "none", "--perf-pages", "1", "--max-pages", str(n)]
        proc = cli("audit", server.url("/"), "--db", str(db), *common, cwd=tmp_path, session=group)
        deadline = time.monotonic() + 90
        while rendered_pages(db) < 2:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the audit did not get going"
            time.sleep(0.05)
        (os.killpg if group else os.kill)(proc.pid, signum)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 130, err
        store = Store(f"sqlite:///{db}")
        crawl_id = store.runs()[0].crawl.id
        assert f"maturity resume {crawl_id}" in err and "Traceback" not in err
        crawl = store.crawl(crawl_id)
        assert crawl.status == "failed" and "interrupted" in (crawl.error or "")
        planned = store.load_pages(crawl_id, include_pending=True)
        assert not [p for p in planned if p.status == "not_assessable"], [(p.url, p.reason) for p in planned]
        assert any(p.status == "pending" for p in planned)

        resumed = cli("resume", str(crawl_id), "--db", str(db), cwd=tmp_path)
        _, err = resumed.communicate(timeout=180)
        assert resumed.returncode == 0, err
    pages = Store(f"sqlite:///{db}").load_pages(crawl_id)
    assert len(pages) == n and all(p.status == "ok" for p in pages)
