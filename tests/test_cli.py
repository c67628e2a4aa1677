"""The command line as a user meets it: exit codes and one-line messages (offline, no browser)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from factories import ORIGIN, document, page, site

from maturity.store import Store


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "maturity", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)},
    )


def assert_one_line_error(proc: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("maturity: error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    for word in words:
        assert word in lines[0], lines[0]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def stored_run(tmp_path) -> tuple[str, int]:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    store = Store(db)
    crawl_id = store.begin_crawl(f"{ORIGIN}/", settings={}, tool_version="t")
    store.set_site(crawl_id, site(), 2)
    store.add_page(crawl_id, page())
    store.add_page(crawl_id, page(f"{ORIGIN}/b", document=document(url=f"{ORIGIN}/b", lang=None)))
    store.finish_crawl(crawl_id)
    return db, crawl_id


@pytest.mark.parametrize("url", ["example.gov", "ftp://example.gov/", "http://", "https://exa mple.gov:99999/"])
def test_bad_url_exits_2(tmp_path, url):
    assert_one_line_error(cli("audit", url, cwd=tmp_path), 2, "URL")


def test_unreachable_site_exits_3(tmp_path):
    proc = cli("audit", f"http://127.0.0.1:{closed_port()}/", "--db", str(tmp_path / "m.db"), cwd=tmp_path)
    assert_one_line_error(proc, 3, "127.0.0.1")


def test_bad_rubric_exits_2_naming_file_and_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: '1'\ntitle: t\nlevels: []\ndimensions: []\n")
    for proc in (
        cli("audit", "http://127.0.0.1:9/", "--rubric", str(bad), cwd=tmp_path),
        cli("rubric", "validate", str(bad), cwd=tmp_path),
    ):  # both problems, a line each, each naming the file and its key
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert proc.stderr.strip().splitlines() == [
            f"maturity: error: {bad}: levels: list at least one entry",
            f"maturity: error: {bad}: dimensions: list at least one entry",
        ]


def test_bad_database_url_exits_2_and_unavailable_exits_3(tmp_path):
    assert_one_line_error(cli("runs", "--db", "nosuchdialect://x", cwd=tmp_path), 2, "--db")
    proc = cli("runs", "--db", "postgresql+psycopg://nobody:secret@127.0.0.1:1/none", cwd=tmp_path)
    assert_one_line_error(proc, 3, "database unavailable")
    assert "secret" not in proc.stderr


def test_unknown_option_exits_2(tmp_path):
    proc = cli("audit", "--max-pagez", "3", "http://127.0.0.1:9/", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_every_help_page_names_real_defaults_once(tmp_path):
    """Each command's --help: no unresolved default (a settings factory shown as PydanticUndefined), no
    doubled percent sign, and no option that states its default twice."""
    import re

    from click.testing import CliRunner

    from maturity.cli import cli as main

    runner = CliRunner()
    commands = [[]] + [[name] for name in main.commands]
    commands += [[name, sub] for name, group in main.commands.items() for sub in getattr(group, "commands", {})]
    for args in commands:
        result = runner.invoke(main, [*args, "--help"], terminal_width=200)
        assert result.exit_code == 0, (args, result.output)
        text = result.output
        assert "PydanticUndefined" not in text and "%%" not in text, (args, text)
        for option in re.split(r"\n  (?=-)", text):
            assert option.count("[default:") <= 1, (args, option)
    audit = runner.invoke(main, ["audit", "--help"], terminal_width=200).output
    assert re.search(r"--concurrency .*\[default: \d+ on this machine\]", audit), audit


def test_runs_rescore_and_report_need_no_browser_or_network(tmp_path, stored_run):
    db, crawl_id = stored_run
    out = tmp_path / "out"
    listed = cli("runs", "--db", db, "--json", cwd=tmp_path)
    assert listed.returncode == 0
    assert [json.loads(line)["site"] for line in listed.stdout.splitlines()] == [f"{ORIGIN}/"]
    piped = cli("runs", "--db", db, cwd=tmp_path).stdout  # one fact per line when piped, none over 80 columns
    assert f"run {crawl_id}  finished" in piped and f"    {ORIGIN}/" in piped
    assert all(len(line) <= 80 for line in piped.splitlines())
    catalogue = cli("checks", cwd=tmp_path).stdout.splitlines()
    assert "skip-link  (accessibility, page check)" in catalogue
    assert not any(c in "".join(catalogue) for c in "┏┃│")  # no box drawn and folded in a pipe
    rescored = cli("rescore", str(crawl_id), "--db", db, "--out", str(out), cwd=tmp_path)
    assert rescored.returncode == 0, rescored.stderr
    report = json.loads((out / f"run-{crawl_id}" / "scorecard.json").read_text())
    assert report["schema"] == "maturity/scorecard" and report["scorecard"]["rubric"]["id"] == "default"
    (out / f"run-{crawl_id}" / "index.html").unlink()
    again = cli("report", str(crawl_id), "--db", db, "--out", str(out), cwd=tmp_path)
    assert again.returncode == 0 and (out / f"run-{crawl_id}" / "index.html").is_file()
    assert len(Store(db).scorings(crawl_id)) == 1  # report renders, it does not score again


def test_report_of_unknown_run_exits_2(tmp_path, stored_run):
    db, _ = stored_run
    assert_one_line_error(cli("report", "99", "--db", db, cwd=tmp_path), 2, "no run 99")


def test_missing_browser_exits_3(tmp_path):
    from sites import SiteServer, html

    with SiteServer({"/": html("Home page of the fixture", "<h1>Home</h1>")}) as server:
        proc = cli(
            "audit", server.url("/"), "--browser", "/nonexistent/chrome", "--db", str(tmp_path / "m.db"), cwd=tmp_path
        )
    assert_one_line_error(proc, 3, "browser not found", "apt-get install chromium")


def test_checks_and_rubric_explain_list_the_catalogue(tmp_path):
    checks = cli("checks", cwd=tmp_path)
    assert checks.returncode == 0 and "skip-link" in checks.stdout and "WCAG" in checks.stdout
    explain = cli("rubric", "explain", "default", cwd=tmp_path)
    assert explain.returncode == 0 and "Optimised" in explain.stdout and "goal" in explain.stdout


def test_schema_describes_the_json_report(tmp_path, stored_run):
    import jsonschema

    db, crawl_id = stored_run
    schema = json.loads(cli("schema", cwd=tmp_path).stdout)
    out = tmp_path / "out"
    assert cli("rescore", str(crawl_id), "--db", db, "--out", str(out), cwd=tmp_path).returncode == 0
    jsonschema.validate(json.loads((out / f"run-{crawl_id}" / "scorecard.json").read_text()), schema)


def test_idea_rubric_and_attestations_on_the_command_line(tmp_path, stored_run):
    db, crawl_id = stored_run
    assert cli("rubric", "validate", "idea-act", cwd=tmp_path).returncode == 0
    explain = cli("rubric", "explain", "idea-act", cwd=tmp_path)
    assert explain.returncode == 0 and "Mobile-friendly" in explain.stdout and "attested" in explain.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("attestations:\n  - question: analytics-reviewed\n    answer: perhaps\n    date: 2025-01-01\n")
    proc = cli("rescore", str(crawl_id), "--rubric", "idea-act", "--attestations", str(bad), "--db", db, cwd=tmp_path)
    assert_one_line_error(proc, 2, "bad.yaml: attestations[0].answer")
    good = tmp_path / "dnr.yaml"
    good.write_text("attestations:\n  - question: analytics-reviewed\n    answer: yes\n    date: 2025-01-01\n")
    out = tmp_path / "out"
    args = ("--rubric", "idea-act", "--attestations", str(good), "--db", db, "--out", str(out))
    assert cli("rescore", str(crawl_id), *args, cwd=tmp_path).returncode == 0
    results = json.loads((out / f"run-{crawl_id}" / "scorecard.json").read_text())["scorecard"]["results"]
    outcomes = {r["check_id"]: r["outcome"] for r in results if r["check_id"].startswith("attest/")}
    assert outcomes["attest/analytics-reviewed"] == "pass" and outcomes["attest/usability-testing"] == "error"


def test_an_unreadable_attestation_file_stops_the_audit_before_crawling(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/"
    proc = cli(
        "audit", url, "--attestations", str(tmp_path / "none.yaml"), "--db", str(tmp_path / "m.db"), cwd=tmp_path
    )
    assert_one_line_error(proc, 2, "none.yaml", "cannot read attestation file")
