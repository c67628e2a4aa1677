"""Launching Chromium: its settings, finding a binary, the switches that close exits, axe-core's source.

Every way out of the browser must pass the policy proxy (:mod:`crawlers.policyproxy`); the
switches here close the ways that do not speak HTTP to it, and refuse extra switches that
would reopen them.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from playwright.async_api import Browser, Playwright
from playwright.async_api import Error as PlaywrightError

from maturity.kernel.errors import BrowserNotFound

# Every way out of the browser must pass the policy proxy (``--proxy-server`` in :func:`launch`); these
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
DESKTOP_VIEWPORT = {"width": 1350, "height": 940}


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
    # Politeness (crawlers.pacing): seconds between the starts of two page loads to one host, in
    # both phases; the audit sets it from robots.txt, the delay setting or the default.
    page_gap: float = 0.0
    # A renderer resident past this many MiB is stopped and its page is not assessable (crawlers.memory).
    max_page_memory_mb: int = 2048


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


def script(name: str) -> str:
    return (resources.files("crawlers") / name).read_text(encoding="utf-8")


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


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


async def launch(pw: Playwright, settings: BrowserSettings, proxy_url: str) -> tuple[Browser, str]:
    """Start headless Chromium with every connection through the proxy at ``proxy_url``; (browser, path)."""
    path = find_browser(settings.browser_path, pw)
    # Everything, loopback included, through our policy proxy: redirect hops, preconnects and the
    # browser's own service traffic never pass Playwright's router, but they all pass the proxy.
    args = [*BASE_ARGS, f"--proxy-server={proxy_url}", "--proxy-bypass-list=<-loopback>"]
    overriding = [a for a in settings.extra_args if a.startswith(_PROXY_SWITCHES)]
    if overriding:
        raise ValueError(f"{overriding[0]!r} would take the browser around the address policy's proxy")
    args += settings.extra_args
    no_sandbox = settings.no_sandbox if settings.no_sandbox is not None else _running_as_root()
    if no_sandbox:
        args.append("--no-sandbox")
    try:
        browser = await pw.chromium.launch(
            executable_path=path, headless=True, args=args, chromium_sandbox=not no_sandbox
        )
    except PlaywrightError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BrowserNotFound(f"could not start {path}: {first}") from None
    return browser, path
