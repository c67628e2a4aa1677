"""first-contentful-paint: when the first text or image appears."""

from maturity.core.checks.performance._metric import metric_check

metric_check(
    id="first-contentful-paint",
    field="fcp_ms",
    unit="ms",
    title="First content appears quickly",
    failure_title="First content appears slowly",
    description=(
        "First Contentful Paint marks when the first text or image is painted. Cut render-blocking CSS and "
        "scripts, and serve the HTML quickly."
    ),
    curves={"mobile": (1800, 3000), "desktop": (934, 1600)},
    source="Lighthouse 13 scoring curves (DOMAIN.md)",
)
