"""Two runs writing to one SQLite database at once both complete intact, and their writes overlap."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sites import Resource, SiteServer, html
from sqlmodel import Session, select
from xdata_fixtures import quarter_start, touchpoints_v2

from maturity.run.xdata import import_file
from maturity.store import Page, Store

pytestmark = pytest.mark.browser


def site(name: str) -> dict:
    links = "".join(f"<a href='/{i}'>{name} page {i}</a> " for i in range(1, 7))
    pages = {"/": html(f"{name} home page for the test", f"<h1>{name}</h1><p>{links}</p>")}
    for i in range(1, 7):
        pages[f"/{i}"] = Resource(html(f"{name} page number {i} here", f"<h1>{name} {i}</h1>"), delay=0.1)
    return pages


def test_two_runs_share_one_sqlite_database(tmp_path):
    """Also: `maturity audit --agency` carries that agency's imported survey figures (Alpha's), and
    a run of an agency without any (Beta) has customer experience not assessed (issue 18)."""
    db = tmp_path / "shared.db"
    store = Store(f"sqlite:///{db}")  # create the schema first, as the first of two runs would
    survey = tmp_path / "alpha-survey.csv"  # the last complete quarter: 36 of 40 trust (90 %)
    survey.write_text(touchpoints_v2([(quarter_start(datetime.now(UTC), 1), 40, 36, 0, 0)]), encoding="utf-8")
    import_file(store, survey, agency="Alpha Agency", service="permits")
    with SiteServer(site("Alpha")) as alpha, SiteServer(site("Beta")) as beta:
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "maturity",
                    "audit",
                    server.url("/"),
                    "--db",
                    str(db),
                    "--quiet",
                    "--concurrency",
                    "1",
                    "--throttle",
                    "none",
                    "--perf-pages",
                    "0",
                    "--out",
                    str(tmp_path / "out"),
                    *(["--agency", "Alpha Agency"] if server is alpha else []),
                ],
                cwd=tmp_path,
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for server in (alpha, beta)
        ]
        results = [p.communicate(timeout=120) for p in procs]
    for proc, (_, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
    store = Store(f"sqlite:///{db}")
    runs = store.runs()
    assert len(runs) == 2 and all(r.crawl.status == "finished" and r.scoring for r in runs)
    windows = []
    for run in runs:
        pages = store.load_pages(run.crawl.id)
        assert len(pages) == 7 and all(p.status == "ok" for p in pages)
        assert all(p.url.startswith(run.crawl.target_url) for p in pages)  # no page landed in the other run
        with Session(store.engine) as session:
            times = session.exec(select(Page.finished_at).where(Page.crawl_id == run.crawl.id)).all()
        windows.append((min(times), max(times)))
    (a_start, a_end), (b_start, b_end) = windows
    assert a_start < b_end and b_start < a_end, f"the runs did not overlap: {windows}"
    cx = {}
    for run in runs:
        card = store.latest_scorecard(run.crawl.id)[1]
        cx[run.crawl.target_url] = (next(d.score for d in card.dimensions if d.id == "customer-experience"), card)
    (alpha_cx, alpha_card), (beta_cx, beta_card) = cx[alpha.url("/")], cx[beta.url("/")]
    assert alpha_cx == 100.0 and "figures of Alpha Agency" in alpha_card.survey and "permits FY" in alpha_card.survey
    assert beta_cx is None and "no survey results are imported" in beta_card.survey
