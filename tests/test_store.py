"""The store: migrations, content-addressed artifacts, crawls kept apart from scorings."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
import yaml
from factories import ORIGIN, document, page, site

from maturity.errors import StoreUnavailable, UsageError
from maturity.rubric import builtin_rubric, parse_rubric
from maturity.scoring import score
from maturity.store import Store, redact_url


@pytest.fixture
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'm.db'}")


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
        assert conn.execute(sa.text("select version_num from alembic_version")).scalar() == "0001"


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
    assert [r.rubric_version for r in rows] == ["1.0.0", "2.0.0"]
    assert rows[0].rubric_sha256 == first.sha256 and rows[1].rubric_sha256 == second.sha256
    _, latest = store.latest_scorecard(crawl_id)
    assert latest.rubric.version == "2.0.0"
    assert store.scorecard(rows[0]).rubric.version == "1.0.0"


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
