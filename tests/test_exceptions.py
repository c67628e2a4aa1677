"""Exceptions to the Title II rule (28 CFR 35.201), claimed in a file: shown apart, never dropped;
pages that look archived or embed another site's frames are listed as candidates for a claim."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from factories import axe, document, page
from test_history import store_run

from maturity.cli import main
from maturity.core.exceptions import Candidate, PageView, candidates, parse_exceptions
from maturity.core.model import NetworkFacts, Request
from maturity.core.rubric import builtin_rubric
from maturity.kernel.errors import ConfigError
from maturity.run.title2 import status
from maturity.store import Store
from reports.title2 import render_json

AUGUSTA = "https://augustaga.gov"
CONTRAST = ("color-contrast", "violation", "serious", ["wcag2aa", "wcag143"])
CLEAN = ("image-alt", "pass", None, ["wcag2a", "wcag111"])

CLAIMS = f"""
agency: City of Augusta
exceptions:
  - kind: archived
    pages: ["{AUGUSTA}/archive/"]
    reason: Council minutes before 2020, kept for reference and not changed since.
    by: Jane Doe, city clerk
    date: 2026-11-01
    review: 2027-05-01
  - kind: preexisting-document
    patterns: ['/documents/19\\d\\d-']
    reason: Reports published before the compliance date, used for no service.
    by: Jane Doe, city clerk
    date: 2026-11-01
    review: 2027-11-01
"""


def test_a_claims_file_is_read_and_checked_with_key_paths() -> None:
    parsed = parse_exceptions(CLAIMS, "augusta.yaml")
    assert parsed.claim_for(f"{AUGUSTA}/archive/2019/minutes") is parsed.exceptions[0]
    assert parsed.claim_for(f"{AUGUSTA}/documents/1998-budget") is parsed.exceptions[1]
    assert parsed.claim_for(f"{AUGUSTA}/news/") is None
    assert parsed.exceptions[0].review_due(date(2027, 5, 1)) and not parsed.exceptions[0].review_due(date(2027, 4, 30))
    bad = [
        ("kind: museum", "a.yaml: exceptions[0].kind"),
        ("pages: []", "a.yaml: exceptions[0]: name the pages claimed"),
        ("patterns: ['(']", "a.yaml: exceptions[0].patterns: not a regular expression"),
        ("review: 2026-10-01", "review (2026-10-01) must come after date (2026-11-01)"),
        ("pages: [augustaga.gov/archive/]", "a.yaml: exceptions[0].pages: a page is a URL"),
    ]
    for line, message in bad:
        key = line.split(":")[0]
        entry = {
            "kind": "archived",
            "pages": [f"{AUGUSTA}/archive/"],
            "reason": "r",
            "by": "b",
            "date": "2026-11-01",
            "review": "2027-11-01",
        }
        lines = [f"{k}: {json.dumps(v)}" if k != key else line for k, v in entry.items()]
        if key not in entry:
            lines.append(line)
        text = "agency: A\nexceptions:\n  - " + "\n    ".join(lines)
        with pytest.raises(ConfigError) as err:
            parse_exceptions(text, "a.yaml")
        assert message in str(err.value), (line, str(err.value))


def test_pages_that_look_archived_or_embed_another_site_are_candidates() -> None:
    pages = [
        PageView(f"{AUGUSTA}/archive/2019/minutes"),
        PageView(f"{AUGUSTA}/news/old", title="News archive | Augusta"),
        PageView(f"{AUGUSTA}/council", headings=("Archived meetings",)),
        PageView(f"{AUGUSTA}/pay", foreign_frames=("https://payments.example.com/frame",)),
        PageView(f"{AUGUSTA}/archivist-office", title="The city archivist"),  # a word, not a label
        PageView(f"{AUGUSTA}/"),
    ]
    found = candidates(pages)
    assert found == [
        Candidate(f"{AUGUSTA}/archive/2019/minutes", "archived", "an archive path"),
        Candidate(f"{AUGUSTA}/news/old", "archived", "labelled 'News archive | Augusta'"),
        Candidate(f"{AUGUSTA}/council", "archived", "labelled 'Archived meetings'"),
        Candidate(f"{AUGUSTA}/pay", "third-party", "frames from payments.example.com"),
    ]
    claimed = candidates(pages, [parse_exceptions(CLAIMS, "augusta.yaml")])
    assert f"{AUGUSTA}/archive/2019/minutes" not in {c.url for c in claimed}


def frame_network() -> dict:
    requests = [Request(url="https://payments.example.com/frame", resource_type="document", third_party=True)]
    return NetworkFacts(requests=requests).model_dump(mode="json")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'maturity.db'}")
    rubric = builtin_rubric("ada-title-ii")
    for days, live_failing in ((0, 4), (30, 3), (60, 2)):
        pages = [page(f"{AUGUSTA}/archive/2019/minutes", axe=axe(CONTRAST)),
                 page(f"{AUGUSTA}/archive/2018/minutes", axe=axe(CONTRAST)),
                 page(f"{AUGUSTA}/pay", axe=axe(CLEAN), network=frame_network(),
                      document=document(url=f"{AUGUSTA}/pay", title="Pay a bill"))]  # fmt: skip
        pages += [page(f"{AUGUSTA}/p{i}", axe=axe(CONTRAST if i < live_failing else CLEAN)) for i in range(5)]
        store_run(s, pages, origin=AUGUSTA, agency="City of Augusta", portfolio="ga",
                  tags={"population": "202081"}, days=days, rubric=rubric)  # fmt: skip
    return s


def test_claimed_failures_are_shown_apart_not_counted_not_dropped(store: Store, tmp_path: Path, capsys) -> None:
    claims = parse_exceptions(CLAIMS, "augusta.yaml")
    today = date(2027, 6, 1)  # after the archive claim's review date
    plain = status(store, today=today, portfolio="ga").rows[0]
    row = status(store, today=today, portfolio="ga", exceptions=[claims]).rows[0]
    assert plain.failures == 4 and [n for _, n in plain.trend] == [6, 5, 4]
    assert row.failures == 2 and [n for _, n in row.trend] == [4, 3, 2]  # older runs without the claimed pages too
    archive, documents = row.claimed
    assert (archive.failures, archive.pages, archive.review_due) == (2, 2, True)
    assert (documents.failures, documents.pages, documents.review_due) == (0, 0, False)
    assert [c.url for c in row.candidates] == [f"{AUGUSTA}/pay"]  # the archive pages are claimed already
    assert [c.url for c in plain.candidates][:2] == [
        f"{AUGUSTA}/archive/2019/minutes",
        f"{AUGUSTA}/archive/2018/minutes",
    ]

    doc = json.loads(render_json([row], today=today, portfolio="ga"))["entities"][0]
    assert doc["claims"][0]["section"] == "28 CFR 35.201(a)" and doc["claims"][0]["review_due"] is True
    assert doc["candidates_for_claim"] == [
        {"url": f"{AUGUSTA}/pay", "kind": "third-party", "why": "frames from payments.example.com"}
    ]

    path = tmp_path / "augusta.yaml"
    path.write_text(CLAIMS, encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["title2", "status", "--db", str(store.engine.url), "--exceptions", str(path), "--today", "2027-06-01"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "City of Augusta [" in out and ": 2 automated failures on 2 pages" in out
    assert "claimed, shown apart: 2 failures on 2 pages under archived (35.201(a))" in out
    assert "review 2027-05-01; REVIEW DUE" in out
    assert f"{AUGUSTA}/pay (third-party: frames from payments.example.com)" in out
