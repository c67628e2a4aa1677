"""One Chromium through Playwright, a bounded pool of workers, and the gatherers.

Two phases, because concurrency distorts timing metrics (a page's LCP measured
alone was 300 ms and 812 ms beside four other loads, BROWSER-NOTES.md):

1. **Concurrent phase**: ``concurrency`` workers, each reusing one page in phone
   emulation, load every page once and gather the document facts, the mobile
   facts, axe-core results (injected into every frame) and the network log.
2. **Serial phase**: one page at a time, ``perf_runs`` loads each under a
   throttling profile, gathering the performance artifact (median of k runs).

A page that fails, hangs or crashes the renderer yields error artifacts or a
"not assessable" page, and the run goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import shutil
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import (
    Browser,
    BrowserContext,
    Playwright,
    Route,
    async_playwright,
)
from playwright.async_api import (
    Error as PlaywrightError,
)
from playwright.async_api import (
    Page as PwPage,
)

from crawlers.netpolicy import AddressPolicy, AddressRefused, is_loopback, is_loopback_host
from crawlers.plainwords import plain_error
from crawlers.policyproxy import Connector, PolicyProxy, ProxyRefused
from crawlers.retry import RetryPolicy
from crawlers.urls import is_same_site
from maturity.core.model import (
    ArtifactError,
    AxeFacts,
    AxeNode,
    AxeRule,
    DocumentFacts,
    HttpFacts,
    MobileFacts,
    NetworkFacts,
    PageArtifacts,
    PageRef,
    PerformanceFacts,
    PerfRun,
    Request,
)
from maturity.kernel.errors import BrowserNotFound

log = logging.getLogger("maturity.browser")

# Every way out of the browser must pass the policy proxy (``--proxy-server`` in ``_launch``); these
# close the ways that do not speak HTTP to it (tests/test_browser_exits.py listens on each):
# * ``--webrtc-ip-handling-policy=disable_non_proxied_udp``: without it a page's RTCPeerConnection
#   sends UDP (STUN/TURN requests to its ICE servers, connectivity checks to any remote candidate,
#   with a username the page chose) to any address and port, the proxy never asked. With it WebRTC
#   gathers no UDP candidates and reaches TURN servers over TCP through the proxy only. (Measured on
#   Chromium 156: ``--force-webrtc-ip-handling-policy`` does not do this.)
# * ``--disable-quic``: no HTTP/3 after an ``Alt-Svc: h3`` answer (a UDP connection the proxy would
#   not see). WebTransport is HTTP/3 too, but this switch does not stop it: the proxy does (Chromium
#   will not open a WebTransport session when a proxy is set).
BASE_ARGS = (
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--disable-default-apps",
    "--mute-audio",
)

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
DESKTOP_VIEWPORT = {"width": 1350, "height": 940}

# The axe-core rules we run: every WCAG 2.0/2.1/2.2 A and AA rule, and axe's best practices.
# Passed as runOnly tags, which also runs WCAG rules axe ships switched off (target-size in 4.12);
# a rubric then selects among them by tag.
AXE_RUN_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice")


@dataclass(frozen=True, kw_only=True)
class BrowserSettings:
    user_agent: str
    concurrency: int = 4
    page_timeout: float = 30.0  # seconds for one page load
    throttle: str = "mobile"  # performance phase profile: mobile | desktop | none
    perf_runs: int = 1  # k: loads per page in the performance phase (median reported)
    perf_pages: int | None = 10  # pages measured in the performance phase (None: all)
    block_third_party: bool = False
    loopback_only: bool = False  # abort every request not addressed to 127.0.0.0/8 (tests, demo)
    allow_private: bool = False  # let pages of a public site load from private, loopback, link-local addresses
    retries: int = 2  # reloads of a page that answered 429, 502, 503 or 504
    max_retry_after: float = 30.0  # cap on the Retry-After wait (and the backoff) before a reload, seconds
    retry_backoff: float = 1.0  # first wait before reloading a 5xx without Retry-After; doubles each time
    browser_path: str | None = None
    axe_path: str | None = None
    no_sandbox: bool | None = None  # None: only when running as root
    device: str = "Pixel 7"
    extra_args: tuple[str, ...] = ()  # more Chromium switches (a proxy, a tag to find the process by)
    # After load the page is read once nothing is left queued (see ``settle``); a page that never
    # stops is read after this quiet window (nothing moving, nothing in flight), at most 2 s.
    settle_ms: int = 200
    perf_quiet_ms: int = 300  # the same window in the performance phase
    perf_settle_max_ms: int = 5000  # ... and its cap
    # A worker's renderer and the driver's bookkeeping grow with every page a reused tab loads
    # (bench/run.py measured the tree growing by a third over 300 pages): start afresh this often.
    recycle_pages: int = 20


# ---------------------------------------------------------------------------
# Finding a browser and axe-core
# ---------------------------------------------------------------------------

_SYSTEM_BROWSERS = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/snap/bin/chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
)

INSTALL_HINT = (
    "no Chromium or Chrome found: install one (Debian/Ubuntu: `apt-get install chromium`; "
    "macOS: install Google Chrome; anywhere: `python -m playwright install chromium`), "
    "or pass --browser PATH"
)


def find_browser(explicit: str | None, playwright: Playwright | None = None) -> str:
    """The browser to launch: ``--browser``/``MATURITY_BROWSER``, Playwright's own, then a system one."""
    chosen = explicit or os.environ.get("MATURITY_BROWSER")
    if chosen:
        path = shutil.which(chosen) or chosen
        if not Path(path).is_file():
            raise BrowserNotFound(f"browser not found at {chosen!r}; {INSTALL_HINT}")
        return path
    if playwright is not None:
        try:
            own = playwright.chromium.executable_path
            if own and Path(own).is_file():
                return own
        except PlaywrightError:
            pass
    for candidate in _SYSTEM_BROWSERS:
        found = shutil.which(candidate) or (candidate if Path(candidate).is_file() else None)
        if found:
            return found
    raise BrowserNotFound(INSTALL_HINT)


def axe_source(path: str | None = None) -> tuple[str, str]:
    """(script, version) of axe-core: from ``path`` (a newer axe.min.js) or the installed package's copy."""
    if path:
        try:
            script = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            from maturity.kernel.errors import UsageError

            raise UsageError(f"--axe-script: cannot read {path}: {exc.strerror}") from None
    else:
        script = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    match = re.search(r"axe v(\d+\.\d+\.\d+)", script[:400])
    return script, match.group(1) if match else "unknown"


def _script(name: str) -> str:
    return (resources.files("crawlers") / name).read_text(encoding="utf-8")


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


_OFF_MACHINE = "not a loopback address (loopback-only mode)"

# Chromium's own services, which it contacts whatever the background flags say. Seen here by the
# proxy (Debian's Chromium 156): component updates and account checks at every start, and autofill
# queries on pages with forms. Our proxy refuses them unless a page itself asked for the host (a
# page may use Google sign-in), so an audit sends nothing on the browser's own account; the
# browser tests (loopback-only) fail if any other host is tried.
BROWSER_SERVICE_HOSTS = ("update.googleapis.com", "accounts.google.com", "content-autofill.googleapis.com")
_SERVICE_TRAFFIC = "the browser's own service traffic, not a page's"
# Switches that would route the browser around the policy proxy, or reopen an exit BASE_ARGS closes
# (Chromium keeps the last of a repeated switch, so an extra one would win).
_PROXY_SWITCHES = (
    "--proxy-",
    "--no-proxy-server",
    "--webrtc-ip-handling-policy",
    "--force-webrtc-ip-handling-policy",
    "--enable-quic",
    "--origin-to-force-quic-on",
)


def _default_policy(settings: BrowserSettings, start_url: str) -> AddressPolicy | None:
    """The start host's policy with the system resolver; None without a start URL (no audit under way)."""
    try:
        host = urlsplit(start_url).hostname if start_url else None
    except ValueError:
        host = None
    if not host:
        return None
    return AddressPolicy(host, allow_private=settings.allow_private)


def _navigates_again(request: Any, net: NetworkLog) -> bool:
    """Record a navigation; True when its frame already navigated and the page has loaded."""
    try:
        frame = request.frame
    except PlaywrightError:  # a service worker's request has no frame
        return False
    if net.locked and frame in net.navigated:
        return True
    net.navigated.add(frame)
    return False


# ---------------------------------------------------------------------------
# The session
# ---------------------------------------------------------------------------

PageDone = Callable[[PageArtifacts, float], Awaitable[None] | None]
PerfDone = Callable[[str, dict[str, Any], float], Awaitable[None] | None]


@dataclass
class NetworkLog:
    """Requests one worker's page made; reset before each load."""

    requests: list[Request] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)
    status: dict[int, int] = field(default_factory=dict)  # index in ``requests`` -> HTTP status
    index: dict[Any, int] = field(default_factory=dict)  # Playwright request -> index in ``requests``
    # Once the page has loaded, no frame navigates again (meta refresh loops, script redirects):
    # ``locked`` is set after ``goto`` returns, and a frame that already navigated gets a 204.
    locked: bool = False
    navigated: set[Any] = field(default_factory=set)  # Playwright frames that navigated since the load began
    # Redirect hops never reach the router (Playwright routes a request's first URL only), so each
    # hop is checked when the browser reports it; a document that landed on a refused address is
    # not assessed, and nothing read from it is kept.
    refused_document: str | None = None
    checks: set[asyncio.Future[None]] = field(default_factory=set)
    downloads: list[str] = field(default_factory=list)  # downloads the page started (never saved)
    # Requests under way in any frame, and how many started and ended: settling after the load
    # needs "nothing in flight, and nothing started or ended while we looked".
    inflight: set[Any] = field(default_factory=set)
    started: int = 0
    ended: int = 0

    def clear(self) -> None:
        self.requests.clear()
        self.blocked.clear()
        self.status.clear()
        self.index.clear()
        self.locked = False
        self.navigated.clear()
        self.refused_document = None
        self.checks.clear()
        self.downloads.clear()
        self.inflight.clear()

    def began(self, request: Any) -> None:
        self.inflight.add(request)
        self.started += 1

    def done(self, request: Any) -> None:
        self.inflight.discard(request)
        self.ended += 1


class BrowserSession:
    """``async with BrowserSession(settings, start_url) as s: await s.gather(...)``."""

    def __init__(
        self,
        settings: BrowserSettings,
        start_url: str = "",
        policy: AddressPolicy | None = None,
        *,
        connect: Connector | None = None,
    ) -> None:
        self.settings = settings
        self.start_url = start_url
        self.policy = policy if policy is not None else _default_policy(settings, start_url)
        # Every connection the browser opens goes through this proxy, under ``self.policy``
        # (``connect`` opens the proxy's own connections; tests pass a spy).
        self.proxy = PolicyProxy(self._decide, connect)
        self._page_hosts: set[str] = set()  # hosts a page asked for through the router
        self.axe_script, self.axe_version = axe_source(settings.axe_path)
        self._collect_js = _script("collect.js")
        self._perf_js = _script("perf.js")
        self._settle_js = _script("settle.js")
        self._pw: Playwright | None = None
        self.browser: Browser | None = None
        self.browser_path = ""
        self.browser_version = ""
        self.offmachine_attempts: list[str] = []  # loopback_only: requests refused before leaving
        self.relaunches = 0
        self._relaunching: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None  # per event loop

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

    @property
    def _loopback_only(self) -> bool:
        """Loopback-only by setting, or for every browser of a process tree with MATURITY_LOOPBACK_ONLY=1
        (the test suite sets it, so browsers started by subprocesses and workers obey it too)."""
        return self.settings.loopback_only or os.environ.get("MATURITY_LOOPBACK_ONLY") == "1"

    def reconfigure(self, settings: BrowserSettings, start_url: str, policy: AddressPolicy | None = None) -> None:
        """Reuse the running browser for another audit (another site, other settings, its own address policy)."""
        if settings.axe_path != self.settings.axe_path:
            self.axe_script, self.axe_version = axe_source(settings.axe_path)
        self.settings = settings
        self.start_url = start_url
        self.policy = policy if policy is not None else _default_policy(settings, start_url)
        self.offmachine_attempts = []
        self._page_hosts = set()

    async def _launch(self) -> None:
        assert self._pw is not None
        self.browser_path = find_browser(self.settings.browser_path, self._pw)
        # Everything, loopback included, through our policy proxy: redirect hops, preconnects and the
        # browser's own service traffic never pass Playwright's router, but they all pass the proxy.
        args = [*BASE_ARGS, f"--proxy-server={self.proxy.url}", "--proxy-bypass-list=<-loopback>"]
        overriding = [a for a in self.settings.extra_args if a.startswith(_PROXY_SWITCHES)]
        if overriding:
            raise ValueError(f"{overriding[0]!r} would take the browser around the address policy's proxy")
        args += self.settings.extra_args
        no_sandbox = self.settings.no_sandbox if self.settings.no_sandbox is not None else _running_as_root()
        if no_sandbox:
            args.append("--no-sandbox")
        try:
            self.browser = await self._pw.chromium.launch(
                executable_path=self.browser_path, headless=True, args=args, chromium_sandbox=not no_sandbox
            )
        except PlaywrightError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise BrowserNotFound(f"could not start {self.browser_path}: {first}") from None
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
                    await _close_quietly(self.browser)  # reap what is left of the dead one
                await self._launch()
        assert self.browser is not None
        return self.browser

    # -- contexts ----------------------------------------------------------
    async def _new_context(self, *, device: str | None, net: NetworkLog | None) -> BrowserContext:
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
        await context.route("**/*", lambda route: self._route(route, net))
        await context.add_init_script(self._settle_js)
        if net is not None:
            context.on("request", lambda request: self._watch_redirect(request, net))
            context.on("request", net.began)
            context.on("requestfinished", net.done)
            context.on("requestfailed", net.done)
        if hasattr(context, "route_web_socket"):
            await context.route_web_socket(re.compile(r".*"), lambda ws: self._route_web_socket(ws, net))
        context.on("page", lambda new_page: asyncio.ensure_future(_close_popup(new_page)))
        return context

    async def _route(self, route: Route, net: NetworkLog | None) -> None:
        request = route.request
        url = request.url
        if not url.startswith(("http://", "https://", "ws://", "wss://")):
            await route.continue_()
            return
        with contextlib.suppress(ValueError):
            self._page_hosts.add((urlsplit(url).hostname or "").lower())
        if net is not None and request.is_navigation_request() and _navigates_again(request, net):
            # A 204 answer leaves the loaded document where it is (no error page replaces it).
            await route.fulfill(status=204, body="")
            return
        refusal = await self._refusal(url)
        if refusal is not None:
            log.info("blocked %s: %s", url[:200], refusal)
            if net is not None:
                net.blocked.add(url)
            await route.abort("addressunreachable" if refusal != _OFF_MACHINE else "blockedbyclient")
            return
        if self.settings.block_third_party and not is_same_site(url, self.start_url):
            if net is not None:
                net.blocked.add(url)
            await route.abort("blockedbyclient")
            return
        await route.continue_()

    def _watch_redirect(self, request: Any, net: NetworkLog) -> None:
        """Check a redirect hop against the policy as soon as the browser reports it."""
        if request.redirected_from is None or not request.url.startswith(("http://", "https://")):
            return

        async def check() -> None:
            refusal = await self._refusal(request.url)
            if refusal is None:
                return
            log.warning("a redirect led to %s: %s", request.url[:200], refusal)
            net.blocked.add(request.url)  # the proxy refused the hop before connecting
            if request.is_navigation_request() and net.refused_document is None:
                net.refused_document = f"redirected to a refused address ({request.url[:200]}): {refusal}"

        future = asyncio.ensure_future(check())
        net.checks.add(future)
        future.add_done_callback(net.checks.discard)

    async def _route_web_socket(self, ws: Any, net: NetworkLog | None) -> None:
        url = ws.url
        refusal = await self._refusal(url)
        if refusal is None and self.settings.block_third_party and not is_same_site(url, self.start_url):
            refusal = "third party"
        if refusal is not None:
            log.info("blocked WebSocket %s: %s", url[:200], refusal)
            if net is not None:
                net.blocked.add(url)
            await ws.close(code=1008, reason="blocked by the auditing crawler")
            return
        ws.connect_to_server()

    async def _refusal(self, url: str) -> str | None:
        """Why a request to ``url`` must not leave the browser, or None (loopback-only mode, then the policy)."""
        if self._loopback_only and not is_loopback(url):
            self.offmachine_attempts.append(url)
            return _OFF_MACHINE
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            return "unparsable URL"
        try:
            await self._addresses(host)
        except AddressRefused as exc:
            return str(exc)
        except OSError as exc:
            return f"cannot resolve {host}: {exc}"
        return None

    async def _addresses(self, host: str) -> list[str]:
        """The policy's checked, pinned addresses for ``host``.

        Without a policy no audit is under way (a shared browser between audits, or just started):
        nothing may connect, Chromium's own start-up traffic included.
        """
        policy = self.policy
        if policy is None:
            raise AddressRefused("no audit under way: the browser connects nowhere")
        timeout = self.settings.page_timeout
        if policy.known(host):
            answer = policy.check(host)
        else:  # resolving may block: off the event loop, and no longer than a page may take
            answer = await asyncio.get_running_loop().run_in_executor(None, policy.check, host, timeout)
        return [str(address) for address in answer]

    async def _decide(self, host: str) -> list[str]:
        """The proxy's question for every connection the browser opens: where to, or refuse."""
        key = host.lower().rstrip(".")
        if key in BROWSER_SERVICE_HOSTS and key not in self._page_hosts:
            raise ProxyRefused(_SERVICE_TRAFFIC)
        if self._loopback_only and not is_loopback_host(key):
            self.offmachine_attempts.append(key)
            raise ProxyRefused(_OFF_MACHINE)
        try:
            return await self._addresses(key)
        except AddressRefused as exc:
            raise ProxyRefused(str(exc)) from None
        except OSError as exc:
            raise ProxyRefused(f"cannot resolve {key}: {exc}") from None

    async def _new_page(self, context: BrowserContext, net: NetworkLog) -> PwPage:
        page = await context.new_page()

        def on_request(req: Any) -> None:
            net.index[req] = len(net.requests)
            net.requests.append(
                Request(
                    url=req.url[:2000],
                    resource_type=req.resource_type,
                    third_party=not is_same_site(req.url, self.start_url),
                )
            )

        def on_response(response: Any) -> None:
            i = net.index.get(response.request)
            if i is not None:
                net.status[i] = response.status

        def on_load(_page: Any) -> None:
            # Lock as the load event arrives, before any navigation the page starts after it (a 0 s
            # meta refresh): doing it when ``goto`` returns left a gap that refresh could win.
            net.locked = True

        page.on("request", on_request)
        page.on("response", on_response)
        page.on("load", on_load)
        page.on("dialog", lambda dialog: asyncio.ensure_future(_dismiss(dialog)))
        page.on("download", lambda download: net.downloads.append(download.url[:300]))  # cancelled, not saved
        return page

    # -- phase 1 -----------------------------------------------------------
    async def gather(self, refs: list[PageRef], http: dict[str, HttpFacts], on_page: PageDone) -> None:
        """Concurrent phase: document, mobile, axe and network artifacts for every page."""
        queue: asyncio.Queue[PageRef] = asyncio.Queue()
        for ref in refs:
            queue.put_nowait(ref)
        workers = max(1, min(self.settings.concurrency, len(refs) or 1))
        # Each worker opens a fresh tab every ``recycle_pages`` pages; their first tabs serve fewer
        # pages in turn, so the workers do not all replace their tabs (two renderers each for a
        # moment) at once: a 1,000-page run peaked at 1,567 MiB with the workers in step.
        stagger = [i * self.settings.recycle_pages // workers for i in range(workers)]
        again: list[tuple[PageRef, PageArtifacts]] = []
        await asyncio.gather(*(self._worker(queue, http, on_page, served=s, again=again) for s in stagger))
        # A page whose axe-core run timed out beside other workers gets one more try alone: on
        # 2 busy cores, 4 workers made axe time out on 3 pages of 16 that it finished alone.
        for ref, first in again:
            retry: asyncio.Queue[PageRef] = asyncio.Queue()
            retry.put_nowait(ref)
            results: list[PageArtifacts] = []

            def keep(page: PageArtifacts, _ms: float, results: list[PageArtifacts] = results) -> None:
                results.append(page)

            started = time.perf_counter()
            await self._worker(retry, http, keep)
            second = results[0] if results else first
            if _axe_timed_out(second):  # still too slow alone: the first result stands, and says so
                second = first
            await _maybe_await(on_page(second, (time.perf_counter() - started) * 1000))

    async def _worker(
        self,
        queue: asyncio.Queue[PageRef],
        http: dict[str, HttpFacts],
        on_page: PageDone,
        *,
        served: int = 0,
        again: list[tuple[PageRef, PageArtifacts]] | None = None,
    ) -> None:
        """Gather pages from ``queue`` one after another. With ``again``, a page whose axe-core run
        timed out is put there instead of reported (:meth:`gather` tries it again alone)."""
        net = NetworkLog()
        context: BrowserContext | None = None
        page: PwPage | None = None
        try:
            while True:
                try:
                    ref = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                if served >= self.settings.recycle_pages and page is not None:  # memory stays flat
                    await _close_quietly(page)
                    page, served = None, 0
                served += 1
                for attempt in (1, 2):
                    if context is None or page is None or page.is_closed():
                        context, page = await self._fresh(context, net)
                    started = time.perf_counter()
                    budget = self._page_budget()
                    try:
                        result = await asyncio.wait_for(self._gather_one(page, ref, http.get(ref.url), net), budget)
                    except (TimeoutError, PlaywrightError) as exc:
                        crashed = isinstance(exc, PlaywrightError) and _looks_crashed(exc)
                        await _close_quietly(page)
                        page = None
                        if crashed and attempt == 1:
                            log.warning("renderer or browser crashed on %s; retrying once", ref.url)
                            await _close_quietly(context)
                            context = None
                            continue
                        reason = "timed out" if isinstance(exc, TimeoutError) else plain_error(exc)
                        if net.downloads:  # a navigation that turned into a download never finishes loading
                            reason = f"it started a download while loading ({net.downloads[0]}); nothing was saved"
                        result = PageArtifacts(
                            url=ref.url,
                            depth=ref.depth,
                            status="not_assessable",
                            reason=f"could not render: {reason}",
                            artifacts=_http_only(http.get(ref.url)),
                        )
                    except Exception as exc:  # facts a page made unreadable (or our bug): this page only
                        log.exception("could not gather %s", ref.url)
                        await _close_quietly(page)
                        page = None
                        result = PageArtifacts(
                            url=ref.url,
                            depth=ref.depth,
                            status="not_assessable",
                            reason=f"could not gather: {type(exc).__name__}: {_one_line(exc)}",
                            artifacts=_http_only(http.get(ref.url)),
                        )
                    if again is not None and _axe_timed_out(result):
                        again.append((ref, result))
                    else:
                        await _maybe_await(on_page(result, (time.perf_counter() - started) * 1000))
                    break
        finally:
            await _close_quietly(context)

    async def _fresh(self, context: BrowserContext | None, net: NetworkLog) -> tuple[BrowserContext, PwPage]:
        for _ in range(2):
            try:
                if context is None:
                    context = await self._new_context(device=self.settings.device, net=net)
                return context, await self._new_page(context, net)
            except PlaywrightError:
                await _close_quietly(context)
                context = None
        context = await self._new_context(device=self.settings.device, net=net)
        return context, await self._new_page(context, net)

    async def _load(self, page: PwPage, url: str, net: NetworkLog) -> Any:
        """``goto`` and wait for load; a 429 or 5xx answer is loaded again after its Retry-After
        (capped) or a doubling backoff, ``retries`` times. Then the page is locked: no frame of it
        navigates again (a meta refresh to itself every 0 s would otherwise never hold still)."""
        s = self.settings
        policy = RetryPolicy(retries=s.retries, max_retry_after=s.max_retry_after, backoff=s.retry_backoff)
        for attempt in range(s.retries + 1):
            net.clear()
            response = await page.goto(url, wait_until="load")
            if response is None:
                break
            wait = policy.wait(response.status, await response.header_value("retry-after"), attempt)
            if wait is None:
                break
            await asyncio.sleep(wait)
        net.locked = True
        return response

    async def _gather_one(self, page: PwPage, ref: PageRef, http: HttpFacts | None, net: NetworkLog) -> PageArtifacts:
        await page.context.clear_cookies()
        response = await self._load(page, ref.url, net)
        if await _refused_document(net):
            return self._refused_page(ref, http, net)
        if response is not None and response.status >= 400:
            reason = "rate limited (HTTP 429)" if response.status == 429 else f"HTTP {response.status}"
            return PageArtifacts(
                url=ref.url,
                depth=ref.depth,
                status="not_assessable",
                reason=reason,
                artifacts=_http_only(http),
            )
        return await self._read_page(page, ref, http, net)

    def _page_budget(self) -> float:
        """Outer bound on one page of the concurrent phase: every load attempt (the navigation timeout
        each), the waits between them, reading the document and running axe (``page_timeout`` each)."""
        s = self.settings
        return (s.retries + 3) * s.page_timeout + s.retries * s.max_retry_after + 20

    async def _read_page(self, page: PwPage, ref: PageRef, http: HttpFacts | None, net: NetworkLog) -> PageArtifacts:
        artifacts: dict[str, dict[str, Any]] = {}
        if http is not None:
            artifacts["http"] = http.model_dump(mode="json")
        facts = await asyncio.wait_for(self._document_facts(page, net), self.settings.page_timeout)
        artifacts["document"] = DocumentFacts.model_validate(facts["document"]).model_dump(mode="json")
        artifacts["mobile"] = MobileFacts(device=self.settings.device, **facts["mobile"]).model_dump(mode="json")
        artifacts["axe"] = _scrub(await self._axe(page))
        requests = [
            r.model_copy(update={"blocked": r.url in net.blocked, "status": net.status.get(i)})
            for i, r in enumerate(net.requests)
        ]
        artifacts["network"] = NetworkFacts(requests=requests).model_dump(mode="json")
        if await _refused_document(net):  # a frame added after the load was redirected there
            return self._refused_page(ref, http, net)
        return PageArtifacts(url=ref.url, depth=ref.depth, artifacts=artifacts)

    def _refused_page(self, ref: PageRef, http: HttpFacts | None, net: NetworkLog) -> PageArtifacts:
        return PageArtifacts(
            url=ref.url,
            depth=ref.depth,
            status="not_assessable",
            reason=net.refused_document,
            artifacts=_http_only(http),
        )

    async def _document_facts(self, page: PwPage, net: NetworkLog) -> dict[str, Any]:
        try:
            return await self._settle_and_collect(page, net)
        except PlaywrightError as exc:
            if "context was destroyed" not in str(exc):
                raise
            # The page navigated between the load and the lock (a 0 s refresh can win that race):
            # the lock now holds, so read the document it landed on.
            await page.wait_for_load_state("load")
            return await self._settle_and_collect(page, net)

    async def _settle_and_collect(self, page: PwPage, net: NetworkLog) -> dict[str, Any]:
        # Let late scripts settle (nothing queued, or main thread quiet for settle_ms; at most 2 s)
        # before reading the DOM.
        await settle(page, net, self.settings.settle_ms, 2000)
        facts: dict[str, Any] = _scrub(await page.evaluate(self._collect_js))
        return facts

    async def _axe(self, page: PwPage) -> dict[str, Any]:
        """axe-core's results, within ``page_timeout`` (a page with thousands of links can take minutes:
        then the axe artifact is an error, the page's other facts stand, and the page is closed so
        the worker's next page does not wait behind axe)."""
        limit = self.settings.page_timeout
        try:
            return await asyncio.wait_for(self._run_axe(page), limit)
        except TimeoutError:
            await _close_quietly(page)
            return ArtifactError(error=f"axe-core did not finish in {limit:g} s", kind="timeout").model_dump()

    async def _run_axe(self, page: PwPage) -> dict[str, Any]:
        """Inject axe-core into every frame and run it from the top; options travel as real JSON."""
        try:
            for frame in page.frames:
                try:
                    await frame.evaluate(self.axe_script)
                except PlaywrightError:
                    pass  # a detached or navigating frame
            options = {
                "runOnly": {"type": "tag", "values": list(AXE_RUN_TAGS)},
                "resultTypes": ["violations", "incomplete"],
            }
            raw = await page.evaluate("(o) => axe.run(document, o)", options)
        except PlaywrightError as exc:
            return ArtifactError(error=_one_line(exc), kind="axe").model_dump()
        return map_axe(raw, self.axe_version).model_dump(mode="json")

    # -- phase 2 -----------------------------------------------------------
    async def measure(self, urls: list[str], on_perf: PerfDone) -> None:
        """Serial phase: ``perf_runs`` loads per URL under the throttling profile, one page at a time."""
        profile = PROFILES[self.settings.throttle]
        net = NetworkLog()
        context = await self._new_context(device=profile["device"], net=net)
        try:
            await context.add_init_script(self._perf_js)
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

            page = await context.new_page()
            await self._wire_cdp(context, page, profile, on_sent, on_finished)
            for done, url in enumerate(urls):
                if done and done % self.settings.recycle_pages == 0:  # a fresh tab: memory stays flat
                    await _close_quietly(page)
                    page = await context.new_page()
                    await self._wire_cdp(context, page, profile, on_sent, on_finished)
                started = time.perf_counter()
                runs: list[PerfRun] = []
                error: str | None = None
                kind = "timeout"
                for _ in range(max(1, self.settings.perf_runs)):
                    wire.update(bytes=0, requests=0, by_type={}, types={}, count_by_type={})
                    try:
                        await page.goto("about:blank")
                        await context.clear_cookies()
                        run = await asyncio.wait_for(
                            self._one_perf_load(page, url, wire, net), self.settings.page_timeout + 15
                        )
                        runs.append(run)
                    except Exception as exc:  # timeouts, crashes, and facts a hostile page made unreadable
                        if not isinstance(exc, TimeoutError | PlaywrightError):
                            log.exception("could not measure %s", url)
                        error = "timed out" if isinstance(exc, TimeoutError) else _one_line(exc)
                        kind = "timeout" if isinstance(exc, TimeoutError) else "error"
                        await _close_quietly(page)
                        page = await context.new_page()
                        await self._wire_cdp(context, page, profile, on_sent, on_finished)
                if runs:
                    data = summarise_runs(self.settings.throttle, runs).model_dump(mode="json")
                else:
                    data = ArtifactError(error=error or "no run finished", kind=kind).model_dump()
                await _maybe_await(on_perf(url, data, (time.perf_counter() - started) * 1000))
        finally:
            await _close_quietly(context)

    async def _wire_cdp(
        self,
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
        if self.settings.throttle != "none":
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

    async def _one_perf_load(self, page: PwPage, url: str, wire: dict[str, Any], net: NetworkLog) -> PerfRun:
        net.clear()
        await page.goto(url, wait_until="load")
        net.locked = True
        if await _refused_document(net):
            raise PlaywrightError(net.refused_document or "redirected to a refused address")
        settled = await settle(page, net, self.settings.perf_quiet_ms, self.settings.perf_settle_max_ms)
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
                    fcp: fcpTime, lcp: p.lcp, cls: p.cls, tbt};
        }""")
        return PerfRun(
            ttfb_ms=m["ttfb"],
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


_PROBE = "(h) => window.__maturitySettle ? window.__maturitySettle.probe(h) : null"
BLOCKED_MS = 150  # a probe (two frames and a task) that took longer found the main thread busy


async def settle(page: PwPage, net: NetworkLog, quiet_ms: int, cap_ms: int) -> str:
    """After the load event, wait until the page has settled and say how.

    ``"idle"``: two probes in a row (settle.js: two frames and a task each) found nothing queued that
    could act within ``quiet_ms`` (timers, frames, idle callbacks, fetches, animations, fonts,
    images), no request in flight, begun or ended meanwhile, no known work since the probe's first
    frame and no metric moved (shift, paint, long task); a static page settles in about four frames.
    ``"quiet"``: otherwise, for ``quiet_ms`` no metric moved, the main thread was free and the
    network was still with nothing in flight (a page with an endless timer or animation ends here).
    ``"cap"``: ``cap_ms`` ran out (a request that never ends, a page that never stops moving).
    So a layout shift a timer or a slow fetch makes after the load is still measured.
    """
    loop = asyncio.get_running_loop()
    start = quiet_since = loop.time()
    last_moved: float | None = None
    clean = 0
    while True:
        seen = (net.started, net.ended)
        asked = loop.time()
        state = await page.evaluate(_PROBE, quiet_ms)
        now = loop.time()
        if not isinstance(state, dict):  # a document without settle.js (it replaced itself): the quiet window
            await asyncio.sleep(quiet_ms / 1000)
            return "quiet"
        state = {key: _number(state.get(key)) for key in ("started", "frame", "work", "last")} | {
            "pending": bool(state.get("pending"))
        }
        # a metric moved while this probe looked, or since the last one
        moved = state["last"] >= state["started"] or (last_moved is not None and state["last"] != last_moved)
        last_moved = state["last"]
        network = bool(net.inflight) or (net.started, net.ended) != seen
        if moved or network or (now - asked) * 1000 > BLOCKED_MS:
            quiet_since = now
        idle = not (state["pending"] or network or moved) and state["work"] < state["frame"]
        clean = clean + 1 if idle else 0
        if clean >= 2:
            return "idle"
        if (now - quiet_since) * 1000 >= quiet_ms:
            return "quiet"
        if (now - start) * 1000 >= cap_ms:
            return "cap"


def _number(value: Any) -> float:
    """A page can reach the objects a probe reads: anything but a number counts as 0."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


# ---------------------------------------------------------------------------
# Pure helpers
# ---------------------------------------------------------------------------


def map_axe(raw: dict[str, Any], version: str) -> AxeFacts:
    """axe-core's result object -> our own :class:`AxeFacts` (nothing else sees axe's structures)."""
    rules: list[AxeRule] = []
    for key, outcome in (
        ("violations", "violation"),
        ("incomplete", "incomplete"),
        ("passes", "pass"),
        ("inapplicable", "inapplicable"),
    ):
        for rule in raw.get(key) or []:
            nodes = []
            if outcome in ("violation", "incomplete"):
                for node in (rule.get("nodes") or [])[:50]:
                    nodes.append(
                        AxeNode(
                            target=_target(node.get("target")),
                            html=(node.get("html") or "")[:500],
                            summary=(node.get("failureSummary") or "")[:500],
                        )
                    )
            rules.append(
                AxeRule(
                    id=rule["id"],
                    outcome=outcome,
                    impact=rule.get("impact"),
                    tags=list(rule.get("tags") or []),
                    help=rule.get("help") or "",
                    help_url=rule.get("helpUrl") or "",
                    description=(rule.get("description") or "")[:1000],
                    nodes=nodes,
                )
            )
    return AxeFacts(version=(raw.get("testEngine") or {}).get("version") or version, rules=rules)


def _target(target: Any) -> str:
    """axe targets are lists of selectors, one per frame (shadow roots nest further lists)."""
    if isinstance(target, list):
        return " >>> ".join(_target(t) for t in target)
    return str(target or "")


def summarise_runs(profile: str, runs: list[PerfRun]) -> PerformanceFacts:
    """The median run (metric by metric) and the spread (max − min) over k runs."""
    fields = ("ttfb_ms", "fcp_ms", "lcp_ms", "cls", "tbt_ms", "load_ms")
    median: dict[str, Any] = {}
    spread: dict[str, float] = {}
    for name in fields:
        values = [getattr(r, name) for r in runs if getattr(r, name) is not None]
        median[name] = statistics.median(values) if values else None
        if len(values) > 1:
            spread[name] = max(values) - min(values)
    by_bytes = sorted(runs, key=lambda r: r.bytes)[len(runs) // 2]
    median.update(
        bytes=by_bytes.bytes,
        requests=by_bytes.requests,
        bytes_by_type=by_bytes.bytes_by_type,
        requests_by_type=by_bytes.requests_by_type,
    )
    return PerformanceFacts(profile=profile, k=len(runs), median=PerfRun(**median), runs=runs, spread=spread)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _scrub(value: Any) -> Any:
    """Page strings with lone surrogates (JavaScript allows ``"\\ud800"`` in a title, UTF-8 does not) get U+FFFD.

    Without this, one hostile page would fail the whole run when its artifacts are stored.
    """
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _http_only(http: HttpFacts | None) -> dict[str, dict[str, Any]]:
    return {"http": http.model_dump(mode="json")} if http is not None else {}


def _mobile_ua(ours: str, device_ua: str | None) -> str:
    """Our identifiable user agent, keeping the device's 'Mobile' token so sites serve phone layouts."""
    return f"{ours} Mobile" if device_ua and "Mobile" in device_ua and "Mobile" not in ours else ours


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


def _looks_crashed(exc: PlaywrightError) -> bool:
    text = str(exc).lower()
    return any(word in text for word in ("crash", "target closed", "has been closed", "browser has disconnected"))


def _axe_timed_out(page: PageArtifacts) -> bool:
    axe = page.artifacts.get("axe") or {}
    return page.status == "ok" and axe.get("kind") == "timeout"


async def _close_quietly(obj: Any) -> None:
    if obj is None:
        return
    try:
        await asyncio.wait_for(obj.close(), 10)
    except Exception:  # closing a crashed page or context may fail in many ways; nothing to do then
        pass


async def _dismiss(dialog: Any) -> None:
    """Dismiss alerts, confirms and prompts; but leave a page that asks "stay on this page?"
    (dismissing a beforeunload dialog would keep the worker's page there and abort its next load)."""
    try:
        if dialog.type == "beforeunload":
            await dialog.accept()
        else:
            await dialog.dismiss()
    except PlaywrightError:
        pass


async def _close_popup(page: PwPage) -> None:
    """Pop-ups (window.open, target=_blank clicks) are closed; our own pages have no opener."""
    try:
        opener = await page.opener()
    except PlaywrightError:
        return
    if opener is not None:
        await _close_quietly(page)


async def _refused_document(net: NetworkLog) -> bool:
    """Wait for the redirect checks under way; True when a document was redirected to a refused address."""
    if net.checks:
        await asyncio.gather(*list(net.checks), return_exceptions=True)
    return net.refused_document is not None


async def _maybe_await(value: Awaitable[None] | None) -> None:
    if value is not None and hasattr(value, "__await__"):
        await value


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
