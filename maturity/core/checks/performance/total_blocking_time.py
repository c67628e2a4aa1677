"""total-blocking-time: how long scripts keep the page from responding."""

from maturity.core.checks.performance._metric import metric_check

metric_check(
    id="total-blocking-time",
    field="tbt_ms",
    unit="ms",
    title="Scripts leave the page responsive",
    failure_title="Scripts block the page for too long",
    description=(
        "Total Blocking Time adds up the part over 50 ms of every long task after first paint, while the page "
        "cannot respond to taps. Split long scripts, defer what is not needed, and remove unused code."
    ),
    curves={"mobile": (200, 600), "desktop": (150, 350)},
    source="Lighthouse 13 scoring curves (DOMAIN.md)",
)
