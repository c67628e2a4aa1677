"""The static scorecard site: a portfolio page, one page per agency, one per run, and the rubric.

Pure: the runs of every site (:class:`~maturity.core.history.RunSnapshot`, grouped by site) in, a
mapping of relative file path to file content out; the caller writes the files. The site is
plain HTML and SVG with inline CSS, no JavaScript, publishable from any static host:

``index.html``                 the portfolio: levels chart, agencies × dimensions heat map, statewide
                               trend, leaderboard (sorted by score), groups by tag, failed sites
``index-by-name.html``         the same leaderboard sorted by agency name
``index-by-change.html``       ... and by the change since the last run
``agency/<slug>.html``         an agency: level, next level, dimensions, trends, changes, top issues
``tag/<key>-<value>.html``     the agencies of the sites carrying one tag value, by dimension
``run/<crawl id>.html``        one run's full scorecard (:func:`reports.html.render_html`)
``rubric.html``                the rubric behind the figures (older rubrics: ``rubric-<sha12>.html``)
``portfolio.csv`` / ``.json``  the exports (:mod:`reports.csv_export`)

Sortable tables work without JavaScript: each sort order is a pre-rendered page, and the column
headers link to them (``aria-sort`` marks the current order).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from maturity.core.documents import DocumentSet, DocumentTally
from maturity.core.history import (
    ROLLUP_DESCRIPTIONS,
    AgencyView,
    Change,
    Comparison,
    Rollup,
    RunSnapshot,
    SiteHistory,
    agencies,
    portfolio_rollup,
    portfolio_trend,
    rollup,
    scored_site,
    trend,
)
from maturity.core.journey import JourneyResult
from maturity.core.model import SurveyService
from maturity.core.rubric import LoadedRubric
from maturity.core.scoring import LevelRef, RubricRef, Scorecard
from maturity.core.xdata import LOW_RELIABILITY, Figure
from maturity.kernel.plainwords import plain_reason
from reports import csv_export, svg
from reports.history_text import change_figures, fmt_value
from reports.html import (
    NOT_ASSESSABLE,
    FindingsView,
    _findings_view,
    fmt_marked,
    make_environment,
    render_html,
    safe_href,
    site_name,
)
from reports.journey_html import BAND_TEXT, JourneyView, journey_views
from reports.journey_text import headline
from reports.xdata_export import render_figures_csv, render_figures_json

SORTS = {"score": "index.html", "name": "index-by-name.html", "change": "index-by-change.html"}
TOP_ISSUES = 6
ISSUE_PAGES = 5


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def slugify(text: str) -> str:
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return out[:60].strip("-") or "agency"


def unique_slugs(names: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        base = slugify(name)
        candidate, n = base, 2
        while candidate in used:
            candidate, n = f"{base}-{n}", n + 1
        used.add(candidate)
        out[name] = candidate
    return out


def level_label(level: int | None, levels: Sequence[LevelRef] | None = None, name: str | None = None) -> str:
    if level is None:
        return NOT_ASSESSABLE
    if name is None and levels:
        name = next((lv.name for lv in levels if lv.level == level), None)
    return f"Level {level}" + (f" · {name}" if name else "")


def short_date(iso: str) -> str:
    try:
        dt = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return f"{dt.day} {dt:%b %Y}"


def change_text(change: Change | None) -> str:
    if change is None:
        return "No earlier run to compare"
    d = change.delta
    if d is None:
        return "Not measured"
    if change.verdict == "no change":
        return "No change"
    sign = "+" if d > 0 else "−"
    return f"{sign}{fmt_value(abs(d), change.unit)}"


def change_sides(c: Comparison, key: str) -> tuple[str, str]:
    """A comparison's before and after figure of ``key`` ("overall" or a dimension id), as the site
    shows scores, each marked "(incomplete)" when it rests on incomplete evidence."""
    before, after = change_figures(c, key)
    return fmt_marked(*before), fmt_marked(*after)


def change_detail(change: Change) -> str:
    """Why a change was or was not counted, for a table cell's second line."""
    if change.delta is None:
        return ""
    d = abs(change.delta)
    band = fmt_value(change.band, change.unit)
    if d == 0:
        return ""  # "No change" already says it; "unchanged" beneath it would say it twice
    if change.verdict == "no change":
        return f"moved {fmt_value(d, change.unit)}, within the ±{band} noise band"
    return f"beyond the ±{band} noise band"


# ---------------------------------------------------------------------------
# View models
# ---------------------------------------------------------------------------


@dataclass
class LeaderRow:
    rank: int | None
    name: str
    href: str
    level: int | None
    level_label: str
    score: float | None
    change: Change | None
    sites: int
    sites_failed: int
    pages: int
    note: str = ""
    incomplete: bool = False  # some site's newest scoring could not run every check

    @property
    def score_text(self) -> str:
        return fmt_marked(self.score, self.incomplete)

    @property
    def change_text(self) -> str:
        return change_text(self.change)

    @property
    def change_verdict(self) -> str:
        return "none" if self.change is None else self.change.verdict.replace(" ", "-")


@dataclass
class DimensionRow:
    id: str
    title: str
    goal: str
    score: float | None
    change: Change | None
    incomplete: bool = False

    @property
    def score_text(self) -> str:
        return fmt_marked(self.score, self.incomplete)


HEAT_TINTS = ("#f9dede", "#fce3c4", "#fbf1b8", "#dcefd5", "#b9e0c1")
"""Cell backgrounds of the heat map, lowest level band first: light tints under dark text (#1b1b1b,
contrast above 12:1 on each), so the colour only repeats what the number and the word say."""
HEAT_NONE = "#eeeeee"


@dataclass
class HeatCell:
    score: float | None
    incomplete: bool
    band: int | None  # the level whose minimum score the figure reaches (None: no figure)
    band_name: str
    tint: int | None  # index into HEAT_TINTS

    @property
    def text(self) -> str:
        return fmt_marked(self.score, self.incomplete)

    @property
    def css(self) -> str:
        return "heat-none" if self.tint is None else f"heat-{self.tint}"


@dataclass
class HeatRow:
    name: str
    href: str | None
    overall: HeatCell
    cells: list[HeatCell]


@dataclass
class HeatMap:
    columns: list[tuple[str, str]]  # (dimension id, title)
    rows: list[HeatRow]
    total: HeatRow | None
    legend: list[tuple[str, str, str]]  # (css class, band word, score range)


def _band(score: float | None, levels: Sequence[LevelRef]) -> tuple[int | None, str, int | None]:
    """The level band a 0–100 figure falls in on the rubric's ladder (the overall score each level needs)."""
    ladder = sorted(levels, key=lambda lv: lv.min_score)
    if score is None or not ladder:
        return None, "", None
    reached = [i for i, lv in enumerate(ladder) if score + 1e-9 >= lv.min_score] or [0]
    i = reached[-1]
    tint = round(i * (len(HEAT_TINTS) - 1) / (len(ladder) - 1)) if len(ladder) > 1 else len(HEAT_TINTS) - 1
    return ladder[i].level, ladder[i].name, tint


def _heat_cell(score: float | None, incomplete: bool, levels: Sequence[LevelRef]) -> HeatCell:
    band, name, tint = _band(score, levels)
    return HeatCell(score, incomplete and score is not None, band, name, tint)


def _dimension_columns(views: Sequence[AgencyView]) -> list[tuple[str, str]]:
    """The dimensions of the latest scorecards, in rubric order. An optional dimension (customer
    experience without survey data) gets a column only when some agency has a figure in it."""
    columns: dict[str, str] = {}
    shown: set[str] = set()
    for v in views:
        for s in v.sites:
            if s.latest and s.latest.scorecard:
                for d in s.latest.scorecard.dimensions:
                    columns.setdefault(d.id, d.title)
                    if not d.optional or d.score is not None:
                        shown.add(d.id)
    return [(did, title) for did, title in columns.items() if did in shown]


def _dimension_incomplete(view: AgencyView, dim: str) -> bool:
    """Whether an agency's figure of ``dim`` rests on incomplete evidence, or leaves out a site that has
    none (an optional dimension without data leaves nothing out: it is not assessed by design)."""
    cards = [s.latest.scorecard for s in view.sites if s.latest and s.latest.scorecard]
    return any(
        x.id == dim and (x.incomplete or (x.score is None and not x.optional)) for c in cards for x in c.dimensions
    )


def heat_map(
    views: Sequence[AgencyView], slugs: Mapping[str, str], levels: Sequence[LevelRef], total: Rollup | None, root: str
) -> HeatMap:
    """Agencies × dimensions: each cell the agency's rolled-up score, the level band it reaches and a tint."""
    columns = _dimension_columns(views)
    rows = []
    for v in views:
        rows.append(
            HeatRow(
                name=v.name,
                href=f"{root}agency/{slugs[v.name]}.html",
                overall=_heat_cell(v.rollup.overall, agency_incomplete(v), levels),
                cells=[
                    _heat_cell(v.rollup.dimensions.get(did), _dimension_incomplete(v, did), levels)
                    for did, _ in columns
                ],
            )
        )
    total_row = None
    if total is not None:
        total_row = HeatRow(
            name="All agencies",
            href=None,
            overall=_heat_cell(total.overall, any(agency_incomplete(v) for v in views), levels),
            cells=[
                _heat_cell(total.dimensions.get(did), any(_dimension_incomplete(v, did) for v in views), levels)
                for did, _ in columns
            ],
        )
    ladder = sorted(levels, key=lambda lv: lv.min_score)
    legend = []
    for i, lv in enumerate(ladder):
        _, _, tint = _band(lv.min_score, ladder)
        upper = f"to under {svg.fmt_number(ladder[i + 1].min_score)}" if i + 1 < len(ladder) else "to 100"
        legend.append((f"heat-{tint}", lv.name, f"{svg.fmt_number(lv.min_score)} {upper}"))
    legend.append(("heat-none", NOT_ASSESSABLE, "no figure"))
    return HeatMap(columns=columns, rows=rows, total=total_row, legend=legend)


@dataclass
class TagGroup:
    key: str
    value: str
    file: str  # tag/<slug>.html
    views: list[AgencyView]
    total: Rollup
    sites: int
    incomplete: bool
    level_text: str

    @property
    def label(self) -> str:
        return f"{tag_title(self.key)}: {self.value}"


def tag_title(key: str) -> str:
    return key.replace("_", " ").capitalize()


def tag_groups(
    runs_by_site: Mapping[str, list[RunSnapshot]], method: str, levels: Sequence[LevelRef] = ()
) -> dict[str, list[TagGroup]]:
    """One group per tag value (key -> its groups, values sorted): the sites whose newest run carries
    that tag, with their agencies rolled up as on the index."""
    by_value: dict[tuple[str, str], list[str]] = {}
    for url, runs in runs_by_site.items():
        if runs:
            for key, value in runs[-1].tags.items():
                by_value.setdefault((key, value), []).append(url)
    ordered = sorted(by_value, key=lambda kv: (kv[0].lower(), kv[1].lower()))
    slugs = unique_slugs([f"{k} {v}" for k, v in ordered])
    out: dict[str, list[TagGroup]] = {}
    for key, value in ordered:
        subset = {url: list(runs_by_site[url]) for url in by_value[(key, value)]}
        views = agencies(subset, method)
        total = portfolio_rollup(views, method)
        out.setdefault(key, []).append(
            TagGroup(
                key=key,
                value=value,
                file=f"tag/{slugs[f'{key} {value}']}.html",
                views=views,
                total=total,
                sites=len(subset),
                incomplete=any(agency_incomplete(v) for v in views),
                level_text=level_label(total.level, levels),
            )
        )
    return out


@dataclass
class TrendView:
    overall_chart: Markup
    dimension_chart: Markup
    columns: list[tuple[str, str]]  # (dimension id, title)
    rows: list[dict[str, Any]]
    left_out: int  # runs under another rubric, not drawn


@dataclass
class DocumentsTrend:
    """The share of a site's documents passing every document check, run by run (runs that collected them)."""

    chart: Markup  # empty with fewer than two runs
    rows: list[dict[str, Any]]


def _documents_trend(history: SiteHistory, tallies: Mapping[int, DocumentTally], ident: str) -> DocumentsTrend | None:
    runs = [(r, tallies[r.crawl_id]) for r in history.runs if r.crawl_id in tallies]
    if not runs:
        return None
    labels = [short_date(r.run.started_at or "").rsplit(" ", 1)[0] for r, _ in runs]
    if len(set(labels)) != len(labels):
        labels = [f"Run {r.crawl_id}" for r, _ in runs]
    shares = [None if t.share is None else 100 * t.share for _, t in runs]
    chart = ""
    if len(runs) >= 2:
        chart = svg.line_chart(
            [("Documents passing", shares)],
            labels,
            title=f"Share of the documents of {site_name(history.url)} passing every document check, run by run",
            ident=f"{ident}-documents",
            y_label="Documents passing (%)",
            unit=" %",
        )
    rows = [
        {
            "crawl_id": r.crawl_id,
            "when": r.run.started_at or "",
            "collected": t.collected,
            "assessed": t.assessed,
            "passing": t.passing,
            "share": NOT_ASSESSABLE if share is None else f"{svg.fmt_number(share)} %",
        }
        for (r, t), share in zip(runs, shares, strict=True)
    ]
    return DocumentsTrend(chart=Markup(chart), rows=rows)


@dataclass
class SiteSection:
    history: SiteHistory
    anchor: str
    name: str
    href: str | None
    latest: RunSnapshot | None
    card: Scorecard | None
    level_label: str
    meter: Markup
    dims: list[DimensionRow]
    next_steps: list[tuple[str, str]]
    trend: TrendView | None
    comparison: Comparison | None
    findings: FindingsView | None
    runs: list[dict[str, Any]]
    failed_attempt: RunSnapshot | None
    documents: DocumentsTrend | None = None  # the share of documents passing, when runs collected them
    journeys: list[JourneyView] = field(default_factory=list)  # the newest run's task journeys, as strips


@dataclass
class RubricView:
    file: str
    title: str
    id: str
    version: str
    sha256: str
    description: str
    source: str
    complete: bool  # from the rubric file (thresholds and next steps included) or only from a scorecard
    levels: list[dict[str, Any]] = field(default_factory=list)
    dimensions: list[dict[str, Any]] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Building the views
# ---------------------------------------------------------------------------


def _rubric_views(
    sites: Sequence[SiteHistory], rubrics: Mapping[str, LoadedRubric]
) -> tuple[dict[str, RubricView], str | None]:
    """One view per rubric that produced a figure on the site; the newest scoring's rubric is ``rubric.html``."""
    cards: dict[str, Scorecard] = {}
    newest: tuple[str, str] | None = None  # (scored at, sha)
    for s in sites:
        for r in s.scored:
            assert r.scorecard is not None
            sha = r.scorecard.rubric.sha256
            cards.setdefault(sha, r.scorecard)
            if newest is None or r.run.started_at >= newest[0]:
                newest = (r.run.started_at, sha)
    current = newest[1] if newest else None
    views = {}
    for sha, card in cards.items():
        file = "rubric.html" if sha == current else f"rubric-{sha[:12]}.html"
        loaded = rubrics.get(sha)
        views[sha] = _rubric_from_file(loaded, file) if loaded else _rubric_from_card(card, file)
    return views, current


def _rubric_from_file(loaded: LoadedRubric, file: str) -> RubricView:
    r = loaded.rubric
    view = RubricView(
        file=file,
        title=r.title,
        id=r.id,
        version=r.version,
        sha256=loaded.sha256,
        description=r.description,
        source=loaded.source,
        complete=True,
    )
    view.levels = [
        {
            "level": lv.level,
            "name": lv.name,
            "min_score": lv.min_score,
            "min_dimension": lv.min_dimension,
            "description": lv.description,
        }
        for lv in r.levels
    ]
    for d in r.dimensions:
        params = []
        for p in d.parameters:
            if p.check:
                params.append((p.check, p.weight))
            else:
                tags = ", ".join(p.axe_tags or [])
                label = f"every axe-core rule tagged {tags}"
                if p.exclude:
                    label += f" except {', '.join(p.exclude)}"
                params.append((label + " (weighted by impact)", p.weight))
        view.dimensions.append(
            {
                "id": d.id,
                "title": d.title,
                "weight": d.weight,
                "goal": d.goal,
                "evidence": d.evidence,
                "collection": d.collection,
                "sample": d.sample,
                "parameters": params,
                "thresholds": [(lv.level, lv.name, r.dimension_minimum(d, lv)) for lv in r.levels],
                "next_steps": [(lvl, r.level(lvl).name, text) for lvl, text in sorted(d.next_steps.items())],
            }
        )
    return view


def _rubric_from_card(card: Scorecard, file: str) -> RubricView:
    ref = card.rubric
    view = RubricView(
        file=file,
        title=ref.title,
        id=ref.id,
        version=ref.version,
        sha256=ref.sha256,
        description="",
        source=ref.source,
        complete=False,
    )
    view.levels = [
        {"level": lv.level, "name": lv.name, "min_score": lv.min_score, "min_dimension": None, "description": ""}
        for lv in card.levels
    ]
    for d in card.dimensions:
        view.dimensions.append(
            {
                "id": d.id,
                "title": d.title,
                "weight": d.weight,
                "goal": d.goal,
                "evidence": d.evidence,
                "collection": d.collection,
                "sample": d.sample,
                "parameters": sorted(((c.check_id, c.weight) for c in d.checks), key=lambda p: (-p[1], p[0]))[:40],
                "thresholds": [],
                "next_steps": [],
            }
        )
    return view


def _x_labels(points: Sequence[Any]) -> list[str]:
    labels = [short_date(p.when).rsplit(" ", 1)[0] for p in points]
    if len(set(labels)) != len(labels):
        labels = [f"Run {p.crawl_id}" for p in points]
    return labels


def _trend_view(history: SiteHistory, card: Scorecard, ident: str) -> TrendView | None:
    points = trend(history.runs)
    if len(points) < 2:
        return None
    labels = _x_labels(points)
    drawn = [p if p.comparable else None for p in points]
    bands = [(lv.min_score, f"L{lv.level}") for lv in card.levels]
    name = site_name(history.url)
    overall = svg.line_chart(
        [("Overall score", [p.overall if p else None for p in drawn])],
        labels,
        title=f"Overall score of {name}, run by run",
        bands=bands,
        ident=f"{ident}-overall",
        y_label="Overall score (0–100) by level band",
    )
    dims = [(d.id, d.title) for d in card.dimensions]
    dimension_chart = svg.line_chart(
        [(title, [p.dimensions.get(did) if p else None for p in drawn]) for did, title in dims],
        labels,
        title=f"Score by dimension of {name}, run by run",
        ident=f"{ident}-dimensions",
        y_label="Dimension score (0–100)",
    )
    rows = []
    for p, label in zip(points, labels, strict=True):
        rows.append(
            {
                "crawl_id": p.crawl_id,
                "label": label,
                "when": p.when,
                "rubric": p.rubric,
                "comparable": p.comparable,
                "level": NOT_ASSESSABLE if p.level is None else str(p.level),
                "overall": fmt_marked(p.overall, not p.complete),
                "dims": [fmt_marked(p.dimensions.get(did), did in p.incomplete) for did, _ in dims],
            }
        )
    return TrendView(
        overall_chart=Markup(overall),
        dimension_chart=Markup(dimension_chart),
        columns=dims,
        rows=rows,
        left_out=sum(1 for p in points if not p.comparable),
    )


def _portfolio_trend_view(views: Sequence[AgencyView], method: str, levels: Sequence[LevelRef]) -> TrendView | None:
    """The statewide trend: the portfolio's overall and dimension scores as of each audit day."""
    pt = portfolio_trend(views, method)
    if len(pt.points) < 2:
        return None
    card = next(
        r.scorecard
        for v in views
        for s in v.sites
        for r in s.scored
        if r.scorecard is not None and r.scorecard.rubric.sha256 == pt.rubric_sha
    )
    labels = [short_date(p.day) for p in pt.points]
    overall = svg.line_chart(
        [("Portfolio overall score", [p.overall for p in pt.points])],
        labels,
        title="Statewide overall score, audit day by audit day",
        bands=[(lv.min_score, f"L{lv.level}") for lv in levels],
        ident="portfolio-overall",
        y_label="Overall score (0–100) by level band",
    )
    dims = [(d.id, d.title) for d in card.dimensions]
    dimension_chart = svg.line_chart(
        [(title, [p.dimensions.get(did) for p in pt.points]) for did, title in dims],
        labels,
        title="Statewide score by dimension, audit day by audit day",
        ident="portfolio-dimensions",
        y_label="Dimension score (0–100)",
    )
    rows = [
        {
            "when": p.day,
            "sites": p.sites,
            "level": NOT_ASSESSABLE if p.level is None else str(p.level),
            "overall": fmt_marked(p.overall, not p.complete),
            "dims": [fmt_marked(p.dimensions.get(did), did in p.incomplete) for did, _ in dims],
        }
        for p in pt.points
    ]
    return TrendView(
        overall_chart=Markup(overall),
        dimension_chart=Markup(dimension_chart),
        columns=dims,
        rows=rows,
        left_out=pt.left_out,
    )


def _site_section(history: SiteHistory, index: int, run_pages: set[int]) -> SiteSection:
    latest = history.latest
    card = latest.scorecard if latest else None
    anchor = f"site-{index}"
    comparison = history.comparison()
    changes = {c.key: c for c in comparison.dimensions} if comparison else {}
    dims = []
    meter = Markup("")
    next_steps: list[tuple[str, str]] = []
    findings = None
    if card is not None:
        dims = [
            DimensionRow(d.id, d.title, d.goal, d.score, changes.get(d.id), incomplete=d.incomplete)
            for d in card.dimensions
        ]
        if card.levels:
            meter = Markup(
                svg.level_meter(card.level, [(lv.level, lv.name) for lv in card.levels], ident=f"{anchor}-meter")
            )
        titles = {d.id: d.title for d in card.dimensions}
        if card.next_level is not None:
            next_steps = [(titles.get(k, k), v) for k, v in card.next_level.next_steps.items()]
        findings = _findings_view(card, TOP_ISSUES, ISSUE_PAGES, max_listed=ISSUE_PAGES)  # it shows a few a check
    runs = []
    for r in reversed(history.runs):
        runs.append(
            {
                "crawl_id": r.crawl_id,
                "when": r.run.started_at,
                "status": r.run.status,
                "href": f"../run/{r.crawl_id}.html" if r.crawl_id in run_pages else None,
                "level": level_label(r.scorecard.level, r.scorecard.levels, r.scorecard.level_name)
                if r.scorecard
                else "—",
                "overall": fmt_marked(r.scorecard.overall, not r.scorecard.complete) if r.scorecard else "—",
                "rubric": f"{r.scorecard.rubric.id} {r.scorecard.rubric.version}" if r.scorecard else "—",
                "error": r.error,
            }
        )
    return SiteSection(
        history=history,
        anchor=anchor,
        name=site_name(history.url),
        href=safe_href(history.url),
        latest=latest,
        card=card,
        level_label=level_label(card.level, card.levels, card.level_name) if card else NOT_ASSESSABLE,
        meter=meter,
        dims=dims,
        next_steps=next_steps,
        trend=_trend_view(history, card, anchor) if card else None,
        comparison=comparison,
        findings=findings,
        runs=runs,
        failed_attempt=history.last_attempt if history.last_attempt_failed else None,
        journeys=journey_views(
            latest.journeys,
            f"../run/{latest.crawl_id}/journeys/",
            history.previous.journeys if history.previous is not None and history.previous.journeys else None,
        )
        if latest is not None
        else [],
    )


def _agency_dimension_rows(view: AgencyView, method: str) -> list[DimensionRow]:
    """The agency's rolled-up dimension scores, framed by the goals of its newest rubric."""
    cards = [s.latest.scorecard for s in view.sites if s.latest and s.latest.scorecard]
    if not cards:
        return []
    pairs = [c for s in view.sites if (c := s.comparison()) is not None and c.same_rubric]
    rows = []
    for d in cards[0].dimensions:
        change = None
        if pairs:
            now = rollup(
                [scored_site(c.after.site, c.after.scorecard, c.after.assessable_pages) for c in pairs], method
            )
            then = rollup(
                [scored_site(c.before.site, c.before.scorecard, c.before.assessable_pages) for c in pairs], method
            )
            band = max((x.band for c in pairs for x in c.dimensions if x.key == d.id), default=0.5)
            change = Change(d.id, d.title, then.dimensions.get(d.id), now.dimensions.get(d.id), band=band)
        incomplete = any(x.id == d.id and (x.incomplete or x.score is None) for c in cards for x in c.dimensions)
        rows.append(DimensionRow(d.id, d.title, d.goal, view.rollup.dimensions.get(d.id), change, incomplete))
    return rows


def _levels_of(view: AgencyView) -> list[LevelRef]:
    for s in view.sites:
        if s.latest and s.latest.scorecard and s.latest.scorecard.levels:
            return list(s.latest.scorecard.levels)
    return []


def _leader_rows(views: Sequence[AgencyView], slugs: Mapping[str, str]) -> list[LeaderRow]:
    ranked = sorted(
        (v for v in views if v.rollup.overall is not None), key=lambda v: (-(v.rollup.overall or 0), v.name.lower())
    )
    rank: dict[str, int] = {}
    for i, v in enumerate(ranked):  # equal scores share a rank ("1, 1, 3")
        prev = ranked[i - 1] if i else None
        rank[v.name] = rank[prev.name] if prev is not None and prev.rollup.overall == v.rollup.overall else i + 1
    rows = []
    for v in views:
        note = ""
        if v.rollup.mixed_rubrics:
            note = "Sites scored under different rubrics"
        elif v.rollup.parts_scored < v.rollup.parts_total:
            note = f"{v.rollup.parts_scored} of {v.rollup.parts_total} sites scored"
        rows.append(
            LeaderRow(
                rank=rank.get(v.name),
                name=v.name,
                href=f"agency/{slugs[v.name]}.html",
                level=v.rollup.level,
                level_label=level_label(v.rollup.level, _levels_of(v)),
                score=v.rollup.overall,
                change=v.change,
                sites=len(v.sites),
                sites_failed=len(v.failed_sites),
                pages=v.rollup.pages,
                note=note,
                incomplete=agency_incomplete(v),
            )
        )
    return rows


def _sorted_rows(rows: list[LeaderRow], key: str) -> list[LeaderRow]:
    if key == "name":
        return sorted(rows, key=lambda r: r.name.lower())
    if key == "change":

        def by_change(r: LeaderRow) -> tuple[int, float, str]:
            d = r.change.delta if r.change is not None else None
            return (1 if d is None else 0, -(d or 0.0), r.name.lower())

        return sorted(rows, key=by_change)
    return sorted(rows, key=lambda r: (r.score is None, -(r.score or 0.0), r.name.lower()))


def _distribution(views: Sequence[AgencyView]) -> tuple[Markup, list[tuple[str, str, int]]]:
    levels: list[LevelRef] = []
    for v in views:
        levels = _levels_of(v)
        if levels:
            break
    counts = {lv.level: 0 for lv in levels}
    unknown = 0
    for v in views:
        if v.rollup.level is None:
            unknown += 1
        else:
            counts[v.rollup.level] = counts.get(v.rollup.level, 0) + 1
    names = {lv.level: lv.name for lv in levels}
    rows = [(f"Level {n}", names.get(n, ""), c) for n, c in sorted(counts.items())]
    if unknown:
        rows.append((NOT_ASSESSABLE, "", unknown))
    chart = svg.count_chart(
        [(f"{label} · {name}" if name else label, float(c)) for label, name, c in rows],
        title="Agencies at each maturity level",
        axis_label="Number of agencies",
        ident="chart-levels",
    )
    return Markup(chart), rows


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = make_environment()
    env.filters["day"] = short_date
    env.filters["change_detail"] = change_detail
    env.filters["change_text"] = change_text
    env.filters["value"] = fmt_value
    env.filters["site_name"] = site_name
    env.filters["plain"] = plain_reason
    env.filters["tag_title"] = tag_title
    env.globals["heat_tints"] = HEAT_TINTS
    env.globals["heat_none"] = HEAT_NONE
    env.globals["change_sides"] = change_sides
    return env


def agency_incomplete(view: AgencyView) -> bool:
    """Whether the agency's figures rest on a scoring that could not run every check."""
    return any(s.latest.scorecard is not None and not s.latest.scorecard.complete for s in view.sites if s.latest)


def _rollup_text(r: Rollup, levels: Sequence[LevelRef], incomplete: bool = False) -> dict[str, str]:
    return {"level": level_label(r.level, levels), "score": fmt_marked(r.overall, incomplete)}


BACK_LINK = (
    '<nav class="site-crumbs" aria-label="Scorecard site"><div class="wrap">'
    '<a href="../index.html">Portfolio</a> › <a href="../agency/{slug}.html">{agency}</a> › Run {run}'
    "</div></nav>\n"
)


def _run_page(run: RunSnapshot, slug: str, documents: DocumentSet | None = None) -> str:
    """The run's own scorecard, with a way back to the site added under its header."""
    assert run.scorecard is not None
    page = render_html(
        run.run, run.scorecard, documents=documents, journeys=run.journeys, shots=f"{run.crawl_id}/journeys/"
    )
    crumbs = BACK_LINK.format(slug=slug, agency=svg.esc(run.agency), run=run.crawl_id)
    marker = "</header>\n"
    page = page.replace(marker, marker + crumbs, 1) if marker in page else page
    viewport = '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    about = f"Maturity scorecard of {site_name(run.site)}, run {run.crawl_id}: level, scores, findings and pages."
    return page.replace(viewport, viewport + f'<meta name="description" content={svg.attr(about)}>\n', 1)


def build_site(
    runs_by_site: Mapping[str, list[RunSnapshot]],
    *,
    method: str = "mean",
    title: str = "Digital maturity scorecards",
    rubrics: Mapping[str, LoadedRubric] | None = None,
    generated_at: str,
    tool_version: str = "",
    published: str = "",
    pinned: RubricRef | None = None,
    extra_nav: Sequence[tuple[str, str]] = (),
    survey: Mapping[str, Sequence[Figure]] | None = None,
    documents: Mapping[int, DocumentTally] | None = None,
    run_documents: Mapping[int, DocumentSet] | None = None,
    journeys: Mapping[int, Sequence[JourneyResult]] | None = None,
    services: Mapping[int, Sequence[SurveyService]] | None = None,
) -> dict[str, str]:
    """Every file of the site: relative path -> content. ``published`` says, in words, which
    rubric the figures come from (every page's footer repeats it); ``pinned`` is that rubric when
    one was given (``--rubric FILE``), named in the CSV and JSON. ``extra_nav`` adds (file, label)
    links to every page's navigation (pages the workflow writes beside these, such as title2.html).
    ``survey`` holds each agency's customer-survey figures (``maturity xdata import``): shown on its
    agency page beside its scans, services ranked by trust on the index, and in survey.csv/json.
    ``documents`` (crawl id -> the run's documents in figures) gives each site of an agency page the
    share of its documents passing over time, and the CSV its document columns; ``run_documents``
    (crawl id -> the run's documents) gives each run page its "Documents" section. ``journeys``
    (crawl id -> the journeys run after it) and ``services`` (crawl id -> the agency's services as
    the run recorded them from its portfolio) join them on the agency page, per service: its sites'
    latest scores, its journeys' latest outcomes and its survey figures (:func:`service_rows`)."""
    if method not in ROLLUP_DESCRIPTIONS:
        raise ValueError(f"unknown rollup method {method!r}")
    views = agencies(dict(runs_by_site), method)
    all_sites = [s for v in views for s in v.sites]
    slugs = unique_slugs([v.name for v in views])
    rubric_views, current_sha = _rubric_views(all_sites, rubrics or {})
    env = _environment()
    total = portfolio_rollup(views, method)
    levels: list[LevelRef] = next((lv for v in views if (lv := _levels_of(v))), [])
    common = {
        "extra_nav": list(extra_nav),
        "title": title,
        "generated_at": generated_at,
        "tool_version": tool_version,
        "published": published,
        "method": method,
        "method_text": ROLLUP_DESCRIPTIONS[method],
        "rubric_file": rubric_views[current_sha].file if current_sha else None,
        "not_assessable": NOT_ASSESSABLE,
        "journey_band": BAND_TEXT,
    }
    files: dict[str, str] = {}

    # run pages
    run_pages: set[int] = set()
    for v in views:
        for s in v.sites:
            for r in s.runs:
                if r.scorecard is not None:
                    files[f"run/{r.crawl_id}.html"] = _run_page(r, slugs[v.name], (run_documents or {}).get(r.crawl_id))
                    run_pages.add(r.crawl_id)

    # portfolio pages, one per sort order
    chart, dist_rows = _distribution(views)
    rows = _leader_rows(views, slugs)
    failed = [(v, s) for v in views for s in v.failed_sites]
    runs_total = sum(len(s.runs) for s in all_sites)
    latest_run = max((r.run.started_at for s in all_sites for r in s.runs), default="")
    mixed = len({s.latest.scorecard.rubric.sha256 for s in all_sites if s.latest and s.latest.scorecard}) > 1
    heat = heat_map(views, slugs, levels, total, "")
    groups = tag_groups(runs_by_site, method, levels)
    statewide = _portfolio_trend_view(views, method, levels)
    tag_files = {(g.key, g.value): g.file for gs in groups.values() for g in gs}
    for key, file in SORTS.items():
        files[file] = env.get_template("site_portfolio.html.j2").render(
            services=services_by_trust(survey or {}),
            **common,
            root="",
            page_title=title if key == "score" else f"{title}, sorted by {key}",
            total=total,
            total_text=_rollup_text(total, levels, any(agency_incomplete(v) for v in views)),
            any_incomplete=any(agency_incomplete(v) for v in views),
            agencies=views,
            sites_total=len(all_sites),
            runs_total=runs_total,
            latest_run=latest_run,
            chart=chart,
            dist_rows=dist_rows,
            rows=_sorted_rows(rows, key),
            sort=key,
            sorts=SORTS,
            failed=failed,
            slugs=slugs,
            mixed_rubrics=mixed,
            heat=heat,
            groups=groups,
            statewide=statewide,
        )

    # tag pages: one per tag value, each the index's heat map for the sites carrying it
    for key_groups in groups.values():
        for g in key_groups:
            files[g.file] = env.get_template("site_tag.html.j2").render(
                **common,
                root="../",
                page_title=f"{title}: {g.label}",
                group=g,
                siblings=[o for o in key_groups if o is not g],
                total_text=_rollup_text(g.total, levels, g.incomplete),
                heat=heat_map(g.views, slugs, levels, g.total, "../"),
            )

    # agency pages
    for v in views:
        sections = [_site_section(s, i + 1, run_pages) for i, s in enumerate(v.sites)]
        for section in sections:
            section.documents = _documents_trend(section.history, documents or {}, section.anchor)
        agency_levels = _levels_of(v)
        files[f"agency/{slugs[v.name]}.html"] = env.get_template("site_agency.html.j2").render(
            **common,
            root="../",
            page_title=f"{v.name}: maturity scorecard",
            agency=v,
            rollup_text=_rollup_text(v.rollup, agency_levels, agency_incomplete(v)),
            incomplete=agency_incomplete(v),
            dims=_agency_dimension_rows(v, method),
            sections=sections,
            single=len(sections) == 1,
            rubric_files={sha: rv.file for sha, rv in rubric_views.items()},
            tag_files=tag_files,
            survey=survey_rows((survey or {}).get(v.name, ())),
            trust_charts=trust_charts((survey or {}).get(v.name, ())),
            services=service_rows(
                v, sections, (survey or {}).get(v.name, ()), journeys or {}, services or {}, run_pages
            ),
        )

    # rubric pages
    for rv in rubric_views.values():
        files[rv.file] = env.get_template("site_rubric.html.j2").render(
            **common,
            root="",
            page_title=f"Maturity rubric {rv.id} {rv.version}",
            rubric=rv,
            is_current=rv.file == "rubric.html",
            others=[o for o in rubric_views.values() if o.file != rv.file],
        )

    if survey:
        files["survey.csv"] = render_figures_csv(survey)
        files["survey.json"] = render_figures_json(survey)
    files["portfolio.csv"] = csv_export.render_csv(all_sites, pinned=pinned, documents=documents, survey=survey)
    files["portfolio.json"] = csv_export.render_json(
        views, method=method, generated_at=generated_at, title=title, pinned=pinned, survey=survey
    )
    return files


@dataclass(frozen=True)
class SurveyRow:
    service: str
    quarter: str
    measure: str
    figure: str  # "82 % (78–86)", or "insufficient responses"
    n: int
    response_rate: str
    change: str
    question: str


def _share(f: Figure) -> str:
    if f.share is None or f.low is None or f.high is None:
        return "insufficient responses (fewer than 30)" if f.n < 30 else "no share (a mean only)"
    flag = " (low reliability)" if f.status == LOW_RELIABILITY else ""
    return f"{100 * f.share:.0f} % ({100 * f.low:.0f}–{100 * f.high:.0f}){flag}"


def survey_rows(figures: Sequence[Figure]) -> list[SurveyRow]:
    """One agency's survey figures for its page: trust first, then the drivers, newest quarter first."""
    ordered = sorted(
        (f for f in figures if f.kind != "mean"),
        key=lambda f: (f.service, f.measure != "trust", f.measure, -f.fiscal_year, -f.quarter),
    )
    rows = []
    for f in ordered:
        if f.change is None:
            change = ""
        else:
            sign = "+" if f.change.delta >= 0 else "−"
            verdict = "a significant change" if f.change.significant else "not a significant change"
            change = f"{sign}{100 * abs(f.change.delta):.0f} points against {f.compared_with} ({verdict})"
        rows.append(
            SurveyRow(
                service=f.service,
                quarter=f.quarter_label,
                measure=f.measure,
                figure=_share(f),
                n=f.n,
                response_rate="" if f.response_rate is None else f"{100 * f.response_rate:.0f} %",
                change=change,
                question=f.trust_question or "" if f.measure == "trust" else "",
            )
        )
    return rows


def trust_charts(figures: Sequence[Figure]) -> list[Markup]:
    """One chart per service: its trust share by quarter (oldest first) with the Wilson interval as a
    whisker; quarters without enough answers are gaps, never zeros. The table beside it has the figures."""
    by_service: dict[str, dict[tuple[int, int], Figure]] = {}
    for f in figures:
        if f.measure == "trust" and f.kind != "mean":
            by_service.setdefault(f.service, {})[(f.fiscal_year, f.quarter)] = f
    charts = []
    for service, quarters in sorted(by_service.items()):
        keys = sorted(quarters)
        if len(keys) < 2:
            continue  # one quarter is a figure, not a trend: the table has it
        values = [None if quarters[k].share is None else 100 * (quarters[k].share or 0) for k in keys]
        spans = [
            None
            if quarters[k].low is None or quarters[k].high is None
            else (100 * (quarters[k].low or 0), 100 * (quarters[k].high or 0))
            for k in keys
        ]
        charts.append(
            Markup(
                svg.line_chart(
                    [(service, values)],
                    [f"FY{y} Q{q}" for y, q in keys],
                    title=f"Trust in {service} by quarter, with 95 % intervals",
                    y_label="Share who agreed (%)",
                    unit=" %",
                    intervals=[spans],
                    ident=f"trust-{service}",
                )
            )
        )
    return charts


@dataclass(frozen=True)
class ServiceSite:
    """A site delivering a service, with its latest score."""

    name: str
    anchor: str  # its section on the agency page
    level: str
    overall: str
    href: str | None  # its latest run's page
    when: str


@dataclass(frozen=True)
class ServiceJourney:
    """A journey through a service, as it went the last time it ran."""

    id: str
    title: str
    outcome: str  # completed | failed | not_assessable
    text: str  # "completed in 4.2 s", "failed at step 3: ..."
    when: str


@dataclass(frozen=True)
class ServiceRow:
    """One service on its agency page: what is happening (its sites' scans and its journeys) beside
    why (its newest trust figure from the agency's survey)."""

    id: str
    name: str
    sites: list[ServiceSite]
    journeys: list[ServiceJourney]
    trust: SurveyRow | None


def _journey_text(j: JourneyResult) -> str:
    if j.outcome == "completed":
        return "completed" + ("" if j.total_ms_median is None else f" in {j.total_ms_median / 1000:.1f} s")
    where = "the start page" if j.failed_step == 0 else f"step {j.failed_step}"
    text = headline(j).replace(f"step {j.failed_step}", where, 1)
    return text.rstrip(": ")


def service_rows(
    view: AgencyView,
    sections: Sequence[SiteSection],
    figures: Sequence[Figure],
    journeys: Mapping[int, Sequence[JourneyResult]],
    services: Mapping[int, Sequence[SurveyService]],
    run_pages: set[int],
) -> list[ServiceRow]:
    """The agency's services, each with its sites' latest scores, its journeys' latest outcomes and
    its newest trust figure. A service is one the agency's portfolio listed (as its runs recorded
    it), one its survey figures name, or one a journey names in ``service``; a site delivers it when
    the portfolio lists one of its URLs there or when a journey through it ran after the site's audit.
    A journey belongs to the service whose ``journeys`` list its id, or whose id or name it gives."""
    names: dict[str, str] = {}  # service id -> name
    listed_journeys: dict[str, str] = {}  # journey id -> service id
    delivered: dict[str, set[str]] = {}  # service id -> site URLs
    for site in view.sites:
        recorded = next((services[r.crawl_id] for r in reversed(site.runs) if r.crawl_id in services), ())
        for svc in recorded:
            names.setdefault(svc.id, svc.name)
            for jid in svc.journeys:
                listed_journeys.setdefault(jid, svc.id)
            if svc.here:
                delivered.setdefault(svc.id, set()).add(site.url)
    for f in figures:
        if f.service not in names and not any(f.service == n for n in names.values()):
            names[f.service] = f.service

    def key_of(j: JourneyResult) -> str:
        if j.id in listed_journeys:
            return listed_journeys[j.id]
        wanted = j.service.casefold()
        for sid, name in names.items():
            if wanted in (sid.casefold(), name.casefold()):
                return sid
        names[j.service] = j.service
        return j.service

    latest_journeys: dict[str, dict[str, ServiceJourney]] = {}
    for site in view.sites:
        for r in site.runs:  # oldest first: a newer run's result of the same journey replaces the older
            for j in journeys.get(r.crawl_id, ()):
                sid = key_of(j)
                delivered.setdefault(sid, set()).add(site.url)
                latest_journeys.setdefault(sid, {})[j.id] = ServiceJourney(
                    id=j.id, title=j.title, outcome=j.outcome, text=_journey_text(j), when=r.run.started_at
                )
    trust = {row.service: row for row in _newest_trust(figures)}
    by_url = {sec.history.url: sec for sec in sections}
    rows = []
    for sid, name in names.items():
        sites = []
        for url in sorted(delivered.get(sid, ())):
            sec = by_url.get(url)
            if sec is None:
                continue
            latest = sec.latest
            card = sec.card
            sites.append(
                ServiceSite(
                    name=sec.name,
                    anchor=sec.anchor,
                    level=sec.level_label if card is not None else "not scored yet",
                    overall=fmt_marked(card.overall, not card.complete) if card is not None else "—",
                    href=f"../run/{latest.crawl_id}.html" if latest and latest.crawl_id in run_pages else None,
                    when=latest.run.started_at if latest else "",
                )
            )
        row_trust = trust.get(sid) or trust.get(name)
        rows.append(
            ServiceRow(
                id=sid,
                name=name,
                sites=sites,
                journeys=sorted(latest_journeys.get(sid, {}).values(), key=lambda j: j.id),
                trust=row_trust,
            )
        )
    return sorted(rows, key=lambda r: r.name.casefold())


def _newest_trust(figures: Sequence[Figure]) -> list[SurveyRow]:
    """Each service's newest trust figure (a share, or "insufficient responses" with its n)."""
    newest: dict[str, Figure] = {}
    for f in figures:
        if f.measure != "trust" or f.kind == "mean":
            continue
        old = newest.get(f.service)
        if old is None or (f.fiscal_year, f.quarter) > (old.fiscal_year, old.quarter):
            newest[f.service] = f
    return survey_rows(list(newest.values()))


def services_by_trust(survey: Mapping[str, Sequence[Figure]]) -> list[tuple[str, SurveyRow]]:
    """Each service's newest trust figure, highest share first; those without enough answers last."""
    newest: dict[tuple[str, str], Figure] = {}
    for agency, figures in survey.items():
        for f in figures:
            if f.measure != "trust" or f.kind == "mean":
                continue
            key = (agency, f.service)
            old = newest.get(key)
            if old is None or (f.fiscal_year, f.quarter) > (old.fiscal_year, old.quarter):
                newest[key] = f
    ranked = sorted(newest.items(), key=lambda kv: (kv[1].share is None, -(kv[1].share or 0), kv[0]))
    return [(agency, survey_rows([f])[0]) for (agency, _service), f in ranked]


__all__ = ["build_site", "service_rows", "services_by_trust", "slugify", "survey_rows", "unique_slugs"]
