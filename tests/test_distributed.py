"""Two real Celery workers (no eager mode) audit a portfolio over the local Redis into PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import pytest
import sqlalchemy as sa
from sites import Resource, SiteServer, html

from maturity.core.model import Outcome
from maturity.core.rubric import builtin_rubric
from maturity.core.settings import AuditSettings
from maturity.run.audit import audit
from maturity.run.distributed import job_key, make_app, make_job, run_distributed, run_job
from maturity.store import DuplicateTask, Store

pytestmark = pytest.mark.browser

REDIS = os.environ.get("MATURITY_TEST_REDIS", "redis://127.0.0.1:6379/0")
TIMING = {
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "server-response-time",
    "total-byte-weight",
    "speed-index-proxy",
}


def redis_up() -> str | None:
    try:
        import redis

        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
        return None
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


@pytest.fixture
def postgres_db(request, tmp_path):
    """A PostgreSQL database made and dropped for the test (required in CI)."""
    from conftest import POSTGRES_ADMIN_URL, _postgres_available

    problem = _postgres_available() or redis_up()
    if problem:
        if os.environ.get("CI") or os.environ.get("MATURITY_REQUIRE_SERVICES"):
            pytest.fail(f"PostgreSQL and Redis are required in CI: {problem}")
        pytest.skip(problem)
    name = f"maturity_dist_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    Store(url).engine.dispose()  # migrate once, before the workers race to
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def agency_site(name: str) -> dict:
    return {
        "/": html(f"{name} agency home page", f"<h1>{name}</h1><p><a href='/services'>Our services</a></p>"),
        "/services": html(
            f"{name} services and forms", "<h1>Services</h1><img src='/logo.svg' width='10' height='10'>"
        ),
        "/logo.svg": Resource(
            "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>", content_type="image/svg+xml"
        ),
    }


def settings_for(url: str) -> AuditSettings:
    return AuditSettings(
        url=url,
        max_pages=5,
        concurrency=1,
        throttle="none",
        page_timeout=10,
        user_agent="maturity-tests",
        perf_pages=0,
    )


def outcomes(card, origin: str) -> set[tuple[str, str, str]]:
    return {
        ((r.url or "").replace(origin, ""), r.check_id, r.outcome.value)
        for r in card.all_results()
        if r.check_id not in TIMING
    }


def test_two_workers_share_a_portfolio_and_match_a_local_run(postgres_db, tmp_path, shared_browser):
    queue = f"maturity-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "MATURITY_BROKER": REDIS, "MATURITY_QUEUE": queue, "MATURITY_DB": postgres_db}
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "maturity", "worker", "--hostname", f"w{i}@test", "--loglevel", "WARNING"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in (1, 2)
    ]
    names = ["Parks", "Revenue", "Health", "Transport"]
    servers = [SiteServer(agency_site(n)) for n in names]
    try:
        for server in servers:
            server.__enter__()
        run_id = uuid.uuid4().hex[:8]
        jobs = [
            make_job(
                key=job_key(run_id, s.url("/")),
                settings=settings_for(s.url("/")),
                agency=n,
                portfolio="test",
            )
            for n, s in zip(names, servers, strict=True)
        ]
        app = make_app(REDIS, queue)
        started = time.monotonic()
        results = run_distributed(jobs, timeout=240, celery_app=app)
        assert time.monotonic() - started < 240
        assert [r["status"] for r in results] == ["finished"] * 4, results
        assert {r["worker"] for r in results} == {"w1@test", "w2@test"}, "each worker handles at least one task"

        store = Store(postgres_db)
        assert len(store.runs()) == 4  # one crawl per site, no duplicates
        # A redelivered task (same key) does nothing new.
        again = run_job(jobs[0], worker="test", store=store, out_dir=tmp_path / "out", browser=shared_browser)
        assert again["repeated"] and again["crawl_id"] == results[0]["crawl_id"]
        assert len(store.runs()) == 4
        # The command line's distributed portfolio run, given the same run id, finds every site done.
        portfolio = tmp_path / "portfolio.yaml"
        portfolio.write_text(
            "id: test\nagencies:\n"
            + "".join(f"  - name: {n}\n    sites: [{s.url('/')}]\n" for n, s in zip(names, servers, strict=True))
        )
        cli = subprocess.run(
            [
                sys.executable,
                "-m",
                "maturity",
                "portfolio",
                "run",
                str(portfolio),
                "--distributed",
                "--run-id",
                run_id,
                "--db",
                postgres_db,
                "--quiet",
            ],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert cli.returncode == 0, cli.stderr
        assert cli.stdout.count("(already") == 4, cli.stdout  # every site: "finished (already done)"
        assert len(store.runs()) == 4
        with pytest.raises(DuplicateTask):
            store.begin_crawl("http://127.0.0.1/", settings={}, tool_version="t", task_key=jobs[1]["key"])

        # The same audits run locally give the same non-timing outcomes.
        local = Store(f"sqlite:///{tmp_path / 'local.db'}")
        for server, result in zip(servers, results, strict=True):
            here = audit(
                settings_for(server.url("/")), local, builtin_rubric(), tmp_path / "local-out", browser=shared_browser
            )
            _, remote = store.latest_scorecard(result["crawl_id"])
            assert outcomes(remote, server.origin) == outcomes(here.scorecard, server.origin)
            assert any(r.outcome == Outcome.FAIL and r.check_id == "axe/image-alt" for r in remote.all_results())
    finally:
        for server in servers:
            server.__exit__(None, None, None)
        for w in workers:
            w.terminate()
        for w in workers:
            try:
                w.wait(20)
            except subprocess.TimeoutExpired:
                w.kill()


def test_redelivered_task_resumes_a_dead_workers_crawl(tmp_path, shared_browser, monkeypatch):
    """The first delivery's worker died after discovery: the second delivery finishes that crawl,
    once the first worker's lease has gone stale (before that, it steps aside)."""
    monkeypatch.setenv("MATURITY_LEASE_SECONDS", "0.3")
    from crawlers.discover import DiscoverySettings, discover
    from crawlers.netpolicy import AddressPolicy
    from crawlers.transport import make_client
    from maturity.run.audit import planned_pages

    db = f"sqlite:///{tmp_path / 'd.db'}"
    with SiteServer(agency_site("Water")) as server:
        settings = settings_for(server.url("/"))
        job = make_job(key=job_key("run", server.url("/")), settings=settings)
        store = Store(db)
        policy = AddressPolicy("127.0.0.1")
        with make_client(user_agent="t", page_timeout=10, policy=policy, loopback_only=True) as client:
            found = discover(client, settings.url, DiscoverySettings(user_agent="t", max_pages=5))
        crawl_id = store.begin_crawl(
            found.site.start_url, settings=settings.recorded(), tool_version="t", task_key=job["key"]
        )
        store.set_site(crawl_id, found.site, len(found.pages))
        store.plan_pages(crawl_id, planned_pages(found))  # ... and then the worker died
        early = run_job(job, worker="second", store=store, out_dir=tmp_path / "out", browser=shared_browser)
        assert early["status"] == "running elsewhere"  # its lease is fresh: the first may still be alive
        time.sleep(1.0)  # three missed renewals: the first worker is gone
        before = len(server.requests)
        result = run_job(job, worker="second", store=store, out_dir=tmp_path / "out", browser=shared_browser)
    assert result["status"] == "finished" and result["crawl_id"] == crawl_id and not result["repeated"]
    assert len(store.runs()) == 1 and store.crawl(crawl_id).status == "finished"
    assert "/robots.txt" not in [p for _, p in server.requests[before:]]  # resumed, not rediscovered


def test_a_job_carries_the_agencys_attestations_to_a_worker_without_the_file(tmp_path, shared_browser):
    """The coordinator reads the attestation file; the worker, on another machine, gets its content."""
    import datetime as dt

    from maturity.core.attest import parse_attestations
    from maturity.core.rubric import resolve_rubric

    rubric = resolve_rubric("idea-act")
    questions = [p.question for d in rubric.rubric.dimensions for p in d.parameters if p.question]
    today = dt.date.today().isoformat()
    text = "agency: Water\nattestations:\n" + "".join(
        f"  - {{question: {q}, answer: true, evidence: 'https://intranet.example/', date: '{today}'}}\n"
        for q in questions
    )
    read = parse_attestations(text.encode(), "coordinator/answers.yaml")
    db = f"sqlite:///{tmp_path / 'd.db'}"
    with SiteServer(agency_site("Water")) as server:
        settings = settings_for(server.url("/"))
        # the worker has no attestation file and no rubric file: the job carries their content
        job = make_job(key=job_key("run", server.url("/")), settings=settings, rubric=rubric, attestations=read)
        result = run_job(job, worker="w1", store=Store(db), out_dir=tmp_path / "out", browser=shared_browser)
    assert result["status"] == "finished", result
    _, card = Store(db).latest_scorecard(result["crawl_id"])
    by_id = {r.check_id: r.outcome for r in card.all_results()}
    assert all(by_id[f"attest/{q}"] == Outcome.PASS for q in questions)
    assert Store(db).load_site(result["crawl_id"]).attestations.source == "coordinator/answers.yaml"


def test_a_job_naming_a_database_or_a_path_is_refused_by_the_worker(tmp_path):
    """Whoever can write to the queue cannot point a worker at another database, folder or browser."""
    store = Store(f"sqlite:///{tmp_path / 'own.db'}")
    job = make_job(key=job_key("run", "http://127.0.0.1:9/"), settings=settings_for("http://127.0.0.1:9/"))
    for extra in (
        {"db": f"sqlite:///{tmp_path / 'elsewhere.db'}"},
        {"out": str(tmp_path / "elsewhere")},
        {"settings": {**job["settings"], "browser_path": "/bin/sh"}},
    ):
        result = run_job({**job, **extra}, worker="w", store=store, out_dir=tmp_path / "out", browser=object())
        assert result["status"] == "failed" and result["exit_code"] == 2, result
    assert store.runs() == [] and not (tmp_path / "elsewhere.db").exists() and not (tmp_path / "elsewhere").exists()


def test_a_killed_workers_site_is_taken_over_within_seconds_not_hours(postgres_db, tmp_path, monkeypatch):
    """SIGKILL a worker mid-audit (no chance to clean up): its lease stops being renewed, the
    coordinator queues the site again, and a second worker resumes the same crawl. The broker's own
    redelivery (the visibility timeout) is minutes away, so only the lease can explain the finish."""
    import signal
    import threading

    # A lease of 3 s: stale after 9 s, and a site queued again is given 9 s to be taken before it is
    # queued once more. With 1 s (3 s to start a worker and take the lease), a loaded machine queued
    # it twice: the second worker was still starting.
    monkeypatch.setenv("MATURITY_LEASE_SECONDS", "3")
    queue = f"maturity-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "MATURITY_BROKER": REDIS,
        "MATURITY_QUEUE": queue,
        "MATURITY_DB": postgres_db,
        "MATURITY_LEASE_SECONDS": "3",
    }
    served: dict[str, int] = {}

    def slow(path: str, title: str) -> Resource:
        served[path] = served.get(path, 0) + 1  # discovery's fetch is quick; the browser's are slow
        return Resource(html(title, f"<h1>{title}</h1>"), delay=1.5 if served[path] > 1 else 0)

    routes: dict = {"/": html("Slow agency", "".join(f"<a href='/p{i}'>Page {i}</a> " for i in range(7)))}
    for i in range(7):
        routes[f"/p{i}"] = lambda i=i: slow(f"/p{i}", f"Slow page {i}")

    def start(name: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "maturity", "worker", "--hostname", name, "--loglevel", "WARNING"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the kill takes its browser too
        )

    first = start("w1@test")
    second = None
    store = Store(postgres_db)
    try:
        with SiteServer(routes) as server:
            settings = AuditSettings(
                url=server.url("/"), max_pages=8, concurrency=1, throttle="none", page_timeout=10, perf_pages=0
            )
            job = make_job(key=job_key(uuid.uuid4().hex[:8], server.url("/")), settings=settings)
            requeued: list[str] = []
            outcome: dict = {}

            def coordinate() -> None:
                outcome["results"] = run_distributed(
                    [job],
                    timeout=150,
                    celery_app=make_app(REDIS, queue),
                    store=store,
                    on_requeue=lambda j: requeued.append(j["url"]),
                )

            coordinator = threading.Thread(target=coordinate)
            coordinator.start()
            deadline = time.monotonic() + 90
            crawl = None
            while time.monotonic() < deadline:  # the first worker holds the crawl and renews its lease
                crawl = store.crawl_for_key(job["key"])
                if crawl is not None and crawl.worker == "w1@test" and len(store.done_urls(crawl.id)) >= 1:
                    break
                time.sleep(0.3)
            assert crawl is not None and crawl.worker == "w1@test", "the first worker never held the crawl"
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(10)
            killed_at = time.monotonic()
            second = start("w2@test")
            coordinator.join(150)
            assert not coordinator.is_alive()
            took = time.monotonic() - killed_at
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
    [result] = outcome["results"]
    assert result["status"] == "finished" and result["worker"] == "w2@test", result
    assert result["crawl_id"] == crawl.id  # the same crawl, resumed, not a second one
    assert requeued == [server.url("/")]
    assert took < 120  # seconds after the kill, where the broker alone would wait its visibility timeout
    assert store.crawl(crawl.id).status == "finished" and len(store.runs()) == 1
    assert len(store.load_pages(crawl.id)) == 8
