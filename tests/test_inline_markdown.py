"""Descriptions' inline Markdown (`code`, **bold**, [links](https://...)) is rendered, safely."""

from __future__ import annotations

import lxml.html
from test_html_report import make_card, make_run

from maturity.core.scoring import Finding
from reports.html import inline_markdown, render_html


def test_code_bold_and_http_links_become_elements():
    out = str(
        inline_markdown("Avoid `text-transform: uppercase`; use **bold**; see [WCAG 1.4.8](https://www.w3.org/WAI/).")
    )
    assert out == (
        "Avoid <code>text-transform: uppercase</code>; use <strong>bold</strong>; "
        'see <a href="https://www.w3.org/WAI/">WCAG 1.4.8</a>.'
    )


def test_everything_is_escaped_first_and_only_http_links_are_links():
    out = str(
        inline_markdown("<script>alert(1)</script> `<img src=x onerror=alert(1)>` [x](javascript:alert(1)) a & b")
    )
    assert "<script>" not in out and "<img" not in out and "href" not in out
    assert "&lt;script&gt;" in out and "<code>&lt;img src=x onerror=alert(1)&gt;</code>" in out
    assert "[x](javascript:alert(1))" in out and "a &amp; b" in out
    quoted = str(inline_markdown('[q](https://a.example/?"onmouseover=x)'))
    assert 'href="https://a.example/?&#34;onmouseover=x"' in quoted or "href" not in quoted


def test_the_scorecard_renders_backticks_in_fix_text_as_code():
    finding = Finding(
        fingerprint="f1",
        check_id="focus-visible",
        dimension="accessibility",
        title="Focus indicator removed",
        url="https://www.example.gov/",
    )
    card = make_card()
    a11y = card.dimensions[0]
    summary = a11y.checks[0].model_copy(
        update={"check_id": "focus-visible", "description": "CSS such as `a:focus { outline: none }` hides focus."}
    )
    card = card.model_copy(
        update={
            "findings": [finding],
            "dimensions": [a11y.model_copy(update={"checks": [summary]}), *card.dimensions[1:]],
        }
    )
    doc = lxml.html.fromstring(render_html(make_run(), card).encode())
    fix = doc.xpath('//p[@class="how-to-fix"]')[0]
    assert fix.xpath("./code")[0].text_content() == "a:focus { outline: none }"
    assert "`" not in fix.text_content()
