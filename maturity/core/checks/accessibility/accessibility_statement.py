"""accessibility-statement: the site links a statement that names its standard, is current, and
says how to report a problem in at least two ways (site-level)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from types import SimpleNamespace
from typing import Any

from maturity.core.checks import PageInput, SiteInput, check
from maturity.core.checks._common import (
    compile_link_spec,
    link_matches,
    parse_date,
    validate_link_specs,
    validate_regex,
)
from maturity.core.model import CheckResult, Item, normalise_for_lookup

ID = "accessibility-statement"

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATES = (
    re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"),  # 2026-05-01
    re.compile(rf"\b({_MONTHS})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.IGNORECASE),  # May 1, 2026
    re.compile(rf"\b(\d{{1,2}})\s+({_MONTHS})\.?,?\s+(\d{{4}})\b", re.IGNORECASE),  # 1 May 2026
    re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b"),  # 05/01/2026 (US order)
    re.compile(rf"\b({_MONTHS})\.?\s+(\d{{4}})\b", re.IGNORECASE),  # May 2026 (the 1st is assumed)
)
_MONTH_NUMBER = {name: i % 12 + 1 for i, name in enumerate(_MONTHS.split("|")[:12])} | {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}  # fmt: skip

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(r"(?:\+?1[\s.-]?)?\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b|\b(?:TTY|TDD|relay)\b|\b711\b")
_ADDRESS = re.compile(r"\b\d{1,6}\s+\w+(?:\s+\w+){0,4}\s+(?:street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|"
                      r"lane|ln|way|suite|plaza|square|sw|se|nw|ne)\b[^\n]{0,80}\b\d{5}\b", re.IGNORECASE)  # fmt: skip


def _dates(text: str) -> list[date]:
    found: list[date] = []
    for i, rx in enumerate(_DATES):
        for m in rx.finditer(text):
            g = m.groups()
            try:
                if i == 0:
                    found.append(date(int(g[0]), int(g[1]), int(g[2])))
                elif i == 1:
                    found.append(date(int(g[2]), _MONTH_NUMBER[g[0].lower()], int(g[1])))
                elif i == 2:
                    found.append(date(int(g[2]), _MONTH_NUMBER[g[1].lower()], int(g[0])))
                elif i == 3:
                    found.append(date(int(g[2]), int(g[0]), int(g[1])))
                else:
                    found.append(date(int(g[1]), _MONTH_NUMBER[g[0].lower()], 1))
            except (ValueError, KeyError):
                continue
    return found


def contact_ways(page: PageInput) -> dict[str, str]:
    """The ways to reach the entity the statement page gives: kind -> evidence."""
    doc = page.document
    text = f"{doc.text}\n{doc.other_text or ''}"
    ways: dict[str, str] = {}
    mailto = next((a.href for a in doc.links if a.href.lower().startswith("mailto:")), None)
    email = mailto or (m.group(0) if (m := _EMAIL.search(doc.text)) else None)
    if email:
        ways["email"] = email[:80]
    tel = next((a.href for a in doc.links if a.href.lower().startswith("tel:")), None)
    phone = tel or (m.group(0) if (m := _PHONE.search(doc.text)) else None)
    if phone:
        ways["phone"] = phone[:80]
    form = next((f.action or "a form" for f in doc.forms if f.role != "search" and f.fields), None)
    if form:
        ways["form"] = form[:80]
    address = _ADDRESS.search(text)
    if address:
        ways["mail"] = address.group(0)[:80]
    return ways


def _validate(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    problems = validate_link_specs({"link": params.get("link")}, "") + validate_regex(
        params.get("standard"), "standard"
    )
    for key in ("max_age_days", "min_contact_ways"):
        value = params.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append((key, "must be a whole number, 1 or more"))
    return problems


def _summary(page: PageInput) -> dict[str, Any]:
    """A page's summary: its links that match ``link`` (the statement page itself is read again whole)."""
    link_rx = compile_link_spec(page.params["link"])
    links = [a for a in page.document.links if a.href.startswith("http") and link_matches(a, link_rx)]
    return {"document": SimpleNamespace(links=links)}


@check(
    id=ID,
    dimension="accessibility",
    title="The site links a current accessibility statement with two ways to report a problem",
    failure_title="No current, complete accessibility statement is linked",
    description=(
        "An accessibility statement tells people which standard the site meets and how to report a barrier. "
        "The check finds a link matching `link` on any sampled page, reads the linked page (it must be among "
        "the audited pages, else the check cannot run: raise --max-pages until the sample reaches it), and asks "
        "three things of it: it names the standard (`standard`: WCAG 2.1 AA or later), it carries a date no "
        "older than `max_age_days` at the crawl's date, and it gives at least `min_contact_ways` different "
        "ways to report a problem (email, phone or TTY/711, a web form, a postal address). Colorado's rules "
        "for state and local government websites ask for at least two. The score is the share of the three "
        "that hold."
    ),
    requires=("document",),
    scope="site",
    summary=_summary,
    params={
        "link": {"url": r"accessib", "text": r"accessibility"},
        "standard": r"\b(?:WCAG|Web Content Accessibility Guidelines)\b[^.\n]{0,40}?\b2\.[1-9]\b[^.\n]{0,40}?"
        r"\b(?:level\s+)?AA\b",
        "max_age_days": 365,
        "min_contact_ways": 2,
    },
    source="ADA Title II web rule (28 CFR 35 subpart H: WCAG 2.1 AA); Colorado's technology accessibility "
    "rules for state and local government (amended 2025: at least two contact methods)",
    validate=_validate,
)
def run(site: SiteInput) -> CheckResult:
    if not site.pages:
        return CheckResult.errored(ID, None, "no page was assessed")
    links = [a for p in site.pages for a in p.document.links]
    if not links:
        items = [Item(url=site.site.start_url, detail="no sampled page links an accessibility statement")]
        return CheckResult.failed(ID, None, items=items, score=0.0)
    audited = {normalise_for_lookup(p.url): p for p in site.pages}
    page = next((audited[k] for a in links if (k := normalise_for_lookup(a.href.split("#")[0])) in audited), None)
    if page is None:
        return CheckResult.errored(
            ID, None, f"the statement {links[0].href} was not among the audited pages (raise --max-pages to reach it)"
        )
    page = site.page(page.url) or page  # the statement page whole: its text, links and forms
    text = f"{page.document.title or ''}\n{page.document.text}"
    problems: list[str] = []
    standard = re.search(site.params["standard"], text, re.IGNORECASE)
    if standard is None:
        problems.append("names no standard of WCAG 2.1 AA or later")
    crawled = parse_date(site.site.crawled_at)
    dates = [d for d in _dates(text) if crawled is None or d <= crawled]
    newest = max(dates) if dates else None
    if newest is None:
        problems.append("carries no date")
    elif crawled is not None and (crawled - newest).days > int(site.params["max_age_days"]):
        problems.append(f"is dated {newest.isoformat()}, more than {site.params['max_age_days']} days before the crawl")
    ways = contact_ways(page)
    if len(ways) < int(site.params["min_contact_ways"]):
        got = ", ".join(f"{k} ({v})" for k, v in ways.items()) or "none"
        problems.append(f"gives {len(ways)} way(s) to report a problem, not {site.params['min_contact_ways']}: {got}")
    summary = (
        (f"statement {page.url}: standard {standard.group(0)!r}" if standard else f"statement {page.url}")
        + (f", dated {newest.isoformat()}" if newest else "")
        + (f", contact by {', '.join(ways)}" if ways else "")
    )
    score = (3 - len(problems)) / 3
    if problems:
        items = [Item(url=page.url, detail=f"the statement {p}") for p in problems]
        return CheckResult.failed(ID, None, items=items, score=score, value=score)
    return CheckResult.passed(ID, None, items=[Item(url=page.url, detail=summary)], value=1.0)
