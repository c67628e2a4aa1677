"""robots.txt: what the site lets our user agent fetch.

Parsing is pure (``parse_robots`` takes the status and body, never a client) so
every RFC 9309 case is a one-line unit test; fetching lives in ``discover``.

How an unsuccessful fetch is read (RFC 9309, section 2.3.1):

* **2xx**: parse the body (``found=True``).
* **4xx except 429** ("unavailable", 2.3.1.3): the crawler MAY access any
  resource, so everything is allowed (``found=False``).
* **3xx** still unresolved after the redirects the fetcher followed: the RFC
  lets a crawler treat a robots.txt reached only after more than five redirects
  as unavailable (2.3.1.2), so everything is allowed.
* **5xx, 429, or no response at all** (``status=None``: connection failure or
  timeout; "unreachable", 2.3.1.4): the crawler MUST assume complete disallow.
  We follow the RFC rather than the laxer habit of many crawlers: a server
  that cannot serve robots.txt gets no further requests from us, and the CLI
  says why. 429 is grouped with 5xx because it asks us to back off, which is the
  opposite of permission.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from protego import Protego

from maturity.core.model import RobotsFacts

__all__ = ["MAX_ROBOTS_BYTES", "RobotsPolicy", "parse_robots"]

MAX_ROBOTS_BYTES = 512 * 1024
"""RFC 9309 section 2.5: crawlers must parse at least 500 KiB; we read no more than this."""


@dataclass(frozen=True)
class RobotsPolicy:
    """The outcome of one robots.txt fetch for one user agent."""

    url: str
    status: int | None
    user_agent: str
    found: bool
    crawl_delay: float | None = None
    sitemaps: list[str] = field(default_factory=list)
    disallow_all: bool = False
    _parser: Protego | None = field(default=None, repr=False, compare=False)

    def allowed(self, url: str) -> bool:
        """May our user agent fetch ``url``? (robots.txt itself is always allowed.)"""
        if self.disallow_all:
            return False
        if self._parser is None:
            return True
        return self._parser.can_fetch(url, self.user_agent)

    def facts(self, start_allowed: bool) -> RobotsFacts:
        return RobotsFacts(
            url=self.url,
            status=self.status,
            found=self.found,
            sitemaps=list(self.sitemaps),
            crawl_delay=self.crawl_delay,
            start_allowed=start_allowed,
        )


def parse_robots(url: str, status: int | None, body: bytes | None, user_agent: str) -> RobotsPolicy:
    """Build the policy for ``user_agent`` from the answer to ``GET url`` (see module docstring)."""
    if status is None or status == 429 or status >= 500:
        return RobotsPolicy(url=url, status=status, user_agent=user_agent, found=False, disallow_all=True)
    if not 200 <= status < 300:
        return RobotsPolicy(url=url, status=status, user_agent=user_agent, found=False)
    text = (body or b"")[:MAX_ROBOTS_BYTES].decode("utf-8-sig", errors="replace")
    parser = Protego.parse(text)
    return RobotsPolicy(
        url=url,
        status=status,
        user_agent=user_agent,
        found=True,
        crawl_delay=parser.crawl_delay(user_agent),
        sitemaps=list(dict.fromkeys(s.strip() for s in parser.sitemaps if s.strip())),
        _parser=parser,
    )
