"""speed-index-proxy: a substitute for Lighthouse's Speed Index, derived from paint timings.

Speed Index is the area above the visual-progress curve, measured from a filmstrip of the
viewport. We take no screenshots, so this is an honest substitute, not Speed Index: the page is
modelled as half painted at First Contentful Paint and complete at the last Largest Contentful
Paint candidate. The area above that two-step curve is the midpoint ``(FCP + LCP) / 2``. It lies
between FCP and LCP, as real Speed Index usually does, and is scored on Lighthouse's Speed Index
curve (which a rubric may override).
"""

from maturity.core.checks.performance._metric import metric_check
from maturity.core.model import PerfRun


def visual_progress_midpoint(run: PerfRun) -> float | None:
    """(FCP + last LCP candidate) / 2; FCP alone when no LCP was reported; None without FCP."""
    if run.fcp_ms is None:
        return None
    lcp = run.lcp_ms if run.lcp_ms is not None and run.lcp_ms >= run.fcp_ms else run.fcp_ms
    return (run.fcp_ms + lcp) / 2


metric_check(
    id="speed-index-proxy",
    field="speed_index_proxy",
    unit="ms",
    title="The page fills in quickly (Speed Index substitute)",
    failure_title="The page fills in slowly (Speed Index substitute)",
    description=(
        "How soon the visible page looks complete. This is a substitute for Lighthouse's Speed Index, which "
        "needs a filmstrip of screenshots: the page is modelled as half painted at First Contentful Paint and "
        "complete at the last Largest Contentful Paint candidate, so the value is (FCP + LCP) / 2, the Speed "
        "Index of that two-step curve. Scored on Lighthouse's Speed Index curve. Deliver the main content in "
        "the HTML, inline critical CSS and defer scripts."
    ),
    curves={"mobile": (3387, 5800), "desktop": (1311, 2300)},
    source="Lighthouse 13 Speed Index scoring curve (DOMAIN.md); substitute documented in the check",
    derive=visual_progress_midpoint,
)
