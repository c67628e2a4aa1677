"""cumulative-layout-shift: content that jumps while people read (a Core Web Vital)."""

from maturity.core.checks.performance._metric import metric_check

metric_check(
    id="cumulative-layout-shift",
    field="cls",
    unit="",
    title="Content stays put while loading",
    failure_title="Content jumps around while loading",
    description=(
        "Cumulative Layout Shift measures unexpected movement of visible content (largest session window). "
        "Reserve space for images, banners and embeds with width/height or CSS aspect-ratio."
    ),
    curves={"mobile": (0.1, 0.25), "desktop": (0.1, 0.25)},
    source="Lighthouse 13 scoring curves (DOMAIN.md); web.dev Core Web Vitals",
)
