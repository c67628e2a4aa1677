"""Documents in a whole audit (shared browser, a fixture site on 127.0.0.1): parsed while the pages
render, their facts reused by the next run of the site, and a stopped run's documents fetched and
read on ``resume``."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from pdfs import good_pdf, make_pdf
from sites import Resource, SiteServer, html

from crawlers.documents import BackgroundParser
from maturity.core.rubric import builtin_rubric
from maturity.core.settings import AuditSettings
from maturity.run import documents as run_documents
from maturity.run.audit import audit, resume
from maturity.store import Store

PDF = "application/pdf"
REPORT = good_pdf(title="Annual report")
SCAN = make_pdf(pages=2, text=False)


def routes() -> dict:
    links = "<p><a href='/report.pdf'>Annual report</a></p><p><a href='/scan.pdf'>Notice</a></p>"
    return {
        "/": html("Documents fixture home", f"<h1>Home</h1>{links}<p><a href='/about'>About us</a></p>"),
        "/about": html("About the documents fixture", f"<h1>About</h1>{links}<p><a href='/contact'>Contact</a></p>"),
        "/contact": html("Contact the documents fixture", "<h1>Contact</h1><p>Write to us.</p>"),
        "/report.pdf": Resource(REPORT, content_type=PDF),
        "/scan.pdf": Resource(SCAN, content_type=PDF),
    }


def settings(url: str, pages: int = 2) -> AuditSettings:
    return AuditSettings(
        url=url,
        max_pages=pages,
        concurrency=1,
        throttle="none",
        perf_pages=1,
        user_agent="maturity-tests",
        page_timeout=15,
    )


@pytest.mark.browser
def test_documents_parse_while_pages_render_and_a_later_run_reuses_their_facts(shared_browser, tmp_path, monkeypatch):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    rendered = threading.Event()  # set when the browser's first page is stored
    add_page = store.add_page

    def add_page_and_tell(*args, **kwargs):
        add_page(*args, **kwargs)
        rendered.set()

    monkeypatch.setattr(store, "add_page", add_page_and_tell)
    gate: list[bool] = []

    class AfterFirstPage(BackgroundParser):
        """Parses only once a page was rendered: an audit that waited for its documents before
        rendering would never get there (the gate would time out and say so)."""

        def _parse(self, kind, body):
            gate.append(rendered.wait(20))
            return super()._parse(kind, body)

    monkeypatch.setattr(run_documents, "BackgroundParser", AfterFirstPage)
    rubric = builtin_rubric("documents")
    with SiteServer(routes()) as server:
        first = audit(settings(server.url("/")), store, rubric, tmp_path / "out", browser=shared_browser)
        timings = first.run.timings
        assert gate == [True, True]  # both parsed after a page was rendered, none before
        assert timings["documents_parsed"] == 2 and timings["documents_reused"] == 0
        assert 0 < timings["documents_parse_overlap_s"] <= timings["documents_parse_s"]
        assert "documents_parse_wait_s" in timings
        docs = {d.url.rsplit("/", 1)[-1]: d for d in store.load_site(first.crawl_id).documents.documents}
        assert docs["report.pdf"].status == "ok" and docs["report.pdf"].pdf.title == "Annual report"
        assert docs["scan.pdf"].pdf.pages_with_text == 0
        results = {r.check_id: r for r in first.scorecard.results}
        assert results["pdf-text-layer"].items[-1].url.endswith("/scan.pdf")  # scored with the facts
        html_report = first.report_paths["html"].read_text(encoding="utf-8")
        assert 'id="documents"' in html_report and "scan.pdf" in html_report

        monkeypatch.setattr(run_documents, "BackgroundParser", BackgroundParser)
        kept = store.load_site(first.crawl_id)

        # A later run of the site, stopped before its documents were parsed: they are pending (their
        # bytes are not kept). Resume fetches them again and, the bytes being the same, takes the
        # facts the first run kept by hash instead of parsing them.
        stopped = store.begin_crawl(server.url("/"), settings=settings(server.url("/")).recorded(), tool_version="t")
        pending = kept.documents.model_copy(
            update={
                "documents": [
                    d.model_copy(update={"status": "pending", "pdf": None, "reason": "not read yet"})
                    for d in kept.documents.documents
                ]
            }
        )
        store.set_site(stopped, kept.model_copy(update={"documents": pending}), 2)
        for page in store.load_pages(first.crawl_id):
            add_page(stopped, page)
        store.update_crawl(stopped, timings={"page_gap_s": 0.0})
        before = len(server.requests)
        resumed = resume(store, stopped, rubric, tmp_path / "out", browser=shared_browser)
        fetched = [p for m, p in server.requests[before:]]
        assert sorted(fetched) == ["/report.pdf", "/scan.pdf"]  # the documents again, once each; no page
        assert resumed.run.timings["documents_reused"] == 2 and resumed.run.timings["documents_parsed"] == 0
        back = store.load_site(stopped).documents
        assert back.documents == kept.documents.documents  # none lost, the same facts
        assert back.requests == kept.documents.requests + 2
        results = {r.check_id: r for r in resumed.scorecard.results}
        assert results["pdf-text-layer"].items[-1].url.endswith("/scan.pdf")


def test_the_parser_never_holds_the_event_loop():
    """While a 300-page PDF is parsed, an event loop in this process keeps beating (a loop held by
    the parse would show no beat between the parse's start and end)."""
    big = make_pdf(pages=300, tagged=True, title="Long")

    async def beat(parsing: BackgroundParser) -> list[float]:
        ticks = [time.monotonic()]
        while not parsing.finished():
            await asyncio.sleep(0.02)
            ticks.append(time.monotonic())
        return ticks

    with BackgroundParser(timeout=60) as parsing:
        parsing.submit("big", "pdf", big)
        ticks = asyncio.run(beat(parsing))
        ((facts, reason),) = parsing.join().values()
    assert reason is None and facts is not None and facts.pages == 300
    ((start, end),) = parsing.spans
    assert len([t for t in ticks if start < t < end]) >= 3  # the loop beat on while the file was parsed


def test_a_stopped_parser_drops_what_it_had_not_read():
    """A run that stops stores only the documents parsed by then; the rest stay pending for resume."""
    with BackgroundParser(timeout=60) as parsing:
        parsing.submit("long", "pdf", make_pdf(pages=300))
        parsing.submit("report", "pdf", REPORT)
        began = time.monotonic()
        parsing.close()
    assert time.monotonic() - began < 5  # the child is stopped, not waited for
    assert parsing.finished() == {} and parsing.join() == {}
