"""The concurrent phase: every sampled page loaded once in phone emulation, and what is read from it.

``concurrency`` workers, each reusing one tab, load the pages from a queue and gather the
document facts (collect.js, after the page settled), the mobile facts, axe-core's results
(injected into every frame) and the network log. A page that fails, hangs or crashes its renderer
becomes a "not assessable" page with the reason, and the run goes on; a page whose axe-core run
timed out beside the others is tried once more alone. When the audit signs in (the session's
``login``), every context starts with the login's session, and a page that shows the session
ended signs in again and is loaded once more (else it is "not assessable: login required").
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from playwright.async_api import BrowserContext
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page as PwPage
from pydantic import ValidationError

from crawlers.guard import NetworkLog, record_requests, refused_document
from crawlers.interact import PARTS, interact
from crawlers.mapping import map_axe, scrub
from crawlers.plainwords import plain_error
from crawlers.retry import RetryPolicy
from crawlers.settle import settle
from crawlers.tabs import close_quietly, dismiss, looks_crashed, maybe_await, one_line
from maturity.core.model import (
    ArtifactError,
    DocumentFacts,
    HttpFacts,
    InteractionFacts,
    MobileFacts,
    NetworkFacts,
    PageArtifacts,
    PageRef,
)

if TYPE_CHECKING:
    from crawlers.browser import BrowserSession

log = logging.getLogger("maturity.browser")

PageDone = Callable[[PageArtifacts, float], Awaitable[None] | None]

# The axe-core rules we run: every WCAG 2.0/2.1/2.2 A and AA rule, and axe's best practices.
# Passed as runOnly tags, which also runs WCAG rules axe ships switched off (target-size in 4.12);
# a rubric then selects among them by tag.
AXE_RUN_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice")


async def _new_page(session: BrowserSession, context: BrowserContext, net: NetworkLog) -> PwPage:
    page = await context.new_page()

    record_requests(page, net, session.start_url)
    page.on("crash", lambda _page: setattr(net, "crashed", True))
    page.on("dialog", lambda dialog: asyncio.ensure_future(dismiss(dialog)))
    page.on("download", lambda download: net.downloads.append(download.url[:300]))  # cancelled, not saved
    return page


async def gather(session: BrowserSession, refs: list[PageRef], http: dict[str, HttpFacts], on_page: PageDone) -> None:
    """Concurrent phase: document, mobile, axe and network artifacts for every page."""
    queue: asyncio.Queue[PageRef] = asyncio.Queue()
    for ref in refs:
        queue.put_nowait(ref)
    workers = max(1, min(session.settings.concurrency, len(refs) or 1))
    # Each worker opens a fresh tab every ``recycle_pages`` pages; their first tabs serve fewer
    # pages in turn, so the workers do not all replace their tabs (two renderers each for a
    # moment) at once: a 1,000-page run peaked at 1,567 MiB with the workers in step.
    stagger = [i * session.settings.recycle_pages // workers for i in range(workers)]
    again: list[tuple[PageRef, PageArtifacts]] = []
    await asyncio.gather(*(_worker(session, queue, http, on_page, served=s, again=again) for s in stagger))
    # A page whose axe-core run timed out beside other workers gets one more try alone: on
    # 2 busy cores, 4 workers made axe time out on 3 pages of 16 that it finished alone.
    for ref, first in again:
        retry: asyncio.Queue[PageRef] = asyncio.Queue()
        retry.put_nowait(ref)
        results: list[PageArtifacts] = []

        def keep(page: PageArtifacts, _ms: float, results: list[PageArtifacts] = results) -> None:
            results.append(page)

        started = time.perf_counter()
        await _worker(session, retry, http, keep)
        second = results[0] if results else first
        if axe_timed_out(second):  # still too slow alone: the first result stands, and says so
            second = first
        await maybe_await(on_page(second, (time.perf_counter() - started) * 1000))


async def _worker(
    session: BrowserSession,
    queue: asyncio.Queue[PageRef],
    http: dict[str, HttpFacts],
    on_page: PageDone,
    *,
    served: int = 0,
    again: list[tuple[PageRef, PageArtifacts]] | None = None,
) -> None:
    """Gather pages from ``queue`` one after another. With ``again``, a page whose axe-core run
    timed out is put there instead of reported (:meth:`gather` tries it again alone)."""
    net = NetworkLog(pacer=session.pacer)
    context: BrowserContext | None = None
    made_for: BrowserContext | None = None  # the context signed in at generation ``made_in`` of the login
    made_in = 0
    page: PwPage | None = None
    try:
        while True:
            try:
                ref = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            if served >= session.settings.recycle_pages and page is not None:  # memory stays flat
                await close_quietly(page)
                page, served = None, 0
            served += 1
            attempt = signed_in_again = 0
            while True:
                attempt += 1
                login = session.login
                if login is not None and context is not None and made_in != login.generation:
                    await close_quietly(context)  # signed in again since: a context with the new session
                    context = None
                if context is None or page is None or page.is_closed():
                    context, page = await _fresh(session, context, net)
                    if context is not made_for:
                        made_for, made_in = context, login.generation if login is not None else 0
                started = time.perf_counter()
                began = time.monotonic()
                budget = _page_budget(session)
                try:
                    result = await asyncio.wait_for(_gather_one(session, page, ref, http.get(ref.url), net), budget)
                except SessionEnded as ended:
                    assert login is not None
                    if not signed_in_again and await login.renew(session, made_in):
                        signed_in_again = 1  # the page once more, signed in again
                        continue
                    result = PageArtifacts(
                        url=ref.url,
                        depth=ref.depth,
                        status="not_assessable",
                        reason=login.required(str(ended)),
                        artifacts=http_only(http.get(ref.url)),
                    )
                except (TimeoutError, PlaywrightError) as exc:
                    crashed = isinstance(exc, PlaywrightError) and looks_crashed(exc)
                    await close_quietly(page)
                    page = None
                    stop = session.memory.stopped_since(began) if crashed or net.crashed else None
                    if crashed and attempt == 1 and stop is None:
                        log.warning("renderer or browser crashed on %s; retrying once", ref.url)
                        await close_quietly(context)
                        context = None
                        continue
                    reason = "timed out" if isinstance(exc, TimeoutError) else plain_error(exc)
                    if net.downloads:  # a navigation that turned into a download never finishes loading
                        reason = f"it started a download while loading ({net.downloads[0]}); nothing was saved"
                    result = PageArtifacts(
                        url=ref.url,
                        depth=ref.depth,
                        status="not_assessable",
                        reason=stop.reason(session.memory.cap_mb) if stop else f"could not render: {reason}",
                        artifacts=http_only(http.get(ref.url)),
                    )
                except Exception as exc:  # facts a page made unreadable (or our bug): this page only
                    log.exception("could not gather %s", ref.url)
                    await close_quietly(page)
                    page = None
                    result = PageArtifacts(
                        url=ref.url,
                        depth=ref.depth,
                        status="not_assessable",
                        reason=f"could not gather: {type(exc).__name__}: {one_line(exc)}",
                        artifacts=http_only(http.get(ref.url)),
                    )
                if result.status == "ok" and net.crashed:
                    # The renderer died after the facts were read (during axe-core, whose error the page
                    # would otherwise carry): a page stopped for its memory is not assessable.
                    stop = session.memory.stopped_since(began)
                    if stop is not None:
                        await close_quietly(page)
                        page = None
                        result = PageArtifacts(
                            url=ref.url,
                            depth=ref.depth,
                            status="not_assessable",
                            reason=stop.reason(session.memory.cap_mb),
                            artifacts=http_only(http.get(ref.url)),
                        )
                if again is not None and axe_timed_out(result):
                    again.append((ref, result))
                else:
                    await maybe_await(on_page(result, (time.perf_counter() - started) * 1000))
                break
    finally:
        await close_quietly(context)


async def _fresh(
    session: BrowserSession, context: BrowserContext | None, net: NetworkLog
) -> tuple[BrowserContext, PwPage]:
    for _ in range(2):
        try:
            if context is None:
                context = await _signed_in_context(session, net)
            return context, await _new_page(session, context, net)
        except PlaywrightError:
            await close_quietly(context)
            context = None
    context = await _signed_in_context(session, net)
    return context, await _new_page(session, context, net)


async def _signed_in_context(session: BrowserSession, net: NetworkLog) -> BrowserContext:
    """A fresh context, with the login's session (cookies, localStorage, sessionStorage) when the audit signs in."""
    context = await session.new_context(device=session.settings.device, net=net)
    if session.login is not None and session.login.session is not None:
        await session.login.session.enter(context)
    return context


class SessionEnded(Exception):
    """The page showed that the login session is gone (the login page, or its form); the message says how."""


async def _cookies_again(session: BrowserSession, context: BrowserContext) -> None:
    """Each page a first visit: cookies cleared, then (signed in) the login's cookies put back."""
    await context.clear_cookies()
    if session.login is not None and session.login.session is not None:
        await context.add_cookies(session.login.session.cookies)  # type: ignore[arg-type]


async def _check_session(session: BrowserSession, page: PwPage, url: str) -> None:
    """Raise :class:`SessionEnded` when a signed-in crawl's page shows the session is gone."""
    if session.login is not None:
        why = await session.login.ended(page, url)
        if why is not None:
            raise SessionEnded(why)


async def _load(session: BrowserSession, page: PwPage, url: str, net: NetworkLog) -> Any:
    """``goto`` and wait for load; a 429 or 5xx answer is loaded again after its Retry-After
    (capped) or a doubling backoff, ``retries`` times. Then the page is locked: no frame of it
    navigates again (a meta refresh to itself every 0 s would otherwise never hold still)."""
    s = session.settings
    policy = RetryPolicy(retries=s.retries, max_retry_after=s.max_retry_after, backoff=s.retry_backoff)
    for attempt in range(s.retries + 1):
        net.clear()  # the router paces the request itself (net.pacer, set by the worker)
        response = await page.goto(url, wait_until="load")
        if response is None:
            break
        wait = policy.wait(response.status, await response.header_value("retry-after"), attempt)
        if wait is None:
            break
        await asyncio.sleep(wait)
    net.locked = True
    return response


async def _gather_one(
    session: BrowserSession, page: PwPage, ref: PageRef, http: HttpFacts | None, net: NetworkLog
) -> PageArtifacts:
    await _cookies_again(session, page.context)
    response = await _load(session, page, ref.url, net)
    if await refused_document(net):
        return _refused_page(ref, http, net)
    if response is not None and response.status == 401 and session.login is not None:
        raise SessionEnded(f"{ref.url} answered HTTP 401 (authentication required)")
    if response is not None and response.status >= 400:
        reason = "rate limited (HTTP 429)" if response.status == 429 else f"HTTP {response.status}"
        return PageArtifacts(
            url=ref.url,
            depth=ref.depth,
            status="not_assessable",
            reason=reason,
            artifacts=http_only(http),
        )
    return await _read_page(session, page, ref, http, net)


def _page_budget(session: BrowserSession) -> float:
    """Outer bound on one page of the concurrent phase: every load attempt (the navigation timeout
    each), the waits between them, reading the document and running axe (``page_timeout`` each)."""
    s = session.settings
    return (s.retries + 3) * s.page_timeout + s.retries * s.max_retry_after + 20


async def _read_page(
    session: BrowserSession, page: PwPage, ref: PageRef, http: HttpFacts | None, net: NetworkLog
) -> PageArtifacts:
    artifacts: dict[str, dict[str, Any]] = {}
    if http is not None:
        artifacts["http"] = http.model_dump(mode="json")
    facts = await asyncio.wait_for(_document_facts(session, page, net), session.settings.page_timeout)
    await _check_session(session, page, ref.url)  # settled: a form a script draws late is there by now
    artifacts["document"] = DocumentFacts.model_validate(facts["document"]).model_dump(mode="json")
    artifacts["mobile"] = MobileFacts(device=session.settings.device, **facts["mobile"]).model_dump(mode="json")
    artifacts["axe"] = scrub(await session._axe(page))
    requests = [
        r.model_copy(update={"blocked": r.url in net.blocked, "status": net.status.get(i)})
        for i, r in enumerate(net.requests)
    ]
    artifacts["network"] = NetworkFacts(requests=requests).model_dump(mode="json")
    # Last: images read for animation, keys pressed, the mouse moved, text enlarged, the window narrowed
    # (bounded; crawlers/interact.py).
    if page.is_closed():  # axe-core timed out and its tab was closed
        used = InteractionFacts(undecided=dict.fromkeys(PARTS, "the tab was closed after axe-core timed out"))
    else:
        raw = scrub(await interact(page, session.interact_js, list(net.images)))
        try:
            used = InteractionFacts.model_validate(raw)
        except ValidationError as exc:  # a page that fed the phase values it cannot hold: the page stands
            why = f"its facts could not be read ({exc.error_count()} errors)"
            used = InteractionFacts(undecided=dict.fromkeys(PARTS, why))
    artifacts["document"]["interaction"] = used.model_dump(mode="json")
    if await refused_document(net):  # a frame added after the load was redirected there
        return _refused_page(ref, http, net)
    return PageArtifacts(url=ref.url, depth=ref.depth, artifacts=artifacts)


def _refused_page(ref: PageRef, http: HttpFacts | None, net: NetworkLog) -> PageArtifacts:
    return PageArtifacts(
        url=ref.url,
        depth=ref.depth,
        status="not_assessable",
        reason=net.refused_document,
        artifacts=http_only(http),
    )


async def _document_facts(session: BrowserSession, page: PwPage, net: NetworkLog) -> dict[str, Any]:
    try:
        return await _settle_and_collect(session, page, net)
    except PlaywrightError as exc:
        if "context was destroyed" not in str(exc):
            raise
        # The page navigated between the load and the lock (a 0 s refresh can win that race):
        # the lock now holds, so read the document it landed on.
        await page.wait_for_load_state("load")
        return await _settle_and_collect(session, page, net)


async def _settle_and_collect(session: BrowserSession, page: PwPage, net: NetworkLog) -> dict[str, Any]:
    # Let late scripts settle (nothing queued, or main thread quiet for settle_ms; at most 2 s)
    # before reading the DOM.
    await settle(page, net, session.settings.settle_ms, 2000)
    facts: dict[str, Any] = scrub(await page.evaluate(session.collect_js))
    return facts


async def axe_within_limit(session: BrowserSession, page: PwPage) -> dict[str, Any]:
    """axe-core's results, within ``page_timeout`` (a page with thousands of links can take minutes:
    then the axe artifact is an error, the page's other facts stand, and the page is closed so
    the worker's next page does not wait behind axe)."""
    limit = session.settings.page_timeout
    try:
        return await asyncio.wait_for(_run_axe(session, page), limit)
    except TimeoutError:
        await close_quietly(page)
        return ArtifactError(error=f"axe-core did not finish in {limit:g} s", kind="timeout").model_dump()


async def _run_axe(session: BrowserSession, page: PwPage) -> dict[str, Any]:
    """Inject axe-core into every frame and run it from the top; options travel as real JSON."""
    try:
        for frame in page.frames:
            try:
                await frame.evaluate(session.axe_script)
            except PlaywrightError:
                pass  # a detached or navigating frame
        options = {
            "runOnly": {"type": "tag", "values": list(AXE_RUN_TAGS)},
            "resultTypes": ["violations", "incomplete"],
        }
        raw = await page.evaluate("(o) => axe.run(document, o)", options)
    except PlaywrightError as exc:
        return ArtifactError(error=one_line(exc), kind="axe").model_dump()
    return map_axe(raw, session.axe_version).model_dump(mode="json")


def http_only(http: HttpFacts | None) -> dict[str, dict[str, Any]]:
    return {"http": http.model_dump(mode="json")} if http is not None else {}


def axe_timed_out(page: PageArtifacts) -> bool:
    axe = page.artifacts.get("axe") or {}
    return page.status == "ok" and axe.get("kind") == "timeout"
