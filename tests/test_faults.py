"""Faults and hostile stored data: read-only commands write nothing, the site stays inside --out,
data never drives the terminal, and retention keeps what a portfolio published (offline)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from factories import ORIGIN, page
from test_history import store_run

from maturity.kernel.errors import UsageError
from maturity.run.retention import prune, prune_plan
from maturity.store import Store


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd)}
    return subprocess.run(
        [sys.executable, "-m", "maturity", *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env
    )


def tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.mark.parametrize(
    "args",
    [
        ["runs"],
        ["runs", "--json"],
        ["history", "a.example"],
        ["export", "--format", "csv"],
        ["report", "1"],
        ["rescore-all", "--rubric", "default"],
        ["prune", "--keep", "1", "--dry-run"],
        ["site", "build", "--out", "site"],
    ],
)
def test_commands_on_a_database_that_does_not_exist_create_nothing(tmp_path, args):
    proc = cli(*args, "--db", str(tmp_path / "nested" / "missing.db"), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "no database at" in proc.stderr and "Traceback" not in proc.stderr
    assert tree(tmp_path) == set(), tree(tmp_path)


def test_read_only_commands_write_no_file(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    store_run(store, [page(f"{ORIGIN}/")])
    store.engine.dispose()
    before = tree(tmp_path)
    for args in (["runs"], ["history", ORIGIN], ["export", "--format", "json"], ["checks"], ["schema"]):
        proc = cli(*args, *(["--db", "m.db"] if args[0] not in ("checks", "schema") else []), cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
    assert tree(tmp_path) - {"m.db-wal", "m.db-shm"} == before - {"m.db-wal", "m.db-shm"}


def test_site_build_never_writes_outside_out(tmp_path, monkeypatch):
    import maturity.run.publish as publish

    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    store_run(store, [page(f"{ORIGIN}/")])
    for hostile in ("../escaped.html", "/tmp/absolute-escape.html", "agency/../../escaped.html", ""):
        monkeypatch.setattr(publish, "build_site", lambda *a, name=hostile, **k: {"index.html": "ok", name: "x"})
        with pytest.raises(UsageError, match="outside"):
            publish.build(store, tmp_path / "out", method="mean", title="t")
        assert not (tmp_path / "escaped.html").exists() and not Path("/tmp/absolute-escape.html").exists()
        assert not (tmp_path / "out").exists()  # refused before anything is written


def test_stored_text_never_drives_the_terminal(tmp_path):
    """Text from files and pages with escape sequences or rich markup prints as text."""
    from maturity.core.rubric import builtin_rubric, parse_rubric

    text = builtin_rubric().text.replace("version:", 'version: "1 \\e[2J\\e]0;pwned\\a [/bold] [blink]\\u202e" #', 1)
    rubric = parse_rubric(text.encode(), "hostile.yaml")
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    for days in (0, 1):
        store_run(store, [page(f"{ORIGIN}/")], rubric=rubric, days=days)
    for args in (["runs"], ["history", ORIGIN]):
        proc = cli(*args, "--db", "m.db", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        out = proc.stdout + proc.stderr
        assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out, out
        assert "\\x1b[2J" in out  # shown, made visible


def test_prune_keeps_a_portfolios_runs_apart_from_ad_hoc_audits_and_shrinks_sqlite(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    published = [store_run(store, [page(f"{ORIGIN}/")], portfolio="state", days=d) for d in range(3)]
    trials = [store_run(store, [page(f"{ORIGIN}/")], agency=None, portfolio=None, days=10 + d) for d in range(4)]
    doomed = prune_plan(store, 1)
    assert doomed == [published[1], trials[1], trials[2]]  # each keeps its first and its newest

    def on_disk() -> int:  # the file and its write-ahead log
        return sum(p.stat().st_size for p in tmp_path.glob("m.db*"))

    size = on_disk()
    done = prune(store, 1)
    assert done.runs == doomed and "database file went from" in done.reclaimed
    assert on_disk() < size
    kept = {r.crawl.id: r.crawl for r in store.history()}
    assert kept[published[2]].agency == "Department of Natural Resources"  # the site keeps its agency name
