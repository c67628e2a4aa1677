"""CI gates: config validation, each gate failing and passing, per-path overrides, the baseline (offline)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from factories import ORIGIN, axe, document, page, perf, site

from maturity.core.gates import (
    Baseline,
    CheckConfig,
    GateFailure,
    check_against_rubric,
    decide,
    diff_baseline,
    evaluate,
    find_config,
    load_check_config,
    parse_check_config,
)
from maturity.core.rubric import builtin_rubric
from maturity.core.scoring import score
from maturity.kernel.errors import ConfigError, GateFailed

NEWS = f"{ORIGIN}/news/a"
HOME = f"{ORIGIN}/"


def bad_news_page(**over):
    """A page under /news/ with a critical and a serious axe violation and no lang (one of our own checks)."""
    arts = {
        "document": document(url=NEWS, lang=None),
        "axe": axe(
            ("image-alt", "violation", "critical", ["wcag2a"]), ("color-contrast", "violation", "serious", ["wcag2aa"])
        ),
        "performance": perf(lcp_ms=3000, tbt_ms=350, cls=0.2, bytes=2_000_000),
    }
    arts.update(over)
    return page(NEWS, **arts)


def audited(*pages):
    pages = list(pages) or [page(), bad_news_page()]
    return score(builtin_rubric(), pages, site()), pages


def config(**gates) -> CheckConfig:
    return CheckConfig.model_validate({"gates": gates})


def gates_failed(result, gate: str) -> list[GateFailure]:
    return result.failures_of(gate)


# ---------------------------------------------------------------------------
# config validation: one ConfigError naming the file and the key path
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("urls: [http://x.example/]\nmax_pagez: 3\n", "max_pagez", "unknown key"),
        ("gates:\n  budgets: {lcp: 2500}\n", "gates.budgets.lcp", "unknown key"),
        ("gates:\n  tolerance: ten\n", "gates.tolerance", "percentage"),
        ("gates:\n  tolerance: 10\n", "gates.tolerance", "ambiguous"),
        ("gates:\n  max_findings: {serious: -1}\n", "gates.max_findings.serious", "greater than or equal"),
        ("gates:\n  max_findings: {blocker: 1}\n", "gates.max_findings.blocker", "unknown key"),
        ("gates:\n  min_level: zero\n", "gates.min_level", "integer"),
        ("gates:\n  min_dimensions: {accessibility: 120}\n", "gates.min_dimensions", "between 0 and 100"),
        ("gates:\n  paths:\n    - pattern: '(unclosed'\n", "gates.paths[0].pattern", "regular expression"),
        ("gates:\n  paths:\n    - {budgets: {lcp_ms: 1}}\n", "gates.paths[0].pattern", "required key is missing"),
        ("gates:\n  required_checks: [lcp]\n", "gates.required_checks[0]", "unknown check 'lcp'"),
        (
            "gates:\n  paths:\n    - {pattern: /x/, required_checks: [nope]}\n",
            "gates.paths[0].required_checks[0]",
            "nope",
        ),
        ("urls: [example.gov]\n", "urls[0]", "not an http(s) URL"),
        ("throttle: fast\n", "throttle", "mobile"),
        ("gates: [1, 2]\n", "gates", "must be a mapping"),
        ("urls: [a\n", "line 2, column 1", "invalid YAML"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path, text, key, words):
    path = tmp_path / "maturity.yml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_check_config(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {key}: "), message
    assert words in message, message
    assert "\n" not in message and err.value.exit_code == 2


def test_config_not_a_mapping_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="must be a mapping"):
        parse_check_config(b"- a\n- b\n", "c.yml")
    with pytest.raises(ConfigError, match="cannot read config"):
        load_check_config(tmp_path / "absent.yml")


def test_full_config_parses_with_defaults(tmp_path):
    path = tmp_path / "maturity.yml"
    path.write_text(
        """
urls: [http://127.0.0.1:8000/]
rubric: default
max_pages: 10
throttle: desktop
gates:
  min_level: 3
  min_dimensions: {accessibility: 80}
  max_findings: {critical: 0, serious: 3}
  budgets: {lcp_ms: 2500, tbt_ms: 200, cls: 0.1, bytes: 1500000}
  tolerance: 15%
  required_checks: [html-lang, axe/image-alt]
  paths:
    - pattern: /news/
      budgets: {lcp_ms: 4000}
"""
    )
    cfg = load_check_config(path)
    assert cfg.settings_layer() == {"max_pages": 10, "throttle": "desktop"}  # only what the file sets
    from maturity.core.settings import default_concurrency
    from maturity.run.check import check_settings

    settings = check_settings(cfg, "http://127.0.0.1:8000/")  # defaults < check's < the file
    assert (settings.perf_runs, settings.throttle, settings.max_pages) == (3, "desktop", 10)
    assert settings.concurrency == default_concurrency()
    assert check_settings(cfg, "http://127.0.0.1:8000/", {"max_pages": 2}).max_pages == 2  # < the command line
    assert check_settings(CheckConfig(), "http://127.0.0.1:8000/").max_pages == 20
    assert cfg.gates.tolerance == pytest.approx(0.15)
    assert CheckConfig().gates.tolerance == pytest.approx(0.10)
    assert CheckConfig.model_validate({"gates": {"tolerance": 0.05}}).gates.tolerance == pytest.approx(0.05)
    assert find_config(tmp_path) == path and find_config(tmp_path / "nowhere") is None


def test_dimension_unknown_to_the_rubric_is_a_config_error():
    cfg = config(min_dimensions={"accesibility": 50})
    with pytest.raises(ConfigError) as err:
        check_against_rubric(cfg, [d.id for d in builtin_rubric().rubric.dimensions], "maturity.yml")
    assert str(err.value).startswith("maturity.yml: gates.min_dimensions.accesibility: the rubric has no dimension")


# ---------------------------------------------------------------------------
# each gate fails and passes
# ---------------------------------------------------------------------------


def test_no_gates_pass_whatever_is_found():
    card, pages = audited()
    result = evaluate(card, pages, CheckConfig())
    assert result.passed and result.evaluated == [] and card.findings


def test_min_level():
    card, pages = audited()
    level = card.level
    assert level is not None and level < 5  # the news page's defects keep the site below the top level
    assert evaluate(card, pages, config(min_level=level)).passed
    result = evaluate(card, pages, config(min_level=level + 1))
    assert not result.passed and result.evaluated == ["min_level"]
    assert f"level {level} ({card.level_name}) is below the required {level + 1}" in result.failures[0].message


def test_min_level_fails_when_not_assessable():
    down = page(f"{ORIGIN}/").model_copy(update={"status": "not_assessable", "reason": "HTTP 500", "artifacts": {}})
    card, pages = audited(down)
    assert card.level is None
    result = evaluate(card, pages, config(min_level=1))
    assert not result.passed and "not assessable" in result.failures[0].message


def test_min_dimensions():
    card, pages = audited()
    acc = next(d for d in card.dimensions if d.id == "accessibility").score
    assert evaluate(card, pages, config(min_dimensions={"accessibility": acc, "security": 100})).passed
    result = evaluate(card, pages, config(min_dimensions={"accessibility": acc + 0.1}))
    assert [f.gate for f in result.failures] == ["min_dimensions"]
    assert f"Accessibility scored {acc:g}, below the required {acc + 0.1:g}" in result.failures[0].message


def test_findings_carry_axe_impact_and_our_checks_none():
    card, _ = audited()
    impacts = {f.check_id: f.impact for f in card.findings}
    assert impacts["axe/image-alt"] == "critical" and impacts["axe/color-contrast"] == "serious"
    assert impacts["html-lang"] is None


def test_max_findings_by_impact_and_total():
    card, pages = audited()
    assert evaluate(card, pages, config(max_findings={"critical": 1, "serious": 1, "moderate": 0})).passed
    result = evaluate(card, pages, config(max_findings={"critical": 0, "serious": 1}))
    assert [f.message for f in result.failures] == ["1 finding of critical impact on site, more than the 0 allowed"]
    # our own checks' findings (no impact) count toward total only
    total = len(card.findings)
    assert evaluate(card, pages, config(max_findings={"total": total})).passed
    assert not evaluate(card, pages, config(max_findings={"total": total - 1})).passed


def test_max_findings_per_path_overrides_the_site_limit():
    card, pages = audited()
    cfg = config(max_findings={"critical": 0}, paths=[{"pattern": "/news/", "max_findings": {"critical": 1}}])
    assert evaluate(card, pages, cfg).passed  # the news page's critical finding is judged by the news limit
    cfg = config(max_findings={"critical": 5}, paths=[{"pattern": "/news/", "max_findings": {"critical": 0}}])
    result = evaluate(card, pages, cfg)
    assert len(result.failures) == 1 and "on pages matching '/news/'" in result.failures[0].message


def test_budgets_with_tolerance():
    card, pages = audited()
    assert evaluate(card, pages, config(budgets={"lcp_ms": 2800}, tolerance="10%")).passed  # 3000 <= 3080
    result = evaluate(card, pages, config(budgets={"lcp_ms": 2800}, tolerance="0%"))
    assert [f.url for f in result.failures] == [NEWS]
    assert "LCP 3,000 ms is over the budget of 2,800 ms" in result.failures[0].message
    result = evaluate(card, pages, config(budgets={"tbt_ms": 300, "cls": 0.1, "bytes": 1_000_000}, tolerance=0))
    assert sorted(f.message.split(": ")[1].split(" ")[0] for f in result.failures) == ["CLS", "TBT", "page"]
    assert all(f.url == NEWS for f in result.failures)  # the home page (factory defaults) is within budget


def test_budget_per_path_override_and_removal():
    card, pages = audited()
    lower = config(budgets={"lcp_ms": 5000}, tolerance=0, paths=[{"pattern": "/news/", "budgets": {"lcp_ms": 2000}}])
    assert [f.url for f in evaluate(card, pages, lower).failures] == [NEWS]
    higher = config(budgets={"lcp_ms": 1000}, tolerance=0, paths=[{"pattern": "/news/", "budgets": {"lcp_ms": 4000}}])
    assert [f.url for f in evaluate(card, pages, higher).failures] == [HOME]  # home LCP 1400 > 1000
    removed = config(budgets={"lcp_ms": 1000}, tolerance=0, paths=[{"pattern": ".", "budgets": {"lcp_ms": None}}])
    assert evaluate(card, pages, removed).passed


def test_budget_with_nothing_measured_fails_and_unmeasured_pages_are_noted():
    unmeasured = {"error": "not in the performance sample", "kind": "not_sampled"}
    card, pages = audited(page(performance=unmeasured))
    result = evaluate(card, pages, config(budgets={"lcp_ms": 2500}))
    assert not result.passed and "no page had a LCP measurement" in result.failures[0].message
    assert any("not in the performance sample" in n for n in result.notes)


def test_required_checks():
    card, pages = audited()
    assert evaluate(card, pages, config(required_checks=["axe/image-alt"])).passed is False
    assert evaluate(card, pages, config(required_checks=["viewport", "https"])).passed
    result = evaluate(card, pages, config(required_checks=["html-lang"]))
    assert [(f.check_id, f.url) for f in result.failures] == [("html-lang", NEWS)]
    missing = evaluate(card, pages, config(required_checks=["axe/no-such-rule"]))
    assert "did not run" in missing.failures[0].message


def test_required_checks_per_path():
    card, pages = audited()
    on_news = config(paths=[{"pattern": "/news/", "required_checks": ["html-lang"]}])
    assert not evaluate(card, pages, on_news).passed
    elsewhere = config(paths=[{"pattern": "/about/", "required_checks": ["html-lang"]}])
    assert evaluate(card, pages, elsewhere).passed


def test_decision_is_a_pure_function_of_failures():
    assert decide([]) is True
    assert decide([GateFailure(gate="min_level", message="x")]) is False
    assert issubclass(GateFailed, Exception) and GateFailed.exit_code == 1


# ---------------------------------------------------------------------------
# the baseline
# ---------------------------------------------------------------------------


def test_baseline_file_is_sorted_stable_and_round_trips(tmp_path):
    card, _ = audited()
    a = Baseline.from_findings(card.findings)
    b = Baseline.from_findings(reversed(card.findings))
    assert a.dumps() == b.dumps()
    data = json.loads(a.dumps())
    assert data["schema"] == "maturity/baseline" and data["version"] == 1
    assert set(data) == {"schema", "version", "findings"}  # no timestamps to churn diffs
    keys = [(e["check_id"], e["url"], e["selector"]) for e in data["findings"]]
    assert keys == sorted(keys)
    assert set(data["findings"][0]) == {"fingerprint", "check_id", "url", "selector"}
    path = a.save(tmp_path / "sub" / "baseline.json")
    assert Baseline.load(path) == a and path.read_text() == a.dumps()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{", "invalid JSON"),
        ("[]", "JSON object"),
        ('{"schema": "other", "version": 1, "findings": []}', "not a maturity baseline"),
        ('{"schema": "maturity/baseline", "version": 1, "findings": [{"url": "x"}]}', "findings[0].fingerprint"),
    ],
)
def test_bad_baseline_is_a_config_error(tmp_path, text, words):
    path = tmp_path / "b.json"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        Baseline.load(path)
    assert str(err.value).startswith(str(path)) and words in str(err.value)
    with pytest.raises(ConfigError, match="--update-baseline"):
        Baseline.load(tmp_path / "absent.json")


def test_same_findings_pass_the_baseline_and_a_new_one_fails():
    card, pages = audited()
    baseline = Baseline.from_findings(card.findings)
    again = evaluate(card, pages, CheckConfig(), baseline)
    assert again.passed and again.evaluated == ["baseline"] and not again.new_findings and not again.fixed
    assert len(again.accepted) == len({f.fingerprint for f in card.findings})

    worse, worse_pages = audited(page(document=document(lang=None)), bad_news_page())
    result = evaluate(worse, worse_pages, CheckConfig(), baseline)
    assert not result.passed
    assert [(f.check_id, f.url) for f in result.new_findings] == [("html-lang", HOME)]
    assert [f.gate for f in result.failures] == ["baseline"]
    assert "new finding: html-lang on https://agency.example.gov/" in result.failures[0].message


def test_fixed_findings_are_reported_and_unaudited_pages_are_not_called_fixed():
    card, _ = audited()
    baseline = Baseline.from_findings(card.findings)
    fixed_card, fixed_pages = audited(page(), bad_news_page(document=document(url=NEWS, lang="en")))
    result = evaluate(fixed_card, fixed_pages, CheckConfig(), baseline)
    assert result.passed and [e.check_id for e in result.fixed] == ["html-lang"]

    only_home, home_pages = audited(page())  # the news page was not audited this time
    result = evaluate(only_home, home_pages, CheckConfig(), baseline)
    assert result.passed
    assert {e.url for e in result.unverified} == {NEWS}
    assert all(e.url != NEWS for e in result.fixed)


def test_with_a_baseline_max_findings_counts_only_new_findings():
    card, pages = audited()
    baseline = Baseline.from_findings(card.findings)
    assert evaluate(card, pages, config(max_findings={"critical": 0}), baseline).passed
    assert not evaluate(card, pages, config(max_findings={"critical": 0})).passed


def test_diff_baseline_is_pure():
    card, _ = audited()
    baseline = Baseline.from_findings(card.findings[:1])
    new, fixed, unverified = diff_baseline(card.findings, [HOME, NEWS], baseline)
    assert [f.fingerprint for f in new] == [f.fingerprint for f in card.findings[1:]]
    assert fixed == [] and unverified == []


def test_measured_findings_keep_their_fingerprint_when_the_value_changes():
    """A failing LCP of 9.0 s one run and 9.5 s the next is the same finding for the baseline."""
    slow = audited(page(performance=perf(lcp_ms=9000)))[0]
    slower = audited(page(performance=perf(lcp_ms=9500)))[0]
    a = [f for f in slow.findings if f.check_id == "largest-contentful-paint"]
    b = [f for f in slower.findings if f.check_id == "largest-contentful-paint"]
    assert a and [f.fingerprint for f in a] == [f.fingerprint for f in b]
    assert a[0].detail != b[0].detail


def test_gates_module_is_pure():
    source = Path(__file__).parents[1].joinpath("maturity", "core", "gates.py").read_text()
    for name in ("playwright", "httpx", "sqlmodel", "sqlalchemy", "click", "crawlers", "maturity.store"):
        assert f"import {name}" not in source and f"from {name}" not in source


def test_the_readme_config_example_is_valid_and_documents_every_key():
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### A CI pipeline", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    cfg = parse_check_config(block.encode(), "README.md")
    assert cfg.gates.paths and cfg.gates.tolerance == pytest.approx(0.10)
    documented = {line.split(":", 1)[0].strip() for line in block.splitlines() if ":" in line}
    assert set(CheckConfig.model_fields) <= documented
    assert set(type(cfg.gates).model_fields) <= documented


def test_updating_a_baseline_keeps_entries_of_pages_not_audited():
    card, _ = audited()
    old = Baseline.from_findings(card.findings)
    home_only, home_pages = audited(page())
    result = evaluate(home_only, home_pages, CheckConfig(), old)
    updated = Baseline.from_findings(home_only.findings, keep=result.unverified)
    assert {e.url for e in updated.findings} >= {NEWS}
    assert updated.fingerprints == old.fingerprints - {e.fingerprint for e in result.fixed}
