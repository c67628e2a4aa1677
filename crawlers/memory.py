"""A renderer that grows past a memory cap is stopped, and its page is "not assessable: too much memory".

One page of a hostile or broken site once took its renderer to 4.4 GB and still scored "ok"; on a
small machine that takes every other worker (and the database) down with it. While a phase runs,
:class:`MemoryWatch` looks at the browser's renderer processes a few times a second and kills one
whose resident memory passed the cap; the page in it crashes, and the worker that was loading it
asks :meth:`MemoryWatch.stopped_since` whether that crash was ours, to say so instead of "crashed".

psutil (well kept, cross-platform) finds the renderers among this process's descendants by their
``--type=renderer`` switch: Chromium started by Playwright's driver is a child of that driver,
which is a child of ours.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import psutil

log = logging.getLogger("maturity.browser")

__all__ = ["MemoryStop", "MemoryWatch"]

MIB = 1024 * 1024


@dataclass(frozen=True)
class MemoryStop:
    at: float  # time.monotonic() of the kill
    pid: int
    rss: int  # bytes resident when it was stopped

    def reason(self, cap_mb: int) -> str:
        return f"too much memory: its renderer passed the {cap_mb:,} MiB cap ({self.rss // MIB:,} MiB) and was stopped"


_STOPS: list[MemoryStop] = []  # every kill in this process: a portfolio's browsers each watch all renderers


class MemoryWatch:
    """Kill renderers whose resident memory passes ``cap_mb``; remember each kill."""

    def __init__(self, cap_mb: int, *, interval: float = 0.25) -> None:
        self.cap_mb = cap_mb
        self.interval = interval
        self.stops = _STOPS
        self._renderer: dict[int, bool] = {}  # pid -> is a renderer (a process's switches never change)
        self._running = 0

    def sweep(self) -> None:
        """One look at every descendant process (blocking: psutil reads /proc or the OS's tables)."""
        cap = self.cap_mb * MIB
        try:
            children = psutil.Process().children(recursive=True)
        except psutil.Error:
            return
        alive = set()
        for proc in children:
            alive.add(proc.pid)
            try:
                renderer = self._renderer.get(proc.pid)
                if renderer is None:
                    renderer = self._renderer[proc.pid] = "--type=renderer" in proc.cmdline()
                if not renderer:
                    continue
                rss = proc.memory_info().rss
                if rss > cap:
                    proc.kill()
                    self.stops.append(MemoryStop(time.monotonic(), proc.pid, rss))
                    log.warning("stopped renderer %d at %d MiB (cap %d MiB)", proc.pid, rss // MIB, self.cap_mb)
            except psutil.Error:  # gone meanwhile, or not ours to read
                continue
        for pid in list(self._renderer):
            if pid not in alive:
                del self._renderer[pid]

    def stopped_since(self, since: float) -> MemoryStop | None:
        """The latest kill at or after ``since`` (time.monotonic()), if any."""
        recent = [s for s in self.stops if s.at >= since]
        return recent[-1] if recent else None

    @contextlib.asynccontextmanager
    async def watching(self) -> AsyncIterator[None]:
        """Sweep in the background while the block runs (nested blocks share one sweeper)."""
        self._running += 1
        task = asyncio.ensure_future(self._loop()) if self._running == 1 else None
        try:
            yield
        finally:
            self._running -= 1
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.interval)
            await loop.run_in_executor(None, self.sweep)
