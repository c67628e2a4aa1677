"""Cheap probes of the site itself, run after the crawl.

A made-up URL (how does the site answer a 404?), ``/.well-known/security.txt`` (RFC 9116) and, for
https sites, the plain-http form (does it redirect to https?). Each takes what it needs from the
crawl (its counted :class:`Http`, robots check and ``decide`` callback) and returns one site fact.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

import httpx

from crawlers.budget import RequestBudgetSpent
from crawlers.fetch import (
    MAX_ROBOTS_REDIRECTS,
    Fetched,
    Http,
    media_type_of,
    read_capped,
    redirect_location,
    short,
    status_text,
)
from crawlers.urls import site_host
from maturity.core.model import SecurityTxtFacts

__all__ = ["parse_security_txt", "probe_https", "probe_not_found", "probe_security_txt"]

MAX_SECURITY_TXT_BYTES = 32_000  # RFC 9116 files are a few lines; anything larger is read in part
SECURITY_TXT_PATH = "/.well-known/security.txt"

Decide = Callable[[str, str, str], None]
"""``decide(url, action, reason)``: the crawl's record of what it did with a URL."""


def probe_not_found(
    *, site_origin: str, robots_allows: Callable[[str], bool], fetch: Callable[..., Fetched], decide: Decide
) -> int | None:
    """Status of a URL that cannot exist: a 200 here means the site serves soft 404s."""
    url = f"{site_origin}/maturity-404-probe-{secrets.token_hex(4)}"
    if not robots_allows(url):
        decide(url, "skipped", "404 probe: robots.txt disallows")
        return None
    result = fetch(url, read_html=False)
    action = "fetched" if result.status is not None else "skipped" if result.budget_spent else "failed"
    decide(url, action, f"404 probe: {status_text(result)}")
    return result.status


def probe_security_txt(
    *,
    http: Http,
    site_origin: str,
    robots_allows: Callable[[str], bool],
    deadline: Callable[[], float],
    decide: Decide,
) -> SecurityTxtFacts | None:
    """``/.well-known/security.txt`` of the site's origin (RFC 9116): status, type and fields."""
    url = site_origin + SECURITY_TXT_PATH
    if not robots_allows(url):
        decide(url, "skipped", "security.txt: robots.txt disallows")
        return None
    current, status, body, media_type = url, None, None, ""
    try:
        for _ in range(MAX_ROBOTS_REDIRECTS + 1):
            with http.stream("GET", current) as response:
                status = response.status_code
                target = redirect_location(response, current)
                if not target:
                    media_type = media_type_of(response.headers)
                    if status < 300:
                        body = read_capped(response, MAX_SECURITY_TXT_BYTES, deadline())[0]
                    break
            current = target
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        decide(url, "failed", f"security.txt: {short(exc)}")
        return SecurityTxtFacts(url=url, status=None)
    except RequestBudgetSpent as exc:
        decide(url, "skipped", f"security.txt: {exc}")
        return None
    decide(url, "fetched", f"security.txt: HTTP {status}")
    text = body.decode("utf-8", errors="replace") if body is not None else ""
    return SecurityTxtFacts(
        url=url,
        status=status,
        final_url=current,
        content_type=media_type,
        fields=parse_security_txt(text),
        signed=text.lstrip().startswith("-----BEGIN PGP SIGNED MESSAGE-----"),
    )


def probe_https(*, http: Http, start: str, http_port: int | None, decide: Decide) -> bool | None:
    """Does the plain-http form of an https start URL redirect to https on the same site?"""
    parts = urlsplit(start)
    if parts.scheme != "https" or (parts.port is not None and http_port is None):
        return None
    http_url = "http" + start[len("https") :]
    if parts.port is not None:
        host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
        http_url = urlunsplit(("http", f"{host}:{http_port}", parts.path, parts.query, ""))
    try:
        with http.stream("GET", http_url) as response:
            target = redirect_location(response, http_url)
            status = response.status_code
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        decide(http_url, "failed", f"https probe: {short(exc)}")
        return None
    except RequestBudgetSpent as exc:
        decide(http_url, "skipped", f"https probe: {exc}")
        return None
    upgrades = bool(target) and _is_https_on_host(target or "", parts.hostname or "")
    verdict = "redirects to https" if upgrades else "does not redirect to https"
    decide(http_url, "fetched", f"https probe: HTTP {status}, {verdict}")
    return upgrades


def parse_security_txt(text: str) -> dict[str, list[str]]:
    """``Field: value`` lines of a security.txt (RFC 9116 §4), field names lower-cased; comments skipped."""
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("-----"):
            continue
        name, sep, value = line.partition(":")
        if sep and name.strip() and " " not in name.strip():
            fields.setdefault(name.strip().lower(), []).append(value.strip())
    return fields


def _is_https_on_host(url: str, host: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and site_host(parts.hostname or "") == site_host(host)
