"""The document collector on a fixture site served on 127.0.0.1: discovery, then the documents step
of the workflow (no browser), then the documents rubric and the HTML scorecard."""

from __future__ import annotations

import lxml.html
import pytest
from factories import page, site
from pdfs import good_pdf, make_docx, make_pdf
from sites import Resource, SiteServer, html

from crawlers.discover import DiscoverySettings, discover
from crawlers.documents import Candidate, DocumentSettings, collect_documents
from crawlers.netpolicy import AddressPolicy
from crawlers.transport import make_client
from maturity.core.documents import DocumentSet, PublishedDocument
from maturity.core.model import Outcome, RunInfo
from maturity.core.rubric import builtin_rubric
from maturity.core.scoring import score
from maturity.core.settings import AuditSettings
from maturity.kernel.errors import UsageError
from maturity.run.documents import candidates, collect_site_documents
from reports.html import render_html

UA = "maturity-tests"
PDF = "application/pdf"

GOOD = good_pdf()
PERMIT = good_pdf(fields=[("applicant", "Applicant's full name"), ("dob", None)], title="Permit application")
SCAN = make_pdf(pages=2, text=False)
OLD_MINUTES = make_pdf(pages=1, created="D:20190101", modified="D:20190301")
LOCKED = make_pdf(user_password="secret")


def docx() -> bytes:
    return make_docx(title="Plan", lang="en", images_alt=[None])


def routes(big: bytes) -> dict[str, Resource | str]:
    links = {
        "/": [
            "/reports/annual.pdf",
            "/forms/permit.pdf",
            "/scan.pdf",
            "/minutes-2019.pdf",
            "/fake.pdf",
            "/big.pdf",
            "/broken.pdf",
            "/locked.pdf",
            "/copy.pdf",
            "/private/secret.pdf",
            "/plan.docx",
            "/download?id=7",
            "/about",
        ],
        "/about": ["/forms/permit.pdf", "/scan.pdf", "/reports/annual.pdf", "/"],
        "/contact": ["/forms/permit.pdf", "/"],
    }
    pages: dict[str, Resource | str] = {
        path: html(path, "".join(f"<p><a href='{href}'>{href}</a></p>" for href in hrefs))
        for path, hrefs in links.items()
    }
    pages["/about"] = html(
        "About",
        "<p><a href='/forms/permit.pdf'>Apply for a permit</a></p>"
        "<p><a href='/scan.pdf'>Old notice</a></p><p><a href='/reports/annual.pdf'>Report</a>"
        "</p><p><a href='/contact'>Contact</a></p>",
    )
    return {
        **pages,
        "/robots.txt": Resource("User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
        "/sitemap.xml": Resource(
            "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            "<url><loc>{o}/</loc></url><url><loc>{o}/sitemap-only.pdf</loc></url></urlset>",
            content_type="application/xml",
        ),
        "/reports/annual.pdf": Resource(GOOD, content_type=PDF),
        "/copy.pdf": Resource(GOOD, content_type=PDF),
        "/forms/permit.pdf": Resource(PERMIT, content_type=PDF),
        "/scan.pdf": Resource(SCAN, content_type=PDF),
        "/minutes-2019.pdf": Resource(
            OLD_MINUTES, content_type=PDF, headers={"Last-Modified": "Fri, 01 Mar 2019 10:00:00 GMT"}
        ),
        "/fake.pdf": Resource(html("Error", "<p>Sorry, that file has moved.</p>"), content_type=PDF),
        "/big.pdf": Resource(big, content_type=PDF),
        "/broken.pdf": Resource(GOOD[: len(GOOD) // 2], content_type=PDF),
        "/locked.pdf": Resource(LOCKED, content_type=PDF),
        "/private/secret.pdf": Resource(GOOD, content_type=PDF),
        "/plan.docx": Resource(docx(), content_type="application/octet-stream"),
        "/download": Resource(good_pdf(title="Downloaded"), content_type=PDF),
        "/sitemap-only.pdf": Resource(make_pdf(title="In the sitemap only"), content_type=PDF),
    }


@pytest.fixture(scope="module")
def collected():
    big = make_pdf(pages=60)
    server = SiteServer(routes(big))
    with server:
        sitemap = server.routes["/sitemap.xml"]
        assert isinstance(sitemap, Resource) and isinstance(sitemap.body, str)
        sitemap.body = sitemap.body.replace("{o}", server.origin)
        client = make_client(user_agent=UA, page_timeout=10, policy=AddressPolicy("127.0.0.1"), loopback_only=True)
        settings = AuditSettings(
            url=server.origin + "/", max_documents=25, max_document_bytes=len(big) - 1, user_agent=UA, page_timeout=10
        )
        with client:
            found = discover(client, settings.url, DiscoverySettings(user_agent=UA, max_pages=10))
            before = len(server.requests)
            with_docs, _seconds = collect_site_documents(client, found, settings)
        yield server, found, with_docs, server.requests[before:]


def by_name(docs: DocumentSet) -> dict[str, PublishedDocument]:
    return {u.rsplit("/", 1)[-1]: d for d in docs.documents for u in d.urls}


def test_every_linked_and_listed_document_is_a_candidate(collected):
    server, found, _, _ = collected
    urls = {c.url[len(server.origin) :] for c in candidates(found)}
    assert {
        "/reports/annual.pdf",
        "/forms/permit.pdf",
        "/scan.pdf",
        "/plan.docx",
        "/sitemap-only.pdf",
        "/download?id=7",
    } <= urls
    assert "/private/secret.pdf" not in urls  # robots.txt disallows it
    permit = next(c for c in candidates(found) if c.url.endswith("/forms/permit.pdf"))
    assert len(set(permit.referrers)) == 3  # home, about and contact


def test_documents_are_stored_once_with_their_referrers_most_linked_first(collected):
    server, _, found, _ = collected
    docs = found.site.documents
    assert docs is not None
    annual = by_name(docs)["annual.pdf"]
    assert annual is by_name(docs)["copy.pdf"]  # the same bytes at two URLs: one document
    assert [u[len(server.origin) :] for u in annual.urls] == ["/reports/annual.pdf", "/copy.pdf"]
    assert annual.referrers == sorted({server.url("/"), server.url("/about")})
    assert docs.documents[0].url.endswith("/forms/permit.pdf")  # linked from 3 pages
    assert by_name(docs)["sitemap-only.pdf"].in_sitemap
    assert by_name(docs)["download?id=7"].pdf.title == "Downloaded"  # a PDF by content type, no extension


def test_what_cannot_be_assessed_says_why(collected):
    _, _, found, _ = collected
    docs = by_name(found.site.documents)
    reasons = {name: docs[name].reason for name in ("fake.pdf", "big.pdf", "broken.pdf", "locked.pdf", "plan.docx")}
    assert reasons["fake.pdf"] == "mislabelled: served as application/pdf but the content is an HTML page"
    assert reasons["big.pdf"].startswith("too large: over")
    assert reasons["broken.pdf"].startswith("truncated")
    assert reasons["locked.pdf"] == "encrypted: a password is needed to open it"
    assert docs["plan.docx"].kind == "docx" and docs["plan.docx"].status == "ok"  # by its signature, not its type
    assert docs["plan.docx"].office is not None and docs["plan.docx"].office.images_without_alt == 1
    for name in ("fake.pdf", "big.pdf", "broken.pdf", "locked.pdf"):
        assert docs[name].status == "not_assessable" and docs[name].pdf is None


def test_only_allowed_documents_are_requested_once_each(collected):
    _, _, found, requests = collected
    paths = [p for _, p in requests]
    assert "/private/secret.pdf" not in paths
    assert len(paths) == len(set(paths))  # one request per document URL
    assert found.site.documents.requests == len(paths)


def test_max_documents_keeps_the_most_linked(collected):
    server, found, _, _ = collected
    client = make_client(user_agent=UA, page_timeout=10, policy=AddressPolicy("127.0.0.1"), loopback_only=True)
    sleeps: list[float] = []
    with client:
        docs, _ = collect_documents(
            client,
            candidates(found),
            DocumentSettings(max_documents=2, user_agent=UA, gap=0.5),
            allowed=lambda _url: None,
            sleep=sleeps.append,
        )
    assert [d.url[len(server.origin) :] for d in docs.documents] == ["/forms/permit.pdf", "/reports/annual.pdf"]
    assert docs.found > 2 and len(docs.skipped) == docs.found - 2
    assert sleeps == [0.5]  # the politeness gap between the two requests


def test_the_documents_rubric_scores_them_and_the_scorecard_names_referrers(collected):
    server, _, found, _ = collected
    card = score(builtin_rubric("documents"), [page(server.origin + "/")], found.site)
    results = {r.check_id: r for r in card.all_results()}
    assert results["pdf-text-layer"].outcome == Outcome.FAIL
    scan = [i for i in results["pdf-text-layer"].items if i.url.endswith("/scan.pdf")]
    assert scan and "no text on any of its 2 page(s)" in scan[0].detail and server.url("/about") in scan[0].detail
    assert results["pdf-form-field-names"].outcome == Outcome.FAIL
    assert "dob" in results["pdf-form-field-names"].items[1].detail
    untagged = {i.url.rsplit("/", 1)[-1]: i.detail for i in results["pdf-tagged"].items[1:]}
    assert "may be pre-existing" in untagged["minutes-2019.pdf"]
    assert "may be pre-existing" not in untagged["scan.pdf"]  # no dates: nothing to claim
    passing = results["documents-passing"]
    assert passing.outcome == Outcome.FAIL and passing.value is not None and 0 < passing.value < 1
    assert any("mislabelled" in i.detail for i in passing.items)  # listed, not counted
    assert results["office-image-alt"].outcome == Outcome.FAIL
    assert results["office-image-alt"].items[1].url.endswith("/plan.docx")
    report = render_html(RunInfo(crawl_id=1, target_url=server.origin + "/"), card, documents=found.site.documents)
    assert "scan.pdf" in report and "linked from 2 page(s)" in report
    section = lxml.html.fromstring(report).get_element_by_id("documents")
    failing, unassessed = section.findall(".//table")
    first = failing.find("./tbody/tr")
    assert "Permit application" in first.findtext("th") and "3 pages" in first.text_content()  # the most linked
    assert "dob" in first.text_content()
    assert "mislabelled" in unassessed.text_content() and "/locked.pdf" in unassessed.text_content()


def test_without_documents_the_checks_error_instead_of_passing():
    card = score(builtin_rubric("documents"), [page()], site())
    assert {r.outcome for r in card.all_results()} == {Outcome.ERROR}


def test_a_redirect_to_a_disallowed_url_is_not_followed():
    routes = {"/moved.pdf": Resource("", status=302, headers={"Location": "/private/report.pdf"})}
    with SiteServer(routes) as server:
        client = make_client(user_agent=UA, page_timeout=5, policy=AddressPolicy("127.0.0.1"), loopback_only=True)

        def allowed(url: str) -> str | None:
            return "disallowed by robots.txt" if "/private/" in url else None

        with client:
            docs, _ = collect_documents(
                client,
                [Candidate(server.url("/moved.pdf"), ("p",))],
                DocumentSettings(user_agent=UA),
                allowed=allowed,
            )
        assert docs.documents[0].reason == "not fetched: disallowed by robots.txt"
        assert server.paths() == ["/moved.pdf"]


def test_a_stored_runs_documents_as_csv(collected, tmp_path):
    import csv
    import io

    from click.testing import CliRunner

    from maturity.cli import cli
    from maturity.store import Store

    server, _, found, _ = collected
    db = f"sqlite:///{tmp_path / 'm.db'}"
    store = Store(db)
    crawl_id = store.begin_crawl(server.origin + "/", settings={}, tool_version="test")
    store.set_site(crawl_id, found.site, 3)
    result = CliRunner().invoke(cli, ["documents", str(crawl_id), "--db", db, "--out", str(tmp_path / "d.csv")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "d.csv").read_text(encoding="utf-8")
    rows = {r["url"].rsplit("/", 1)[-1]: r for r in csv.DictReader(io.StringIO(text))}
    assert len(rows) == len(found.site.documents.documents)
    assert rows["scan.pdf"]["pages_without_text"] == "2" and "pdf-text-layer" in rows["scan.pdf"]["problems"]
    assert rows["permit.pdf"]["referrers"] == "3" and rows["permit.pdf"]["looks_like_form"] == "true"
    assert rows["minutes-2019.pdf"]["pre_existing"].startswith("may be pre-existing")
    assert rows["fake.pdf"]["status"] == "not_assessable" and rows["fake.pdf"]["problems"] == ""
    assert rows["annual.pdf"]["other_urls"] == server.url("/copy.pdf")
    empty = store.begin_crawl(server.origin + "/", settings={}, tool_version="test")
    refused = CliRunner().invoke(cli, ["documents", str(empty), "--db", db])
    assert isinstance(refused.exception, UsageError) and "collected no documents" in str(refused.exception)


def test_the_gap_holds_from_discoverys_last_request():
    import time

    with SiteServer({"/a.pdf": Resource(GOOD, content_type=PDF)}) as server:
        client = make_client(user_agent=UA, page_timeout=5, policy=AddressPolicy("127.0.0.1"), loopback_only=True)
        sleeps: list[float] = []
        with client:
            docs, last = collect_documents(
                client,
                [Candidate(server.url("/a.pdf"), ("p",))],
                DocumentSettings(user_agent=UA, gap=2.0),
                allowed=lambda _url: None,
                last_request_at=time.monotonic(),
                sleep=sleeps.append,
            )
    assert len(sleeps) == 1 and 1.5 < sleeps[0] <= 2.0  # waited out the gap before its first request
    assert docs.documents[0].status == "ok" and last is not None and last <= time.monotonic()


def test_a_stop_request_ends_the_step_before_the_next_document():
    routes = {f"/{n}.pdf": Resource(GOOD, content_type=PDF) for n in range(3)}
    with SiteServer(routes) as server:
        client = make_client(user_agent=UA, page_timeout=5, policy=AddressPolicy("127.0.0.1"), loopback_only=True)
        seen: list[str] = []

        def before_each(url: str) -> None:
            seen.append(url)
            if len(seen) == 2:
                raise KeyboardInterrupt

        with client, pytest.raises(KeyboardInterrupt):
            collect_documents(
                client,
                [Candidate(server.url(p)) for p in routes],
                DocumentSettings(user_agent=UA),
                allowed=lambda _url: None,
                before_each=before_each,
            )
        assert server.paths() == ["/0.pdf"]
