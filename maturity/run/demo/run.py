"""How the demo is audited, and its list of deliberate defects (shared by the CLI and its test)."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

from maturity.run.audit import AuditSettings


def demo_settings(origin: str, *, concurrency: int = 2, browser_path: str | None = None) -> AuditSettings:
    """The demo: every page, performance on the desktop profile, nothing but loopback traffic."""
    return AuditSettings(
        url=origin + "/",
        max_pages=60,
        concurrency=concurrency,
        throttle="desktop",
        perf_pages=None,
        loopback_only=True,
        browser_path=browser_path,
        page_timeout=20,
    )


def defects() -> dict[str, Any]:
    """``defects.yaml``: ``defects`` (page, check, why) and ``not_assessable`` (page, why)."""
    return yaml.safe_load((resources.files("maturity.run.demo") / "defects.yaml").read_text(encoding="utf-8"))
