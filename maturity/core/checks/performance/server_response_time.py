"""server-response-time: time to first byte of the HTML."""

from maturity.core.checks.performance._metric import metric_check

metric_check(
    id="server-response-time",
    field="ttfb_ms",
    unit="ms",
    title="The server answers quickly",
    failure_title="The server is slow to answer",
    description=(
        "Time to First Byte of the page's HTML, from the navigation timing entry. Lighthouse flags more than "
        "600 ms; the curve here scores 200 ms as good and 600 ms as the median. Cache pages, use a CDN, and "
        "profile slow server code. Under network throttling the added latency is not part of TTFB."
    ),
    curves={"mobile": (200, 600), "desktop": (200, 600)},
    source="Lighthouse audit server-response-time (600 ms); web.dev TTFB guidance",
)
