"""adjacent-links: an image link and a text link to the same place are one link (technique H2)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.model import CheckResult, Item

ID = "adjacent-links"


@check(
    id=ID,
    dimension="accessibility",
    title="Adjacent links to the same place are combined",
    failure_title="Some links sit next to another link to the same address",
    description=(
        "An icon link followed by a text link to the same page makes keyboard users tab twice and screen-"
        'reader users hear the destination twice (or once as "link, graphic" with no name). Put the image '
        'and the text in one link, with alt="" on the image. Fails when two links in a row go to the same '
        "address with nothing but white space between them. Advisory."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.1.1 and SC 2.4.4, technique H2 (combining adjacent image and text links for the "
    "same resource)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/html/H2",
)
def run(page: PageInput) -> CheckResult:
    pairs = page.document.adjacent_links
    if pairs is None:
        return not_gathered(ID, page.url, "adjacent link facts")
    if len(page.document.links) < 2:
        return CheckResult.not_applicable(ID, page.url, "fewer than two links")
    if not pairs:
        return CheckResult.passed(ID, page.url)
    items = [Item(url=page.url, selector=p.selector, snippet=p.text[:80], detail=p.href) for p in pairs]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(pairs)))
