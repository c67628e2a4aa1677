"""Accessible SVG charts as strings: pure functions, no I/O, no scripts.

Every chart is a complete ``<svg>`` element meant to be inlined in HTML (or saved as a
file): ``role="img"``, ``aria-labelledby`` pointing at its ``<title>`` and ``<desc>``
(the desc states the data in words), text escaped, and text colours with a contrast of
at least 4.5:1 on the chart background. Charts are drawn in a coordinate system whose
width is :data:`DEFAULT_WIDTH` user units and scale with their container; text sizes are
chosen so that at phone width (about 360 CSS px for the chart) no text is below 14 px.

The building blocks (:class:`LinearScale`, :func:`nice_ticks`, :func:`x_axis`,
:func:`svg_document`) are general so a later trend chart can reuse them.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr as _xml_quoteattr

SVG_NS = "http://www.w3.org/2000/svg"
DEFAULT_WIDTH = 360
FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
FONT_SIZE = 15  # user units; the chart is never drawn narrower than about 1 px per unit
SMALL_FONT_SIZE = 14


class Palette:
    """Chart colours. Text colours reach at least 4.5:1 on :attr:`background`, marks at least 3:1."""

    background = "#ffffff"
    text = "#1b1b1b"  # 17.2:1 on white
    muted = "#595959"  # 7.0:1 on white
    bar = "#1a4480"  # 9.6:1 on white
    track = "#eef1f5"
    grid = "#c9ced6"
    axis = "#595959"
    hatch = "#767676"  # 4.5:1 on white
    outline = "#595959"
    reached = "#1a4480"
    current = "#0d2b52"
    open = "#ffffff"


def _rgb(colour: str) -> tuple[float, float, float]:
    c = colour.lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    return int(c[0:2], 16) / 255, int(c[2:4], 16) / 255, int(c[4:6], 16) / 255


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a ``#rrggbb`` (or ``#rgb``) colour."""

    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.x contrast ratio between two colours (1.0 .. 21.0)."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    hi, lo = max(a, b), min(a, b)
    return (hi + 0.05) / (lo + 0.05)


# ---------------------------------------------------------------------------
# Escaping and formatting
# ---------------------------------------------------------------------------


# XML 1.0 Char (https://www.w3.org/TR/xml/#charsets): anything else cannot appear in an SVG, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def esc(text: object) -> str:
    """Escape text for an SVG/XML/HTML text node (``&``, ``<``, ``>`` and quotes); characters XML
    cannot carry (control characters) become U+FFFD, so the chart stays well-formed."""
    return _xml_escape(_NOT_XML.sub("\ufffd", str(text)), {'"': "&quot;", "'": "&#x27;"})


def attr(value: object) -> str:
    """A quoted, escaped attribute value (``"..."``), safe in XML and in HTML."""
    return _xml_quoteattr(_NOT_XML.sub("\ufffd", str(value)), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def fmt_number(value: float, digits: int = 1) -> str:
    """``62.0`` -> ``62``, ``62.25`` -> ``62.3``: at most ``digits`` decimals, no trailing zeros."""
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _n(value: float) -> str:
    """A coordinate, compact."""
    return fmt_number(value, 2)


def text_width(text: str, *, size: float = FONT_SIZE, bold: bool = False) -> float:
    """A generous estimate of the rendered width of ``text`` in a sans-serif face."""
    return len(text) * size * (0.6 if bold else 0.55)


def truncate(text: str, room: float, *, size: float = FONT_SIZE, bold: bool = False) -> str:
    """``text``, cut with an ellipsis if its estimated width exceeds ``room`` user units."""
    if text_width(text, size=size, bold=bold) <= room:
        return text
    keep = max(1, int(room / (size * (0.6 if bold else 0.55))) - 1)
    return text[:keep].rstrip() + "…"


def safe_id(text: str) -> str:
    """``text`` reduced to a valid, attribute-safe element id (letters, digits, ``-``, ``_``)."""
    out = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")
    if not out or not out[0].isalpha():
        out = "c-" + out
    return out


def chart_id(*parts: object) -> str:
    """A deterministic element id for a chart built from ``parts`` (unique enough per page)."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:10]
    return f"chart-{digest}"


# ---------------------------------------------------------------------------
# Scales and axes
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LinearScale:
    """Maps a data domain linearly onto a range of user units (either may be reversed)."""

    domain: tuple[float, float]
    range: tuple[float, float]
    clamp: bool = True

    def __call__(self, value: float) -> float:
        d0, d1 = self.domain
        r0, r1 = self.range
        if d1 == d0:
            return r0
        t = (value - d0) / (d1 - d0)
        if self.clamp:
            t = min(1.0, max(0.0, t))
        return r0 + t * (r1 - r0)

    def ticks(self, count: int = 5) -> list[float]:
        return nice_ticks(self.domain[0], self.domain[1], count)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values (steps of 1, 2, 2.5 or 5 times a power of ten) covering ``lo..hi``."""
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        return [lo]
    raw = (hi - lo) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw - 1e-12)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    v = first
    while v <= hi + step * 1e-9:
        ticks.append(round(v, 10))
        v += step
    return ticks


def x_axis(
    scale: LinearScale,
    y: float,
    *,
    top: float | None = None,
    ticks: Sequence[float] | None = None,
    label: str = "",
    fmt=fmt_number,
    palette: type[Palette] = Palette,
) -> str:
    """A horizontal axis at ``y``: tick marks and labels, optional gridlines up to ``top``, a label below."""
    parts = [f'<g class="axis axis-x" font-size="{SMALL_FONT_SIZE}" fill="{palette.muted}">']
    x0, x1 = scale.range
    parts.append(f'<line x1="{_n(x0)}" y1="{_n(y)}" x2="{_n(x1)}" y2="{_n(y)}" stroke="{palette.axis}"/>')
    values = list(ticks) if ticks is not None else scale.ticks()
    for i, v in enumerate(values):
        x = scale(v)
        if top is not None:
            parts.append(
                f'<line class="grid" x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" y2="{_n(y)}" '
                f'stroke="{palette.grid}" stroke-dasharray="2 3"/>'
            )
        parts.append(f'<line x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x)}" y2="{_n(y + 5)}" stroke="{palette.axis}"/>')
        anchor = "middle"
        if i == 0 and x <= x0 + 1:
            anchor = "start"  # keep the end labels inside the chart
        elif i == len(values) - 1 and x >= x1 - 1:
            anchor = "end"
        parts.append(
            f'<text x="{_n(x)}" y="{_n(y + 5 + SMALL_FONT_SIZE + 2)}" text-anchor="{anchor}">{esc(fmt(v))}</text>'
        )
    if label:
        label_y = y + 5 + 2 * SMALL_FONT_SIZE + 10
        parts.append(
            f'<text class="axis-label" x="{_n((x0 + x1) / 2)}" y="{_n(label_y)}" '
            f'text-anchor="middle">{esc(label)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


X_AXIS_HEIGHT = 5 + 2 * SMALL_FONT_SIZE + 16  # tick, labels, axis label and margin


def hatch_pattern(pattern_id: str, palette: type[Palette] = Palette) -> str:
    """A diagonal hatch used for "no data" marks (reference it as ``url(#pattern_id)``)."""
    return (
        f'<pattern id={attr(pattern_id)} width="8" height="8" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)">'
        f'<rect width="8" height="8" fill="{palette.background}"/>'
        f'<line x1="0" y1="0" x2="0" y2="8" stroke="{palette.hatch}" stroke-width="2"/></pattern>'
    )


def svg_document(
    body: str | Iterable[str],
    *,
    ident: str,
    title: str,
    desc: str,
    width: float,
    height: float,
    css_class: str = "chart",
    palette: type[Palette] = Palette,
    defs: str = "",
) -> str:
    """Wrap chart marks in an accessible ``<svg>``: role, title, desc, viewBox, no fixed pixel size."""
    if not isinstance(body, str):
        body = "".join(body)
    title_id, desc_id = f"{ident}-title", f"{ident}-desc"
    return (
        f'<svg xmlns="{SVG_NS}" class={attr(css_class)} id={attr(ident)} role="img" '
        f'aria-labelledby={attr(title_id + " " + desc_id)} viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" '
        f'font-family={attr(FONT_FAMILY)} font-size="{FONT_SIZE}" fill="{palette.text}">'
        f"<title id={attr(title_id)}>{esc(title)}</title>"
        f"<desc id={attr(desc_id)}>{esc(desc)}</desc>"
        + (f"<defs>{defs}</defs>" if defs else "")
        + f'<rect class="background" width="{_n(width)}" height="{_n(height)}" fill="{palette.background}"/>'
        + body
        + "</svg>"
    )


# ---------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------

NOT_ASSESSABLE = "Not assessable"


def bar_chart(
    rows: list[tuple[str, float | None]],
    *,
    title: str,
    max_value: float = 100,
    desc: str | None = None,
    axis_label: str | None = None,
    unit: str = "",
    width: float = DEFAULT_WIDTH,
    ident: str | None = None,
    fmt=fmt_number,
    palette: type[Palette] = Palette,
) -> str:
    """Horizontal bars, one per ``(label, value)``, on a ``0..max_value`` scale.

    Each row shows its label and value as text above the bar. A value of ``None`` is drawn
    as an empty hatched track labelled "Not assessable", never as a zero-length bar.
    """
    if max_value <= 0:
        raise ValueError("max_value must be positive")
    ident = safe_id(ident) if ident else chart_id("bar", title, rows, max_value)
    rows = [(label, None if value is None or not math.isfinite(value) else value) for label, value in rows]
    pad_x, pad_top = 4.0, 8.0
    label_h, bar_h, gap = FONT_SIZE + 6, 18.0, 14.0
    row_h = label_h + bar_h + gap
    scale = LinearScale((0, max_value), (pad_x, width - pad_x))
    pattern_id = f"{ident}-hatch"
    top = pad_top
    axis_y = pad_top + row_h * len(rows) - gap + 8
    height = axis_y + X_AXIS_HEIGHT
    if axis_label is None:
        axis_label = f"Score (0–{fmt(max_value)}{unit})"

    marks: list[str] = []
    described: list[str] = []
    for i, (label, value) in enumerate(rows):
        y = top + i * row_h
        bar_y = y + label_h
        shown = NOT_ASSESSABLE if value is None else f"{fmt(value)}{unit}"
        marks.append(f'<g class="row" data-label={attr(label)}>')
        room = width - 2 * pad_x - text_width(shown, bold=True) - 12
        marks.append(f'<text class="label" x="{_n(pad_x)}" y="{_n(y + FONT_SIZE)}">{esc(truncate(label, room))}</text>')
        marks.append(
            f'<text class="value" x="{_n(width - pad_x)}" y="{_n(y + FONT_SIZE)}" text-anchor="end" '
            f'font-weight="bold">{esc(shown)}</text>'
        )
        track_w = scale.range[1] - scale.range[0]
        if value is None:
            marks.append(
                f'<rect class="bar not-assessable" data-value="none" x="{_n(pad_x)}" '
                f'y="{_n(bar_y)}" width="{_n(track_w)}" height="{_n(bar_h)}" '
                f'fill="url(#{pattern_id})" '
                f'stroke="{palette.outline}" stroke-dasharray="4 3"/>'
            )
            described.append(f"{label}: not assessable")
        else:
            marks.append(
                f'<rect class="track" x="{_n(pad_x)}" y="{_n(bar_y)}" width="{_n(track_w)}" '
                f'height="{_n(bar_h)}" fill="{palette.track}"/>'
            )
            bar_w = max(0.0, scale(value) - scale.range[0])
            marks.append(
                f'<rect class="bar" data-value={attr(fmt(value))} x="{_n(pad_x)}" y="{_n(bar_y)}" '
                f'width="{_n(bar_w)}" height="{_n(bar_h)}" fill="{palette.bar}"/>'
            )
            described.append(f"{label}: {fmt(value)}{unit} of {fmt(max_value)}{unit}")
        marks.append("</g>")
    axis = x_axis(scale, axis_y, top=pad_top, label=axis_label, fmt=fmt, palette=palette)
    if desc is None:
        desc = ("; ".join(described) + ".") if described else "No data."
    return svg_document(
        [axis, *marks],
        ident=ident,
        title=title,
        desc=desc,
        width=width,
        height=height,
        css_class="chart bar-chart",
        palette=palette,
        defs=hatch_pattern(pattern_id, palette),
    )


def level_meter(
    level: int | None,
    levels: list[tuple[int, str]],
    *,
    title: str | None = None,
    desc: str | None = None,
    width: float = 320,
    ident: str | None = None,
    palette: type[Palette] = Palette,
) -> str:
    """A staircase of maturity levels, lowest at the bottom; steps up to ``level`` are filled.

    The current step is filled darkest, its label is bold and says "this site" (when it fits);
    steps not reached have a dashed outline, so the state does not rely on colour alone.

    ``level=None`` (not assessable) draws every step open and hatched and says so in words.
    """
    levels = sorted(levels)
    ident = safe_id(ident) if ident else chart_id("meter", level, levels)
    pattern_id = f"{ident}-hatch"
    top_level = levels[-1][0] if levels else 0
    if title is None:
        if level is None:
            title = "Maturity level: not assessable"
        else:
            name = dict(levels).get(level, "")
            title = f"Maturity level {level} of {top_level}" + (f": {name}" if name else "")
    step_h, gap, pad = 26.0, 6.0, 4.0
    block_min, block_max = 24.0, 68.0
    text_x = block_max + pad + 10
    n = len(levels)
    height = pad * 2 + n * step_h + max(0, n - 1) * gap
    marks: list[str] = []
    for i, (number, name) in enumerate(reversed(levels)):
        y = pad + i * (step_h + gap)
        frac = (number - 1) / (top_level - 1) if top_level > 1 else 1.0
        w = block_min + frac * (block_max - block_min)
        x = pad
        reached = level is not None and number <= level
        current = level is not None and number == level
        if level is None:
            fill, stroke = f"url(#{pattern_id})", palette.outline
        elif reached:
            fill = stroke = palette.current if current else palette.reached
        else:
            fill, stroke = palette.open, palette.outline
        state = "current" if current else ("reached" if reached else ("unknown" if level is None else "open"))
        marks.append(f'<g class="step {state}" data-level="{number}">')
        dash = ' stroke-dasharray="4 3"' if not reached else ""
        marks.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(step_h)}" rx="3" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/>'
        )
        label = f"{number} · {name}" if name else f"Level {number}"
        room = width - pad - text_x
        if current and text_width(label + " ◀ this site", bold=True) <= room:
            label += " ◀ this site"
        label = truncate(label, room, bold=current)
        weight = ' font-weight="bold"' if current else ""
        fill_text = palette.text if (current or reached) else palette.muted
        marks.append(
            f'<text x="{_n(text_x)}" y="{_n(y + step_h / 2 + FONT_SIZE / 2 - 2)}" '
            f'fill="{fill_text}"{weight}>{esc(label)}</text>'
        )
        marks.append("</g>")
    named = ", ".join(f"{k} {v}".strip() for k, v in levels)
    if desc is not None:
        pass
    elif level is None:
        desc = f"The level could not be assessed. Levels, lowest first: {named}."
    else:
        desc = f"Level {level} of {top_level} reached. Levels, lowest first: {named}."
    return svg_document(
        marks,
        ident=ident,
        title=title,
        desc=desc,
        width=width,
        height=height,
        css_class="chart level-meter",
        palette=palette,
        defs=hatch_pattern(pattern_id, palette),
    )


# ---------------------------------------------------------------------------
# Trends and distributions (history and the scorecard site)
# ---------------------------------------------------------------------------

SERIES_COLOURS = ("#1a4480", "#a23c00", "#1a6b2f", "#6b2c91", "#a4161a", "#3d4551")
"""Line colours, each at least 4.5:1 on white; every series also has its own marker shape and dash."""
SERIES_MARKERS = ("circle", "square", "triangle", "diamond", "cross", "circle-open")
SERIES_DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 3")


def _marker(shape: str, x: float, y: float, colour: str, size: float = 5.0) -> str:
    s = size
    if shape == "square":
        return f'<rect x="{_n(x - s)}" y="{_n(y - s)}" width="{_n(2 * s)}" height="{_n(2 * s)}" fill="{colour}"/>'
    if shape == "triangle":
        pts = f"{_n(x)},{_n(y - s - 1)} {_n(x + s + 1)},{_n(y + s)} {_n(x - s - 1)},{_n(y + s)}"
        return f'<polygon points="{pts}" fill="{colour}"/>'
    if shape == "diamond":
        pts = f"{_n(x)},{_n(y - s - 1)} {_n(x + s + 1)},{_n(y)} {_n(x)},{_n(y + s + 1)} {_n(x - s - 1)},{_n(y)}"
        return f'<polygon points="{pts}" fill="{colour}"/>'
    if shape == "cross":
        return (
            f'<path d="M{_n(x - s)} {_n(y - s)}L{_n(x + s)} {_n(y + s)}'
            f'M{_n(x + s)} {_n(y - s)}L{_n(x - s)} {_n(y + s)}" '
            f'stroke="{colour}" stroke-width="2.5" fill="none"/>'
        )
    if shape == "circle-open":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(s)}" fill="#ffffff" stroke="{colour}" stroke-width="2.5"/>'
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(s)}" fill="{colour}"/>'


def _x_label_layout(
    xs: Sequence[float], widths: Sequence[float], width: float, gap: float = 6
) -> list[tuple[int, str]]:
    """Which x labels to print, and anchored how, so that no two overlap.

    Each label is centred on its point, except that the first starts and the last ends at its
    point when centring would push it off the chart. The last label is always printed; the
    others are taken at the smallest regular step at which none touches its neighbour or the
    last one (the extents are measured after anchoring, so an anchored end label is not
    mistaken for a centred one)."""
    n = len(xs)
    if n == 0:
        return []

    def extent(i: int) -> tuple[str, float, float]:
        x, half = xs[i], widths[i] / 2
        if n > 1 and i == 0 and x - half < 2:
            return "start", x, x + widths[i]
        if n > 1 and i == n - 1 and x + half > width - 2:
            return "end", x - widths[i], x
        return "middle", x - half, x + half

    last = extent(n - 1)
    for step in range(1, n + 1):
        picked = [i for i in range(0, n - 1, step) if extent(i)[2] + gap <= last[1]]
        spans = [extent(i) for i in picked]
        if all(b[1] >= a[2] + gap for a, b in itertools.pairwise(spans)):
            return [(i, extent(i)[0]) for i in picked] + [(n - 1, last[0])]
    return [(n - 1, last[0])]


def line_chart(
    series: Sequence[tuple[str, Sequence[float | None]]],
    x_labels: Sequence[str],
    *,
    title: str,
    desc: str | None = None,
    y_min: float = 0,
    y_max: float = 100,
    y_label: str = "Score (0–100)",
    bands: Sequence[tuple[float, str]] = (),
    unit: str = "",
    width: float = DEFAULT_WIDTH,
    plot_height: float = 170,
    ident: str | None = None,
    fmt=fmt_number,
    palette: type[Palette] = Palette,
    intervals: Sequence[Sequence[tuple[float, float] | None]] | None = None,
) -> str:
    """Lines over runs: one series per ``(name, values)``, one value per x label (oldest first).
    ``intervals`` (one list per series, one ``(low, high)`` or None per point) draws each point's
    interval as a whisker with caps, and the desc gives it in words.

    Points are evenly spaced (one per run). ``None`` leaves a gap, never a zero. Each series has
    its own colour, marker shape and dash, and a legend names them below the plot, so no series
    is told apart by colour alone (a single series needs no legend). ``bands`` shades the plot in
    horizontal bands, each ``(lower bound, label)`` running up to the next bound, labelled in a
    right margin (``[(0, "L1"), (50, "L2"), ...]``: the score each maturity level needs).
    The desc states every value in words; pair the chart with a data table for the full detail.
    """
    if y_max <= y_min:
        raise ValueError("y_max must be above y_min")
    ident = safe_id(ident) if ident else chart_id("line", title, series, x_labels)
    n = len(x_labels)
    series = [(name, [None if v is None or not math.isfinite(v) else v for v in values]) for name, values in series]
    for name, values in series:
        if len(values) != n:
            raise ValueError(f"series {name!r} has {len(values)} values for {n} x labels")
    ticks = nice_ticks(y_min, y_max, 5)
    tick_w = max((text_width(fmt(t), size=SMALL_FONT_SIZE) for t in ticks), default=0)
    band_w = max((text_width(label, size=SMALL_FONT_SIZE) for _, label in bands), default=0)
    left, top = 6 + tick_w + 6, 12.0
    right = width - (band_w + 12 if bands else 10)
    bottom = top + plot_height
    ys = LinearScale((y_min, y_max), (bottom, top))
    inner = 14.0 if n > 1 else 0.0
    if n > 1:

        def x_of(i: int) -> float:
            return left + inner + i * (right - left - 2 * inner) / (n - 1)
    else:

        def x_of(i: int) -> float:
            return (left + right) / 2

    parts: list[str] = []
    if bands:
        edges = sorted((max(y_min, lo), label) for lo, label in bands if lo < y_max)
        parts.append(f'<g class="bands" font-size="{SMALL_FONT_SIZE}" fill="{palette.muted}">')
        for i, (lo, label) in enumerate(edges):
            hi = edges[i + 1][0] if i + 1 < len(edges) else y_max
            y_lo, y_hi = ys(lo), ys(hi)
            if i % 2:
                parts.append(
                    f'<rect x="{_n(left)}" y="{_n(y_hi)}" width="{_n(right - left)}" height="{_n(y_lo - y_hi)}" '
                    f'fill="{palette.track}"/>'
                )
            if lo > y_min:
                parts.append(
                    f'<line x1="{_n(left)}" y1="{_n(y_lo)}" x2="{_n(right + 4)}" y2="{_n(y_lo)}" '
                    f'stroke="{palette.grid}" stroke-dasharray="5 4"/>'
                )
            if y_lo - y_hi >= SMALL_FONT_SIZE:  # room for the label inside its band
                parts.append(
                    f'<text class="band-label" x="{_n(right + 6)}" y="{_n((y_lo + y_hi) / 2 + SMALL_FONT_SIZE / 3)}">'
                    f"{esc(label)}</text>"
                )
        parts.append("</g>")
    parts.append(f'<g class="grid" font-size="{SMALL_FONT_SIZE}" fill="{palette.muted}">')
    for t in ticks:
        y = ys(t)
        if not bands:
            parts.append(f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(right)}" y2="{_n(y)}" stroke="{palette.track}"/>')
        parts.append(
            f'<text x="{_n(left - 6)}" y="{_n(y + SMALL_FONT_SIZE / 3)}" text-anchor="end">{esc(fmt(t))}</text>'
        )
    parts.append("</g>")
    parts.append(
        f'<line class="axis" x1="{_n(left)}" y1="{_n(bottom)}" x2="{_n(right)}" y2="{_n(bottom)}" '
        f'stroke="{palette.axis}"/>'
        f'<line class="axis" x1="{_n(left)}" y1="{_n(top)}" x2="{_n(left)}" y2="{_n(bottom)}" stroke="{palette.axis}"/>'
    )
    # x labels, thinned so they never overlap
    shown = _x_label_layout(
        [x_of(i) for i in range(n)], [text_width(lbl, size=SMALL_FONT_SIZE) for lbl in x_labels], width
    )
    parts.append(f'<g class="axis axis-x" font-size="{SMALL_FONT_SIZE}" fill="{palette.muted}">')
    for i, anchor in shown:
        x = x_of(i)
        parts.append(
            f'<line x1="{_n(x)}" y1="{_n(bottom)}" x2="{_n(x)}" y2="{_n(bottom + 5)}" stroke="{palette.axis}"/>'
        )
        parts.append(
            f'<text x="{_n(x)}" y="{_n(bottom + 5 + SMALL_FONT_SIZE + 2)}" text-anchor="{anchor}">'
            f"{esc(x_labels[i])}</text>"
        )
    parts.append("</g>")
    # the lines
    described = []
    for s, (name, values) in enumerate(series):
        colour = SERIES_COLOURS[s % len(SERIES_COLOURS)]
        shape = SERIES_MARKERS[s % len(SERIES_MARKERS)]
        dash = SERIES_DASHES[s % len(SERIES_DASHES)]
        parts.append(f'<g class="series" data-series={attr(name)}>')
        run: list[str] = []
        segments: list[list[str]] = []
        for i, v in enumerate(values):
            if v is None:
                if run:
                    segments.append(run)
                run = []
                continue
            run.append(f"{_n(x_of(i))},{_n(ys(v))}")
        if run:
            segments.append(run)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for seg in segments:
            if len(seg) > 1:
                parts.append(
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" stroke-width="2.5" '
                    f'stroke-linejoin="round"{dash_attr}/>'
                )
        spans = list(intervals[s]) if intervals is not None and s < len(intervals) else [None] * n
        for i, v in enumerate(values):
            span = spans[i] if i < len(spans) else None
            if v is not None and span is not None:
                x, y_lo, y_hi = x_of(i), ys(max(y_min, span[0])), ys(min(y_max, span[1]))
                parts.append(
                    f'<path class="whisker" d="M{_n(x)},{_n(y_lo)}V{_n(y_hi)}M{_n(x - 4)},{_n(y_lo)}H{_n(x + 4)}'
                    f'M{_n(x - 4)},{_n(y_hi)}H{_n(x + 4)}" stroke="{colour}" stroke-width="1.5" fill="none"/>'
                )
            if v is not None:
                parts.append(
                    f'<g class="point" data-x={attr(x_labels[i])} data-value={attr(fmt(v))}>'
                    + _marker(shape, x_of(i), ys(v), colour)
                    + "</g>"
                )
        parts.append("</g>")

        said = []
        for i, v in enumerate(values):
            span = spans[i] if i < len(spans) else None
            if v is None:
                said.append(f"{x_labels[i]}: no figure")
                continue
            extra = f" (interval {fmt(span[0])} to {fmt(span[1])}{unit})" if span is not None else ""
            said.append(f"{x_labels[i]}: {fmt(v)}{unit}{extra}")
        words = ", ".join(said)
        described.append(f"{name}: {words}")
    # legend below the x labels, one row per series
    legend_top = bottom + 5 + SMALL_FONT_SIZE + 14
    row_h = FONT_SIZE + 8
    if y_label:
        parts.append(
            f'<text class="axis-label" x="{_n(left)}" y="{_n(legend_top + SMALL_FONT_SIZE)}" '
            f'font-size="{SMALL_FONT_SIZE}" fill="{palette.muted}">{esc(y_label)}</text>'
        )
        legend_top += row_h
    if len(series) > 1:
        parts.append('<g class="legend">')
        for s, (name, _) in enumerate(series):
            colour = SERIES_COLOURS[s % len(SERIES_COLOURS)]
            dash = SERIES_DASHES[s % len(SERIES_DASHES)]
            y = legend_top + s * row_h + row_h / 2
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(left + 30)}" y2="{_n(y)}" stroke="{colour}" '
                f'stroke-width="2.5"{dash_attr}/>'
                + _marker(SERIES_MARKERS[s % len(SERIES_MARKERS)], left + 15, y, colour)
                + f'<text x="{_n(left + 40)}" y="{_n(y + FONT_SIZE / 3)}">'
                f"{esc(truncate(name, right - left - 40))}</text>"
            )
        parts.append("</g>")
        legend_top += len(series) * row_h
    height = legend_top + 6
    if desc is None:
        desc = ("; ".join(described) + ".") if described else "No data."
    return svg_document(
        parts,
        ident=ident,
        title=title,
        desc=desc,
        width=width,
        height=height,
        css_class="chart line-chart",
        palette=palette,
    )


def integer_ticks(top: float, count: int = 5) -> list[float]:
    """Whole-number ticks from 0 covering ``top`` in steps of 1, 2 or 5 times a power of ten."""
    top = max(1.0, float(top))
    raw = top / max(1, count - 1)
    power = 10 ** max(0, math.floor(math.log10(raw))) if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    last = math.ceil(top / step) * step
    return [float(v) for v in range(0, int(last) + 1, int(step))]


def count_chart(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    desc: str | None = None,
    axis_label: str = "",
    unit: str = "",
    width: float = DEFAULT_WIDTH,
    ident: str | None = None,
    palette: type[Palette] = Palette,
) -> str:
    """Horizontal bars for counts (agencies per level, ...): whole-number ticks, the count printed
    at the end of each row, the label above its bar."""
    ident = safe_id(ident) if ident else chart_id("counts", title, rows)
    ticks = integer_ticks(max((v for _, v in rows), default=0))
    pad_x, pad_top = 4.0, 8.0
    label_h, bar_h, gap = FONT_SIZE + 6, 18.0, 12.0
    row_h = label_h + bar_h + gap
    scale = LinearScale((0, ticks[-1]), (pad_x, width - pad_x))
    axis_y = pad_top + row_h * len(rows) - gap + 8
    marks: list[str] = []
    described = []
    for i, (label, value) in enumerate(rows):
        y = pad_top + i * row_h
        shown = f"{fmt_number(value)}{unit}"
        room = width - 2 * pad_x - text_width(shown, bold=True) - 12
        marks.append(f'<g class="row" data-label={attr(label)} data-value={attr(fmt_number(value))}>')
        marks.append(f'<text class="label" x="{_n(pad_x)}" y="{_n(y + FONT_SIZE)}">{esc(truncate(label, room))}</text>')
        marks.append(
            f'<text class="value" x="{_n(width - pad_x)}" y="{_n(y + FONT_SIZE)}" text-anchor="end" '
            f'font-weight="bold">{esc(shown)}</text>'
        )
        track_w = scale.range[1] - scale.range[0]
        marks.append(
            f'<rect class="track" x="{_n(pad_x)}" y="{_n(y + label_h)}" width="{_n(track_w)}" '
            f'height="{_n(bar_h)}" fill="{palette.track}"/>'
        )
        marks.append(
            f'<rect class="bar" x="{_n(pad_x)}" y="{_n(y + label_h)}" '
            f'width="{_n(max(0.0, scale(value) - pad_x))}" height="{_n(bar_h)}" fill="{palette.bar}"/>'
        )
        marks.append("</g>")
        described.append(f"{label}: {shown}")
    axis = x_axis(scale, axis_y, top=pad_top, ticks=ticks, label=axis_label, palette=palette)
    if desc is None:
        desc = ("; ".join(described) + ".") if described else "No data."
    return svg_document(
        [axis, *marks],
        ident=ident,
        title=title,
        desc=desc,
        width=width,
        height=axis_y + X_AXIS_HEIGHT,
        css_class="chart count-chart",
        palette=palette,
    )
