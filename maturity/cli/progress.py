"""Progress on a terminal (rich), quiet elsewhere; ``--verbose`` logs crawler decisions.

These implement the workflows' progress interfaces (:mod:`maturity.run.progress`)."""

from __future__ import annotations

import sys
import threading
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from maturity.cli.output import terminal


class RichProgress:
    """Pages found, pages done, failures and time left, on stderr."""

    def __init__(self, *, show_bar: bool, verbose: bool) -> None:
        self.console = terminal(stderr=True)
        self.verbose = verbose
        self.failures = 0
        self.found = 0
        self._bar: Progress | None = None
        self._task: Any = None
        self.show_bar = show_bar

    def phase(self, name: str, total: int | None) -> None:
        if not self.show_bar:
            if self.verbose:
                self.console.print(name + (f" ({total})" if total is not None else ""), style="bold")
            return
        if self._bar is None:
            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[failures]} not assessable"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=self.console,
                transient=False,
            )
            self._bar.start()
        if self._task is not None:
            self._bar.update(self._task, visible=True)
        self._task = self._bar.add_task(name, total=total, failures=self.failures)

    def advance(self, *, failed: bool = False) -> None:
        self.failures += int(failed)
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, advance=1, failures=self.failures)

    def decision(self, decision: Any) -> None:
        if decision.action in ("queued", "fetched"):
            self.found += decision.action == "queued"
            if self._bar is not None and self._task is not None:
                self._bar.update(self._task, description=f"discovering ({self.found} found)")
        if self.verbose:
            self.console.print(f"  {decision.action:<8} {decision.url}  ({decision.reason})")
        elif decision.action == "stopped":  # discovery ended early (its request budget): always said
            self.console.print(decision.reason)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def make_progress(*, quiet: bool, verbose: bool) -> RichProgress:
    return RichProgress(show_bar=not quiet and sys.stderr.isatty(), verbose=verbose)


class Display:
    """Progress for a portfolio run: sites done with the time left, and each slot's pages.

    Shows only on a terminal (``enabled``); everything is a no-op otherwise.
    """

    def __init__(self, *, total_sites: int, slots: int, enabled: bool) -> None:
        self.enabled = enabled
        self._lock = threading.Lock()
        self._bar: Any = None
        self._sites: Any = None
        self._slots: list[Any] = []
        if not enabled:
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=terminal(stderr=True),
        )
        self._bar.start()
        self._sites = self._bar.add_task("sites", total=total_sites)
        self._slots = [self._bar.add_task(f"  slot {i + 1}", total=None, visible=False) for i in range(slots)]

    def slot(self, index: int, description: str | None, total: int | None = None) -> None:
        """Show what a slot is doing (``None``: nothing; the slot's line is hidden)."""
        if self._bar is None:
            return
        task_id = self._slots[index]
        with self._lock:
            if description is None:
                self._bar.update(task_id, visible=False)
                return
            self._bar.reset(task_id, total=total, description=f"  {description}", visible=True)
            if total is None:  # reset keeps the old total; an unknown total shows a pulsing bar
                for task in self._bar.tasks:
                    if task.id == task_id:
                        task.total = None

    def advance_slot(self, index: int) -> None:
        if self._bar is not None:
            self._bar.update(self._slots[index], advance=1)

    def site_done(self) -> None:
        if self._bar is not None:
            self._bar.update(self._sites, advance=1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
