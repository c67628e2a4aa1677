"""link-title-redundant: a link's title repeats its name (advisory; technique H33)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks.accessibility.vague_link_text import normalise
from maturity.core.model import CheckResult, Item, Link

ID = "link-title-redundant"


@check(
    id=ID,
    dimension="accessibility",
    title="Link titles add something to the link text",
    failure_title="Some links have a title that only repeats the link text",
    description=(
        'A title attribute is for supplementary information about a link. One that repeats the link text ("Parks" '
        'titled "Parks") adds nothing: mouse users get a tooltip saying what they just read, and some screen '
        "readers read the name twice. Remove the title, or make it say something the text does not. Fails "
        "when a link's title equals its name from content, aria-label or aria-labelledby (case, white space "
        "and punctuation aside); a title that is the link's only name is left alone (axe-core's link-name "
        "judges names). Advisory."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 2.4.4 Link Purpose (In Context), technique H33 (supplementing link text with the "
    "title attribute: the title provides additional information)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/html/H33",
)
def run(page: PageInput) -> CheckResult:
    # A crawl that did not record titles (before they were gathered) has none to compare: not
    # applicable, as for a page whose links have no title; one without computed names compares the text.
    titled = [link for link in page.document.links if link.title and not link.name_from_title]
    if not titled:
        return CheckResult.not_applicable(ID, page.url, "no link names itself and has a title")
    bad = [link for link in titled if (t := normalise(link.title or "")) and t == normalise(_name(link))]
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(
            url=page.url, selector=link.selector, snippet=(link.title or "")[:80], detail="title repeats the link text"
        )
        for link in bad
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))


def _name(link: Link) -> str:
    return link.name if link.name is not None else link.text
