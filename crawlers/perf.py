"""The performance phase: one page at a time, ``perf_runs`` loads each under a throttling profile.

Serial because concurrency distorts timing metrics (a page's LCP measured alone was 300 ms and
812 ms beside four other loads, BROWSER-NOTES.md). Cache off, cookies cleared, network and CPU
throttled through the DevTools protocol, bytes counted from the wire; the median of the runs is
the page's performance artifact.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from playwright.async_api import BrowserContext
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page as PwPage

from crawlers.gather import SessionEnded
from crawlers.guard import NetworkLog, refused_document
from crawlers.mapping import summarise_runs
from crawlers.settle import settle
from crawlers.tabs import close_quietly, maybe_await, one_line
from maturity.core.model import ArtifactError, PerfRun

if TYPE_CHECKING:
    from crawlers.browser import BrowserSession

log = logging.getLogger("maturity.browser")

PerfDone = Callable[[str, dict[str, Any], float], Awaitable[None] | None]

# Throttling profiles in the manner of Lighthouse's (DOMAIN.md; BROWSER-NOTES.md): DevTools-style
# throttling multiplies the RTT by 3.75 and the throughput by 0.9, as Lighthouse's devtools method does.
PROFILES: dict[str, dict[str, Any]] = {
    "mobile": {  # Lighthouse mobile: 150 ms RTT, 1.6 Mbps down / 750 Kbps up, 4x CPU slowdown
        "device": "Pixel 7",
        "latency_ms": 562.5,
        "down_bps": 188_744,
        "up_bps": 86_400,
        "cpu": 4,
    },
    "desktop": {  # Lighthouse desktop: 40 ms RTT, 10 Mbps, no CPU slowdown
        "device": None,
        "latency_ms": 150.0,
        "down_bps": 1_179_648,
        "up_bps": 1_179_648,
        "cpu": 1,
    },
    "none": {"device": None, "latency_ms": 0, "down_bps": -1, "up_bps": -1, "cpu": 1},
}


async def measure(session: BrowserSession, urls: list[str], on_perf: PerfDone) -> None:
    """Serial phase: ``perf_runs`` loads per URL under the throttling profile, one page at a time.

    Each load has a tab of its own (its own renderer), cookies cleared before it: a tab reused from
    the page before keeps what that page compiled, parsed and decoded (scripts, style sheets, fonts),
    and timed the next page's FCP and LCP 60-115 ms sooner than the page loads alone, unthrottled, on
    the heavy bench site (bench/perf_agreement.py). The context is made afresh when the audit signs in
    again."""
    profile = PROFILES[session.settings.throttle]
    net = NetworkLog()
    login = session.login
    wire: dict[str, Any] = {"bytes": 0, "requests": 0, "by_type": {}, "types": {}, "count_by_type": {}}

    def on_sent(ev: dict[str, Any]) -> None:
        wire["requests"] += 1
        kind = (ev.get("type") or "Other").lower()
        wire["types"][ev["requestId"]] = kind
        wire["count_by_type"][kind] = wire["count_by_type"].get(kind, 0) + 1

    def on_finished(ev: dict[str, Any]) -> None:
        size = int(ev.get("encodedDataLength") or 0)
        wire["bytes"] += size
        kind = wire["types"].get(ev["requestId"], "other")
        wire["by_type"][kind] = wire["by_type"].get(kind, 0) + size

    context: BrowserContext | None = None
    made_in = -1
    try:
        for url in urls:
            started = time.perf_counter()
            runs: list[PerfRun] = []
            error: str | None = None
            kind = "timeout"
            signed_in_again = False
            tries = max(1, session.settings.perf_runs)
            while tries > 0:
                tries -= 1
                generation = login.generation if login is not None else 0
                if context is None or made_in != generation:  # signed in again: a fresh context
                    if context is not None:
                        await close_quietly(context)
                    context = await _context(session, profile, net)
                    made_in = generation
                wire.update(bytes=0, requests=0, by_type={}, types={}, count_by_type={})
                began = time.monotonic()
                page: PwPage | None = None
                try:
                    await context.clear_cookies()
                    if login is not None and login.session is not None:
                        await context.add_cookies(login.session.cookies)  # type: ignore[arg-type]
                    page = await context.new_page()
                    # the new tab settled on a blank page first: its start-up is not timed (under a
                    # busy machine a navigation from a tab just made measured TTFB up to 300 ms later)
                    await page.goto("about:blank")
                    await _wire_cdp(session, context, page, profile, on_sent, on_finished)
                    run = await asyncio.wait_for(
                        _one_perf_load(session, page, url, wire, net), session.settings.page_timeout + 15
                    )
                    runs.append(run)
                except SessionEnded as ended:
                    assert login is not None
                    if not signed_in_again and await login.renew(session, made_in):
                        signed_in_again = True
                        tries += 1  # this run once more, signed in again
                        continue
                    error, kind = login.required(str(ended)), "login"
                    break
                except Exception as exc:  # timeouts, crashes, and facts a hostile page made unreadable
                    if not isinstance(exc, TimeoutError | PlaywrightError):
                        log.exception("could not measure %s", url)
                    error = "timed out" if isinstance(exc, TimeoutError) else one_line(exc)
                    kind = "timeout" if isinstance(exc, TimeoutError) else "error"
                    stop = session.memory.stopped_since(began)
                    if stop is not None:
                        error, kind = stop.reason(session.memory.cap_mb), "memory"
                finally:
                    if page is not None:
                        await close_quietly(page)
            if runs:
                data = summarise_runs(session.settings.throttle, runs).model_dump(mode="json")
            else:
                data = ArtifactError(error=error or "no run finished", kind=kind).model_dump()
            await maybe_await(on_perf(url, data, (time.perf_counter() - started) * 1000))
    finally:
        if context is not None:
            await close_quietly(context)


async def _context(session: BrowserSession, profile: dict[str, Any], net: NetworkLog) -> BrowserContext:
    """The phase's context: the performance observer in every document, and the login's session
    (cookies, localStorage, sessionStorage) when the audit signs in."""
    context = await session.new_context(device=profile["device"], net=net, watch=False)
    await context.add_init_script(session.perf_js)
    if session.login is not None and session.login.session is not None:
        await session.login.session.enter(context)
    return context


async def _wire_cdp(
    session: BrowserSession,
    context: BrowserContext,
    page: PwPage,
    profile: dict[str, Any],
    on_sent: Callable[..., None],
    on_finished: Callable[..., None],
) -> None:
    """Cache off, throttling on, and byte counting, for one performance-phase page."""
    cdp = await context.new_cdp_session(page)
    await cdp.send("Network.enable")
    await cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if session.settings.throttle != "none":
        await cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": profile["latency_ms"],
                "downloadThroughput": profile["down_bps"],
                "uploadThroughput": profile["up_bps"],
            },
        )
        await cdp.send("Emulation.setCPUThrottlingRate", {"rate": profile["cpu"]})
    cdp.on("Network.requestWillBeSent", on_sent)
    cdp.on("Network.loadingFinished", on_finished)


async def _one_perf_load(
    session: BrowserSession, page: PwPage, url: str, wire: dict[str, Any], net: NetworkLog
) -> PerfRun:
    net.clear()
    await session.pacer.wait(url)
    await page.goto(url, wait_until="load")
    net.locked = True
    if await refused_document(net):
        raise PlaywrightError(net.refused_document or "redirected to a refused address")
    settled = await settle(page, net, session.settings.perf_quiet_ms, session.settings.perf_settle_max_ms)
    if session.login is not None:  # signed in: a page that shows the session ended is not measured
        why = await session.login.ended(page, url)
        if why is not None:
            raise SessionEnded(why)
    m = await page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        const p = window.__maturityPerf || {lcp: null, cls: 0, longtasks: []};
        const fcpTime = fcp ? fcp.startTime : null;
        let tbt = 0;
        for (const [start, dur] of p.longtasks) {
            if (fcpTime === null || start >= fcpTime) tbt += Math.max(0, dur - 50);
        }
        return {ttfb: nav ? nav.responseStart : null, load: nav ? nav.loadEventEnd : null,
                server: nav && nav.requestStart > 0 ? nav.responseStart - nav.requestStart : null,
                fcp: fcpTime, lcp: p.lcp, cls: p.cls, tbt};
    }""")
    return PerfRun(
        ttfb_ms=m["ttfb"],
        server_ms=m["server"],
        fcp_ms=m["fcp"],
        lcp_ms=m["lcp"],
        cls=round(m["cls"], 4),
        tbt_ms=m["tbt"],
        load_ms=m["load"],
        bytes=wire["bytes"],
        requests=wire["requests"],
        bytes_by_type=dict(wire["by_type"]),
        requests_by_type=dict(wire["count_by_type"]),
        settled=settled,
    )
