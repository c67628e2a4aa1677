"""A small static web server for the bundled demo site, standard library only.

It serves ``maturity/demo/site`` (or any directory) on loopback, with HTTP/1.1
keep-alive, a correct ``Content-Length`` on every response, the security headers a
well-run site sends, real 404s, and a few deliberate misbehaviours listed in
:data:`BEHAVIOURS` (a slow page, a late image, a broken back end).

    with DemoServer() as server:
        print(server.origin)          # http://127.0.0.1:PORT (https://, with tls=, and a plain
                                      # listener on server.http_port that redirects to it)
        ...                           # audit it
        print(server.requests)        # paths served, in order

``python -m maturity.run.demo.server [PORT]`` serves the site until interrupted.
"""

from __future__ import annotations

import contextlib
import datetime
import html
import importlib.resources
import pathlib
import re
import socket
import ssl
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources.abc import Traversable
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["BEHAVIOURS", "Behaviour", "DemoServer", "default_root"]


@dataclass(frozen=True)
class Behaviour:
    """How the server misbehaves for one path (a deliberate defect of the demo site)."""

    delay: float = 0.0  # seconds to wait before the first byte
    status: int | None = None  # answer with this error status instead of the file


BEHAVIOURS: dict[str, Behaviour] = {
    # Slow back end: time to first byte ~3 s, so FCP and LCP are late too.
    "/licenses/lookup.html": Behaviour(delay=3.0),
    # The hero image of /parks/ (its largest element) arrives late: LCP ~5 s, and the page is only
    # half painted until then (the Speed Index substitute, (FCP + LCP) / 2, is about 2.6 s).
    "/images/parks-hero.png": Behaviour(delay=5.0),
    # A broken application page: answers 500, so the page is not assessable.
    "/records/request-status.html": Behaviour(status=500),
}
"""Request path -> behaviour. Every other path is a plain static file."""

CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"

SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'self'",
}

# Files whose ``{{origin}}`` placeholder becomes the server's origin (sitemaps need absolute URLs),
# and whose ``{{days_ago:N}}`` becomes the date N days before today, so the demo's page ages (and
# what the freshness check finds) stay the same whenever it runs.
TEMPLATED = frozenset({"/robots.txt", "/sitemap.xml"})
ORIGIN_PLACEHOLDER = b"{{origin}}"
DAYS_AGO = re.compile(rb"\{\{days_ago:(\d+)\}\}")

ERROR_PAGES = "_errors"  # <root>/_errors/<status>.html; names starting with "_" or "." are never served
_HOST = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")


def default_root() -> Traversable:
    """The packaged demo site (a real directory in a normal install, a zip path otherwise)."""
    return importlib.resources.files("maturity.run.demo") / "site"


def _request_path(target: str) -> str:
    """The decoded path of a request target (origin-form or absolute-form)."""
    path = target.split("?", 1)[0].split("#", 1)[0] if target.startswith("/") else (urlsplit(target).path or "/")
    return unquote(path, errors="strict") if "%" in path else path


def _segments(path: str) -> list[str] | None:
    """Path segments below the root, or None when the path may not be served."""
    if not path.startswith("/"):
        return None
    parts = path[1:].split("/")
    for i, part in enumerate(parts):
        if part == "" and i == len(parts) - 1:
            continue  # trailing slash
        if not part or part.startswith((".", "_")) or "\\" in part or any(ord(c) < 32 for c in part):
            return None
    return parts


HSTS = "max-age=31536000; includeSubDomains"  # one year (the hsts check's minimum)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    site_root: Traversable
    requests: list[str]
    stopping: threading.Event
    origin: str
    secure: bool = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return  # the browser gave up on a slow response, or closed a kept-alive connection
        super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ColumbiaDNR/1.0"
    timeout = 30  # close idle kept-alive connections
    disable_nagle_algorithm = True  # headers and body go out as separate writes; don't wait for ACKs
    server: _Server

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        if self.server.secure:
            self.send_header("Strict-Transport-Security", HSTS)
        super().end_headers()

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    # -- internals ---------------------------------------------------------------

    def _serve(self, send_body: bool) -> None:
        self.server.requests.append(self.path)
        try:
            path = _request_path(self.path)
        except UnicodeDecodeError:
            self._error(400, send_body)
            return
        behaviour = BEHAVIOURS.get(path)
        # wait() returns True only when the server is shutting down: then drop the request
        if behaviour is not None and behaviour.delay > 0 and self.server.stopping.wait(behaviour.delay):
            self.close_connection = True
            return
        if behaviour is not None and behaviour.status is not None:
            self._error(behaviour.status, send_body)
            return
        segments = _segments(path)
        if segments is None:
            self._error(404, send_body)
            return
        node: Traversable = self.server.site_root
        for part in segments:
            if part:
                node = node / part
        if node.is_dir():
            if not path.endswith("/"):
                query = self.path.partition("?")[2]
                self._redirect(path + "/" + (f"?{query}" if query else ""), send_body)
                return
            node = node / "index.html"
            path += "index.html"
        if not node.is_file():
            self._error(404, send_body)
            return
        body = node.read_bytes()
        if path in TEMPLATED:
            body = body.replace(ORIGIN_PLACEHOLDER, self._origin().encode())
            today = datetime.date.today()
            body = DAYS_AGO.sub(lambda m: (today - datetime.timedelta(days=int(m[1]))).isoformat().encode(), body)
        suffix = pathlib.PurePosixPath(path).suffix.lower()
        self._respond(200, CONTENT_TYPES.get(suffix, DEFAULT_CONTENT_TYPE), body, send_body)

    def _origin(self) -> str:
        """The origin the client used (its Host header when well formed), else the server's own."""
        host = self.headers.get("Host", "")
        scheme = "https" if self.server.secure else "http"
        return f"{scheme}://{host}" if _HOST.match(host) else self.server.origin

    def _error(self, status: int, send_body: bool) -> None:
        page = self.server.site_root / ERROR_PAGES / f"{status}.html"
        if page.is_file():
            body = page.read_bytes()
        else:
            body = f'<!DOCTYPE html><html lang="en"><title>Error {status}</title><h1>Error {status}</h1>'.encode()
        self._respond(status, CONTENT_TYPES[".html"], body, send_body)

    def _redirect(self, location: str, send_body: bool) -> None:
        href = html.escape(location)
        body = f'<!DOCTYPE html><html lang="en"><title>Moved</title><a href="{href}">Moved</a>'.encode()
        self._respond(301, CONTENT_TYPES[".html"], body, send_body, extra={"Location": location})

    def _respond(
        self, status: int, content_type: str, body: bytes, send_body: bool, extra: dict[str, str] | None = None
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-cache")
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if send_body:
                self.wfile.write(body)
            self.wfile.flush()
        except (ConnectionError, TimeoutError):
            self.close_connection = True


class _ToHttps(_Handler):
    """The plain-HTTP listener of an HTTPS demo: every request is sent to the same path over HTTPS."""

    def _serve(self, send_body: bool) -> None:
        self.server.requests.append(self.path)
        target = self.path if self.path.startswith("/") else "/"
        self._redirect(self.server.origin + target, send_body)


class DemoServer:
    """Serve the demo site on loopback from a daemon thread; use as a context manager.

    With ``tls`` (a server-side SSL context, see :mod:`maturity.run.demo.tls`) the site is served
    over HTTPS with HSTS, and a plain-HTTP listener on :attr:`http_port` redirects to it.
    """

    def __init__(
        self,
        root: pathlib.Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.root: Traversable = pathlib.Path(root) if root is not None else default_root()
        if not self.root.is_dir():
            raise FileNotFoundError(f"demo site directory not found: {self.root}")
        self.host = host
        self.port = port
        self.tls = tls
        self.requests: list[str] = []
        self._httpd: _Server | None = None
        self._plain: _Server | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> DemoServer:
        if self._httpd is not None:
            raise RuntimeError("DemoServer is already running")
        server_class = _Server6 if ":" in self.host else _Server
        httpd = server_class((self.host, self.port), _Handler)
        httpd.site_root = self.root
        httpd.requests = self.requests
        httpd.stopping = threading.Event()
        host, port = httpd.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else str(host)
        scheme = "https" if self.tls is not None else "http"
        httpd.origin = f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"
        if self.tls is not None:
            httpd.secure = True
            httpd.socket = self.tls.wrap_socket(httpd.socket, server_side=True)
            plain = server_class((self.host, 0), _ToHttps)
            plain.site_root, plain.requests, plain.stopping = self.root, self.requests, httpd.stopping
            plain.origin = httpd.origin
            self._plain = plain
            threading.Thread(
                target=plain.serve_forever, kwargs={"poll_interval": 0.1}, name="maturity-demo-redirect", daemon=True
            ).start()
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="maturity-demo-server", daemon=True
        )
        self._thread.start()
        return self

    @property
    def http_port(self) -> int | None:
        """The port of the plain-HTTP listener that redirects to HTTPS (None when serving plain HTTP)."""
        return int(self._plain.server_address[1]) if self._plain is not None else None

    def __exit__(self, *exc: object) -> None:
        httpd, thread = self._httpd, self._thread
        self._httpd = self._thread = None
        if httpd is None:
            return
        httpd.stopping.set()  # release delayed responses
        httpd.shutdown()
        httpd.server_close()
        plain, self._plain = self._plain, None
        if plain is not None:
            plain.shutdown()
            plain.server_close()
        if thread is not None:
            thread.join(timeout=5)

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT`` (only while running)."""
        if self._httpd is None:
            raise RuntimeError("DemoServer is not running; use it as a context manager")
        return self._httpd.origin


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    port = int(args[0]) if args else 8000
    with DemoServer(port=port) as server:
        print(f"Serving the demo site at {server.origin}/ (Ctrl-C to stop)")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
