"""How long an animated image plays, read from its bytes by Pillow: GIF, APNG and animated WebP.

Pillow opens the image (the format is told by its signature, not its name; only its GIF, PNG and
WebP plugins are tried, so no other format's decoder is reachable), says whether it is
animated and how many frames it has, and gives each frame's delay (``info["duration"]``, in ms) as it
seeks to the frame, which decodes the frames before it. The play time of one loop is the sum of the
frame delays, each as Chromium shows it: a delay of 10 ms or less plays as 100 ms (Blink treats such
frames so, as Firefox does, for images that ask for "as fast as possible"). The loop count is Pillow's
``info["loop"]``, read by each format's specification:

- GIF: the NETSCAPE2.0 application extension's count; without it, one play; 0 plays forever and n
  plays n + 1 times (the count is of repetitions; Blink's ``repetitionCount``);
- APNG (W3C PNG 3rd edition, acTL ``num_plays``): 0 forever, n plays n times;
- WebP (RFC 9649, ANIM ``Loop Count``): 0 forever, n plays n times.

Hostile images are bounded: the caller caps the bytes of an image and the images of a page
(crawlers/interact.py); here a canvas of more than ``MAX_PIXELS`` pixels is refused by Pillow's own
decompression-bomb guard, at most ``MAX_FRAMES`` frames are examined, and the frames examined times
the canvas may not pass ``MAX_PIXELS`` either (each seek decodes a whole frame). Past ``MAX_FRAMES``
frames, ``loop_ms`` is the sum of the first ``MAX_FRAMES``: a lower bound, and at least 11 s a play,
since no frame shows for less than 11 ms. An image that cannot be read (truncated, malformed, another
format, too large to decode) gives an ``error``, never a play time: a check must not call it still.

For flashes (WCAG 2.3.1), each frame of the first ``STATES_MS`` of a play (at most ``MAX_STATES``
frames) is also described by what it shows on a white page: the mean relative luminance of a
16 × 16 copy and the colour of its mean sRGB value (R/(R+G+B), CIE 1976 u' v'), as the browser's
motion sampler describes a canvas (crawlers/interact.js ``meanLum`` and ``chroma``). The pure core
counts the flashes (maturity.core.checks.accessibility.flashing); an image's own frames need no
sampling window, and a cross-origin image is read as well as any other.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image

MIN_DELAY_MS = 11  # delays below this play as DEFAULT_DELAY_MS in Chromium (and Firefox)
DEFAULT_DELAY_MS = 100
MAX_FRAMES = 1000  # frames examined; past them the loop is at least 1,000 × 11 ms
MAX_PIXELS = 25_000_000  # the largest canvas, and the most pixels decoded for one image (frames × canvas)

# Pillow warns past this many pixels and refuses twice as many; both are errors here (see timing).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

FORMATS = ("GIF", "PNG", "WEBP")  # the only Pillow plugins tried
STATES_MS = 3000  # frames described for flashes: those shown within the first 3 s of a play
MAX_STATES = 200  # and at most this many
D65 = (0.1978, 0.4683)  # the white point's u', v': black's chromaticity (as crawlers/interact.js)


@dataclass(frozen=True)
class Timing:
    format: str  # "gif", "apng", "webp", "png" (still), "other"
    frames: int = 1
    loop_ms: float = 0  # one play of all frames (of the first MAX_FRAMES: a lower bound past them)
    plays: int | None = 1  # None: forever
    error: str | None = None
    # each frame of the first STATES_MS (at most MAX_STATES): (ms shown, relative luminance on white,
    # R/(R+G+B), u', v') of what it shows
    states: tuple[tuple[float, float, float, float, float], ...] = ()

    @property
    def animated(self) -> bool:
        return self.error is None and self.frames > 1

    @property
    def total_seconds(self) -> float | None:
        """How long it keeps moving: None for forever."""
        if self.plays is None:
            return None
        return self.loop_ms * self.plays / 1000


def shown_delay(ms: float) -> float:
    return DEFAULT_DELAY_MS if ms < MIN_DELAY_MS else ms


def timing(data: bytes) -> Timing:
    """The frame timing of an image's bytes."""
    fmt = _signature(data)
    if fmt == "other":
        return Timing(format=fmt, error="not a GIF, PNG or WebP image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as im:
                return _timing(im, fmt)
    except Image.UnidentifiedImageError:
        return Timing(format=fmt, error=f"could not be read: not a {fmt.upper()} image Pillow can open")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        return Timing(format=fmt, error=f"too large to decode: {exc}")
    except Exception as exc:  # anything a malformed image makes Pillow raise: an error, never a play time
        return Timing(format=fmt, error=f"could not be read: {type(exc).__name__}: {exc}"[:300])


def _signature(data: bytes) -> str:
    """The format its first bytes claim (an error then names it, even when Pillow cannot open it)."""
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return "other"


def _timing(im: Image.Image, fmt: str) -> Timing:
    if not getattr(im, "is_animated", False):
        return Timing(format=fmt)  # its pixels are not decoded: a still image costs nothing
    # An APNG whose IDAT image is not part of the animation (no fcTL before it): Pillow counts it as
    # frame 0, Chromium does not play it.
    first = 1 if getattr(im, "default_image", False) else 0
    frames = int(getattr(im, "n_frames", 1)) - first
    if fmt == "png":
        fmt = "apng"
    if frames <= 1:
        return Timing(format=fmt, frames=max(frames, 1))
    examined = min(frames, MAX_FRAMES)
    width, height = im.size
    if (examined + first) * width * height > MAX_PIXELS:
        return Timing(
            format=fmt,
            error=f"too large to decode: {examined:,} frames of {width} × {height} px, more than {MAX_PIXELS:,} pixels",
        )
    count = im.info.get("loop")
    loop, decoded = 0.0, 0
    states: list[tuple[float, float, float, float, float]] = []
    for i in range(first, first + examined):
        im.seek(i)
        im.load()  # WebP gives a frame's duration once it is decoded
        shown = shown_delay(float(im.info.get("duration") or 0))
        if loop < STATES_MS and len(states) < MAX_STATES:
            states.append((shown, *frame_state(im)))
        loop += shown
        decoded += im.size[0] * im.size[1]  # a GIF frame larger than its canvas enlarges it
        if decoded > MAX_PIXELS:
            return Timing(format=fmt, error=f"too large to decode: its frames grow past {MAX_PIXELS:,} pixels")
    if count is None:  # only a GIF goes without: no NETSCAPE2.0 extension plays once
        plays: int | None = 1
    elif count == 0:
        plays = None
    else:
        plays = int(count) + 1 if fmt == "gif" else int(count)
    return Timing(format=fmt, frames=frames, loop_ms=loop, plays=plays, states=tuple(states))


def _linear(c: float) -> float:
    """An sRGB channel value (0-255) made linear, by WCAG 2.2's definition of relative luminance."""
    v = c / 255
    return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4


LINEAR = tuple(_linear(c) for c in range(256))


def frame_state(im: Image.Image) -> tuple[float, float, float, float]:
    """What the current frame shows on a white page: the mean relative luminance of its pixels (a
    16 × 16 copy; a transparent pixel shows the white behind it) and the colour of their mean sRGB
    value: R/(R+G+B) and CIE 1976 u', v' (black takes the white point's), rounded as the browser's
    sampler rounds them."""
    alpha = "A" in im.getbands() or "transparency" in im.info
    small = im.convert("RGBA" if alpha else "RGB").resize((16, 16), Image.Resampling.BOX)
    data, step = small.tobytes(), 4 if alpha else 3
    count = len(data) // step
    lum, rgb = 0.0, [0.0, 0.0, 0.0]
    for i in range(0, len(data), step):
        r, g, b = data[i], data[i + 1], data[i + 2]
        a = data[i + 3] / 255 if alpha else 1.0
        lum += a * (0.2126 * LINEAR[r] + 0.7152 * LINEAR[g] + 0.0722 * LINEAR[b]) + (1 - a)
        rgb[0] += a * r + (1 - a) * 255
        rgb[1] += a * g + (1 - a) * 255
        rgb[2] += a * b + (1 - a) * 255
    mean = [v / count for v in rgb]
    lin = [_linear(v) for v in mean]
    x = 0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = 0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]
    d, total = x + 15 * y + 3 * z, sum(mean)
    ratio = mean[0] / total if total > 0 else 0.0
    u, v = (4 * x / d, 9 * y / d) if d > 0 else D65
    return round(lum / count, 3), round(ratio, 3), round(u, 3), round(v, 3)
