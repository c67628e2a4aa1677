"""One Chromium through Playwright, shared by the two phases of an audit.

The session owns the browser process, its policy proxy and its contexts; the work is done in
rooms of their own:

* :mod:`crawlers.launch`: settings, finding a binary, the switches, axe-core's source;
* :mod:`crawlers.guard`: the address policy applied to every request and connection, the network log;
* :mod:`crawlers.gather`: the concurrent phase (document, mobile, axe and network facts per page);
* :mod:`crawlers.perf`: the serial performance phase under a throttling profile;
* :mod:`crawlers.settle`: waiting until a loaded page has stopped moving;
* :mod:`crawlers.mapping`: engine output (axe-core, performance runs) to the core's facts.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable
from typing import Any

from playwright.async_api import Browser, BrowserContext, Playwright, async_playwright
from playwright.async_api import Page as PwPage

from crawlers import gather as _gather
from crawlers import perf as _perf
from crawlers.gather import PageDone
from crawlers.guard import NetworkGuard, NetworkLog
from crawlers.journey import Login
from crawlers.launch import DESKTOP_VIEWPORT, BrowserSettings, axe_source, find_browser, launch, script
from crawlers.memory import MemoryWatch
from crawlers.netpolicy import AddressPolicy
from crawlers.pacing import HostPacer
from crawlers.perf import PerfDone
from crawlers.policyproxy import Connector, PolicyProxy
from crawlers.tabs import close_popup, close_quietly
from maturity.core.model import HttpFacts, PageRef

__all__ = ["BrowserSession", "BrowserSettings", "SharedBrowser", "find_browser"]

log = logging.getLogger("maturity.browser")


class BrowserSession:
    """``async with BrowserSession(settings, start_url) as s: await s.gather(...); await s.measure(...)``."""

    def __init__(
        self,
        settings: BrowserSettings,
        start_url: str = "",
        policy: AddressPolicy | None = None,
        *,
        connect: Connector | None = None,
    ) -> None:
        self.settings = settings
        self.pacer = HostPacer(settings.page_gap)  # page loads to one host, spaced (politeness)
        self.guard = NetworkGuard(settings, start_url, policy, self.pacer)
        self.memory = MemoryWatch(settings.max_page_memory_mb)
        # Every connection the browser opens goes through this proxy, under the guard's policy
        # (``connect`` opens the proxy's own connections; tests pass a spy).
        self.proxy = PolicyProxy(self._decide, connect)
        self.axe_script, self.axe_version = axe_source(settings.axe_path)
        self.collect_js = script("collect.js")
        self.perf_js = script("perf.js")
        self.settle_js = script("settle.js")
        self.watch_js = script("watch.js")
        self.interact_js = script("interact.js")
        self._pw: Playwright | None = None
        self.browser: Browser | None = None
        self.browser_path = ""
        self.browser_version = ""
        self.relaunches = 0
        # The site's login, when the audit signs in: every context of the crawl starts with its session.
        self.login: Login | None = None
        self._relaunching: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None  # per event loop

    async def _decide(self, host: str) -> list[str]:
        return await self.guard.decide(host)  # the guard of the audit under way (``reconfigure`` replaces it)

    @property
    def start_url(self) -> str:
        return self.guard.start_url

    @property
    def policy(self) -> AddressPolicy | None:
        return self.guard.policy

    @property
    def offmachine_attempts(self) -> list[str]:
        """Loopback-only mode: the requests refused before they left, since the last reconfigure."""
        return self.guard.offmachine_attempts

    async def __aenter__(self) -> BrowserSession:
        await self.proxy.start()
        self._pw = await async_playwright().start()
        try:
            await self._launch()
        except BaseException:
            await self._pw.stop()
            await self.proxy.close()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            if self.browser is not None:
                await self.browser.close()
        finally:
            try:
                if self._pw is not None:
                    await self._pw.stop()
            finally:
                await self.proxy.close()

    def reconfigure(
        self,
        settings: BrowserSettings,
        start_url: str,
        policy: AddressPolicy | None = None,
        *,
        login: Login | None = None,
    ) -> None:
        """Reuse the running browser for another audit (another site, other settings, its own address
        policy, and its login when it signs in)."""
        if settings.axe_path != self.settings.axe_path:
            self.axe_script, self.axe_version = axe_source(settings.axe_path)
        self.settings = settings
        self.pacer = HostPacer(settings.page_gap)
        self.guard = NetworkGuard(settings, start_url, policy, self.pacer)
        self.memory = MemoryWatch(settings.max_page_memory_mb)
        self.login = login

    async def _launch(self) -> None:
        assert self._pw is not None
        self.browser, self.browser_path = await launch(self._pw, self.settings, self.proxy.url)
        self.browser_version = self.browser.version

    async def _ensure_browser(self) -> Browser:
        """The browser, relaunched if it died. Every worker notices a dead browser at about the
        same moment: the lock makes the first relaunch it and the others use that one (without it,
        each launched its own, and all but the last were leaked)."""
        if self.browser is not None and self.browser.is_connected():
            return self.browser
        loop = asyncio.get_running_loop()
        if self._relaunching is None or self._relaunching[0] is not loop:
            self._relaunching = (loop, asyncio.Lock())
        async with self._relaunching[1]:
            if self.browser is None or not self.browser.is_connected():
                log.warning("browser disconnected; relaunching")
                self.relaunches += 1
                if self.browser is not None:
                    await close_quietly(self.browser)  # reap what is left of the dead one
                await self._launch()
        assert self.browser is not None
        return self.browser

    async def new_context(self, *, device: str | None, net: NetworkLog | None, watch: bool = True) -> BrowserContext:
        """A context with our router and scripts. ``watch``: with watch.js (what the page changes by
        itself, its key listeners, WebGL drawing kept for reading), which the gather step's interactive
        checks read; the performance phase leaves it out, so what it times is the page alone."""
        assert self._pw is not None
        browser = await self._ensure_browser()
        options: dict[str, Any] = {}
        if device:
            options.update(self._pw.devices[device])
            options.pop("default_browser_type", None)
            options["device_scale_factor"] = 1  # CSS px are what we measure; cheaper to render
        else:
            options["viewport"] = DESKTOP_VIEWPORT
        options.update(
            user_agent=_mobile_ua(self.settings.user_agent, options.get("user_agent")),
            service_workers="block",
            accept_downloads=False,
            java_script_enabled=True,
            bypass_csp=False,
        )
        context = await browser.new_context(**options)
        context.set_default_timeout(self.settings.page_timeout * 1000)
        context.set_default_navigation_timeout(self.settings.page_timeout * 1000)
        # Every request passes our router: the address policy, loopback-only mode, third parties, and
        # no navigation once the page has loaded. WebSockets have their own router (Playwright >= 1.48).
        await context.route("**/*", lambda route: self.guard.route(route, net))
        await context.add_init_script(self.settle_js)
        if watch:
            await context.add_init_script(self.watch_js)
        if net is not None:
            context.on("request", lambda request: self.guard.watch_redirect(request, net))
            context.on("request", net.began)
            context.on("requestfinished", net.done)
            context.on("requestfailed", net.done)
        if hasattr(context, "route_web_socket"):
            await context.route_web_socket(re.compile(r".*"), lambda ws: self.guard.route_web_socket(ws, net))
        context.on("page", lambda new_page: asyncio.ensure_future(close_popup(new_page)))
        return context

    # -- the phases ---------------------------------------------------------
    async def gather(self, refs: list[PageRef], http: dict[str, HttpFacts], on_page: PageDone) -> None:
        """Concurrent phase: document, mobile, axe and network artifacts for every page (:mod:`crawlers.gather`)."""
        async with self.memory.watching():
            await _gather.gather(self, refs, http, on_page)

    async def measure(self, urls: list[str], on_perf: PerfDone) -> None:
        """Serial phase: the performance artifact of every URL (:mod:`crawlers.perf`)."""
        async with self.memory.watching():
            await _perf.measure(self, urls, on_perf)

    async def _axe(self, page: PwPage) -> dict[str, Any]:
        """axe-core's results for a loaded page, within ``page_timeout`` (a seam tests replace)."""
        return await _gather.axe_within_limit(self, page)


def _mobile_ua(ours: str, device_ua: str | None) -> str:
    """Our identifiable user agent, keeping the device's 'Mobile' token so sites serve phone layouts."""
    return f"{ours} Mobile" if device_ua and "Mobile" in device_ua and "Mobile" not in ours else ours


class SharedBrowser:
    """One browser on a background event loop, reused by many audits (a portfolio, a test session).

    ``run(coro)`` runs a coroutine on that loop and returns its result; Playwright's objects
    stay on the loop that made them.
    """

    def __init__(self, settings: BrowserSettings, *, connect: Connector | None = None) -> None:
        import threading

        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="maturity-browser", daemon=True)
        self._thread.start()
        self.session = BrowserSession(settings, connect=connect)
        try:
            self.run(self.session.__aenter__())
        except BaseException:
            self.loop.call_soon_threadsafe(self.loop.stop)
            raise

    def run(self, coro: Awaitable[Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()  # type: ignore[arg-type]

    def close(self) -> None:
        try:
            self.run(self.session.__aexit__(None, None, None))
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)
