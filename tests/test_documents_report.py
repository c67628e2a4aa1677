"""The scorecard's "Documents" section (reports/documents_html.py, reports/templates/_documents.html.j2):
failing documents with what is wrong, the pages linking to them and the pre-existing mark; the documents
that could not be assessed; and findings of document checks labelled as documents, not pages."""

from __future__ import annotations

import json

import lxml.html
from factories import page, site

from maturity.core.documents import DocumentSet, OfficeFacts, PdfFacts, PublishedDocument
from maturity.core.model import RunInfo
from maturity.core.rubric import builtin_rubric
from maturity.core.scoring import score
from reports.documents_html import documents_view
from reports.html import render_html, safe_href

ORIGIN = "https://agency.example.gov"
GOOD_PDF = PdfFacts(
    pages=1,
    tagged=True,
    has_struct_tree=True,
    marked=True,
    title="Budget",
    display_doc_title=True,
    lang="en-US",
    pages_with_text=1,
)


def refs(n: int) -> list[str]:
    return [f"{ORIGIN}/page-{i:02d}" for i in range(n)]


def doc(name: str, n_refs: int, **kw: object) -> PublishedDocument:
    return PublishedDocument(url=f"{ORIGIN}/{name}", urls=[f"{ORIGIN}/{name}"], referrers=refs(n_refs), **kw)


def documents() -> DocumentSet:
    return DocumentSet(
        found=6,
        max_documents=5,
        documents=[
            doc("budget.pdf", 9, kind="pdf", pdf=GOOD_PDF),
            doc(
                "scan.pdf",
                2,
                kind="pdf",
                last_modified="Tue, 01 Jan 2019 00:00:00 GMT",
                pdf=PdfFacts(pages=3, pages_with_text=0, pages_without_text=[1, 2, 3]),
            ),
            doc(
                "permit.pdf",
                7,
                kind="pdf",
                link_texts=["Apply for a permit"],
                pdf=GOOD_PDF.model_copy(update={"title": "Permit application", "lang": None}),
            ),
            doc(
                "plan.docx", 1, kind="docx", office=OfficeFacts(title="Plan", lang="en", images=2, images_without_alt=1)
            ),
            doc(
                "locked.pdf",
                4,
                kind="pdf",
                status="not_assessable",
                reason="encrypted: a password is needed to open it",
            ),
        ],
    )


def render(docs: DocumentSet | None) -> lxml.html.HtmlElement:
    card = score(builtin_rubric("documents"), [page(f"{ORIGIN}/")], site().model_copy(update={"documents": docs}))
    return lxml.html.fromstring(render_html(RunInfo(crawl_id=3, target_url=f"{ORIGIN}/"), card, documents=docs))


def text(el: lxml.html.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def test_failing_documents_are_listed_most_linked_first_with_every_problem_and_their_pages():
    section = render(documents()).get_element_by_id("documents")
    failing, unassessed = section.findall(".//table")
    rows = failing.findall("./tbody/tr")
    names = [text(r.find("th")) for r in rows]
    assert [n.split()[0] for n in names] == ["Permit", "scan.pdf", "Plan"]  # 7, 2 and 1 linking pages; budget passes
    permit, scan, plan = (r.findall("td") for r in rows)
    assert "no language (/Lang)" in text(permit[0]) and "pdf-language" in text(permit[0])
    assert "untagged" not in text(permit[0])  # only what is wrong with this document
    for problem in ("untagged: no structure tree", "no document title", "no text on any of its 3 page(s)"):
        assert problem in text(scan[0])
    assert "1 of 2 picture(s) have no alternative text" in text(plan[0])
    # The first five linking pages at once, the others behind a disclosure; every one a link.
    assert "7 pages" in text(permit[1])
    shown = [a.get("href") for a in permit[1].xpath("./ul/li/a")]
    hidden = [a.get("href") for a in permit[1].xpath("./details//a")]
    assert shown == refs(7)[:5] and hidden == refs(7)[5:]
    assert text(scan[2]).startswith("may be pre-existing: last changed 2019-01-01, before 2027-04-26")
    assert text(permit[2]) == "No; looks like a form or application"
    assert "1 of 4 assessable documents pass every document check" in text(section)
    # Not assessed: listed with the reason, counted neither way.
    locked = unassessed.find("./tbody/tr")
    assert "locked.pdf" in text(locked.find("th"))
    status, reason = (text(td) for td in locked.findall("td")[:2])
    assert (status, reason) == ("Not assessable", "encrypted: a password is needed to open it")


def test_the_section_is_accessible_tables_without_script():
    doc = render(documents())
    section = doc.get_element_by_id("documents")
    assert section.get("aria-labelledby") == "documents-heading" and section.find("h2").text == "Documents"
    for table in section.findall(".//table"):
        assert table.find("caption") is not None and table.find("caption").text_content().strip()
        assert all(th.get("scope") == "col" for th in table.findall("./thead/tr/th"))
        assert all(tr.find("th").get("scope") == "row" for tr in table.findall("./tbody/tr"))
    assert not doc.xpath("//script")
    assert doc.xpath("//nav//a[@href='#documents']")


def test_without_collected_documents_there_is_no_section():
    doc = render(None)
    assert not doc.xpath("//*[@id='documents']") and not doc.xpath("//nav//a[@href='#documents']")


def test_all_passing_says_so():
    docs = DocumentSet(found=1, max_documents=25, documents=[doc("budget.pdf", 1, kind="pdf", pdf=GOOD_PDF)])
    section = render(docs).get_element_by_id("documents")
    assert "Every assessable document passes the document checks." in text(section)
    assert not section.findall(".//table")


def test_document_findings_name_a_document_not_a_page_or_code():
    doc = render(documents())
    findings = doc.get_element_by_id("findings")
    labels = {text(p).split(":")[0] for p in findings.find_class("instance-page")}
    assert labels == {"Document", "Site"}
    scan = next(li for li in findings.xpath(".//li") if "scan.pdf" in text(li))
    assert "Title or file name: scan.pdf" in text(scan) and "Code:" not in text(scan)


def test_page_findings_keep_their_page_and_code_labels():
    card = score(builtin_rubric("default"), [page(f"{ORIGIN}/")], site())
    html = render_html(RunInfo(crawl_id=3, target_url=f"{ORIGIN}/"), card)
    labels = {text(p).split(":")[0] for p in lxml.html.fromstring(html).find_class("instance-page")}
    assert labels <= {"Page"} and "Document:" not in html


def test_a_document_url_that_is_not_http_is_shown_not_linked():
    bad = PublishedDocument(
        url="javascript:alert(1)", referrers=["javascript:alert(2)"], kind="pdf", pdf=PdfFacts(pages=1)
    )
    view = documents_view(DocumentSet(documents=[bad]), None, safe_href)
    assert view.failing[0].link.href is None and view.failing[0].referrers[0].href is None
    section = render(DocumentSet(documents=[bad])).get_element_by_id("documents")
    assert not section.xpath(".//a[starts-with(@href, 'javascript')]") and "javascript:alert(1)" in text(section)


def test_the_compliance_date_comes_from_the_parameters():
    later = documents_view(documents(), {"compliance_date": "2018-06-01", "min_pages": 10}, safe_href)
    assert all(r.pre_existing is None for r in later.failing)  # nothing changed before 2018-06-01
    assert later.compliance_date == "2018-06-01"


# ---------------------------------------------------------------------------
# Over time: the agency page's documents trend and the CSV export's document columns
# ---------------------------------------------------------------------------


def store_with_documents(tmp_path):
    import sys as _sys
    from pathlib import Path

    _sys.path.insert(0, str(Path(__file__).parent))
    from test_history import small_portfolio

    from maturity.store import Store

    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    ids = small_portfolio(store)
    bad = documents()  # 1 of 4 assessable pass
    good = DocumentSet(documents=[doc("budget.pdf", 1, kind="pdf", pdf=GOOD_PDF)])  # 1 of 1
    for key, docs in (("dnr1", bad), ("dnr3", good)):
        crawl = store.crawl(ids[key])
        facts = store.load_site(ids[key]).model_copy(update={"documents": docs})
        store.set_site(ids[key], facts, crawl.pages_found)
    return store, ids


def test_the_csv_export_has_each_runs_document_figures(tmp_path):
    import csv
    import io

    from maturity.run.publish import export

    store, ids = store_with_documents(tmp_path)
    text, _ = export(store, "csv", method="mean")
    table = {int(r["run"]): r for r in csv.DictReader(io.StringIO(text))}
    first, second, last = table[ids["dnr1"]], table[ids["dnr2"]], table[ids["dnr3"]]
    assert (first["documents_collected"], first["documents_assessed"], first["documents_passing"]) == ("5", "4", "1")
    assert first["documents_share"] == "25.0" and last["documents_share"] == "100.0"
    assert second["documents_collected"] == "" and second["documents_share"] == ""  # collected none: no figure
    assert (first["documents_found"], first["documents_not_assessable"]) == ("6", "1")


def test_the_json_export_has_each_runs_document_figures(tmp_path):
    import json

    from maturity.run.publish import export

    store, ids = store_with_documents(tmp_path)
    text_, _ = export(store, "json", method="mean")
    runs = {r["run"]: r for agency in json.loads(text_)["agencies"] for site_ in agency["sites"] for r in site_["runs"]}
    assert runs[ids["dnr1"]]["documents"] == {
        "found": 6,  # linked or listed, before --max-documents 5
        "collected": 5,
        "checked": 4,
        "passing": 1,
        "not_assessable": 1,  # locked.pdf
        "share_passing": 25.0,
    }
    assert runs[ids["dnr3"]]["documents"]["share_passing"] == 100.0
    assert runs[ids["dnr2"]]["documents"] is None  # collected none: no figures, not zeros


def test_the_agency_page_shows_the_share_of_documents_passing_over_time(tmp_path):
    from maturity.run.publish import build

    store, ids = store_with_documents(tmp_path)
    build(store, tmp_path / "site", method="mean", title="Scorecards")
    page_ = lxml.html.parse(str(tmp_path / "site" / "agency" / "department-of-natural-resources.html")).getroot()
    heading = page_.xpath("//h3[normalize-space()='Documents passing over time']")
    assert len(heading) == 1
    table = heading[0].getparent().xpath(".//table[caption[contains(., 'documents at each run')]]")[0]
    rows = [[text(c) for c in tr] for tr in table.findall("./tbody/tr")]
    assert [r[1:] for r in rows] == [["5", "4", "1", "25 %"], ["1", "1", "1", "100 %"]]  # run 2 collected none
    svg = page_.xpath("//svg[.//title[contains(., 'passing every document check')]]")
    assert len(svg) == 1 and svg[0].get("role") == "img"
    # Each run page of the site is the full scorecard, with its Documents section when it collected them.
    run_page = lxml.html.parse(str(tmp_path / "site" / "run" / f"{ids['dnr1']}.html")).getroot()
    assert "scan.pdf" in text(run_page.get_element_by_id("documents"))
    assert (
        not lxml.html.parse(str(tmp_path / "site" / "run" / f"{ids['dnr2']}.html"))
        .getroot()
        .xpath("//*[@id='documents']")
    )


def test_rescore_and_report_write_the_documents_section(tmp_path):
    import jsonschema

    from maturity.run.scoring import report, rescore
    from reports.json_report import json_schema

    store, ids = store_with_documents(tmp_path)
    _, _, paths = rescore(store, ids["dnr1"], builtin_rubric("documents"), tmp_path / "out")
    assert "scan.pdf" in text(lxml.html.parse(str(paths["html"])).getroot().get_element_by_id("documents"))
    _, _, again = report(store, ids["dnr2"], tmp_path / "out")  # a run that collected none: no section
    assert not lxml.html.parse(str(again["html"])).getroot().xpath("//*[@id='documents']")
    scorecard = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert scorecard["documents"]["checked"] == 4 and scorecard["documents"]["passing"] == 1
    jsonschema.validate(scorecard, json_schema())  # `maturity schema` describes the figures
    assert json.loads(again["json"].read_text(encoding="utf-8"))["documents"] is None


def test_rescoring_saved_artifacts_keeps_the_documents(tmp_path):
    """``maturity rescore --artifacts``: the saved site facts carry the documents with their facts,
    so the scorecard written from the files alone has its Documents section and figures."""
    from maturity.run.artifacts import load_artifacts, rescore_artifacts, save_artifacts
    from maturity.run.scoring import rescore

    store, ids = store_with_documents(tmp_path)
    folder = save_artifacts(store, ids["dnr1"], tmp_path / "artifacts")
    assert load_artifacts(folder)[1].documents == documents()  # the facts, not only the URLs
    rubric = builtin_rubric("documents")
    _, stored_card, stored = rescore(store, ids["dnr1"], rubric, tmp_path / "stored")
    _, card, paths = rescore_artifacts(folder, rubric, tmp_path / "files")
    # the stored scoring keeps its findings apart (finding_blobs); the same findings either way
    assert list(card.iter_findings()) == list(stored_card.iter_findings())
    # scored as an audit scores: the findings were spilled, not kept in the scorecard in memory
    assert card.findings == [] and card.finding_count == len(list(stored_card.iter_findings())) > 0
    apart = {"findings": [], "finding_count": None, "finding_blobs": []}
    assert card.model_copy(update=apart).model_dump() == stored_card.model_copy(update=apart).model_dump()
    section = lxml.html.parse(str(paths["html"])).getroot().get_element_by_id("documents")
    assert text(section) == text(lxml.html.parse(str(stored["html"])).getroot().get_element_by_id("documents"))
    assert "scan.pdf" in text(section)
    assert json.loads(paths["json"].read_text(encoding="utf-8"))["documents"]["share_passing"] == 25.0
