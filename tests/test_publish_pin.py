"""Publishing pins a rubric (issue 14): a trial ``rescore --rubric x.yaml`` never changes the site,
the exports or ``maturity runs``; ``--rubric FILE`` publishes that rubric's figures instead.
And a rescore never overwrites the HTML of another scoring."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from factories import ORIGIN
from test_history import small_portfolio

from maturity.core.rubric import builtin_rubric, load_rubric
from maturity.run.publish import build, export
from maturity.run.scoring import report, rescore
from maturity.store import Store

LIBRARY = "https://library.example.gov/"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "maturity", *args], capture_output=True, text=True, timeout=120)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def site_files(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def trial(tmp_path):
    """A second rubric, as a file (the idea-act rubric's text), and the store: the small portfolio,
    whose runs were scored under the default rubric, with its newest run rescored under the trial."""
    path = tmp_path / "trial.yaml"
    path.write_text(builtin_rubric("idea-act").text, encoding="utf-8")
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    ids = small_portfolio(store)
    return store, ids, path


def test_a_trial_rescore_never_changes_the_published_figures(trial, tmp_path):
    store, ids, path = trial
    default = builtin_rubric()
    csv_before, _ = export(store, "csv", method="mean")
    json_before, _ = export(store, "json", method="mean")
    build(store, tmp_path / "before", method="mean", title="t", generated_at="2025-05-06T10:00:00+00:00")
    command_before = cli("export", "--format", "csv", "--db", store.url)

    _, card, _ = rescore(store, ids["dnr3"], load_rubric(path), tmp_path / "out")
    assert card.rubric.id == "idea-act"
    command_after = cli("export", "--format", "csv", "--db", store.url)
    assert command_after.returncode == 0 and command_after.stdout == command_before.stdout  # the command, too

    csv_after, published = export(store, "csv", method="mean")
    json_after, _ = export(store, "json", method="mean")
    built = build(store, tmp_path / "after", method="mean", title="t", generated_at="2025-05-06T10:00:00+00:00")
    assert csv_after == csv_before
    assert json.loads(json_after)["agencies"] == json.loads(json_before)["agencies"]
    assert site_files(tmp_path / "after") == site_files(tmp_path / "before")
    assert f"{default.rubric.id} {default.rubric.version}" in published and "first scoring" in published
    assert "idea-act" not in built.published
    newest = next(r for r in rows(csv_after) if r["run"] == str(ids["dnr3"]))
    assert newest["rubric_id"] == "default"


def test_rubric_option_publishes_that_rubric_and_says_which_runs_it_did_not_score(trial, tmp_path):
    store, ids, path = trial
    _, card, _ = rescore(store, ids["dnr3"], load_rubric(path), tmp_path / "out")
    text, published = export(store, "csv", method="mean", rubric=load_rubric(path))
    assert published.startswith("rubric idea-act 1.2.0")
    table = {r["run"]: r for r in rows(text)}
    newest = table[str(ids["dnr3"])]
    assert newest["rubric_id"] == "idea-act" and float(newest["overall"]) == pytest.approx(card.overall, abs=0.05)
    older = table[str(ids["dnr1"])]
    assert older["overall"] == "" and older["scoring"] == ""
    assert older["error"].startswith("not scored under rubric idea-act 1.2.0")
    failed = table[str(ids["lib2"])]  # a failed run keeps its own reason
    assert failed["error"] == "cannot connect"

    # the same through the commands, which say what they publish
    proc = cli("export", "--format", "csv", "--rubric", str(path), "--db", store.url)
    assert proc.returncode == 0, proc.stderr
    assert rows(proc.stdout.replace("\r", "")) == rows(text)
    assert "published: rubric idea-act 1.2.0" in proc.stderr
    proc = cli("site", "build", "--out", str(tmp_path / "site"), "--db", store.url)
    assert proc.returncode == 0, proc.stderr
    assert "published: rubric default" in proc.stdout
    proc = cli("site", "build", "--out", str(tmp_path / "pinned"), "--rubric", str(path), "--db", store.url)
    assert proc.returncode == 0, proc.stderr
    assert "published: rubric idea-act 1.2.0" in proc.stdout
    assert (tmp_path / "pinned" / "index.html").read_text() != (tmp_path / "site" / "index.html").read_text()
    # ... and so does every page of the site, for a reader who never saw the command
    pages = [tmp_path / "pinned" / "index.html", *sorted((tmp_path / "pinned" / "agency").glob("*.html"))]
    assert len(pages) > 1
    for page in pages:
        assert "Figures published under rubric idea-act 1.2.0" in page.read_text(), page
    assert "Figures published under rubric default" in (tmp_path / "site" / "index.html").read_text()


def test_runs_lists_the_published_scoring(trial, tmp_path):
    store, ids, path = trial
    rescore(store, ids["dnr3"], load_rubric(path), tmp_path / "out")
    proc = cli("runs", "--json", "--db", store.url)
    assert proc.returncode == 0, proc.stderr
    by_run = {r["run"]: r for r in map(json.loads, proc.stdout.splitlines())}
    assert by_run[ids["dnr3"]]["rubric"].startswith("default ")
    proc = cli("runs", "--json", "--rubric", str(path), "--db", store.url)
    by_run = {r["run"]: r for r in map(json.loads, proc.stdout.splitlines())}
    assert by_run[ids["dnr3"]]["rubric"] == "idea-act 1.2.0"
    assert by_run[ids["dnr1"]]["rubric"] is None and by_run[ids["dnr1"]]["not_scored_under"] == "idea-act 1.2.0"
    proc = cli("runs", "--rubric", str(path), "--db", store.url)  # piped: a line per fact
    assert proc.returncode == 0, proc.stderr
    assert "not scored under idea-act 1.2.0" in proc.stdout and "published: rubric idea-act 1.2.0" in proc.stdout
    assert ORIGIN in proc.stdout


def test_a_rescore_never_overwrites_another_scorings_reports(trial, tmp_path):
    store, ids, path = trial
    run = ids["dnr3"]
    out = tmp_path / "out"
    _, first_card, first = report(store, run, out)  # the run's only scoring: the audit's place
    assert first["html"] == out / f"run-{run}" / "index.html"
    audit_html = first["html"].read_text()
    info, card, trial_paths = rescore(store, run, load_rubric(path), out)
    assert trial_paths["html"] == out / f"run-{run}" / f"scoring-{info.scoring_id}" / "index.html"
    assert card.rubric.id == "idea-act" and "idea-act" in trial_paths["html"].read_text()
    info2, _, again = rescore(store, run, builtin_rubric(), out)  # a third scoring: a third place
    assert again["html"] == out / f"run-{run}" / f"scoring-{info2.scoring_id}" / "index.html"
    assert first["html"].read_text() == audit_html  # the audit's report is untouched
    assert json.loads(trial_paths["json"].read_text())["scorecard"]["rubric"]["id"] == "idea-act"
    _, _, rendered = report(store, run, out)  # `report` renders the newest scoring in its own place
    assert rendered["html"] == again["html"] and first["html"].read_text() == audit_html
    assert first_card.rubric.id == "default"


def test_history_compares_the_published_scorings_not_the_newest(trial, tmp_path):
    """A trial rescore of the newest run must not turn `maturity history` into "not compared"."""
    store, ids, path = trial
    rescore(store, ids["dnr3"], load_rubric(path), tmp_path / "out")
    proc = cli("history", ORIGIN, "--db", store.url)
    assert proc.returncode == 0, proc.stderr
    assert f"run {ids['dnr2']} " in proc.stdout and f"run {ids['dnr3']} " in proc.stdout
    assert "rubric: default" in proc.stdout and "overall:" in proc.stdout
    assert "not compared" not in proc.stdout.lower() and "idea-act" not in proc.stdout
    # --rubric FILE: the trial's figures, and only the run it scored has them
    proc = cli("history", ORIGIN, "--rubric", str(path), "--db", store.url)
    assert proc.returncode == 0, proc.stderr
    assert f"only one scored run ({ids['dnr3']})" in proc.stdout


def test_the_exports_name_the_published_rubric_in_their_body(trial, tmp_path):
    """A CSV or JSON file read without the command's standard error still says which rubric it publishes."""
    store, ids, path = trial
    default = builtin_rubric()
    text, _ = export(store, "csv", method="mean")
    assert {r["published_under"] for r in rows(text)} == {"each run's first scoring"}
    doc = json.loads(export(store, "json", method="mean")[0])
    assert doc["published"]["pin"] == "first-scoring" and doc["published"]["rubric"] is None
    assert doc["published"]["rubrics_shown"] == [
        {"id": "default", "version": default.rubric.version, "sha256": default.sha256}
    ]
    trial_rubric = load_rubric(path)
    rescore(store, ids["dnr3"], trial_rubric, tmp_path / "out")
    text, _ = export(store, "csv", method="mean", rubric=trial_rubric)
    assert {r["published_under"] for r in rows(text)} == {f"rubric idea-act 1.2.0 sha256 {trial_rubric.sha256}"}
    doc = json.loads(export(store, "json", method="mean", rubric=trial_rubric)[0])
    assert doc["published"]["pin"] == "rubric"
    assert doc["published"]["rubric"] == {"id": "idea-act", "version": "1.2.0", "sha256": trial_rubric.sha256}
    # the site's own copies say it too
    build(store, tmp_path / "site", method="mean", title="t", rubric=trial_rubric)
    assert json.loads((tmp_path / "site" / "portfolio.json").read_text())["published"]["rubric"]["id"] == "idea-act"
    assert "idea-act 1.2.0" in (tmp_path / "site" / "portfolio.csv").read_text().splitlines()[1]
