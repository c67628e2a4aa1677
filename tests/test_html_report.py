"""The HTML scorecard: structure, accessibility basics, honesty about missing data, escaping."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import lxml.html
import pytest

from maturity.core.model import Outcome, RunInfo
from maturity.core.scoring import (
    CheckSummary,
    DimensionScore,
    Finding,
    LevelGap,
    NextLevel,
    PageSummary,
    RubricRef,
    Scorecard,
)
from reports.html import render_html, safe_href

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_ATTR = '"><img src=x onerror=alert(1)>'
HOSTILE_URL = "javascript:alert(1)"
HOSTILE = f"{HOSTILE_SCRIPT}{HOSTILE_ATTR}"


def check(
    check_id: str,
    dimension: str,
    outcome: Outcome,
    *,
    score: float | None,
    weight: float = 1.0,
    passed: int = 0,
    failed: int = 0,
    na: int = 0,
    errors: int = 0,
    title: str | None = None,
    help_url: str = "https://www.w3.org/WAI/",
    **kw,
) -> CheckSummary:
    return CheckSummary(
        check_id=check_id,
        dimension=dimension,
        title=title or f"{check_id} passes",
        failure_title=kw.pop("failure_title", f"{check_id} fails"),
        description=kw.pop("description", f"Fix {check_id} in the page template."),
        help_url=help_url,
        weight=weight,
        score=score,
        outcome=outcome,
        passed=passed,
        failed=failed,
        not_applicable=na,
        errors=errors,
        **kw,
    )


def make_run(**kw) -> RunInfo:
    base = dict(
        crawl_id=7,
        scoring_id=3,
        target_url="https://www.example.gov/",
        started_at="2025-03-12T10:02:33Z",
        finished_at="2025-03-12T10:09:10Z",
        tool_version="0.1.0",
        axe_version="4.10.2",
        browser_version="Chromium 131.0.6778.33",
        settings={"throttle": "mobile", "perf_runs": 3},
        pages_found=3,
    )
    base.update(kw)
    return RunInfo(**base)


def make_card(*, hostile: str | None = None, hostile_url: str | None = None) -> Scorecard:
    """Three dimensions, a mix of outcomes, a not-assessable page, findings and a next level."""
    text = (lambda s: s + hostile) if hostile else (lambda s: s)
    url = hostile_url or "https://www.example.gov/contact"
    help_url = hostile_url or "https://dequeuniversity.com/rules/axe/4.10/image-alt"
    a11y = DimensionScore(
        id="accessibility",
        title=text("Accessibility"),
        weight=30,
        goal=text("Can everyone, including people with disabilities, use every page?"),
        evidence="axe-core results",
        sample="Every sampled page.",
        score=62.5,
        incomplete=True,
        checks=[
            check("skip-link", "accessibility", Outcome.PASS, score=1.0, weight=7, passed=2),
            check(
                "axe:image-alt",
                "accessibility",
                Outcome.FAIL,
                score=0.5,
                weight=10,
                passed=1,
                failed=1,
                title=text("Images have alternative text"),
                failure_title=text("Images lack alternative text"),
                help_url=help_url,
            ),
            check(
                "heading-levels",
                "accessibility",
                Outcome.ERROR,
                score=None,
                weight=3,
                errors=2,
                error_messages=[text("document artifact missing")],
            ),
            check("axe:video-caption", "accessibility", Outcome.NOT_APPLICABLE, score=None, weight=10, na=2),
        ],
    )
    perf = DimensionScore(
        id="performance",
        title="Performance",
        weight=20,
        goal="Do pages load quickly on an ordinary phone?",
        score=81.3,
        checks=[
            check("largest-contentful-paint", "performance", Outcome.PASS, score=0.813, weight=10, passed=2),
        ],
    )
    security = DimensionScore(
        id="security",
        title="Security",
        weight=10,
        goal="Is every page served securely?",
        score=40.0,
        checks=[
            check("hsts", "security", Outcome.FAIL, score=0.0, weight=5, failed=2),
            check("https", "security", Outcome.PASS, score=1.0, weight=2, passed=2),
        ],
    )
    findings = [
        Finding(
            fingerprint="f1",
            check_id="axe:image-alt",
            dimension="accessibility",
            title=text("Images lack alternative text"),
            url=url,
            selector=text("img.hero"),
            snippet=text('<img src="hero.jpg">'),
            detail="Element has no alt attribute",
            help_url=help_url,
        ),
        Finding(
            fingerprint="f2",
            check_id="hsts",
            dimension="security",
            title="No HSTS header",
            url="https://www.example.gov/",
            help_url="https://developer.mozilla.org/docs/Web/HTTP/Headers",
        ),
    ]
    return Scorecard(
        target=hostile_url or "https://www.example.gov/",
        rubric=RubricRef(
            id="default",
            version="1.0.0",
            title=text("State digital presence maturity"),
            sha256="0123456789abcdef" * 4,
            source="rubrics/default.yaml",
        ),
        overall=63.6,
        level=2,
        level_name="Developing",
        level_description="Basic practice is in place on most pages, with clear gaps.",
        complete=False,
        dimensions=[a11y, perf, security],
        next_level=NextLevel(
            level=3,
            name="Defined",
            description="Standards are met on most pages in every dimension.",
            gaps=[
                LevelGap(dimension=None, title="Overall score", have=63.6, need=65),
                LevelGap(dimension="security", title="Security", have=40.0, need=45),
            ],
            next_steps={"security": "Send an HSTS header.", "accessibility": "Add a skip link."},
        ),
        pages=[
            PageSummary(url="https://www.example.gov/", status="ok"),
            PageSummary(url=url, status="ok"),
            PageSummary(
                url="https://www.example.gov/broken", status="not_assessable", reason="HTTP 500 from the server"
            ),
        ],
        findings=findings,
    )


def make_unassessable_card() -> Scorecard:
    card = make_card()
    perf = card.dimensions[1].model_copy(
        update={
            "score": None,
            "incomplete": True,
            "checks": [check("largest-contentful-paint", "performance", Outcome.ERROR, score=None, errors=2)],
        }
    )
    return card.model_copy(
        update={
            "level": None,
            "level_name": None,
            "level_description": "",
            "overall": 52.1,
            "next_level": None,
            "dimensions": [card.dimensions[0], perf, card.dimensions[2]],
        }
    )


def parse(html: str):
    return lxml.html.document_fromstring(html)


def text_of(el) -> str:
    return " ".join(el.text_content().split())


def section(doc, ident: str):
    found = doc.xpath(f'//*[@id="{ident}"]')
    assert found, f"no element with id {ident}"
    return found[0]


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(make_run(), make_card())


@pytest.fixture(scope="module")
def doc(page):
    return parse(page)


# ---------------------------------------------------------------------------
# Structure and content
# ---------------------------------------------------------------------------


def test_document_basics(doc):
    assert doc.get("lang") == "en"
    assert doc.xpath('//meta[@name="viewport"]')
    assert len(doc.xpath("//h1")) == 1
    assert "www.example.gov" in text_of(doc.xpath("//h1")[0])
    for tag in ("header", "nav", "main", "footer"):
        assert doc.xpath(f"//{tag}"), tag
    assert not doc.xpath("//script"), "the report must not contain JavaScript"
    assert not doc.xpath('//link[@rel="stylesheet"]') and doc.xpath("//head/style")


def test_skip_link_targets_main(doc):
    first_link = doc.xpath("//body//a")[0]
    assert first_link.get("href") == "#main"
    assert doc.xpath('//main[@id="main"]')


def test_heading_levels_do_not_skip(doc):
    levels = [int(h.tag[1]) for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels


def test_every_table_has_caption_and_scoped_headers(doc):
    tables = doc.xpath("//table")
    assert len(tables) >= 4  # dimensions, one per dimension with applicable checks, pages
    for table in tables:
        assert table.xpath("./caption") and text_of(table.xpath("./caption")[0])
        headers = table.xpath(".//th")
        assert headers and all(th.get("scope") in ("col", "row", "colgroup") for th in headers)
        wrap = table.getparent()
        assert wrap.get("role") == "region" and wrap.get("tabindex") == "0" and wrap.get("aria-label")


def test_audited_site_and_time(doc):
    title = section(doc, "main")
    assert "12 March 2025, 10:02 UTC" in text_of(title)
    assert doc.xpath('//time[@datetime="2025-03-12T10:02:33Z"]')


def test_level_overall_and_incomplete_note(doc):
    result = section(doc, "result")
    assert "Level 2 · Developing" in text_of(result.xpath('.//*[@class="level"]')[0])
    assert "63.6" in text_of(result)
    assert "some checks could not run; scores cover what could be measured" in text_of(result).lower()
    meter = result.xpath(".//svg")
    assert meter and meter[0].get("role") == "img"


def test_sections_come_in_reading_order(page):
    order = [
        'id="result"',
        'id="scores"',
        'id="next-level"',
        'id="dimensions"',
        'id="findings"',
        'id="pages"',
        'id="method"',
    ]
    positions = [page.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_dimension_table_shows_every_score_and_goal(doc):
    table = section(doc, "scores").xpath(".//table")[0]
    rows = {text_of(tr.xpath("./th")[0]): [text_of(td) for td in tr.xpath("./td")] for tr in table.xpath(".//tbody/tr")}
    assert rows["Accessibility"][0] == "62.5 (incomplete)"  # some of its checks could not run
    assert rows["Performance"][0] == "81.3"
    assert rows["Security"][0] == "40"
    assert rows["Performance"][1] == "Do pages load quickly on an ordinary phone?"
    headers = [text_of(th) for th in table.xpath(".//thead/th | .//thead/tr/th")]
    assert headers[:3] == ["Dimension", "Score (0–100)", "The question it answers"]


def test_bar_chart_is_inline_and_accessible(doc):
    svgs = section(doc, "scores").xpath(".//svg")
    assert len(svgs) == 1
    chart = svgs[0]
    assert chart.get("role") == "img"
    labelled = chart.get("aria-labelledby").split()
    titles = [el for el in chart.iter() if isinstance(el.tag, str) and el.tag.endswith("title")]
    assert titles and titles[0].get("id") in labelled
    for ident in labelled:
        assert doc.xpath(f'//*[@id="{ident}"]')
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids)), "element ids must be unique"


def test_next_level_gaps_and_steps(doc):
    nxt = text_of(section(doc, "next-level"))
    assert "Level 3 · Defined" in nxt
    assert "Security: 40 → needs 45" in nxt
    assert "Overall score: 63.6 → needs 65" in nxt
    assert "Send an HSTS header." in nxt and "Add a skip link." in nxt


def test_checks_tables_put_failures_first_and_state_outcomes_in_words(doc):
    dim = section(doc, "dim-accessibility")
    rows = dim.xpath(".//table/tbody/tr")
    outcomes = [text_of(tr.xpath("./td")[0]) for tr in rows]
    assert outcomes == ["✗ Fail", "! Could not run", "✓ Pass"]
    first = rows[0]
    assert "Images lack alternative text" in text_of(first.xpath("./th")[0])
    # score, weight, then pages passed / failed / not applicable / errors
    assert [text_of(td) for td in first.xpath("./td")[1:]] == ["50", "10", "1", "1", "0", "0"]
    header_rows = dim.xpath(".//table/thead/tr")
    assert header_rows[0].xpath('./th[@scope="colgroup"]') and len(header_rows[1].xpath("./th")) == 4
    assert "document artifact missing" in text_of(rows[1])
    # the symbol is decoration; the word is what counts
    symbols = dim.xpath('.//span[contains(@class,"badge")]/span')
    assert symbols and all(span.get("aria-hidden") == "true" for span in symbols)
    # checks that applied to no page are listed, not scored
    assert "axe:video-caption" in text_of(dim.xpath(".//details")[0])
    assert "Some checks could not run" in text_of(dim)


def test_findings_grouped_with_fix_help_and_location(doc):
    findings = section(doc, "findings")
    articles = findings.xpath(".//article")
    assert len(articles) == 2
    first = articles[0]
    assert text_of(first.xpath(".//h3")[0]) == "Images lack alternative text"
    assert "How to fix: Fix axe:image-alt in the page template." in text_of(first)
    hrefs = [a.get("href") for a in first.xpath(".//a")]
    assert "https://dequeuniversity.com/rules/axe/4.10/image-alt" in hrefs
    assert "https://www.example.gov/contact" in hrefs
    codes = [text_of(c) for c in first.xpath(".//code")]
    assert "img.hero" in codes and '<img src="hero.jpg">' in codes
    for a in doc.xpath("//a"):
        assert "click here" not in text_of(a).lower() and text_of(a)


def _finding(c: int, i: int, tag: str = "", snippet: int = 0) -> Finding:
    """A finding of check ``c`` on page ``i`` (``tag`` tells two on one page apart)."""
    return Finding(
        fingerprint=f"x{c}-{i}{tag}",
        check_id=f"check-{c}",
        dimension="security",
        title=f"Problem {c}",
        url=f"https://www.example.gov/p{i}",
        selector=f"#el-{c}-{i}{tag}",
        snippet="<div>" + "x" * snippet + "</div>" if snippet else "",
    )


def test_every_instance_of_every_failing_check_is_in_the_html_without_javascript():
    card = make_card()
    many = [_finding(c, i) for c in range(12) for i in range(7)]
    page = render_html(make_run(), card.model_copy(update={"findings": many}))
    doc = parse(page)
    assert not doc.xpath("//script")
    findings = section(doc, "findings")
    # the top ten checks open, five instances each at once and the other two behind a <details>
    articles = findings.xpath(".//article")
    assert len(articles) == 10
    assert all(len(a.xpath("./ol/li")) == 5 for a in articles)
    assert all(len(a.xpath("./details/ol/li")) == 2 for a in articles)
    assert "Show the other 2 instances of “Problem 0”" in text_of(articles[0].xpath("./details/summary")[0])
    # the two other checks are still listed, each in a <details> with every instance
    more = findings.xpath('.//details[contains(@class, "finding-more")]')
    assert len(more) == 2 and all(len(d.xpath(".//li")) == 7 for d in more)
    assert "2 more checks that found problems" in text_of(findings)
    # every instance is there: each of the 84 elements once in the findings
    selectors = [text_of(c) for c in findings.xpath('.//code[@class="selector"]')]
    assert sorted(selectors) == sorted(f"#el-{c}-{i}" for c in range(12) for i in range(7))
    # a per-page view: each page with its checks, linked to their groups
    by_page = section(doc, "by-page")
    headings = by_page.xpath(".//h4")
    assert len(headings) == 7 and "(12 problems)" in text_of(headings[0])
    links = by_page.xpath(".//ul")[0].xpath(".//a/@href")
    assert len(links) == 12 and all(doc.xpath(f'//*[@id="{h[1:]}"]') for h in links)


def test_pages_table_lists_not_assessable_page_with_reason(doc):
    rows = section(doc, "pages").xpath(".//table/tbody/tr")
    assert len(rows) == 3
    broken = next(tr for tr in rows if "broken" in text_of(tr))
    cells = [text_of(td) for td in broken.xpath("./td")]
    assert cells[0].endswith("Not assessable") and cells[1] == "HTTP 500 from the server"
    assert "2 of 3 pages could be assessed" in text_of(section(doc, "pages"))


def provenance(doc) -> dict[str, str]:
    footer = doc.xpath("//footer")[0]
    return {text_of(dt): text_of(dt.getnext()) for dt in footer.xpath(".//dt")}


def test_footer_says_how_figures_were_produced(doc):
    facts = provenance(doc)
    assert facts["Rubric"] == "State digital presence maturity (default)"
    assert facts["Rubric version"] == "1.0.0"
    assert facts["Rubric sha256"] == "0123456789ab"  # first 12 characters
    assert facts["Tool version"] == "0.1.0"
    assert facts["axe-core version"] == "4.10.2"
    assert facts["Browser version"] == "Chromium 131.0.6778.33"
    assert facts["Throttling profile"] == "mobile"
    assert facts["Performance loads per page (k)"] == "3"
    assert facts["Run"] == "Crawl 7, scoring 3"


def test_footer_tolerates_missing_settings():
    doc = parse(render_html(make_run(settings={}, axe_version="", scoring_id=None), make_card()))
    facts = provenance(doc)
    assert facts["Throttling profile"] == "not recorded"
    assert facts["axe-core version"] == "not recorded"
    assert facts["Run"] == "Crawl 7"


# ---------------------------------------------------------------------------
# Missing evidence is not a zero
# ---------------------------------------------------------------------------


def test_not_assessable_level_and_dimension_never_zero():
    doc = parse(render_html(make_run(), make_unassessable_card()))
    result = section(doc, "result")
    level = result.xpath('.//p[contains(concat(" ", @class, " "), " level ")]')[0]
    assert text_of(level) == "Not assessable"
    assert "Performance" in text_of(result)  # says which dimension could not be measured
    table = section(doc, "scores").xpath(".//table")[0]
    perf = next(tr for tr in table.xpath(".//tbody/tr") if text_of(tr.xpath("./th")[0]) == "Performance")
    score_cell = text_of(perf.xpath("./td")[0])
    assert score_cell == "Not assessable"
    dim = section(doc, "dim-performance")
    assert "Not assessable" in text_of(dim.xpath(".//h3")[0])
    assert not re.search(r"\b0(\.0)? out of 100\b", text_of(dim))
    # the chart draws it as a labelled, hatched bar, not a zero-length one
    chart = section(doc, "scores").xpath(".//svg")[0]
    row = next(g for g in chart.iter() if isinstance(g.tag, str) and g.get("data-label") == "Performance")
    assert "Not assessable" in text_of(row)
    bar = next(r for r in row.iter() if isinstance(r.tag, str) and "bar" in (r.get("class") or "").split())
    assert bar.get("data-value") == "none" and float(bar.get("width")) > 0
    assert "cannot be worked out" in text_of(section(doc, "next-level"))


def test_top_level_reached_and_explicit_levels():
    card = make_card().model_copy(update={"level": 5, "level_name": "Optimised", "next_level": None})
    levels = [(1, "Initial"), (2, "Developing"), (3, "Defined"), (4, "Managed"), (5, "Optimised")]
    doc = parse(render_html(make_run(), card, levels=levels))
    assert "highest level" in text_of(section(doc, "next-level"))
    meter = section(doc, "result").xpath(".//svg")[0]
    assert "Level 5 of 5" in text_of(meter)
    assert "1 · Initial" in text_of(meter)


# ---------------------------------------------------------------------------
# Hostile input
# ---------------------------------------------------------------------------


def _assert_inert(tree_iter) -> None:
    for el in tree_iter:
        if not isinstance(el.tag, str):
            continue
        local = el.tag.rsplit("}", 1)[-1].lower()
        assert local != "script", "script element"
        assert local not in ("iframe", "object", "embed", "img"), f"injected <{local}>"
        for name, value in el.attrib.items():
            local_name = name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()  # xlink:href -> href
            assert not local_name.startswith("on"), f"event handler attribute {name}={value!r}"
            if local_name in ("href", "src", "action", "formaction"):
                cleaned = re.sub(r"[\x00-\x20]", "", value).lower()
                assert cleaned.startswith(("http:", "https:", "#")), f"{name}={value!r}"


def test_hostile_corpus_is_escaped_everywhere():
    run = make_run(target_url=HOSTILE_URL, browser_version=HOSTILE, settings={"throttle": HOSTILE})
    card = make_card(hostile=HOSTILE, hostile_url=HOSTILE_URL)
    html = render_html(run, card)
    doc = parse(html)
    _assert_inert(doc.iter())
    assert "<script>" not in html.lower()
    assert "javascript:" not in " ".join(doc.xpath("//@href | //@src")).lower()
    # the hostile text is still shown, as text
    body = text_of(doc.xpath("//body")[0])
    assert HOSTILE_SCRIPT in body and HOSTILE_URL in body
    # every inline SVG, parsed on its own as XML, is inert too
    svgs = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    assert len(svgs) == 2
    for s in svgs:
        _assert_inert(ET.fromstring(s).iter())


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "\x01javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "/relative",
        "https://ok.example/\nx",
        "http:/missing-slash",
        "",
    ],
)
def test_safe_href_rejects_everything_but_http(url):
    assert safe_href(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://www.example.gov/a?b=1#c",
        "HTTP://EXAMPLE.GOV",
        "http://127.0.0.1:8000/",
    ],
)
def test_safe_href_keeps_http_urls(url):
    assert safe_href(url) == url


def test_hostile_help_url_is_shown_without_a_link():
    card = make_card(hostile_url="javascript:alert(1)")
    doc = parse(render_html(make_run(), card))
    first = section(doc, "findings").xpath(".//article")[0]
    assert not any("javascript" in (a.get("href") or "").lower() for a in first.xpath(".//a"))
    assert "javascript:alert(1)" in text_of(first)  # the page URL, as text


def test_every_incomplete_figure_is_marked_in_text(doc):
    # the card is incomplete and its accessibility dimension could not run every check
    overall = doc.xpath('//*[@class="overall-value"]')[0]
    assert "(incomplete)" in text_of(overall)
    row = next(r for r in section(doc, "scores").xpath(".//tbody/tr") if "Accessibility" in text_of(r))
    assert "62.5 (incomplete)" in text_of(row.xpath("./td")[0])
    heading = section(doc, "dim-accessibility-heading")
    assert "62.5 out of 100 (incomplete)" in text_of(heading)
    # the complete dimensions carry no mark
    perf = next(r for r in section(doc, "scores").xpath(".//tbody/tr") if "Performance" in text_of(r))
    assert "(incomplete)" not in text_of(perf)
    assert "A figure marked (incomplete) is from what could be measured" in text_of(section(doc, "result"))


def test_the_site_name_keeps_a_port_that_is_not_the_schemes_own():
    from reports.html import site_name

    assert site_name("http://127.0.0.1:8001/") == "127.0.0.1:8001"
    assert site_name("http://127.0.0.1:8002/a") == "127.0.0.1:8002"  # another site on the same host
    assert site_name("https://dnr.georgia.gov/") == "dnr.georgia.gov"
    assert site_name("https://dnr.georgia.gov:443/") == "dnr.georgia.gov"
    assert site_name("http://dnr.georgia.gov:80/") == "dnr.georgia.gov"
    assert site_name("not a url") == "not a url"


def _many_findings(checks_: int, pages: int, snippet: int = 0) -> Iterator[Finding]:
    """Findings page by page (not check by check, as scoring makes them), each made as it is read:
    every page fails every check, check c twice on each page whose number is a multiple of c + 1."""
    return (
        _finding(c, i, f"-{k}", snippet)
        for i in range(pages)
        for c in range(checks_)
        for k in range(2 if i % (c + 1) == 0 else 1)
    )


def test_listed_findings_kept_in_a_temporary_file_read_back_as_kept_in_memory(tmp_path):
    import tempfile

    from reports.html import _findings_view, _Spool

    many = list(_many_findings(checks_=12, pages=40))
    card = make_card().model_copy(update={"findings": many})
    kept = _findings_view(card, 10, 5, max_listed=30)
    with tempfile.TemporaryFile(dir=tmp_path) as fh:
        spooled = _findings_view(card, 10, 5, max_listed=30, spool=_Spool(fh))

        def shape(view):
            groups = [
                (g.check_id, g.count, g.pages, list(g.items), list(g.rest), g.unlisted, g.anchor)
                for g in [*view.groups, *view.hidden]
            ]
            pages = [(p.url, p.total, [(g.check_id, n) for g, n in p.groups]) for p in view.pages]
            return groups, pages, view.total, view.hidden_checks, view.hidden_items

        assert shape(spooled) == shape(kept)
        assert fh.tell() > 0  # the listed findings went to the file
    groups, pages, total, _, _ = shape(kept)
    assert total == len(many)
    by_check = {g[0]: g for g in groups}
    # check-1 fails twice on even pages: 60 instances on 40 pages, 30 listed, 30 counted only
    assert by_check["check-1"][1:3] == (60, 40) and len(by_check["check-1"][3]) + len(by_check["check-1"][4]) == 30
    assert by_check["check-1"][5] == 30
    # each page once, most problems first (page 0 fails every check twice), its checks in the groups' order
    assert len(pages) == 40 and pages[0][:2] == ("https://www.example.gov/p0", 24)
    order = [g[0] for g in groups]
    assert [c for c, _ in pages[0][2]] == order and dict(pages[0][2]) == {f"check-{c}": 2 for c in range(12)}


def test_writing_a_report_does_not_hold_the_listed_findings(tmp_path):
    """A report of a large run lists up to 200 instances of each failing check; read from the store
    one at a time, they wait in a temporary file, not in memory, until the page reaches them."""
    import io
    import tracemalloc

    from reports.html import write_html

    card = make_card()
    card = card.model_copy(update={"findings": [], "finding_count": 12 * 200})
    # Each finding made afresh, as the store reads them: 12 checks, 200 pages, a 4 KB snippet each
    # (about 10 MB of findings, every one listed).
    card.with_findings(lambda: _many_findings(checks_=12, pages=200, snippet=4000))
    out = io.StringIO()

    class Sink:
        def write(self, piece: str) -> None:
            out.write(piece[:0])  # the page itself is not what is measured

    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        write_html(Sink(), make_run(), card)  # type: ignore[arg-type]
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    # Held in memory, the listed findings took 18.4 MB at the peak; spooled, 5.9 MB, most of it one
    # check's section of 200 instances, which the template builds whole before writing it.
    assert peak < 9 * 2**20, peak
