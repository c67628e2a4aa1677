"""new-window-warning: links that open a new window or tab without saying so."""

import re

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "new-window-warning"


@check(
    id=ID,
    dimension="accessibility",
    title="Links that open a new window say so",
    failure_title="Some links open a new window or tab without warning",
    description=(
        "A link that opens a new window or tab breaks the Back button and disorients screen-reader and "
        "magnifier users, who may not notice the change. Open links in the same window; where a new one is "
        'needed, say so in the link text, for example "(opens in a new tab)" (visually hidden text counts).'
    ),
    requires=("document",),
    params={"warning": r"new (window|tab)|nueva (ventana|pestaña)|external|externo"},
    source="WCAG 2.2 SC 3.2.5 Change on Request (technique G201: warning before opening a new window)",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/general/G201",
)
def run(page: PageInput) -> CheckResult:
    opening = [link for link in page.document.links if link.target.strip().lower() == "_blank"]
    if not opening:
        return CheckResult.not_applicable(ID, page.url, "no link opens a new window")
    warning = re.compile(page.params["warning"], re.IGNORECASE)
    bad = [link for link in opening if not warning.search(link.text)]
    if not bad:
        return CheckResult.passed(ID, page.url)
    items = [Item(url=page.url, selector=link.selector, snippet=link.text[:80], detail=link.href) for link in bad]
    return CheckResult.failed(ID, page.url, items=items, value=float(len(bad)))
