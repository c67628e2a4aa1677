"""Shared fixtures: one Chromium for all browser tests (a background event loop keeps it)."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from hypothesis import Phase, settings

# Every browser the tests start, in this process or any subprocess (CLI runs, Celery workers), sends
# nothing off the machine: Chromium's own background traffic goes to a closed loopback port.
os.environ["MATURITY_LOOPBACK_ONLY"] = "1"

from crawlers.browser import BrowserSettings, SharedBrowser, find_browser
from maturity.kernel.errors import BrowserNotFound

# Hypothesis's "explain" phase traces every line of a failing example again (sys.settrace before
# Python 3.12): a failure in the rubric's edit test took past pytest-timeout's 120 s there, so the
# run reported a timeout instead of the failing example. Report the shrunk example, unexplained.
settings.register_profile("maturity", phases=[p for p in Phase if p is not Phase.explain])
settings.load_profile("maturity")


@pytest.fixture(scope="session")
def shared_browser():
    """One browser for every browser test. Missing browser: skip locally, fail in CI."""
    try:
        find_browser(None)
    except BrowserNotFound as exc:
        if os.environ.get("CI") or os.environ.get("MATURITY_REQUIRE_BROWSER"):
            pytest.fail(f"browser tests must run in CI: {exc}")
        pytest.skip(str(exc))
    browser = SharedBrowser(BrowserSettings(user_agent="maturity-tests", loopback_only=True))
    yield browser
    browser.close()


POSTGRES_ADMIN_URL = os.environ.get("MATURITY_TEST_POSTGRES", "postgresql+psycopg://127.0.0.1:5432/test")


def _postgres_available() -> str | None:
    try:
        engine = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect():
            pass
        engine.dispose()
        return None
    except Exception as exc:  # driver missing, server down, auth refused
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh database URL per test: a SQLite file, or a PostgreSQL database created and dropped.

    PostgreSQL is required in CI (a missing server fails the run); elsewhere its tests skip.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'maturity.db'}"
        return
    problem = _postgres_available()
    if problem:
        if os.environ.get("CI") or os.environ.get("MATURITY_REQUIRE_SERVICES"):
            pytest.fail(f"PostgreSQL is required in CI: {problem}")
        pytest.skip(f"no PostgreSQL at {POSTGRES_ADMIN_URL}: {problem}")
    name = f"maturity_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
