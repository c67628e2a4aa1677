"""How many requests one discovery run may make, in all and per URL pattern.

Duplicates, 404s, redirects and errors add no page, so a page budget alone does not bound a
crawl: ``--max-pages 3`` against 3,000 broken links once made 3,068 requests. Every request
discovery makes (robots.txt, sitemaps, pages, redirect hops, retries, probes) passes through
:meth:`RequestBudget.spend`, which raises :class:`RequestBudgetSpent` once the budget is used up.
"""

from __future__ import annotations

from collections import Counter

__all__ = ["REQUESTS_PER_PAGE", "REQUESTS_RESERVED", "RequestBudget", "RequestBudgetSpent", "default_budget"]

REQUESTS_PER_PAGE = 4
"""Requests allowed per page to audit: the page itself, a redirect hop on the way (``/a`` ->
``/a/`` is common) and two more for the broken links, duplicates and non-HTML answers met
between pages."""

REQUESTS_RESERVED = 30
"""Requests for the site rather than its pages: robots.txt (up to 6 with redirects, and one per
other origin met), up to 10 sitemap files, the 404, security.txt and https probes."""


def default_budget(max_pages: int, check_links: int) -> int:
    """``4 x max_pages + check_links + 30``: link checks (HEAD) have their own bound already."""
    return REQUESTS_PER_PAGE * max_pages + check_links + REQUESTS_RESERVED


class RequestBudgetSpent(Exception):
    """No request may be made: the run's budget (or the budget of one URL pattern) is used up."""


class RequestBudget:
    """Counts requests, in all and per pattern; refuses the one past either limit."""

    def __init__(self, limit: int, per_pattern: int | None = None) -> None:
        self.limit = limit
        self.per_pattern = per_pattern
        self.made = 0
        self.by_pattern: Counter[str] = Counter()

    @property
    def spent(self) -> bool:
        return self.made >= self.limit

    def pattern_spent(self, pattern: str) -> bool:
        return self.per_pattern is not None and self.by_pattern[pattern] >= self.per_pattern

    def spend(self, pattern: str | None = None) -> None:
        """Count one request about to be made, or raise :class:`RequestBudgetSpent`."""
        if self.spent:
            raise RequestBudgetSpent(f"request budget spent ({self.made} of {self.limit})")
        if pattern is not None:
            if self.pattern_spent(pattern):
                raise RequestBudgetSpent(f"request budget of pattern {pattern} spent ({self.per_pattern})")
            self.by_pattern[pattern] += 1
        self.made += 1
