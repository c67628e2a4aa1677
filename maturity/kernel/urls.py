"""URL normalisation: one canonical form per page (pure, standard library plus idna).

Discovery deduplicates, scope-checks and reports URLs by their normalised form,
so two spellings of one page (``HTTP://Example.gov:80/a/./b#top`` and
``http://example.gov/a/b``) are fetched and audited once. The rules are the
safe, meaning-preserving ones of RFC 3986 section 6 plus pragmatic ones:
duplicate slashes are collapsed, and marketing parameters (``utm_*`` and
friends) and session ids (``;jsessionid=``, ``?PHPSESSID=``, a token-like
``?sid=``) are dropped, because none changes what a government page shows (and
session ids would make every visit a new set of URLs: a crawl trap).

It lives in the core because checks match page links against crawled URLs
with it; ``crawlers.urls`` re-exports it beside the scope rules.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, quote, urljoin, urlsplit

import idna

__all__ = ["SESSION_PARAMS", "TRACKING_PARAMS", "normalize_url", "redact_credentials", "strip_credentials"]

_DEFAULT_PORTS = {"http": 80, "https": 443}

TRACKING_PARAMS = frozenset({"gclid", "fbclid", "msclkid", "dclid", "mc_cid", "mc_eid", "_ga", "_gl", "yclid"})
"""Query parameters that identify a campaign or a click, never a resource."""

SESSION_PARAMS = frozenset({"jsessionid", "phpsessid", "sessionid", "session_id", "sessid", "cfid", "cftoken"})
"""Query parameters that carry a visitor's session: every visit would otherwise mint new URLs.
``sid`` and ``ASPSESSIONID…`` count too (``sid`` only with a token-like value: it also means "section id")."""

_SESSION_IN_PATH = re.compile(r";(?:jsessionid|phpsessid|sessionid|sid)=[^/;]*", re.IGNORECASE)
_TOKEN = re.compile(r"^[A-Za-z0-9_.%-]{16,}$")

_HOST_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$")
_PERCENT_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})?")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters left as they are; everything else (spaces, non-ASCII, quotes, ...) is percent-encoded.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"
# Browsers drop these anywhere in a URL before parsing it (WHATWG URL standard).
_STRIPPED_INSIDE = str.maketrans("", "", "\t\n\r")
_C0_AND_SPACE = "".join(chr(i) for i in range(0x21))  # trimmed from both ends, as browsers do


def normalize_url(url: str, base: str | None = None) -> str | None:
    """Return the canonical absolute form of ``url`` (resolved against ``base``), or None.

    None means "not something we crawl": a non-http(s) scheme (``mailto:``, ``tel:``,
    ``javascript:``, ...), no host, or input too broken to parse. It never raises,
    because it is fed raw ``href`` attributes from arbitrary pages.
    """
    try:
        return _normalize(url, base)
    except (ValueError, TypeError, UnicodeError):
        return None


def _normalize(url: str, base: str | None) -> str | None:
    raw = url.strip(_C0_AND_SPACE).translate(_STRIPPED_INSIDE)
    if base is not None:
        raw = urljoin(base.strip().translate(_STRIPPED_INSIDE), raw)
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return None
    host = _normalize_host(parts)
    if host is None:
        return None
    port = parts.port  # raises ValueError on junk ports; caught by the caller
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    path = _normalize_path(parts.path)
    query = _normalize_query(parts.query)
    return f"{scheme}://{netloc}{path}{'?' + query if query else ''}"


def _normalize_host(parts: SplitResult) -> str | None:
    """Lower-case, punycode and validate the host; None when there is no usable host.

    User info (``user:pass@``) is dropped: credentials in a link are never sent by
    the crawler and must not split one page into two.
    """
    host = parts.hostname
    if not host:
        return None
    if "[" in parts.netloc:  # IPv6 literal
        return f"[{ipaddress.IPv6Address(host.split('%')[0]).compressed}]"
    host = host.rstrip(".")
    if not host.isascii():
        host = _to_punycode(host)
    host = host.lower()
    labels = host.split(".")
    if not all(_HOST_LABEL.match(label) for label in labels):
        return None
    return host


def _to_punycode(host: str) -> str:
    """IDNA-encode a Unicode host (UTS 46 mapping first, as browsers do)."""
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        return host.encode("idna").decode("ascii")  # lenient IDNA 2003 fallback


def _normalize_path(path: str) -> str:
    path = _normalize_escapes(path.replace("\\", "/"), _PATH_SAFE)
    path = _SESSION_IN_PATH.sub("", path)  # Java's ;jsessionid=... path parameter
    path = re.sub(r"/{2,}", "/", path)
    path = _remove_dot_segments(path)
    return path or "/"


def _normalize_escapes(text: str, safe: str) -> str:
    """Decode escaped unreserved characters, upper-case the other escapes, encode unsafe ones.

    A ``%`` that starts no escape becomes ``%25``; left alone it could pair up with
    characters decoded next to it and make a second pass change the URL again.
    """

    def fix(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return "%25"
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else f"%{match.group(1).upper()}"

    return quote(_PERCENT_ESCAPE.sub(fix, text), safe=safe)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, on an absolute path."""
    if not path.startswith("/"):
        path = "/" + path
    output: list[str] = []
    segments = path.split("/")[1:]
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if output:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    return "/" + "/".join(output)


def _normalize_query(query: str) -> str:
    """Drop tracking and session parameters and empty pieces, keep the order of the rest."""
    kept = []
    for piece in query.split("&"):
        if not piece:
            continue
        normal = _normalize_escapes(piece, _QUERY_SAFE)
        name, _, value = normal.partition("=")
        name = name.lower()
        if name.startswith("utm_") or name in TRACKING_PARAMS or _is_session(name, value):
            continue
        kept.append(normal)
    return "&".join(kept)


def _is_session(name: str, value: str) -> bool:
    if name in SESSION_PARAMS or name.startswith("aspsessionid"):
        return True
    return name == "sid" and bool(_TOKEN.match(value))


_USERINFO = re.compile(r"(?i)^([a-z][a-z0-9+.-]*://)([^/?#@]*@)")


def strip_credentials(url: str) -> str:
    """``url`` without a ``user:password@`` part. The crawler never sends credentials from a URL
    (:func:`normalize_url` drops them too), so they are removed where a URL enters the tool, and
    are never stored, printed or published."""
    return _USERINFO.sub(r"\1", url.strip(), count=1)


def redact_credentials(text: str) -> str:
    """Every ``scheme://user:password@`` in ``text`` with the user info replaced by ``***@`` (for
    messages that quote what a user typed)."""
    return re.sub(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#@\s'\"]*@", r"\1***@", text)
