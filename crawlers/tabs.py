"""Small things done to Playwright pages, contexts and dialogs, used by both phases."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page as PwPage


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


def looks_crashed(exc: PlaywrightError) -> bool:
    text = str(exc).lower()
    return any(word in text for word in ("crash", "target closed", "has been closed", "browser has disconnected"))


async def close_quietly(obj: Any) -> None:
    if obj is None:
        return
    try:
        await asyncio.wait_for(obj.close(), 10)
    except Exception:  # closing a crashed page or context may fail in many ways; nothing to do then
        pass


async def dismiss(dialog: Any) -> None:
    """Dismiss alerts, confirms and prompts; but leave a page that asks "stay on this page?"
    (dismissing a beforeunload dialog would keep the worker's page there and abort its next load)."""
    try:
        if dialog.type == "beforeunload":
            await dialog.accept()
        else:
            await dialog.dismiss()
    except PlaywrightError:
        pass


async def close_popup(page: PwPage) -> None:
    """Pop-ups (window.open, target=_blank clicks) are closed; our own pages have no opener."""
    try:
        opener = await page.opener()
    except PlaywrightError:
        return
    if opener is not None:
        await close_quietly(page)


async def maybe_await(value: Awaitable[None] | None) -> None:
    if value is not None and hasattr(value, "__await__"):
        await value
