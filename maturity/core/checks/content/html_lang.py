"""html-lang: the page declares its language."""

import re

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "html-lang"
# BCP 47 in the shape browsers and screen readers use: language, optional script/region/variants.
_BCP47 = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|[0-9]{3}))?(-[a-zA-Z0-9]{5,8})*$")


@check(
    id=ID,
    dimension="content",
    title="Page declares its language",
    failure_title="Page does not declare a valid language",
    description=(
        '`<html lang="en">` lets screen readers pronounce text correctly and browsers offer translation. '
        "Set it on every page, `es` on Spanish pages."
    ),
    requires=("document",),
    source="WCAG 2.2 SC 3.1.1 Language of Page; BCP 47",
)
def run(page: PageInput) -> CheckResult:
    lang = (page.document.lang or "").strip()
    if not lang:
        return CheckResult.failed(ID, page.url, items=[Item(url=page.url, detail="no lang attribute on <html>")])
    if not _BCP47.match(lang):
        return CheckResult.failed(ID, page.url, items=[Item(url=page.url, snippet=lang, detail="not a BCP 47 tag")])
    return CheckResult.passed(ID, page.url)
