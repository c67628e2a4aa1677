"""Portfolios: the file formats and their errors, the runner (slots, politeness, the performance gate,
failures that do not stop the run), the store's agency columns and migration, and a real run."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from alembic import command
from factories import page, site
from sites import SiteServer, html
from xdata_fixtures import quarter_start, touchpoints_v2

from maturity.cli.progress import Display
from maturity.core.portfolio import (
    Portfolio,
    PortfolioService,
    PortfolioSite,
    host_key,
    load_portfolio,
    site_settings,
)
from maturity.core.rubric import builtin_rubric
from maturity.core.scoring import score
from maturity.core.settings import AuditSettings
from maturity.core.xdata import fiscal_quarter
from maturity.kernel.errors import BrowserNotFound, ConfigError, SiteUnreachable
from maturity.run.portfolio import HostScheduler, PerfGate, run_portfolio
from maturity.run.xdata import import_file
from maturity.store.store import Store, _migrations_config

YAML = """\
id: georgia
title: Georgia state agencies
tags: {state: GA}
agencies:
  - name: Department of Natural Resources
    tags: {branch: executive, population_tier: large, owner: "web@dnr.ga.example"}
    sites:
      - https://dnr.ga.example/
      - url: https://Parks.GA.example:443/visit
        tags: {owner: "parks@dnr.ga.example"}
  - name: State Library
    sites: [https://library.ga.example/]
"""

CSV = """\
agency,url,state,branch,population tier,owner
# a comment line is skipped
Department of Revenue,https://dor.ga.example/,GA,executive,large,web@dor.ga.example
Court of Appeals,https://gaappeals.example/,GA,judicial,,
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# The file
# ---------------------------------------------------------------------------


def test_yaml_portfolio_merges_tags_and_normalises_urls(tmp_path):
    p = load_portfolio(write(tmp_path, "ga.yaml", YAML))
    assert (p.id, p.title) == ("georgia", "Georgia state agencies")
    assert p.agencies == ["Department of Natural Resources", "State Library"]
    parks = p.sites[1]
    assert parks.url == "https://parks.ga.example/visit"  # the same normalisation discovery uses
    assert parks.tags == {
        "state": "GA",
        "branch": "executive",
        "population_tier": "large",
        "owner": "parks@dnr.ga.example",  # the site's own tag wins
    }
    assert p.sites[2].tags == {"state": "GA"}


def test_attestation_files_are_found_relative_to_the_portfolio(tmp_path):
    (tmp_path / "answers").mkdir()
    (tmp_path / "answers" / "dnr.yaml").write_text("attestations: []\n")
    text = "agencies:\n  - name: A\n    attestations: answers/dnr.yaml\n    sites: [https://a.example/]\n"
    p = load_portfolio(write(tmp_path, "p.yaml", text))
    assert p.sites[0].attestations == str(tmp_path / "answers" / "dnr.yaml") and p.sites[0].tags == {}
    csv_text = "agency,url,attestations\nA,https://a.example/,answers/dnr.yaml\nB,https://b.example/,\n"
    q = load_portfolio(write(tmp_path, "p.csv", csv_text))
    assert [s.attestations for s in q.sites] == [str(tmp_path / "answers" / "dnr.yaml"), None]
    assert q.sites[0].tags == {}  # not a tag
    with pytest.raises(ConfigError, match=r"p2.yaml: agencies\[0\].attestations: attestation file not found"):
        load_portfolio(write(tmp_path, "p2.yaml", text.replace("dnr.yaml", "nope.yaml")))


def test_settings_merge_site_over_agency_over_portfolio_and_options_given_win(tmp_path):
    text = (
        "settings: {max_pages: 40, page_timeout: 20}\n"
        "agencies:\n"
        "  - name: Intranet Office\n"
        "    settings: {allow_private: true, max_pages: 10, exclude: ['/archive/']}\n"
        "    sites:\n"
        "      - https://a.example/\n"
        "      - {url: 'https://b.example/', settings: {max_pages: 200, ignore_robots: true, perf_pages: 0}}\n"
        "  - name: Library\n"
        "    sites: [https://c.example/]\n"
    )
    p = load_portfolio(write(tmp_path, "p.yaml", text))
    assert [s.settings for s in p.sites] == [
        {"max_pages": 10, "page_timeout": 20, "allow_private": True, "exclude": ("/archive/",)},
        {
            "max_pages": 200,
            "page_timeout": 20,
            "allow_private": True,
            "exclude": ("/archive/",),
            "ignore_robots": True,
            "perf_pages": 0,
        },
        {"max_pages": 40, "page_timeout": 20},
    ]
    # No option given on the command line: the file's settings over the built-in defaults.
    a, b, c = (site_settings(site, {}) for site in p.sites)
    assert (a.max_pages, a.allow_private, a.exclude, a.page_timeout, a.max_depth) == (10, True, ("/archive/",), 20, 3)
    assert (b.max_pages, b.ignore_robots, b.perf_sample) == (200, True, None)
    assert (c.max_pages, c.allow_private, c.perf_sample, c.ignore_robots) == (40, False, 10, False)
    # An option given on the command line wins over every level of the file.
    a, b, c = (site_settings(site, {"max_pages": 5, "throttle": "none"}) for site in p.sites)
    assert [s.max_pages for s in (a, b, c)] == [5, 5, 5] and {s.throttle for s in (a, b, c)} == {"none"}
    assert (a.page_timeout, b.perf_sample) == (20, None)  # ...and leaves what it does not name alone


def test_portfolio_settings_are_checked_by_the_settings_model(tmp_path):
    bad = "agencies:\n  - name: A\n    settings: {exclude: ['(']}\n    sites: [https://a.example/]\n"
    with pytest.raises(ConfigError, match=r"p.yaml: agencies\[0\]\.settings\.exclude: not a regular expression"):
        load_portfolio(write(tmp_path, "p.yaml", bad))
    unknown = "agencies:\n  - name: A\n    settings: {max_pagez: 3}\n    sites: [https://a.example/]\n"
    with pytest.raises(ConfigError, match=r"agencies\[0\]\.settings\.max_pagez: unknown key"):
        load_portfolio(write(tmp_path, "p.yaml", unknown))


def test_csv_portfolio_turns_other_columns_into_tags(tmp_path):
    p = load_portfolio(write(tmp_path, "Agencies 2025.csv", CSV))
    assert p.id == "agencies-2025" and len(p.sites) == 2
    assert p.sites[0].tags == {
        "state": "GA",
        "branch": "executive",
        "population_tier": "large",
        "owner": "web@dor.ga.example",
    }
    assert p.sites[1].tags == {"state": "GA", "branch": "judicial"}  # empty cells are no tag
    assert load_portfolio(write(tmp_path, "x.csv", CSV), portfolio_id="q1").id == "q1"


@pytest.mark.parametrize(
    ("name", "text", "where", "message"),
    [
        ("a.yaml", "agencies:\n  - name: A\n    sites: [dnr.example]\n", "agencies[0].sites[0]", "not an http(s) URL"),
        ("b.yaml", "agencies:\n  - name: A\n    site: [https://a.example/]\n", "agencies[0].site", "unknown key"),
        ("c.yaml", "agencies:\n  - name: A\n    sites: []\n", "agencies[0].sites", "at least one"),
        (
            "d.yaml",
            "agencies:\n  - {name: A, sites: [https://a.example/]}\n  - {name: B, sites: ['https://A.example']}\n",
            "agencies[1].sites[0]",
            "already listed at agencies[0].sites[0]",
        ),
        (
            "e.yaml",
            "agencies:\n  - {name: A, tags: {Bad Tag: x}, sites: [https://a.example/]}\n",
            "agencies[0].tags",
            "tag name",
        ),
        ("f.yaml", "agencies: [\n", "line 2, column 1", "invalid YAML"),
        (
            "i.yaml",
            "agencies:\n  - name: A\n    sites:\n      - {url: 'https://a.example/', settings: {max_pages: 0}}\n",
            "agencies[0].sites[0].settings.max_pages",
            "greater than or equal to 1",
        ),
        (
            "j.yaml",
            "settings: {browser_path: /usr/bin/chromium}\nagencies:\n  - {name: A, sites: [https://a.example/]}\n",
            "settings.browser_path",
            "unknown key",  # the machine's side is never a portfolio's to set
        ),
        (
            "k.yaml",
            "settings: {concurrency: 99}\nagencies:\n  - {name: A, sites: [https://a.example/]}\n",
            "settings.concurrency",
            "less than or equal to 32",
        ),
        (
            "k.yaml",
            "agencies:\n  - {name: A, settings: {include: ['(']}, sites: [https://a.example/]}\n",
            "agencies[0].settings.include",
            "not a regular expression",
        ),
        ("g.yaml", "- just a list\n", None, "mapping"),
        (
            "h.yaml",
            "agencies:\n  - name: A\n    sites:\n      - {url: 'ftp://a.example/'}\n",
            "agencies[0].sites[0].url",
            "not an http(s) URL",
        ),
        ("a.csv", "agency,address\nA,https://a.example/\n", "line 1", "missing column 'url'"),
        ("b.csv", "agency,url\nA,https://a.example/\nB,www.b.example\n", "line 3, column url", "not an http(s) URL"),
        ("c.csv", "agency,url\n,https://a.example/\n", "line 2, column agency", "empty"),
        ("d.csv", "agency,url\nA,https://a.example/\nB,https://a.example\n", "line 3, column url", "line 2"),
        ("e.csv", "agency,url\n", None, "no sites"),
        ("f.txt", "agency,url\n", None, ".yaml, .yml or .csv"),
    ],
)
def test_errors_name_the_file_and_the_key_or_line(tmp_path, name, text, where, message):
    path = write(tmp_path, name, text)
    with pytest.raises(ConfigError) as info:
        load_portfolio(path)
    line = str(info.value)
    assert line.startswith(str(path)) and "\n" not in line
    if where:
        assert f": {where}: " in line, line
    assert message in line, line
    assert info.value.exit_code == 2


def test_cli_validation_error_is_one_line_and_exit_2(tmp_path):
    bad = write(tmp_path, "p.yaml", "agencies:\n  - name: A\n    sites: [nope]\n")
    for args in (["portfolio", "validate", str(bad)], ["portfolio", "run", str(bad), "--db", str(tmp_path / "m.db")]):
        proc = subprocess.run(
            [sys.executable, "-m", "maturity", *args], capture_output=True, text=True, cwd=tmp_path, timeout=60
        )
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.count("\n") == 1 and str(bad) in proc.stderr and "agencies[0].sites[0]" in proc.stderr
    good = write(tmp_path, "ok.yaml", YAML)
    proc = subprocess.run(
        [sys.executable, "-m", "maturity", "portfolio", "validate", str(good)], capture_output=True, text=True
    )
    assert proc.returncode == 0 and "2 agencies, 3 sites" in proc.stdout


def test_host_key_is_host_and_non_default_port():
    assert host_key("https://Dnr.example/") == host_key("http://dnr.example:80/x") == "dnr.example"
    assert host_key("http://127.0.0.1:8001/") != host_key("http://127.0.0.1:8002/")


# ---------------------------------------------------------------------------
# The runner, with a stand-in for the audit (offline)
# ---------------------------------------------------------------------------


class FakeAudits:
    """Stores a small scored run per site; records what ran at the same time."""

    def __init__(self, *, fail: dict[str, Exception] | None = None, seconds: float = 0.05) -> None:
        self.fail = fail or {}
        self.seconds = seconds
        self.lock = threading.Lock()
        self.active_hosts: list[str] = []
        self.max_active = 0
        self.host_overlap = False
        self.events: list[tuple[str, str]] = []  # (phase, host), in time order
        self.perf_overlap = False
        self.perf_active = 0
        self.gather_active = 0

    def __call__(self, settings, store, rubric, out_dir, *, progress, browser, **_):
        host = host_key(settings.url)
        with self.lock:
            self.host_overlap |= host in self.active_hosts
            self.active_hosts.append(host)
            self.max_active = max(self.max_active, len(self.active_hosts))
        try:
            if settings.url in self.fail:
                raise self.fail[settings.url]
            progress.phase("discovering", None)
            crawl_id = store.begin_crawl(settings.url, settings={"url": settings.url}, tool_version="t")
            progress.phase("auditing pages", 1)
            with self.lock:
                self.gather_active += 1
                self.perf_overlap |= self.perf_active > 0
            time.sleep(self.seconds)
            with self.lock:
                self.gather_active -= 1
            progress.phase("measuring performance (mobile, k=1)", 1)
            with self.lock:
                self.perf_active += 1
                self.perf_overlap |= self.perf_active > 1 or self.gather_active > 0
            time.sleep(self.seconds)
            with self.lock:
                self.perf_active -= 1
            store.set_site(crawl_id, site(start_url=settings.url), 1)
            store.add_page(crawl_id, page(settings.url))
            store.finish_crawl(crawl_id)
            card = score(rubric, store.load_pages(crawl_id), store.load_site(crawl_id))
            store.add_scoring(crawl_id, card)
            progress.close()
            return SimpleNamespace(crawl_id=crawl_id, scorecard=card, report_paths={})
        finally:
            with self.lock:
                self.active_hosts.remove(host)


def portfolio_of(*urls: str) -> Portfolio:
    return Portfolio(
        id="test",
        title="Test",
        source="test.yaml",
        sites=[PortfolioSite(u, f"Agency {i % 3}", {"tier": str(i)}) for i, u in enumerate(urls)],
    )


def settings_for(site_: PortfolioSite) -> AuditSettings:
    return AuditSettings(url=site_.url)


def run(tmp_path, p: Portfolio, fake: FakeAudits, at_once: int = 2):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    result = run_portfolio(
        p,
        settings_for,
        store,
        builtin_rubric(),
        tmp_path / "out",
        sites_at_once=at_once,
        audit_fn=fake,
        browsers=[None] * at_once,
    )
    return result, store


def test_sites_run_concurrently_but_never_two_on_one_host(tmp_path):
    urls = [
        "https://a.example/",
        "https://a.example/other/",
        "https://b.example/",
        "https://c.example/",
        "https://a.example/third/",
        "https://d.example/",
    ]
    fake = FakeAudits()
    result, store = run(tmp_path, portfolio_of(*urls), fake, at_once=3)
    assert [o.site.url for o in result.outcomes] == urls  # in file order, whatever the finishing order
    assert all(o.ok for o in result.outcomes) and result.sites_at_once == 3
    assert not fake.host_overlap
    assert fake.max_active >= 2  # the slots did overlap
    rows = store.history("test")
    assert [r.crawl.agency for r in rows if r.crawl.target_url == urls[0]] == ["Agency 0"]
    assert all(r.crawl.portfolio == "test" and r.tags for r in rows)


def test_a_performance_phase_has_the_machine_to_itself(tmp_path):
    fake = FakeAudits(seconds=0.08)
    run(tmp_path, portfolio_of(*(f"https://s{i}.example/" for i in range(6))), fake, at_once=3)
    assert fake.max_active >= 2 and not fake.perf_overlap


def test_perf_gate_prefers_the_waiting_performance_phase():
    gate = PerfGate()
    order: list[str] = []
    gate.acquire_shared()

    def perf() -> None:
        gate.acquire_exclusive()
        order.append("perf")
        gate.release_exclusive()

    def late_gather() -> None:
        time.sleep(0.05)
        gate.acquire_shared()
        order.append("gather")
        gate.release_shared()

    threads = [threading.Thread(target=perf), threading.Thread(target=late_gather)]
    for t in threads:
        t.start()
    time.sleep(0.15)
    assert order == []  # the performance phase waits for the running gatherer; the newcomer waits behind it
    gate.release_shared()
    for t in threads:
        t.join(2)
    assert order == ["perf", "gather"]


def test_failures_are_recorded_and_the_run_goes_on(tmp_path):
    urls = ["https://a.example/", "https://down.example/", "https://b.example/", "https://boom.example/"]
    fake = FakeAudits(
        fail={urls[1]: SiteUnreachable("cannot connect to https://down.example/"), urls[3]: RuntimeError("kaput")}
    )
    result, store = run(tmp_path, portfolio_of(*urls), fake)
    assert [o.status for o in result.outcomes] == ["finished", "unreachable", "finished", "failed"]
    failed = result.failures
    assert failed[0].error == "cannot connect to https://down.example/" and failed[1].error == "RuntimeError: kaput"
    stored = {r.crawl.id: r.crawl for r in store.history("test")}
    for o in failed:  # stored as failed runs of their agency, so history and the site show them
        crawl = stored[o.crawl_id]
        assert crawl.status == "failed" and crawl.agency == o.site.agency and crawl.error == o.error


def test_a_missing_browser_stops_the_whole_run(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")

    def no_browser(settings):
        raise BrowserNotFound("browser not found")

    with pytest.raises(BrowserNotFound):
        run_portfolio(
            portfolio_of("https://a.example/", "https://b.example/"),
            settings_for,
            store,
            builtin_rubric(),
            tmp_path,
            sites_at_once=2,
            audit_fn=FakeAudits(),
            browser_factory=no_browser,
        )


def test_scheduler_skips_busy_hosts():
    sched = HostScheduler(portfolio_of("https://a.example/1", "https://a.example/2", "https://b.example/").sites)
    first = sched.take()
    second = sched.take()
    assert (first.url, second.url) == ("https://a.example/1", "https://b.example/")
    sched.done(first)
    assert sched.take().url == "https://a.example/2"
    assert sched.take() is None


def test_display_is_quiet_off_a_terminal():
    d = Display(total_sites=3, slots=2, enabled=False)
    d.slot(0, "x", 3)
    d.advance_slot(0)
    d.site_done()
    d.close()  # nothing to show, nothing raised


# ---------------------------------------------------------------------------
# The store: columns, migration 0002, new methods
# ---------------------------------------------------------------------------


def test_migration_0002_adds_nullable_agency_columns_to_an_existing_database(tmp_path):
    """Up from 0001 and back down, with a crawl that pages and scorings refer to, foreign keys on."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    sa.event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA foreign_keys=ON"))
    cfg = _migrations_config(url)

    def migrate(action, revision: str) -> None:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            action(cfg, revision)

    def columns() -> set[str]:
        return {c["name"] for c in sa.inspect(engine).get_columns("crawl")}

    migrate(command.upgrade, "0001")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "insert into crawl (id, target_url, status, started_at, tool_version, axe_version, browser_version,"
                " settings, timings, pages_found) values (1, 'https://old.example/', 'finished',"
                " '2024-01-01 00:00:00', 't', '', '', '{}', '{}', 1)"
            )
        )
        conn.execute(
            sa.text(
                "insert into page (crawl_id, url, depth, status, artifacts, elapsed_ms, finished_at)"
                " values (1, 'https://old.example/', 0, 'ok', '{}', 0, '2024-01-01 00:00:00')"
            )
        )
        conn.execute(
            sa.text(
                "insert into scoring (crawl_id, created_at, rubric_id, rubric_version, rubric_sha256, rubric_source,"
                " complete, scorecard_sha) values (1, '2024-01-01 00:00:00', 'default', '1', 'x', '', 1, 'y')"
            )
        )
    migrate(command.upgrade, "0002")
    assert {"agency", "portfolio", "tags"} <= columns()
    cols = {c["name"]: c for c in sa.inspect(engine).get_columns("crawl")}
    assert all(cols[c]["nullable"] for c in ("agency", "portfolio", "tags"))
    indexes = {i["name"] for i in sa.inspect(engine).get_indexes("crawl")}
    assert {"ix_crawl_agency", "ix_crawl_portfolio"} <= indexes
    with engine.begin() as conn:
        assert conn.execute(sa.text("select agency, portfolio, tags from crawl")).one() == (None, None, None)
        conn.execute(sa.text("update crawl set agency = 'Old Agency', tags = '{\"state\": \"GA\"}'"))
    migrate(command.downgrade, "0001")
    assert not {"agency", "portfolio", "tags"} & columns()
    with engine.connect() as conn:  # nothing else was touched
        assert conn.execute(sa.text("select count(*) from page")).scalar() == 1
        assert conn.execute(sa.text("select count(*) from scoring")).scalar() == 1
    migrate(command.upgrade, "0002")
    assert {"agency", "portfolio", "tags"} <= columns()
    engine.dispose()


def test_membership_is_stored_on_the_crawl(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    crawl_id = store.begin_crawl("https://old.example/", settings={}, tool_version="t")
    assert store.crawl(crawl_id).agency is None  # a plain audit belongs to no agency
    store.set_membership(crawl_id, agency="Old Agency", portfolio="p", tags={"state": "GA"})
    crawl = store.crawl(crawl_id)
    assert (crawl.agency, crawl.portfolio) == ("Old Agency", "p")
    assert store.history("p")[0].tags == {"state": "GA"} and store.history("other") == []


def test_store_history_artifacts_and_deletion(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    ids = []
    for path in ("/", "/x"):
        crawl_id = store.begin_crawl("https://a.example/", settings={}, tool_version="t")
        store.set_site(crawl_id, site(), 1)
        store.add_page(crawl_id, page(f"https://a.example{path}"))
        store.finish_crawl(crawl_id)
        store.add_scoring(crawl_id, score(builtin_rubric(), store.load_pages(crawl_id), store.load_site(crawl_id)))
        ids.append(crawl_id)
    assert store.last_crawl_id() == ids[-1] and [c.id for c in store.crawls_after(ids[0])] == [ids[1]]
    runs = store.history()
    assert [len(r.scorings) for r in runs] == [1, 1] and runs[1].pages == [("https://a.example/x", "ok", None)]
    assert set(store.page_artifact(ids[0], "performance")) == {"https://a.example/"}
    with store.engine.connect() as conn:
        before = conn.execute(sa.text("select count(*) from blob")).scalar()
    store.delete_crawl(ids[0])
    assert [r.crawl.id for r in store.history()] == [ids[1]]
    removed, size = store.delete_unused_blobs()
    assert removed > 0 and size > 0  # the first run's own page and scorecard
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from blob")).scalar() == before - removed
    assert store.load_pages(ids[1])[0].artifacts  # what the kept run uses is still there
    assert store.delete_unused_blobs() == (0, 0)


# ---------------------------------------------------------------------------
# Real runs
# ---------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def agency_site(name: str) -> dict[str, str]:
    return {
        "/": html(f"{name} home page", f"<h1>{name}</h1><p><a href='/services'>Our services</a></p>"),
        "/services": html(f"Services of the {name}", "<h1>Services</h1><p>Renew a licence.</p>"),
    }


@pytest.mark.browser
def test_portfolio_run_with_the_shared_browser(shared_browser, tmp_path):
    """Also: the run of an agency with imported survey results carries them and scores its
    customer-experience dimension with the latest complete quarter; one without is not assessed."""
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    now = datetime.now(UTC).replace(tzinfo=None)
    survey = tmp_path / "parks-survey.csv"  # last quarter 80 of 100 trust; this quarter, under way, 10 of 100
    survey.write_text(
        touchpoints_v2([(quarter_start(now, 1), 100, 80, 0, 0), (quarter_start(now), 100, 10, 0, 0)]), encoding="utf-8"
    )
    import_file(store, survey, agency="Parks", service="renew")
    with SiteServer(agency_site("Parks Agency")) as a, SiteServer(agency_site("Revenue Agency")) as b:
        p = Portfolio(
            id="loop",
            title="Loopback",
            source="x",
            sites=[
                PortfolioSite(a.url("/"), "Parks", {"tier": "1"}),
                PortfolioSite(f"http://127.0.0.1:{closed_port()}/", "Ghost", {}),
                PortfolioSite(b.url("/"), "Revenue", {}),
            ],
            services=[PortfolioService("Parks", "renew", "Renew a permit", urls=(a.url("/services"),))],
        )

        def settings(s: PortfolioSite) -> AuditSettings:
            return AuditSettings(
                url=s.url,
                max_pages=2,
                throttle="none",
                perf_pages=1,
                user_agent="t",
                page_timeout=8,
            )

        result = run_portfolio(
            p, settings, store, builtin_rubric(), tmp_path / "out", sites_at_once=1, browsers=[shared_browser]
        )
    assert [o.status for o in result.outcomes] == ["finished", "unreachable", "finished"]
    assert result.outcomes[0].pages == 2 and result.outcomes[0].level is not None
    crawls = {r.crawl.agency: r.crawl for r in store.history("loop")}
    assert crawls["Parks"].status == "finished" and crawls["Ghost"].status == "failed"
    parks, revenue = (store.latest_scorecard(o.crawl_id)[1] for o in (result.outcomes[0], result.outcomes[2]))
    cx = [next(d for d in c.dimensions if d.id == "customer-experience") for c in (parks, revenue)]
    assert [d.score for d in cx] == [100.0, None]  # 80 % last quarter (not 10 % this one); Revenue: none
    fy, q = fiscal_quarter(quarter_start(now, 1).date())
    assert f"renew FY{fy} Q{q} (n 100)" in parks.survey and "latest complete quarter" in parks.survey
    assert "services delivered on this site: Renew a permit" in parks.survey
    assert "no survey results are imported" in revenue.survey
    attached = store.load_site(result.outcomes[0].crawl_id).survey
    assert attached is not None and attached.agency == "Parks" and attached.as_of == now.date().isoformat()


@pytest.mark.browser
def test_portfolio_run_command_two_sites_at_once(shared_browser, tmp_path):
    """The command as a user runs it: two slots (two browsers), a failure listed, exit 0."""
    with SiteServer(agency_site("Parks Agency")) as a, SiteServer(agency_site("Revenue Agency")) as b:
        file = write(
            tmp_path,
            "p.csv",
            f"agency,url,branch\nParks,{a.url('/')},executive\nGhost,http://127.0.0.1:{closed_port()}/,\n"
            f"Revenue,{b.url('/')},executive\n",
        )
        t0 = time.perf_counter()
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "maturity",
                "portfolio",
                "run",
                str(file),
                "--db",
                str(tmp_path / "m.db"),
                "--out",
                str(tmp_path / "out"),
                "--sites-at-once",
                "2",
                "--throttle",
                "none",
                "--max-pages",
                "2",
                "--perf-pages",
                "1",
                "--page-timeout",
                "20",
            ],
            capture_output=True,
            text=True,
            timeout=150,
            cwd=tmp_path,
        )
        elapsed = time.perf_counter() - t0
    assert proc.returncode == 0, proc.stderr
    assert "could not be audited" in proc.stdout and "Ghost" in proc.stdout and "unreachable" in proc.stdout
    assert "━" not in proc.stderr and "Traceback" not in proc.stderr  # no progress bars off a terminal
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    runs = store.history("p")
    why = [(r.crawl.agency, r.crawl.status, r.crawl.error) for r in runs]
    assert sorted(r.crawl.status for r in runs) == ["failed", "finished", "finished"], (why, proc.stdout)
    assert {r.crawl.agency for r in runs} == {"Parks", "Ghost", "Revenue"}
    assert elapsed < 90
