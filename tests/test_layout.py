"""The floors hold: settings composed once, scorings that carry their rubric, crawls as files, and
commands that need no browser loading neither Playwright nor httpx (offline, no browser)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from factories import ORIGIN, document, page
from test_history import bad_alt, store_run

from maturity.core.model import canonical_json
from maturity.core.rubric import builtin_rubric, parse_rubric
from maturity.core.scoring import Scorecard
from maturity.core.settings import CHECK_DEFAULTS, SETTING_KEYS, AuditSettings, compose
from maturity.kernel.errors import ConfigError, UsageError
from maturity.run.artifacts import load_artifacts, save_artifacts, score_artifacts
from maturity.run.scoring import rescore, score_run
from maturity.store import Store


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'm.db'}")


def crawl(store: Store) -> int:
    pages = [bad_alt(f"{ORIGIN}/"), page(f"{ORIGIN}/a", document=document(url=f"{ORIGIN}/a"))]
    return store_run(store, pages)


# -- settings: one model, composed in layers -------------------------------------------------


def test_settings_compose_in_layers_later_wins_and_unset_means_not_given():
    s = compose({"url": "https://a.example/"}, CHECK_DEFAULTS, {"max_pages": 7, "throttle": None}, {"perf_runs": 5})
    assert (s.max_pages, s.perf_runs, s.throttle, s.max_depth) == (7, 5, "mobile", 3)


def test_a_bad_value_names_the_layer_and_key():
    with pytest.raises(ConfigError, match=r"^maturity.yml: max_pages: Input should be greater than or equal to 1"):
        compose({"url": "https://a.example/"}, {"max_pages": 0}, sources=["URL", "maturity.yml"])
    with pytest.raises(ConfigError, match=r"exclude: not a regular expression"):
        compose({"url": "https://a.example/"}, {"exclude": ["("]})


def test_stored_settings_reload_through_the_same_validation():
    s = AuditSettings(url="https://a.example/", max_pages=9, include=("/news/",))
    assert AuditSettings.from_stored(json.loads(json.dumps(s.recorded()))) == s
    # a run stored before the one model: machine keys dropped, old spellings translated
    legacy = {
        **s.recorded(),
        "respect_robots": False,
        "perf_pages": None,
        "browser_path": "/usr/bin/chromium",
        "loopback_only": True,
        "save_artifacts": None,
        "attestations": None,
        "no_sandbox": None,
        "axe_path": None,
    }
    legacy.pop("ignore_robots")
    old = AuditSettings.from_stored(legacy)
    assert old.ignore_robots and old.perf_sample is None and old.max_pages == 9
    with pytest.raises(ConfigError, match="the stored run: max_pages"):
        AuditSettings.from_stored({**s.recorded(), "max_pages": -1})
    with pytest.raises(ConfigError, match="db: unknown key"):
        AuditSettings.from_stored({**s.recorded(), "db": "postgresql://elsewhere/x"})


def test_every_setting_has_exactly_one_command_line_option():
    from maturity.cli.options import AUDIT_OPTIONS

    names = [name for _, name, _ in AUDIT_OPTIONS]
    assert sorted(names) == sorted(SETTING_KEYS) and len(names) == len(set(names))


# -- a scoring is self-contained ---------------------------------------------------------------


def test_a_scoring_stores_its_rubric_and_the_code_that_produced_it(store, tmp_path):
    crawl_id = crawl(store)
    text = (builtin_rubric().text.replace("version:", "version: '9.9' #", 1)).encode()
    custom = parse_rubric(text, str(tmp_path / "gone.yaml"))  # a file that no longer exists
    scoring_id, _ = score_run(store, crawl_id, custom)
    row = next(s for s in store.scorings(crawl_id) if s.id == scoring_id)
    assert row.tool_version and row.checks_digest and len(row.checks_digest) == 64
    back = store.scoring_rubric(row)
    assert back is not None and back.sha256 == custom.sha256 and back.text.encode() == text
    assert store.rubric_by_sha(custom.sha256).rubric == custom.rubric
    # the site is built from the store alone: the rubric page is whole though the file is gone
    from maturity.run.publish import build

    build(store, tmp_path / "site", method="mean", title="t")
    assert "Next steps" in (tmp_path / "site" / "rubric.html").read_text()


# -- gather apart from audit: a crawl as files -------------------------------------------------


def test_saved_artifacts_score_byte_identical_to_the_stored_scoring(store, tmp_path):
    crawl_id = crawl(store)
    folder = save_artifacts(store, crawl_id, tmp_path / "artifacts")
    for name in ("default", "idea-act"):
        rubric = builtin_rubric(name)
        _, stored_card, paths = rescore(store, crawl_id, rubric, tmp_path / "stored-out")
        scoring = store.scorings(crawl_id)[-1]
        info, card = score_artifacts(folder, rubric)
        # the stored scoring keeps its findings apart (finding_blobs): the same findings, the rest byte for byte
        assert list(card.iter_findings()) == list(stored_card.iter_findings()) and card.findings
        apart = {"findings": [], "finding_count": None, "finding_blobs": []}
        stored_blob = {**store.get_blob(scoring.scorecard_sha), **apart}
        assert canonical_json(card.model_copy(update=apart).model_dump(mode="json")) == canonical_json(stored_blob)
        assert card.model_copy(update=apart).model_dump() == stored_card.model_copy(update=apart).model_dump()
        assert info.crawl_id == crawl_id
        # the command, with no database at all
        proc = subprocess.run(
            [sys.executable, "-m", "maturity", "rescore", "--artifacts", str(folder), "--rubric", name,
             "--out", str(tmp_path / "files-out"), "--db", str(tmp_path / "never-created" / "x.db")],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        # each rubric's scorecard in its own folder: a rescore never replaces another scoring's reports
        folder_name = f"{rubric.rubric.id}-{rubric.sha256[:12]}"
        written = json.loads((tmp_path / "files-out" / f"run-{crawl_id}" / folder_name / "scorecard.json").read_text())
        stored = json.loads(paths["json"].read_text())
        # the same findings listed inline, and nothing of where the store keeps them (its blob hashes)
        assert written["scorecard"] == stored["scorecard"] and stored["scorecard"]["findings"]
        assert stored["scorecard"]["finding_blobs"] == [] and stored["scorecard"]["finding_count"] is None
        assert Scorecard.model_validate(stored["scorecard"]).findings_total == len(stored["scorecard"]["findings"])
        assert {k: v for k, v in written["run"].items() if k != "scoring_id"} == {
            k: v for k, v in stored["run"].items() if k != "scoring_id"
        }
    assert not (tmp_path / "never-created").exists()


def test_broken_artifact_folders_are_one_line_errors(store, tmp_path):
    folder = save_artifacts(store, crawl(store), tmp_path / "a")
    (folder / "pages" / "0002.json").unlink()
    with pytest.raises(UsageError, match="lists 2 pages but holds 1"):
        load_artifacts(folder)
    (folder / "pages" / "0001.json").write_text('{"url": 3}')
    (folder / "manifest.json").write_text('{"schema": "maturity/artifacts", "schema_version": 1, "pages": 1}')
    with pytest.raises(UsageError, match="--artifacts"):
        load_artifacts(folder)
    with pytest.raises(UsageError, match="is missing"):
        load_artifacts(tmp_path / "nothing-here")


# -- commands that need no browser load neither Playwright nor httpx ---------------------------

PROBE = """
import atexit, sys
def report():
    loaded = sorted(m for m in ("playwright", "httpx", "httpcore", "crawlers.browser") if m in sys.modules)
    sys.stderr.write("LOADED=" + ",".join(loaded) + "\\n")
atexit.register(report)
from maturity.cli import main
main(sys.argv[1:])
"""


@pytest.mark.parametrize(
    "args",
    [
        ["rescore", "{run}"],
        ["report", "{run}"],
        ["runs"],
        ["history", ORIGIN],
        ["site", "build", "--out", "{tmp}/site"],
        ["export", "--format", "csv"],
        ["prune", "--keep", "1", "--dry-run"],
        ["rescore-all", "--rubric", "default"],
        ["title2", "status"],
        ["rubric", "validate", "default"],
        ["rubric", "explain", "default"],
        ["checks"],
        ["schema"],
    ],
)
def test_commands_that_need_no_browser_import_neither_playwright_nor_httpx(store, tmp_path, args):
    run = crawl(store)
    argv = [a.format(run=run, tmp=tmp_path) for a in args]
    if argv[0] not in ("rubric", "checks", "schema"):
        argv += ["--db", store.url]
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert "LOADED=\n" in proc.stderr, proc.stderr[-500:]


def test_the_probe_sees_an_import_when_there_is_one(tmp_path):
    """The check above can fail: an audit's import of the collectors is seen."""
    probe = PROBE.replace("from maturity.cli import main", "import maturity.run.audit\nfrom maturity.cli import main")
    proc = subprocess.run(
        [sys.executable, "-c", probe, "checks"], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert "playwright" in proc.stderr.split("LOADED=")[1] and "httpx" in proc.stderr.split("LOADED=")[1]


def test_no_command_module_imports_another():
    """Commands sit side by side: only the root gathers them (so there is no circle)."""
    import ast

    root = Path(__file__).parents[1] / "maturity" / "cli"
    commands = {p.stem for p in root.glob("*.py")} - {"__init__", "options", "output", "progress"}
    for path in root.glob("*.py"):
        if path.stem == "__init__":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                assert not (parts[:2] == ["maturity", "cli"] and len(parts) > 2 and parts[2] in commands), (
                    f"{path.name} imports {name}"
                )


def test_default_concurrency_follows_the_cores_this_process_may_use(monkeypatch):
    import os

    from maturity.core.settings import AuditSettings, default_concurrency

    for cores, expected in ((1, 1), (2, 2), (3, 3), (16, 4)):
        monkeypatch.setattr(os, "sched_getaffinity", lambda _pid, n=cores: set(range(n)), raising=False)
        assert default_concurrency() == expected
        assert AuditSettings(url="http://127.0.0.1/").concurrency == expected
    assert AuditSettings(url="http://127.0.0.1/", concurrency=8).concurrency == 8  # a choice is kept
