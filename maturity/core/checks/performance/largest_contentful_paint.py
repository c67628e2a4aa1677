"""largest-contentful-paint: when the main content has loaded (a Core Web Vital)."""

from maturity.core.checks.performance._metric import metric_check

metric_check(
    id="largest-contentful-paint",
    field="lcp_ms",
    unit="ms",
    title="Main content loads quickly",
    failure_title="Main content loads slowly",
    description=(
        "Largest Contentful Paint marks when the largest image or text block is painted; Core Web Vitals call "
        "2.5 s good. Compress and size hero images, preload them, and avoid late-loading content."
    ),
    curves={"mobile": (2500, 4000), "desktop": (1200, 2400)},
    source="Lighthouse 13 scoring curves (DOMAIN.md); web.dev Core Web Vitals",
)
