"""skip-link: a link that lets keyboard users jump past repeated navigation (WCAG 2.4.1)."""

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "skip-link"


@check(
    id=ID,
    dimension="accessibility",
    title="Page has a working skip link",
    failure_title="Page has no working skip link",
    description=(
        "Keyboard and screen-reader users should be able to bypass the header and navigation that repeat on "
        'every page. Add `<a href="#main">Skip to main content</a>` as the first focusable element and give '
        "the main content that id. axe-core's `bypass` rule accepts a heading or landmark instead, so it misses "
        "sites where keyboard users must still tab through every menu item."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 2.4.1 Bypass Blocks",
    help_url="https://www.w3.org/WAI/WCAG22/Understanding/bypass-blocks",
)
def run(page: PageInput) -> CheckResult:
    doc = page.document
    if doc.skip_link is None:
        return CheckResult.failed(
            ID, page.url, items=[Item(url=page.url, detail="no in-page link before the main content")]
        )
    if not doc.skip_link_target_exists:
        return CheckResult.failed(
            ID,
            page.url,
            items=[Item(url=page.url, snippet=doc.skip_link, detail="the skip link's target does not exist")],
        )
    return CheckResult.passed(ID, page.url)
