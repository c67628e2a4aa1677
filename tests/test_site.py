"""The static scorecard site: pages and links, sort orders without JavaScript, honesty about rubrics,
escaping, the trend charts; and, in Chromium, the site audited by the tool itself (zero accessibility
failures) with screenshots at phone and desktop widths."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import lxml.html
import pytest
from factories import ORIGIN, page
from sites import Resource, SiteServer
from test_history import bad_alt, rubric_v2, small_portfolio, store_run

from maturity.store import Store
from maturity.store.readback import load_snapshots
from reports import svg
from reports.site import build_site, unique_slugs

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
LIB = "https://library.example.gov"


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'm.db'}")
    ids = small_portfolio(s)
    with_journeys(s, ids["dnr3"])
    return s


def with_journeys(store: Store, crawl_id: int) -> None:
    """Two task journeys stored with a run (one with a step only a mouse can do), screenshots named."""
    from journey_results import journey_result

    from maturity.store import JourneyStore

    results = [journey_result(shots=True), journey_result(ident="apply", keyboard="failed", shots=True)]
    JourneyStore(store.engine).save(crawl_id, results)


def screenshot_routes(files: dict[str, str]) -> dict[str, Resource]:
    """A PNG for every screenshot the site's pages show (the site build copies them; here they are served)."""
    import posixpath

    from journey_results import png

    found = {
        posixpath.normpath(posixpath.join(posixpath.dirname(name), src))
        for name, body in files.items()
        for src in re.findall(r'src="([^"]+\.png)"', body)
    }
    return {"/" + path: Resource(png(), content_type="image/png") for path in found}


def build(store: Store, **kw) -> dict[str, str]:
    return build_site(load_snapshots(store), generated_at="2025-05-06T10:00:00+00:00", tool_version="t", **kw)


def doc(files: dict[str, str], name: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(files[name].encode())


def text(el: lxml.html.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def test_the_site_has_every_page_and_every_link_resolves(store):
    files = build(store)
    assert {"index.html", "index-by-name.html", "index-by-change.html", "rubric.html", "portfolio.csv"} <= set(files)
    assert {"agency/department-of-natural-resources.html", "agency/state-library.html"} <= set(files)
    assert sorted(f for f in files if f.startswith("run/")) == ["run/1.html", "run/2.html", "run/3.html", "run/4.html"]
    for name, content in files.items():
        if not name.endswith(".html"):
            continue
        root = lxml.html.fromstring(content.encode())
        assert root.get("lang") == "en" and len(root.findall(".//h1")) == 1, name
        assert not root.findall(".//script"), name
        assert (
            root.find(".//a[@class='skip-link']").get("href") == "#main" and root.get_element_by_id("main") is not None
        )
        for a in root.iter("a"):
            href = a.get("href")
            if href.startswith(("http://", "https://", "#")):
                continue
            target = (Path(name).parent / href.split("#")[0]).as_posix()
            target = re.sub(r"[^/]+/\.\./", "", target)
            assert target in files, f"{name}: broken link {href}"
            fragment = href.partition("#")[2]
            if fragment and target.endswith(".html"):
                assert f'id="{fragment}"' in files[target], f"{name}: no #{fragment} in {target}"


def test_leaderboard_sort_orders_are_pages_with_aria_sort(store):
    files = build(store)
    by_score = [text(th) for th in doc(files, "index.html").xpath("//table[@class='leaderboard']//tbody//th")]
    by_name = [text(th) for th in doc(files, "index-by-name.html").xpath("//table[@class='leaderboard']//tbody//th")]
    assert sorted(by_name) == by_name and set(by_name) == set(by_score) == {
        "Department of Natural Resources",
        "State Library",
    }
    for name, label, order in (
        ("index.html", "Score", "descending"),
        ("index-by-name.html", "Agency", "ascending"),
        ("index-by-change.html", "Change since last run", "descending"),
    ):
        sorted_th = doc(files, name).xpath("//table[@class='leaderboard']//th[@aria-sort]")
        assert [(text(th), th.get("aria-sort")) for th in sorted_th] == [(label, order)]
    heads = doc(files, "index.html").xpath("//table[@class='leaderboard']//thead//a/@href")
    assert heads == ["index-by-name.html#leaderboard", "index.html#leaderboard", "index-by-change.html#leaderboard"]


def test_portfolio_page_states_the_method_and_lists_failed_sites(store):
    files = build(store, method="minimum")
    page_text = text(doc(files, "index.html"))
    assert "minimum method" in page_text and "weakest part" in page_text
    failed = doc(files, "index.html").get_element_by_id("not-auditable")
    assert "cannot connect" in text(failed) and "https://library.example.gov/" in text(failed)
    assert doc(files, "index.html").xpath("//svg[@id='chart-levels']/@role") == ["img"]


def test_agency_page_has_level_next_steps_goals_trend_changes_and_issues(store):
    html = build(store)["agency/department-of-natural-resources.html"]
    root = lxml.html.fromstring(html.encode())
    body = text(root)
    assert "Level" in text(root.get_element_by_id("result"))
    tags = root.xpath("//dl[@class='tags']/div")
    assert [(text(d.find("dt")), text(d.find("dd"))) for d in tags] == [("Branch", "executive")]
    # dimension scores framed by the rubric's goal questions
    assert "Can everyone, including people with disabilities" in text(root.get_element_by_id("scores"))
    # trend charts are real SVG with a data table beside them
    charts = root.xpath("//svg[contains(@class, 'line-chart')]")
    assert len(charts) == 2 and all(c.get("role") == "img" for c in charts)
    assert "scores at each run (the data behind the charts)" in body
    # what changed since the last run: the image-alt problem on / is fixed
    changes = text(root.get_element_by_id("site-1-changes").getparent())
    assert "Fixed problems (1)" in changes or "1 fixed" in changes
    assert "Pages" in changes and f"{ORIGIN}/b" in changes
    # top issues come with how to fix them and the pages affected
    assert "How to fix" in body or "No check found a problem" in body
    assert "../run/3.html" in html and "Scorecard of run 3" in body


def test_run_pages_are_the_scorecard_with_a_way_back(store):
    files = build(store)
    run = doc(files, "run/3.html")
    crumbs = run.xpath("//nav[@class='site-crumbs']//a/@href")
    assert crumbs == ["../index.html", "../agency/department-of-natural-resources.html"]
    assert run.xpath("//meta[@name='description']/@content")[0].startswith("Maturity scorecard of agency.example.gov")
    assert "Maturity scorecard" in text(run.find(".//h1"))


def test_runs_under_different_rubrics_are_not_compared(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    store_run(store, [bad_alt(f"{ORIGIN}/")])
    store_run(store, [page(f"{ORIGIN}/")], days=7, rubric=rubric_v2())
    files = build(store)
    body = text(doc(files, "agency/department-of-natural-resources.html"))
    assert "Not compared" in body and "rescore-all" in body
    assert "No earlier run" in body  # no delta shown for the agency
    # both rubrics are published; the newest is rubric.html
    assert "rubric.html" in files and any(f.startswith("rubric-") for f in files)
    assert "2.0.0" in text(doc(files, "rubric.html"))


def test_the_rubric_page_shows_levels_goals_thresholds_and_next_steps(store):
    from maturity.core.rubric import builtin_rubric

    loaded = builtin_rubric()
    files = build(store, rubrics={loaded.sha256: loaded})
    body = text(doc(files, "rubric.html"))
    assert "Optimised" in body and "Question: Can everyone" in body
    assert "Minimum score of this dimension at each level" in body and "To reach level 2" in body
    without = text(doc(build(store), "rubric.html"))
    assert "was not available" in without and "Question: Can everyone" in without


def test_hostile_names_and_urls_are_escaped(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    store_run(store, [page()], agency=HOSTILE, tags={"owner": HOSTILE})
    files = build(store, title=HOSTILE)
    for name, content in files.items():
        if name.endswith(".html"):
            assert "<script>alert(1)" not in content and "<img src=x" not in content, name
    slug = next(f for f in files if f.startswith("agency/"))
    assert re.fullmatch(r"agency/[a-z0-9-]+\.html", slug)


def test_slugs_are_unique():
    assert unique_slugs(["A B", "a-b", "A  B!"]) == {"A B": "a-b", "a-b": "a-b-2", "A  B!": "a-b-3"}


def test_line_chart_is_accessible_with_gaps_and_shapes():
    chart = svg.line_chart(
        [("Overall", [50.0, None, 70.0]), ("Accessibility", [40.0, 45.0, 60.0])],
        ["1 Mar", "1 Apr", "1 May"],
        title="Trend",
        bands=[(0, "L1"), (50, "L2"), (65, "L3")],
    )
    root = ET.fromstring(chart)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.find(f"{ns}title").text == "Trend"
    desc = root.find(f"{ns}desc").text
    assert "Overall: 1 Mar: 50, 1 Apr: no figure, 1 May: 70" in desc
    series = [g for g in root.iter(f"{ns}g") if g.get("class") == "series"]
    assert [len([p for p in s.iter(f"{ns}g") if p.get("class") == "point"]) for s in series] == [2, 3]
    assert [len(list(s.iter(f"{ns}polyline"))) for s in series] == [0, 1]  # a gap is never bridged
    labels = [t.text for t in root.iter(f"{ns}text") if t.get("class") == "band-label"]
    assert labels == ["L1", "L2", "L3"]
    for colour in svg.SERIES_COLOURS:
        assert svg.contrast_ratio(colour, "#ffffff") >= 4.5
    with pytest.raises(ValueError):
        svg.line_chart([("a", [1.0])], ["x", "y"], title="t")


def test_count_chart_uses_whole_number_ticks():
    root = ET.fromstring(svg.count_chart([("Level 1", 0), ("Level 2", 3)], title="Levels"))
    ns = "{http://www.w3.org/2000/svg}"
    axis = next(g for g in root.iter(f"{ns}g") if "axis-x" in (g.get("class") or ""))
    assert [t.text for t in axis.iter(f"{ns}text") if t.get("class") != "axis-label"] == ["0", "1", "2", "3"]
    rows = {g.get("data-label"): g.get("data-value") for g in root.iter(f"{ns}g") if g.get("data-label")}
    assert rows == {"Level 1": "0", "Level 2": "3"}
    assert svg.integer_ticks(2) == [0, 1, 2] and svg.integer_ticks(13) == [0, 5, 10, 15]


def test_site_build_command(tmp_path, store):
    proc = subprocess.run(
        [sys.executable, "-m", "maturity", "site", "build", "--out", str(tmp_path / "site"), "--db", store.url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "site" / "index.html").is_file() and (tmp_path / "site" / "agency").is_dir()
    # the shipped rubric is found by its sha256, so the rubric page is complete
    assert "Next steps" in (tmp_path / "site" / "rubric.html").read_text()
    empty = subprocess.run(
        [
            sys.executable,
            "-m",
            "maturity",
            "site",
            "build",
            "--out",
            str(tmp_path / "e"),
            "--db",
            str(tmp_path / "e.db"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # A read-only command does not create the database it was pointed at.
    assert empty.returncode == 2 and "no database at" in empty.stderr
    assert not (tmp_path / "e.db").exists()


# ---------------------------------------------------------------------------
# In Chromium: the site audits clean with the tool itself
# ---------------------------------------------------------------------------

ACCESSIBILITY_OWN = {"skip-link", "vague-link-text", "heading-levels"}
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".csv": "text/csv; charset=utf-8", ".json": "application/json"}


async def _screenshot(browser, url: str, width: int, path: Path) -> None:
    context = await browser.new_context(viewport={"width": width, "height": 900})
    try:
        tab = await context.new_page()
        await tab.goto(url)
        await tab.screenshot(path=str(path), full_page=True)
    finally:
        await context.close()


@pytest.mark.browser
def _survey_and_journeys(store: Store) -> dict:
    """Survey figures, services and journeys for the Department of Natural Resources, so its page's
    survey and services sections are audited and seen too (pure inputs of build_site)."""
    from maturity.core.journey import JourneyResult
    from maturity.core.model import SurveyService
    from maturity.core.xdata import Tally, figures

    agency = "Department of Natural Resources"
    tallies = [
        Tally(service="fishing-licence", fiscal_year=2025, quarter=q, measure="trust", kind="thumbs", n=n, positive=p)
        for q, n, p in ((1, 412, 331), (2, 389, 301), (3, 27, 22))
    ]
    runs = [r.crawl for r in store.history() if r.crawl.agency == agency and r.crawl.status == "finished"]
    newest = runs[-1].id
    assert newest is not None
    done = JourneyResult(
        id="buy", title="Buy a fishing licence", service="fishing-licence", start="https://x.example/", k=1,
        outcome="failed", failed_step=2, reason="the Pay button cannot be reached by keyboard", steps=[],
    )  # fmt: skip
    return {
        "survey": {agency: figures(tallies)},
        "journeys": {newest: [done]},
        "services": {newest: [SurveyService(id="fishing-licence", name="Buy a fishing licence", here=True)]},
    }


def test_the_site_has_zero_accessibility_failures_and_looks_right(shared_browser, store, tmp_path):
    from maturity.core.rubric import builtin_rubric
    from maturity.core.settings import AuditSettings
    from maturity.run.audit import audit

    loaded = builtin_rubric()
    files = build(store, rubrics={loaded.sha256: loaded}, **_survey_and_journeys(store))
    routes: dict = {
        "/" + name: Resource(body, content_type=CONTENT_TYPES[Path(name).suffix]) for name, body in files.items()
    }
    routes.update(screenshot_routes(files))
    assert any("/journeys/" in r for r in routes)  # the agency page shows journeys: they are audited too
    routes["/"] = routes["/index.html"]
    with SiteServer(routes) as server:
        settings = AuditSettings(
            url=server.url("/index.html"),
            max_pages=40,
            concurrency=4,
            throttle="none",
            perf_runs=1,
            perf_pages=1,
            user_agent="maturity-tests",
            page_timeout=15,
        )
        audit_store = Store(f"sqlite:///{tmp_path / 'audit.db'}")
        result = audit(settings, audit_store, loaded, tmp_path / "out", browser=shared_browser)
        shots = {}
        for name, width in (
            ("index", 412),
            ("index", 1280),
            ("agency/department-of-natural-resources", 412),
            ("agency/department-of-natural-resources", 1280),
        ):
            path = tmp_path / f"{name.replace('/', '-')}-{width}.png"
            shared_browser.run(_screenshot(shared_browser.session.browser, server.url(f"/{name}.html"), width, path))
            shots[path] = path.stat().st_size
    card = result.scorecard
    audited = {p.url.removeprefix(server.origin) for p in card.pages if p.status == "ok"}
    html_pages = {"/" + n for n in files if n.endswith(".html")}
    assert html_pages <= audited | {"/index.html"}, html_pages - audited  # every page of the site was audited
    a11y = [r for r in card.all_results() if r.check_id.startswith("axe/") or r.check_id in ACCESSIBILITY_OWN]
    assert {r.check_id for r in a11y} >= {"axe/image-alt", "axe/color-contrast", "skip-link", "heading-levels"}
    failures = [
        (r.check_id, r.url, r.outcome.value, [i.selector for i in r.items][:3])
        for r in a11y
        if r.outcome.value not in ("pass", "not_applicable")
    ]
    assert failures == []
    agency_page = files["agency/department-of-natural-resources.html"]
    assert 'id="services"' in agency_page and 'id="survey"' in agency_page  # both sections were audited
    assert all(size > 10_000 for size in shots.values()), shots


def test_incomplete_scores_are_marked_on_leaderboard_and_agency_pages(tmp_path):
    from factories import document

    from maturity.core.model import PageArtifacts

    s = Store(f"sqlite:///{tmp_path / 'm.db'}")
    # the library's only page lost its network log: some content and security checks could not run
    broken = PageArtifacts(url=f"{LIB}/", artifacts={**page(f"{LIB}/").artifacts, "network": {"error": "log lost"}})
    store_run(s, [broken], origin=LIB, agency="State Library")
    store_run(s, [page(f"{ORIGIN}/"), page(f"{ORIGIN}/a", document=document(url=f"{ORIGIN}/a"))])
    files = build(s)
    board = {
        text(r.xpath("./th")[0]): r for r in doc(files, "index.html").xpath('//table[@class="leaderboard"]/tbody/tr')
    }
    lib_score = text(board["State Library"].xpath('./td[contains(@class,"score")]')[0])
    dnr_score = text(board["Department of Natural Resources"].xpath('./td[contains(@class,"score")]')[0])
    assert lib_score.endswith("(incomplete)") and lib_score[0].isdigit()
    assert "(incomplete)" not in dnr_score
    agency = doc(files, "agency/state-library.html")
    assert "(incomplete)" in text(agency.xpath('//*[@class="overall-value"]')[0])
    assert "A figure marked (incomplete)" in text(agency)
    rows = {text(r.xpath("./th")[0]): text(r) for r in agency.xpath("//table//tbody/tr") if r.xpath("./th")}
    assert "100 (incomplete)" in rows["Content"] and "(incomplete)" not in rows["Accessibility"]
    assert "(incomplete)" not in text(
        doc(files, "agency/department-of-natural-resources.html").xpath('//*[@class="overall-value"]')[0]
    )


def test_a_zero_change_is_said_once():
    from maturity.core.history import Change
    from reports.site import change_detail, change_text

    same = Change("overall", "Overall score", 80.0, 80.0, band=0.5)
    assert change_text(same) == "No change" and change_detail(same) == ""
    assert "within the ±0.5 noise band" in change_detail(Change("overall", "Overall score", 80.0, 80.3, band=0.5))


def test_incomplete_figures_are_marked_on_history_views(tmp_path):
    """The trend table, the change list and table of the site, and `maturity history`, mark every
    figure that rests on a scoring whose checks could not all run."""
    from factories import document

    from maturity.core.model import PageArtifacts

    s = Store(f"sqlite:///{tmp_path / 'm.db'}")
    broken = PageArtifacts(url=f"{LIB}/", artifacts={**page(f"{LIB}/").artifacts, "network": {"error": "log lost"}})
    first = store_run(s, [broken], origin=LIB, agency="State Library")
    second = store_run(
        s,
        [page(f"{LIB}/"), page(f"{LIB}/a", document=document(url=f"{LIB}/a"))],
        origin=LIB,
        agency="State Library",
        days=7,
    )
    agency = doc(build(s), "agency/state-library.html")
    trend_rows = {
        text(r.xpath("./th")[0]).rsplit("run ", 1)[1]: [text(td) for td in r.xpath("./td")]
        for r in agency.xpath("//table[contains(., 'scores at each run')]/tbody/tr")
    }
    overall_col = 2  # rubric, level, overall, then one column per dimension
    assert trend_rows[str(first)][overall_col].endswith("(incomplete)")
    assert "(incomplete)" not in " ".join(trend_rows[str(second)])
    assert any(cell.endswith("(incomplete)") for cell in trend_rows[str(first)][overall_col + 1 :])
    change_list = text(agency.xpath("//ul[@class='changes']/li[span[@class='caption']='Overall score']")[0])
    assert "(incomplete) →" in change_list and not change_list.split("→")[1].split()[1].startswith("(")
    by_dim = {
        text(r.xpath("./th")[0]): [text(td) for td in r.xpath("./td")]
        for r in agency.xpath("//table[contains(., 'change by dimension')]/tbody/tr")
    }
    assert by_dim["Content"][0].endswith("(incomplete)") and "(incomplete)" not in by_dim["Content"][1]
    assert "(incomplete)" not in by_dim["Accessibility"][0]
    proc = subprocess.run(
        [sys.executable, "-m", "maturity", "history", LIB, "--db", s.url], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    lines = {line.split(":")[0].strip(): line for line in proc.stdout.splitlines()}
    assert "(incomplete) →" in lines["overall"] and "(incomplete) →" in lines["Content"], proc.stdout
    assert "(incomplete)" not in lines["Accessibility"]


def test_failed_sites_are_explained_in_plain_words_on_the_index_and_agency_page(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'm.db'}")
    store_run(s, [page(f"{ORIGIN}/")])
    store_run(
        s,
        [],
        origin=LIB,
        agency="State Library",
        days=1,
        failed=f"cannot connect to {LIB}/: [Errno 111] Connection refused",
    )
    files = build(s)
    reason = text(doc(files, "index.html").get_element_by_id("not-auditable"))
    assert "the server refused the connection" in reason and "Errno" not in reason
    agency = text(doc(files, "agency/state-library.html"))
    assert "the server refused the connection" in agency and "Errno" not in agency


def test_the_index_has_agencies_by_dimension_as_a_heat_map_readable_without_colour(tmp_path):
    from factories import document

    from maturity.core.model import PageArtifacts
    from reports.site import HEAT_NONE, HEAT_TINTS

    s = Store(f"sqlite:///{tmp_path / 'm.db'}")
    broken = PageArtifacts(url=f"{LIB}/", artifacts={**page(f"{LIB}/").artifacts, "network": {"error": "log lost"}})
    store_run(s, [broken], origin=LIB, agency="State Library")
    store_run(s, [bad_alt(f"{ORIGIN}/"), page(f"{ORIGIN}/a", document=document(url=f"{ORIGIN}/a"))])
    root = doc(build(s), "index.html")
    table = root.get_element_by_id("heat-table")
    assert text(table.find("caption")).startswith("Agencies by dimension")
    assert table.getparent().get("role") == "region" and table.getparent().get("tabindex") == "0"
    heads = [(text(th), th.get("scope")) for th in table.xpath("./thead/tr/th")]
    assert heads == [
        ("Agency", "col"),
        ("Overall", "col"),
        ("Accessibility", "col"),
        ("Performance", "col"),
        ("Mobile-friendliness", "col"),
        ("Content", "col"),
        ("Security", "col"),
    ]  # no "Customer experience" nor "Tasks": an optional dimension no agency has data for gets no column of blanks
    words = {"Initial", "Developing", "Defined", "Managed", "Optimised"}
    rows = {text(r.xpath("./th")[0]): r.xpath("./td") for r in table.xpath("./tbody/tr")}
    assert set(rows) == {"Department of Natural Resources", "State Library"}
    for name, cells in rows.items():
        assert len(cells) == 6
        for cell in cells[:6]:  # a number and a level word in every cell: the colour only repeats them
            score, word = (
                text(cell.xpath("./span[@class='heat-score']")[0]),
                text(cell.xpath("./span[@class='heat-word']")[0]),
            )
            assert re.match(r"\d+(\.\d)?( \(incomplete\))?$", score) and word in words, (name, score, word)
    dnr_a11y = text(rows["Department of Natural Resources"][1].xpath("./span[@class='heat-score']")[0])
    assert float(dnr_a11y) < 100  # the image-alt failure shows in the agency's accessibility cell
    lib_content = text(rows["State Library"][4])
    assert "(incomplete)" in lib_content and "(incomplete)" not in text(rows["State Library"][1])
    total = table.xpath("./tfoot/tr")[0]
    assert total.xpath("./th")[0].get("scope") == "row" and text(total).startswith("All agencies")
    legend = [text(li) for li in root.xpath("//ul[@class='heat-legend']/li")]
    assert legend[0].startswith("Initial: 0 to under 50") and legend[-1] == "Not assessable: no figure"
    for tint in (*HEAT_TINTS, HEAT_NONE):  # dark text (and the muted grey) on every shade: WCAG AA
        assert svg.contrast_ratio("#1b1b1b", tint) >= 4.5 and svg.contrast_ratio("#4d4d4d", tint) >= 4.5


@pytest.mark.parametrize(
    ("score", "band"), [(0, 1), (49.9, 1), (50, 2), (64.99, 2), (65, 3), (89.9, 4), (100, 5), (None, None)]
)
def test_a_heat_map_cell_falls_in_the_level_band_its_score_reaches(score, band):
    from maturity.core.rubric import builtin_rubric
    from maturity.core.scoring import LevelRef
    from reports.site import _band

    levels = [LevelRef(level=lv.level, name=lv.name, min_score=lv.min_score) for lv in builtin_rubric().rubric.levels]
    assert _band(score, levels)[0] == band


def test_tags_group_agencies_on_plain_pages_linked_from_the_index(tmp_path):
    """One page per tag value, listing only the sites that carry it; the index compares the values."""
    s = Store(f"sqlite:///{tmp_path / 'm.db'}")
    parks = "https://parks.example.gov"
    store_run(s, [page(f"{ORIGIN}/")], tags={"branch": "executive", "tier": "large"})
    store_run(s, [bad_alt(f"{parks}/")], origin=parks, tags={"branch": "executive", "tier": "small"})
    store_run(s, [page(f"{LIB}/")], origin=LIB, agency="State Library", tags={"branch": "judicial", "tier": "small"})
    files = build(s)
    assert {f for f in files if f.startswith("tag/")} == {
        "tag/branch-executive.html",
        "tag/branch-judicial.html",
        "tag/tier-large.html",
        "tag/tier-small.html",
    }
    index = doc(files, "index.html")
    groups = index.get_element_by_id("groups")
    assert [text(c) for c in groups.xpath(".//caption")] == ["Agencies by branch", "Agencies by tier"]
    by_branch = {
        text(r.xpath("./th")[0]): [text(td) for td in r.xpath("./td")] for r in groups.xpath(".//table[1]/tbody/tr")
    }
    assert by_branch["executive"][:2] == ["1", "2"] and by_branch["judicial"][:2] == ["1", "1"]
    assert groups.xpath(".//a/@href") == [
        "tag/branch-executive.html",
        "tag/branch-judicial.html",
        "tag/tier-large.html",
        "tag/tier-small.html",
    ]
    large = doc(files, "tag/tier-large.html")
    assert text(large.find(".//h1")) == "Tier: large"
    heat_rows = large.xpath("//table[@id='heat-table']/tbody/tr")
    assert [text(r.xpath("./th")[0]) for r in heat_rows] == ["Department of Natural Resources"]
    # only the large site counts: its clean accessibility, not the parks site's image-alt failure
    assert text(heat_rows[0].xpath("./td")[1]).startswith("100")
    small = doc(files, "tag/tier-small.html")
    small_rows = {text(r.xpath("./th")[0]): r for r in small.xpath("//table[@id='heat-table']/tbody/tr")}
    assert set(small_rows) == {"Department of Natural Resources", "State Library"}
    assert not text(small_rows["Department of Natural Resources"].xpath("./td")[1]).startswith("100")
    assert small_rows["State Library"].xpath("./th/a/@href") == ["../agency/state-library.html"]
    assert large.xpath("//section[@id='other-values']//a/@href") == ["../tag/tier-small.html"]
    # an agency's shared tags link to their pages
    agency = doc(files, "agency/department-of-natural-resources.html")
    assert agency.xpath("//dl[@class='tags']//a/@href") == ["../tag/branch-executive.html"]


def test_the_index_shows_the_statewide_trend_as_a_chart_with_its_data_table(store):
    root = doc(build(store), "index.html")
    section = root.get_element_by_id("trend")
    charts = section.xpath(".//svg[contains(@class, 'line-chart')]")
    assert len(charts) == 2 and all(c.get("role") == "img" and c.xpath("./title") for c in charts)
    table = root.get_element_by_id("trend-table")
    assert text(table.find("caption")).startswith("Statewide scores on each audit day")
    heads = [text(th) for th in table.xpath("./thead/tr/th")]
    assert heads[:4] == ["As of", "Sites", "Level", "Overall"] and "Accessibility" in heads
    rows = [[text(c) for c in r.xpath("./th|./td")] for r in table.xpath("./tbody/tr")]
    # three audit days of the agency's site and one of the library's: 3 Mar, 4 Mar, 2 Apr, 2 May
    assert [r[0] for r in rows] == ["3 Mar 2025", "4 Mar 2025", "2 Apr 2025", "2 May 2025"]
    assert [r[1] for r in rows] == ["1", "2", "2", "2"]
    assert all(re.match(r"\d+(\.\d)?$", r[3]) for r in rows)


async def _overflow(browser, urls: list[str], width: int) -> dict[str, int]:
    """How far each page's document is wider than a ``width`` px viewport (0: it fits)."""
    context = await browser.new_context(viewport={"width": width, "height": 900})
    out = {}
    try:
        tab = await context.new_page()
        for url in urls:
            await tab.goto(url)
            out[url] = await tab.evaluate(
                "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
                " - document.documentElement.clientWidth"
            )
    finally:
        await context.close()
    return out


@pytest.mark.browser
def test_every_page_fits_a_412_px_screen(shared_browser, tmp_path):
    """Wide tables scroll inside their own labelled region; the page itself never scrolls sideways."""
    from maturity.core.rubric import builtin_rubric

    s = Store(f"sqlite:///{tmp_path / 'm.db'}")
    small_portfolio(s)
    long_origin = "https://a-very-long-host-name-of-the-department-of-transportation.example.gov"
    store_run(
        s,
        [bad_alt(f"{long_origin}/"), bad_alt(f"{long_origin}/services/permits/oversize-overweight-vehicles/apply")],
        origin=long_origin,
        agency="Department of Transportation and Infrastructure Administration",
        tags={"branch": "executive", "population_tier": "large"},
        days=5,
    )
    with_journeys(s, 4)  # the newest run of the natural resources site: its agency page shows the strips
    loaded = builtin_rubric()
    files = build(s, rubrics={loaded.sha256: loaded})
    routes = {"/" + n: Resource(b, content_type=CONTENT_TYPES[Path(n).suffix]) for n, b in files.items()}
    routes.update(screenshot_routes(files))
    pages = sorted(n for n in files if n.endswith(".html"))
    assert {"index.html", "tag/branch-executive.html", "run/1.html", "rubric.html"} <= set(pages)
    session = shared_browser.session
    saved = (session.settings, session.start_url)
    with SiteServer(routes) as server:
        session.reconfigure(session.settings, server.url("/"))  # the policy proxy lets the browser reach it
        try:
            overflow = shared_browser.run(_overflow(session.browser, [server.url("/" + n) for n in pages], 412))
        finally:
            session.reconfigure(*saved)
    assert {url: px for url, px in overflow.items() if px > 0} == {}


def test_every_table_scrolls_in_its_own_labelled_region(store):
    """On a narrow screen a wide table scrolls by itself, reachable by keyboard and named for a screen reader."""
    files = build(store)
    for name, content in files.items():
        if not name.endswith(".html"):
            continue
        for table in lxml.html.fromstring(content.encode()).iter("table"):
            wrap = table.getparent()
            assert "table-wrap" in (wrap.get("class") or ""), (name, text(table.find("caption")))
            assert wrap.get("role") == "region" and wrap.get("tabindex") == "0" and wrap.get("aria-label"), name
            assert table.find("caption") is not None, name


def test_survey_figures_sit_beside_the_scans_and_services_are_ranked_by_trust(tmp_path):
    """An agency's imported survey figures show on its page (with the question's wording, the
    interval and n), the index ranks services by trust, and the site offers them as CSV and JSON."""
    from maturity.run.publish import build
    from maturity.run.xdata import import_file

    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    store_run(store, [page()], agency="Department of Natural Resources")
    text = "service,quarter,question,n,positive,offered,question_text\n"
    text += "renew-licence,FY2025 Q1,trust,412,331,15000,I trust this office to do what is right.\n"
    text += "renew-licence,FY2025 Q2,trust,400,250,14000,I trust this office to do what is right.\n"
    text += "report-a-fish-kill,FY2025 Q2,trust,12,11,,I trust this office to do what is right.\n"
    path = tmp_path / "aggregate.csv"
    path.write_text(text)
    import_file(store, path, agency="Department of Natural Resources")
    out = tmp_path / "site"
    build(store, out, method="mean", title="Scorecards")
    agency = next((out / "agency").glob("*.html")).read_text(encoding="utf-8")
    assert 'id="survey"' in agency and "I trust this office to do what is right." in agency
    assert "62 % (" in agency and "FY2025 Q2" in agency  # 250 of 400, with its interval
    assert "insufficient responses (fewer than 30)" in agency  # 12 answers: no figure
    assert "a significant change" in agency  # 80 % -> 62 % between the quarters
    assert "Trust in renew-licence by quarter, with 95 % intervals" in agency  # the trend, whiskers and all
    assert 'class="whisker"' in agency and "interval 76" in agency  # FY2025 Q1's Wilson low bound, in words
    index = (out / "index.html").read_text(encoding="utf-8")
    ranked = index[index.index('id="services"') :]
    assert ranked.index("renew-licence") < ranked.index("report-a-fish-kill")  # no figure ranks last
    assert (out / "survey.csv").read_text().startswith("agency,")
    assert "renew-licence" in (out / "survey.json").read_text()
    import json

    from maturity.run.publish import export

    exported, _ = export(store, "json", method="mean")
    agency_doc = json.loads(exported)["agencies"][0]
    assert {f["service"] for f in agency_doc["survey"]} == {"renew-licence", "report-a-fish-kill"}
    in_site = json.loads((out / "portfolio.json").read_text())["agencies"][0]
    assert in_site["survey"] == agency_doc["survey"]


def test_a_site_without_survey_data_has_no_survey_sections(tmp_path):
    from maturity.run.publish import build

    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    store_run(store, [page()])
    out = tmp_path / "site"
    build(store, out, method="mean", title="Scorecards")
    assert 'id="services"' not in (out / "index.html").read_text() and not (out / "survey.csv").exists()


def test_the_agency_page_joins_each_services_sites_journeys_and_survey_figures(tmp_path):
    """Store level, no browser: per service, the scans of the sites delivering it (their latest
    scores), its journeys' latest outcomes and its newest trust figure, side by side."""
    from maturity.core.journey import JourneyResult
    from maturity.core.model import SurveyFacts, SurveyService
    from maturity.run.publish import build
    from maturity.run.xdata import import_file
    from maturity.store import JourneyStore

    agency = "Department of Natural Resources"
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    journeys = JourneyStore(store.engine)
    other = "https://fishkill.example.gov"

    def journey(jid: str, service: str, outcome: str, **kw) -> JourneyResult:
        return JourneyResult(
            id=jid, title=f"Journey {jid}", service=service, start=f"{ORIGIN}/", k=1, outcome=outcome, steps=[], **kw
        )

    first = store_run(store, [page()], agency=agency)
    journeys.save(first, [journey("renew", "renew-licence", "failed", failed_step=1, reason="no form")])
    latest = store_run(store, [page()], agency=agency, days=7)
    journeys.save(
        latest,
        [
            journey("renew", "renew-licence", "completed", total_ms_median=4200.0),
            # named by the service's name (any case): a sign-in wall at the start page
            journey("status", "renew a FISHING licence", "not_assessable", failed_step=0, reason="a sign-in wall"),
        ],
    )
    services = [  # as a portfolio run records the agency's services with the run of the site delivering one
        SurveyService(id="renew-licence", name="Renew a fishing licence", journeys=["renew"], here=True),
        SurveyService(id="report-a-fish-kill", name="Report a fish kill"),
    ]
    facts = store.load_site(latest).model_copy(update={"survey": SurveyFacts(agency=agency, services=services)})
    store.set_site(latest, facts, 1)
    kill = store_run(store, [page(f"{other}/")], origin=other, agency=agency, days=7)
    journeys.save(kill, [journey("fish-kill", "Report a fish kill", "failed", failed_step=2, reason="no Submit")])
    aggregate = tmp_path / "aggregate.csv"
    aggregate.write_text(
        "service,quarter,question,n,positive,offered,question_text\n"
        "renew-licence,FY2025 Q1,trust,412,331,15000,I trust this office to do what is right.\n"
        "report-a-fish-kill,FY2025 Q2,trust,12,11,,I trust this office to do what is right.\n"
    )
    import_file(store, aggregate, agency=agency)
    out = tmp_path / "site"
    build(store, out, method="mean", title="Scorecards")
    page_ = lxml.html.fromstring(next((out / "agency").glob("*.html")).read_bytes())
    table = page_.get_element_by_id("services").find(".//table")
    rows = {text(r.find("th")): [text(td) for td in r.findall("td")] for r in table.find("tbody").findall("tr")}
    assert list(rows) == ["Renew a fishing licencerenew-licence", "Report a fish killreport-a-fish-kill"]
    renew, fish_kill = rows.values()
    assert "overall" in renew[0] and "fishkill" not in renew[0]  # its own site only, with its latest score
    link = table.xpath(".//a[contains(@href, '../run/')]/@href")
    assert f"../run/{latest}.html" in link and f"../run/{first}.html" not in link  # the latest run
    assert renew[1].startswith("Journey renew: completed in 4.2 s")  # the newer run's outcome, not "no form"
    assert "Journey status: not assessable at the start page: a sign-in wall" in renew[1]
    assert renew[2].startswith("FY2025 Q1: 80 % (76–84)") and "low reliability" not in renew[2]
    assert renew[3] == "412" and "I trust this office" in renew[2]
    assert "fishkill.example.gov" in fish_kill[0]  # the site its journey ran on
    assert fish_kill[1].startswith("Journey fish-kill: failed at step 2: no Submit")
    assert fish_kill[2].startswith("FY2025 Q2: insufficient responses (fewer than 30)") and fish_kill[3] == "12"
