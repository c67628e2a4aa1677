"""alt-title-conflict: an image with a title is not hidden from assistive technology by an empty alt (WCAG 1.1.1)."""

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "alt-title-conflict"


@check(
    id=ID,
    dimension="accessibility",
    title="Images described in a title are not marked decorative",
    failure_title='Some images have alt="" but a title that describes them',
    description=(
        'alt="" says an image is decoration, so screen readers skip it; a title on the same image says it '
        "means something, and shows that meaning to mouse users only. Decide which it is: put the "
        "description in alt (and drop the title), or drop the title from a decorative image."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.1.1 Non-text Content, techniques H67 (null alt and no title for decorative "
    "images) and H37 (alt)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/html/H67",
)
def run(page: PageInput) -> CheckResult:
    images = page.document.images
    if not images:
        return CheckResult.not_applicable(ID, page.url, "no images")
    bad = [i for i in images if i.alt is not None and not i.alt.strip() and (i.title or "").strip()]
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(url=page.url, selector=i.selector, snippet=(i.title or "")[:80], detail='alt="" with a title') for i in bad
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
