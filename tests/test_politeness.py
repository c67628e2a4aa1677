"""Politeness across the phases of an audit: the site's Crawl-delay (or the delay setting, or the
default) spaces discovery's requests and every page load of both browser phases, per host, and
the run says what it asked of the site."""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
from pathlib import Path

import pytest
from sites import Resource, SiteServer, html

from crawlers.pacing import DEFAULT_PAGE_GAP, HostPacer, politeness
from maturity.core.explain import crawl_effort
from maturity.core.rubric import builtin_rubric
from maturity.core.settings import AuditSettings, MachineSettings
from maturity.run.audit import audit
from maturity.store import Store


def test_the_longer_of_crawl_delay_and_the_delay_setting_wins() -> None:
    assert politeness(None, None, 10).page_gap_s == DEFAULT_PAGE_GAP
    assert politeness(None, None, 10).discovery_gap_s == 0  # discovery: one request at a time
    site_asks = politeness(None, 2.0, 10)
    assert (site_asks.page_gap_s, site_asks.discovery_gap_s, site_asks.source) == (2.0, 2.0, "robots.txt Crawl-delay")
    assert politeness(None, 60.0, 5).page_gap_s == 5.0  # capped
    assert politeness(0.5, 2.0, 10).page_gap_s == 2.0  # never faster than the site asked
    assert politeness(3.0, 2.0, 10).source == "the delay setting"
    assert politeness(0.0, None, 10).page_gap_s == 0.0  # the user may switch the default off


def test_the_pacer_spaces_loads_to_one_host_and_leaves_other_hosts_alone() -> None:
    async def scenario() -> list[tuple[str, float]]:
        pacer = HostPacer(0.15)
        starts: list[tuple[str, float]] = []

        async def load(url: str) -> None:
            await pacer.wait(url)
            starts.append((url, time.monotonic()))

        await asyncio.gather(*(load(f"http://a.example/{i}") for i in range(4)), load("http://b.example/"))
        return starts

    starts = asyncio.run(scenario())
    a = [t for url, t in starts if "a.example" in url]
    assert len(a) == 4 and all(later - earlier >= 0.14 for earlier, later in itertools.pairwise(a))
    b = next(t for url, t in starts if "b.example" in url)
    assert b - a[0] < 0.1  # another host does not wait behind this one


def test_a_load_let_go_late_keeps_the_next_one_a_gap_away() -> None:
    # the event loop wakes the second load 0.2 s late (a busy machine): the third, whose start was
    # reserved 0.1 s after the second's, still waits until 0.1 s after the second really went
    async def scenario() -> list[float]:
        pacer = HostPacer(0.1)
        starts: list[float] = []

        async def load(k: int) -> None:
            await pacer.wait("http://a.example/")
            starts.append(time.monotonic())
            if k == 0:
                await asyncio.sleep(0.09)
                time.sleep(0.2)  # blocks the loop just as the second load's sleep ends

        await asyncio.gather(*(load(k) for k in range(3)))
        return starts

    starts = asyncio.run(scenario())
    assert starts[1] - starts[0] >= 0.25  # let go late
    assert starts[2] - starts[1] >= 0.099, starts


def test_the_pacer_waits_on_the_last_request_of_discovery() -> None:
    async def scenario() -> float:
        pacer = HostPacer(0.3)
        pacer.hold("a.example", time.monotonic())
        return await pacer.wait("http://a.example/")

    assert asyncio.run(scenario()) >= 0.25


PAGES = ["/", "/a", "/b"]


def _routes(delay: str) -> dict:
    links = "".join(f'<a href="{p}">page {p}</a> ' for p in PAGES)
    routes: dict = {p: html(f"Politeness page {p}", f"<h1>Page {p}</h1><p>{links}</p>") for p in PAGES}
    routes["/robots.txt"] = Resource(f"User-agent: *\nCrawl-delay: {delay}\n", content_type="text/plain")
    return routes


@pytest.mark.browser
@pytest.mark.quiet  # the gaps between loads are timed; scripts/bootstrap runs these alone
def test_crawl_delay_holds_in_the_browser_phases_and_the_run_reports_it(shared_browser, tmp_path: Path) -> None:
    stamps: list[tuple[float, str]] = []
    with SiteServer(_routes("0.5")) as server:
        real = server.routes

        class Stamping(dict):
            def get(self, key, default=None):  # every request the server answers, with its time
                stamps.append((time.monotonic(), key))
                return real.get(key, default)

        server.routes = Stamping(real)
        settings = AuditSettings(
            url=server.url("/"),
            max_pages=3,
            concurrency=2,
            throttle="none",
            page_timeout=8,
            user_agent="maturity-tests",
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
    page_loads = [t for t, path in stamps if path in PAGES]  # one stamp per request of a page (found at once)
    assert len(page_loads) >= 3 * 3  # discovery, rendering and performance each asked for every page
    gaps = [later - earlier for earlier, later in itertools.pairwise(page_loads)]
    # Loads start 0.5 s apart; a request then takes a moment to reach the server (through the policy
    # proxy, on a busy 2-core machine up to about 0.3 s more for one than for the next: 0.21 s seen in a
    # full run). Before, the browser's loads arrived back to back: gaps of a few milliseconds.
    timeline = " ".join(f"{t - stamps[0][0]:.2f}{p}" for t, p in stamps)
    assert min(gaps) >= 0.15, timeline
    assert statistics.median(gaps) >= 0.45, timeline
    timings = result.run.timings
    assert "robots.txt Crawl-delay" in timings["politeness"] and timings["page_gap_s"] == 0.5
    assert timings["requests_rendering"] >= 3 and timings["requests_performance"] >= 3
    assert timings["page_loads"] >= 6
    rows = dict(crawl_effort(timings, len(result.scorecard.pages)))
    assert "per page" in rows["Requests to the site"] and "discovery" in rows["Requests to the site"]
    html_report = next(p for k, p in result.report_paths.items() if k == "html").read_text()
    assert "Requests to the site" in html_report and "robots.txt Crawl-delay" in html_report
