"""Links of an HTML page: where its ``<a href>`` and ``<area href>`` lead, normalised."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from crawlers.fetch import decode_html
from crawlers.urls import normalize_url

__all__ = ["extract_links"]

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")


def extract_links(body: bytes, page_url: str, charset: str | None = None) -> list[str]:
    """Normalised http(s) targets of ``<a href>`` and ``<area href>``, in document order, deduplicated.

    Relative links resolve against the first ``<base href>`` when there is one.
    """
    text = _XML_DECLARATION.sub("", decode_html(body, charset), count=1)
    try:
        doc = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return []
    base = page_url
    for element in doc.iter("base"):
        href = element.get("href")
        if href and href.strip():
            base = normalize_url(href, page_url) or page_url
            break
    links: dict[str, None] = {}
    for element in doc.iter("a", "area"):
        href = element.get("href")
        url = normalize_url(href, base) if href is not None else None
        if url is not None:
            links.setdefault(url)
    return list(links)
