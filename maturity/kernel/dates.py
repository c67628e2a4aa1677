"""Reading the dates pages, headers and documents carry."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime


def parse_date(value: str | None) -> date | None:
    """An ISO 8601 date or timestamp, or an HTTP date (RFC 9110), as a UTC date; None when unreadable.

    A timestamp with trailing text ISO 8601 does not allow (``2024-05-01 (draft)``) is read by its
    first ten characters.
    """
    if not value:
        return None
    text = value.strip()
    try:
        return parsedate_to_datetime(text).astimezone(UTC).date()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = datetime.fromisoformat(text[:10])
        except ValueError:
            return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC)
    return parsed.date()
