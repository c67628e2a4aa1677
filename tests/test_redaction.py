"""Credentials typed into a URL never reach anything written: the store, reports, logs, the site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sites import SiteServer, html

from maturity.core.settings import AuditSettings
from maturity.kernel.urls import redact_credentials, strip_credentials

SECRET = "Zq7-never-print-me-41"


def test_credentials_are_stripped_where_a_url_enters():
    assert strip_credentials(f"https://admin:{SECRET}@a.example:8443/x?y=1") == "https://a.example:8443/x?y=1"
    assert strip_credentials("https://a.example/@handle") == "https://a.example/@handle"  # an @ in the path stays
    assert AuditSettings(url=f"http://u:{SECRET}@a.example/").url == "http://a.example/"
    assert SECRET not in redact_credentials(f"cannot fetch 'ftp://u:{SECRET}@a.example/'")


def _every_byte(root: Path) -> bytes:
    out = b""
    for path in root.rglob("*"):
        if path.is_file():
            out += path.read_bytes()
    return out


@pytest.mark.browser
def test_a_secret_in_the_start_url_is_in_no_byte_written(tmp_path, shared_browser):
    routes = {
        "/": html("Credentials fixture home", "<h1>Home</h1><p><a href='/next'>Next page</a></p>"),
        "/next": html("Credentials fixture next", "<h1>Next</h1>"),
    }
    env = {**os.environ, "HOME": str(tmp_path)}
    with SiteServer(routes) as server:
        url = f"http://maturity:{SECRET}@127.0.0.1:{server.port}/"
        runs = [
            ["audit", url, "--throttle", "none", "--max-pages", "2", "--verbose", "--save-artifacts", "artifacts"],
            ["runs"],
            ["runs", "--json"],
            ["report", "1"],
            ["export", "--format", "json", "--out", "export.json"],
            ["export", "--format", "csv", "--out", "export.csv"],
            ["site", "build", "--out", "site"],
            ["history", "127.0.0.1"],
            ["audit", f"ftp://maturity:{SECRET}@127.0.0.1/"],  # refused, and the message does not repeat it
        ]
        printed = b""
        for args in runs:
            proc = subprocess.run(
                [sys.executable, "-m", "maturity", *args, "--db", "m.db"],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                timeout=240,
            )
            if args[1:2] != [f"ftp://maturity:{SECRET}@127.0.0.1/"]:
                assert proc.returncode == 0, proc.stderr.decode()
            printed += proc.stdout + proc.stderr
    assert (tmp_path / "site" / "index.html").is_file() and (tmp_path / "artifacts").is_dir()
    assert SECRET.encode() not in printed
    assert SECRET.encode() not in _every_byte(tmp_path)  # the database file included
