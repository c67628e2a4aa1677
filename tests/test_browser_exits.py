"""Every way out of the browser but the policy proxy is closed (issue 14), each shown by listening.

A test opens a UDP socket (and for TCP paths a TCP listener) on 127.0.0.1 on an ephemeral port,
serves a page whose script tries to reach it, and asserts that nothing arrived: WebRTC (ICE server
requests and connectivity checks to a remote candidate), QUIC after ``Alt-Svc: h3``, WebTransport,
``<link rel=preconnect>`` / ``dns-prefetch`` and service workers. The page's script logs what it did,
so a test also shows that the attempt was really made. Pages of a site "classed public" (as in
test_hostile.py: ``public.example`` at a TEST-NET address, answered by the local server through a
spy connector) may not reach loopback at all, so anything at the listener went around the policy.
WebTransport and service workers exist only in secure contexts, and Chromium takes ``Alt-Svc`` only
from a trusted certificate: those tests use a site on 127.0.0.1 (over HTTPS, with a test key the
browser trusts), where the policy allows loopback but the proxy speaks TCP only, so any datagram at
the listener went around it just the same.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import socket
import ssl
from collections.abc import Iterator
from typing import Any

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sites import Resource, SiteServer, html
from test_hostile import SpyConnector
from test_netpolicy import PUBLIC_IP, resolver

from crawlers.browser import BrowserSession, BrowserSettings, SharedBrowser
from crawlers.netpolicy import AddressPolicy

pytestmark = [pytest.mark.browser, pytest.mark.timeout(60)]

WAIT_MS = 3000  # how long a page keeps trying before it says it is done


class Listener:
    """A UDP socket and a TCP listener on 127.0.0.1, on ephemeral ports, that keep what arrives."""

    def __init__(self) -> None:
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.udp.setblocking(False)
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(16)  # the kernel completes handshakes into the backlog: accept() finds them later
        self.tcp.setblocking(False)

    @property
    def udp_port(self) -> int:
        return int(self.udp.getsockname()[1])

    @property
    def tcp_port(self) -> int:
        return int(self.tcp.getsockname()[1])

    def datagrams(self) -> list[bytes]:
        got = []
        with contextlib.suppress(BlockingIOError):
            while True:
                got.append(self.udp.recv(65536))
        return got

    def connections(self) -> list[Any]:
        got = []
        with contextlib.suppress(BlockingIOError):
            while True:
                conn, peer = self.tcp.accept()
                conn.close()
                got.append(peer)
        return got

    def close(self) -> None:
        self.udp.close()
        self.tcp.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    one = Listener()
    yield one
    one.close()


def page_trying(script: str) -> str:
    """A page that runs ``script`` (an async body with ``log``), waits WAIT_MS, then sets window.done."""
    return html(
        "A page that tries another way out",
        "<h1>Exits</h1>"
        "<script>window.log = []; const log = (m) => window.log.push(String(m));"
        f"(async () => {{ try {{ {script} }} catch (e) {{ log('error ' + e); }}"
        f" await new Promise((r) => setTimeout(r, {WAIT_MS})); window.done = true; }})();</script>",
    )


async def visit(session: BrowserSession, url: str) -> list[str]:
    """Load ``url`` in a context of the session (its router and flags) and wait for the page's try."""
    context = await session.new_context(device=None, net=None)
    try:
        page = await context.new_page()
        await page.goto(url)
        await page.wait_for_function("window.done === true", timeout=WAIT_MS + 5000)
        return list(await page.evaluate("window.log"))
    finally:
        await context.close()


@contextlib.contextmanager
def public_site(shared_browser: Any, monkeypatch: pytest.MonkeyPatch, routes: dict[str, Any]) -> Iterator[Any]:
    """Serve ``routes`` as ``http://public.example:PORT/``, a site classed public: loopback is refused.

    The suite-wide loopback-only switch would refuse the made-up name before the policy could, so it
    is off here; the proxy connects through a spy that answers only the public address, from the
    local server. The shared browser gets its settings back, with no audit under way, afterwards.
    """
    monkeypatch.delenv("MATURITY_LOOPBACK_ONLY", raising=False)
    session = shared_browser.session
    saved_settings, saved_connect = session.settings, session.proxy.connect
    with SiteServer(routes) as server:
        url = f"http://public.example:{server.port}/"
        policy = AddressPolicy("public.example", resolver({"public.example": [PUBLIC_IP]}))
        session.reconfigure(BrowserSettings(user_agent="maturity-tests", page_timeout=8), url, policy)
        session.proxy.connect = SpyConnector()
        try:
            yield server, url, session
        finally:
            session.proxy.connect = saved_connect
            session.reconfigure(saved_settings, "")


def refused_by_proxy(session: BrowserSession, port: int) -> list[str]:
    return [reason for target, reason in session.proxy.log.refused if target == f"127.0.0.1:{port}"]


# ---------------------------------------------------------------------------
# WebRTC
# ---------------------------------------------------------------------------


def test_webrtc_sends_nothing_to_ice_servers_the_policy_refuses(shared_browser, monkeypatch, listener):
    """STUN and TURN over UDP would go straight to the port, with bytes the page chose (the TURN
    username); TURN over TCP may go only through the proxy, which refuses loopback to a public site."""
    u, t = listener.udp_port, listener.tcp_port
    script = (
        "const pc = new RTCPeerConnection({iceServers: ["
        f"{{urls: 'stun:127.0.0.1:{u}'}},"
        f"{{urls: 'turn:127.0.0.1:{u}', username: 'chosen-by-the-page', credential: 'x'}},"
        f"{{urls: 'turn:127.0.0.1:{t}?transport=tcp', username: 'chosen-by-the-page', credential: 'x'}}]}});"
        "pc.onicecandidate = (e) => log('candidate ' + (e.candidate ? e.candidate.candidate : 'end'));"
        "pc.createDataChannel('exit');"
        "await pc.setLocalDescription(await pc.createOffer());"
        "log('offer set');"
    )
    with public_site(shared_browser, monkeypatch, {"/": page_trying(script)}) as (_, url, session):
        tried = shared_browser.run(visit(session, url))
        refused = refused_by_proxy(session, t)
    assert "offer set" in tried, tried
    assert listener.datagrams() == []
    assert listener.connections() == []
    assert not [line for line in tried if " udp " in line], tried  # no UDP candidate was even gathered
    assert refused and "loopback" in refused[0]  # TURN over TCP asked the proxy, which refused


def test_webrtc_sends_no_connectivity_checks_to_a_remote_candidate(shared_browser, monkeypatch, listener):
    """A page can hand its own peer connection a remote candidate at any address and port: ICE then
    sends STUN binding requests there (with the page's ufrag) without any ICE server at all."""
    u = listener.udp_port
    script = (
        "const a = new RTCPeerConnection(), b = new RTCPeerConnection();"
        "a.createDataChannel('exit');"
        "const offer = await a.createOffer(); await a.setLocalDescription(offer);"
        "await b.setRemoteDescription(offer); await a.setRemoteDescription(await b.createAnswer());"
        f"await a.addIceCandidate({{candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 {u} typ host',"
        " sdpMid: '0', sdpMLineIndex: 0});"
        "log('remote candidate added');"
    )
    with public_site(shared_browser, monkeypatch, {"/": page_trying(script)}) as (_, url, session):
        tried = shared_browser.run(visit(session, url))
    assert "remote candidate added" in tried, tried
    assert listener.datagrams() == []


# ---------------------------------------------------------------------------
# HTTP/3: QUIC after Alt-Svc, WebTransport
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls_site() -> Iterator[tuple[ssl.SSLContext, str]]:
    """A server context for 127.0.0.1 and the SPKI hash Chromium is told to trust.

    Chromium takes no Alt-Svc from a connection with a certificate error, so a page could not ask for
    HTTP/3 at all with an untrusted certificate: the test browser trusts this one key instead.
    """
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    leaf = x509.load_pem_x509_certificate(cert.cert_chain_pems[0].bytes())
    der = leaf.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    yield context, base64.b64encode(hashlib.sha256(der).digest()).decode()


@pytest.fixture(scope="module")
def tls_browser(tls_site) -> Iterator[SharedBrowser]:
    """A browser launched as every browser is (BASE_ARGS, the policy proxy) that trusts the test key."""
    _, spki = tls_site
    settings = BrowserSettings(
        user_agent="maturity-tests",
        loopback_only=True,
        page_timeout=8,
        extra_args=(f"--ignore-certificate-errors-spki-list={spki}",),
    )
    browser = SharedBrowser(settings)
    yield browser
    browser.close()


def alt_svc_routes(udp_port: int) -> dict:
    """A page whose every answer offers HTTP/3 on ``udp_port`` and which fetches again six times."""
    alt_svc = {"Alt-Svc": f'h3=":{udp_port}"; ma=3600'}
    script = (
        "for (let i = 0; i < 6; i++) {"
        " const r = await fetch('/again?' + i, {cache: 'no-store'}); log('fetched ' + r.status);"
        " await new Promise((r) => setTimeout(r, 300)); }"
    )
    return {
        "/": Resource(page_trying(script), headers=alt_svc),
        "/again": Resource("{}", content_type="application/json", headers=alt_svc),
    }


def test_an_alt_svc_answer_gets_no_quic(tls_site, tls_browser, listener):
    """Every answer offers HTTP/3 on the listener's UDP port; the page fetches again and again."""
    routes = alt_svc_routes(listener.udp_port)
    with SiteServer(routes, tls=tls_site[0]) as server:
        session = tls_browser.session
        session.reconfigure(session.settings, server.url("/"))
        tried = tls_browser.run(visit(session, server.url("/")))
    assert tried.count("fetched 200") == 6, tried
    assert listener.datagrams() == []


def test_base_args_alone_stop_quic_after_alt_svc(tls_site, listener):
    """The proxy is not the only lock on QUIC: Chromium started with BASE_ARGS and no proxy at all
    still makes no HTTP/3 connection when every answer offers it (``--disable-quic``)."""
    from playwright.async_api import async_playwright

    from crawlers.launch import BASE_ARGS, find_browser

    context_tls, spki = tls_site
    routes = alt_svc_routes(listener.udp_port)

    async def main(url: str) -> list[str]:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=find_browser(None, pw),
                headless=True,
                args=[*BASE_ARGS, "--no-sandbox", f"--ignore-certificate-errors-spki-list={spki}"],
                chromium_sandbox=False,
            )
            try:
                context = await browser.new_context(service_workers="block")
                # No proxy here: the router alone keeps every request on 127.0.0.1.
                await context.route(
                    "**/*",
                    lambda route: (
                        route.continue_()
                        if route.request.url.startswith("https://127.0.0.1:")
                        else route.abort("blockedbyclient")
                    ),
                )
                page = await context.new_page()
                await page.goto(url)
                await page.wait_for_function("window.done === true", timeout=WAIT_MS + 5000)
                return list(await page.evaluate("window.log"))
            finally:
                await browser.close()

    with SiteServer(routes, tls=context_tls) as server:
        tried = asyncio.run(main(server.url("/")))
    assert tried.count("fetched 200") == 6, tried
    assert listener.datagrams() == []


def test_webtransport_sends_no_quic(tls_site, tls_browser, listener):
    """WebTransport is HTTP/3 (QUIC over UDP) to any port the page names; --disable-quic does not stop
    it (measured), the proxy does: Chromium opens no WebTransport session when a proxy is set."""
    u = listener.udp_port
    script = (
        f"const wt = new WebTransport('https://127.0.0.1:{u}/exit');"
        "log('created');"
        "await wt.ready.then(() => log('ready'), (e) => log('refused ' + e));"
    )
    with SiteServer({"/": page_trying(script)}, tls=tls_site[0]) as server:
        session = tls_browser.session
        session.reconfigure(session.settings, server.url("/"))
        tried = tls_browser.run(visit(session, server.url("/")))
    assert "created" in tried, tried
    assert "ready" not in tried
    assert listener.datagrams() == []


# ---------------------------------------------------------------------------
# Preconnect and DNS prefetch; service workers
# ---------------------------------------------------------------------------


def test_preconnect_and_dns_prefetch_open_no_connection_around_the_proxy(shared_browser, monkeypatch, listener):
    """Hints the router never sees: any connection they open must be the proxy's, which refuses loopback."""
    t = listener.tcp_port
    hints = (
        f"<link rel='preconnect' href='http://127.0.0.1:{t}/'>"
        f"<link rel='preconnect' href='https://127.0.0.1:{t}/' crossorigin>"
        f"<link rel='preconnect' href='https://127.0.0.1:{t}/'>"
        f"<link rel='dns-prefetch' href='//127.0.0.1:{t}/'>"
        f"<link rel='dns-prefetch' href='//internal.example:{t}/'>"
        f"<link rel='preconnect' href='https://internal.example:{t}/'>"
    )
    page = page_trying("log('hinted');").replace("</head>", hints + "</head>")
    with public_site(shared_browser, monkeypatch, {"/": page}) as (_, url, session):
        tried = shared_browser.run(visit(session, url))
        refused = refused_by_proxy(session, t)
    assert "hinted" in tried, tried
    assert listener.connections() == []
    # Through a proxy Chromium preconnects to the proxy itself (no CONNECT before a request), and
    # resolves no name itself: whatever the proxy was asked about this port, it refused.
    assert all("loopback" in reason for reason in refused), refused


def test_a_service_worker_cannot_be_registered(shared_browser, listener):
    """A service worker's requests pass no Playwright router, and it would serve (or rewrite) the
    site's later pages from its cache. Contexts are made with ``service_workers="block"``: Playwright
    then replaces ``ServiceWorkerContainer.prototype.register`` by a no-op in every document (an init
    script), so no registration happens and the worker's script is never fetched."""
    t = listener.tcp_port
    worker = f"self.addEventListener('install', (e) => e.waitUntil(fetch('http://127.0.0.1:{t}/from-worker')));"
    script = (
        "log('main ' + (await navigator.serviceWorker.register('/sw.js').then(String, String)));"
        # The register of a fresh frame's realm, and a dedicated worker's navigator, where no init
        # script runs: neither may register either.
        "const frame = document.body.appendChild(document.createElement('iframe'));"
        "const other = frame.contentWindow.ServiceWorkerContainer.prototype.register;"
        "log('frame ' + (await other.call(navigator.serviceWorker, '/sw.js').then(String, String)));"
        "const w = new Worker(URL.createObjectURL(new Blob(["
        "\"const c = self.navigator.serviceWorker; postMessage('worker ' + (c ? 'has' : 'has no') + ' container');"
        " if (c) c.register('/sw.js').then((r) => postMessage('worker ' + r), (e) => postMessage('worker ' + e));\""
        "], {type: 'text/javascript'})));"
        "w.onmessage = (e) => log(e.data);"
        "await new Promise((r) => setTimeout(r, 1000));"
        "log('registrations ' + (await navigator.serviceWorker.getRegistrations()).length);"
    )
    routes = {
        "/": page_trying(script),
        "/sw.js": Resource(worker, content_type="text/javascript"),
    }
    with SiteServer(routes) as server:
        session = shared_browser.session
        saved = session.settings
        session.reconfigure(saved, server.url("/"))  # a site on 127.0.0.1: a secure context, where workers exist
        try:
            tried = shared_browser.run(visit(session, server.url("/")))
        finally:
            session.reconfigure(saved, "")
        paths = server.paths()
    assert "registrations 0" in tried, tried
    assert "/sw.js" not in paths, paths  # the worker's script was never even fetched
    assert listener.connections() == []


@pytest.mark.parametrize(
    "switch",
    [
        "--webrtc-ip-handling-policy=default",
        "--force-webrtc-ip-handling-policy",
        "--enable-quic",
        "--origin-to-force-quic-on=127.0.0.1:443",
    ],
)
def test_a_switch_that_would_reopen_an_exit_is_refused(switch: str) -> None:
    """Chromium keeps the last of a repeated switch: an extra one must not undo BASE_ARGS."""

    async def main() -> None:
        session = BrowserSession(
            BrowserSettings(user_agent="maturity-tests", extra_args=(switch,)), "http://127.0.0.1/"
        )
        with pytest.raises(ValueError, match="around the address policy's proxy"):
            await session.__aenter__()
        assert session.proxy._server is None

    asyncio.run(main())
