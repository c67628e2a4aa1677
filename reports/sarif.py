"""SARIF 2.1.0: one rule per check, one result per finding.

Pure: scorecards and a :class:`GateResult` in, a JSON string out. Field names and their meaning
follow the OASIS standard "Static Analysis Results Interchange Format (SARIF) Version 2.1.0"
(https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html): ``runs[].tool.driver.rules``
are reportingDescriptors (§3.49: ``id``, ``shortDescription``, ``fullDescription``, ``help``,
``helpUri``), ``results[]`` (§3.27) carry ``ruleId``/``ruleIndex``, ``level``, ``message``,
``locations``, ``partialFingerprints`` and ``baselineState``. The tests validate the output against
the published JSON schema.

Where a finding is: the page URL is the ``physicalLocation.artifactLocation.uri`` (§3.4.3 allows
any absolute URI), and the CSS selector is a ``logicalLocation`` of kind ``element`` ("an element in
an XML or HTML document", §3.33.7). A ``region`` would need a line or an offset we do not have, so
the HTML snippet goes in the result's property bag. ``partialFingerprints`` holds our stable
fingerprint under ``maturityFingerprint/v1``. With a baseline, results say ``new`` or
``unchanged``, and findings fixed since the baseline appear as ``absent`` results (§3.27.24).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from maturity import __version__
from maturity.core.gates import BaselineEntry, GateResult
from maturity.core.scoring import CheckSummary, Finding, Scorecard

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/maturity-audit/maturity"
FINGERPRINT_KEY = "maturityFingerprint/v1"
LEVELS = {"critical": "error", "serious": "error", "moderate": "warning", "minor": "note"}


def _uri(url: str) -> str:
    """Percent-encode what a URI may not contain (spaces, quotes, non-ASCII) and keep the rest."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def _web_url(url: str) -> str | None:
    """``url`` when it is an http(s) URL a viewer may link to; never ``javascript:`` or ``data:``."""
    scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
    return url if scheme in ("http", "https") and url.isprintable() else None


def _rule(check: CheckSummary) -> dict[str, Any]:
    help_text = f"{check.description}\n\nPasses when: {check.title}. Fails when: {check.failure_title}."
    return {
        "id": check.check_id,
        "name": check.check_id,
        "shortDescription": {"text": check.title or check.check_id},
        "fullDescription": {"text": check.description or check.title or check.check_id},
        "help": {"text": help_text.strip()},
        "helpUri": _uri(_web_url(check.help_url) or f"{INFORMATION_URI}#checks"),
        "defaultConfiguration": {"level": "warning"},
        "properties": {"dimension": check.dimension, "scope": check.scope, "tags": [check.dimension]},
    }


def _location(url: str, selector: str) -> dict[str, Any]:
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": _uri(url)}}}
    if selector:
        location["logicalLocations"] = [{"fullyQualifiedName": selector, "name": selector, "kind": "element"}]
    return location


def _message(f: Finding) -> str:
    where = f" at {f.selector}" if f.selector else ""
    detail = f": {f.detail}" if f.detail else ""
    return f"{f.title} on {f.url or 'the site'}{where}{detail}"


def _result(f: Finding, card: Scorecard, index: int, result: GateResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": f.check_id,
        "ruleIndex": index,
        "kind": "fail",
        "level": LEVELS.get(f.impact or "", "warning"),
        "message": {"text": _message(f)},
        "locations": [_location(f.url or card.target, f.selector)],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": {
            "dimension": f.dimension,
            "impact": f.impact,
            "snippet": f.snippet,
            "detail": f.detail,
            "target": card.target,
        },
    }
    if f.help_url:
        out["properties"]["helpUri"] = f.help_url
    if result.baseline_used:
        out["baselineState"] = "unchanged" if f.fingerprint in set(result.accepted) else "new"
    return out


def _absent(entry: BaselineEntry, index: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": entry.check_id,
        "kind": "pass",
        "level": "none",
        "message": {"text": f"Fixed since the baseline: {entry.check_id} on {entry.url or 'the site'}"},
        "partialFingerprints": {FINGERPRINT_KEY: entry.fingerprint},
        "baselineState": "absent",
    }
    if index is not None:
        out["ruleIndex"] = index
    if entry.url:
        out["locations"] = [_location(entry.url, entry.selector)]
    return out


JOURNEY_RULES = {
    "journey-step": "A journey step did not complete",
    "journey-completion": "A journey did not complete",
    "journey-keyboard": "A journey cannot be done by keyboard alone as far as by mouse",
    "journey-time-budget": "A journey took longer than its time budget",
}


def _journey_results(
    result: GateResult, rules: list[dict[str, Any]], index: dict[str, int], results: list[dict[str, Any]]
) -> None:
    """A result per journey step that failed or stopped before a submit, and per journey gate that failed."""

    def rule(rule_id: str) -> int:
        if rule_id not in index:
            index[rule_id] = len(rules)
            rules.append(
                {
                    "id": rule_id,
                    "shortDescription": {"text": JOURNEY_RULES[rule_id]},
                    "helpUri": f"{INFORMATION_URI}#task-journeys",
                }
            )
        return index[rule_id]

    for verdict in result.journeys:
        journey = verdict.result
        for step in journey.steps:
            if step.outcome not in ("failed", "refused"):
                continue
            results.append(
                {
                    "ruleId": "journey-step",
                    "ruleIndex": rule("journey-step"),
                    "level": "error",
                    "message": {"text": f"journey {journey.id}, step {step.index} ({step.description}): {step.reason}"},
                    "locations": [_location(step.url or journey.start, "")],
                    "properties": {"journey": journey.id, "step": step.index, "outcome": step.outcome},
                }
            )
        for gate in verdict.gates:
            if gate.passed:
                continue
            rule_id = f"journey-{gate.name}"
            results.append(
                {
                    "ruleId": rule_id,
                    "ruleIndex": rule(rule_id),
                    "level": "error",
                    "message": {"text": f"journey {journey.id}: {gate.name}: {gate.detail}"},
                    "locations": [_location(journey.start, "")],
                    "properties": {"journey": journey.id},
                }
            )


def sarif_document(cards: Sequence[Scorecard], result: GateResult) -> dict[str, Any]:
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for card in cards:
        for dim in card.dimensions:
            for check in dim.checks:
                if check.check_id not in index:
                    index[check.check_id] = len(rules)
                    rules.append(_rule(check))
    results: list[dict[str, Any]] = []
    for card in cards:
        for f in card.iter_findings():
            if f.check_id not in index:  # a finding of a check the rubric no longer lists: still reported
                index[f.check_id] = len(rules)
                rules.append(
                    {
                        "id": f.check_id,
                        "shortDescription": {"text": f.title},
                        "helpUri": _uri(f.help_url or f"{INFORMATION_URI}#checks"),
                    }
                )
            results.append(_result(f, card, index[f.check_id], result))
    for entry in result.fixed:
        results.append(_absent(entry, index.get(entry.check_id)))
    _journey_results(result, rules, index, results)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "maturity",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "results": results,
        "invocations": [
            {
                "executionSuccessful": True,
                "properties": {
                    "gatesPassed": result.passed,
                    "gateFailures": [f.message for f in result.failures],
                },
            }
        ],
        "properties": {
            "targets": [c.target for c in cards],
            "rubric": [f"{c.rubric.id} {c.rubric.version}" for c in cards],
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(cards: Sequence[Scorecard], result: GateResult) -> str:
    """SARIF 2.1.0 JSON; json.dumps escapes every string (ASCII-only, so even lone surrogates survive)."""
    return json.dumps(sarif_document(cards, result), indent=2) + "\n"
