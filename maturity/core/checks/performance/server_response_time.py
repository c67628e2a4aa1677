"""server-response-time: how long the server took to answer the page's HTML request."""

from maturity.core.checks.performance._metric import metric_check
from maturity.core.model import PerfRun


def _answer(run: PerfRun) -> float | None:
    # runs stored before server_ms was recorded keep their reading from the navigation's start
    return run.server_ms if run.server_ms is not None else run.ttfb_ms


metric_check(
    id="server-response-time",
    field="server_ms",
    unit="ms",
    title="The server answers quickly",
    failure_title="The server is slow to answer",
    description=(
        "How long the server took to answer the page's HTML: from the request sent to the first byte of "
        "the response (the navigation timing entry's responseStart − requestStart), the span Lighthouse "
        "reads. Time to First Byte from the navigation's start (redirects, connecting, the browser's own "
        "start-up) is kept too, as ttfb_ms, but not judged here. Lighthouse flags more than 600 ms; the "
        "curve here scores 200 ms as good and 600 ms as the median. Cache pages, use a CDN, and profile "
        "slow server code. Runs stored before this was recorded are judged on their TTFB."
    ),
    derive=_answer,
    curves={"mobile": (200, 600), "desktop": (200, 600)},
    source="Lighthouse audit server-response-time (600 ms, the main document's sendEnd to receiveHeadersStart); "
    "web.dev TTFB guidance",
)
