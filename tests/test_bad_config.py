"""Bad configuration through the real command line: one line naming the file and the key or line, exit 2.

Every case runs ``python -m maturity ...`` in a subprocess and checks the whole of stderr: exactly
one line, starting ``maturity: error:``, with the words that locate the mistake, and no traceback.
Nothing here reaches the network: each command fails on its input before it would crawl (the
audit URLs point at a closed port on 127.0.0.1 all the same).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(60)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


NOWHERE = f"http://127.0.0.1:{closed_port()}/"

GOOD_RUBRIC = """\
id: r
version: "1"
title: A rubric
levels:
  - {level: 1, name: Initial, min_score: 0}
  - {level: 2, name: Developing, min_score: 50}
dimensions:
  - id: content
    title: Content
    weight: 1
    goal: Is every page titled?
    parameters:
      - check: document-title
        weight: 1
"""

FILES: dict[str, str | bytes] = {
    "syntax.yaml": "id: r\nversion: 1\ntitle: [unclosed\n",
    "unknown-check.yaml": GOOD_RUBRIC.replace("check: document-title", "check: lcp"),
    "bad-weight.yaml": GOOD_RUBRIC.replace("weight: 1\n    goal", "weight: -3\n    goal"),
    "list.yaml": "- just\n- a list\n",
    "binary.yaml": b"\xff\xfe\x00\x01garbage\x00",
    "empty.yaml": "",
    "portfolio-url.yaml": "agencies:\n  - name: A\n    sites: [https://a.example/, notaurl]\n",
    "portfolio-key.yaml": "agencies:\n  - name: A\n    sites: [https://a.example/]\n    colour: red\n",
    "portfolio-syntax.yaml": "agencies:\n  - name: A\n    sites: [https://a.example/\n",
    "portfolio-dup.csv": "agency,url\nA,https://a.example/\n# a comment\nB,https://a.example/\n",
    "portfolio-column.csv": "agency,site\nA,https://a.example/\n",
    "attest-answer.yaml": "attestations:\n  - question: q\n    answer: maybe\n    date: 2026-01-01\n",
    "attest-key.yaml": "attestations:\n  - question: q\n    answer: yes\n    date: 2026-01-01\n    colour: red\n",
    "attest-syntax.yaml": "attestations: [unclosed\n",
    "attest-date.yaml": "attestations:\n  - question: q\n    answer: yes\n    date: someday\n",
    "maturity.yml": "gates:\n  budgets:\n    lcp: 2500\n",
    # the red-team list: inputs that once gave NaN figures or an "internal error"
    "inf-weight.yaml": GOOD_RUBRIC.replace("weight: 1\n    goal", "weight: 1e400\n    goal"),
    "nan-param.yaml": GOOD_RUBRIC.replace(
        "        weight: 1\n", "        weight: 1\n        params: {max_length: .nan}\n"
    ),
    "attest-month.yaml": "attestations:\n  - question: q\n    answer: yes\n    date: 2026-13-01\n",
    "attest-unasked.yaml": "attestations:\n  - question: no-such-question\n    answer: yes\n    date: 2026-01-01\n",
    "portfolio-inf.yaml": "settings: {page_timeout: .inf}\nagencies:\n  - name: A\n    sites: [https://a.example/]\n",
    "check-inf.yml": "max_retry_after: 1e999\n",
    "control.yaml": GOOD_RUBRIC.replace("check: document-title", 'check: "\\e[2J\\e[31mred"'),
    "deep.yaml": "a: " + "[" * 5000 + "]" * 5000 + "\n",
}

CASES: list[tuple[str, list[str], list[str]]] = [
    # rubric files, through every command that takes one
    ("rubric syntax", ["rubric", "validate", "syntax.yaml"], ["syntax.yaml: line 4, column 1", "invalid YAML"]),
    (
        "rubric unknown check",
        ["rubric", "validate", "unknown-check.yaml"],
        ["unknown-check.yaml: dimensions[0].parameters[0].check", "unknown check 'lcp'"],
    ),
    ("rubric bad weight", ["rubric", "validate", "bad-weight.yaml"], ["bad-weight.yaml: dimensions[0].weight"]),
    ("rubric not a mapping", ["rubric", "validate", "list.yaml"], ["list.yaml", "mapping"]),
    ("rubric not text", ["rubric", "validate", "binary.yaml"], ["binary.yaml", "not UTF-8"]),
    ("rubric empty", ["rubric", "validate", "empty.yaml"], ["empty.yaml", "mapping"]),
    ("rubric missing", ["rubric", "validate", "missing.yaml"], ["missing.yaml", "cannot read"]),
    ("audit --rubric", ["audit", NOWHERE, "--rubric", "syntax.yaml", "--db", "m.db"], ["syntax.yaml: line 4"]),
    ("rescore --rubric", ["rescore", "1", "--rubric", "unknown-check.yaml", "--db", "m.db"], ["unknown-check.yaml"]),
    # portfolio files
    (
        "portfolio bad url",
        ["portfolio", "validate", "portfolio-url.yaml"],
        ["portfolio-url.yaml: agencies[0].sites[1]", "not an http(s) URL: 'notaurl'"],
    ),
    (
        "portfolio unknown key",
        ["portfolio", "run", "portfolio-key.yaml", "--db", "m.db"],
        ["portfolio-key.yaml: agencies[0].colour", "unknown key"],
    ),
    (
        "portfolio syntax",
        ["portfolio", "run", "portfolio-syntax.yaml", "--db", "m.db"],
        ["portfolio-syntax.yaml: line"],
    ),
    (
        "portfolio duplicate site",
        ["portfolio", "validate", "portfolio-dup.csv"],
        ["portfolio-dup.csv: line 4, column url", "already listed on line 2"],
    ),
    ("portfolio missing column", ["portfolio", "validate", "portfolio-column.csv"], ["portfolio-column.csv: line 1"]),
    ("portfolio not text", ["portfolio", "validate", "binary.yaml"], ["binary.yaml", "not UTF-8"]),
    # attestation files, with an audit (before anything is crawled) and with a rescore
    (
        "audit --attestations",
        ["audit", NOWHERE, "--attestations", "attest-answer.yaml", "--db", "m.db"],
        ["attest-answer.yaml: attestations[0].answer"],
    ),
    (
        "rescore --attestations key",
        ["rescore", "1", "--attestations", "attest-key.yaml", "--db", "m.db"],
        ["attest-key.yaml: attestations[0].colour", "unknown key"],
    ),
    (
        "rescore --attestations syntax",
        ["rescore", "1", "--attestations", "attest-syntax.yaml", "--db", "m.db"],
        ["attest-syntax.yaml: line 2"],
    ),
    (
        "rescore --attestations date",
        ["rescore", "1", "--attestations", "attest-date.yaml", "--db", "m.db"],
        ["attest-date.yaml: attestations[0].date"],
    ),
    # URLs
    ("not a URL", ["audit", "notaurl", "--db", "m.db"], ["'notaurl'", "did you mean https://notaurl?"]),
    ("broken brackets", ["audit", "http://[::1", "--db", "m.db"], ["'http://[::1'"]),
    ("script URL", ["audit", "javascript:alert(1)", "--db", "m.db"], ["not an http(s) URL"]),
    ("bad port", ["audit", "http://127.0.0.1:99999/", "--db", "m.db"], ["bad port"]),
    ("no host", ["audit", "http://a..b/", "--db", "m.db"], ["'http://a..b/'"]),
    # database URLs
    ("unknown dialect", ["runs", "--db", "nosuch://x"], ["--db", "nosuch"]),
    ("bad port in db URL", ["runs", "--db", "postgresql://u:hunter2@127.0.0.1:notaport/x"], ["--db", "u:***@"]),
    ("sqlite without a file", ["runs", "--db", "sqlite://"], ["--db", "names no database file"]),
    ("audit with a bad db", ["audit", NOWHERE, "--db", "nosuch://x"], ["--db"]),
    ("negative retry cap", ["audit", NOWHERE, "--max-retry-after", "-1", "--db", "m.db"], ["--max-retry-after"]),
    # non-finite numbers, impossible dates, unasked questions, control characters, deep nesting
    (
        "rubric infinite weight",
        ["rubric", "validate", "inf-weight.yaml"],
        ["inf-weight.yaml: dimensions[0].weight", "finite"],
    ),
    (
        "rubric NaN parameter",
        ["rubric", "validate", "nan-param.yaml"],
        ["nan-param.yaml: dimensions[0].parameters[0].params.max_length", "finite"],
    ),
    (
        "attestation month 13",
        ["audit", NOWHERE, "--attestations", "attest-month.yaml", "--db", "m.db"],
        ["attest-month.yaml: attestations[0].date", "YYYY-MM-DD"],
    ),
    (
        "attestation not asked",
        ["audit", NOWHERE, "--attestations", "attest-unasked.yaml", "--db", "m.db"],
        ["attest-unasked.yaml: attestations[0].question", "asks no question 'no-such-question'"],
    ),
    (
        "portfolio infinite timeout",
        ["portfolio", "validate", "portfolio-inf.yaml"],
        ["portfolio-inf.yaml: settings.page_timeout", "finite"],
    ),
    (
        "check infinite cap",
        ["check", NOWHERE, "--config", "check-inf.yml"],
        ["check-inf.yml: max_retry_after", "finite"],
    ),
    ("infinite page timeout option", ["audit", NOWHERE, "--page-timeout", "inf", "--db", "m.db"], ["--page-timeout"]),
    ("control characters", ["rubric", "validate", "control.yaml"], ["\\x1b[2J\\x1b[31mred"]),
    ("nesting without end", ["rubric", "validate", "deep.yaml"], ["deep.yaml"]),
    # the CI config
    (
        "check config",
        ["check", NOWHERE, "--config", "maturity.yml"],
        ["maturity.yml: gates.budgets.lcp", "unknown key"],
    ),
]


def run_cli(workdir: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(workdir), "MATURITY_BROWSER": "/nonexistent"}
    return subprocess.run(
        [sys.executable, "-m", "maturity", *args], cwd=workdir, capture_output=True, text=True, timeout=60, env=env
    )


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every case, run at once (each is a separate process, a fraction of a second of imports)."""
    workdir = tmp_path_factory.mktemp("bad-config")
    for name, content in FILES.items():
        path = workdir / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = {name: pool.submit(run_cli, workdir, args) for name, args, _ in CASES}
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize(("name", "words"), [(name, words) for name, _, words in CASES], ids=[c[0] for c in CASES])
def test_bad_configuration_is_one_line_and_exit_2(results, name: str, words: list[str]) -> None:
    proc = results[name]
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert len(lines) == 1 and lines[0].startswith("maturity: error: "), proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert "hunter2" not in proc.stderr  # a password in a database URL is never repeated
    assert "\x1b" not in proc.stderr  # control characters from a file never reach the terminal raw


def test_the_safety_options_reach_the_audit(monkeypatch, tmp_path: Path) -> None:
    from click.testing import CliRunner

    import maturity.run.audit
    from maturity.cli import cli

    seen = []

    def fake_audit(settings, *args, **kwargs):
        seen.append(settings)
        raise SystemExit(0)

    monkeypatch.setattr(maturity.run.audit, "audit", fake_audit)
    db = f"sqlite:///{tmp_path / 'm.db'}"
    runner = CliRunner()
    runner.invoke(cli, ["audit", NOWHERE, "--allow-private", "--max-retry-after", "0.5", "--db", db])
    runner.invoke(cli, ["audit", NOWHERE, "--db", db])
    assert [(s.allow_private, s.max_retry_after) for s in seen] == [(True, 0.5), (False, 30.0)]
