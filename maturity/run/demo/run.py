"""How the demo is audited, and its list of deliberate defects (shared by the command and its test)."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

from maturity.core.settings import AuditSettings, MachineSettings
from maturity.run.demo.tls import LocalTLS


def demo_settings(origin: str, *, concurrency: int = 2) -> AuditSettings:
    """The demo: every page, performance on the desktop profile (run with loopback-only on)."""
    return AuditSettings(
        url=origin + "/",
        max_pages=60,
        concurrency=concurrency,
        throttle="desktop",
        perf_pages=0,
        page_timeout=20,
    )


def demo_machine(machine: MachineSettings, tls: LocalTLS, http_port: int | None) -> MachineSettings:
    """``machine`` trusting the run's own certificate, loopback-only, with the demo's plain-HTTP port."""
    return machine.model_copy(
        update={
            "loopback_only": True,
            "trust_ca_pem": tls.ca_pem,
            "trust_spki": (*machine.trust_spki, tls.spki),
            "http_port": http_port,
        }
    )


def defects() -> dict[str, Any]:
    """``defects.yaml``: ``defects`` (page, check, why) and ``not_assessable`` (page, why)."""
    data: dict[str, Any] = yaml.safe_load(
        (resources.files("maturity.run.demo") / "defects.yaml").read_text(encoding="utf-8")
    )
    return data
