"""Real Chromium on fixture sites served by the tests on 127.0.0.1 (one shared browser)."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from pathlib import Path

import pytest
from sites import Resource, SiteServer, html

from crawlers.browser import BrowserSession, BrowserSettings
from maturity.core.model import Outcome, PageRef
from maturity.core.rubric import builtin_rubric
from maturity.core.settings import AuditSettings, MachineSettings
from maturity.run.audit import audit
from maturity.store import Store

pytestmark = pytest.mark.browser


def run_audit(shared_browser, tmp_path: Path, start_url: str, **overrides):
    options = {
        "concurrency": 2,
        "throttle": "none",
        "page_timeout": 8,
        "user_agent": "maturity-tests",
        **overrides,
    }
    settings = AuditSettings(url=start_url, **options)
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    machine = MachineSettings(loopback_only=True)
    return audit(settings, store, builtin_rubric(), tmp_path / "out", machine=machine, browser=shared_browser), store


def outcome(card, path: str | None, check_id: str, origin: str) -> Outcome:
    url = None if path is None else origin + path
    matches = [r for r in card.all_results() if r.check_id == check_id and r.url == url]
    assert matches, f"no result for {check_id} on {path}"
    return matches[0].outcome


SITE = {
    "/": html(
        "Fixture agency home page",
        "<h1>Home</h1><p><a href='/no-alt'>Photo page</a></p>"
        "<p><a href='/no-viewport'>Legacy page</a></p><p><a href='/down'>Status page</a></p>"
        "<p><a href='/framed'>Embedded map</a></p><p><a href='/privacy'>Privacy</a> "
        "<a href='/accessibility'>Accessibility</a> <a href='/contact'>Contact</a></p>",
    ),
    "/no-alt": html("A page with a photo", "<h1>Photo</h1><img src='/pic.svg' width='40' height='40'>"),
    "/pic.svg": Resource(
        "<svg xmlns='http://www.w3.org/2000/svg' width='40' height='40'/>", content_type="image/svg+xml"
    ),
    "/no-viewport": "<!doctype html><html lang='en'><head><title>Legacy page without viewport</title></head>"
    "<body><main><h1>Legacy</h1><p>Old layout.</p></main></body></html>",
    "/down": Resource("<h1>Server error</h1>", status=500),
    "/framed": html("A page with an embedded frame", "<h1>Map</h1><iframe title='Map of parks' src='/inner'></iframe>"),
    "/inner": html("Inner frame document", "<h1>Inner</h1><img src='/pic.svg' width='40' height='40'>"),
    "/privacy": html("Privacy policy of the agency", "<h1>Privacy</h1>"),
    "/accessibility": html("Accessibility statement", "<h1>Accessibility</h1>"),
    "/contact": html("Contact the fixture agency", "<h1>Contact</h1>"),
}


@pytest.fixture(scope="module")
def fixture_audit(shared_browser, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fixture-audit")
    with SiteServer(SITE) as server:
        result, store = run_audit(shared_browser, tmp, server.url("/"))
        yield result, store, server


def test_missing_alt_fails_the_axe_image_rule(fixture_audit):
    result, _, server = fixture_audit
    card = result.scorecard
    assert outcome(card, "/no-alt", "axe/image-alt", server.origin) == Outcome.FAIL
    assert outcome(card, "/contact", "axe/image-alt", server.origin) in (Outcome.PASS, Outcome.NOT_APPLICABLE)


def test_page_without_viewport_fails_the_mobile_check(fixture_audit):
    result, _, server = fixture_audit
    assert outcome(result.scorecard, "/no-viewport", "viewport", server.origin) == Outcome.FAIL
    assert outcome(result.scorecard, "/no-viewport", "horizontal-overflow", server.origin) == Outcome.FAIL
    assert outcome(result.scorecard, "/", "viewport", server.origin) == Outcome.PASS
    assert outcome(result.scorecard, "/", "horizontal-overflow", server.origin) == Outcome.PASS


def test_a_500_page_is_not_assessable(fixture_audit):
    result, _, server = fixture_audit
    pages = {p.url: p for p in result.scorecard.pages}
    assert pages[server.url("/down")].status == "not_assessable"
    assert pages[server.url("/down")].reason == "HTTP 500"
    assert not [r for r in result.scorecard.all_results() if r.url == server.url("/down")]
    assert result.scorecard.overall is not None  # the other pages still count


def test_iframe_content_is_audited(fixture_audit):
    result, _, server = fixture_audit
    card = result.scorecard
    assert outcome(card, "/framed", "axe/image-alt", server.origin) == Outcome.FAIL
    finding = next(f for f in card.iter_findings() if f.check_id == "axe/image-alt" and f.url == server.url("/framed"))
    assert finding.selector.startswith("iframe >>> ")
    assert server.url("/inner") not in {p.url for p in card.pages}  # not linked: only audited inside the frame


def test_no_request_left_the_machine(fixture_audit):
    result, store, _ = fixture_audit
    assert result.offmachine_attempts == []
    for page in store.load_pages(result.crawl_id):
        for request in page.artifacts.get("network", {}).get("requests", []):
            assert request["url"].startswith("http://127.0.0.1:"), request


def test_run_records_versions_and_settings(fixture_audit):
    result, store, _ = fixture_audit
    crawl = store.crawl(result.crawl_id)
    assert crawl.axe_version.count(".") == 2 and crawl.browser_version
    assert result.run.settings["throttle"] == "none"
    assert result.report_paths["html"].read_text().count("<h1") == 1


def test_performance_phase_measures_each_page(fixture_audit):
    _, store, server = fixture_audit
    pages = {p.url: p for p in store.load_pages(fixture_audit[0].crawl_id)}
    perf = pages[server.url("/")].artifacts["performance"]
    assert perf["profile"] == "none" and perf["k"] == 1
    median = perf["median"]
    assert median["fcp_ms"] > 0 and median["ttfb_ms"] >= 0 and median["bytes"] > 500 and median["requests"] >= 1
    # the server's answer time is part of TTFB, which counts from the navigation's start
    assert 0 <= median["server_ms"] <= median["ttfb_ms"]


def test_block_third_party_aborts_and_records(shared_browser, tmp_path):
    other = {"/tracker.js": Resource("window.tracked = true;", content_type="text/javascript")}
    with SiteServer(other) as third:
        page = html("Page with a third-party script", f"<h1>Hi</h1><script src='{third.url('/tracker.js')}'></script>")
        with SiteServer({"/": page}) as site:
            blocked, store = run_audit(
                shared_browser, tmp_path / "a", site.url("/"), block_third_party=True, max_pages=1
            )
            assert third.paths() == []  # never reached
            requests = store.load_pages(blocked.crawl_id)[0].artifacts["network"]["requests"]
            script = next(r for r in requests if r["url"] == third.url("/tracker.js"))
            assert script["blocked"] and script["third_party"]
            allowed, store2 = run_audit(shared_browser, tmp_path / "b", site.url("/"), max_pages=1)
            assert set(third.paths()) == {"/tracker.js"}  # loaded (by both the audit and the performance pass)
            script = next(
                r
                for r in store2.load_pages(allowed.crawl_id)[0].artifacts["network"]["requests"]
                if r["url"] == third.url("/tracker.js")
            )
            assert not script["blocked"] and script["third_party"]


def test_hanging_page_is_not_assessable_and_the_run_goes_on(shared_browser, tmp_path):
    routes = {
        "/": html(
            "Home of a site with a hanging page", "<h1>Home</h1><a href='/hang'>Hang</a> <a href='/alert'>Alert</a>"
        ),
        "/hang": html("A page whose script never ends", "<h1>Hang</h1><script>for(;;){}</script>"),
        "/alert": html("A page that opens dialogs", "<h1>Alert</h1><script>alert('hi'); window.open('/');</script>"),
    }
    with SiteServer(routes) as site:
        result, _ = run_audit(shared_browser, tmp_path, site.url("/"), page_timeout=3)
    pages = {p.url: p for p in result.scorecard.pages}
    assert pages[site.url("/hang")].status == "not_assessable"
    assert "could not render" in (pages[site.url("/hang")].reason or "")
    assert pages[site.url("/")].status == "ok" and pages[site.url("/alert")].status == "ok"


def _browser_pids(marker: str) -> list[int]:
    """Main Chromium processes (no --type=) whose command line holds ``marker``."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmd = fh.read().replace(b"\0", b" ")
        except OSError:
            continue
        if b"--type=" not in cmd and marker.encode() in cmd and b"chrom" in cmd.split(b" ")[0]:
            pids.append(int(entry))
    return pids


def test_crashed_renderer_and_killed_browser_are_survived(tmp_path):
    """A renderer crash is retried once then reported; a killed browser is relaunched mid-run."""
    routes = {f"/{name}": html(f"Resilience fixture page {name}", f"<h1>{name}</h1>") for name in "abcd"}
    with SiteServer(routes) as site:
        tag = f"--maturity-test-tag={uuid.uuid4().hex}"  # so only this test's browser is killed
        settings = BrowserSettings(
            user_agent="maturity-tests",
            concurrency=1,
            throttle="none",
            page_timeout=8,
            loopback_only=True,
            extra_args=(tag,),
        )
        done = []

        async def scenario():
            async with BrowserSession(settings, site.url("/a")) as session:

                def on_page(page, _ms):
                    done.append(page)
                    if page.url == site.url("/b"):
                        pids = _browser_pids(tag)
                        assert len(pids) == 1
                        os.kill(pids[0], signal.SIGKILL)

                refs = [
                    PageRef(url=site.url("/a")),
                    PageRef(url="chrome://crash"),
                    PageRef(url=site.url("/b")),
                    PageRef(url=site.url("/c")),
                    PageRef(url=site.url("/d")),
                ]
                await session.gather(refs, {}, on_page)
                return session.relaunches

        relaunches = asyncio.run(scenario())
    status = {p.url: (p.status, p.reason) for p in done}
    assert status["chrome://crash"][0] == "not_assessable"
    assert status[site.url("/a")][0] == status[site.url("/b")][0] == "ok"
    assert status[site.url("/c")][0] == status[site.url("/d")][0] == "ok"  # after the browser was killed
    assert relaunches == 1


def test_each_worker_opens_a_fresh_tab_every_n_pages_in_turn(shared_browser):
    """sessionStorage lives as long as a tab: each page writes its tab's id and visit count into its title."""
    import collections
    import dataclasses

    counter = (
        "<script>const n = Number(sessionStorage.getItem('n') || 0) + 1; sessionStorage.setItem('n', n);"
        "if (!sessionStorage.getItem('tab')) sessionStorage.setItem('tab', Math.random().toString(36).slice(2));"
        "document.title = 'Visit ' + n + ' of tab ' + sessionStorage.getItem('tab');</script>"
    )
    routes = {f"/{i}": html("Visit counter", f"<h1>Page {i}</h1>", head=counter) for i in range(12)}
    with SiteServer(routes) as site:
        base = BrowserSettings(user_agent="maturity-tests", loopback_only=True, throttle="none", page_timeout=8)
        session = shared_browser.session
        titles: dict[str, str] = {}

        def on_page(page, _ms):
            titles[page.url.removeprefix(site.origin)] = page.artifacts["document"]["title"]

        def run(concurrency: int, pages: int) -> list[str]:
            titles.clear()
            session.reconfigure(dataclasses.replace(base, recycle_pages=3, concurrency=concurrency), site.url("/0"))
            shared_browser.run(session.gather([PageRef(url=site.url(f"/{i}")) for i in range(pages)], {}, on_page))
            return [titles[f"/{i}"] for i in range(pages)]

        one = run(1, 7)
        assert [t.split()[1] for t in one] == ["1", "2", "3", "1", "2", "3", "1"]
        assert len({t.split()[-1] for t in one}) == 3  # three tabs
        # Two workers: the second one's first tab serves one page fewer (2, not 3), so the two
        # do not replace their tabs at the same moment. Every tab serves at most 3 pages.
        pages_per_tab = collections.Counter(t.split()[-1] for t in run(2, 12))
        assert sum(pages_per_tab.values()) == 12 and max(pages_per_tab.values()) == 3
        assert 2 in pages_per_tab.values()


def test_after_the_browser_dies_under_several_workers_exactly_one_is_relaunched():
    """Three workers all find the browser gone at once: one relaunch, and no second browser left over."""
    routes = {f"/{i}": html(f"Relaunch fixture page {i}", f"<h1>{i}</h1>") for i in range(12)}
    with SiteServer(routes) as site:
        tag = f"--maturity-test-tag={uuid.uuid4().hex}"
        settings = BrowserSettings(
            user_agent="maturity-tests",
            concurrency=3,
            throttle="none",
            page_timeout=8,
            loopback_only=True,
            extra_args=(tag,),
        )
        done = []
        seen_after: list[int] = []

        async def scenario():
            async with BrowserSession(settings, site.url("/0")) as session:

                def on_page(page, _ms):
                    done.append(page)
                    if len(done) == 3:
                        os.kill(_browser_pids(tag)[0], signal.SIGKILL)
                    elif len(done) > 6:
                        seen_after.append(len(_browser_pids(tag)))

                await session.gather([PageRef(url=site.url(f"/{i}")) for i in range(12)], {}, on_page)
                return session.relaunches

        relaunches = asyncio.run(scenario())
    assert relaunches == 1
    assert seen_after and max(seen_after) == 1  # one browser process at a time, never a leaked second
    assert sum(p.status == "ok" for p in done) >= 9


def test_a_page_whose_axe_run_timed_out_is_tried_again_alone(shared_browser):
    """axe-core times out on one page while three workers run; that page is gathered once more
    after the others, with nothing else running, and reported once, with the second result."""
    from maturity.core.model import ArtifactError

    routes = {f"/{i}": html(f"Axe retry fixture page {i}", f"<h1>{i}</h1>") for i in range(6)}
    with SiteServer(routes) as site:
        settings = BrowserSettings(
            user_agent="maturity-tests", concurrency=3, throttle="none", page_timeout=8, loopback_only=True
        )
        slow = site.url("/2")
        running = 0
        calls: list[tuple[str, int]] = []  # (url, axe runs under way when it started)
        reported: list = []

        async def scenario():
            session = shared_browser.session
            session.reconfigure(settings, site.url("/0"))
            real = session._axe

            async def axe(page):
                nonlocal running
                calls.append((page.url, running))
                running += 1
                try:
                    if page.url == slow and sum(u == slow for u, _ in calls) == 1:
                        await asyncio.sleep(0.5)  # as if it had run out of time beside the others
                        return ArtifactError(error="axe-core did not finish in 8 s", kind="timeout").model_dump()
                    await asyncio.sleep(0.3)  # long enough for the workers to overlap
                    return await real(page)
                finally:
                    running -= 1

            session._axe = axe
            try:
                await session.gather(
                    [PageRef(url=site.url(f"/{i}")) for i in range(6)], {}, lambda p, _ms: reported.append(p)
                )
            finally:
                del session._axe

        shared_browser.run(scenario())
    assert [p.url for p in reported].count(slow) == 1 and len(reported) == 6
    again = next(p for p in reported if p.url == slow)
    assert again.status == "ok" and "kind" not in again.artifacts["axe"]  # the second run's real results
    slow_calls = [n for u, n in calls if u == slow]
    assert len(slow_calls) == 2 and slow_calls[1] == 0  # tried again with no other axe run under way
    assert calls[-1][0] == slow  # after every other page
