"""Frame timing and loop counts of GIF, APNG and WebP bytes made here (crawlers/animation.py, Pillow).

The GIFs come from two writers: tests/sites.py's own (the bytes the barrier fixtures serve) and
Pillow's; APNG and WebP from Pillow's (``save_all=True``, a duration per frame, a loop count)."""

from __future__ import annotations

import io
import struct

from PIL import Image
from sites import gif

from crawlers.animation import MAX_FRAMES, MAX_PIXELS, timing

BW = [(0, 0, 0), (255, 255, 255)]


def saved(fmt: str, durations: list[int], size: tuple[int, int] = (4, 4), **options: object) -> bytes:
    """An image of one frame per duration (ms), each a different colour, written by Pillow."""
    frames = [Image.new("RGB", size, (i * 70 % 256, i * 30 % 256, 90)) for i in range(len(durations))]
    out = io.BytesIO()
    frames[0].save(out, fmt, save_all=True, append_images=frames[1:], duration=durations, **options)
    return out.getvalue()


def saved_frames(fmt: str, frames: list[Image.Image], durations: list[int]) -> bytes:
    out = io.BytesIO()
    frames[0].save(out, fmt, save_all=True, append_images=frames[1:], duration=durations, loop=0)
    return out.getvalue()


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
    twice_more = timing(saved("GIF", [500, 500], loop=2))  # 2 repetitions after the first play
    assert (twice_more.frames, twice_more.plays, twice_more.total_seconds) == (2, 3, 3.0)
    repeated = timing(gif(BW, [0, 1], 50, 3))
    assert repeated.plays == 4 and repeated.total_seconds == 4.0
    fast = timing(gif(BW, [0, 1], 0, 0))  # "as fast as possible" plays at 100 ms a frame
    assert fast.loop_ms == 200
    mixed = timing(saved("GIF", [10, 20, 500], loop=0))  # 10 ms shows as 100 ms, 20 ms as itself
    assert (mixed.frames, mixed.loop_ms) == (3, 620)
    still = timing(gif(BW, [0], 50, 0))
    assert not still.animated and still.frames == 1 and still.error is None


def test_apng_and_webp_loops_frames_and_delays():
    moving = timing(saved("PNG", [500, 500, 0], loop=0))  # a 0 delay shown as 100 ms
    assert (moving.format, moving.frames, moving.loop_ms, moving.plays) == ("apng", 3, 1100, None)
    twice = timing(saved("PNG", [1000, 1000], loop=2))  # num_plays 2: two plays in all
    assert (twice.plays, twice.total_seconds) == (2, 4.0)
    # an APNG whose default image is not part of the animation: Chromium plays the other two frames
    out = io.BytesIO()
    red, green, blue = (Image.new("RGB", (4, 4), c) for c in ("red", "green", "blue"))
    red.save(out, "PNG", save_all=True, append_images=[green, blue], default_image=True, duration=[700, 700], loop=1)
    hidden = timing(out.getvalue())
    assert (hidden.format, hidden.frames, hidden.loop_ms, hidden.plays) == ("apng", 2, 1400, 1)
    still_png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(still_png, "PNG")
    still = timing(still_png.getvalue())
    assert (still.format, still.animated, still.error) == ("png", False, None)
    w = timing(saved("WEBP", [400, 400, 5], loop=0))
    assert (w.format, w.frames, w.loop_ms, w.plays) == ("webp", 3, 900, None)
    assert timing(saved("WEBP", [1000, 1000, 1000], loop=1)).total_seconds == 3.0
    assert timing(saved("WEBP", [1000, 1000], loop=3)).plays == 3
    still_webp = io.BytesIO()
    Image.new("RGB", (4, 4)).save(still_webp, "WEBP")
    assert (timing(still_webp.getvalue()).format, timing(still_webp.getvalue()).animated) == ("webp", False)


def test_each_frame_is_described_by_what_it_shows_for_flashes():
    # the browser's sampler gives #f00 and rgb(124, 124, 124) these (tests/test_checks.py RED and GREY)
    red = timing(gif([(255, 0, 0), (124, 124, 124)], [0, 1], 10, 0))
    assert red.states == ((100, 0.213, 1.0, 0.451, 0.523), (100, 0.202, 0.333, 0.198, 0.468))
    black_white = timing(gif(BW, [0, 1, 0], 4, None))  # 40 ms frames
    assert [s[:2] for s in black_white.states] == [(40, 0.0), (40, 1.0), (40, 0.0)]
    assert black_white.states[0][2:] == (0.0, 0.198, 0.468)  # black: the white point's chromaticity (rounded)
    # a transparent frame shows the white page behind it; half transparent black is half way
    clear = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    half = Image.new("RGBA", (4, 4), (0, 0, 0, 128))
    states = timing(saved_frames("PNG", [clear, half], [100, 100])).states
    assert [s[1] for s in states] == [1.0, round(127 / 255, 3)]
    # frames of the first 3 s of a play, at most 200 of them
    long = timing(gif(BW, [0, 1] * 40, 10, 0))  # 80 frames of 100 ms: 8 s a play
    assert long.frames == 80 and len(long.states) == 30 and sum(s[0] for s in long.states) == 3000
    many = timing(saved("GIF", [20] * 300, size=(2, 2)))
    assert many.frames == 300 and len(many.states) == 150  # 150 frames of 20 ms make 3 s
    still = timing(saved("GIF", [100]))
    assert not still.animated and still.states == ()


def test_what_cannot_be_read_is_an_error_never_a_still_image():
    whole = gif(BW, [0, 1], 50, 0)
    for cut in (whole[:20], whole[:-5]):  # in the colour table; in the second frame's image data
        t = timing(cut)
        assert t.error is not None and t.error.startswith("could not be read") and not t.animated
        assert t.format == "gif"
    apng = saved("PNG", [500, 500], loop=0)
    truncated = timing(apng[:100])  # inside the first frame's image data
    assert truncated.error is not None and not truncated.animated and truncated.format == "png"
    whole_webp = saved("WEBP", [400, 400], loop=0)
    for cut in (whole_webp[:40], whole_webp[: len(whole_webp) // 2]):
        t = timing(cut)
        assert t.error is not None and t.format == "webp" and not t.animated
    assert timing(b"\xff\xd8\xff\xe0 a JPEG").error == "not a GIF, PNG or WebP image"
    assert timing(b"GIF89a" + bytes(200)).error is not None  # a GIF signature, then nothing sensible


def test_hostile_images_are_bounded():
    # a canvas past MAX_PIXELS: Pillow's decompression-bomb guard, an error and not a still image
    side = int(MAX_PIXELS**0.5) + 100
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, "PNG")
    bomb = timing(out.getvalue())
    assert bomb.error is not None and bomb.error.startswith("too large to decode") and not bomb.animated
    # frames × canvas past MAX_PIXELS: refused before decoding any frame
    many = timing(saved("GIF", [100] * 30, size=(1000, 1000), loop=0))
    assert many.error is not None and "30 frames of 1000 × 1000 px" in many.error
    # a GIF frame far larger than its 1 × 1 canvas (Pillow enlarges the canvas to show it): refused
    descriptor = b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0)
    small = gif(BW, [0, 1], 50, 0)
    second = small.index(descriptor, small.index(descriptor) + 1)
    grown = small[:second] + b"\x2c" + struct.pack("<HHHHB", 0, 0, 6000, 6000, 0) + small[second + 10 :]
    grown_timing = timing(grown)
    assert grown_timing.error is not None and grown_timing.error.startswith("too large to decode")
    # past MAX_FRAMES frames, the first MAX_FRAMES are timed: a lower bound of at least 11 s a play
    long = timing(gif(BW, [0, 1] * (MAX_FRAMES // 2 + 10), 2, 0))
    assert long.frames == MAX_FRAMES + 20 and long.loop_ms == MAX_FRAMES * 20 and long.error is None
