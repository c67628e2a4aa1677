"""Journey results made in memory (no browser), for the task checks, the reports and history."""

from __future__ import annotations

from collections.abc import Iterable

from maturity.core.journey import AxeSummary, JourneyResult, RunRecord, StepRun, parse_journey, summarise

START = "https://agency.example.gov/licences/"


def journey_yaml(ident: str = "renew", fields: int = 1, extra: str = "") -> str:
    fills = "".join(f"  - fill: {{label: Field {i}}}\n    value: 'x{i}'\n" for i in range(1, fields + 1))
    return (
        f"id: {ident}\ntitle: Renew a fishing licence\nservice: Fishing licences\nstart: {START}\nsteps:\n"
        "  - click: {role: link, name: Renew}\n"
        + fills
        + extra
        + "  - click: {role: button, name: Continue}\n    expect: {heading: Check your details}\n"
    )


def journey_result(
    *,
    ident: str = "renew",
    fields: int = 1,
    ms: float | list[float] = 300.0,
    fail_at: int | None = None,
    not_assessable: bool = False,
    violations: dict[int, dict[str, int]] | None = None,
    keyboard: str | None = "completed",
    focus_hidden: Iterable[int] = (),
    runs: int = 1,
    extra: str = "",
    shots: bool = False,
) -> JourneyResult:
    """A journey (a link, ``fields`` fields, a button with an expectation) and its summarised result.
    ``fail_at``: the step that failed; ``violations``: step -> {axe rule: nodes}; ``keyboard``: the
    keyboard run's outcome (None: not run), failing at step 1 (a div posing as a link)."""
    journey = parse_journey(journey_yaml(ident, fields, extra), f"{ident}.yaml").journey
    n = len(journey.steps) + 1
    times = ms if isinstance(ms, list) else [ms] * n
    hidden = set(focus_hidden)

    def record(k: int) -> RunRecord:
        steps = []
        for i in range(n):
            if not_assessable and i == 1:
                steps.append(StepRun(outcome="not_assessable", reason="a one-time code was asked for"))
            elif fail_at is not None and i == fail_at:
                steps.append(StepRun(outcome="failed", reason='the button "Continue" was not found'))
            elif (fail_at is not None and i > fail_at) or (not_assessable and i > 1):
                steps.append(StepRun(outcome="not_reached"))
            else:
                steps.append(StepRun(outcome="completed", ms=times[i] + 10 * k, url=f"{START}step-{i}"))
        axe = {
            i: AxeSummary(
                url=f"{START}step-{i}",
                violations=(violations or {}).get(i, {}),
                impacts={rule: "serious" for rule in (violations or {}).get(i, {})},
            )
            for i in range(n)
            if steps[i].outcome == "completed"
        }
        return RunRecord(steps=steps, axe=axe if k == 0 else {})

    keys = None
    if keyboard is not None:
        kb_steps = []
        for i in range(n):
            if keyboard != "completed" and i == 1:
                kb_steps.append(StepRun(outcome="failed", reason="the link Renew could only be reached with a mouse"))
            elif keyboard != "completed" and i > 1:
                kb_steps.append(StepRun(outcome="not_reached"))
            else:
                tabs = None if i == 0 else i
                focus = None if i == 0 else i not in hidden
                kb_steps.append(StepRun(outcome="completed", tabs=tabs, focus_visible=focus))
        keys = RunRecord(steps=kb_steps)
    result = summarise(journey, [record(k) for k in range(runs)], keys)
    if shots:
        steps = [
            s.model_copy(update={"screenshot": f"{ident}/step-{s.index:02d}.png"}) if s.axe is not None else s
            for s in result.steps
        ]
        result = result.model_copy(update={"steps": steps})
    return result


def png(width: int = 41, height: int = 84) -> bytes:
    """A small grey PNG (a stand-in for a phone screenshot, a tenth of its size)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xaa" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def save_with_screenshots(store, crawl_id: int, results: list[JourneyResult], folder) -> None:
    """Store ``results`` with the crawl, writing a PNG for every screenshot they name under ``folder``."""
    from maturity.store import JourneyStore

    for r in results:
        for s in r.steps:
            if s.screenshot:
                (folder / s.screenshot).parent.mkdir(parents=True, exist_ok=True)
                (folder / s.screenshot).write_bytes(png())
    JourneyStore(store.engine).save(crawl_id, results, screenshots=folder)
