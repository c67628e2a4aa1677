"""Settling after the load event (crawlers/settle.js and ``settle``), in real Chromium.

A static page is read as soon as nothing is left to happen; work the page still has queued (a
timer, a slow fetch) is waited for, so late layout shifts and late content are measured; pages
that never stop (an endless animation, a request that never ends) fall back to the quiet window
or the cap, as before.
"""

from __future__ import annotations

import dataclasses

import pytest
from sites import Resource, SiteServer, html

from crawlers.browser import BrowserSettings
from maturity.core.model import PageRef

pytestmark = pytest.mark.browser

BANNER = (
    "var b = document.createElement('div'); b.style.height = '300px'; b.textContent = 'Service alert';"
    "document.body.insertBefore(b, document.body.firstChild);"
)
TALL = "<h1>Parks</h1>" + "<p>Trail news and opening hours for every state park.</p>" * 30


def settings(**over) -> BrowserSettings:
    base = BrowserSettings(user_agent="maturity-tests", loopback_only=True, throttle="none", page_timeout=8)
    return dataclasses.replace(base, **over)


def measure(shared_browser, site: SiteServer, paths: list[str], **over) -> dict[str, dict]:
    session = shared_browser.session
    session.reconfigure(settings(**over), site.url("/"))
    out: dict[str, dict] = {}

    def on_perf(url: str, data: dict, _ms: float) -> None:
        out[url.removeprefix(site.origin)] = data

    shared_browser.run(session.measure([site.url(p) for p in paths], on_perf))
    return out


ROUTES = {
    "/": html("A static page of the fixture agency", TALL),
    "/timer-shift": html(
        "An alert pushed in by a timer after load",
        TALL,
        head=f"<script>addEventListener('load', () => setTimeout(() => {{ {BANNER} }}, 250));</script>",
    ),
    "/fetch-shift": html(
        "An alert pushed in after a slow fetch",
        TALL,
        head="<script>addEventListener('load', () => fetch('/slow').then((r) => r.text()).then(() => {"
        + BANNER
        + "}));</script>",
    ),
    "/slow": Resource("{}", content_type="application/json", delay=0.6),
    "/spinner": html(
        "A page with an endless spinner",
        TALL + "<div class='spin' role='img' aria-label='Loading'></div>",
        head="<style>.spin{width:20px;height:20px;border:2px solid #005ea2;animation:turn 1s linear infinite}"
        "@keyframes turn{to{transform:rotate(360deg)}}</style>",
    ),
    "/never-ends": html(
        "A page with a request that never ends",
        TALL,
        head="<script>addEventListener('load', () => fetch('/hang'));</script>",
    ),
    "/hang": Resource("{}", content_type="application/json", delay=6),
    "/late-content": html(
        "A page that fills itself from a slow fetch",
        "<p>Loading</p>",
        head="<script>addEventListener('load', () => fetch('/slow').then(() => {"
        "const h = document.createElement('h1'); h.textContent = 'Loaded heading';"
        "document.querySelector('main').prepend(h); }));</script>",
    ),
    "/string-timer": html(
        "Timers as pages use them",
        "<h1>Timers</h1>",
        head="<script>setTimeout(\"document.title = 'set by a string timer'\", 0);"
        "const t = setTimeout(() => { document.title = 'cleared timer ran'; }, 50); clearTimeout(t);"
        "addEventListener('DOMContentLoaded', () => { let n = 0; const i = setInterval(() => { n += 1;"
        "if (n === 3) clearInterval(i); document.querySelector('h1').textContent = 'Ticks: ' + n; }, 10); });"
        "addEventListener('DOMContentLoaded', () => requestAnimationFrame(() => {"
        "const h = document.createElement('h2'); h.textContent = 'A frame ran';"
        "document.querySelector('main').append(h); }));</script>",
    ),
    "/framed-late": html(
        "A page whose frame fills in late", "<h1>Map</h1><iframe title='Map' src='/inner-late'></iframe>"
    ),
    "/inner-late": html(
        "A frame that adds a photo after load",
        "<h1>Inner</h1>",
        head="<script>addEventListener('load', () => setTimeout(() => { const i = document.createElement('img');"
        "i.src = '/pic.svg'; i.width = 40; i.height = 40; document.querySelector('main').append(i); }, 400));"
        "</script>",
    ),
    "/pic.svg": Resource(
        "<svg xmlns='http://www.w3.org/2000/svg' width='40' height='40'/>", content_type="image/svg+xml"
    ),
    "/tampered": html(
        "A page that tampers with what we read",
        TALL,
        head="<script>addEventListener('load', () => { const m = window.__maturityPerf;"
        "m.last = 'later'; m.cls = 'lots'; m.flush = () => {}; });</script>",
    ),
}


@pytest.fixture(scope="module")
def site():
    with SiteServer(ROUTES) as server:
        yield server


def test_a_static_page_is_idle_and_a_late_timer_shift_is_still_measured(shared_browser, site):
    perf = measure(shared_browser, site, ["/", "/timer-shift"])
    static, shifted = perf["/"]["median"], perf["/timer-shift"]["median"]
    assert perf["/"]["runs"][0]["settled"] == "idle"
    assert static["cls"] == 0
    # the banner comes 250 ms after load: the page was not idle until the timer had run and painted
    assert perf["/timer-shift"]["runs"][0]["settled"] == "idle"
    assert shifted["cls"] > 0.05


def test_a_shift_after_a_slow_fetch_is_measured(shared_browser, site):
    # The fetch takes 600 ms, twice the quiet window: only the request in flight keeps us watching.
    perf = measure(shared_browser, site, ["/fetch-shift"])
    assert perf["/fetch-shift"]["median"]["cls"] > 0.05
    assert perf["/fetch-shift"]["runs"][0]["settled"] == "idle"


def test_pages_that_never_settle_fall_back_to_the_quiet_window_or_the_cap(shared_browser, site):
    # The spinner has the default-sized room of 4 s to go quiet (with a 1 s cap a loaded machine
    # reached the cap first); the page whose request never ends meets a 1 s cap.
    spinner = measure(shared_browser, site, ["/spinner"], perf_settle_max_ms=4000)
    assert spinner["/spinner"]["runs"][0]["settled"] == "quiet"  # the animation never ends; nothing moves
    perf = measure(shared_browser, site, ["/never-ends"], perf_settle_max_ms=1000)
    assert perf["/never-ends"]["runs"][0]["settled"] == "cap"  # a request still in flight at the cap


def test_the_document_is_read_after_late_content_arrives(shared_browser, site):
    session = shared_browser.session
    # A quiet window longer than any wait below: what ends each wait here is the page's own queue.
    session.reconfigure(settings(concurrency=2, settle_ms=1500), site.url("/"))
    done = {}

    def on_page(page, _ms):
        done[page.url.removeprefix(site.origin)] = page

    refs = [PageRef(url=site.url(p)) for p in ("/late-content", "/string-timer", "/framed-late")]
    shared_browser.run(session.gather(refs, {}, on_page))
    late = done["/late-content"].artifacts["document"]
    assert [h["text"] for h in late["headings"]] == ["Loaded heading"]
    # The page's own timers behave as without us: string code runs, a cleared timer does not,
    # an interval stops when cleared, a frame callback runs.
    timers = done["/string-timer"]
    assert timers.status == "ok"
    assert timers.artifacts["document"]["title"] == "set by a string timer"
    assert [h["text"] for h in timers.artifacts["document"]["headings"]] == ["Ticks: 3", "A frame ran"]
    # A same-origin frame's queued work counts too: the photo it adds 400 ms after its load is
    # there for axe-core (the top document alone has nothing queued by then).
    rules = {r["id"]: r for r in done["/framed-late"].artifacts["axe"]["rules"]}
    assert rules["image-alt"]["outcome"] == "violation"


def test_a_page_that_tampers_with_our_objects_spoils_only_its_own_measurement(shared_browser, site):
    perf = measure(shared_browser, site, ["/tampered", "/"])
    assert perf["/tampered"]["kind"] == "error"  # its figures could not be read; the run goes on
    assert perf["/"]["median"]["fcp_ms"] > 0  # the next page is measured as usual
