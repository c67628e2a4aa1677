"""What makes a text alternative say nothing (not a check module): file names and generic words (F30)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

_FILE = re.compile(r"^[\w ().~-]+\.(jpe?g|png|gif|svg|webp|avif|bmp|tiff?|ico)$", re.IGNORECASE)
_CAMERA = re.compile(r"^(img|dsc|dscn|pxl|image|photo|screenshot|screen shot)[\s_-]*\d{2,}", re.IGNORECASE)


def _base(src: str) -> str:
    try:
        path = urlsplit(src).path
    except ValueError:
        return ""
    return unquote(path.rsplit("/", 1)[-1]).lower()


def placeholder_reason(text: str, src: str, generic: Iterable[str]) -> str:
    """Why ``text`` is not an alternative (a file name, a camera name, a generic word), or ""."""
    t = " ".join(text.split())
    if not t:
        return ""
    low = t.lower().strip(".:")
    if _FILE.match(t) or (src and low == _base(src)):
        return "a file name"
    if _CAMERA.match(t):
        return "a camera file name"
    if low in {g.lower() for g in generic}:
        return "a generic word"
    return ""
