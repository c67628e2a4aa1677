"""Fixture web sites served by the tests themselves on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Resource:
    body: bytes | str
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Routes = dict[str, Resource | str | Callable[[], Resource]]


class SiteServer:
    """``with SiteServer({"/": "<html>..."}) as s: s.origin`` — HTTP/1.1, keep-alive, threaded."""

    def __init__(self, routes: Routes) -> None:
        self.routes = routes
        self.requests: list[tuple[str, str]] = []  # (method, path)
        self._server: ThreadingHTTPServer | None = None

    @property
    def origin(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.origin + path

    def paths(self) -> list[str]:
        return [p for _, p in self.requests]

    def __enter__(self) -> SiteServer:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self, head_only: bool) -> None:
                outer.requests.append((self.command, self.path))
                entry = outer.routes.get(self.path.split("#")[0]) or outer.routes.get(self.path.split("?")[0])
                if callable(entry):
                    entry = entry()
                if entry is None:
                    entry = Resource("<!doctype html><title>Not found</title><h1>Not found</h1>", status=404)
                if isinstance(entry, str):
                    entry = Resource(entry)
                if entry.delay:
                    time.sleep(entry.delay)
                body = entry.body.encode() if isinstance(entry.body, str) else entry.body
                self.send_response(entry.status)
                self.send_header("Content-Type", entry.content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in entry.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                if not head_only:
                    self.wfile.write(body)

            def do_GET(self) -> None:
                self._serve(False)

            def do_HEAD(self) -> None:
                self._serve(True)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
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
