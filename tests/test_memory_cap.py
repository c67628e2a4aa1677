"""A page whose renderer grows past the memory cap is stopped: "not assessable: too much memory",
and the other pages of the run are audited as usual."""

from __future__ import annotations

from pathlib import Path

import pytest
from sites import SiteServer, html

from maturity.core.rubric import builtin_rubric
from maturity.core.settings import AuditSettings, MachineSettings
from maturity.run.audit import audit
from maturity.store import Store

pytestmark = pytest.mark.browser

# 8 MiB a block, filled so the memory is resident, 8 blocks every 50 ms, up to 1.5 GiB in all: without a
# cap the page holds 1.5 GiB and loads, settles and scores like any other (the bug this guards).
HOG = """<script>
const keep = [];
function grow() {
  for (let i = 0; i < 8 && keep.length < 192; i++) keep.push(new Float64Array(1 << 20).fill(keep.length + 1));
  if (keep.length < 192) setTimeout(grow, 50);
}
grow();
</script>"""


def test_a_page_past_the_memory_cap_is_not_assessable_and_the_run_goes_on(shared_browser, tmp_path: Path) -> None:
    routes = {
        "/": html("Memory cap home", '<h1>Home</h1><p><a href="/hog">hog</a> <a href="/calm">calm</a></p>'),
        "/hog": html("A page that eats memory", "<h1>Hog</h1>" + HOG),
        "/calm": html("A calm page", "<h1>Calm</h1><p>Nothing to see.</p>"),
    }
    with SiteServer(routes) as server:
        settings = AuditSettings(
            url=server.url("/"),
            max_pages=3,
            concurrency=2,
            throttle="none",
            page_timeout=15,
            user_agent="maturity-tests",
            max_page_memory_mb=400,
            delay=0,
        )
        store = Store(f"sqlite:///{tmp_path / 'm.db'}")
        result = audit(
            settings,
            store,
            builtin_rubric(),
            tmp_path / "out",
            machine=MachineSettings(loopback_only=True),
            browser=shared_browser,
        )
    pages = {p.url.removeprefix(server.origin): p for p in result.scorecard.pages}
    hog = pages["/hog"]
    assert hog.status == "not_assessable", hog
    assert hog.reason and hog.reason.startswith("too much memory: its renderer passed the 400 MiB cap"), hog.reason
    assert pages["/"].status == "ok" and pages["/calm"].status == "ok"
    assert shared_browser.run(_alive(shared_browser))  # the shared browser still works for the next test


async def _alive(shared_browser) -> bool:
    browser = await shared_browser.session._ensure_browser()
    return browser.is_connected()
