"""``maturity check`` for real: exit codes, the baseline story on a fixture site, the CI outputs.

The baseline story runs through the pipeline with the session's shared Chromium; one end-to-end
run starts ``python -m maturity check`` in a subprocess (its own browser) to see exit code 1,
the default ``maturity.yml`` lookup, GitHub annotations and the step summary.
"""

from __future__ import annotations

import datetime
import json
import os
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sites import Resource, SiteServer, html

from maturity.core.gates import Baseline, CheckConfig
from maturity.core.rubric import builtin_rubric
from maturity.core.settings import MachineSettings
from maturity.kernel.errors import MaturityError
from maturity.run.check import enforce, run_check
from maturity.store import Store

pytestmark = pytest.mark.browser

TEST_OVERRIDES = {"user_agent": "maturity-tests"}
LOOPBACK = MachineSettings(loopback_only=True)
PIC = Resource("<svg xmlns='http://www.w3.org/2000/svg' width='40' height='40'/>", content_type="image/svg+xml")


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd)}
    if os.environ.get("MATURITY_BROWSER"):
        base["MATURITY_BROWSER"] = os.environ["MATURITY_BROWSER"]
    return subprocess.run(
        [sys.executable, "-m", "maturity", "check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**base, **(env or {})},
    )


def one_line_error(proc: subprocess.CompletedProcess, code: int, *words: str) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("maturity: error: "), proc.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------
# exit codes 2 and 3 (no browser is started)
# ---------------------------------------------------------------------------


def test_bad_config_exits_2_naming_file_and_key(tmp_path):
    bad = tmp_path / "ci.yml"
    bad.write_text("urls: [http://127.0.0.1:9/]\ngates:\n  budgets: {lcp: 2500}\n")
    one_line_error(cli("--config", str(bad), cwd=tmp_path), 2, f"{bad}: gates.budgets.lcp: unknown key")


def test_default_maturity_yml_is_read_from_the_working_directory(tmp_path):
    (tmp_path / "maturity.yml").write_text("urls: [http://127.0.0.1:9/]\ngates:\n  tolerance: lots\n")
    one_line_error(cli(cwd=tmp_path), 2, "maturity.yml: gates.tolerance: ")


@pytest.mark.parametrize(
    ("setup", "args", "words"),
    [
        (None, [], "nothing to check"),
        (None, ["--config", "absent.yml"], "absent.yml: cannot read config"),
        (None, ["example.gov"], "not an http(s) URL"),
        ("gates:\n  min_dimensions: {speed: 50}\n", ["http://127.0.0.1:9/"], "gates.min_dimensions.speed"),
        ("baseline: b.json\n", ["http://127.0.0.1:9/"], "no such baseline"),
        (None, ["http://127.0.0.1:9/", "--update-baseline"], "--update-baseline needs --baseline"),
        (None, ["http://127.0.0.1:9/", "--rubric", "nosuch.yaml"], "nosuch.yaml"),
        ("attestations: answers/absent.yaml\n", ["http://127.0.0.1:9/"], "answers/absent.yaml: cannot read"),
        ("urls: []\n", ["http://127.0.0.1:9/", "--attestations", "maturity.yml"], "maturity.yml"),  # not answers
        ("max_page_bytes: 10\n", ["http://127.0.0.1:9/"], "max_page_bytes"),
    ],
)
def test_usage_and_config_errors_exit_2(tmp_path, setup, args, words):
    if setup:
        (tmp_path / "maturity.yml").write_text(setup)
    one_line_error(cli(*args, "--db", str(tmp_path / "m.db"), cwd=tmp_path), 2, words)


def test_unreachable_site_exits_3(tmp_path):
    proc = cli(f"http://127.0.0.1:{closed_port()}/", "--db", str(tmp_path / "m.db"), cwd=tmp_path)
    one_line_error(proc, 3, "127.0.0.1")


# ---------------------------------------------------------------------------
# the baseline story, with the shared browser
# ---------------------------------------------------------------------------


def clean(title: str, body: str) -> str:
    return html(title, f"<h1>{title}</h1>{body}")


HOME = clean(
    "Fixture agency checks home page",
    "<p><a href='/services'>Our services</a></p><p><a href='/news'>Latest news</a></p>",
)
SERVICES_WITH_DEFECT = clean("Services of the fixture agency", "<p>Renew a licence.</p><img src='/pic.svg' width='40'>")
SERVICES_FIXED = clean(
    "Services of the fixture agency", "<p>Renew a licence.</p><img src='/pic.svg' alt='Logo' width='40'>"
)
NEWS_CLEAN = clean("News from the fixture agency", "<p>Nothing new this week.</p>")
NEWS_WITH_DEFECT = clean("News from the fixture agency", "<p>Nothing new.</p><input type='text' name='q'>")


def exit_code(run) -> int:
    try:
        enforce(run)
    except MaturityError as exc:
        return exc.exit_code
    return 0


def test_baseline_story_on_a_fixture_site(shared_browser, tmp_path):
    routes = {"/": HOME, "/services": SERVICES_WITH_DEFECT, "/news": NEWS_CLEAN, "/pic.svg": PIC}
    config = CheckConfig.model_validate(
        {
            "max_pages": 4,
            "concurrency": 2,
            "perf_runs": 1,
            "perf_pages": 1,
            "throttle": "none",
            "page_timeout": 8,
            "gates": {"budgets": {"lcp_ms": 20000}, "required_checks": ["html-lang"]},
        }
    )
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    baseline = tmp_path / "maturity-baseline.json"
    outputs = {kind: str(tmp_path / f"out.{kind}") for kind in ("junit", "sarif", "markdown", "json")}
    printed: list[str] = []

    with SiteServer(routes) as server:

        def check(**kw):
            return run_check(
                config,
                [server.url("/")],
                store=store,
                rubric=builtin_rubric(),
                out_dir=tmp_path / "out",
                baseline_path=baseline,
                outputs=outputs,
                browser=shared_browser,
                settings_overrides=TEST_OVERRIDES,
                machine=LOOPBACK,
                env={},
                echo=printed.append,
                **kw,
            )

        # 1. audit and write the baseline: the old defect (an image without alt) is accepted
        first = check(update_baseline=True)
        assert exit_code(first) == 0 and first.baseline_written == baseline
        entries = Baseline.load(baseline).findings
        assert ("axe/image-alt", server.url("/services")) in {(e.check_id, e.url) for e in entries}
        assert all(e.selector or e.url for e in entries)
        assert "budgets" in first.result.evaluated  # measured on the home page (perf_pages: 1) and within budget
        assert first.result.notes == [
            f"performance budgets not checked on 2 page(s) (not in the performance sample): {server.url('/services')} "
            "and 1 more"
        ]

        # 2. the same site again: nothing new, so the baseline gate passes, and the baseline is stable
        second = check()
        assert exit_code(second) == 0, second.result.failures
        assert second.result.new_findings == [] and second.result.fixed == []
        assert Baseline.from_findings(second.cards[0].iter_findings()).dumps() == baseline.read_text()

        # 3. a new defect (an unlabelled field on /news): exit 1, naming the new finding
        routes["/news"] = NEWS_WITH_DEFECT
        third = check()
        assert exit_code(third) == 1
        new = {(f.check_id, f.url) for f in third.result.new_findings}
        assert ("axe/label", server.url("/news")) in new
        with pytest.raises(MaturityError, match=r"new finding: axe/label on http://127\.0\.0\.1:\d+/news"):
            enforce(third)
        assert all(f.gate == "baseline" for f in third.result.failures)
        sarif = json.loads(Path(outputs["sarif"]).read_text())
        assert "new" in {r.get("baselineState") for r in sarif["runs"][0]["results"]}
        junit = ET.parse(outputs["junit"]).getroot()
        failure = junit.find("testsuite[@name='accessibility']/testcase[@name='axe/label']/failure")
        assert failure is not None and f"page: {server.url('/news')}" in failure.text and "selector: " in failure.text

        # 4. the new defect gone and the old one fixed: exit 0, the old one reported as fixed
        routes["/news"] = NEWS_CLEAN
        routes["/services"] = SERVICES_FIXED
        fourth = check()
        assert exit_code(fourth) == 0, fourth.result.failures
        assert ("axe/image-alt", server.url("/services")) in {(e.check_id, e.url) for e in fourth.result.fixed}
        assert "Fixed since the baseline" in Path(outputs["markdown"]).read_text()
        assert any("fixed: axe/image-alt" in line for line in printed[-1].splitlines())
        doc = json.loads(Path(outputs["json"]).read_text())
        assert doc["passed"] is True and doc["result"]["fixed"][0]["check_id"] == "axe/image-alt"


# ---------------------------------------------------------------------------
# end to end: `python -m maturity check` in a subprocess, as CI runs it
# ---------------------------------------------------------------------------


def test_check_command_end_to_end_fails_a_gate_with_github_outputs(shared_browser, tmp_path):
    routes = {"/": HOME, "/services": SERVICES_WITH_DEFECT, "/news": NEWS_CLEAN, "/pic.svg": PIC}
    with SiteServer(routes) as server:
        (tmp_path / "maturity.yml").write_text(
            f"urls: ['{server.url('/')}']\n"
            "max_pages: 3\nconcurrency: 2\nperf_runs: 1\nperf_pages: 1\nthrottle: none\npage_timeout: 8\n"
            "gates:\n  max_findings: {critical: 0}\n"
        )
        summary = tmp_path / "step-summary.md"
        proc = cli(
            "--db",
            str(tmp_path / "m.db"),
            "--junit",
            "reports/junit.xml",
            "--sarif",
            "reports/maturity.sarif",
            "-q",
            cwd=tmp_path,
            env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)},
        )
    line = one_line_error(proc, 1, "gate failed", "critical")
    assert "Traceback" not in proc.stderr, line
    assert "::error file=maturity.yml,title=maturity%3A max_findings::" in proc.stdout
    assert "FAILED" in proc.stdout
    assert summary.read_text().startswith("## maturity check ❌ failed")
    assert ET.parse(tmp_path / "reports" / "junit.xml").getroot().tag == "testsuites"
    assert json.loads((tmp_path / "reports" / "maturity.sarif").read_text())["version"] == "2.1.0"


def test_check_scores_the_agencys_attestations_from_the_config(shared_browser, tmp_path):
    """``attestations:`` in maturity.yml (relative to it) answers the rubric's questions in CI too."""
    from maturity.core.rubric import resolve_rubric

    rubric = resolve_rubric("idea-act")
    questions = [p.question for d in rubric.rubric.dimensions for p in d.parameters if p.question]
    (tmp_path / "ci").mkdir()
    today = datetime.date.today().isoformat()
    (tmp_path / "ci" / "answers.yaml").write_text(
        "agency: Fixture Agency\nattestations:\n"
        + "".join(
            f"  - {{question: {q}, answer: true, evidence: 'https://intranet.example/{q}', date: '{today}'}}\n"
            for q in questions
        )
    )
    config_path = tmp_path / "ci" / "maturity.yml"
    config = CheckConfig.model_validate(
        {"max_pages": 2, "perf_pages": 1, "perf_runs": 1, "throttle": "none", "attestations": "answers.yaml"}
    )
    routes = {"/": HOME, "/news": NEWS_CLEAN}
    with SiteServer(routes) as server:

        def check(config=config):
            return run_check(
                config,
                [server.url("/")],
                store=Store(f"sqlite:///{tmp_path / 'm.db'}"),
                rubric=rubric,
                out_dir=tmp_path / "out",
                config_path=config_path,
                browser=shared_browser,
                settings_overrides=TEST_OVERRIDES,
                machine=LOOPBACK,
                env={},
                echo=lambda _line: None,
            )

        attested = check().cards[0]
        unanswered = check(config.model_copy(update={"attestations": None})).cards[0]
    by_id = {r.check_id: r for r in attested.all_results()}
    assert questions and all(by_id[f"attest/{q}"].outcome.value == "pass" for q in questions)
    others = {r.check_id: r for r in unanswered.all_results()}
    assert all(others[f"attest/{q}"].outcome.value == "error" for q in questions)  # unanswered: not a fail
    assert attested.complete and not unanswered.complete
