"""How the demo is audited, and its list of deliberate defects (shared by the command and its test)."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from maturity.core.settings import AuditSettings, MachineSettings
from maturity.run.demo.tls import LocalTLS

if TYPE_CHECKING:
    from maturity.run.audit import AuditResult
    from maturity.run.journey import JourneysAfter
    from maturity.run.progress import Progress
    from maturity.store import Store


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


# The demo's login password: any value signs in (the demo checks only that one was typed). A secret
# all the same, so the demo shows it masked in the screenshots and absent from every report.
DEMO_SECRETS = {"MATURITY_SECRET_DEMO_PASSWORD": "columbia-demo-password"}


def demo_journeys(origin: str, folder: Path) -> list[Path]:
    """The demo's journey files (a login, one journey that completes, one with a step only a mouse
    can do), written to ``folder`` with the server's address in place of ``{{origin}}``."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for item in sorted((resources.files("maturity.run.demo") / "journeys").iterdir(), key=lambda t: t.name):
        if item.name.endswith(".yaml"):
            path = folder / item.name
            path.write_text(item.read_text(encoding="utf-8").replace("{{origin}}", origin), encoding="utf-8")
            out.append(path)
    return out


def demo_environ(environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` with the demo's secrets (a value already set is kept)."""
    return {**DEMO_SECRETS, **environ}


def run_demo(
    origin: str,
    tls: LocalTLS,
    http_port: int | None,
    store: Store,
    out_dir: Path,
    machine: MachineSettings,
    *,
    environ: Mapping[str, str],
    concurrency: int = 2,
    progress: Progress | None = None,
) -> tuple[AuditResult, JourneysAfter]:
    """The demo's audit of the served site with its journeys (run before it is scored), in one
    Chromium that trusts the run's certificate; the journey files are written to ``OUT/demo-journeys``."""
    from crawlers.browser import SharedBrowser
    from maturity.core.rubric import builtin_rubric
    from maturity.run.audit import audit, browser_settings
    from maturity.run.journey import JourneysAfter

    machine = demo_machine(machine, tls, http_port)
    settings = demo_settings(origin, concurrency=concurrency)
    browser = SharedBrowser(browser_settings(settings, machine))
    try:
        files = demo_journeys(origin, out_dir / "demo-journeys")
        journeys = JourneysAfter(files, store, out_dir, machine=machine, environ=demo_environ(environ), browser=browser)
        result = audit(
            settings,
            store,
            builtin_rubric("default"),
            out_dir,
            machine=machine,
            progress=progress,
            browser=browser,
            before_scoring=journeys,
        )
    finally:
        browser.close()
    return result, journeys
