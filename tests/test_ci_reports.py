"""CI renderers: JUnit parses, SARIF validates against the published schema, Markdown and annotations escape."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from factories import ORIGIN, axe, document, page, site

from maturity.core.gates import Baseline, CheckConfig, evaluate
from maturity.core.model import AxeFacts, AxeNode, AxeRule
from maturity.core.rubric import builtin_rubric
from maturity.core.scoring import Scorecard, score
from reports.annotations import command, escape_data, escape_property, render_annotations
from reports.check_json import render_check_json
from reports.junit import render_junit
from reports.markdown import code, md, render_markdown
from reports.sarif import FINGERPRINT_KEY, render_sarif

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "shared" / "reference" / "schemas"
HOSTILE_SELECTOR = 'a[href="x|y"] > `b` ]]> <script>&amp;'
HOSTILE_SNIPPET = "<img alt=\"\x00\x1b\" src='javascript:alert(1)'>\n| ** [x](http://evil) ::error::"
HOSTILE_URL = f'{ORIGIN}/a b?q=<x>&y="1",z:%25'


def hostile_axe() -> dict:
    return AxeFacts(
        version="4.12.1",
        rules=[
            AxeRule(
                id="image-alt",
                outcome="violation",
                impact="critical",
                tags=["wcag2a"],
                help="Images must have alternative text",
                nodes=[AxeNode(target=HOSTILE_SELECTOR, html=HOSTILE_SNIPPET, summary="Fix\r\nthis: now, 100%")],
            ),
            AxeRule(id="color-contrast", outcome="pass", impact=None, tags=["wcag2aa"]),
        ],
    ).model_dump(mode="json")


def sample() -> tuple[Scorecard, list]:
    pages = [
        page(),
        page(f"{ORIGIN}/b", document=document(url=f"{ORIGIN}/b", lang=None), axe=hostile_axe()),
    ]
    card = score(builtin_rubric(), pages, site())
    # a hostile page URL and title as a site could produce them
    findings = [
        f.model_copy(update={"url": HOSTILE_URL, "title": f.title + " <b>\"&'</b>"})
        if f.check_id == "axe/image-alt"
        else f
        for f in card.findings
    ]
    return card.model_copy(update={"findings": findings}), pages


@pytest.fixture(scope="module")
def card_and_result():
    card, pages = sample()
    result = evaluate(card, pages, CheckConfig.model_validate({"gates": {"max_findings": {"critical": 0}}}))
    return card, result


# ---------------------------------------------------------------------------
# JUnit
# ---------------------------------------------------------------------------


def test_junit_has_a_suite_per_dimension_and_a_case_per_check(card_and_result):
    card, result = card_and_result
    root = ET.fromstring(render_junit([card], result).encode())
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [d.id for d in card.dimensions] + ["gates"]
    for suite, dim in zip(suites, card.dimensions, strict=False):
        cases = suite.findall("testcase")
        assert [c.get("name") for c in cases] == [c.check_id for c in dim.checks]
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))
        assert int(suite.get("skipped")) == len(suite.findall("testcase/skipped"))
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites)
    assert int(root.get("failures")) == sum(int(s.get("failures")) for s in suites)


def test_junit_failure_names_page_and_selector_and_survives_hostile_text(card_and_result):
    card, result = card_and_result
    root = ET.fromstring(render_junit([card], result).encode())
    case = root.find("testsuite[@name='accessibility']/testcase[@name='axe/image-alt']")
    failure = case.find("failure")
    assert failure is not None and "1 finding on 1 page" in failure.get("message")
    assert f"page: {HOSTILE_URL}" in failure.text
    assert f"selector: {HOSTILE_SELECTOR}" in failure.text  # round-trips exactly: escaped, not mangled
    assert "\x00" not in failure.text and "\ufffd" in failure.text  # control characters replaced
    lang = root.find("testsuite[@name='content']/testcase[@name='html-lang']/failure")
    assert f"page: {ORIGIN}/b" in lang.text
    gate = root.find("testsuite[@name='gates']/testcase[@name='max_findings']/failure")
    assert gate is not None and "critical" in gate.get("message")


def test_junit_with_a_baseline_fails_only_on_new_findings():
    card, pages = sample()
    result = evaluate(card, pages, CheckConfig(), Baseline.from_findings(card.findings))
    root = ET.fromstring(render_junit([card], result).encode())
    assert root.findall(".//testcase/failure") == []
    out = root.find("testsuite[@name='accessibility']/testcase[@name='axe/image-alt']/system-out")
    assert "accepted by the baseline" in out.text
    assert root.find("testsuite[@name='gates']/testcase[@name='baseline']") is not None


def test_junit_names_suites_by_site_when_there_are_several(card_and_result):
    card, result = card_and_result
    other = card.model_copy(update={"target": "https://other.example.gov/"})
    names = [s.get("name") for s in ET.fromstring(render_junit([card, other], result)).findall("testsuite")]
    assert f"accessibility ({card.target})" in names and "accessibility (https://other.example.gov/)" in names


# ---------------------------------------------------------------------------
# SARIF
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator():
    from jsonschema import Draft4Validator

    path = SCHEMA_DIR / "sarif-schema-2.1.0.json"
    if not path.is_file():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"the SARIF schema must be present in CI: {path} (clone shared/ beside the repository)")
        pytest.skip(f"SARIF schema not found at {path} (clone shared/ beside the repository)")
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def test_sarif_validates_against_the_published_schema(card_and_result, sarif_validator):
    card, result = card_and_result
    doc = json.loads(render_sarif([card], result))
    errors = sorted(sarif_validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert doc["version"] == "2.1.0"


def test_sarif_has_one_rule_per_check_and_one_result_per_finding(card_and_result):
    card, result = card_and_result
    run = json.loads(render_sarif([card], result))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)) == sum(len(d.checks) for d in card.dimensions)
    assert all(r["help"]["text"] and r["helpUri"].startswith("https://") for r in rules)
    assert len(run["results"]) == len(card.findings)
    hit = next(r for r in run["results"] if r["ruleId"] == "axe/image-alt")
    assert rules[hit["ruleIndex"]]["id"] == "axe/image-alt"
    assert hit["level"] == "error" and hit["properties"]["impact"] == "critical"
    loc = hit["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["uri"].startswith(f"{ORIGIN}/a%20b?q=%3Cx%3E")
    assert loc["logicalLocations"][0]["fullyQualifiedName"] == HOSTILE_SELECTOR
    assert loc["logicalLocations"][0]["kind"] == "element"
    finding = next(f for f in card.findings if f.check_id == "axe/image-alt")
    assert hit["partialFingerprints"] == {FINGERPRINT_KEY: finding.fingerprint}
    assert hit["properties"]["snippet"] == finding.snippet


def test_sarif_baseline_states_and_fixed_results(sarif_validator):
    card, pages = sample()
    baseline = Baseline.from_findings(card.findings)
    fixed_pages = [pages[0], page(f"{ORIGIN}/b", document=document(url=f"{ORIGIN}/b"), axe=hostile_axe())]
    fixed_card = score(builtin_rubric(), fixed_pages, site())
    result = evaluate(fixed_card, fixed_pages, CheckConfig(), baseline)
    doc = json.loads(render_sarif([fixed_card], result))
    assert not list(sarif_validator.iter_errors(doc))
    states = [r["baselineState"] for r in doc["runs"][0]["results"]]
    assert "absent" in states and "new" not in states and "unchanged" in states
    absent = next(r for r in doc["runs"][0]["results"] if r["baselineState"] == "absent")
    assert absent["ruleId"] == "html-lang" and absent["kind"] == "pass" and absent["level"] == "none"


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------


def test_markdown_has_the_dimension_table_and_gate_results(card_and_result):
    card, result = card_and_result
    text = render_markdown([card], result)
    assert text.startswith("## maturity check ❌ failed")
    assert "| dimension | score | failing checks | note |" in text
    for d in card.dimensions:
        if d.score is None:  # the optional customer-experience dimension, without survey data
            assert d.optional and f"| {d.title} | n/a |" in text and "not assessable" in text
        else:
            assert f"| {d.title} | {d.score:.1f} |" in text
    assert "| `max_findings` | ❌ 1 failure |" in text


def test_markdown_marks_incomplete_figures_beside_them():
    broken = page(f"{ORIGIN}/", network={"error": "log lost"})
    card = score(builtin_rubric(), [broken], site())
    text = render_markdown([card], evaluate(card, [broken], CheckConfig()))
    assert f"overall score {card.overall:.1f} (incomplete: some checks could not run) under rubric" in text
    content = next(d for d in card.dimensions if d.id == "content")
    assert content.incomplete and f"| Content | {content.score:.1f} (incomplete) |" in text


def test_markdown_escapes_hostile_text(card_and_result):
    card, result = card_and_result
    text = render_markdown([card], result)
    outside_code = text.replace(code(HOSTILE_SELECTOR), "")  # a code span shows its content literally
    assert "<script>" not in outside_code and "<b>" not in text and "[x](http" not in text
    row = next(line for line in text.splitlines() if line.startswith("| `axe/image-alt`"))
    unescaped_pipes = row.replace("\\|", "").count("|")
    assert unescaped_pipes == 6  # five cells: the selector's "|" did not split the row
    assert md("a|b*c_<d>.-") == "a\\|b\\*c\\_\\<d\\>.-"
    assert code("x`y") == "`` x`y ``" and code("a|b") == "`a\\|b`"


def test_markdown_renders_to_safe_html(card_and_result):
    from markdown_it import MarkdownIt

    card, result = card_and_result
    html = MarkdownIt("commonmark").enable("table").render(render_markdown([card], result))
    assert "<script>" not in html and "<b>" not in html and 'href="http://evil"' not in html
    assert "&lt;script&gt;" in html  # shown, as text
    row = next(r for r in html.split("<tr>") if "axe/image-alt" in r)
    assert row.count("<td") == 5


def test_markdown_with_baseline_lists_new_and_fixed():
    card, pages = sample()
    old = Baseline.from_findings([f for f in card.findings if f.check_id != "axe/image-alt"] + [])
    result = evaluate(card, pages, CheckConfig(), old)
    text = render_markdown([card], result)
    assert "### Baseline: 1 new" in text and "#### New findings" in text


# ---------------------------------------------------------------------------
# GitHub annotations
# ---------------------------------------------------------------------------


def test_annotation_escaping_follows_the_workflow_command_spec():
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    line = command("error", "line one\nline two: 50%", file="site/maturity.yml", title="maturity: a, b")
    assert line == "::error file=site/maturity.yml,title=maturity%3A a%2C b::line one%0Aline two: 50%25"
    assert command("warning", "plain") == "::warning::plain"


def test_annotations_are_one_line_each(card_and_result):
    card, result = card_and_result
    text = render_annotations([card], result, file="maturity.yml")
    lines = text.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert lines[0].startswith("::error file=maturity.yml,title=maturity%3A max_findings::")
    assert len(lines) == len(text.split("\n")) - 1  # no raw newline inside a command
    assert any("%0A" in line for line in lines)  # the hostile snippet's newline was escaped


# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------


def test_json_has_the_gate_result_and_the_scorecard(card_and_result):
    card, result = card_and_result
    doc = json.loads(render_check_json([card], result))
    assert doc["schema"] == "maturity/check" and doc["passed"] is False
    assert doc["result"]["failures"][0]["gate"] == "max_findings"
    assert doc["sites"][0]["scorecard"]["target"] == card.target and doc["sites"][0]["run"] is None
    assert Scorecard.model_validate(doc["sites"][0]["scorecard"]) == card


def test_axe_factory_still_gives_impacts():
    card = score(builtin_rubric(), [page(axe=axe(("image-alt", "violation", "serious", ["wcag2a"])))], site())
    assert [f.impact for f in card.findings if f.check_id == "axe/image-alt"] == ["serious"]
