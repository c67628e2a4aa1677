"""The interactive phase's pure parts (crawlers/interact.py): reading the Tab walk. The phase itself
runs in real Chromium in test_barriers.py."""

from __future__ import annotations

from crawlers.interact import align, find_cycle


def el(key: int, **over: object) -> dict[str, object]:
    return {"kind": "element", "key": key, "selector": f"#e{key}", "text": f"e{key}", **over}


NONE = {"kind": "none"}


def test_the_walk_ends_on_the_frame_that_took_the_keys():
    # 6 presses, but the page saw only 3 key downs: focus went into a frame after the third press
    walk = [el(1), el(2), el(3), el(3)]
    assert align(walk, 6) == [el(1), el(2), el(3), {"kind": "frame", "selector": ""}]
    assert align([el(1), el(2)], 2) == [el(1), el(2)]


def test_a_cycle_is_a_return_before_the_end_of_the_page():
    assert find_cycle([el(1), el(2), el(3), NONE, el(1), el(2)]) is None  # wrapped round the end: no cycle
    cycle = find_cycle([el(1), el(2), el(3), el(2), el(3)])
    assert cycle is not None and cycle["selectors"] == ["#e2", "#e3"] and cycle["keys_in"] == [2, 3]
    stuck = find_cycle([el(1), el(2), el(2)])  # Tab did not move focus
    assert stuck is not None and stuck["selectors"] == ["#e2"]
    modal = find_cycle([el(1, modal=True), el(2, modal=True), el(1, modal=True)])
    assert modal is not None and modal["modal"] is True
    assert find_cycle([el(1), {"kind": "frame", "selector": "iframe"}, el(1)]) is None  # unseen inside a frame
    player = el(2, composite=True)  # Tab through an <audio>'s own controls, then on
    assert find_cycle([el(1), player, player, player, el(3)]) is None
