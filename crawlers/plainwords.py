"""Network failures in plain words: :mod:`maturity.kernel.plainwords`, re-exported for the collectors
(the renderers word stored reasons with the same table, so it lives below both)."""

from maturity.kernel.plainwords import plain_error

__all__ = ["plain_error"]
