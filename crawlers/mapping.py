"""Engine output to our model: axe-core's results and the performance runs, as the core's facts.

Pure functions: nothing past this module sees axe-core's structures, and nothing here touches
the browser.
"""

from __future__ import annotations

import re
import statistics
from typing import Any

from maturity.core.model import AxeFacts, AxeNode, AxeRule, PerformanceFacts, PerfRun


def map_axe(raw: dict[str, Any], version: str) -> AxeFacts:
    """axe-core's result object -> our own :class:`AxeFacts` (nothing else sees axe's structures)."""
    rules: list[AxeRule] = []
    for key, outcome in (
        ("violations", "violation"),
        ("incomplete", "incomplete"),
        ("passes", "pass"),
        ("inapplicable", "inapplicable"),
    ):
        for rule in raw.get(key) or []:
            nodes = []
            if outcome in ("violation", "incomplete"):
                for node in (rule.get("nodes") or [])[:50]:
                    nodes.append(
                        AxeNode(
                            target=_target(node.get("target")),
                            html=(node.get("html") or "")[:500],
                            summary=(node.get("failureSummary") or "")[:500],
                        )
                    )
            rules.append(
                AxeRule(
                    id=rule["id"],
                    outcome=outcome,
                    impact=rule.get("impact"),
                    tags=list(rule.get("tags") or []),
                    help=rule.get("help") or "",
                    help_url=rule.get("helpUrl") or "",
                    description=(rule.get("description") or "")[:1000],
                    nodes=nodes,
                )
            )
    return AxeFacts(version=(raw.get("testEngine") or {}).get("version") or version, rules=rules)


def _target(target: Any) -> str:
    """axe targets are lists of selectors, one per frame (shadow roots nest further lists)."""
    if isinstance(target, list):
        return " >>> ".join(_target(t) for t in target)
    return str(target or "")


def summarise_runs(profile: str, runs: list[PerfRun]) -> PerformanceFacts:
    """The median run (metric by metric) and the spread (max − min) over k runs."""
    fields = ("ttfb_ms", "server_ms", "fcp_ms", "lcp_ms", "cls", "tbt_ms", "load_ms")
    median: dict[str, Any] = {}
    spread: dict[str, float] = {}
    for name in fields:
        values = [getattr(r, name) for r in runs if getattr(r, name) is not None]
        median[name] = statistics.median(values) if values else None
        if len(values) > 1:
            spread[name] = max(values) - min(values)
    by_bytes = sorted(runs, key=lambda r: r.bytes)[len(runs) // 2]
    median.update(
        bytes=by_bytes.bytes,
        requests=by_bytes.requests,
        bytes_by_type=by_bytes.bytes_by_type,
        requests_by_type=by_bytes.requests_by_type,
    )
    return PerformanceFacts(profile=profile, k=len(runs), median=PerfRun(**median), runs=runs, spread=spread)


_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub(value: Any) -> Any:
    """Page strings with lone surrogates (JavaScript allows ``"\\ud800"`` in a title, UTF-8 does not) get U+FFFD.

    Without this, one hostile page would fail the whole run when its artifacts are stored.
    """
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value
