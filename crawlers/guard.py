"""The browser's network guard: which requests a page may make, and the log of those it made.

Two gates, both under one :class:`~crawlers.netpolicy.AddressPolicy`: Playwright's router sees
every request a page starts (``route``, ``route_web_socket``), and the policy proxy asks
``decide`` for every connection the browser opens (redirect hops, preconnects and the browser's
own traffic never reach the router). Redirect hops are checked as the browser reports them
(``watch_redirect``); a document that landed on a refused address is not assessed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Route

from crawlers.launch import BrowserSettings
from crawlers.netpolicy import AddressPolicy, AddressRefused, is_loopback, is_loopback_host
from crawlers.pacing import HostPacer
from crawlers.policyproxy import ProxyRefused
from crawlers.urls import is_same_site
from maturity.core.model import Request

log = logging.getLogger("maturity.browser")

OFF_MACHINE = "not a loopback address (loopback-only mode)"

# Chromium's own services, which it contacts whatever the background flags say. Seen here by the
# proxy (Debian's Chromium 156): component updates and account checks at every start, and autofill
# queries on pages with forms. Our proxy refuses them unless a page itself asked for the host (a
# page may use Google sign-in), so an audit sends nothing on the browser's own account; the
# browser tests (loopback-only) fail if any other host is tried.
BROWSER_SERVICE_HOSTS = ("update.googleapis.com", "accounts.google.com", "content-autofill.googleapis.com")
_SERVICE_TRAFFIC = "the browser's own service traffic, not a page's"


def default_policy(settings: BrowserSettings, start_url: str) -> AddressPolicy | None:
    """The start host's policy with the system resolver; None without a start URL (no audit under way)."""
    try:
        host = urlsplit(start_url).hostname if start_url else None
    except ValueError:
        host = None
    if not host:
        return None
    return AddressPolicy(host, allow_private=settings.allow_private)


def navigates_again(request: Any, net: NetworkLog) -> bool:
    """Record a navigation; True when its frame already navigated and the page has loaded."""
    try:
        frame = request.frame
    except PlaywrightError:  # a service worker's request has no frame
        return False
    if net.locked and frame in net.navigated:
        return True
    net.navigated.add(frame)
    return False


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
    crashed: bool = False  # the page's renderer died during this load (see crawlers.memory)
    # Politeness (crawlers.pacing): when set, every top-level document request waits its turn in the
    # router. The concurrent phase sets it; the performance phase paces before ``goto`` instead, so
    # the wait is never part of a measured load.
    pacer: HostPacer | None = None
    # Requests under way in any frame, and how many started and ended: settling after the load
    # needs "nothing in flight, and nothing started or ended while we looked".
    inflight: set[Any] = field(default_factory=set)
    started: int = 0
    ended: int = 0
    # GIF, PNG and WebP responses of this page (Playwright responses), in order: their bytes are read
    # for animation by the interactive phase, not kept.
    images: list[Any] = field(default_factory=list)

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
        self.crashed = False
        self.inflight.clear()
        self.images.clear()

    def began(self, request: Any) -> None:
        self.inflight.add(request)
        self.started += 1

    def done(self, request: Any) -> None:
        self.inflight.discard(request)
        self.ended += 1


class NetworkGuard:
    """The address policy of one audit, applied to a browser's requests and connections."""

    def __init__(
        self,
        settings: BrowserSettings,
        start_url: str,
        policy: AddressPolicy | None = None,
        pacer: HostPacer | None = None,
    ) -> None:
        self.settings = settings
        self.pacer = pacer  # told of every top-level document request that leaves (politeness)
        self.start_url = start_url
        self.policy = policy if policy is not None else default_policy(settings, start_url)
        self.page_hosts: set[str] = set()  # hosts a page asked for through the router
        self.offmachine_attempts: list[str] = []  # loopback_only: requests refused before leaving

    @property
    def loopback_only(self) -> bool:
        """Loopback-only by setting, or for every browser of a process tree with MATURITY_LOOPBACK_ONLY=1
        (the test suite sets it, so browsers started by subprocesses and workers obey it too)."""
        return self.settings.loopback_only or os.environ.get("MATURITY_LOOPBACK_ONLY") == "1"

    async def route(self, route: Route, net: NetworkLog | None) -> None:
        request = route.request
        url = request.url
        if not url.startswith(("http://", "https://", "ws://", "wss://")):
            await route.continue_()
            return
        with contextlib.suppress(ValueError):
            self.page_hosts.add((urlsplit(url).hostname or "").lower())
        if net is not None and request.is_navigation_request() and navigates_again(request, net):
            # A 204 answer leaves the loaded document where it is (no error page replaces it).
            await route.fulfill(status=204, body="")
            return
        refusal = await self.refusal(url)
        if refusal is not None:
            log.info("blocked %s: %s", url[:200], refusal)
            if net is not None:
                net.blocked.add(url)
            await route.abort("addressunreachable" if refusal != OFF_MACHINE else "blockedbyclient")
            return
        if self.settings.block_third_party and not is_same_site(url, self.start_url):
            if net is not None:
                net.blocked.add(url)
            await route.abort("blockedbyclient")
            return
        if _top_document(request):
            if net is not None and net.pacer is not None:
                # Paced here, as the request leaves, not when ``goto`` starts: a worker whose fresh
                # renderer took 0.5 s to send its request would otherwise arrive just behind another's.
                await net.pacer.wait(url)
            if self.pacer is not None:
                self.pacer.sent(url)
        await route.continue_()

    def watch_redirect(self, request: Any, net: NetworkLog) -> None:
        """Check a redirect hop against the policy as soon as the browser reports it."""
        if request.redirected_from is None or not request.url.startswith(("http://", "https://")):
            return

        async def check() -> None:
            refusal = await self.refusal(request.url)
            if refusal is None:
                return
            log.warning("a redirect led to %s: %s", request.url[:200], refusal)
            net.blocked.add(request.url)  # the proxy refused the hop before connecting
            if request.is_navigation_request() and net.refused_document is None:
                net.refused_document = f"redirected to a refused address ({request.url[:200]}): {refusal}"

        future = asyncio.ensure_future(check())
        net.checks.add(future)
        future.add_done_callback(net.checks.discard)

    async def route_web_socket(self, ws: Any, net: NetworkLog | None) -> None:
        url = ws.url
        refusal = await self.refusal(url)
        if refusal is None and self.settings.block_third_party and not is_same_site(url, self.start_url):
            refusal = "third party"
        if refusal is not None:
            log.info("blocked WebSocket %s: %s", url[:200], refusal)
            if net is not None:
                net.blocked.add(url)
            await ws.close(code=1008, reason="blocked by the auditing crawler")
            return
        ws.connect_to_server()

    async def refusal(self, url: str) -> str | None:
        """Why a request to ``url`` must not leave the browser, or None (loopback-only mode, then the policy)."""
        if self.loopback_only and not is_loopback(url):
            self.offmachine_attempts.append(url)
            return OFF_MACHINE
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            return "unparsable URL"
        try:
            await self.addresses(host)
        except AddressRefused as exc:
            return str(exc)
        except OSError as exc:
            return f"cannot resolve {host}: {exc}"
        return None

    async def addresses(self, host: str) -> list[str]:
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

    async def decide(self, host: str) -> list[str]:
        """The proxy's question for every connection the browser opens: where to, or refuse."""
        key = host.lower().rstrip(".")
        if key in BROWSER_SERVICE_HOSTS and key not in self.page_hosts:
            raise ProxyRefused(_SERVICE_TRAFFIC)
        if self.loopback_only and not is_loopback_host(key):
            self.offmachine_attempts.append(key)
            raise ProxyRefused(OFF_MACHINE)
        try:
            return await self.addresses(key)
        except AddressRefused as exc:
            raise ProxyRefused(str(exc)) from None
        except OSError as exc:
            raise ProxyRefused(f"cannot resolve {key}: {exc}") from None


def _top_document(request: Any) -> bool:
    """A navigation of the page itself (not of a frame in it)."""
    try:
        return bool(request.is_navigation_request()) and request.frame.parent_frame is None
    except PlaywrightError:  # a service worker's request has no frame
        return False


ANIMATABLE_TYPES = ("image/gif", "image/png", "image/apng", "image/webp")
MAX_IMAGE_RESPONSES = 200  # noted per page; the interactive phase reads at most interact.MAX_IMAGES


def record_requests(page: Any, net: NetworkLog, start_url: str) -> None:
    """Log every request ``page`` makes in ``net`` with its status, and lock ``net`` at the load event."""

    def on_request(req: Any) -> None:
        net.index[req] = len(net.requests)
        net.requests.append(
            Request(
                url=req.url[:2000], resource_type=req.resource_type, third_party=not is_same_site(req.url, start_url)
            )
        )

    def on_response(response: Any) -> None:
        i = net.index.get(response.request)
        if i is not None:
            net.status[i] = response.status
        # images that may be animated, for the interactive phase to read (crawlers/animation.py)
        if response.ok and len(net.images) < MAX_IMAGE_RESPONSES and response.request.resource_type == "image":
            kind = (response.headers.get("content-type") or "").split(";")[0].strip().lower()
            if kind in ANIMATABLE_TYPES:
                net.images.append(response)

    def on_load(_page: Any) -> None:
        # Lock as the load event arrives, before any navigation the page starts after it (a 0 s
        # meta refresh): doing it when ``goto`` returns left a gap that refresh could win.
        net.locked = True

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("load", on_load)


async def refused_document(net: NetworkLog) -> bool:
    """Wait for the redirect checks under way; True when a document was redirected to a refused address."""
    if net.checks:
        await asyncio.gather(*list(net.checks), return_exceptions=True)
    return net.refused_document is not None
