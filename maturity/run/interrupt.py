"""Stopping on request: Ctrl-C (SIGINT) or SIGTERM stops an audit, keeps what finished, and leaves
what was under way to do again.

The command line calls :func:`install` once. The first signal sets :data:`STOP`; every workflow
watches it: the page under way in each browser worker is abandoned and stays *pending* (never
stored as "not assessable": the page did nothing wrong), no new page or site is started, and the
command ends with exit 130 and the ``maturity resume N`` that finishes the run. A second signal
stops at once. Renderers that die because the terminal's Ctrl-C reached the browser's process
group too are the same case: once :data:`STOP` is set, no failure is blamed on a page.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

STOP = threading.Event()
"""Set when the user asked the run to stop."""


class Interrupted(KeyboardInterrupt):
    """The run stopped because the user asked; what finished is stored, the rest is pending."""


_notify: list[Callable[[], None]] = []


def install(on_first: Callable[[], None] | None = None) -> None:
    """SIGINT and SIGTERM set :data:`STOP` (``on_first`` says so to the user); a second one raises
    :class:`KeyboardInterrupt` at once. Only from the main thread (Python delivers signals there)."""
    if threading.current_thread() is not threading.main_thread():
        return
    STOP.clear()
    if on_first is not None:
        _notify[:] = [on_first]

    def handler(signum: int, frame: FrameType | None) -> None:
        if STOP.is_set():
            raise KeyboardInterrupt
        STOP.set()
        for notify in _notify:
            notify()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def check() -> None:
    """Raise :class:`Interrupted` when the user asked to stop."""
    if STOP.is_set():
        raise Interrupted("stopped on request")


async def watch(task: Any, poll: float = 0.1) -> None:
    """Cancel ``task`` (an asyncio task) as soon as :data:`STOP` is set."""
    import asyncio

    while not task.done():
        if STOP.is_set():
            task.cancel()
            return
        await asyncio.sleep(poll)
