"""Helpers shared by several checks (not a check module: the registry skips names starting with "_")."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from datetime import date
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from maturity.core.checks import PageInput, SiteInput
from maturity.core.model import CheckResult, ClippedText, Item, Link, normalise_for_lookup
from maturity.kernel.dates import parse_date


def keep(page: PageInput, **fields: tuple[str, ...]) -> dict[str, Any]:
    """A site check's summary of a page (see CheckMeta.summary): only the named fields of each
    artifact. Reading any other field is an error of the check, never a silent default."""
    artifacts = page.artifacts
    return {name: SimpleNamespace(**{f: getattr(artifacts[name], f) for f in names}) for name, names in fields.items()}


def is_home(page: PageInput) -> bool:
    """Whether ``page`` is the home page or the start page (:func:`home_page` looks among those)."""
    key = normalise_for_lookup(page.url)
    return any(normalise_for_lookup(u) == key for u in (page.site.homepage_url, page.site.start_url) if u)


def home_only(page: PageInput) -> dict[str, Any]:
    """The summary of a check that reads the home page alone: that page whole, nothing of the others."""
    return dict(page.artifacts) if is_home(page) else {}


def not_gathered(check_id: str, url: str | None, what: str) -> CheckResult:
    """The error for an artifact gathered before a fact existed: never a silent pass on old crawls."""
    return CheckResult.errored(check_id, url, f"{what} was not gathered in this crawl (an older version); audit again")


def home_page(site: SiteInput) -> PageInput | None:
    """The home page among the assessed pages, else the start page, else None."""
    wanted = [normalise_for_lookup(u) for u in (site.site.homepage_url, site.site.start_url) if u]
    for key in wanted:
        for page in site.pages:
            if normalise_for_lookup(page.url) == key:
                return page
    return None


@functools.lru_cache(maxsize=2048)  # the same bound as normalise_for_lookup's, for the same link targets
def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def first_date(values: Iterable[str | None]) -> date | None:
    for value in values:
        parsed = parse_date(value)
        if parsed is not None:
            return parsed
    return None


# ---------------------------------------------------------------------------
# Link patterns: a rubric names links by a regular expression on their URL and/or their text.
# ---------------------------------------------------------------------------

LinkSpec = str | dict[str, str]
"""A pattern matched against a link's URL or its text, or ``{url: ..., text: ...}`` (either may match)."""
LinkPatterns = tuple[re.Pattern[str] | None, re.Pattern[str] | None]


def compile_link_spec(spec: LinkSpec) -> LinkPatterns:
    """(URL pattern, text pattern), case-insensitive; a plain string applies to both."""
    if isinstance(spec, str):
        rx = re.compile(spec, re.IGNORECASE)
        return rx, rx
    url, text = spec.get("url"), spec.get("text")
    return (
        re.compile(url, re.IGNORECASE) if url else None,
        re.compile(text, re.IGNORECASE) if text else None,
    )


def link_matches(link: Link, patterns: LinkPatterns) -> bool:
    url_rx, text_rx = patterns
    return bool((url_rx and url_rx.search(link.href)) or (text_rx and text_rx.search(link.text)))


def describe_link_spec(spec: LinkSpec) -> str:
    if isinstance(spec, str):
        return f"URL or text matching /{spec}/"
    return " or ".join(f"{part} matching /{spec[part]}/" for part in ("url", "text") if spec.get(part))


def validate_link_specs(specs: Any, key: str) -> list[tuple[str, str]]:
    """Problems with a ``{name: spec}`` mapping of link patterns, keyed under ``key``."""
    if not isinstance(specs, dict) or not specs:
        return [(key, "give a mapping of names to patterns (a string, or {url: ..., text: ...})")]
    problems: list[tuple[str, str]] = []
    for name, spec in specs.items():
        where = f"{key}.{name}" if key else str(name)
        if isinstance(spec, dict):
            extra = set(spec) - {"url", "text"}
            if extra:
                problems.append((where, f"unknown key {sorted(extra)[0]!r}; use url and/or text"))
                continue
            if not any(isinstance(spec.get(k), str) and spec.get(k) for k in ("url", "text")):
                problems.append((where, "give a url pattern, a text pattern or both"))
                continue
            parts = [(f"{where}.{k}", spec[k]) for k in ("url", "text") if spec.get(k)]
        elif isinstance(spec, str) and spec:
            parts = [(where, spec)]
        else:
            problems.append((where, "must be a pattern or {url: ..., text: ...}"))
            continue
        for at, pattern in parts:
            if not isinstance(pattern, str):
                problems.append((at, "must be a string"))
                continue
            try:
                re.compile(pattern)
            except re.error as exc:
                problems.append((at, f"not a valid regular expression: {exc}"))
    return problems


def validate_regex(value: Any, key: str) -> list[tuple[str, str]]:
    if not isinstance(value, str):
        return [(key, "must be a regular expression (a string)")]
    try:
        re.compile(value)
    except re.error as exc:
        return [(key, f"not a valid regular expression: {exc}")]
    return []


def clipped_result(check_id: str, url: str, clipped: Sequence[ClippedText], boxes: int | None) -> CheckResult:
    """text-resize and text-spacing: the boxes whose text a change of the text's size or spacing cut
    off (``boxes``: how many boxes that clip their overflow were examined; 0 makes the check not apply)."""
    if not clipped and boxes == 0:
        return CheckResult.not_applicable(check_id, url, "no box clips its overflow")
    if not clipped:
        return CheckResult.passed(check_id, url)
    items = [
        Item(url=url, selector=c.selector, snippet=c.snippet[:80], detail=f"needs {c.needed:g} px, has {c.height:g} px")
        for c in clipped
    ]
    return CheckResult.failed(check_id, url, items=items, value=float(len(clipped)))
