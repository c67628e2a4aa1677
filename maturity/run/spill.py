"""Where scoring keeps each page's failure whole while it scores (maturity.core.tally.ResultSpill)
and the site checks' summaries of pages (maturity.core.checks.SummarySpill): files in a temporary
folder, so neither the failing elements nor the summaries of a run of any size are in memory at
once. No browser, no database."""

from __future__ import annotations

import io
import pickle
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, cast

from maturity.core.model import CheckResult

BUFFER = 16 * 1024  # characters a check holds before they go to its file


class FileSpill:
    """A :class:`~maturity.core.tally.ResultSpill` in files: each check's results as JSON lines,
    written a buffer at a time, read back in order as often as asked; and a
    :class:`~maturity.core.checks.SummarySpill`: site checks' summaries of pages, pickled into one
    file (this process's own, in its own temporary folder; read back only by it). Use it as a
    context manager (or call :meth:`close`): the folder is removed."""

    def __init__(self, parent: Path | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="maturity-spill-", dir=parent))
        self._buffers: dict[int, list[str]] = {}
        self._sizes: dict[int, int] = {}
        self._summaries: BinaryIO | None = None

    def keep(self, summary: Mapping[str, Any]) -> int | None:
        try:
            data = pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            return None  # a summary that cannot be written stays in memory
        if self._summaries is None:
            self._summaries = open(self.folder / "summaries.pickle", "w+b")  # noqa: SIM115 (closed by close())
        self._summaries.seek(0, io.SEEK_END)
        at = self._summaries.tell()
        self._summaries.write(data)
        return at

    def read(self, token: int) -> Mapping[str, Any]:
        assert self._summaries is not None  # a token only ever comes from keep()
        self._summaries.seek(token)
        return cast(Mapping[str, Any], pickle.load(self._summaries))  # only what keep() wrote

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
        if self._summaries is not None:
            self._summaries.close()
            self._summaries = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> FileSpill:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
