"""presentational-alt: an image hidden from assistive technology that still has alternative text (WCAG 1.1.1)."""

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "presentational-alt"


@check(
    id=ID,
    dimension="accessibility",
    title="Images marked decorative have no alternative text",
    failure_title='Some images are hidden from screen readers (role="presentation" or aria-hidden) but have alt text',
    description=(
        'role="presentation", role="none" and aria-hidden="true" tell assistive technology to skip an image; '
        "a non-empty alt on the same image says it means something. One of the two is wrong: if the image "
        'informs, remove the role or aria-hidden so its alt is read; if it is decoration, give it alt="". '
        'Fails on <img> elements with such a role or aria-hidden="true" and alt text that is not blank. '
        "Advisory: which signal is wrong takes a person to say."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 1.1.1 Non-text Content, techniques H67 (null alt for images assistive technology "
    'should ignore) and failure F39; ARIA in HTML (an img with non-empty alt may not take role "none" or '
    '"presentation")',
    help_url="https://www.w3.org/TR/html-aria/#el-img",
)
def run(page: PageInput) -> CheckResult:
    images = page.document.images
    if not images:
        return CheckResult.not_applicable(ID, page.url, "no images")
    # the first token of role is the one a browser takes (the rest are fallbacks)
    hidden = [i for i in images if i.role.split()[:1] in (["presentation"], ["none"]) or i.aria_hidden]
    if not hidden:
        return CheckResult.not_applicable(ID, page.url, "no image is marked decorative or hidden")
    bad = [i for i in hidden if (i.alt or "").strip()]
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [
        Item(
            url=page.url,
            selector=i.selector,
            snippet=(i.alt or "").strip()[:80],
            detail='aria-hidden="true" with alt text' if i.aria_hidden else f'role="{i.role}" with alt text',
        )
        for i in bad
    ]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
