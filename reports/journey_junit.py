"""JUnit XML for journeys: a testsuite per journey, a testcase per step, and one per gate.

Pure: journey results and their gates in, a string out (the same JUnit dialect and escaping as
:mod:`reports.junit`). A step that failed or stopped before a submit is a ``failure``; one that
was not assessable (a person was needed) or not reached is ``skipped``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from maturity.core.journey import JourneyGate, JourneyResult
from reports.junit import xml_text


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_text(text)
    return el


def journey_suite(root: ET.Element, result: JourneyResult, gates: Sequence[JourneyGate]) -> tuple[int, int, int]:
    """Add one journey's testsuite (a testcase per step, one per gate); return (tests, failures, skipped)."""
    suite = _el(root, "testsuite", name=f"journey {result.id}: {result.title}")
    counts = {"tests": 0, "failures": 0, "skipped": 0}
    for step in result.steps:
        seconds = (step.ms_median or 0) / 1000
        case = _el(
            suite,
            "testcase",
            name=f"step {step.index}: {step.description}",
            classname=result.id,
            time=f"{seconds:.3f}",
        )
        counts["tests"] += 1
        if step.outcome in ("failed", "refused"):
            counts["failures"] += 1
            _el(case, "failure", step.reason, message=step.reason[:300], type=step.outcome)
        elif step.outcome in ("not_assessable", "not_reached"):
            counts["skipped"] += 1
            _el(case, "skipped", message=step.reason[:300] or step.outcome.replace("_", " "))
        if step.axe is not None and step.axe.violations:
            _el(case, "system-out", "axe-core: " + ", ".join(sorted(step.axe.violations)))
    for gate in gates:
        case = _el(suite, "testcase", name=f"gate: {gate.name}", classname=result.id)
        counts["tests"] += 1
        if not gate.passed:
            counts["failures"] += 1
            _el(case, "failure", gate.detail, message=gate.detail[:300], type="gate")
    for key, value in counts.items():
        suite.set(key, str(value))
    return counts["tests"], counts["failures"], counts["skipped"]


def journeys_junit(results: Sequence[tuple[JourneyResult, list[JourneyGate]]]) -> str:
    root = ET.Element("testsuites", {"name": "maturity journeys"})
    total = failures = skipped = 0
    for result, gates in results:
        tests, failed, skips = journey_suite(root, result, gates)
        total += tests
        failures += failed
        skipped += skips
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("skipped", str(skipped))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
