"""GitHub Actions annotations: workflow commands printed to stdout (``::error file=…,title=…::message``).

Pure: scorecards and a :class:`GateResult` in, a string out (the CLI prints it when
``GITHUB_ACTIONS=true``). The format and its escaping are GitHub's: "Workflow commands for GitHub
Actions" (https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions) and
the toolkit's ``packages/core/src/command.ts``, where the message escapes ``%``, ``\\r`` and
``\\n`` (``%25``, ``%0D``, ``%0A``) and property values also escape ``:`` and ``,`` (``%3A``, ``%2C``).

Each gate failure is an ``error``; findings the gates did not fail on (accepted by the baseline are
left out) are ``warning``s, and findings fixed since the baseline are ``notice``s. Annotations point
at ``file`` (the config file, when there is one in the repository) because a page URL is not a file
of the repository; the URL is in the title and message. GitHub shows a limited number of
annotations per step, so the list is capped, errors first.
"""

from __future__ import annotations

from collections.abc import Sequence

from maturity.core.gates import GateResult
from maturity.core.scoring import Scorecard

MAX_ANNOTATIONS = 50


def escape_data(text: object) -> str:
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: object) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties: str | None) -> str:
    props = ",".join(f"{k}={escape_property(v)}" for k, v in properties.items() if v)
    return f"::{kind}{' ' + props if props else ''}::{escape_data(message)}"


def render_annotations(cards: Sequence[Scorecard], result: GateResult, *, file: str | None = None) -> str:
    lines: list[str] = []
    for f in result.failures:
        where = f" ({f.url})" if f.url and f.url not in f.message else ""
        title = f"maturity: {f.gate}" + (f" {f.check_id}" if f.check_id else "")
        lines.append(command("error", f"{f.message}{where}", file=file, title=title))
    failing = {f.fingerprint for f in result.failures if f.fingerprint}
    accepted = set(result.accepted)
    for card in cards:
        for finding in card.iter_findings():
            if finding.fingerprint in failing or finding.fingerprint in accepted:
                continue
            where = f" at {finding.selector}" if finding.selector else ""
            detail = f": {finding.detail}" if finding.detail else ""
            lines.append(
                command(
                    "warning",
                    f"{finding.title} on {finding.url or card.target}{where}{detail}",
                    file=file,
                    title=f"maturity: {finding.check_id}",
                )
            )
    for entry in result.fixed:
        lines.append(
            command(
                "notice",
                f"fixed since the baseline: {entry.check_id} on {entry.url or 'the site'} {entry.selector}".rstrip(),
                file=file,
                title=f"maturity: fixed {entry.check_id}",
            )
        )
    if len(lines) > MAX_ANNOTATIONS:
        dropped = len(lines) - MAX_ANNOTATIONS
        lines = [*lines[:MAX_ANNOTATIONS], command("notice", f"{dropped} more annotations left out; see the reports")]
    return "".join(line + "\n" for line in lines)
