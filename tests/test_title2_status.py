"""``maturity title2 status``: entities, riskiest first, from runs stored under the Title II rubric.

Runs are stored the way the pipeline stores them (``store_run`` of test_history), dated from
2025-03-03; "today" is given to the command, never read from the clock.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from factories import axe, document, page
from test_history import store_run

from maturity.cli import main
from maturity.core.model import Link
from maturity.core.rubric import builtin_rubric
from maturity.run.title2 import status
from maturity.store import Store
from reports.title2 import render_csv, render_json

TITLE2 = builtin_rubric("ada-title-ii")
TODAY = date(2025, 7, 1)
CONTRAST = ("color-contrast", "violation", "serious", ["wcag2aa", "wcag143"])
LINK_NAME = ("link-name", "violation", "serious", ["wcag2a", "wcag244", "wcag412"])
CLEAN = ("image-alt", "pass", None, ["wcag2a", "wcag111"])


def pages(origin: str, failing: int, total: int = 8) -> list:
    """``total`` pages, the first ``failing`` with a contrast failure, the first also a link without a
    name: ``failing + 1`` automated failures on ``failing`` pages (none when ``failing`` is 0)."""
    out = []
    for i in range(total):
        rules = (CONTRAST, LINK_NAME) if i == 0 and failing else (CONTRAST,) if i < failing else (CLEAN,)
        out.append(page(f"{origin}/p{i}", axe=axe(*rules)))
    return out


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'maturity.db'}")
    augusta, dooling, water, henry = (
        "https://augustaga.gov",
        "https://townofdooling.gov",
        "https://cherokeewaterga.gov",
        "https://henrycountyga.gov",
    )
    big = {"population": "202081", "domain_type": "city"}
    text = "We meet WCAG 2.1 AA. Email web@augustaga.gov or call 706-555-0100. Updated 2025-01-02."
    statement = page(  # linked from its own navigation, as statements are
        f"{augusta}/accessibility",
        axe=axe(CLEAN),
        document=document(
            url=f"{augusta}/accessibility",
            text=text,
            links=[
                Link(href=f"{augusta}/accessibility", text="Accessibility").model_dump(),
                Link(href=f"{augusta}/docs/vpat-2024.pdf#page=2", text="Conformance report (PDF)").model_dump(),
            ],
        ),
    )
    for days, failing in ((0, 8), (30, 7), (60, 4), (90, 2)):  # getting better, steadily
        store_run(s, [*pages(augusta, failing), statement], origin=augusta, agency="City of Augusta", portfolio="ga",
                  tags=big, days=days, rubric=TITLE2)  # fmt: skip
    for days in (0, 45, 90):  # stuck at 3 failures
        store_run(s, pages(dooling, 2), origin=dooling, agency="Town of Dooling", portfolio="ga",
                  tags={"population": "180", "domain_type": "city"}, days=days, rubric=TITLE2)  # fmt: skip
    store_run(s, pages(water, 0), origin=water, agency="Cherokee County Water and Sewerage Authority",
              portfolio="ga", tags={"domain_type": "special-district"}, days=10, rubric=TITLE2)  # fmt: skip
    store_run(
        s,
        pages(henry, 2),
        origin=henry,
        agency="Henry County Government",
        portfolio="ga",
        tags={"domain_type": "county"},
        days=20,
    )  # scored under the default rubric only
    store_run(s, pages("https://other.example.gov", 2), origin="https://other.example.gov", agency="Elsewhere",
              portfolio="other", days=20, rubric=TITLE2)  # fmt: skip
    return s


def test_entities_come_riskiest_first_with_their_dates(store: Store) -> None:
    result = status(store, today=TODAY, portfolio="ga")
    names = [r.entity for r in result.rows]
    assert names == [
        "Town of Dooling",  # no progress
        "Henry County Government",  # never measured under the rubric
        "City of Augusta",  # on pace, well before its date
        "Cherokee County Water and Sewerage Authority",  # no automated failures
    ]
    rows = {r.entity: r for r in result.rows}
    dooling, augusta, water, henry = (rows[n] for n in ("Town of Dooling", "City of Augusta",
                                                        "Cherokee County Water and Sewerage Authority",
                                                        "Henry County Government"))  # fmt: skip
    assert dooling.risk == "high" and dooling.projection.status == "no-progress"
    assert dooling.deadline.tier == "small" and dooling.deadline.dates == (date(2028, 4, 26),)
    assert dooling.failures == 3 and dooling.pages_failing == 2 and dooling.pages_assessed == 8

    assert augusta.deadline.tier == "large" and augusta.days_left == (date(2027, 4, 26) - TODAY).days
    assert [n for _, n in augusta.trend] == [9, 8, 5, 3]
    assert augusta.projection.status == "on-pace" and augusta.risk == "low"
    assert augusta.projection.zero_on is not None and augusta.projection.zero_on < date(2025, 8, 1)
    # failures per criterion: link-name fails 2.4.4 and 4.1.2 both
    assert augusta.criteria == {"1.4.3": (2, 2), "2.4.4": (1, 1), "4.1.2": (1, 1)}
    assert augusta.summary == "3 automated failures on 2 pages; 27 criteria need manual review"

    assert water.deadline.tier == "special-district" and water.risk == "low"
    assert water.summary == "no automated failures; 27 criteria need manual review"

    assert augusta.documents == 1 and dooling.documents == 0
    later = next(r for r in status(store, today=date(2026, 1, 5), portfolio="ga").rows if r.entity == "City of Augusta")
    assert later.projection_text.endswith("(already past with failures left: audit again)")
    assert "already past" not in augusta.projection_text
    assert henry.risk == "unmeasured" and henry.unscored_sites == ["https://henrycountyga.gov/"]
    assert henry.deadline.tier is None and henry.deadline.dates == (date(2027, 4, 26), date(2028, 4, 26))
    assert result.notes and "maturity rescore-all --rubric ada-title-ii" in result.notes[0]


def test_csv_and_json_exports_for_a_report(store: Store) -> None:
    result = status(store, today=TODAY, portfolio="ga")
    text = render_csv(result.rows)
    assert text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["entity"] == "Town of Dooling"
    henry = next(r for r in rows if r["entity"] == "Henry County Government")
    assert (henry["tier_unknown"], henry["deadline"], henry["other_deadline"]) == ("yes", "2027-04-26", "2028-04-26")
    assert henry["failures"] == "0" and henry["projection"] == "not-measured" and henry["pace_per_30_days"] == ""
    augusta = next(r for r in rows if r["entity"] == "City of Augusta")
    assert augusta["trend"] == "2025-03-03:9 2025-04-02:8 2025-05-02:5 2025-06-01:3"
    assert augusta["worst_criteria"].startswith("1.4.3:2")

    doc = json.loads(render_json(result.rows, today=TODAY, portfolio="ga"))
    assert doc["schema"] == "maturity/title2-status" and doc["today"] == "2025-07-01"
    assert "91 FR 20902" in doc["rule"]["source"]
    augusta_json = next(e for e in doc["entities"] if e["entity"] == "City of Augusta")
    assert augusta_json["criteria"][0] == {
        "criterion": "1.4.3",
        "name": "Contrast (Minimum)",
        "failures": 2,
        "pages": 2,
    }
    assert augusta_json["trend"][0] == {"date": "2025-03-03", "failures": 9}


def test_the_command_prints_the_table_and_writes_exports(store: Store, tmp_path, capsys) -> None:
    db = str(store.engine.url)
    with pytest.raises(SystemExit) as done:
        main(["title2", "status", "--db", db, "--portfolio", "ga", "--today", "2025-07-01"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    summary = out[out.index("Town of Dooling [high]") :].splitlines()
    assert summary == [
        "Town of Dooling [high]: 3 automated failures on 2 pages; 27 criteria need manual review; "
        "accessibility statement: could not be checked (was its page audited?); no progress (+0.0 a month)",
        "Henry County Government [unmeasured]: not measured yet; 1 sites not measured; dates 2027-04-26 or 2028-04-26 "
        "(tier unknown: give population or population_tier)",
        f"City of Augusta [low]: 3 automated failures on 2 pages; 27 criteria need manual review; "
        "accessibility statement: ok; 1 linked documents not checked; "
        f"{status(store, today=TODAY, portfolio='ga').rows[2].projection_text}",
        "Cherokee County Water and Sewerage Authority [low]: no automated failures; 27 criteria need manual review; "
        "accessibility statement: could not be checked (was its page audited?)",
    ]
    assert "Elsewhere" not in out
    target = tmp_path / "report" / "title2.csv"
    with pytest.raises(SystemExit) as done:
        main(["title2", "status", "--db", db, "--format", "csv", "--out", str(target), "--today", "2025-07-01"])
    assert done.value.code == 0
    entities = [r["entity"] for r in csv.DictReader(io.StringIO(target.read_text(encoding="utf-8")))]
    assert "Elsewhere" in entities  # without --portfolio: every run


def test_the_html_page_is_plain_escaped_and_has_table_headers(store: Store) -> None:
    from dataclasses import replace

    from lxml import html as lxml_html

    from reports.title2 import render_html

    rows = status(store, today=TODAY, portfolio="ga").rows
    rows[0] = replace(rows[0], entity='Town of <script>alert("x")</script> Dooling')
    text = render_html(rows, today=TODAY)
    assert "<script>" not in text and "&lt;script&gt;" in text
    tree = lxml_html.fromstring(text)
    assert tree.get("lang") == "en" and tree.find(".//main") is not None and not tree.findall(".//script")
    first = tree.find(".//table")
    assert first.find("caption").text == "Entities, riskiest first"
    assert all(th.get("scope") == "col" for th in first.findall("./thead/tr/th"))
    entities = [th.text_content() for th in first.findall("./tbody/tr/th")]
    assert entities[1:] == [
        "Henry County Government",
        "City of Augusta",
        "Cherokee County Water and Sewerage Authority",
    ]
    assert "2027-04-26 or 2028-04-26 (tier unknown)" in text
    criteria = [t for t in tree.findall(".//table") if "per WCAG 2.1 criterion" in t.find("caption").text_content()]
    assert criteria and "1.4.3 Contrast (Minimum)" in criteria[0].text_content()
    assert "no figure here is a claim of conformance" in text


def test_site_build_publishes_the_tracker_and_links_it_from_every_page(store: Store, tmp_path) -> None:
    from maturity.run.publish import build

    out = tmp_path / "site"
    build(store, out, method="mean", title="Georgia scorecards", portfolio="ga")
    tracker = (out / "title2.html").read_text(encoding="utf-8")
    assert "City of Augusta" in tracker and "Town of Dooling" in tracker and "Elsewhere" not in tracker
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="title2.html">ADA Title II status</a>' in index
    agency = next((out / "agency").glob("*.html")).read_text(encoding="utf-8")
    assert '<a href="../title2.html">ADA Title II status</a>' in agency


def test_a_site_without_title2_scorings_has_no_tracker(tmp_path) -> None:
    from maturity.run.publish import build

    plain = Store(f"sqlite:///{tmp_path / 'plain.db'}")
    store_run(plain, pages("https://plain.example.gov", 1), origin="https://plain.example.gov", agency="Plain")
    out = tmp_path / "site"
    build(plain, out, method="mean", title="Scorecards")
    assert not (out / "title2.html").exists()
    assert "title2.html" not in (out / "index.html").read_text(encoding="utf-8")


def test_checked_documents_are_counted_and_judged_by_the_document_checks(store: Store) -> None:
    from maturity.core.documents import DocumentSet, PdfFacts, PublishedDocument

    good = PdfFacts(pages=2, tagged=True, has_struct_tree=True, marked=True, title="Permit fees",
                    display_doc_title=True, lang="en", pages_with_text=2)  # fmt: skip
    scanned = PdfFacts(pages=3, title=None, pages_with_text=0, pages_without_text=[1, 2, 3])
    docs = DocumentSet(
        found=3,
        max_documents=25,
        documents=[
            PublishedDocument(url="https://augustaga.gov/fees.pdf", kind="pdf", sha256="a" * 64, pdf=good),
            PublishedDocument(url="https://augustaga.gov/minutes.pdf", kind="pdf", sha256="b" * 64, pdf=scanned),
            PublishedDocument(
                url="https://augustaga.gov/old.pdf", kind="pdf", status="not_assessable", reason="damaged"
            ),
        ],
    )
    newest = max(r.crawl.id for r in store.history("ga") if r.crawl.target_url.startswith("https://augustaga.gov"))
    store.set_site(newest, store.load_site(newest).model_copy(update={"documents": docs}), 9)
    augusta = next(r for r in status(store, today=TODAY, portfolio="ga").rows if r.entity == "City of Augusta")
    assert (augusta.documents_checked, augusta.documents_failing) == (2, 1)
    assert augusta.documents_text.startswith("1 of 2 checked documents fail")
    row = next(r for r in csv.DictReader(io.StringIO(render_csv([augusta]))))
    assert (row["documents_checked"], row["documents_failing"]) == ("2", "1")
