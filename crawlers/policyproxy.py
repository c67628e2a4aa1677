"""A local proxy in front of Chromium: every connection the browser opens passes the address policy.

Playwright's request router sees a request's first URL only. Redirect hops, ``<link rel=preconnect>``
and DNS prefetching happen inside Chromium's network stack, and Chromium's own services (component
updates, account checks) never reach the router at all. So each browser is started with
``--proxy-server`` pointing here and ``--proxy-bypass-list=<-loopback>`` (loopback is proxied too),
which makes this proxy the one place the browser's traffic leaves by:

* ``CONNECT host:port`` (HTTPS and WebSockets) and absolute-form requests (plain HTTP) are decided
  **before** any connection is opened, by the ``decide`` callback (the session's address policy);
* the proxy connects to exactly the addresses the policy checked and pinned, never to a fresh DNS
  answer: Chromium does no DNS of its own for proxied requests, so rebinding cannot reach it;
* a refusal is answered ``403`` with an ``X-Maturity-Refused`` header, which Chromium reports as a
  failed request (``net::ERR_TUNNEL_CONNECTION_FAILED`` for tunnels).

Plain HTTP is forwarded one request per connection (``Connection: close`` both ways), so a kept-alive
client connection can never carry a second request to another host past the decision. Bytes are
piped, not parsed, after the request and response heads; TLS stays end to end between Chromium and
the site (the proxy never sees inside a tunnel).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

__all__ = ["Connector", "Decision", "PolicyProxy", "ProxyRefused", "open_tcp"]

log = logging.getLogger(__name__)

Connector = Callable[[str, int], Awaitable[tuple[asyncio.StreamReader, asyncio.StreamWriter]]]
"""Opens a TCP connection to an address (a literal, never a name) and port; tests pass a spy."""

Decision = Callable[[str], Awaitable[Sequence[str]]]
"""A host -> the addresses to connect to (never a name), or raise :class:`ProxyRefused`."""

HEAD_TIMEOUT = 30.0  # seconds to receive a request head from the browser
CONNECT_TIMEOUT = 15.0  # seconds to connect to the site
CHUNK = 64 * 1024
MAX_HEAD = CHUNK  # request and response heads larger than this end the connection
_HOP_BY_HOP = re.compile(rb"^(connection|proxy-connection|keep-alive|proxy-authorization):", re.IGNORECASE)


class ProxyRefused(Exception):
    """The policy's reason for refusing a host; becomes the 403's ``X-Maturity-Refused`` header."""


async def open_tcp(address: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection(address, port, limit=MAX_HEAD)


@dataclass
class ProxyLog:
    """What passed and what was refused (host:port and reason), newest last; bounded."""

    allowed: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    limit: int = 2000

    def allow(self, target: str) -> None:
        if len(self.allowed) < self.limit:
            self.allowed.append(target)

    def refuse(self, target: str, reason: str) -> None:
        if len(self.refused) < self.limit:
            self.refused.append((target, reason))


class PolicyProxy:
    """``port = await proxy.start()``; ``await proxy.close()``. One per browser, for its whole life."""

    def __init__(self, decide: Decision, connect: Connector | None = None) -> None:
        self.decide = decide
        self.connect = connect or open_tcp
        self.log = ProxyLog()
        self.port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, limit=MAX_HEAD)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
            self._server = None

    # -- one client connection ---------------------------------------------
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._handle(reader, writer)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug here must not take the browser's other connections down
            log.exception("proxy connection failed")
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await asyncio.wait_for(_read_head(reader), HEAD_TIMEOUT)
        if head is None:
            return
        request_line, _, rest = head.partition(b"\r\n")
        parts = request_line.split(b" ")
        if len(parts) != 3:
            await _answer(writer, 400, "malformed request line")
            return
        method, target, version = (p.decode("latin-1") for p in parts)
        if method == "CONNECT":
            host, port = _split_authority(target, 443)
            forward: bytes | None = None
        else:
            match = re.match(r"^http://([^/?#]+)(.*)$", target, re.IGNORECASE)
            if match is None:
                await _answer(writer, 400, "only absolute http:// URLs and CONNECT are proxied")
                return
            host, port = _split_authority(match.group(1), 80)
            path = match.group(2) or "/"
            if not path.startswith("/"):
                path = "/" + path
            kept = [line for line in rest.split(b"\r\n") if line and not _HOP_BY_HOP.match(line)]
            forward = b"\r\n".join(
                [f"{method} {path} {version}".encode("latin-1"), *kept, b"Connection: close", b"", b""]
            )
        shown = f"{host}:{port}"
        if not host or port is None:
            await _answer(writer, 400, f"bad proxy target {target[:200]!r}")
            return
        try:
            addresses = await self.decide(host)
        except ProxyRefused as exc:
            self.log.refuse(shown, str(exc))
            log.info("proxy refused %s: %s", shown, exc)
            await _answer(writer, 403, str(exc))
            return
        upstream = await self._open(port, addresses)
        if upstream is None:
            self.log.refuse(shown, "could not connect")
            await _answer(writer, 502, f"could not connect to {shown}")
            return
        self.log.allow(shown)
        up_reader, up_writer = upstream
        try:
            if forward is None:
                writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                await writer.drain()
                await _pipe_both(reader, writer, up_reader, up_writer)
            else:
                up_writer.write(forward)
                await up_writer.drain()
                await _pipe_both(reader, writer, up_reader, up_writer, rewrite_response=True)
        finally:
            up_writer.close()

    async def _open(
        self, port: int, addresses: Sequence[str]
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        """A connection to the first of the checked addresses that answers (never a name: no DNS here)."""
        for address in addresses:
            try:
                return await asyncio.wait_for(self.connect(address, port), CONNECT_TIMEOUT)
            except (TimeoutError, OSError) as exc:
                log.info("proxy could not connect to %s:%s: %s", address, port, exc)
        return None


async def _read_head(reader: asyncio.StreamReader) -> bytes | None:
    """Bytes up to and including the blank line; None on a closed or oversized head."""
    try:
        return await reader.readuntil(b"\r\n\r\n")  # the reader's limit is MAX_HEAD
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        return None


def _split_authority(authority: str, default_port: int) -> tuple[str, int | None]:
    """``host:port``, ``[v6]:port`` or ``host`` -> (host without brackets, port); port None when bad."""
    authority = authority.rsplit("@", 1)[-1]
    if authority.startswith("["):
        host, _, tail = authority[1:].partition("]")
        port_text = tail[1:] if tail.startswith(":") else ""
    elif authority.count(":") == 1:
        host, port_text = authority.split(":")
    else:
        host, port_text = authority, ""
    if not port_text:
        return host, default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        return host, None
    return host, int(port_text)


async def _answer(writer: asyncio.StreamWriter, status: int, reason: str) -> None:
    text = {400: "Bad Request", 403: "Forbidden", 502: "Bad Gateway"}[status]
    clean = reason.replace("\r", " ").replace("\n", " ")[:500]
    writer.write(
        f"HTTP/1.1 {status} {text}\r\nX-Maturity-Refused: {clean}\r\nContent-Length: 0\r\n"
        f"Connection: close\r\nProxy-Connection: close\r\n\r\n".encode("latin-1", "replace")
    )
    with contextlib.suppress(OSError):
        await writer.drain()


async def _pipe_both(
    client_reader: asyncio.StreamReader,
    client_writer: asyncio.StreamWriter,
    up_reader: asyncio.StreamReader,
    up_writer: asyncio.StreamWriter,
    *,
    rewrite_response: bool = False,
) -> None:
    """Copy both ways until either side closes, then stop both.

    Chromium never half-closes a connection it still wants an answer on, so its end of file
    means it gave up (a closed page, a timeout): the site's side is dropped at once.
    """
    up = asyncio.ensure_future(_copy(client_reader, up_writer))
    down = asyncio.ensure_future(_copy(up_reader, client_writer, rewrite_head=rewrite_response))
    try:
        await asyncio.wait({up, down}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (up, down):
            task.cancel()
        await asyncio.gather(up, down, return_exceptions=True)


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, rewrite_head: bool = False) -> None:
    if rewrite_head:
        head = await _read_head(reader)
        if head is None:
            return
        # The browser must not reuse this connection for another request (another host, even).
        lines = [line for line in head[:-4].split(b"\r\n") if not _HOP_BY_HOP.match(line)]
        writer.write(b"\r\n".join([*lines, b"Connection: close", b"Proxy-Connection: close", b"", b""]))
        await writer.drain()
    while chunk := await reader.read(CHUNK):
        writer.write(chunk)
        await writer.drain()
