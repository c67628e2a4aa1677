"""One retry policy for every fetch: discovery's HTTP requests and the browser's page loads.

A 429 (too many requests) or a 502, 503 or 504 (a gateway or server that is briefly away) is
worth asking again after a pause: the server's ``Retry-After`` when it gives one (delta-seconds
or an HTTP date, RFC 9110 §10.2.3), else a doubling backoff; never longer than
``max_retry_after``, never more than ``retries`` times. Other answers are final.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime

RETRY_STATUSES = frozenset({429, 502, 503, 504})
"""Answers worth asking again after a pause."""


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date); None when absent or bad.

    A date without a zone is read as UTC (HTTP dates are always GMT).
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    retries: int = 2  # extra attempts after a retryable answer
    max_retry_after: float = 30.0  # cap on the server's Retry-After and on our own backoff, seconds
    backoff: float = 1.0  # first wait without Retry-After; doubles each time

    def wait(self, status: int, header: str | None, attempt: int) -> float | None:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts retries so far, from 0),
        or None when the answer is final (not retryable, or the retries are spent)."""
        if status not in RETRY_STATUSES or attempt >= self.retries:
            return None
        told = retry_after(header)
        wait = told if told is not None else self.backoff * 2**attempt
        return min(wait, self.max_retry_after)
