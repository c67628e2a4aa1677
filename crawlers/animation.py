"""How long an animated image plays, read from its bytes: GIF, APNG and animated WebP.

Pure Python, no decoding of pixels: only the container's frame timing and loop count are read
(GIF's graphic control and NETSCAPE2.0 extensions, APNG's acTL and fcTL chunks, WebP's ANIM and ANMF
chunks). The play time of one loop is the sum of the frame delays, each as Chromium shows it: a delay
of 10 ms or less plays as 100 ms (Blink treats such frames so, as Firefox does, for images that ask
for "as fast as possible"). The loop count follows each format's specification:

- GIF: no NETSCAPE2.0 application extension, one play; with it, a loop count of 0 plays forever and
  n plays n + 1 times (the count is of repetitions; Blink's ``repetitionCount``);
- APNG (W3C PNG 3rd edition, acTL ``num_plays``): 0 forever, n plays n times;
- WebP (RFC 9649, ANIM ``Loop Count``): 0 forever, n plays n times.

An image that cannot be read (truncated, malformed, another format) gives an ``error``, never a
play time: a check must not call it still.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

MIN_DELAY_MS = 11  # delays below this play as DEFAULT_DELAY_MS in Chromium (and Firefox)
DEFAULT_DELAY_MS = 100


@dataclass(frozen=True)
class Timing:
    format: str  # "gif", "apng", "webp", "png" (still), "other"
    frames: int = 1
    loop_ms: float = 0  # one play of all frames
    plays: int | None = 1  # None: forever
    error: str | None = None

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
    """The frame timing of an image's bytes (the format is told by its signature, not its name)."""
    try:
        if data[:6] in (b"GIF87a", b"GIF89a"):
            return _gif(data)
        if data[:8] == b"\x89PNG\r\n\x1a\n":
            return _png(data)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _webp(data)
    except (IndexError, struct.error, ValueError) as exc:
        fmt = "gif" if data[:3] == b"GIF" else "png" if data[1:4] == b"PNG" else "webp"
        return Timing(format=fmt, error=f"malformed: {type(exc).__name__}")
    return Timing(format="other", error="not a GIF, PNG or WebP image")


def _gif(data: bytes) -> Timing:
    pos = 13
    packed = data[10]
    if packed & 0x80:
        pos += 3 * (2 ** ((packed & 7) + 1))
    frames, loop, plays = 0, 0.0, 1
    delay = 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated")
        block = data[pos]
        if block == 0x3B:  # trailer
            break
        if block == 0x21:  # extension: label, then sub-blocks
            label = data[pos + 1]
            pos += 2
            first = True
            while True:
                size = data[pos]
                if size == 0:
                    pos += 1
                    break
                body = data[pos + 1 : pos + 1 + size]
                if len(body) < size:
                    raise ValueError("truncated")
                if first and label == 0xF9 and size >= 4:
                    delay = struct.unpack("<H", body[1:3])[0] * 10
                if label == 0xFF and first and body[:11] in (b"NETSCAPE2.0", b"ANIMEXTS1.0"):
                    following = data[pos + 1 + size :]
                    if len(following) >= 4 and following[0] >= 3 and following[1] == 1:
                        count = struct.unpack("<H", following[2:4])[0]
                        plays = 0 if count == 0 else count + 1
                first = False
                pos += 1 + size
        elif block == 0x2C:  # image descriptor: a frame
            inner = data[pos + 9]
            pos += 10
            if inner & 0x80:
                pos += 3 * (2 ** ((inner & 7) + 1))
            pos += 1  # LZW minimum code size
            while True:
                size = data[pos]
                pos += 1 + size
                if size == 0:
                    break
            frames += 1
            loop += shown_delay(delay)
            delay = 0
        else:
            raise ValueError(f"unknown block 0x{block:02x}")
    if frames == 0:
        raise ValueError("no frames")
    return Timing(format="gif", frames=frames, loop_ms=loop if frames > 1 else 0, plays=None if plays == 0 else plays)


def _png(data: bytes) -> Timing:
    pos = 8
    frames, plays, loop = 0, 1, 0.0
    animated = False
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if len(body) < length:
            raise ValueError("truncated")
        if kind == b"acTL":
            animated = True
            frames, plays = struct.unpack(">II", body[:8])
        elif kind == b"fcTL":
            num, den = struct.unpack(">HH", body[20:24])
            loop += shown_delay(num * 1000 / (den or 100))
        elif kind == b"IDAT" and not animated:
            return Timing(format="png")  # acTL must come before the image data: a still PNG
        elif kind == b"IEND":
            break
        pos += 12 + length
    else:
        raise ValueError("truncated")
    if not animated:
        return Timing(format="png")
    return Timing(format="apng", frames=frames, loop_ms=loop if frames > 1 else 0, plays=None if plays == 0 else plays)


def _webp(data: bytes) -> Timing:
    pos = 12
    frames, plays, loop = 0, 1, 0.0
    animated = False
    end = 8 + struct.unpack("<I", data[4:8])[0]
    if end > len(data):
        raise ValueError("truncated")
    while pos + 8 <= end:
        kind, length = struct.unpack("<4sI", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if len(body) < length:
            raise ValueError("truncated")
        if kind == b"ANIM":
            animated = True
            plays = struct.unpack("<H", body[4:6])[0]
        elif kind == b"ANMF":
            frames += 1
            loop += shown_delay(int.from_bytes(body[12:15], "little"))
        pos += 8 + length + (length & 1)
    if not animated:
        return Timing(format="webp")
    return Timing(format="webp", frames=frames, loop_ms=loop if frames > 1 else 0, plays=None if plays == 0 else plays)
