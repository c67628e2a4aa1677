"""Why a scorecard sits at its level, in one sentence a reader can act on.

The level is the highest rung whose overall minimum and every dimension minimum the scores meet
(see :func:`maturity.core.scoring.score`); this says which of those minimums held it back.
"""

from __future__ import annotations

from maturity.core.scoring import Scorecard


def _num(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def level_reason(card: Scorecard) -> str:
    """One sentence: what kept ``card`` from the next level, or why it has no level at all."""
    if card.level is None:
        missing = [d.title for d in card.dimensions if d.score is None and not d.optional]
        if missing:
            return (
                "No level: "
                + ", ".join(missing)
                + (" has" if len(missing) == 1 else " have")
                + " no score (too few of its checks could be assessed), and a level needs every dimension."
            )
        return "No level: no check could be assessed."
    nxt = card.next_level
    if nxt is None:
        return f"Level {card.level} is the top of this rubric's ladder."
    gaps = []
    for gap in nxt.gaps:
        have = "no score" if gap.have is None else _num(gap.have)
        gaps.append(f"{gap.title} {have} (needs {_num(gap.need)})")
    if not gaps:  # cannot happen for a consistent card; say something true anyway
        return f"Level {card.level}."
    return f"Level {card.level}, not {nxt.level} ({nxt.name}), because of " + "; ".join(gaps) + "."


def crawl_effort(timings: dict[str, object], pages: int) -> list[tuple[str, str]]:
    """What the audit asked of the site, as (label, value) rows: the politeness it kept, the requests
    of each phase and per page, and why discovery stopped early. Empty for runs that did not record it."""
    rows: list[tuple[str, str]] = []
    politeness = timings.get("politeness")
    if isinstance(politeness, str) and politeness:
        rows.append(("Politeness", politeness))
    counts = {
        name: value
        for name, value in (
            ("discovery", timings.get("requests_discovery")),
            ("documents", timings.get("requests_documents")),
            ("rendering", timings.get("requests_rendering")),
            ("performance", timings.get("requests_performance")),
        )
        if isinstance(value, int | float) and not isinstance(value, bool)
    }
    if counts:
        total = int(sum(counts.values()))
        parts = [f"{name} {int(value):,}" for name, value in counts.items()]
        budget = timings.get("request_budget")
        if "discovery" in counts and isinstance(budget, int | float):
            parts[0] += f" (budget {int(budget):,})"
        per_page = f"; {total / pages:.1f} per page" if pages else ""
        rows.append(("Requests to the site", f"{total:,}: " + ", ".join(parts) + per_page))
    margin = timings.get("target_margin")
    if isinstance(margin, str) and margin:
        rows.append(("Target margin", margin))
    stopped = timings.get("discovery_stopped")
    if isinstance(stopped, str) and stopped:
        rows.append(("Discovery stopped early", stopped))
    login = timings.get("login")
    if isinstance(login, dict) and login.get("journey"):
        n = login.get("renewals") or 0
        times = f"{n} time{'s' if n != 1 else ''}"
        if login.get("gave_up"):
            text = (
                f"with the login journey {login['journey']}, until its session ended after signing in again "
                f"{times}, the most a run does; pages after that are not assessable (login required)"
            )
        elif login.get("signed_in"):
            text = f"with the login journey {login['journey']}" + (
                f"; the session ended and it signed in again {times}" if n else ""
            )
        else:
            text = (
                f"no: the login journey {login['journey']} did not complete; pages behind the login are not "
                "assessable (login required)"
            )
        rows.append(("Signed in", text))
    return rows
