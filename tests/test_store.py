"""The store: migrations, content-addressed artifacts, crawls kept apart from scorings."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
import yaml
from alembic.script import ScriptDirectory
from factories import ORIGIN, document, page, site

from maturity.core.rubric import builtin_rubric, parse_rubric
from maturity.core.scoring import score
from maturity.kernel.errors import StoreUnavailable, UsageError
from maturity.store.store import Store, _migrations_config, redact_url


@pytest.fixture
def store(db_url):
    """Every store test runs on SQLite and on PostgreSQL (each in a database it creates and drops)."""
    s = Store(db_url)
    yield s
    s.engine.dispose()


def stored_crawl(store: Store) -> int:
    crawl_id = store.begin_crawl(f"{ORIGIN}/", settings={"max_pages": 5}, tool_version="t", axe_version="4.12.1")
    store.set_site(crawl_id, site(), pages_found=2)
    store.add_page(crawl_id, page())
    store.add_page(crawl_id, page(f"{ORIGIN}/b", document=document(url=f"{ORIGIN}/b", lang=None)))
    store.finish_crawl(crawl_id, timings={"total_s": 1.0})
    return crawl_id


def test_schema_comes_from_migrations(store):
    insp = sa.inspect(store.engine)
    assert {"crawl", "page", "blob", "scoring", "alembic_version"} <= set(insp.get_table_names())
    with store.engine.connect() as conn:
        version = conn.execute(sa.text("select version_num from alembic_version")).scalar()
    head = ScriptDirectory.from_config(_migrations_config(str(store.engine.url))).get_current_head()
    assert version == head


def test_round_trip_and_content_addressing(store):
    crawl_id = stored_crawl(store)
    pages = store.load_pages(crawl_id)
    assert [p.url for p in pages] == [f"{ORIGIN}/", f"{ORIGIN}/b"]
    assert pages[0] == page()
    assert store.load_site(crawl_id) == site()
    with store.engine.connect() as conn:
        blobs = conn.execute(sa.text("select count(*) from blob")).scalar()
    # 2 pages × 6 artifacts + site, but identical artifacts (http of /, mobile, perf, network, axe) are shared
    assert blobs < 13
    again = stored_crawl(store)
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from blob")).scalar() == blobs  # nothing new to store
    assert again != crawl_id


def test_rescoring_adds_a_scoring_and_keeps_the_first(store):
    crawl_id = stored_crawl(store)
    first = builtin_rubric()
    store.add_scoring(crawl_id, score(first, store.load_pages(crawl_id), store.load_site(crawl_id)))
    data = first.rubric.model_dump(mode="json")
    data["version"] = "2.0.0"
    second = parse_rubric(yaml.safe_dump(data).encode(), "v2.yaml")
    store.add_scoring(crawl_id, score(second, store.load_pages(crawl_id), store.load_site(crawl_id)))
    rows = store.scorings(crawl_id)
    assert [r.rubric_version for r in rows] == [first.rubric.version, "2.0.0"]
    assert rows[0].rubric_sha256 == first.sha256 and rows[1].rubric_sha256 == second.sha256
    _, latest = store.latest_scorecard(crawl_id)
    assert latest.rubric.version == "2.0.0"
    assert store.scorecard(rows[0]).rubric.version == first.rubric.version


def test_crawl_records_versions_settings_and_timings(store):
    crawl_id = stored_crawl(store)
    crawl = store.crawl(crawl_id)
    assert crawl.status == "finished" and crawl.axe_version == "4.12.1"
    assert json.loads(crawl.settings) == {"max_pages": 5}
    assert json.loads(crawl.timings) == {"total_s": 1.0}
    assert [r.crawl.id for r in store.runs()] == [crawl_id]


def test_add_artifact_attaches_to_a_stored_page(store):
    crawl_id = stored_crawl(store)
    store.add_artifact(crawl_id, f"{ORIGIN}/b", "performance", {"error": "not sampled", "kind": "not_sampled"})
    loaded = {p.url: p for p in store.load_pages(crawl_id)}
    assert loaded[f"{ORIGIN}/b"].artifacts["performance"]["kind"] == "not_sampled"


def test_unknown_run_is_a_usage_error(store):
    with pytest.raises(UsageError, match="no run 42"):
        store.crawl(42)


def test_bad_urls_and_unavailable_databases():
    with pytest.raises(UsageError):
        Store("definitely not a url")
    with pytest.raises(UsageError):
        Store("nosuchdialect://x/y")
    with pytest.raises(StoreUnavailable):
        Store("sqlite:////etc/hostname/sub/m.db")  # a path under a file: cannot exist


def test_sqlite_parent_directories_are_created(tmp_path):
    Store(f"sqlite:///{tmp_path / 'runs' / 'deeper' / 'm.db'}")
    assert (tmp_path / "runs" / "deeper" / "m.db").is_file()


def test_passwords_are_redacted():
    assert (
        redact_url("postgresql+psycopg://user:s3cret@db.example/maturity")
        == "postgresql+psycopg://user:***@db.example/maturity"
    )


def test_models_match_the_migrations(store):
    """A table changed in store.py without a migration shows up here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_migrations_go_down_and_up_again(store):
    from alembic import command

    url = store.engine.url.render_as_string(hide_password=False)
    with store.engine.begin() as conn:
        cfg = _migrations_config(url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert set(sa.inspect(store.engine).get_table_names()) <= {"alembic_version"}
    Store(url)  # upgrades again
    assert {"crawl", "page", "blob", "scoring"} <= set(sa.inspect(store.engine).get_table_names())


def test_upgrading_a_database_that_holds_runs(tmp_path):
    """Each migration applies to a database with data in it (SQLite rebuilds are the usual trap)."""
    from alembic import command
    from alembic.script import ScriptDirectory

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    script = ScriptDirectory.from_config(_migrations_config(url))
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    with engine.begin() as conn:
        cfg = _migrations_config(url)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revisions[0])
        conn.execute(
            sa.text(
                "insert into crawl (id, target_url, status, started_at, tool_version, axe_version, "
                "browser_version, settings, timings, pages_found) values "
                "(1, 'https://a.example/', 'finished', '2026-01-01', 't', '', '', '{}', '{}', 1)"
            )
        )
        conn.execute(
            sa.text(
                "insert into page (crawl_id, url, depth, status, artifacts, elapsed_ms, finished_at) "
                "values (1, 'https://a.example/', 0, 'ok', '{}', 0, '2026-01-01')"
            )
        )
    with engine.begin() as conn:
        conn.execute(sa.text("PRAGMA foreign_keys=ON"))
        for revision in revisions[1:]:
            cfg = _migrations_config(url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    store = Store(url)
    assert [p.url for p in store.load_pages(1)] == ["https://a.example/"]


def test_identical_artifacts_stored_at_once_by_two_runs_do_not_collide(store):
    """Two audits in one process (a portfolio) or two workers often store the same blob (the same
    error, the same stylesheet facts) at the same moment: neither may fail on the blob's key."""
    import threading

    crawls = [store.begin_crawl(f"{ORIGIN}/{i}", settings={}, tool_version="t") for i in range(4)]
    barrier = threading.Barrier(len(crawls))
    errors: list[BaseException] = []

    def write(crawl_id: int) -> None:
        try:
            for n in range(15):
                shared = {"error": f"the same failure {n}", "kind": "timeout"}
                barrier.wait(timeout=30)
                store.add_page(crawl_id, page(f"{ORIGIN}/p{n}", performance=shared))
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=write, args=(c,)) for c in crawls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]
    for crawl_id in crawls:
        pages = store.load_pages(crawl_id)
        assert len(pages) == 15
        assert pages[3].artifacts["performance"] == {"error": "the same failure 3", "kind": "timeout"}


def _cut_connections(url: str, *, refuse: bool) -> None:
    """What a server restart does to a client: every connection to the database is closed; with
    ``refuse``, new ones are refused too until :func:`_allow` (the server is still down)."""
    name = sa.engine.make_url(url).database
    admin = sa.create_engine(sa.engine.make_url(url).set(database="test"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if refuse:
            conn.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        conn.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
            ),
            {"n": name},
        )
    admin.dispose()


def _allow(url: str) -> None:
    name = sa.engine.make_url(url).database
    admin = sa.create_engine(sa.engine.make_url(url).set(database="test"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
    admin.dispose()


def test_a_dropped_server_connection_is_replaced_and_a_lasting_outage_is_one_error(db_url, monkeypatch):
    if not db_url.startswith("postgresql"):
        pytest.skip("a server database's connection can drop; a SQLite file's cannot")
    import threading

    from maturity.store import store as store_module

    store = Store(db_url)
    crawl_id = store.begin_crawl(f"{ORIGIN}/", settings={}, tool_version="t")
    # The server closed every connection (a restart): the next write reconnects and succeeds.
    _cut_connections(db_url, refuse=False)
    store.add_page(crawl_id, page(), 12.0)
    assert [p.url for p in store.load_pages(crawl_id)] == [page().url]

    # Down for a second: the write waits for it (bounded retries) and lands.
    monkeypatch.setattr(store_module, "RECONNECT_DELAYS", (0.3, 0.6, 1.2, 2.4))
    _cut_connections(db_url, refuse=True)
    threading.Timer(1.0, _allow, args=(db_url,)).start()
    store.add_page(crawl_id, page(f"{ORIGIN}/b"), 12.0)
    assert len(store.load_pages(crawl_id)) == 2

    # Down for good: one error naming the database (password hidden), not a driver traceback.
    monkeypatch.setattr(store_module, "RECONNECT_DELAYS", (0.1, 0.1))
    _cut_connections(db_url, refuse=True)
    try:
        with pytest.raises(StoreUnavailable, match=r"^database unavailable: postgresql"):
            store.add_page(crawl_id, page(f"{ORIGIN}/c"), 12.0)
    finally:
        _allow(db_url)
    store.engine.dispose()


def test_document_facts_are_kept_by_site_hash_and_parser_version(store):
    """Migration 0008: a document's facts, kept once per site, content hash and parser version."""
    from maturity.core.documents import PdfFacts

    facts = PdfFacts(pages=2, tagged=True, title="Minutes").model_dump(mode="json")
    store.keep_document_facts(f"{ORIGIN}/", "v1", {"a" * 64: ("pdf", facts)})
    store.keep_document_facts(f"{ORIGIN}/", "v1", {"a" * 64: ("pdf", {"pages": 9})})  # kept already: unchanged
    assert store.document_facts(f"{ORIGIN}/", "v1", ["a" * 64, "b" * 64]) == {"a" * 64: ("pdf", facts)}
    assert store.document_facts(f"{ORIGIN}/", "v2", ["a" * 64]) == {}  # read by another parser: parsed again
    assert store.document_facts("https://other.example/", "v1", ["a" * 64]) == {}  # another site's
