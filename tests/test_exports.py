"""Exports (CSV safe for spreadsheets, JSON), retention (`prune --keep N`) and `rescore-all`."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
import sqlalchemy as sa
import yaml
from factories import ORIGIN, page
from test_history import rubric_v2, small_portfolio, store_run

from maturity.core.history import agencies, site_histories
from maturity.core.rubric import builtin_rubric
from maturity.run.retention import prune_plan
from maturity.run.scoring import rescore_all
from maturity.store import Store
from maturity.store.readback import load_snapshots
from reports.csv_export import BASE_COLUMNS, SURVEY_COLUMNS, neutralise, render_csv, render_json
from reports.site import build_site


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "maturity", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'm.db'}")
    small_portfolio(s)
    return s


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_one_flat_row_per_site_per_run(store):
    text = render_csv(site_histories(load_snapshots(store)))
    assert text.endswith("\r\n")
    table = rows(text)
    header = list(table[0])
    assert header[: len(BASE_COLUMNS)] == list(BASE_COLUMNS)
    assert header[len(BASE_COLUMNS) :] == [
        "score_accessibility",
        "score_performance",
        "score_mobile",
        "score_content",
        "score_security",
        "score_customer-experience",  # the default rubric's optional survey dimension: empty without data
        "score_tasks",  # ... and its optional journeys dimension: empty without journeys
        "tag_branch",
        "error",
        "published_under",
        *SURVEY_COLUMNS,  # filled on service rows only (none here: no survey results imported)
    ]
    assert [(r["agency"], r["run"], r["status"]) for r in table] == [
        ("Department of Natural Resources", "1", "finished"),
        ("Department of Natural Resources", "3", "finished"),
        ("Department of Natural Resources", "4", "finished"),
        ("State Library", "2", "finished"),
        ("State Library", "5", "failed"),
    ]
    first, failed = table[0], table[-1]
    assert first["site"] == f"{ORIGIN}/" and first["rubric_id"] == "default" and len(first["rubric_sha256"]) == 64
    assert float(first["overall"]) > 0 and first["level"].isdigit() and first["complete"] in ("true", "false")
    assert first["pages"] == "2" and first["tag_branch"] == "executive" and first["started_at"].startswith("2025-03-03")
    assert failed["overall"] == "" and failed["level"] == "" and failed["error"] == "cannot connect"


def test_csv_export_has_a_row_per_service_and_quarter_with_its_trust_figure(store, tmp_path):
    """The figures of XDATA.md's worked table: FY2025 Q1 331 of 412 agreed, 80.3 % [76.2, 83.9];
    FY2025 Q3 27 answers, too few for a figure ("insufficient responses", n shown)."""
    from datetime import datetime

    from xdata_fixtures import V2_TRUST, touchpoints_v2

    from maturity.run.xdata import import_file

    survey = tmp_path / "s.csv"
    survey.write_text(
        touchpoints_v2([(datetime(2024, 10, 1), 412, 331, 0, 0), (datetime(2025, 4, 1), 27, 22, 0, 0)]),
        encoding="utf-8",
    )
    import_file(store, survey, agency="Department of Natural Resources", service="fishing-licence")
    import_file(store, survey, agency="Nobody Exported", service="x")  # an agency with no runs: no rows
    from maturity.run.publish import export

    table = rows(export(store, "csv", method="page-weighted")[0])  # what `maturity export --format csv` writes
    runs = [r for r in table if r["run"]]
    services = [r for r in table if r["service"]]
    assert len(runs) == 5 and all(not r["service"] and not r["survey_n"] for r in runs)
    assert [(r["agency"], r["service"], r["survey_quarter"]) for r in services] == [
        ("Department of Natural Resources", "fishing-licence", "FY2025 Q1"),
        ("Department of Natural Resources", "fishing-licence", "FY2025 Q3"),
    ]
    q1, q3 = services
    assert (q1["survey_trust"], q1["survey_trust_low"], q1["survey_trust_high"]) == ("80.3", "76.2", "83.9")
    assert (q1["survey_n"], q1["survey_status"], q1["survey_asked_as"]) == ("412", "ok", "thumbs")
    assert q1["survey_trust_question"] == V2_TRUST and q1["run"] == "" and q1["overall"] == ""
    assert (q3["survey_trust"], q3["survey_trust_low"], q3["survey_n"]) == ("", "", "27")
    assert q3["survey_status"] == "insufficient responses"
    assert q1["portfolio"] == runs[0]["portfolio"]


@pytest.mark.parametrize("value", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x","y")'])
def test_formulas_are_neutralised(value):
    assert neutralise(value) == "'" + value
    assert neutralise("plain") == "plain" and neutralise(-2) == -2  # numbers stay numbers


def test_csv_cells_from_hostile_names_cannot_run(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    store_run(store, [page()], agency='=HYPERLINK("http://evil.example","x")', tags={"owner": "@evil", "note": "-1"})
    table = rows(render_csv(site_histories(load_snapshots(store))))
    assert table[0]["agency"].startswith("'=HYPERLINK")
    assert table[0]["tag_owner"] == "'@evil" and table[0]["tag_note"] == "'-1"
    for row in table:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_json_export_has_rollups_and_every_run(store):
    views = agencies(load_snapshots(store), "page-weighted")
    doc = json.loads(render_json(views, method="page-weighted", generated_at="2025-05-06T10:00:00+00:00"))
    assert doc["schema"] == "maturity/portfolio-export" and doc["schema_version"] == 1
    assert doc["rollup"]["method"] == "page-weighted" and "weighted" in doc["rollup"]["description"]
    dnr = doc["agencies"][0]
    assert dnr["name"] == "Department of Natural Resources" and dnr["tags"] == {"branch": "executive"}
    assert dnr["rollup"]["overall"] is not None and dnr["change"]["verdict"] in ("better", "worse", "no change")
    assert [r["run"] for r in dnr["sites"][0]["runs"]] == [1, 3, 4]
    assert set(dnr["sites"][0]["runs"][0]["dimensions"]) == {
        "accessibility",
        "performance",
        "mobile",
        "content",
        "security",
        "customer-experience",
        "tasks",
    }
    assert doc["portfolio"]["parts_total"] == 2


def test_export_command_writes_csv_and_json(store, tmp_path):
    out = tmp_path / "x" / "all.csv"
    proc = cli("export", "--format", "csv", "--out", str(out), "--db", store.url)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().count(b"\r\n") == 6  # header + 5 runs, RFC 4180 line ends
    proc = cli("export", "--format", "json", "--db", store.url, "--portfolio", "state", "--rollup", "minimum")
    assert proc.returncode == 0 and json.loads(proc.stdout)["rollup"]["method"] == "minimum"
    assert cli("export", "--format", "xml", "--db", store.url).returncode == 2


# ---------------------------------------------------------------------------
# prune --keep N
# ---------------------------------------------------------------------------


def test_prune_keeps_the_first_and_the_newest_n_runs_per_site(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    ids = [store_run(store, [page(f"{ORIGIN}/"), page(f"{ORIGIN}/v{i}")], days=i) for i in range(5)]
    other = store_run(store, [page("https://b.example.gov/")], origin="https://b.example.gov", agency="B")
    running = store.begin_crawl(f"{ORIGIN}/", settings={}, tool_version="t")  # never removed
    assert prune_plan(store, 2) == ids[1:3]
    assert prune_plan(store, 10) == []
    with pytest.raises(ValueError):
        prune_plan(store, 0)

    proc = cli("prune", "--keep", "2", "--dry-run", "--db", store.url)
    assert proc.returncode == 0 and f"{ids[1]}, {ids[2]}" in proc.stdout
    with store.engine.connect() as conn:
        blobs_before = conn.execute(sa.text("select count(*) from blob")).scalar()
    proc = cli("prune", "--keep", "2", "--db", store.url)
    assert proc.returncode == 0, proc.stderr
    assert "removed 2 run(s)" in proc.stdout
    kept = [r.crawl.id for r in store.history()]
    assert kept == [ids[0], ids[3], ids[4], other, running]
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from blob")).scalar() < blobs_before  # /v1, /v2 pages went
    for crawl_id in (ids[0], ids[3], ids[4]):  # what kept runs use is still there
        assert store.load_pages(crawl_id) and store.latest_scorecard(crawl_id)
    # history still renders after pruning
    files = build_site(load_snapshots(store), generated_at="2025-05-06T10:00:00+00:00")
    agency = files["agency/department-of-natural-resources.html"]
    assert f"Scorecard of run {ids[4]}" in agency and f"run/{ids[1]}.html" not in files


# ---------------------------------------------------------------------------
# rescore-all
# ---------------------------------------------------------------------------


def test_rescore_all_scores_every_stored_run_under_the_new_rubric(store, tmp_path):
    v2 = rubric_v2()
    done, skipped = rescore_all(store, v2)
    assert done == [1, 2, 3, 4] and skipped == 0  # the failed run has nothing to score
    assert rescore_all(store, v2) == ([], 4)  # idempotent
    for run in store.history():
        if run.crawl.status == "finished":
            versions = [s.rubric_version for s in run.scorings]
            assert versions == [builtin_rubric().rubric.version, "2.0.0"]  # the old scoring is kept
    by_site = load_snapshots(store)
    assert {r.scorecard.rubric.version for runs in by_site.values() for r in runs if r.scorecard} == {"2.0.0"}
    files = build_site(by_site, generated_at="2025-05-06T10:00:00+00:00")
    agency = files["agency/department-of-natural-resources.html"]
    assert "Not compared" not in agency and "version 2.0.0" in agency  # each figure names its rubric

    path = tmp_path / "v3.yaml"
    data = builtin_rubric().rubric.model_dump(mode="json")
    data["version"] = "3.0.0"
    path.write_text(yaml.safe_dump(data))
    proc = cli("rescore-all", "--rubric", str(path), "--db", store.url)
    assert proc.returncode == 0, proc.stderr
    assert "scored 4 run(s) under default 3.0.0" in proc.stdout
    assert cli("rescore-all", "--rubric", str(tmp_path / "missing.yaml"), "--db", store.url).returncode == 2


def test_history_command_compares_the_last_two_runs(store):
    proc = cli("history", f"{ORIGIN}/", "--db", store.url)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"{ORIGIN}/: run 3") and "→ run 4" in proc.stdout
    assert "findings:" in proc.stdout and "pages: 1 added, 1 removed" in proc.stdout
    by_host = cli("history", "agency.example.gov", "--db", store.url, "--run", "3")
    assert by_host.returncode == 0 and "run 1" in by_host.stdout.splitlines()[0]
    assert "only one scored run" in cli("history", "library.example.gov", "--db", store.url).stdout
    unknown = cli("history", "https://nowhere.example/", "--db", store.url)
    assert unknown.returncode == 2 and "no runs" in unknown.stderr
