"""Links of an HTML page: where its ``<a href>`` and ``<area href>`` lead, normalised."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

import lxml.html
from lxml import etree

from crawlers.fetch import decode_html
from crawlers.urls import normalize_url

__all__ = ["PageShape", "extract_links", "page_shape"]

# The parts of a page a template draws: what the shell fingerprint reads (tags only: classes and
# text differ page by page, "current" menu items for one).
_SHELL_TAGS = ("header", "nav", "footer")
_SHELL_ROLES = ("banner", "navigation", "contentinfo")
_SHELL_TOKENS = 2000

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")


@dataclass(frozen=True)
class PageShape:
    """What discovery reads from a page's HTML: its links, the links of its main navigation
    (``<nav>``, ``<header>``, ``role=navigation|banner``) and its template's fingerprint."""

    links: list[str]
    nav_links: list[str]
    shell: str  # a hash of the tag structure of its header, navigation and footer ("" without any)


def extract_links(body: bytes, page_url: str, charset: str | None = None) -> list[str]:
    """Normalised http(s) targets of ``<a href>`` and ``<area href>``, in document order, deduplicated.

    Relative links resolve against the first ``<base href>`` when there is one.
    """
    return page_shape(body, page_url, charset).links


def page_shape(body: bytes, page_url: str, charset: str | None = None) -> PageShape:
    """Links, main-navigation links and the shell fingerprint of one HTML page."""
    text = _XML_DECLARATION.sub("", decode_html(body, charset), count=1)
    try:
        doc = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return PageShape([], [], "")
    links = _links(doc, page_url)
    shells = [
        el
        for el in doc.iter()
        if isinstance(el.tag, str) and (el.tag in _SHELL_TAGS or (el.get("role") or "").strip() in _SHELL_ROLES)
    ]
    outer = [el for el in shells if not any(a in shells for a in el.iterancestors())]
    nav_links = _links_in(outer, doc, page_url, only=("nav", "header"), roles=("navigation", "banner"))
    tokens: list[str] = []
    for el in outer:
        for node in el.iter():
            if isinstance(node.tag, str) and len(tokens) < _SHELL_TOKENS:
                tokens.append(node.tag)
        tokens.append("/")
    shell = hashlib.sha256(" ".join(tokens).encode()).hexdigest()[:12] if tokens else ""
    return PageShape(links, nav_links, shell)


def _links_in(outer: list[Any], doc: Any, page_url: str, *, only: tuple[str, ...], roles: tuple[str, ...]) -> list[str]:
    base = _base(doc, page_url)
    found: dict[str, None] = {}
    for el in outer:
        if el.tag not in only and (el.get("role") or "").strip() not in roles:
            continue
        for a in el.iter("a", "area"):
            href = a.get("href")
            url = normalize_url(href, base) if href is not None else None
            if url is not None:
                found.setdefault(url)
    return list(found)


def _base(doc: Any, page_url: str) -> str:
    for element in doc.iter("base"):
        href = element.get("href")
        if href and href.strip():
            return normalize_url(href, page_url) or page_url
    return page_url


def _links(doc: Any, page_url: str) -> list[str]:
    base = _base(doc, page_url)
    links: dict[str, None] = {}
    for element in doc.iter("a", "area"):
        href = element.get("href")
        url = normalize_url(href, base) if href is not None else None
        if url is not None:
            links.setdefault(url)
    return list(links)
