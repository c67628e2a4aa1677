"""A Markdown summary of a ``maturity check``, for a CI job summary (``$GITHUB_STEP_SUMMARY``) or a comment.

Pure: scorecards and a :class:`GateResult` in, a string out. Text from the site (titles, URLs,
selectors, snippets) is escaped for GitHub Flavored Markdown (https://github.github.com/gfm/):
each character with an inline meaning is backslash-escaped (any ASCII punctuation may be, §2.4),
so no markup, link or raw HTML can be injected; selectors and ids go in code spans whose backtick
fence is longer than any run of backticks inside (§6.3); ``|`` is escaped inside table cells,
including in code spans (§4.10).
Lists are capped so the summary stays well under GitHub's 1 MiB limit for a step summary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from maturity.core.gates import GateResult
from maturity.core.model import Outcome
from maturity.core.scoring import Finding, Scorecard

MAX_ITEMS = 50
# The characters with a meaning inside a line of GFM: emphasis, code, links and images, raw HTML and
# entities, tables, strikethrough, math ($) and mentions (@). Lines never start with site text.
_PUNCT = re.compile(r"([\\`*_\[\]<>&|~!$@])")
_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def _flat(text: object) -> str:
    return " ".join(_CONTROL.sub(" ", str(text)).split())


def md(text: object) -> str:
    """Plain text, safe anywhere in a Markdown line or table cell."""
    return _PUNCT.sub(r"\\\1", _flat(text))


def code(text: object) -> str:
    """An inline code span that cannot be closed early, safe in a table cell."""
    body = _flat(text).replace("|", "\\|")
    if not body:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if body.startswith("`") or body.endswith("`") or longest else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _site(card: Scorecard) -> list[str]:
    level = f"Level {card.level} · {md(card.level_name or '')}" if card.level else "Not assessable"
    lines = [
        f"### {md(card.target)}",
        "",
        f"{level}, overall score {_score(card.overall)}"
        + ("" if card.complete or card.overall is None else " (incomplete: some checks could not run)")
        + f" under rubric {md(card.rubric.id)} {md(card.rubric.version)}"
        + f"; {card.assessable_pages} of {len(card.pages)} pages assessed.",
        "",
        "| dimension | score | failing checks | note |",
        "|---|---:|---:|---|",
    ]
    for d in card.dimensions:
        failing = sum(1 for c in d.checks if c.outcome == Outcome.FAIL)
        note = "not assessable" if d.score is None else ("incomplete" if d.incomplete else "")
        figure = _score(d.score) + (" (incomplete)" if d.incomplete and d.score is not None else "")
        lines.append(f"| {md(d.title)} | {figure} | {failing} | {note} |")
    lines.append("")
    return lines


def _gates(result: GateResult) -> list[str]:
    if not result.evaluated:
        return ["No gates are configured: the check passes whatever it finds.", ""]
    lines = ["### Gates", "", "| gate | result | first failure |", "|---|---|---|"]
    for gate in result.evaluated:
        failed = result.failures_of(gate)
        status = f"❌ {len(failed)} failure{'s' if len(failed) != 1 else ''}" if failed else "✅ pass"
        lines.append(f"| {code(gate)} | {status} | {md(failed[0].message) if failed else ''} |")
    lines.append("")
    if result.failures:
        lines += ["#### Gate failures", ""]
        for f in result.failures[:MAX_ITEMS]:
            lines.append(f"- {code(f.gate)} {md(f.message)}")
        if len(result.failures) > MAX_ITEMS:
            lines.append(f"- … and {len(result.failures) - MAX_ITEMS} more")
        lines.append("")
    return lines


def _finding_rows(findings: Sequence[Finding]) -> list[str]:
    lines = ["| check | page | element | impact | what is wrong |", "|---|---|---|---|---|"]
    for f in findings[:MAX_ITEMS]:
        lines.append(
            f"| {code(f.check_id)} | {md(f.url or 'the site')} | {code(f.selector)} | {md(f.impact or '')} | "
            f"{md(f.title)} |"
        )
    if len(findings) > MAX_ITEMS:
        lines.append(f"| … | {len(findings) - MAX_ITEMS} more | | | |")
    return [*lines, ""]


def render_markdown(cards: Sequence[Scorecard], result: GateResult) -> str:
    verdict = "✅ passed" if result.passed else "❌ failed"
    lines = [f"## maturity check {verdict}", ""]
    for card in cards:
        lines += _site(card)
    lines += _gates(result)
    if result.baseline_used:
        lines += [
            f"### Baseline: {len(result.new_findings)} new, {len(result.accepted)} accepted, {len(result.fixed)} fixed",
            "",
        ]
        if result.new_findings:
            lines += ["#### New findings", "", *_finding_rows(result.new_findings)]
        if result.fixed:
            lines += ["#### Fixed since the baseline", ""]
            for e in result.fixed[:MAX_ITEMS]:
                where = f" at {code(e.selector)}" if e.selector else ""
                lines.append(f"- {code(e.check_id)} on {md(e.url or 'the site')}{where}")
            if len(result.fixed) > MAX_ITEMS:
                lines.append(f"- … and {len(result.fixed) - MAX_ITEMS} more")
            lines.append("")
    else:
        findings = [f for c in cards for f in c.iter_findings()]
        if findings:
            lines += [f"### Findings ({len(findings)})", "", *_finding_rows(findings)]
    if result.notes:
        lines += ["### Notes", ""]
        lines += [f"- {md(n)}" for n in result.notes[:MAX_ITEMS]]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
