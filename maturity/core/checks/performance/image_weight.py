"""image-weight: how many bytes of a page are images."""

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "image-weight"


def _kib(value: float) -> str:
    return f"{value / 1024:,.0f} KiB"


@check(
    id=ID,
    dimension="performance",
    title="Images are light",
    failure_title="Images make the page heavy",
    description=(
        "Images are usually the largest part of a page's weight, and the easiest to cut: serve them at the "
        "size they are shown, in a modern format (WebP, AVIF), compressed, and lazy-load those below the fold. "
        "Fails when the image bytes transferred (encoded, as on the wire, in the performance phase) exceed "
        "`max_bytes`; the detail gives their share of the page's bytes and the requests by type."
    ),
    requires=("performance",),
    params={"max_bytes": 1_048_576},
    source="Lighthouse audits total-byte-weight and uses-optimized-images; web.dev 'Optimize images'",
    help_url="https://developer.chrome.com/docs/lighthouse/performance/uses-optimized-images",
)
def run(page: PageInput) -> CheckResult:
    run_ = page.performance.median
    images = float(run_.bytes_by_type.get("image", 0))
    total = float(run_.bytes)
    if total <= 0:
        return CheckResult.errored(ID, page.url, "no bytes were measured")
    share = images / total
    counts = ", ".join(f"{kind} {n}" for kind, n in sorted(run_.requests_by_type.items()))
    detail = f"images {_kib(images)} of {_kib(total)} ({share:.0%})" + (f"; requests: {counts}" if counts else "")
    item = Item(url=page.url, detail=detail, value=images)
    limit = float(page.params["max_bytes"])
    if images > limit:
        return CheckResult.failed(ID, page.url, value=images, items=[item], score=max(0.0, min(1.0, limit / images)))
    return CheckResult.passed(ID, page.url, value=images, items=[item])
