"""Attestation files: an agency's answers to the questions no crawler can answer.

A rubric asks such questions as parameters (``question: analytics-reviewed`` with its
``text``); an agency answers them in a YAML file given to ``maturity audit --attestations
FILE`` (or ``maturity rescore RUN --attestations FILE``). The file is attached to the crawl
as part of the site facts, so every later rescoring sees the same answers::

    agency: Columbia Department of Natural Resources     # optional
    attestations:
      - question: analytics-reviewed      # the id the rubric asks
        answer: yes                       # yes / no, or a score from 0 to 1
        evidence: https://intranet.example/analytics-review-2026-10.pdf
        date: 2026-10-01                  # when it was answered
        expires: 2027-10-01               # optional; else the rubric question's valid_days
        by: Jane Doe, digital services lead   # optional
        note: Monthly review with the web team.   # optional

Loading validates the whole file; every error names the file and the key path, like
rubric errors. Judging an answer (missing, expired, yes, no, a score) is the job of the
``attest/<question>`` check in :mod:`maturity.core.checks.attestations`: a missing or expired
answer is an *error* (the dimension is incomplete), never a silent zero.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

from maturity.core.configfile import load_yaml
from maturity.core.model import Attestation, AttestationSet
from maturity.kernel.errors import ConfigError

QUESTION_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_TOP_KEYS = {"agency", "attestations"}
_ITEM_KEYS = {"question", "answer", "evidence", "date", "expires", "by", "note"}


def load_attestations(path: str | Path, *, now: dt.datetime | None = None) -> AttestationSet:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ConfigError(str(p), f"cannot read attestation file: {exc.strerror or exc}") from None
    return parse_attestations(data, str(p), now=now)


def parse_attestations(data: bytes, source: str, *, now: dt.datetime | None = None) -> AttestationSet:
    """Validate an attestation file; ``now`` stamps when it was attached (defaults to the current time)."""
    raw = load_yaml(data, source, "attestation file")
    if not isinstance(raw, dict) or not isinstance(raw.get("attestations"), list):
        raise ConfigError(source, "an attestation file is a mapping with a list under 'attestations'")
    extra = sorted(set(map(str, raw)) - _TOP_KEYS)
    if extra:
        raise ConfigError(source, "unknown key", extra[0])
    items: list[Attestation] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(raw["attestations"]):
        key = f"attestations[{i}]"
        item = _attestation(entry, source, key)
        if item.question in seen:
            raise ConfigError(source, f"question {item.question!r} is already answered at {seen[item.question]}", key)
        seen[item.question] = key
        items.append(item)
    stamp = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    return AttestationSet(
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
        agency=str(raw.get("agency") or ""),
        attached_at=stamp,
        attestations=items,
    )


def _attestation(entry: Any, source: str, key: str) -> Attestation:
    if not isinstance(entry, dict):
        raise ConfigError(source, "each attestation is a mapping (question, answer, date, ...)", key)
    extra = sorted(set(map(str, entry)) - _ITEM_KEYS)
    if extra:
        raise ConfigError(source, "unknown key", f"{key}.{extra[0]}")
    for required in ("question", "answer", "date"):
        if entry.get(required) is None:
            raise ConfigError(source, "required key is missing", f"{key}.{required}")
    question = entry["question"]
    if not isinstance(question, str) or not QUESTION_ID.match(question):
        raise ConfigError(source, "a question id is lower-case words joined by hyphens", f"{key}.question")
    answer = _answer(entry["answer"], source, f"{key}.answer")
    date = _date(entry["date"], source, f"{key}.date")
    expires = _date(entry["expires"], source, f"{key}.expires") if entry.get("expires") is not None else None
    if expires is not None and expires < date:
        raise ConfigError(source, f"expires ({expires}) is before the answer's date ({date})", f"{key}.expires")
    texts = {}
    for name in ("evidence", "by", "note"):
        value = entry.get(name)
        if value is not None and not isinstance(value, str):
            raise ConfigError(source, "must be text", f"{key}.{name}")
        texts[name] = (value or "").strip()
    return Attestation(
        question=question,
        answer=answer,
        date=date.isoformat(),
        expires=expires.isoformat() if expires else None,
        **texts,
    )


def _answer(value: Any, source: str, key: str) -> bool | float:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("yes", "no", "true", "false"):
        return value.strip().lower() in ("yes", "true")
    if isinstance(value, int | float) and 0 <= value <= 1:
        return float(value)
    raise ConfigError(source, "answer yes or no, or give a score from 0 to 1", key)


def _date(value: Any, source: str, key: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise ConfigError(source, "give a date as YYYY-MM-DD", key)


def check_against_rubric(attested: AttestationSet, rubric_id: str, questions: list[str]) -> None:
    """An answer to a question the rubric does not ask is an error naming it (a misspelt id would
    otherwise leave the real question unanswered without a word)."""
    asked = set(questions)
    for i, answer in enumerate(attested.attestations):
        if answer.question not in asked:
            known = ", ".join(sorted(asked)) or "none"
            raise ConfigError(
                attested.source or "attestations",
                f"rubric {rubric_id} asks no question {answer.question!r} (it asks: {known})",
                f"attestations[{i}].question",
            )
