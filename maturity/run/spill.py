"""Where scoring keeps each page's failure whole while it scores (maturity.core.tally.ResultSpill):
files, one a planned check, in a temporary folder, so the failing elements of a run of any size
are never in memory at once. No browser, no database."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from maturity.core.model import CheckResult

BUFFER = 16 * 1024  # characters a check holds before they go to its file


class FileSpill:
    """A :class:`~maturity.core.tally.ResultSpill` in files: each check's results as JSON lines,
    written a buffer at a time, read back in order as often as asked. Use it as a context manager
    (or call :meth:`close`): the folder is removed."""

    def __init__(self, parent: Path | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="maturity-spill-", dir=parent))
        self._buffers: dict[int, list[str]] = {}
        self._sizes: dict[int, int] = {}

    def put(self, slot: int, result: CheckResult) -> None:
        line = result.model_dump_json()
        self._buffers.setdefault(slot, []).append(line)
        self._sizes[slot] = self._sizes.get(slot, 0) + len(line)
        if self._sizes[slot] >= BUFFER:
            self._flush(slot)

    def _flush(self, slot: int) -> None:
        lines = self._buffers.pop(slot, [])
        self._sizes.pop(slot, None)
        if lines:
            with open(self.folder / f"{slot}.jsonl", "a", encoding="utf-8") as fh:
                fh.write("\n".join(lines) + "\n")

    def results(self, slot: int) -> Iterator[CheckResult]:
        self._flush(slot)
        path = self.folder / f"{slot}.jsonl"
        if not path.exists():
            return
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                yield CheckResult.model_validate_json(line)

    def close(self) -> None:
        self._buffers.clear()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> FileSpill:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
