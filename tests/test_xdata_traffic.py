"""Traffic: a page report read into views per path, query strings cut, stored once (issue 18)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from maturity.core.traffic import parse_traffic
from maturity.kernel.errors import ConfigError

# An invented report in the shape of an analytics tool's export: comment lines, then the table.
REPORT = """\
# ----------------------------------------
# Pages and screens
# Start date: 20250101
# End date: 20250131
# ----------------------------------------
Page path and screen class,Views,Active users,Event count
/renew/,"12,040",5100,30000
/renew/?email=rosa%40mailbox.example&token=zz91,960,400,1000
/forms/,3000,2000,4000
/contact/ana.b@mail.example,10,5,7
"""


def test_a_report_becomes_views_per_path():
    report = parse_traffic(REPORT, "r.csv")
    assert report.period == "20250101 to 20250131" and report.metric == "views"
    assert report.views == {"/renew/": 13000, "/forms/": 3000, "/contact/[email]": 10}
    assert report.rows == 4
    assert report.dropped == ("active users", "event count")


def test_urls_of_another_host_are_left_out():
    text = "Page URL,Sessions\nhttps://dmv.example/a?x=1,5\nhttps://other.example/a,7\n"
    report = parse_traffic(text, "r.csv", site="https://dmv.example/", period="FY2025 Q2")
    assert report.views == {"/a": 5} and report.other_hosts == 1
    assert report.metric == "sessions" and report.period == "FY2025 Q2"


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ("page,pageviews\n/a,12\n/b,many\n", "line 3, column pageviews", "not a count"),
        ("page,pageviews\n/a,-3\n", "line 2, column pageviews", "negative"),
        ("title,pageviews\nHome,3\n", "line 1", "no page column"),
        ("page,title\n/a,Home\n", "line 1", "no count column"),
    ],
)
def test_a_bad_report_is_refused_with_line_and_column(text, key, message):
    with pytest.raises(ConfigError) as err:
        parse_traffic(text, "r.csv")
    assert err.value.key == key and message in err.value.message


def test_traffic_import_and_show(tmp_path):
    db = f"sqlite:///{tmp_path / 't.db'}"
    path = tmp_path / "pages.csv"
    path.write_text(REPORT, encoding="utf-8")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "maturity", *args], capture_output=True, text=True, timeout=120)

    done = cli("traffic", "import", str(path), "--agency", "DMV", "--site", "https://dmv.example/", "--db", db)
    assert done.returncode == 0, done.stderr
    assert "3 pages, 16,010 views, 20250101 to 20250131" in done.stdout
    again = cli("traffic", "import", str(path), "--agency", "DMV", "--site", "https://dmv.example/", "--db", db)
    assert "already imported" in again.stdout
    shown = cli("traffic", "show", "--agency", "DMV", "--db", db)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "https://dmv.example/: 16,010 views, 20250101 to 20250131"
    assert lines[1].split() == ["13,000", "81.2%", "/renew/"]
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("t.db*"))
    for secret in (b"rosa", b"zz91", b"ana.b@mail.example"):
        assert secret not in stored
        assert secret.decode() not in done.stdout + shown.stdout
