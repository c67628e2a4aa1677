"""Traffic: a web analytics page report (DAP, GA4, any tool) read into views per page path (pure).

A report has one column naming the page (a path or a full URL) and one counting it (views or
sessions); the header names accepted are :data:`PAGE_COLUMNS` and :data:`COUNT_COLUMNS`, case
and spacing aside. Lines starting with ``#`` are skipped; ``Start date:`` / ``End date:`` among
them give the period, unless ``--period`` does. Query strings and fragments are cut before
anything is kept (they can carry tokens and addresses), paths are redacted like survey text, and
rows for another host than the site's are left out and counted. A bad count stops the whole
file with its line and column.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from maturity.core.xdata import redact
from maturity.kernel.errors import ConfigError

PAGE_COLUMNS = (
    "page",
    "page path",
    "page path and screen class",
    "page path + query string",
    "pagepath",
    "page url",
    "page location",
    "url",
    "landing page",
)
COUNT_COLUMNS = ("pageviews", "page views", "views", "screenpageviews", "sessions", "visits")


@dataclass(frozen=True, kw_only=True)
class TrafficReport:
    metric: str  # the count column's name, normalised (views, sessions, ...)
    period: str | None
    views: dict[str, int]  # path -> count, query strings cut
    rows: int
    other_hosts: int = 0  # rows about another host than the site's
    kept: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)


def _norm(name: str) -> str:
    return " ".join(name.strip().lower().replace("_", " ").split())


def page_path(value: str, site_host: str | None) -> str | None:
    """The path a cell names (a path or a URL), without query or fragment; None for another host."""
    value = value.strip()
    if "://" in value:
        parts = urlsplit(value)
        if site_host and (parts.hostname or "").lower() != site_host:
            return None
        path = parts.path or "/"
    else:
        path = re.split(r"[?#]", value, maxsplit=1)[0] or "/"
        if not path.startswith("/"):
            path = "/" + path
    return redact(path)


def parse_traffic(text: str, source: str, *, site: str | None = None, period: str | None = None) -> TrafficReport:
    text = text.removeprefix("\ufeff")
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    dates = {}
    for comment in comments:
        m = re.match(r"#\s*(start|end) date:\s*(\S+)", comment.strip(), re.IGNORECASE)
        if m:
            dates[m.group(1).lower()] = m.group(2)
    if period is None and dates:
        period = f"{dates.get('start', '?')} to {dates.get('end', '?')}"
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    views: dict[str, int] = {}
    rows = other = 0
    page_i = count_i = -1
    site_host = (urlsplit(site).hostname or "").lower() if site else None
    try:
        for row in reader:
            line = reader.line_num
            if not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
                continue
            if header is None:
                header = [_norm(c) for c in row]
                page_i = next((header.index(c) for c in PAGE_COLUMNS if c in header), -1)
                count_i = next((header.index(c) for c in COUNT_COLUMNS if c in header), -1)
                if page_i < 0:
                    raise ConfigError(source, f"no page column (one of: {', '.join(PAGE_COLUMNS)})", f"line {line}")
                if count_i < 0:
                    raise ConfigError(source, f"no count column (one of: {', '.join(COUNT_COLUMNS)})", f"line {line}")
                continue
            if len(row) <= max(page_i, count_i):
                raise ConfigError(source, f"{len(row)} cells but {len(header)} columns", f"line {line}")
            rows += 1
            raw = row[count_i].strip().replace(",", "")
            try:
                count = int(float(raw)) if raw else 0
            except ValueError:
                raise ConfigError(source, "not a count", f"line {line}, column {header[count_i]}") from None
            if count < 0:
                raise ConfigError(source, "a count cannot be negative", f"line {line}, column {header[count_i]}")
            path = page_path(row[page_i], site_host)
            if path is None:
                other += 1
                continue
            views[path] = views.get(path, 0) + count
    except csv.Error as exc:
        raise ConfigError(source, f"not valid CSV ({exc})", f"line {reader.line_num}") from None
    if header is None:
        raise ConfigError(source, "the file is empty", "line 1")
    kept = (header[page_i] + " (path only, redacted)", header[count_i])
    dropped = tuple(h for i, h in enumerate(header) if i not in (page_i, count_i))
    return TrafficReport(
        metric=header[count_i],
        period=period,
        views=views,
        rows=rows,
        other_hosts=other,
        kept=kept,
        dropped=dropped,
    )
