"""SVG charts: well-formed, accessible, proportional, honest about missing values, inert."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import pytest

from reports.svg import (
    LinearScale,
    Palette,
    bar_chart,
    contrast_ratio,
    level_meter,
    nice_ticks,
)

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>javascript:alert(1)'
LEVELS = [(1, "Initial"), (2, "Developing"), (3, "Defined"), (4, "Managed"), (5, "Optimised")]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def text(el: ET.Element) -> str:
    return " ".join("".join(el.itertext()).split())


def bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{NS}rect") if "bar" in (r.get("class") or "").split()]


def rows(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("data-label"): g for g in root.iter(f"{NS}g") if g.get("data-label") is not None}


def assert_accessible(root: ET.Element) -> None:
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby").split()
    title = root.find(f"{NS}title")
    desc = root.find(f"{NS}desc")
    assert title is not None and title.text and title.get("id") == ids[0]
    assert desc is not None and desc.text and desc.get("id") in ids
    assert root.get("viewBox") and root.get("width") == "100%"  # scales with its container
    assert not list(root.iter(f"{NS}script")) and not list(root.iter("script"))


def test_bar_chart_is_well_formed_and_accessible():
    svg = bar_chart([("Accessibility", 62.5), ("Performance", 81.3)], title="Score by dimension")
    root = parse(svg)
    assert_accessible(root)
    assert root.find(f"{NS}title").text == "Score by dimension"
    desc = root.find(f"{NS}desc").text
    assert "Accessibility: 62.5 of 100" in desc and "Performance: 81.3 of 100" in desc


def test_bars_are_proportional_to_values():
    root = parse(bar_chart([("a", 25), ("b", 50), ("c", 100), ("d", 0)], title="t"))
    widths = {b.get("data-value"): float(b.get("width")) for b in bars(root)}
    assert widths["0"] == 0
    assert widths["50"] == pytest.approx(2 * widths["25"])
    assert widths["100"] == pytest.approx(4 * widths["25"])
    # a full bar fills its track
    track = next(r for r in root.iter(f"{NS}rect") if r.get("class") == "track")
    assert widths["100"] == pytest.approx(float(track.get("width")))


def test_max_value_sets_the_scale_and_values_are_clamped():
    root = parse(bar_chart([("a", 5), ("b", 10), ("c", 15)], title="t", max_value=10))
    widths = [float(b.get("width")) for b in bars(root)]
    assert widths[0] == pytest.approx(widths[1] / 2)
    assert widths[2] == pytest.approx(widths[1])  # over the maximum: drawn full, not off the chart
    with pytest.raises(ValueError):
        bar_chart([("a", 1)], title="t", max_value=0)


def test_none_is_not_assessable_never_zero():
    root = parse(bar_chart([("Accessibility", 70), ("Performance", None)], title="t"))
    perf = rows(root)["Performance"]
    assert "Not assessable" in text(perf)
    assert not re.search(r"(^|\s)0(\s|$)", text(perf))
    bar = next(b for b in perf.iter(f"{NS}rect") if "bar" in (b.get("class") or "").split())
    assert bar.get("data-value") == "none"
    assert "not-assessable" in bar.get("class")
    assert bar.get("fill").startswith("url(#")  # hatched, and the pattern exists
    pattern_id = bar.get("fill")[5:-1]
    assert any(p.get("id") == pattern_id for p in root.iter(f"{NS}pattern"))
    assert float(bar.get("width")) > 0
    assert "Performance: not assessable" in root.find(f"{NS}desc").text


def test_axis_has_ticks_and_label():
    root = parse(bar_chart([("a", 40)], title="t"))
    axis = next(g for g in root.iter(f"{NS}g") if "axis" in (g.get("class") or ""))
    labels = [t.text for t in axis.iter(f"{NS}text")]
    assert labels[:5] == ["0", "25", "50", "75", "100"]
    assert labels[-1] == "Score (0–100)"


def test_long_labels_are_shortened_but_kept_in_the_description():
    long = "Content, information architecture and plain language quality"
    root = parse(bar_chart([(long, None)], title="t"))
    label = next(t for t in root.iter(f"{NS}text") if t.get("class") == "label")
    assert label.text.endswith("…") and len(label.text) < len(long)
    assert long in root.find(f"{NS}desc").text


def test_ids_are_unique_per_chart_and_can_be_set():
    a = parse(bar_chart([("a", 1)], title="one"))
    b = parse(bar_chart([("a", 1)], title="two"))
    assert a.get("id") != b.get("id")
    c = parse(bar_chart([("a", 1)], title="one", ident="dims"))
    assert c.get("id") == "dims" and c.get("aria-labelledby") == "dims-title dims-desc"


def test_non_finite_values_are_not_assessable():
    root = parse(bar_chart([("a", float("nan")), ("b", float("inf"))], title="t"))
    assert [b.get("data-value") for b in bars(root)] == ["none", "none"]


def test_hostile_ident_becomes_a_plain_id():
    root = parse(bar_chart([("a", None)], title="t", ident='x" onload="alert(1)'))
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", root.get("id"))
    assert root.get("aria-labelledby") == f"{root.get('id')}-title {root.get('id')}-desc"


def test_empty_chart_is_still_valid():
    root = parse(bar_chart([], title="Nothing yet"))
    assert_accessible(root)
    assert root.find(f"{NS}desc").text == "No data."


def test_level_meter_marks_reached_levels():
    root = parse(level_meter(3, LEVELS))
    assert_accessible(root)
    assert root.find(f"{NS}title").text == "Maturity level 3 of 5: Defined"
    states = {int(g.get("data-level")): g.get("class").split()[1] for g in root.iter(f"{NS}g") if g.get("data-level")}
    assert states == {1: "reached", 2: "reached", 3: "current", 4: "open", 5: "open"}
    current = next(g for g in root.iter(f"{NS}g") if g.get("data-level") == "3")
    assert "this site" in text(current)
    steps = [g for g in root.iter(f"{NS}g") if g.get("data-level")]
    widths = [float(next(g.iter(f"{NS}rect")).get("width")) for g in steps]
    assert widths == sorted(widths, reverse=True)  # a staircase, highest level drawn first (on top)


def test_level_meter_not_assessable():
    root = parse(level_meter(None, LEVELS))
    assert_accessible(root)
    assert "not assessable" in root.find(f"{NS}title").text
    assert "could not be assessed" in root.find(f"{NS}desc").text
    states = {g.get("class").split()[1] for g in root.iter(f"{NS}g") if g.get("data-level")}
    assert states == {"unknown"}


@pytest.mark.parametrize(
    "svg",
    [
        bar_chart([(HOSTILE, 50), (HOSTILE, None)], title=HOSTILE, desc=HOSTILE, unit=HOSTILE),
        level_meter(2, [(1, HOSTILE), (2, HOSTILE)], title=HOSTILE),
        bar_chart([("a", 1), ("b", None)], title="t", ident=HOSTILE),
        level_meter(None, [(1, "a")], ident=HOSTILE),
    ],
)
def test_hostile_text_is_escaped(svg):
    root = parse(svg)  # well-formed despite the markup in the input
    for el in root.iter():
        local = el.tag.rsplit("}", 1)[-1].lower()
        assert local not in ("script", "img", "foreignobject", "a")
        for name, value in el.attrib.items():
            local_name = name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()  # xlink:href -> href
            assert not local_name.startswith("on")
            if local_name in ("href", "src"):
                assert not re.sub(r"[\x00-\x20]", "", value).lower().startswith("javascript:")
    assert "<script>" not in svg


def test_text_colours_have_enough_contrast():
    for colour in (Palette.text, Palette.muted, Palette.axis):
        assert contrast_ratio(colour, Palette.background) >= 4.5
    for mark in (Palette.bar, Palette.hatch, Palette.outline, Palette.current):
        assert contrast_ratio(mark, Palette.background) >= 3.0
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#767676", "#fff") == pytest.approx(4.54, abs=0.01)


def test_every_text_element_uses_a_contrasting_colour():
    charts = (bar_chart([("a", 10), ("b", None)], title="t"), level_meter(2, LEVELS), level_meter(None, LEVELS))
    for svg in charts:
        root = parse(svg)
        default = root.get("fill")
        for t in root.iter(f"{NS}text"):
            colour = t.get("fill")
            if colour is None:
                parent = next((g for g in root.iter() if t in list(g)), root)
                colour = parent.get("fill") or default
            assert contrast_ratio(colour, Palette.background) >= 4.5, (t.text, colour)
            size = t.get("font-size") or next((g.get("font-size") for g in root.iter() if t in list(g)), None)
            assert float(size or root.get("font-size")) >= 14


def test_scale_and_ticks():
    s = LinearScale((0, 100), (10, 210))
    assert s(0) == 10 and s(50) == 110 and s(100) == 210 and s(150) == 210
    assert LinearScale((0, 10), (100, 0))(2.5) == 75  # reversed range, as for a y axis
    assert nice_ticks(0, 100) == [0, 25, 50, 75, 100]
    assert nice_ticks(0, 10, 6) == [0, 2, 4, 6, 8, 10]
    assert nice_ticks(0.3, 2.2, 5) == [0.5, 1.0, 1.5, 2.0]
    assert nice_ticks(5, 5) == [5]


def test_trend_x_labels_never_overlap_and_the_last_is_always_shown():
    from reports.svg import SMALL_FONT_SIZE, line_chart, text_width

    for n in range(2, 41):
        for fmt in ("{} Mar", "12 Mar 2025 #{}"):
            labels = [fmt.format(i + 1) for i in range(n)]
            root = ET.fromstring(line_chart([("Overall", [50.0] * n)], labels, title="Trend", ident=f"t{n}"))
            axis = next(g for g in root.iter(f"{NS}g") if "axis-x" in (g.get("class") or ""))
            spans = []
            for t in axis.iter(f"{NS}text"):
                x, w = float(t.get("x")), text_width(t.text, size=SMALL_FONT_SIZE)
                anchor = t.get("text-anchor")
                start = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
                spans.append((start, start + w, t.text))
            assert spans[-1][2] == labels[-1], (n, fmt)
            for a, b in itertools.pairwise(spans):
                assert b[0] >= a[1], (n, fmt, a, b)
