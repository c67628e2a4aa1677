"""Samples that represent the site, and the 95 % intervals of the figures drawn from them."""

from __future__ import annotations

import json
import math
import random

import pytest
import yaml
from factories import ORIGIN, document, page, site

from crawlers.links import page_shape
from maturity.core.model import PageArtifacts, SampleFacts, Stratum
from maturity.core.rubric import parse_rubric
from maturity.core.sampling import ESSENTIAL, Candidate, design_weights, draw, interval, linearised_ratio, stratum_key
from maturity.core.scoring import score


def population(sizes: dict[str, int]) -> list[Candidate]:
    out = [Candidate(url=f"{ORIGIN}/", stratum="home", essential=True)]
    for key, size in sizes.items():
        out += [Candidate(url=f"{ORIGIN}/{key}/{i}", stratum=key) for i in range(size)]
    return out


def test_stratified_draw_covers_every_template_in_proportion_and_repeats_with_its_seed() -> None:
    cands = population({"news": 60, "parks": 30, "forms": 9})
    sample = draw(cands, 11, "stratified", seed=7)
    drawn = {s.key: s.drawn for s in sample.strata}
    assert sample.population == 100 and sample.drawn == 11
    assert drawn[ESSENTIAL] == [f"{ORIGIN}/"]  # the home page is always in, standing for itself
    assert all(len(v) >= 1 for v in drawn.values())  # every stratum at least once
    # One each (3), then the other 7 one at a time to the largest N_h / (n_h + 1): 6, 3 and 1 in all.
    assert (len(drawn["news"]), len(drawn["parks"]), len(drawn["forms"])) == (6, 3, 1)
    assert draw(cands, 11, "stratified", seed=7) == sample
    assert draw(cands, 11, "stratified", seed=8) != sample
    assert {s.key: s.size for s in sample.strata} == {ESSENTIAL: 1, "news": 60, "parks": 30, "forms": 9}
    # A larger sample with the same seed keeps every page of the smaller one (a sample can grow).
    bigger = {u for s in draw(cands, 30, "stratified", seed=7).strata for u in s.drawn}
    assert {u for s in sample.strata for u in s.drawn} <= bigger


def test_more_strata_than_pages_takes_the_largest_and_keeps_the_essential_pages() -> None:
    cands = population({f"t{i}": 10 - i for i in range(8)})
    cands[5] = cands[5].model_copy(update={"essential": True})  # linked from the main navigation
    sample = draw(cands, 4, "stratified", seed=1)
    chosen = {u for s in sample.strata for u in s.drawn}
    assert len(chosen) == 4 and f"{ORIGIN}/" in chosen and cands[5].url in chosen


def test_random_draw_is_seeded_and_crawl_takes_the_first() -> None:
    cands = population({"a": 50})
    one, two = draw(cands, 10, "random", 3), draw(cands, 10, "random", 3)
    assert one == two and one.drawn == 10 and one.strata[0].drawn == [f"{ORIGIN}/"]
    crawl = draw(cands, 5, "crawl", 0)
    assert crawl.strata[0].drawn == [c.url for c in cands[:5]]


def test_simple_random_interval_matches_the_textbook_formula() -> None:
    urls = [f"u{i}" for i in range(10)]
    sample = SampleFacts(method="random", seed=0, population=100, strata=[Stratum(key="all", size=100, drawn=urls)])
    ys = dict(zip(urls, [1, 1, 1, 0, 1, 0, 1, 1, 1, 0], strict=True))
    weights = design_weights(sample, urls)
    assert weights is not None and set(weights.values()) == {10.0}
    p = sum(ys.values()) / 10  # 0.7
    lin = linearised_ratio(ys, weights, sum(weights.values()), p)
    low, high = interval(sample, p, lin, urls)  # type: ignore[misc]
    s2 = sum((y - p) ** 2 for y in ys.values()) / 9
    half = 1.959964 * math.sqrt((1 - 10 / 100) * s2 / 10)  # Cochran eq. 2.14 with the FPC
    assert math.isclose(low, p - half, abs_tol=1e-9) and math.isclose(high, min(1.0, p + half), abs_tol=1e-9)


def test_stratified_interval_matches_the_textbook_formula() -> None:
    a, b = [f"a{i}" for i in range(4)], [f"b{i}" for i in range(3)]
    sample = SampleFacts(
        method="stratified",
        population=100,
        strata=[Stratum(key="A", size=80, drawn=a), Stratum(key="B", size=20, drawn=b)],
    )
    ys = dict(zip(a + b, [1, 1, 0, 1, 0, 0, 1], strict=True))
    weights = design_weights(sample, a + b)
    assert weights == {**dict.fromkeys(a, 20.0), **dict.fromkeys(b, 20 / 3)}
    estimate = (80 * 0.75 + 20 * (1 / 3)) / 100  # the strata weighted by their size
    lin = linearised_ratio(ys, weights, 100.0, estimate)
    low, high = interval(sample, estimate, lin, a + b)  # type: ignore[misc]

    def s2(values):
        m = sum(values) / len(values)
        return sum((v - m) ** 2 for v in values) / (len(values) - 1)

    var = (0.8**2) * (1 - 4 / 80) * s2([1, 1, 0, 1]) / 4 + (0.2**2) * (1 - 3 / 20) * s2([0, 0, 1]) / 3  # eq. 5.6
    half = 1.959964 * math.sqrt(var)
    assert math.isclose(low, max(0.0, estimate - half), abs_tol=1e-9)
    assert math.isclose(high, min(1.0, estimate + half), abs_tol=1e-9)  # clipped to a share


def test_the_interval_covers_the_true_figure_about_95_times_in_100() -> None:
    rng = random.Random(2026)
    rates = {"news": 0.9, "parks": 0.5, "forms": 0.2, "legacy": 0.05}
    sizes = {"news": 900, "parks": 500, "forms": 120, "legacy": 60}
    truth: dict[str, float] = {}
    cands = []
    for key, size in sizes.items():
        for i in range(size):
            url = f"{key}/{i}"
            truth[url] = 1.0 if rng.random() < rates[key] else 0.0
            cands.append(Candidate(url=url, stratum=key))
    true_share = sum(truth.values()) / len(truth)
    covered = trials = 0
    for seed in range(400):
        sample = draw(cands, 80, "stratified", seed)
        audited = [u for s in sample.strata for u in s.drawn]
        weights = design_weights(sample, audited)
        assert weights is not None
        ys = {u: truth[u] for u in audited}
        total = sum(weights[u] for u in audited)
        estimate = sum(weights[u] * ys[u] for u in audited) / total
        span = interval(sample, estimate, linearised_ratio(ys, weights, total, estimate), audited)
        assert span is not None
        trials += 1
        covered += span[0] <= true_share <= span[1]
    assert 0.91 <= covered / trials <= 0.985, covered / trials


SMALL = {
    "id": "small",
    "version": "1",
    "title": "Small",
    "levels": [{"level": 1, "name": "Initial", "min_score": 0}, {"level": 2, "name": "Developing", "min_score": 60}],
    "dimensions": [
        {"id": "content", "title": "Content", "weight": 1, "goal": "?", "parameters": [{"check": "html-lang"}]}
    ],
}


def test_scoring_weights_each_page_by_its_stratum_and_gives_intervals() -> None:
    rubric = parse_rubric(yaml.safe_dump(SMALL).encode(), "small.yaml")
    common = [f"{ORIGIN}/news/{i}" for i in range(3)]  # stand for 90 pages; all declare their language
    rare = [f"{ORIGIN}/old/{i}" for i in range(3)]  # stand for 10 pages; none does
    pages = [page(u) for u in common] + [page(u, document=document(url=u, lang=None)) for u in rare]
    sample = SampleFacts(
        method="stratified",
        seed=1,
        population=100,
        strata=[Stratum(key="news", size=90, drawn=common), Stratum(key="old", size=10, drawn=rare)],
    )
    crawl = score(rubric, pages, site())
    assert crawl.overall == 50.0 and crawl.overall_interval is None and crawl.sample == ""
    card = score(rubric, pages, site(sample=sample))
    assert card.overall == 90.0  # 90 of the 100 pages found declare their language, not 3 of 6
    content = card.dimensions[0]
    assert content.interval is not None and content.interval[0] <= 90.0 <= content.interval[1]
    assert card.overall_interval == content.interval
    assert "6 of 100 pages found" in card.sample and "stratified" in card.sample
    lang = content.checks[0]
    assert lang.interval is not None and lang.interval[0] <= 0.9 <= lang.interval[1]


def test_a_level_threshold_inside_the_interval_makes_the_level_uncertain() -> None:
    rubric = parse_rubric(yaml.safe_dump(SMALL).encode(), "small.yaml")
    urls = [f"{ORIGIN}/p/{i}" for i in range(6)]
    pages = [page(u, document=document(url=u, lang=None if i % 3 == 0 else "en")) for i, u in enumerate(urls)]
    sample = SampleFacts(method="random", population=60, strata=[Stratum(key="all", size=60, drawn=urls)])
    card = score(rubric, pages, site(sample=sample))
    assert card.overall is not None and round(card.overall) == 67  # 4 of 6
    assert card.overall_interval is not None and card.overall_interval[0] < 60 <= card.overall_interval[1]
    assert card.level_uncertain


def test_the_shell_fingerprint_groups_pages_by_template_and_reads_the_main_navigation() -> None:
    def html(nav: str, body: str, footer: str = "<footer><p>Agency</p></footer>") -> bytes:
        return f"<html><body><header><nav>{nav}</nav></header><main>{body}</main>{footer}</body></html>".encode()

    menu = '<ul><li><a href="/parks/">Parks</a></li><li><a class="current" href="/news/">News</a></li></ul>'
    one = page_shape(html(menu, "<p>One</p>"), f"{ORIGIN}/news/1")
    two = page_shape(html(menu.replace("current", "x"), "<h1>Two</h1><p>text</p>"), f"{ORIGIN}/news/2")
    other = page_shape(html("<a href='/'>Home</a>", "<p>Three</p>", footer=""), f"{ORIGIN}/forms/3")
    assert one.shell and one.shell == two.shell  # the same template, whatever the content and classes
    assert other.shell != one.shell
    assert one.nav_links == [f"{ORIGIN}/parks/", f"{ORIGIN}/news/"]
    assert stratum_key(f"{ORIGIN}/news/1", one.shell) == f"{one.shell}·/news·html"
    assert stratum_key(f"{ORIGIN}/about.html", "") == "no-template·/·html"


def _template_site() -> dict:
    from sites import html as page_html

    def shell(kind: str, title: str, body: str) -> str:
        nav = '<nav><a href="/news/">News</a> <a href="/parks/">Parks</a></nav>'
        header = {"a": f"<header>{nav}</header>", "b": f"<header><div><div>{nav}</div></div></header>", "c": ""}[kind]
        footer = "" if kind == "c" else "<footer><p>State agency</p></footer>"
        return page_html(title, f"{header}<main><h1>{title}</h1>{body}</main>{footer}")

    pages = {f"/news/{i}": ("a", f"News item {i}") for i in range(12)}
    pages |= {f"/parks/{i}": ("b", f"Park {i}") for i in range(6)}
    pages |= {f"/forms/{i}": ("c", f"Form {i}") for i in range(3)}
    links = "".join(f'<a href="{p}">{title}</a> ' for p, (_, title) in pages.items())
    routes = {path: shell(kind, title, "<p>Text.</p>") for path, (kind, title) in pages.items()}
    routes["/"] = shell("a", "Home", f"<p>{links}</p>")
    routes["/news/"] = shell("a", "News", "<p>All the news.</p>")
    routes["/parks/"] = shell("b", "Parks", "<p>All the parks.</p>")
    return routes


def test_a_stratified_audit_draws_every_template_and_reports_its_uncertainty(shared_browser, tmp_path) -> None:
    import pytest
    from sites import SiteServer

    from maturity.core.rubric import builtin_rubric
    from maturity.core.settings import AuditSettings, MachineSettings
    from maturity.run.audit import audit
    from maturity.store import Store

    pytest.importorskip("playwright")
    with SiteServer(_template_site()) as server:
        settings = AuditSettings(
            url=server.url("/"),
            max_pages=6,
            sample="stratified",
            sample_seed=4,
            concurrency=2,
            throttle="none",
            perf_pages=0,
            page_timeout=10,
            user_agent="maturity-tests",
            delay=0,
        )
        store = Store(f"sqlite:///{tmp_path / 'm.db'}")
        result = audit(
            settings,
            store,
            builtin_rubric(),
            tmp_path / "out",
            machine=MachineSettings(loopback_only=True),
            browser=shared_browser,
        )
    card = result.scorecard
    audited = [p.url.removeprefix(server.origin) for p in card.pages]
    assert len(audited) == 6
    assert "/" in audited and "/news/" in audited and "/parks/" in audited  # home and its main navigation
    assert any(u.startswith("/forms/") for u in audited)  # the small template is drawn too
    # 24 pages, of which discovery keeps 10 of the 12 /news/N (at most 10 URLs share a pattern): 22.
    assert "6 of 22 pages found" in card.sample and "stratified sample (seed 4)" in card.sample
    assert "4 groups" in card.sample  # home and news share a template but not a section; parks; forms
    assert card.overall_interval is not None and card.overall_interval[0] <= card.overall <= card.overall_interval[1]
    assert all(d.interval is not None for d in card.dimensions if d.score is not None)
    report = result.report_paths["html"].read_text()
    assert "95 % interval" in report and "6 of 22 pages found" in report


def _varied_site() -> dict:
    """30 pages under /p/ (one template); every third page has an image without alt text."""
    from sites import html as page_html

    routes = {}
    for i in range(30):
        img = '<img src="/x.png">' if i % 3 == 0 else '<img src="/x.png" alt="A chart">'
        routes[f"/p{i}.html"] = page_html(f"Page {i}", f"<main><h1>Page {i}</h1><p>Text.</p>{img}</main>")
    links = "".join(f'<a href="/p{i}.html">Page {i}</a> ' for i in range(30))
    routes["/"] = page_html("Home", f"<main><h1>Home</h1><p>{links}</p></main>")
    return routes


def test_target_margin_grows_the_sample_until_the_interval_is_narrow_or_the_budget_ends(shared_browser, tmp_path):
    from sites import SiteServer

    from maturity.core.rubric import builtin_rubric
    from maturity.core.settings import AuditSettings, MachineSettings
    from maturity.run.audit import audit
    from maturity.store import Store

    def run(margin: float, db: str):
        settings = AuditSettings(
            url=server.url("/"),
            max_pages=16,
            sample="random",
            target_margin=margin,
            population=40,
            concurrency=2,
            throttle="none",
            perf_pages=1,
            page_timeout=10,
            user_agent="maturity-tests",
            delay=0,
        )
        return audit(
            settings,
            Store(f"sqlite:///{tmp_path / db}"),
            builtin_rubric(),
            tmp_path / f"out-{db}",
            machine=MachineSettings(loopback_only=True),
            browser=shared_browser,
        )

    with SiteServer(_varied_site()) as server:
        wide = run(50, "wide.db")  # any interval will do: the first quarter suffices
        narrow = run(0.01, "narrow.db")  # never narrow enough: grows to --max-pages and says so
    assert len(wide.scorecard.pages) == 10
    assert (
        wide.run.timings["target_margin"].startswith("met: ±") and "with 10 pages" in wide.run.timings["target_margin"]
    )
    assert len(narrow.scorecard.pages) == 16
    assert (
        narrow.run.timings["target_margin"].startswith("not met") and "16 pages" in narrow.run.timings["target_margin"]
    )
    first = {p.url for p in wide.scorecard.pages}
    assert first <= {p.url for p in narrow.scorecard.pages}  # the same seed grew the same sample
    assert "16 of 31 pages found" in narrow.scorecard.sample


def test_target_margin_needs_a_probability_sample() -> None:
    import pytest

    from maturity.core.settings import compose
    from maturity.kernel.errors import ConfigError

    with pytest.raises(ConfigError, match="target_margin needs sample"):
        compose({"url": "https://agency.example.gov/", "target_margin": 5}, sources=["the command line"])


def test_a_traffic_sample_takes_the_essential_pages_then_the_most_visited() -> None:
    cands = [Candidate(url=f"{ORIGIN}/", stratum="x", essential=True, views=5)]
    cands += [Candidate(url=f"{ORIGIN}/p{i}", stratum="x", views=v) for i, v in enumerate([10, None, 900, 40, 900])]
    sample = draw(cands, 4, "traffic", seed=0)
    assert sample.strata[0].drawn == [f"{ORIGIN}/", f"{ORIGIN}/p2", f"{ORIGIN}/p3", f"{ORIGIN}/p4"]
    assert design_weights(sample, sample.strata[0].drawn) is None  # not a probability sample: no interval
    assert "most visited" in sample.describe()


def test_page_weighting_traffic_weighs_each_page_by_its_visits() -> None:
    from maturity.core.model import TrafficFacts

    data = {**SMALL, "page_weighting": "traffic"}
    weighted = parse_rubric(yaml.safe_dump(data).encode(), "weighted.yaml")
    equal = parse_rubric(yaml.safe_dump(SMALL).encode(), "small.yaml")
    busy, quiet = f"{ORIGIN}/busy", f"{ORIGIN}/quiet"
    pages = [page(busy), page(quiet, document=document(url=quiet, lang=None))]  # the quiet page fails
    facts = site(traffic=TrafficFacts(metric="views", period="2026-11", views={busy: 900, quiet: 100}))
    assert score(equal, pages, facts).overall == 50.0
    card = score(weighted, pages, facts)
    assert card.overall == 90.0  # 900 of 1,000 visits land on a page that declares its language
    assert "views" in card.page_weighting and "2026-11" in card.page_weighting
    no_data = score(weighted, pages, site())  # no report imported: every page once, and it says nothing
    assert no_data.overall == 50.0 and no_data.page_weighting == ""


def test_audit_sample_traffic_audits_the_most_visited_pages(shared_browser, tmp_path) -> None:
    from sites import SiteServer
    from sites import html as page_html

    from maturity.core.rubric import builtin_rubric
    from maturity.core.settings import AuditSettings, MachineSettings
    from maturity.kernel.errors import UsageError
    from maturity.run.audit import audit
    from maturity.run.traffic import import_traffic
    from maturity.store import Store

    links = "".join(f'<a href="/p{i}.html">Page {i}</a> ' for i in range(8))
    routes = {f"/p{i}.html": page_html(f"Page {i}", f"<main><h1>Page {i}</h1></main>") for i in range(8)}
    routes["/"] = page_html("Home", f"<main><h1>Home</h1><p>{links}</p></main>")
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    with SiteServer(routes) as server:
        settings = AuditSettings(
            url=server.url("/"), max_pages=3, sample="traffic", concurrency=2, throttle="none", perf_pages=0,
            page_timeout=10, user_agent="maturity-tests", delay=0,
        )  # fmt: skip
        machine = MachineSettings(loopback_only=True)
        with pytest.raises(UsageError, match="no traffic report was imported"):
            audit(settings, store, builtin_rubric(), tmp_path / "out", machine=machine, browser=shared_browser)
        report = tmp_path / "pages.csv"
        report.write_text("Page path,Views\n/p6.html,5000\n/p2.html,700\n/p1.html,3\n/p2.html?utm=x,50\n")
        import_traffic(store, report, agency="Fixture agency", site=server.url("/"))
        result = audit(settings, store, builtin_rubric(), tmp_path / "out", machine=machine, browser=shared_browser)
    audited = sorted(p.url.removeprefix(server.origin) for p in result.scorecard.pages)
    assert audited == ["/", "/p2.html", "/p6.html"]
    assert "most visited" in result.scorecard.sample
    stored = store.load_site(result.crawl_id).traffic
    assert stored is not None and stored.views[server.url("/p2.html")] == 750  # query strings cut, rows summed


def test_a_group_with_no_assessable_page_is_named_as_missing_from_the_figures() -> None:
    rubric = parse_rubric(yaml.safe_dump(SMALL).encode(), "small.yaml")
    common = [f"{ORIGIN}/news/{i}" for i in range(3)]
    rare = [f"{ORIGIN}/old/{i}" for i in range(2)]
    lost = [PageArtifacts(url=u, status="not_assessable", reason="HTTP 500") for u in rare]
    sample = SampleFacts(
        method="stratified",
        seed=1,
        population=100,
        strata=[Stratum(key="news", size=90, drawn=common), Stratum(key="old", size=10, drawn=rare)],
    )
    card = score(rubric, [*(page(u) for u in common), *lost], site(sample=sample))
    assert "1 group (10 pages found) had no page that could be assessed" in card.sample
    assert card.sample.endswith("missing from the figures: old")
    whole = score(rubric, [page(u) for u in common + rare], site(sample=sample))
    assert "missing" not in whole.sample


def test_a_target_margin_run_stopped_while_growing_grows_on_when_resumed(shared_browser, tmp_path, monkeypatch):
    from sites import SiteServer

    import maturity.run.audit as audit_module
    from maturity.core.rubric import builtin_rubric
    from maturity.core.settings import AuditSettings, MachineSettings
    from maturity.run.audit import audit, resume
    from maturity.store import Store

    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    real_score = audit_module.score

    def stop_at_first_score(*args, **kwargs):  # the run is stopped once its first draw is rendered
        raise KeyboardInterrupt

    with SiteServer(_varied_site()) as server:
        settings = AuditSettings(
            url=server.url("/"),
            max_pages=16,
            sample="random",
            target_margin=0.01,  # never narrow enough: grows to --max-pages and says so
            population=40,
            concurrency=2,
            throttle="none",
            perf_pages=1,
            page_timeout=10,
            user_agent="maturity-tests",
            delay=0,
        )
        monkeypatch.setattr(audit_module, "score", stop_at_first_score)
        with pytest.raises(KeyboardInterrupt):
            audit(
                settings,
                store,
                builtin_rubric(),
                tmp_path / "out",
                machine=MachineSettings(loopback_only=True),
                browser=shared_browser,
            )
        first = store.load_pages(1, include_pending=True)
        assert 0 < len(first) < 16 and all(p.status != "pending" for p in first)  # the first draw, rendered
        assert "target_margin" not in json.loads(store.crawl(1).timings)
        monkeypatch.setattr(audit_module, "score", real_score)
        resumed = resume(
            store,
            1,
            builtin_rubric(),
            tmp_path / "out",
            machine=MachineSettings(loopback_only=True),
            browser=shared_browser,
        )
    assert len(resumed.scorecard.pages) == 16  # grown on to the budget, as a fresh run does
    assert {p.url for p in first} <= {p.url for p in resumed.scorecard.pages}  # the same seed, a superset
    said = resumed.run.timings["target_margin"]
    assert said.startswith("not met") and "16 pages, the most allowed" in said
    assert "16 of 31 pages found" in resumed.scorecard.sample
    # the population it grew from is kept while the run is: removing unused blobs leaves it
    store.delete_unused_blobs()
    assert store.get_blob(resumed.run.timings["target_margin_population"])
