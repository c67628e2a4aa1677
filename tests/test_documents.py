"""PDF facts read from files the tests build (tests/pdfs.py), and the bounded parser process."""

from __future__ import annotations

import io
import time
from datetime import date

import pytest
from pdfs import good_pdf, make_pdf, pdf_bomb, stream_bomb

from crawlers.documents import Candidate, ParserProcess, describe_content, is_document_url, rank, sniff
from crawlers.pdffacts import NotAssessable, pdf_facts
from maturity.core.documents import PublishedDocument, may_be_pre_existing


def test_a_tagged_pdf_with_every_fact():
    facts = pdf_facts(
        good_pdf(pdfua=True, producer="Word 2021", created="D:20200131120000-05'00'", modified="D:20240102")
    )
    assert facts.pages == 3 and facts.pages_with_text == 3 and facts.pages_without_text == []
    assert facts.tagged and facts.has_struct_tree and facts.marked
    assert facts.title == "Annual report 2026" and facts.display_doc_title
    assert facts.lang == "en-US"
    assert (facts.figures, facts.figures_without_alt, facts.headings) == (2, 0, 2)
    assert facts.bookmarks == 3
    assert [(f.name, f.tooltip) for f in facts.form_fields] == [("name", True)]
    assert facts.pdfua_part == 1 and facts.producer == "Word 2021"
    assert facts.created == "2020-01-31T12:00:00-05:00" and facts.modified == "2024-01-02T00:00:00+00:00"
    assert not facts.encrypted and not facts.blocks_assistive_tech


def test_an_untagged_scan():
    facts = pdf_facts(make_pdf(pages=2, text=False))
    assert not facts.tagged and not facts.has_struct_tree
    assert facts.pages_with_text == 0 and facts.pages_without_text == [1, 2]
    assert facts.title is None and facts.lang is None and facts.bookmarks == 0


def test_a_partly_scanned_pdf_lists_its_pages_without_text():
    facts = pdf_facts(make_pdf(pages=4, scanned_pages=[2, 4]))
    assert facts.pages_with_text == 2 and facts.pages_without_text == [2, 4]


def test_marked_without_a_structure_tree_is_not_tagged():
    facts = pdf_facts(make_pdf(marked=True))
    assert facts.marked and not facts.has_struct_tree and not facts.tagged


def test_figures_without_alt_and_fields_without_names():
    facts = pdf_facts(make_pdf(tagged=True, figures=3, figures_with_alt=1, fields=[("a", "Name"), ("b", None)]))
    assert (facts.figures, facts.figures_without_alt) == (3, 2)
    assert [(f.name, f.tooltip) for f in facts.form_fields] == [("a", True), ("b", False)]


def test_encryption_that_blocks_assistive_technology():
    assert pdf_facts(make_pdf(encrypt_owner_only=True, allow_accessibility=False)).blocks_assistive_tech
    open_one = pdf_facts(make_pdf(encrypt_owner_only=True))
    assert open_one.encrypted and not open_one.blocks_assistive_tech


def test_a_password_and_damage_are_not_assessable():
    with pytest.raises(NotAssessable, match="encrypted: a password"):
        pdf_facts(make_pdf(user_password="secret"))
    with pytest.raises(NotAssessable, match="damaged"):
        pdf_facts(b"%PDF-1.7\nthis is not a PDF at all\n%%EOF")


def test_signatures_not_names():
    assert sniff(make_pdf()) == "pdf"
    assert sniff(b"<!doctype html><title>Error</title>") is None
    assert describe_content(b"<!doctype html><html>") == "an HTML page"
    assert is_document_url("https://a.example/x.pdf", "")
    assert is_document_url("https://a.example/download?id=3", "application/pdf")
    assert not is_document_url("https://a.example/photo.jpg", "image/jpeg")


def test_the_most_linked_come_first():
    ranked = rank(
        [
            Candidate("https://a.example/b.pdf", ("p1",)),
            Candidate("https://a.example/a.pdf", ("p1", "p2", "p3")),
            Candidate("https://a.example/s.pdf", (), in_sitemap=True),
            Candidate("https://a.example/c.pdf", ("p1",)),
        ]
    )
    assert [c.url.rsplit("/", 1)[-1] for c in ranked] == ["a.pdf", "b.pdf", "c.pdf", "s.pdf"]


def test_pre_existing_is_marked_never_dropped():
    old = pdf_facts(make_pdf(created="D:20190101", modified="D:20200601"))
    doc = PublishedDocument(url="https://a.example/minutes-2020.pdf", kind="pdf", pdf=old)
    note = may_be_pre_existing(doc, date(2027, 4, 26))
    assert note is not None and "may be pre-existing" in note and "2020-06-01" in note
    form = doc.model_copy(update={"url": "https://a.example/permit-application.pdf"})
    assert "does not cover" in (may_be_pre_existing(form, date(2027, 4, 26)) or "")
    changed = doc.model_copy(update={"last_modified": "Mon, 03 May 2027 10:00:00 GMT"})
    assert may_be_pre_existing(changed, date(2027, 4, 26)) is None  # the server says it changed since
    assert may_be_pre_existing(PublishedDocument(url="https://a.example/x.pdf"), date(2027, 4, 26)) is None


# ---------------------------------------------------------------------------
# The parser process: bounded in time and memory
# ---------------------------------------------------------------------------


def test_the_parser_process_reads_a_300_page_pdf():
    with ParserProcess(timeout=30) as parser:
        facts, reason = parser.parse(make_pdf(pages=300, scanned_pages=[150]))
    assert reason is None and facts is not None
    assert facts.pages == 300 and facts.pages_without_text == [150]


def test_a_cyclic_deeply_nested_structure_tree_ends_at_the_cap():
    started = time.monotonic()
    with ParserProcess(timeout=30) as parser:
        facts, reason = parser.parse(pdf_bomb(50_000))
    assert reason is None and facts is not None
    assert facts.structure_truncated and facts.structure_elements > 20_000 - 1
    assert time.monotonic() - started < 20


def test_a_stream_bomb_is_too_complex_and_the_next_file_still_parses():
    bomb = stream_bomb(600)  # 600 MB once inflated, against a 300 MB limit
    with ParserProcess(timeout=30, memory_mb=300) as parser:
        facts, reason = parser.parse(bomb)
        assert facts is None and reason is not None and reason.startswith("too complex")
        again, none = parser.parse(good_pdf())
        assert none is None and again is not None and again.tagged
        assert parser.started == 2  # the first child ended; a new one took over


def test_a_parse_that_takes_too_long_is_stopped():
    long_one = pdf_bomb(50_000)  # about 0.2 s to walk, warm
    with ParserProcess(timeout=30) as parser:
        assert parser.parse(good_pdf())[1] is None  # the child is up and warm: what follows times the parse
        parser.timeout = 0.02
        facts, reason = parser.parse(long_one)
        assert facts is None and reason == "too complex: parsing took longer than 0.02 s"
        parser.timeout = 30
        assert parser.parse(good_pdf())[1] is None and parser.started == 2  # a new child took over


def test_the_run_summary_counts_the_document_requests():
    from maturity.core.explain import crawl_effort

    rows = dict(crawl_effort({"requests_discovery": 8, "requests_documents": 2, "requests_rendering": 2}, 2))
    assert rows["Requests to the site"] == "12: discovery 8, documents 2, rendering 2; 6.0 per page"


def test_the_run_summary_says_whether_the_crawl_signed_in():
    from maturity.core.explain import crawl_effort

    def said(**login):
        return dict(crawl_effort({"login": {"journey": "sign-in", **login}}, 2))["Signed in"]

    assert said(signed_in=True, renewals=0) == "with the login journey sign-in"
    assert said(signed_in=True, renewals=1).endswith("the session ended and it signed in again 1 time")
    assert said(signed_in=False, renewals=0).startswith("no: the login journey sign-in did not complete")
    assert "after signing in again 5 times, the most a run does" in said(signed_in=False, renewals=5, gave_up=True)
    assert "Signed in" not in dict(crawl_effort({"requests_discovery": 1}, 1))


# ---------------------------------------------------------------------------
# Word, PowerPoint and Excel
# ---------------------------------------------------------------------------


def test_a_word_file_with_and_without_alt_text_and_headings():
    from pdfs import make_docx

    from crawlers.officefacts import office_facts

    good = office_facts(
        make_docx(title="Licence guide", lang="en-US", images_alt=["Map of the lakes"], headings=2, decorative=1),
        "docx",
    )
    assert (good.title, good.lang, good.headings, good.paragraphs) == ("Licence guide", "en-US", 2, 3)
    assert (good.images, good.images_without_alt) == (2, 0)  # the decorative one needs none
    bad = office_facts(make_docx(images_alt=[None, "Chart"]), "docx")
    assert bad.title is None and bad.lang is None and bad.headings == 0
    assert (bad.images, bad.images_without_alt) == (2, 1)


def test_a_presentation_and_a_workbook():
    from pdfs import make_pptx, make_xlsx

    from crawlers.officefacts import office_facts

    slides = office_facts(make_pptx(title="Budget", slide_titles=["Budget", None, "Next"], images_alt=[None]), "pptx")
    assert (slides.slides, slides.slides_without_title, slides.images_without_alt) == (3, [2], 1)
    book = office_facts(make_xlsx(sheets=["Fees 2026", "Sheet2"]), "xlsx")
    assert book.sheets == ["Fees 2026", "Sheet2"] and book.title is None


def test_office_bombs_and_damage_are_not_assessable():
    import zipfile as zf

    from pdfs import make_docx

    from crawlers.officefacts import NotAssessable, office_facts

    out = io.BytesIO()
    # 200 MB of one byte, a few hundred kilobytes packed
    with zf.ZipFile(out, "w", zf.ZIP_DEFLATED) as z, z.open("word/document.xml", "w", force_zip64=True) as part:
        for _ in range(200):
            part.write(b" " * (1 << 20))
    with pytest.raises(NotAssessable, match="too large"):
        office_facts(out.getvalue(), "docx")
    assert office_facts(make_docx(), "docx").paragraphs == 1
    laughs = '<!ENTITY e0 "lol">' + "".join(f'<!ENTITY e{n} "{f"&e{n - 1};" * 10}">' for n in range(1, 10))
    bomb = io.BytesIO()  # "billion laughs": 10^9 copies of "lol" once expanded
    with zf.ZipFile(bomb, "w") as z:
        z.writestr(
            "word/document.xml",
            f"<!DOCTYPE d [{laughs}]>"
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            "<w:p><w:r><w:t>&e9;</w:t></w:r></w:p></w:body></w:document>",
        )
    started = time.monotonic()
    try:  # not expanded: libxml2 refuses the amplification, or keeps the reference as it is
        assert office_facts(bomb.getvalue(), "docx").paragraphs <= 1
    except NotAssessable as exc:
        assert "entity" in str(exc)
    assert time.monotonic() - started < 2
    with pytest.raises(NotAssessable, match="damaged"):
        office_facts(b"PK\x03\x04 not really a zip", "docx")


def test_the_parser_process_reads_office_files():
    from pdfs import make_docx

    with ParserProcess(timeout=30) as parser:
        facts, reason = parser.parse(make_docx(title="Guide", images_alt=[None]), "docx")
    assert reason is None and facts is not None and facts.title == "Guide"


def test_the_checks_compliance_date_is_the_title_ii_rules_first():
    from maturity.core.checks.documents._judge import COMPLIANCE_DATE
    from maturity.core.title2 import LARGE_ENTITY_DATE

    assert date.fromisoformat(COMPLIANCE_DATE) == LARGE_ENTITY_DATE
