"""The HTML scorecard: one run of one site, as a self-contained, accessible page.

Pure: a :class:`RunInfo` and a :class:`Scorecard` in, a string out (or written to a file a
piece at a time: :func:`write_html`). The only I/O is
loading the Jinja2 template from this package and, while a page is written, a temporary file that
holds its listed findings. Everything shown is escaped by Jinja2's
autoescaping; links are emitted only for ``http``/``https`` URLs (:func:`safe_href`);
charts come from :mod:`reports.svg`, which escapes its own text. No JavaScript, no
external assets: the CSS is inline.
"""

from __future__ import annotations

import io
import re
import tempfile
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import IO, Any, TextIO, overload
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from maturity.core.checks.documents.documents_passing import CHECK_IDS as DOCUMENT_CHECKS
from maturity.core.documents import DocumentSet
from maturity.core.explain import crawl_effort
from maturity.core.journey import JourneyResult
from maturity.core.model import Outcome, RunInfo
from maturity.core.scoring import CheckSummary, DimensionScore, Finding, Scorecard
from reports import svg
from reports.documents_html import documents_view
from reports.journey_html import journey_views

MAX_FINDING_CHECKS = 10
MAX_FINDING_ITEMS = 5
# Instances of one check the HTML lists (shown and behind "Show the other instances"); the rest
# are counted and named in scorecard.json, SARIF and JUnit, which list every one. A report of a
# large run would otherwise hold every instance in memory and in one page.
MAX_LISTED = 200

NOT_ASSESSABLE = "Not assessable"
INCOMPLETE_NOTE = "Some checks could not run; scores cover what could be measured."
# Beside every figure computed from incomplete evidence: text, so it is read aloud and printed.
INCOMPLETE_MARK = "(incomplete)"
INCOMPLETE_EXPLAINED = (
    f"A figure marked {INCOMPLETE_MARK} is from what could be measured: some of its checks could not run."
)

OUTCOME_LABELS = {
    Outcome.FAIL: "Fail",
    Outcome.ERROR: "Could not run",
    Outcome.PASS: "Pass",
    Outcome.NOT_APPLICABLE: "Not applicable",
}
OUTCOME_SYMBOLS = {Outcome.FAIL: "✗", Outcome.ERROR: "!", Outcome.PASS: "✓", Outcome.NOT_APPLICABLE: "–"}
_OUTCOME_ORDER = {Outcome.FAIL: 0, Outcome.ERROR: 1, Outcome.PASS: 2, Outcome.NOT_APPLICABLE: 3}

PAGE_STATUS_LABELS = {"ok": "Assessed", "not_assessable": NOT_ASSESSABLE}

_HTTP_URL = re.compile(r"^https?://[^\s/?#]", re.IGNORECASE)


def safe_href(url: str | None) -> str | None:
    """``url`` if it is a plain absolute http(s) URL, else ``None`` (never a ``javascript:`` link).

    Any whitespace or control character anywhere disqualifies the URL: browsers strip some of
    them before parsing the scheme, so ``"java\\tscript:"`` must not slip through.
    """
    if not url:
        return None
    if any(ord(ch) <= 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in url):
        return None
    if not _HTTP_URL.match(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


# The inline Markdown that rubric and check descriptions use: `code`, **bold** and [text](http(s) URL).
_INLINE_MD = re.compile(r"`([^`\n]+)`|\*\*([^*\n]+?)\*\*|\[([^\]\n]+)\]\(([^()\s]+)\)")


def inline_markdown(text: str | None, *, bold: bool = True) -> Markup:
    """A safe subset of inline Markdown as HTML: every piece of the text is escaped first, then
    `code`, **bold** and [links](https://...) become elements. A link whose URL is not a plain
    http(s) URL stays as its text; nothing else (raw HTML, images, other schemes) is interpreted."""
    if not text:
        return Markup("")
    out: list[str] = []
    pos = 0
    for m in _INLINE_MD.finditer(text):
        code, strong, label, url = m.groups()
        if strong is not None and not bold:
            continue
        out.append(str(Markup.escape(text[pos : m.start()])))
        if code is not None:
            out.append(f"<code>{Markup.escape(code)}</code>")
        elif strong is not None:
            out.append(f"<strong>{inline_markdown(strong, bold=False)}</strong>")
        elif (href := safe_href(url)) is not None:
            out.append(f'<a href="{Markup.escape(href)}">{inline_markdown(label, bold=False)}</a>')
        else:
            out.append(str(Markup.escape(m.group(0))))
        pos = m.end()
    out.append(str(Markup.escape(text[pos:])))
    return Markup("".join(out))


def fmt_score(value: float | None) -> str:
    return NOT_ASSESSABLE if value is None else svg.fmt_number(value)


def fmt_marked(value: float | None, incomplete: bool) -> str:
    """A score, with :data:`INCOMPLETE_MARK` beside it when it rests on incomplete evidence."""
    text = fmt_score(value)
    return f"{text} {INCOMPLETE_MARK}" if incomplete and value is not None else text


def fmt_check_score(value: float | None) -> str:
    """A check's 0..1 score on the 0..100 scale used everywhere else."""
    return "Not scored" if value is None else svg.fmt_number(100 * value)


def fmt_time(value: str | None) -> str:
    """ISO 8601 -> ``12 March 2025, 10:02 UTC``; anything unparseable is shown as given."""
    if not value:
        return "not recorded"
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC)
        zone = " UTC"
    else:
        zone = ""
    return f"{dt.day} {dt:%B %Y}, {dt:%H:%M}{zone}"


def site_name(target: str) -> str:
    """The site as a reader names it: its host, with the port when it is not the scheme's own
    (two sites on one host, ``:8001`` and ``:8002``, are two sites)."""
    try:
        parts = urlsplit(target)
        host, port = parts.hostname, parts.port
    except ValueError:
        return target
    if not host:
        return target
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return f"{host}:{port}" if port is not None and port != default else host


# ---------------------------------------------------------------------------
# View model: plain data the template walks, so the template stays free of logic.
# ---------------------------------------------------------------------------


@dataclass
class CheckRow:
    check: CheckSummary
    name: str
    outcome: str
    outcome_label: str
    symbol: str
    score: str
    facts: list[str] = field(default_factory=list)  # what an informational check found (it has no score)


@dataclass
class DimensionView:
    dim: DimensionScore
    score: str
    rows: list[CheckRow]
    not_applicable: list[CheckRow]


@dataclass
class FindingGroup:
    check_id: str
    title: str
    dimension: str
    description: str
    help_url: str
    help_href: str | None
    count: int
    pages: int
    items: Sequence[Finding]  # the first few, shown at once
    rest: Sequence[Finding] = field(default_factory=list)  # other instances, behind a <details>
    anchor: str = ""
    unlisted: int = 0  # instances beyond MAX_LISTED: counted, listed in scorecard.json

    @property
    def more(self) -> int:
        return self.count - len(self.items)


@dataclass
class PageFindings:
    """One page's findings: which checks failed there, and how often."""

    url: str
    href: str | None
    total: int
    groups: list[tuple[FindingGroup, int]]


@dataclass
class FindingsView:
    groups: list[FindingGroup] = field(default_factory=list)
    hidden_checks: int = 0
    hidden_items: int = 0
    total: int = 0
    hidden: list[FindingGroup] = field(default_factory=list)  # the checks beyond the top ones, still listed
    pages: Iterable[PageFindings] = field(default_factory=list)  # most problems first


def _check_row(c: CheckSummary, facts: dict[str, list[str]] | None = None) -> CheckRow:
    name = c.failure_title if c.outcome == Outcome.FAIL and c.failure_title else (c.title or c.check_id)
    return CheckRow(
        facts=(facts or {}).get(c.check_id, []),
        check=c,
        name=name,
        outcome=c.outcome.value,
        outcome_label=OUTCOME_LABELS[c.outcome],
        symbol=OUTCOME_SYMBOLS[c.outcome],
        score=fmt_check_score(c.score) + (f" {INCOMPLETE_MARK}" if c.errors and c.score is not None else ""),
    )


def _informational_facts(card: Scorecard) -> dict[str, list[str]]:
    """Check id -> what a passing check without a score (an informational one, such as ``cms``) found."""
    unscored = {c.check_id for d in card.dimensions for c in d.checks if c.outcome == Outcome.PASS and c.score is None}
    facts: dict[str, list[str]] = {}
    for r in card.results:
        if r.check_id in unscored and r.outcome == Outcome.PASS:
            facts.setdefault(r.check_id, []).extend(i.detail for i in r.items if i.detail)
    return facts


def _dimension_view(d: DimensionScore, facts: dict[str, list[str]] | None = None) -> DimensionView:
    ordered = sorted(
        d.checks,
        key=lambda c: (_OUTCOME_ORDER[c.outcome], 2.0 if c.score is None else c.score, -c.weight, c.title),
    )
    rows = [_check_row(c, facts) for c in ordered if c.outcome != Outcome.NOT_APPLICABLE]
    na = [_check_row(c) for c in ordered if c.outcome == Outcome.NOT_APPLICABLE]
    return DimensionView(dim=d, score=fmt_marked(d.score, d.incomplete), rows=rows, not_applicable=na)


class _Spool:
    """The listed findings of a report, as JSON lines in a temporary file: a
    report of a large run holds a few hundred instances of each of dozens of checks, and they wait
    there, not in memory, until the template reaches them."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file

    def put(self, f: Finding) -> int:
        self.file.seek(0, io.SEEK_END)
        at = self.file.tell()
        self.file.write(f.model_dump_json().encode() + b"\n")
        return at

    def get(self, at: int) -> Finding:
        self.file.seek(at)
        return Finding.model_validate_json(self.file.readline())


class _Listed(Sequence[Finding]):
    """One check's listed findings: in memory, or (with a :class:`_Spool`) where the spool keeps
    them, read back one at a time as the template goes through them."""

    def __init__(self, spool: _Spool | None = None) -> None:
        self._spool = spool
        self._kept: list[Finding] = []
        self._at = array("q")

    def append(self, f: Finding) -> None:
        if self._spool is None:
            self._kept.append(f)
        else:
            self._at.append(self._spool.put(f))

    def __len__(self) -> int:
        return len(self._kept) if self._spool is None else len(self._at)

    @overload
    def __getitem__(self, i: int) -> Finding: ...
    @overload
    def __getitem__(self, i: slice) -> _Listed: ...
    def __getitem__(self, i: int | slice) -> Finding | _Listed:
        if isinstance(i, slice):
            part = _Listed(self._spool)
            part._kept, part._at = self._kept[i], self._at[i]
            return part
        return self._kept[i] if self._spool is None else self._spool.get(self._at[i])

    def __iter__(self) -> Iterator[Finding]:
        if self._spool is None:
            yield from self._kept
        else:
            for at in self._at:
                yield self._spool.get(at)


class _ByPage:
    """Each page's count of findings by check, compactly (a page's URL and an array of (check's
    number, count) pairs: no dictionary a page); read as :class:`PageFindings`, most problems first,
    built one at a time as the template goes through them."""

    def __init__(self) -> None:
        self._counts: dict[str, array[int]] = {}

    def add(self, url: str, check: int) -> None:
        pairs = self._counts.get(url)
        if pairs is None:
            self._counts[url] = array("I", (check, 1))
        elif pairs[-2] == check:  # findings come check by check, a page's together
            pairs[-1] += 1
        else:
            for k in range(0, len(pairs), 2):
                if pairs[k] == check:
                    pairs[k + 1] += 1
                    break
            else:
                pairs.extend((check, 1))

    def pages_of(self) -> Counter[int]:
        """Check number -> how many pages it failed on."""
        return Counter(pairs[k] for pairs in self._counts.values() for k in range(0, len(pairs), 2))

    def view(self, groups: dict[int, FindingGroup]) -> Iterable[PageFindings]:
        """The pages, most problems first; ``groups``: check number -> its group, in the order shown."""
        totals = sorted((-sum(pairs[1::2]), url) for url, pairs in self._counts.items())
        return _Pages(totals, self._counts, groups)


@dataclass
class _Pages:
    totals: list[tuple[int, str]]  # (minus the page's count, its URL), in the order shown
    counts: dict[str, array[int]]
    groups: dict[int, FindingGroup]  # in the order shown

    def __iter__(self) -> Iterator[PageFindings]:
        position = {number: k for k, number in enumerate(self.groups)}
        for minus_total, url in self.totals:
            pairs = self.counts[url]
            found = sorted(((pairs[k], pairs[k + 1]) for k in range(0, len(pairs), 2)), key=lambda p: position[p[0]])
            yield PageFindings(
                url=url, href=safe_href(url), total=-minus_total, groups=[(self.groups[c], n) for c, n in found]
            )


def _findings_view(
    card: Scorecard, max_checks: int, max_items: int, max_listed: int = MAX_LISTED, spool: _Spool | None = None
) -> FindingsView:
    """The findings grouped by check, read once, one at a time: each check's count, pages and first
    ``max_listed`` instances (kept in ``spool`` when given, else in memory); each page's count by
    check."""
    checks = {c.check_id: c for d in card.dimensions for c in d.checks}
    dim_titles = {d.id: d.title for d in card.dimensions}
    grouped: dict[str, _Listed] = {}
    firsts: dict[str, Finding] = {}
    counted: dict[str, int] = {}
    number: dict[str, int] = {}
    by_page = _ByPage()
    total = 0
    for f in card.iter_findings():
        total += 1
        listed = grouped.get(f.check_id)
        if listed is None:
            listed = grouped[f.check_id] = _Listed(spool)
            firsts[f.check_id] = f
            number[f.check_id] = len(number)
        if len(listed) < max(max_listed, max_items):
            listed.append(f)
        counted[f.check_id] = counted.get(f.check_id, 0) + 1
        by_page.add(f.url, number[f.check_id])
    pages_of = by_page.pages_of()

    def rank(item: tuple[str, _Listed]) -> tuple[float, int, str]:
        check_id, _found = item
        weight = checks[check_id].weight if check_id in checks else 0.0
        return (-weight, -counted[check_id], check_id)

    groups: list[FindingGroup] = []
    numbered: dict[int, FindingGroup] = {}  # check number -> its group, in the order shown
    for check_id, found in sorted(grouped.items(), key=rank):
        summary = checks.get(check_id)
        first = firsts[check_id]
        help_url = first.help_url or (summary.help_url if summary else "")
        group = FindingGroup(
            check_id=check_id,
            title=first.title or (summary.failure_title if summary else check_id),
            dimension=dim_titles.get(first.dimension, first.dimension),
            description=summary.description if summary else "",
            help_url=help_url,
            help_href=safe_href(help_url),
            count=counted[check_id],
            pages=pages_of[number[check_id]],
            items=found[:max_items],
            rest=found[max_items:],
            anchor=f"finding-{len(groups) + 1}",
            unlisted=counted[check_id] - len(found),
        )
        groups.append(group)
        numbered[number[check_id]] = group
    shown, hidden = groups[:max_checks], groups[max_checks:]
    return FindingsView(
        groups=shown,
        hidden_checks=len(hidden),
        hidden_items=sum(g.count for g in hidden),
        total=total,
        hidden=hidden,
        pages=by_page.view(numbered),
    )


def infer_levels(card: Scorecard) -> list[tuple[int, str]]:
    """The rubric's levels as far as the scorecard tells them.

    The scorecard carries only the reached level and the next one; lower levels get a
    generic name. Pass ``levels=`` to :func:`render_html` to show the rubric's own names.
    """
    names: dict[int, str] = {}
    if card.level is not None:
        names[card.level] = card.level_name or ""
    if card.next_level is not None:
        names[card.next_level.level] = card.next_level.name
    if not names:
        return []
    top = max(names)
    return [(n, names.get(n, "")) for n in range(1, top + 1)]


def _fix_first_view(card: Scorecard) -> list[dict[str, Any]]:
    """The fix-first list with each check's failure title and dimension, for the template."""
    summaries = {c.check_id: c for d in card.dimensions for c in d.checks}
    dim_titles = {d.id: d.title for d in card.dimensions}
    rows = []
    for item in card.fix_first:
        summary = summaries.get(item.check_id)
        rows.append(
            {
                "item": item,
                "title": summary.failure_title if summary else item.check_id,
                "dimension": dim_titles.get(summary.dimension, "") if summary else "",
                "effort": (
                    f"Fix once in the shared template: clears {item.pages} pages"
                    if item.effort == "template"
                    else "Fix on one page"
                ),
            }
        )
    return rows


def _settings_value(settings: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        value = settings.get(key)
        if value not in (None, ""):
            return value
    return None


def _provenance(run: RunInfo, card: Scorecard) -> list[tuple[str, str]]:
    s = run.settings or {}
    throttle = _settings_value(s, "throttle", "throttling", "throttle_profile")
    k = _settings_value(s, "perf_runs", "k", "runs")
    rows = [
        ("Rubric", f"{card.rubric.title} ({card.rubric.id})"),
        ("Rubric version", card.rubric.version),
        ("Rubric sha256", card.rubric.sha256[:12] if card.rubric.sha256 else "not recorded"),
        ("Tool version", run.tool_version or "not recorded"),
        ("axe-core version", run.axe_version or "not recorded"),
        ("Browser version", run.browser_version or "not recorded"),
        ("Throttling profile", str(throttle) if throttle is not None else "not recorded"),
        ("Performance loads per page (k)", str(k) if k is not None else "not recorded"),
        ("Pages found", str(run.pages_found)),
        ("Started", fmt_time(run.started_at)),
        ("Finished", fmt_time(run.finished_at)),
        ("Run status", run.status),
    ]
    max_pages = s.get("max_pages")
    if max_pages is not None:
        rows.insert(8, ("Page limit", str(max_pages)))
    rows += crawl_effort(run.timings, len(card.pages))
    return rows


def make_environment() -> Environment:
    """The report templates' Jinja2 environment: autoescaping, StrictUndefined, the shared filters."""
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(
            enabled_extensions=("html", "htm", "xml", "j2"), default_for_string=True, default=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["href"] = safe_href
    env.filters["num"] = svg.fmt_number
    env.filters["score"] = fmt_score
    env.filters["when"] = fmt_time
    env.filters["marked"] = fmt_marked
    env.filters["md"] = inline_markdown
    env.globals["incomplete_mark"] = INCOMPLETE_MARK
    env.globals["incomplete_explained"] = INCOMPLETE_EXPLAINED
    return env


_environment = lru_cache(maxsize=1)(make_environment)


def render_html(run: RunInfo, card: Scorecard, **options: Any) -> str:
    """The scorecard page for one run as a string: :func:`write_html`'s page, with its options."""
    out = io.StringIO()
    write_html(out, run, card, **options)
    return out.getvalue()


def write_html(
    out: TextIO,
    run: RunInfo,
    card: Scorecard,
    *,
    levels: list[tuple[int, str]] | None = None,
    max_finding_checks: int = MAX_FINDING_CHECKS,
    max_finding_items: int = MAX_FINDING_ITEMS,
    documents: DocumentSet | None = None,
    document_params: Mapping[str, Any] | None = None,
    journeys: list[JourneyResult] | None = None,
    shots: str = "journeys/",
) -> None:
    """Write the scorecard page for one run to ``out`` as the template produces it, a piece at a
    time: the page of a run of thousands of pages is never one string in memory. ``levels``
    (number, name) names the rubric's levels in the meter; by default they come from the scorecard
    (older scorecards: see :func:`infer_levels`). ``documents``: the documents the run collected
    (its site facts'), for the "Documents" section, judged with ``document_params`` (the document
    checks' parameters; None: their defaults). ``journeys``: the task journeys run with it, for the
    "Tasks" section (each a strip of its steps' screenshots, found under ``shots``, relative to the
    page)."""
    if not levels and card.levels:
        levels = [(lv.level, lv.name) for lv in card.levels]
    level_list = sorted(levels) if levels else infer_levels(card)
    facts = _informational_facts(card)
    dims = [_dimension_view(d, facts) for d in card.dimensions]
    chart = svg.bar_chart(
        [(d.title, d.score) for d in card.dimensions],
        title="Score by dimension (0–100)",
        ident="chart-dimensions",
    )
    meter = ""
    if level_list:
        # Without the rubric's level list, a scorecard below the top level cannot say how many levels exist.
        partial = not levels and card.next_level is not None
        title = desc = None
        nxt = card.next_level
        if partial and card.level is not None and nxt is not None:
            title = f"Maturity level {card.level}" + (f": {card.level_name}" if card.level_name else "")
            desc = f"Level {card.level} reached; the next level is {nxt.level}, {nxt.name}."
        meter = svg.level_meter(card.level, level_list, title=title, desc=desc, ident="chart-level")
    dim_titles = {d.id: d.title for d in card.dimensions}
    next_steps = []
    if card.next_level is not None:
        next_steps = [(dim_titles.get(k, k), v) for k, v in card.next_level.next_steps.items()]
    unscored = [d.title for d in card.dimensions if d.score is None and not d.optional]
    level_label = (
        f"Level {card.level}" + (f" · {card.level_name}" if card.level_name else "")
        if card.level is not None
        else NOT_ASSESSABLE
    )
    template = _environment().get_template("scorecard.html.j2")
    # The listed findings wait in a temporary file until the template reaches them.
    with tempfile.TemporaryFile(prefix="maturity-report-") as spooled:
        spool = _Spool(spooled)
        pieces = template.generate(
            run=run,
            card=card,
            fix_first=_fix_first_view(card),
            site=site_name(card.target),
            target_href=safe_href(card.target),
            level_label=level_label,
            top_level=level_list[-1][0] if level_list else None,
            chart=Markup(chart),
            meter=Markup(meter),
            dims=dims,
            next_steps=next_steps,
            unscored=unscored,
            findings=_findings_view(card, max_finding_checks, max_finding_items, spool=spool),
            pages_total=len(card.pages),
            pages_ok=card.assessable_pages,
            page_labels=PAGE_STATUS_LABELS,
            provenance=_provenance(run, card),
            incomplete_note=INCOMPLETE_NOTE,
            not_assessable=NOT_ASSESSABLE,
            # Documents: their own section, and findings of document checks name a document, not a page.
            documents=documents_view(documents, document_params, safe_href) if documents is not None else None,
            document_checks=DOCUMENT_CHECKS,
            journeys=journey_views(journeys or [], shots),
        )
        for piece in pieces:
            out.write(piece)
