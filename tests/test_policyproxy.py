"""The browser's policy proxy, spoken to directly: tunnels, plain HTTP, refusals, bad input.

Every connection stays on 127.0.0.1: the proxy's connector is a spy that records each attempt.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from crawlers.policyproxy import PolicyProxy, ProxyRefused, _split_authority

pytestmark = pytest.mark.timeout(20)


class Upstream:
    """A raw TCP server on 127.0.0.1 that records what it receives and answers with ``reply``."""

    def __init__(self, reply: bytes | None = None, echo: bool = False) -> None:
        self.reply = reply
        self.echo = echo
        self.received = bytearray()
        self.closed = asyncio.Event()
        self.port = 0

    async def __aenter__(self) -> Upstream:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.echo:
            while chunk := await reader.read(1024):
                self.received += chunk
                writer.write(chunk.upper())
                await writer.drain()
        else:
            self.received += await reader.readuntil(b"\r\n\r\n")
            assert self.reply is not None
            writer.write(self.reply)
            await writer.drain()  # then close, as a server does after "Connection: close"
        self.closed.set()
        writer.close()


class Spy:
    def __init__(self) -> None:
        self.attempts: list[tuple[str, int]] = []

    async def __call__(self, address: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        self.attempts.append((address, port))
        if address != "127.0.0.1":
            raise OSError(f"spy: never {address}")
        return await asyncio.open_connection("127.0.0.1", port)


def decide_with(table: dict[str, Sequence[str] | str]):
    async def decide(host: str) -> Sequence[str]:
        answer = table.get(host, "unknown host")
        if isinstance(answer, str):
            raise ProxyRefused(answer)
        return answer

    return decide


async def ask(port: int, data: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 5)  # to end of file: the proxy closes after one answer
    writer.close()
    return answer


def test_plain_http_is_forwarded_once_in_origin_form_and_never_kept_alive() -> None:
    async def main() -> None:
        reply = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\nhello"
        async with Upstream(reply) as site:
            spy = Spy()
            proxy = PolicyProxy(decide_with({"site.example": ["127.0.0.1"]}), spy)
            port = await proxy.start()
            try:
                answer = await ask(
                    port,
                    f"GET http://site.example:{site.port}/a/b?q=1 HTTP/1.1\r\nHost: site.example:{site.port}\r\n"
                    "Proxy-Connection: keep-alive\r\nConnection: keep-alive\r\nAccept: */*\r\n\r\n".encode(),
                )
                await asyncio.wait_for(site.closed.wait(), 5)
            finally:
                await proxy.close()
        head, _, body = answer.partition(b"\r\n\r\n")
        assert body == b"hello"
        lines = head.split(b"\r\n")
        assert lines[0] == b"HTTP/1.1 200 OK"
        assert b"Connection: close" in lines and not any(line.lower().startswith(b"keep-alive") for line in lines)
        sent = bytes(site.received).split(b"\r\n")
        assert sent[0] == b"GET /a/b?q=1 HTTP/1.1"
        assert f"Host: site.example:{site.port}".encode() in sent and b"Accept: */*" in sent
        assert b"Connection: close" in sent and not any(b"proxy-connection" in line.lower() for line in sent)
        assert spy.attempts == [("127.0.0.1", site.port)]
        assert proxy.log.allowed == [f"site.example:{site.port}"]

    asyncio.run(main())


def test_connect_opens_a_tunnel_that_pipes_both_ways() -> None:
    async def main() -> None:
        async with Upstream(echo=True) as site:
            spy = Spy()
            proxy = PolicyProxy(decide_with({"tls.example": ["127.0.0.1"]}), spy)
            port = await proxy.start()
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(f"CONNECT tls.example:{site.port} HTTP/1.1\r\nHost: tls.example\r\n\r\n".encode())
                assert await reader.readuntil(b"\r\n\r\n") == b"HTTP/1.1 200 Connection Established\r\n\r\n"
                for word in (b"client hello", b"more bytes"):
                    writer.write(word)
                    await writer.drain()
                    assert await reader.readexactly(len(word)) == word.upper()
                writer.close()
                await asyncio.wait_for(site.closed.wait(), 5)  # the browser let go: so did the proxy
            finally:
                await proxy.close()
        assert bytes(site.received) == b"client hellomore bytes"
        assert spy.attempts == [("127.0.0.1", site.port)]

    asyncio.run(main())


@pytest.mark.parametrize(
    "request_head",
    [
        b"GET http://inside.example/ HTTP/1.1\r\nHost: inside.example\r\n\r\n",
        b"CONNECT inside.example:443 HTTP/1.1\r\nHost: inside.example:443\r\n\r\n",
    ],
)
def test_a_refused_host_gets_403_with_the_reason_and_no_connection(request_head: bytes) -> None:
    async def main() -> None:
        spy = Spy()
        proxy = PolicyProxy(decide_with({"inside.example": "refused by address policy: a private address"}), spy)
        port = await proxy.start()
        try:
            answer = await ask(port, request_head)
        finally:
            await proxy.close()
        assert answer.startswith(b"HTTP/1.1 403 Forbidden\r\n")
        assert b"X-Maturity-Refused: refused by address policy: a private address\r\n" in answer
        assert spy.attempts == []
        assert proxy.log.refused[0][1] == "refused by address policy: a private address"

    asyncio.run(main())


@pytest.mark.parametrize(
    ("request_head", "status"),
    [
        (b"GARBAGE\r\n\r\n", b"400"),
        (b"GET ftp://site.example/ HTTP/1.1\r\n\r\n", b"400"),
        (b"GET /relative HTTP/1.1\r\nHost: site.example\r\n\r\n", b"400"),
        (b"CONNECT site.example:99999 HTTP/1.1\r\n\r\n", b"400"),
        (b"CONNECT site.example:abc HTTP/1.1\r\n\r\n", b"400"),
        (b"GET http://unreachable.example:9/ HTTP/1.1\r\n\r\n", b"502"),
    ],
)
def test_bad_requests_and_unreachable_sites_get_a_clear_answer(request_head: bytes, status: bytes) -> None:
    async def main() -> None:
        spy = Spy()
        proxy = PolicyProxy(decide_with({"site.example": ["127.0.0.1"], "unreachable.example": ["10.9.9.9"]}), spy)
        port = await proxy.start()
        try:
            answer = await ask(port, request_head)
        finally:
            await proxy.close()
        assert answer.split(b" ")[1] == status, answer
        assert all(address == "10.9.9.9" for address, _ in spy.attempts)  # the spy refused it: nothing left

    asyncio.run(main())


def test_an_oversized_request_head_is_dropped_unforwarded() -> None:
    async def main() -> None:
        spy = Spy()
        proxy = PolicyProxy(decide_with({"site.example": ["127.0.0.1"]}), spy)
        port = await proxy.start()
        try:
            answer = await ask(port, b"GET http://site.example/ HTTP/1.1\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n")
        finally:
            await proxy.close()
        assert answer == b"" and spy.attempts == []

    asyncio.run(main())


def test_closing_the_proxy_ends_open_tunnels() -> None:
    async def main() -> None:
        async with Upstream(echo=True) as site:
            proxy = PolicyProxy(decide_with({"tls.example": ["127.0.0.1"]}), Spy())
            port = await proxy.start()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(f"CONNECT tls.example:{site.port} HTTP/1.1\r\n\r\n".encode())
            await reader.readuntil(b"\r\n\r\n")
            await proxy.close()
            assert await asyncio.wait_for(reader.read(), 5) == b""  # the browser's side sees the end
            await asyncio.wait_for(site.closed.wait(), 5)  # and so does the site's
            writer.close()

    asyncio.run(main())


@pytest.mark.parametrize(
    ("authority", "expected"),
    [
        ("site.example:8443", ("site.example", 8443)),
        ("site.example", ("site.example", 443)),
        ("[::1]:8080", ("::1", 8080)),
        ("[::1]", ("::1", 443)),
        ("user:pw@site.example:81", ("site.example", 81)),
        ("site.example:0", ("site.example", None)),
        ("site.example:65536", ("site.example", None)),
    ],
)
def test_split_authority(authority: str, expected: tuple[str, int | None]) -> None:
    assert _split_authority(authority, 443) == expected


def test_a_browser_switch_that_would_bypass_the_proxy_is_refused() -> None:
    from crawlers.browser import BrowserSession, BrowserSettings

    async def main() -> None:
        settings = BrowserSettings(user_agent="maturity-tests", extra_args=("--proxy-server=http://127.0.0.1:1",))
        session = BrowserSession(settings, "http://127.0.0.1/")
        with pytest.raises(ValueError, match="around the address policy's proxy"):
            await session.__aenter__()
        assert session.proxy._server is None  # the proxy it started is closed again

    asyncio.run(main())


def test_a_browser_with_no_audit_under_way_connects_nowhere() -> None:
    """A shared browser between audits (or just started) has no policy: nothing may connect."""
    from playwright.async_api import Error as PlaywrightError
    from sites import SiteServer, html

    from crawlers.browser import BrowserSession, BrowserSettings

    spy = Spy()

    async def main(url: str) -> None:
        async with BrowserSession(BrowserSettings(user_agent="maturity-tests"), connect=spy) as session:
            context = await session.new_context(device=None, net=None)
            page = await context.new_page()
            with pytest.raises(PlaywrightError, match="ERR_"):
                await page.goto(url)
            await context.close()

    with SiteServer({"/": html("Never loaded", "<h1>Never</h1>")}) as server:
        asyncio.run(main(server.url("/")))
        assert server.paths() == [] and spy.attempts == []
