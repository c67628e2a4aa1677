"""Parsing the viewport meta tag's content (shared by the viewport checks)."""

import re


def parse_viewport(content: str | None) -> dict[str, str]:
    """``"width=device-width, initial-scale=1"`` -> ``{"width": "device-width", "initial-scale": "1"}``."""
    if not content:
        return {}
    pairs: dict[str, str] = {}
    for part in re.split(r"[,;]", content):
        if "=" in part:
            key, _, value = part.partition("=")
            pairs[key.strip().lower()] = value.strip().lower()
    return pairs
