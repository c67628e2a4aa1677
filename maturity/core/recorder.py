"""Chrome DevTools Recorder exports (their JSON ``UserFlow``) converted into journey files.

People record a task in Chrome (DevTools, Recorder panel, "Export as JSON") rather than write it.
The export lists steps (``navigate``, ``click``, ``change``, ``keyDown``, ``waitForElement``, ...),
each with alternative selectors: ``aria/Name[role="button"]``, ``text/...``, CSS, XPath and
``pierce/...`` (the format is puppeteer/replay's ``Schema.ts``). We keep what a person would
find: role and accessible name first, visible text next, CSS last; XPath and pierce selectors
are dropped. What has no journey equivalent (viewport, scroll, hover, key up, custom steps) is
left out and listed, and a typed value in a field that looks like a password becomes a secret.

Pure: JSON in, YAML text and notes out.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import yaml

from maturity.core.journey import parse_journey, valid_key
from maturity.kernel.errors import ConfigError

_ARIA = re.compile(r'^aria/(?P<name>.*?)(?:\[role="(?P<role>[a-z]+)"\])?$')
_SKIPPED = ("setViewport", "scroll", "hover", "keyUp", "emulateNetworkConditions", "close", "customStep")
_SECRET_FIELD = re.compile(r"passw|pwd|passcode|\bpin\b|secret|token", re.IGNORECASE)


def _selectors(step: dict[str, Any]) -> list[str]:
    """The step's selectors that point at the element itself (a list's last entry; no shadow paths)."""
    out = []
    for sel in step.get("selectors") or []:
        if isinstance(sel, list):
            if len(sel) != 1:  # a path through frames or shadow roots: not a person's way of finding it
                continue
            sel = sel[0]
        if isinstance(sel, str) and sel:
            out.append(sel)
    return out


def target_of(selectors: list[str]) -> dict[str, str] | None:
    """The best journey target among a step's selectors: role and name, then text, then CSS."""
    aria = [m for m in (_ARIA.match(s) for s in selectors if s.startswith("aria/")) if m and m["name"]]
    for m in aria:
        if m["role"]:
            return {"role": m["role"], "name": m["name"]}
    texts = [s[len("text/") :] for s in selectors if s.startswith("text/") and len(s) > 5]
    if texts:
        return {"text": texts[0]}
    if aria:
        return {"text": aria[0]["name"]}  # an accessible name without a role: found as text
    css = [s for s in selectors if not s.startswith(("xpath/", "pierce/", "aria/", "text/"))]
    return {"css": css[0]} if css else None


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]
    return slug or "recorded-journey"


def from_recording(data: Any, source: str) -> tuple[str, list[str]]:
    """A Recorder export -> (the journey file's YAML text, notes on what was changed or left out).

    The text is validated as a journey before it is returned."""
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise ConfigError(source, "not a Chrome DevTools Recorder export (a JSON object with title and steps)")
    notes: list[str] = []
    start: str | None = None
    hosts: list[str] = []
    steps: list[dict[str, Any]] = []
    secrets = 0
    for i, step in enumerate(data["steps"]):
        kind = step.get("type") if isinstance(step, dict) else None
        where = f"recorded step {i + 1} ({kind})"
        if kind in _SKIPPED:
            if kind not in ("setViewport", "keyUp"):  # every recording has these; nothing is lost
                notes.append(f"{where}: left out (no journey equivalent)")
            continue
        if step.get("target", "main") != "main" or step.get("frame"):
            notes.append(f"{where}: left out (it acts in another tab or a frame)")
            continue
        if kind == "navigate":
            url = str(step.get("url") or "")
            if start is None:
                start = url
                continue
            steps.append({"goto": url})
        elif kind in ("click", "doubleClick", "change", "waitForElement"):
            selectors = _selectors(step)
            target = target_of(selectors)
            if target is None:
                notes.append(f"{where}: left out (no selector a person could follow)")
                continue
            if "css" in target:
                notes.append(f"{where}: found by CSS {target['css']!r}; a role and name would be sturdier")
            if kind == "change":
                value = str(step.get("value") or "")
                if any(_SECRET_FIELD.search(s) for s in selectors):
                    secrets += 1
                    name = "PASSWORD" if secrets == 1 else f"PASSWORD_{secrets}"
                    notes.append(
                        f"{where}: the typed value looks like a password: it became ${{secret:{name}}} "
                        f"(set MATURITY_SECRET_{name}; delete the recording, which holds it in clear)"
                    )
                    value = f"${{secret:{name}}}"
                steps.append({"fill": target, "value": value})
            elif kind == "waitForElement":
                steps.append({"wait_for": target})
            else:
                steps.append({"click": target})
        elif kind == "keyDown":
            key = str(step.get("key") or "")
            key = {"\r": "Enter", "\n": "Enter", " ": "Space"}.get(key, key)
            if not valid_key(key) or key in ("Shift", "Control", "Alt", "Meta"):
                notes.append(f"{where}: key {key!r} left out")
                continue
            steps.append({"press": key})
        else:
            notes.append(f"{where}: left out (unknown step type)")
            continue
        for event in step.get("assertedEvents") or []:
            if isinstance(event, dict) and event.get("type") == "navigation" and event.get("url") and steps:
                parts = urlsplit(str(event["url"]))
                expected = parts.path + (f"?{parts.query}" if parts.query else "")
                if expected and "goto" not in steps[-1]:
                    steps[-1]["expect"] = {"url": expected}
    if start is None:
        raise ConfigError(source, "the recording has no navigate step, so the journey has no start")
    start_host = (urlsplit(start).hostname or "").lower()
    for step in steps:
        host = (urlsplit(step["goto"]).hostname or "").lower() if "goto" in step else ""
        if host and host != start_host and host not in hosts:
            hosts.append(host)
    if not steps:
        raise ConfigError(source, "the recording has no step a journey can replay")
    title = str(data.get("title") or "Recorded journey")
    journey: dict[str, Any] = {
        "id": _slug(title),
        "title": title,
        "service": start_host,
        "start": start,
    }
    if hosts:
        journey["hosts"] = hosts
    journey["steps"] = steps
    head = (
        f"# Converted from the Chrome DevTools Recorder export {source}.\n"
        "# Check `service`, add `expect:` where a step should lead somewhere, and add\n"
        "# `submit: allowed` to any step that may send something (journeys stop before that).\n"
    )
    text = head + yaml.safe_dump(journey, sort_keys=False, allow_unicode=True, width=100)
    parse_journey(text, f"{source} (converted)")  # what we write must be a valid journey
    return text, notes
