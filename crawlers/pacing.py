"""Politeness: how far apart the requests of one audit to one host start, in every phase.

Real state sites sit behind firewalls that block a crawler that hurries. One gap, chosen once per
audit, holds for discovery's requests and for every page load of the browser's two phases (a
page's own images, scripts and styles are not paced: a person's browser fetches them at once too):

* the site's robots.txt ``Crawl-delay`` (capped by ``max_crawl_delay``), or
* ``--delay`` when it asks for more, or
* by default, page loads in the browser at least 0.2 s apart per host (five a second, with at most
  ``--concurrency`` in flight), while discovery makes one request at a time with no extra gap.

:class:`HostPacer` spaces the browser's page loads; discovery's :class:`crawlers.fetch.Http`
sleeps its own gap, and hands the time of its last request on so the first page load waits too.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["DEFAULT_PAGE_GAP", "HostPacer", "Politeness", "politeness"]

DEFAULT_PAGE_GAP = 0.2
"""Seconds between the starts of two page loads to one host when neither the site nor the user
says otherwise: at most five pages a second. A browser page load is the request a firewall counts
(the document); 0.2 s rarely binds on a real site, where a page takes longer than that to load."""


@dataclass(frozen=True)
class Politeness:
    """The pacing one audit applies, per host, and where it came from."""

    page_gap_s: float  # between the starts of two page loads in the browser
    discovery_gap_s: float  # between two discovery requests
    source: str  # "robots.txt Crawl-delay", "the delay setting" or "default"

    def describe(self) -> str:
        """One line for a report: "1 s between requests to a host (robots.txt Crawl-delay)"."""
        if self.discovery_gap_s:
            return f"{self.page_gap_s:g} s between requests to a host ({self.source})"
        return f"{self.page_gap_s:g} s between page loads per host, discovery one request at a time ({self.source})"


def politeness(explicit: float | None, crawl_delay: float | None, cap: float) -> Politeness:
    """The gap to keep: the site's ``Crawl-delay`` (at most ``cap`` seconds) or ``explicit``,
    whichever is longer (an audit never goes faster than the site asked); else the default."""
    robots = min(crawl_delay, cap) if crawl_delay else 0.0
    if explicit is not None and explicit >= robots and (explicit > 0 or not robots):
        return Politeness(page_gap_s=explicit, discovery_gap_s=explicit, source="the delay setting")
    if robots:
        return Politeness(page_gap_s=robots, discovery_gap_s=robots, source="robots.txt Crawl-delay")
    return Politeness(page_gap_s=DEFAULT_PAGE_GAP, discovery_gap_s=0.0, source="default")


class HostPacer:
    """Spaces the starts of page loads to one host by ``gap`` seconds, across all the workers of a
    phase and across phases (one pacer per audit). ``wait(url)`` returns once this load may start."""

    def __init__(self, gap: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.gap = max(0.0, gap)
        self._clock = clock
        self._next: dict[str, float] = {}  # host -> earliest start of its next load
        self._started: dict[str, float] = {}  # host -> when its last load was let go
        self.loads = 0  # page loads started through the pacer
        self.waited = 0.0  # seconds spent waiting in all

    def hold(self, host: str, last_request_at: float) -> None:
        """Another part of the audit (discovery) last asked ``host`` at ``last_request_at``."""
        key = host.lower()
        self._next[key] = max(self._next.get(key, 0.0), last_request_at + self.gap)

    def sent(self, url: str) -> None:
        """A load to ``url``'s host actually went out now: the next waits ``gap`` from here (a load
        whose request left late, behind a slow renderer, must not bring the next one closer)."""
        host = _host(url)
        self._next[host] = max(self._next.get(host, 0.0), self._clock() + self.gap)

    async def wait(self, url: str) -> float:
        """Reserve the next start for ``url``'s host and sleep until then, and at least ``gap`` after
        the load before it was let go (a busy event loop wakes a sleeper late, and the next reserved
        start would then follow it closer than ``gap``); the seconds waited."""
        host = _host(url)
        now = self._clock()
        start = max(now, self._next.get(host, 0.0))
        self._next[host] = start + self.gap
        self.loads += 1
        waited = 0.0
        delay = start - now
        while delay > 0:
            waited += delay
            await asyncio.sleep(delay)
            delay = self._started.get(host, float("-inf")) + self.gap - self._clock()
        self._started[host] = self._clock()
        self.waited += waited
        return waited


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
