"""One exception tree; the exit code lives on the class.

=====  =====================================================================
code   meaning
=====  =====================================================================
0      finished (pages that could not be assessed still count as finished)
1      a gate failed (CI mode)
2      usage, configuration, rubric or URL error
3      could not run (site unreachable, blocked by robots.txt, no browser,
       database unavailable)
=====  =====================================================================

The CLI turns any :class:`MaturityError` into one line on stderr and its exit code.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_GATE_FAILED = 1
EXIT_USAGE = 2
EXIT_CANNOT_RUN = 3


class MaturityError(Exception):
    """Base of every error the tool reports to a user."""

    exit_code = EXIT_CANNOT_RUN


class UsageError(MaturityError):
    """Bad options, configuration or input (exit 2)."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    """A configuration file (rubric, portfolio, ...) is invalid. Names the file and key path."""

    def __init__(self, path: str, message: str, key: str | None = None, more: tuple[tuple[str, str], ...] = ()) -> None:
        self.path = path
        self.key = key
        self.message = message
        self.more = more  # further problems in the same file, (key path, message): all reported at once
        where = f"{path}: {key}" if key else path
        super().__init__(_escape_controls(f"{where}: {message}"))

    def lines(self) -> list[str]:
        """Every problem found, one line each, the first being ``str(self)``."""
        return [str(self)] + [_escape_controls(f"{self.path}: {key}: {message}") for key, message in self.more]


def _escape_controls(text: str) -> str:
    """``text`` with its control characters written as escapes (a key named ``"a\\nb"`` in a file
    shows as ``a\\nb``): an error stays one line, whatever the file's keys hold."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class InvalidURL(UsageError):
    """A URL the tool cannot audit (exit 2)."""


class CannotRun(MaturityError):
    """The audit could not run at all (exit 3)."""

    exit_code = EXIT_CANNOT_RUN


class SiteUnreachable(CannotRun):
    pass


class BlockedByRobots(CannotRun):
    pass


class BrowserNotFound(CannotRun):
    pass


class StoreUnavailable(CannotRun):
    pass


class GateFailed(MaturityError):
    exit_code = EXIT_GATE_FAILED
