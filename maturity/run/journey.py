"""The journey workflow: read a journey file, read its secrets, run it k times in the browser, summarise.

Secrets come from the environment (``MATURITY_SECRET_<NAME>``); every text the run returns has
been redacted by the runner, and nothing raised from here carries a secret's value.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping
from pathlib import Path

from crawlers.browser import BrowserSession, SharedBrowser
from crawlers.journey import run_journey, run_keyboard
from maturity.core.journey import JourneyResult, LoadedJourney, load_journey, secrets_from_env, summarise
from maturity.core.settings import MachineSettings, compose
from maturity.kernel.errors import CannotRun, MaturityError
from maturity.run.audit import address_policy, browser_settings

log = logging.getLogger("maturity.journey")


def validate_journey(path: str | Path) -> LoadedJourney:
    """The journey file, validated (a ConfigError naming the file and key path otherwise)."""
    return load_journey(path)


def run_journey_file(
    path: str | Path,
    *,
    runs: int = 1,
    machine: MachineSettings | None = None,
    environ: Mapping[str, str] | None = None,
    browser: SharedBrowser | None = None,
    with_axe: bool = True,
    keyboard: bool = True,
) -> JourneyResult:
    """Run the journey in ``path`` ``runs`` times (each in a fresh browser context) and summarise.

    ``keyboard`` adds one run by keyboard alone. ``browser`` reuses a running Chromium (tests);
    without it the run starts its own.
    """
    loaded = load_journey(path)
    journey = loaded.journey
    secrets = secrets_from_env(journey.secret_names, os.environ if environ is None else environ, loaded.source)
    settings = compose({"url": journey.start, "concurrency": 1}, sources=["the journey file"])
    machine = machine or MachineSettings()
    bsettings = browser_settings(settings, machine)
    policy = address_policy(settings, journey.start)

    async def go(session: BrowserSession) -> JourneyResult:
        records = await run_journey(session, journey, secrets, runs=runs, with_axe=with_axe)
        by_keys = await run_keyboard(session, journey, secrets) if keyboard else None
        return summarise(journey, records, by_keys)

    async def own() -> JourneyResult:
        async with BrowserSession(bsettings, journey.start, policy) as session:
            return await go(session)

    try:
        if browser is not None:
            browser.session.reconfigure(bsettings, journey.start, policy)
            result: JourneyResult = browser.run(go(browser.session))
            return result
        return asyncio.run(own())
    except MaturityError as exc:  # no browser, and the like: their own words, unless a secret is in them
        text = secrets.redact(str(exc))
        if text != str(exc):
            raise CannotRun(text) from None
        raise
    except Exception as exc:  # a bug: one line, redacted, with no chained traceback that could carry a value
        raise CannotRun(
            f"journey {journey.id} could not run: {type(exc).__name__}: {secrets.redact(str(exc))}"
        ) from None
