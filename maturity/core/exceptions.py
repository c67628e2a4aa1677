"""Exceptions to the ADA Title II web rule, claimed by an entity in a file: recorded, never silent.

28 CFR 35.201 (see ../shared/reference/DOMAIN.md) exempts, with conditions, (a) archived web
content, (b) pre-existing conventional electronic documents (unless currently used to apply for,
access or take part in a service), (c) third-party content not posted under contract or
arrangement, (d) individualised, password-protected documents, and (e) pre-existing social media
posts. Whether a claim holds is the entity's to justify, not ours to decide: a claim names its
kind, the pages (URL prefixes or regular expressions), the reason, who made it, when, and when it
will be reviewed. The tracker shows the failures on claimed pages apart, with the claim, instead of
counting them or dropping them; a claim past its review date is flagged.

This module also points at pages that look like candidates for a claim (an archive path or label,
a frame from another host), so nothing is claimed or missed by accident. Pure: text in, models out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from maturity.core.configfile import load_yaml, validate
from maturity.kernel.errors import ConfigError

Kind = Literal["archived", "preexisting-document", "third-party", "password-protected", "social-media"]
KIND_SECTIONS = {  # 28 CFR 35.201
    "archived": "35.201(a)",
    "preexisting-document": "35.201(b)",
    "third-party": "35.201(c)",
    "password-protected": "35.201(d)",
    "social-media": "35.201(e)",
}


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Claim(_Strict):
    kind: Kind
    pages: list[str] = Field(default_factory=list)  # URL prefixes
    patterns: list[str] = Field(default_factory=list)  # regular expressions, re.search on the URL
    reason: str = Field(min_length=1)
    by: str = Field(min_length=1)
    date: dt.date
    review: dt.date

    @field_validator("patterns")
    @classmethod
    def _compile(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {pattern!r} ({exc})") from None
        return value

    @field_validator("pages")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        for url in value:
            if not re.match(r"^https?://[^/\s]+", url):
                raise ValueError(f"a page is a URL or URL prefix starting http:// or https://, not {url!r}")
        return value

    @model_validator(mode="after")
    def _some_pages(self) -> Claim:
        if not self.pages and not self.patterns:
            raise ValueError("name the pages claimed: 'pages' (URL prefixes) or 'patterns' (regular expressions)")
        if self.review <= self.date:
            raise ValueError(f"review ({self.review}) must come after date ({self.date})")
        return self

    def covers(self, url: str) -> bool:
        return any(url.startswith(p) for p in self.pages) or any(re.search(p, url) for p in self.patterns)

    def review_due(self, today: dt.date) -> bool:
        return today >= self.review

    def describe(self) -> str:
        where = ", ".join([*self.pages, *(f"/{p}/" for p in self.patterns)])
        return f"{self.kind} ({KIND_SECTIONS[self.kind]}) on {where}: {self.reason} (by {self.by}, {self.date})"


class ExceptionsFile(_Strict):
    agency: str = Field(min_length=1)
    exceptions: list[Claim] = Field(default_factory=list)

    def claim_for(self, url: str) -> Claim | None:
        """The first claim that covers ``url``."""
        return next((c for c in self.exceptions if c.covers(url)), None)


def parse_exceptions(data: bytes | str, source: str) -> ExceptionsFile:
    raw = load_yaml(data, source, "exceptions file")
    if not isinstance(raw, dict):
        raise ConfigError(source, "an exceptions file is a mapping with 'agency' and an 'exceptions' list")
    return validate(ExceptionsFile, raw, source)


def same_agency(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


# -- candidates for a claim ---------------------------------------------------------------------

_ARCHIVE_PATH = re.compile(r"/(?:archives?|archived)(?:/|$|[-_.])", re.IGNORECASE)
_ARCHIVE_LABEL = re.compile(r"\barchived?\b|\barchives\b", re.IGNORECASE)


@dataclass(frozen=True)
class PageView:
    """What the candidate rules read of a page: its URL, title, headings and the frames it embeds
    from other sites."""

    url: str
    title: str = ""
    headings: tuple[str, ...] = ()
    foreign_frames: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    url: str
    kind: str  # archived | third-party
    why: str


def candidates(pages: Iterable[PageView], claims: Sequence[ExceptionsFile] = ()) -> list[Candidate]:
    """Pages that look archived (an archive path, or "archive" in the title or a heading) or embed
    frames from another site, and that no claim covers yet."""
    out: list[Candidate] = []
    for page in pages:
        if any(f.claim_for(page.url) for f in claims):
            continue
        path = re.sub(r"^https?://[^/]+", "", page.url)
        if _ARCHIVE_PATH.search(path):
            out.append(Candidate(page.url, "archived", "an archive path"))
        else:
            label = next((t for t in (page.title, *page.headings) if t and _ARCHIVE_LABEL.search(t)), None)
            if label is not None:
                out.append(Candidate(page.url, "archived", f"labelled {label[:80]!r}"))
        if page.foreign_frames:
            hosts = sorted({re.sub(r"^https?://([^/:]+).*$", r"\1", u) for u in page.foreign_frames})
            out.append(Candidate(page.url, "third-party", f"frames from {', '.join(hosts[:3])}"))
    return out
