"""JUnit XML for CI systems: a testsuite per dimension, a testcase per check, plus one for the gates.

Pure: scorecards and a :class:`GateResult` in, a string out. The element and attribute names
follow the de-facto JUnit XML format that Jenkins, GitLab and most CI servers read (testsuites >
testsuite > testcase, with ``failure``, ``error``, ``skipped`` and ``system-out`` children; see
https://github.com/testmoapp/junitxml and https://llg.cubic.org/docs/junit/).

A check's testcase fails when the check has findings the baseline does not accept (without a
baseline: any finding); each finding is listed with its page, selector and detail. A check that
could not run is an ``error``; one that applied to no page is ``skipped``. The ``gates``
testsuite has one testcase per configured gate.

Everything is built with ElementTree (which escapes markup) after removing the characters XML 1.0
cannot carry at all (control characters, lone surrogates), so hostile titles, URLs and snippets
stay well-formed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Sequence

from maturity.core.gates import GateResult
from maturity.core.model import Outcome
from maturity.core.scoring import CheckSummary, Finding, Scorecard

MAX_FINDINGS_PER_CHECK = 100

# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
# (https://www.w3.org/TR/xml/#charsets); anything else cannot appear even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: object) -> str:
    return _NOT_XML.sub("\ufffd", str(value))


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_text(text)
    return el


def _finding_lines(f: Finding) -> str:
    lines = [f"page: {f.url or '(site)'}"]
    if f.selector:
        lines.append(f"selector: {f.selector}")
    if f.snippet:
        lines.append(f"snippet: {f.snippet}")
    if f.detail:
        lines.append(f"detail: {f.detail}")
    if f.impact:
        lines.append(f"impact: {f.impact}")
    lines.append(f"fingerprint: {f.fingerprint}")
    return "\n".join(lines)


def _listing(findings: Sequence[Finding]) -> str:
    shown = [_finding_lines(f) for f in findings[:MAX_FINDINGS_PER_CHECK]]
    if len(findings) > MAX_FINDINGS_PER_CHECK:
        shown.append(f"... and {len(findings) - MAX_FINDINGS_PER_CHECK} more")
    return "\n\n".join(shown)


def _testcase(
    suite: ET.Element, dim_id: str, check: CheckSummary, findings: list[Finding], result: GateResult
) -> tuple[int, int, int]:
    """Add one check's testcase; return (failures, errors, skipped) it adds."""
    case = _el(suite, "testcase", classname=f"maturity.{dim_id}", name=check.check_id, time="0")
    accepted = set(result.accepted)
    counted = [f for f in findings if f.fingerprint not in accepted]
    kept = [f for f in findings if f.fingerprint in accepted]
    if check.outcome == Outcome.FAIL and counted:
        pages = len({f.url for f in counted})
        what = "new finding" if result.baseline_used else "finding"
        message = f"{check.failure_title}: {len(counted)} {what}{'s' if len(counted) != 1 else ''} on {pages} page"
        message += "s" if pages != 1 else ""
        _el(case, "failure", _listing(counted), message=message, type="finding")
        outcome = (1, 0, 0)
    elif check.outcome == Outcome.ERROR:
        reason = "; ".join(check.error_messages) or "the check could not run"
        _el(case, "error", reason, message=f"could not run: {reason}", type="error")
        outcome = (0, 1, 0)
    elif check.outcome == Outcome.NOT_APPLICABLE:
        _el(case, "skipped", message="not applicable to any audited page")
        outcome = (0, 0, 1)
    else:
        outcome = (0, 0, 0)
    out = []
    if check.outcome == Outcome.FAIL and not counted and not kept:
        out.append(f"{check.failure_title} ({check.failed} page(s)), with no finding listed")
    if kept:
        out.append(f"{len(kept)} finding(s) accepted by the baseline:\n\n{_listing(kept)}")
    if check.errors and check.outcome != Outcome.ERROR:
        out.append("could not run on some pages: " + "; ".join(check.error_messages))
    if out:
        _el(case, "system-out", "\n\n".join(out))
    return outcome


def _gates_suite(root: ET.Element, result: GateResult) -> tuple[int, int]:
    suite = _el(root, "testsuite", name="gates", tests=len(result.evaluated))
    failures = 0
    for gate in result.evaluated:
        case = _el(suite, "testcase", classname="maturity.core.gates", name=gate, time="0")
        failed = result.failures_of(gate)
        if failed:
            failures += 1
            _el(
                case,
                "failure",
                "\n".join(f.message for f in failed),
                message=f"{len(failed)} failure{'s' if len(failed) != 1 else ''}: {failed[0].message}",
                type=gate,
            )
        if gate == "baseline" and result.fixed:
            fixed = "\n".join(f"fixed: {e.check_id} on {e.url or '(site)'} {e.selector}".rstrip() for e in result.fixed)
            _el(case, "system-out", fixed)
    for key, value in (("failures", failures), ("errors", 0), ("skipped", 0)):
        suite.set(key, str(value))
    return len(result.evaluated), failures


def render_junit(cards: Sequence[Scorecard], result: GateResult) -> str:
    """JUnit XML of one or more scorecards and the gate result."""
    root = ET.Element("testsuites", {"name": "maturity check"})
    totals = [0, 0, 0, 0]  # tests, failures, errors, skipped
    for card in cards:
        by_check: dict[str, list[Finding]] = defaultdict(list)
        for f in card.iter_findings():
            by_check[f.check_id].append(f)
        for dim in card.dimensions:
            name = dim.id if len(cards) == 1 else f"{dim.id} ({card.target})"
            suite = _el(root, "testsuite", name=name, tests=len(dim.checks))
            props = _el(suite, "properties")
            _el(props, "property", name="target", value=card.target)
            _el(props, "property", name="score", value="n/a" if dim.score is None else f"{dim.score:g}")
            _el(props, "property", name="rubric", value=f"{card.rubric.id} {card.rubric.version}")
            counts = [0, 0, 0]
            for check in dim.checks:
                added = _testcase(suite, dim.id, check, by_check.get(check.check_id, []), result)
                counts = [a + b for a, b in zip(counts, added, strict=True)]
            for key, value in zip(("failures", "errors", "skipped"), counts, strict=True):
                suite.set(key, str(value))
            totals[0] += len(dim.checks)
            for i, value in enumerate(counts, start=1):
                totals[i] += value
    tests, failures = _gates_suite(root, result)
    totals[0] += tests
    totals[1] += failures
    from reports.journey_junit import journey_suite  # here: that module takes xml_text from this one

    for verdict in result.journeys:  # a testsuite per journey: a testcase per step and per gate
        tests, failures, skipped = journey_suite(root, verdict.result, verdict.gates)
        totals[0] += tests
        totals[1] += failures
        totals[3] += skipped
    for key, value in zip(("tests", "failures", "errors", "skipped"), totals, strict=True):
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
