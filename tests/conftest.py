"""Shared fixtures: one Chromium for all browser tests (a background event loop keeps it)."""

from __future__ import annotations

import os

import pytest

from crawlers.browser import BrowserSettings, SharedBrowser, find_browser
from maturity.errors import BrowserNotFound


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
