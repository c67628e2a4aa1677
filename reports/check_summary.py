"""The text ``maturity check`` prints: each site's level and scores, the gates, the baseline.

Pure: scorecards, run provenance and the gate result in, plain text out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from maturity.core.explain import level_reason
from maturity.core.gates import GateResult
from maturity.core.model import RunInfo
from maturity.core.scoring import Scorecard


def summary(
    cards: Sequence[Scorecard], runs: Sequence[RunInfo], result: GateResult, written: Mapping[str, Path]
) -> str:
    lines = []
    for card, run in zip(cards, runs, strict=True):
        level = f"Level {card.level} · {card.level_name}" if card.level else "Not assessable"
        overall = f"{card.overall:.1f}" if card.overall is not None else "n/a"
        dims = ", ".join(f"{d.id} {d.score:.1f}" if d.score is not None else f"{d.id} n/a" for d in card.dimensions)
        lines.append(f"{card.target}  run {run.crawl_id}  ·  {level}  ·  overall {overall}  ({dims})")
        lines.append(f"  {level_reason(card)}")
    if result.evaluated:
        lines.append(
            "gates: "
            + ", ".join(
                f"{g} FAILED ({len(result.failures_of(g))})" if result.failures_of(g) else f"{g} ok"
                for g in result.evaluated
            )
        )
    else:
        lines.append("gates: none configured")
    for f in result.failures[:20]:
        lines.append(f"  ✗ {f.gate}: {f.message}")
    if len(result.failures) > 20:
        lines.append(f"  ... and {len(result.failures) - 20} more")
    if result.baseline_used:
        lines.append(
            f"baseline: {len({f.fingerprint for f in result.new_findings})} new, {len(result.accepted)} accepted, "
            f"{len(result.fixed)} fixed, {len(result.unverified)} on pages not audited now"
        )
        for e in result.fixed[:20]:
            lines.append(f"  fixed: {e.check_id} on {e.url or 'the site'} {e.selector}".rstrip())
    for note in result.notes[:10]:
        lines.append(f"note: {note}")
    for kind, path in written.items():
        lines.append(f"{kind}: {path}")
    lines.append("PASSED" if result.passed else "FAILED")
    return "\n".join(lines)
