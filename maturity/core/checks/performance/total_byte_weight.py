"""total-byte-weight: how much a page makes people download."""

from maturity.core.checks.performance._metric import metric_check

metric_check(
    id="total-byte-weight",
    field="bytes",
    unit="bytes",
    title="Page weight is modest",
    failure_title="Page is heavy to download",
    description=(
        "Bytes transferred for the page and everything it loads (encoded, as on the wire). Large pages are "
        "slow and costly on mobile data plans. Compress images, drop unused scripts and fonts."
    ),
    curves={"mobile": (2_731_008, 4_096_000), "desktop": (2_731_008, 4_096_000)},
    source="Lighthouse audit total-byte-weight (p10 2,667 KiB, median 4,000 KiB)",
)
