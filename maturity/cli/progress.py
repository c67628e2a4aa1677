"""Progress on a terminal (rich), quiet elsewhere; ``--verbose`` logs crawler decisions."""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn


class RichProgress:
    """Pages found, pages done, failures and time left, on stderr."""

    def __init__(self, *, show_bar: bool, verbose: bool) -> None:
        self.console = Console(stderr=True)
        self.verbose = verbose
        self.failures = 0
        self.found = 0
        self._bar: Progress | None = None
        self._task: Any = None
        self.show_bar = show_bar

    def phase(self, name: str, total: int | None) -> None:
        if not self.show_bar:
            if self.verbose:
                self.console.print(f"[bold]{name}[/bold]" + (f" ({total})" if total is not None else ""))
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
            self.console.print(
                f"  {decision.action:<8} {decision.url}  ({decision.reason})", highlight=False, markup=False
            )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def make_progress(*, quiet: bool, verbose: bool) -> RichProgress:
    return RichProgress(show_bar=not quiet and sys.stderr.isatty(), verbose=verbose)
