"""``python -m maturity`` is the ``maturity`` command."""

from maturity.cli import main

main()
