"""The Title II tracker on a fixture site audited in real Chromium (127.0.0.1 only): a statement,
an archive section with a contrast failure, a payment page framing another site. It checks what
the unit tests assume of real artifacts: a frame from another origin is a third-party "document"
request, and the statement's text reaches the check."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sites import SiteServer, html

from maturity.core.exceptions import parse_exceptions
from maturity.core.rubric import builtin_rubric
from maturity.core.settings import AuditSettings, MachineSettings
from maturity.run.audit import audit
from maturity.run.title2 import status
from maturity.store import Store

pytestmark = pytest.mark.browser


def test_a_fixture_site_under_the_title2_rubric(shared_browser, tmp_path: Path) -> None:
    updated = (date.today() - timedelta(days=30)).isoformat()  # the fixture's content, not the core's clock
    frame = {"/pay": html("Payment provider", "<h1>Pay</h1><p>Card form</p>")}
    with SiteServer(frame) as provider:
        routes = {
            "/": html(
                "City of Fixture",
                "<h1>City of Fixture</h1><p><a href='/accessibility'>Accessibility</a> "
                "<a href='/archive/2019-minutes'>Minutes archive</a> <a href='/pay'>Pay a bill</a></p>",
            ),
            "/accessibility": html(
                "Accessibility statement",
                "<h1>Accessibility statement</h1><p>We aim to meet the Web Content Accessibility Guidelines "
                "(WCAG) 2.1 Level AA.</p><p>Report a problem: email <a href='mailto:web@fixture.example'>"
                "web@fixture.example</a> or call <a href='tel:+14045550100'>404-555-0100</a>.</p>"
                f"<p>Updated {updated}.</p>",
            ),
            "/archive/2019-minutes": html(
                "Council minutes 2019",
                "<h1>Council minutes 2019</h1><p style='color:#b0b0b0;background:#ffffff'>Approved.</p>",
            ),
            "/pay": html(
                "Pay a bill",
                f"<h1>Pay a bill</h1><iframe title='Payment form' src='{provider.url('/pay')}'></iframe>",
            ),
        }
        with SiteServer(routes) as site:
            store = Store(f"sqlite:///{tmp_path / 'm.db'}")
            settings = AuditSettings(
                url=site.url("/"),
                concurrency=2,
                throttle="none",
                page_timeout=8,
                user_agent="maturity-tests",
                perf_pages=1,
            )
            run = audit(
                settings,
                store,
                builtin_rubric("ada-title-ii"),
                tmp_path / "out",
                machine=MachineSettings(loopback_only=True),
                browser=shared_browser,
            )
            store.set_membership(
                run.crawl_id, agency="City of Fixture", portfolio="fixture", tags={"population": "900"}
            )
            claims = parse_exceptions(
                f"agency: City of Fixture\nexceptions:\n  - kind: archived\n    pages: ['{site.url('/archive/')}']\n"
                "    reason: Minutes kept for reference.\n    by: Clerk\n"
                "    date: 2026-01-01\n    review: 2099-01-01\n",
                "claims.yaml",
            )
            today = date(2027, 1, 10)
            plain = status(store, today=today, portfolio="fixture").rows[0]
            claimed = status(store, today=today, portfolio="fixture", exceptions=[claims]).rows[0]

    assert plain.statement == "pass", plain
    assert plain.deadline.tier == "small"
    assert "1.4.3" in plain.criteria  # the archive page's contrast failure
    assert {c.url for c in plain.candidates} == {site.url("/archive/2019-minutes"), site.url("/pay")}
    assert next(c for c in plain.candidates if c.url == site.url("/pay")).kind == "third-party"
    assert "1.4.3" not in claimed.criteria and claimed.failures == plain.failures - plain.criteria["1.4.3"][0]
    assert claimed.claimed[0].failures == plain.criteria["1.4.3"][0]
    assert [c.url for c in claimed.candidates] == [site.url("/pay")]
