"""Crawl scope and first-party tests; URL normalisation itself lives in :mod:`maturity.kernel.urls`."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from maturity.kernel.errors import InvalidURL, UsageError
from maturity.kernel.urls import TRACKING_PARAMS, normalize_url

__all__ = ["TRACKING_PARAMS", "Scope", "is_same_site", "normalize_url", "origin_of", "site_host", "url_pattern"]

# ---------------------------------------------------------------------------
# Hosts, origins, scope
# ---------------------------------------------------------------------------


def _host_and_port(url: str) -> tuple[str, int | None] | None:
    """Host and explicit port of a normalised URL (None port = the scheme's default)."""
    normal = normalize_url(url)
    if normal is None:
        return None
    parts = urlsplit(normal)
    host = parts.netloc.rsplit(":", 1)[0] if parts.port is not None else parts.netloc
    return host, parts.port


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def site_host(host: str) -> str:
    """The host with one leading ``www.`` removed: ``www.example.gov`` and ``example.gov`` are one site."""
    return host[4:] if host.startswith("www.") and not _is_ip_literal(host) else host


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a normalised URL (no trailing slash)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def is_same_site(url: str, start_url: str) -> bool:
    """First-party test for labelling requests a page makes.

    Broader than :class:`Scope` on purpose: a page loading from ``static.example.gov``
    uses its own organisation's infrastructure, so only other registrable hosts count
    as third parties. Ports are ignored except for IP literals, where the port is the
    only thing that tells two local services apart.
    """
    here, start = _host_and_port(url), _host_and_port(start_url)
    if here is None or start is None:
        return False
    (host, port), (start_host, start_port) = here, start
    if _is_ip_literal(host) or _is_ip_literal(start_host):
        return host == start_host and port == start_port
    root = site_host(start_host)
    return host == root or host.endswith("." + root)


@dataclass(frozen=True, kw_only=True)
class Scope:
    """Which URLs discovery may fetch as pages of the audited site.

    In scope: the start URL itself, or a URL on the same host (``www.`` optional,
    http and https alike) and the same explicit port, that matches an ``include``
    pattern (when any is given) and no ``exclude`` pattern. Patterns are
    ``re.search``-ed against the normalised URL.
    """

    start_url: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    _start: str = field(init=False, repr=False)
    _host: str = field(init=False, repr=False)
    _port: int | None = field(init=False, repr=False)
    _include: tuple[re.Pattern[str], ...] = field(init=False, repr=False)
    _exclude: tuple[re.Pattern[str], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        start = normalize_url(self.start_url)
        if start is None:
            raise InvalidURL(f"not an http(s) URL with a host: {self.start_url!r}")
        host_port = _host_and_port(start)
        assert host_port is not None  # start is normalised, so it parses
        object.__setattr__(self, "_start", start)
        object.__setattr__(self, "_host", site_host(host_port[0]))
        object.__setattr__(self, "_port", host_port[1])
        object.__setattr__(self, "_include", _compile_all(self.include, "include"))
        object.__setattr__(self, "_exclude", _compile_all(self.exclude, "exclude"))

    @property
    def start(self) -> str:
        """The normalised start URL."""
        return self._start

    def same_host(self, url: str) -> bool:
        """Host and port test only, ignoring include/exclude patterns."""
        host_port = _host_and_port(url)
        if host_port is None:
            return False
        return site_host(host_port[0]) == self._host and host_port[1] == self._port

    def contains(self, url: str) -> bool:
        return self.reason(url) is None

    def reason(self, url: str) -> str | None:
        """None when ``url`` is in scope, else why not (for ``--verbose``)."""
        normal = normalize_url(url)
        if normal is None or not self.same_host(normal):
            return "other host"
        if normal == self._start:
            return None
        if any(p.search(normal) for p in self._exclude):
            return "excluded by pattern"
        if self._include and not any(p.search(normal) for p in self._include):
            return "not included by pattern"
        return None


def _compile_all(patterns: tuple[str, ...], kind: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise UsageError(f"invalid {kind} pattern {pattern!r}: {exc}") from None
    return tuple(compiled)


# ---------------------------------------------------------------------------
# URL patterns (trap and budget counting)
# ---------------------------------------------------------------------------

_NUMBER_ID = re.compile(r"^\d+(?:[-_.:]\d+)*$")  # 42, 2024-05-01, 1.2.3
_HEX_ID = re.compile(r"^(?=[^/]*\d)[0-9a-f]{8,}(?:-[0-9a-f]{4,})*$", re.IGNORECASE)  # hashes, UUIDs


def _segment_pattern(segment: str) -> str:
    """A segment that is only an id becomes ``N`` (numbers) or ``ID`` (hashes, UUIDs).

    Words with numbers in them (``p12.html``, ``f-123``, ``2024-annual-report``) stay as they are:
    they name content, and a site's thirty ``/pN.html`` pages are thirty pages, not a trap.
    """
    if _NUMBER_ID.match(segment):
        return "N"
    if _HEX_ID.match(segment):
        return "ID"
    return segment


def url_pattern(url: str) -> str:
    """The shape of a URL, for counting variants: host, path with ids generalised, query names.

    ``/many/1`` and ``/many/2`` share ``host/many/N``; ``/events?month=2024-05&view=grid`` and
    ``/events?month=2031-01&view=grid`` share ``host/events?month=…&view=…``. A site that links
    a thousand ``/item/N`` pages is sampled, not mirrored: discovery queues at most
    ``max_url_variants`` URLs of one pattern.
    """
    parts = urlsplit(url)
    path = "/".join(_segment_pattern(segment) for segment in parts.path.split("/"))
    names = sorted({piece.split("=", 1)[0] for piece in parts.query.split("&") if piece})
    query = "?" + "&".join(f"{name}=…" for name in names) if names else ""
    return f"{parts.netloc}{path}{query}"
