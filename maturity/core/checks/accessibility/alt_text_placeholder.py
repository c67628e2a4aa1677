"""alt-text-placeholder: text alternatives are not file names or generic words (WCAG 1.1.1, failure F30)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks.accessibility._alt import placeholder_reason
from maturity.core.model import CheckResult, Item

ID = "alt-text-placeholder"


@check(
    id=ID,
    dimension="accessibility",
    title="Image alternatives describe the image",
    failure_title="Some images have a file name or a generic word as their alternative",
    description=(
        'Alternative text such as "IMG_2041.JPG", "banner.png", "image" or "photo" is read out in '
        "place of the picture and tells the listener nothing, yet it satisfies a presence test such as "
        'axe-core\'s image-alt. Describe what the image shows or does, or use alt="" when it is decoration. '
        "Fails on an alternative that is a file name (the image's own, or any image file name), a camera "
        "file name, or one of the `generic` words."
    ),
    requires=("document",),
    params={
        "generic": [
            "image",
            "img",
            "photo",
            "picture",
            "graphic",
            "pic",
            "spacer",
            "untitled",
            "placeholder",
            "alt",
            "alt text",
            "blank",
            "thumbnail",
            "banner",
            "default",
        ]
    },
    source="WCAG 2.2 SC 1.1.1 Non-text Content, failure F30 (text alternatives that are not alternatives, "
    "such as file names or placeholder text)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/failures/F30",
)
def run(page: PageInput) -> CheckResult:
    images = [i for i in page.document.images if i.alt and i.alt.strip()]
    if not images:
        return CheckResult.not_applicable(ID, page.url, "no image with a text alternative")
    items = []
    for img in images:
        why = placeholder_reason(img.alt or "", img.src, page.params["generic"])
        if why:
            items.append(
                Item(url=page.url, selector=img.selector, snippet=(img.alt or "")[:80], detail=f"alt is {why}")
            )
    if not items:
        return CheckResult.passed(ID, page.url)
    return CheckResult.failed(ID, page.url, items=items, value=float(len(items)))
