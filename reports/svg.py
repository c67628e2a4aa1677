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


def esc(text: object) -> str:
    """Escape text for an SVG/XML/HTML text node (``&``, ``<``, ``>`` and quotes)."""
    return _xml_escape(str(text), {'"': "&quot;", "'": "&#x27;"})


def attr(value: object) -> str:
    """A quoted, escaped attribute value (``"..."``), safe in XML and in HTML."""
    return _xml_quoteattr(str(value), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


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
