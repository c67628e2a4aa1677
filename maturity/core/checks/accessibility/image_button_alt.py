"""image-button-alt: image buttons are named for what they do, not by a file name or a generic word (F30)."""

from maturity.core.checks import PageInput, check
from maturity.core.checks._common import not_gathered
from maturity.core.checks.accessibility._alt import placeholder_reason
from maturity.core.model import CheckResult, Item

ID = "image-button-alt"


@check(
    id=ID,
    dimension="accessibility",
    title="Image buttons are named for what they do",
    failure_title="Some image buttons are named by a file name or a generic word",
    description=(
        'An image used as a button (<input type="image">, or a <button> holding only an image) is announced '
        'by its text alternative: "search-icon.png, button" or "image, button" says nothing about what it '
        'does. Name the action ("Search", "Close"). Buttons with no name at all are axe-core\'s '
        "input-image-alt and button-name rules; this check catches the names that are there but empty of "
        "meaning (`generic` words, file names)."
    ),
    requires=("document",),
    params={
        "generic": [
            "image",
            "img",
            "icon",
            "button",
            "btn",
            "graphic",
            "picture",
            "click",
            "click here",
            "spacer",
            "untitled",
            "arrow",
            "submit button",
            "image button",
        ]
    },
    source="WCAG 2.2 SC 1.1.1 Non-text Content and SC 4.1.2 Name, Role, Value, failure F30 (text "
    "alternatives that are not alternatives)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/failures/F30",
)
def run(page: PageInput) -> CheckResult:
    buttons = page.document.image_buttons
    if buttons is None:
        return not_gathered(ID, page.url, "image button facts")
    if not buttons:
        return CheckResult.not_applicable(ID, page.url, "no image buttons")
    items = []
    for b in buttons:
        why = placeholder_reason(b.name, b.src, page.params["generic"])
        if why:
            items.append(Item(url=page.url, selector=b.selector, snippet=b.name[:80], detail=f"named by {why}"))
    if not items:
        return CheckResult.passed(ID, page.url)
    return CheckResult.failed(ID, page.url, items=items, value=float(len(items)))
