"""Frame timing and loop counts read from GIF, APNG and WebP bytes written here (crawlers/animation.py)."""

from __future__ import annotations

import struct
import zlib

from sites import gif

from crawlers.animation import timing

BW = [(0, 0, 0), (255, 255, 255)]


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def apng(delays: list[tuple[int, int]], plays: int, *, animated: bool = True) -> bytes:
    """A 1 × 1 PNG; with ``animated``, an acTL chunk and one fcTL chunk per (numerator, denominator) delay."""
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    if animated:
        out += chunk(b"acTL", struct.pack(">II", len(delays), plays))
    pixels = zlib.compress(b"\x00\x00\x00\x00")
    for i, (num, den) in enumerate(delays if animated else [(0, 0)]):
        if animated:
            out += chunk(b"fcTL", struct.pack(">IIIIIHHBB", i, 1, 1, 0, 0, num, den, 0, 0))
        out += chunk(b"IDAT", pixels) if i == 0 else chunk(b"fdAT", struct.pack(">I", i) + pixels)
    return out + chunk(b"IEND", b"")


def webp(durations: list[int], loops: int, *, animated: bool = True) -> bytes:
    def part(kind: bytes, body: bytes) -> bytes:
        return kind + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) % 2 else b"")

    body = part(b"VP8X", bytes([0x02 if animated else 0, 0, 0, 0]) + (0).to_bytes(3, "little") * 2)
    if animated:
        body += part(b"ANIM", b"\xff\xff\xff\xff" + struct.pack("<H", loops))
        for ms in durations:
            header = (0).to_bytes(3, "little") * 4 + ms.to_bytes(3, "little") + b"\x00"
            body += part(b"ANMF", header + part(b"VP8L", b"\x2f\x00\x00\x00\x00"))
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


def test_gif_loops_frames_and_delays():
    forever = timing(gif(BW, [0, 1], 50, 0))
    assert (forever.format, forever.frames, forever.loop_ms, forever.plays, forever.total_seconds) == (
        "gif",
        2,
        1000,
        None,
        None,
    )
    once = timing(gif([*BW, (9, 9, 9)], [0, 1, 2], 50, None))  # no NETSCAPE2.0 extension: played once
    assert once.animated and once.plays == 1 and once.total_seconds == 1.5
    repeated = timing(gif(BW, [0, 1], 50, 3))  # 3 repetitions after the first play
    assert repeated.plays == 4 and repeated.total_seconds == 4.0
    fast = timing(gif(BW, [0, 1], 0, 0))  # "as fast as possible" plays at 100 ms a frame
    assert fast.loop_ms == 200
    still = timing(gif(BW, [0], 50, 0))
    assert not still.animated and still.frames == 1


def test_apng_and_webp_loops_frames_and_delays():
    moving = timing(apng([(1, 2), (500, 1000), (0, 0)], 0))  # 0.5 s, 0.5 s, and a 0 delay shown as 100 ms
    assert (moving.format, moving.frames, moving.loop_ms, moving.plays) == ("apng", 3, 1100, None)
    twice = timing(apng([(1, 1), (1, 1)], 2))
    assert twice.total_seconds == 4.0
    still = timing(apng([], 0, animated=False))
    assert (still.format, still.animated, still.error) == ("png", False, None)
    w = timing(webp([400, 400, 5], 0))
    assert (w.format, w.frames, w.loop_ms, w.plays) == ("webp", 3, 900, None)
    assert timing(webp([1000, 1000, 1000], 1)).total_seconds == 3.0
    assert not timing(webp([], 0, animated=False)).animated


def test_what_cannot_be_read_is_an_error_never_a_still_image():
    whole = gif(BW, [0, 1], 50, 0)
    for cut in (whole[:20], whole[:-1]):
        t = timing(cut)
        assert t.error is not None and not t.animated and t.format == "gif"
    truncated = timing(apng([(1, 2), (1, 2)], 0)[:60])
    assert truncated.error is not None and truncated.format == "png"
    assert timing(b"\xff\xd8\xff\xe0 a JPEG").error == "not a GIF, PNG or WebP image"
    whole_webp = webp([400, 400], 0)
    assert timing(whole_webp[:40]).error is not None
    assert timing(whole_webp[:44]).error is not None  # cut between two chunks: still short of its RIFF size
