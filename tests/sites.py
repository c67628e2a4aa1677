"""Fixture web sites served by the tests themselves on 127.0.0.1."""

from __future__ import annotations

import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Resource:
    """One answer. An iterable ``body`` (a generator) is streamed with chunked encoding and no
    Content-Length, ``chunk_delay`` seconds apart; streaming stops when the client goes away."""

    body: bytes | str | Iterable[bytes]
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str | list[str]] = field(default_factory=dict)  # a list sends the header repeatedly
    delay: float = 0.0  # before the status line
    chunk_delay: float = 0.0


Routes = dict[str, Resource | str | Callable[[], Resource]]


class SiteServer:
    """``with SiteServer({"/": "<html>..."}) as s: s.origin`` — HTTP/1.1, keep-alive, threaded.

    With ``tls`` (a server-side SSL context, e.g. from a ``trustme`` CA) it speaks HTTPS.
    """

    def __init__(self, routes: Routes, *, tls: ssl.SSLContext | None = None) -> None:
        self.routes = routes
        self.tls = tls
        self.requests: list[tuple[str, str]] = []  # (method, path)
        self.posted: list[tuple[str, bytes]] = []  # (path, body) of each POST
        # The request being answered, for a callable route on the handler's thread (``.headers``, ``.path``).
        self.current = threading.local()
        self._server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def origin(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.origin + path

    def paths(self) -> list[str]:
        return [p for _, p in self.requests]

    def __enter__(self) -> SiteServer:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave at once (otherwise Nagle's algorithm holds the body
            # back for the client's delayed ACK: about 40 ms a response on loopback).
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self, head_only: bool) -> None:
                outer.requests.append((self.command, self.path))
                entry = outer.routes.get(self.path.split("#")[0]) or outer.routes.get(self.path.split("?")[0])
                if callable(entry):
                    outer.current.headers, outer.current.path = self.headers, self.path
                    entry = entry()
                if entry is None:
                    entry = Resource("<!doctype html><title>Not found</title><h1>Not found</h1>", status=404)
                if isinstance(entry, str):
                    entry = Resource(entry)
                if entry.delay:
                    time.sleep(entry.delay)
                streamed = not isinstance(entry.body, str | bytes)
                self.send_response(entry.status)
                self.send_header("Content-Type", entry.content_type)
                if streamed:
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    body = entry.body.encode() if isinstance(entry.body, str) else entry.body
                    self.send_header("Content-Length", str(len(body)))
                for key, value in entry.headers.items():
                    for one in value if isinstance(value, list) else [value]:
                        self.send_header(key, one)
                self.end_headers()
                if head_only:
                    return
                if not streamed:
                    self.wfile.write(body)
                    return
                try:
                    for chunk in entry.body:  # type: ignore[union-attr]
                        if chunk:
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                            self.wfile.flush()
                        if entry.chunk_delay:
                            time.sleep(entry.chunk_delay)
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError, TimeoutError):
                    self.close_connection = True

            def do_GET(self) -> None:
                self._serve(False)

            def do_HEAD(self) -> None:
                self._serve(True)

            def do_POST(self) -> None:
                outer.posted.append((self.path, self.rfile.read(int(self.headers.get("Content-Length") or 0))))
                self._serve(False)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        if self.tls is not None:
            self._server.socket = self.tls.wrap_socket(self._server.socket, server_side=True)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()


def html(title: str, body: str, *, lang: str | None = "en", head: str = "") -> str:
    """A small, clean page: lang, viewport, description, skip link, landmarks."""
    lang_attr = f' lang="{lang}"' if lang else ""
    return (
        f"<!doctype html><html{lang_attr}><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title>"
        "<meta name='description' content='A fixture page served by the maturity tests on the loopback address.'>"
        f"{head}</head><body><a href='#main'>Skip to main content</a>"
        "<header><p>Fixture Agency</p></header><nav aria-label='Main'><a href='/'>Home</a></nav>"
        f"<main id='main'>{body}</main><footer><p>Fixture Agency footer</p></footer></body></html>"
    )


def gif(palette: list[tuple[int, int, int]], frames: list[int], delay_cs: int, loops: int | None) -> bytes:
    """A 1 × 1 GIF89a written here: one frame per palette index in ``frames`` (up to 4 colours), each
    shown ``delay_cs`` hundredths of a second; ``loops``: None for no NETSCAPE2.0 extension (plays
    once), 0 for forever, n for n repetitions."""
    table = b"".join(bytes(c) for c in (palette + [(0, 0, 0)] * 4)[:4])
    out = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0x80 | 0x11, 0, 0) + table
    if loops is not None:
        out += b"\x21\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", loops) + b"\x00"
    for index in frames:
        out += b"\x21\xf9\x04\x00" + struct.pack("<H", delay_cs) + b"\x00\x00"
        out += b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0)
        # LZW, minimum code size 2, 3-bit codes: clear (4), the pixel's index, end (5)
        out += b"\x02\x02" + bytes([(4 | index << 3 | 5 << 6) & 0xFF, 1]) + b"\x00"
    return out + b"\x3b"
