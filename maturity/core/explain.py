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
        missing = [d.title for d in card.dimensions if d.score is None]
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
