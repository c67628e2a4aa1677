"""text-size: text large enough to read on a phone without zooming."""

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "text-size"


@check(
    id=ID,
    dimension="mobile",
    title="Text is legible on a phone",
    failure_title="Most text is too small to read on a phone",
    description=(
        "Text below 12 CSS px is hard to read on a phone. At least 60 % of a page's text should be 12 px or "
        "larger (Lighthouse's legibility threshold); a 16 px base size is better."
    ),
    requires=("mobile",),
    params={"min_share": 0.6},
    source="Lighthouse audit font-size (60 % of text at 12 px or more)",
)
def run(page: PageInput) -> CheckResult:
    m = page.mobile
    if m.text_chars_total == 0:
        return CheckResult.not_applicable(ID, page.url, "no visible text")
    share = 1 - m.text_chars_small / m.text_chars_total
    if share < float(page.params["min_share"]):
        return CheckResult.failed(
            ID,
            page.url,
            value=share,
            items=[Item(url=page.url, detail=f"{share:.0%} of text is 12px or larger", value=share)],
        )
    return CheckResult.passed(ID, page.url, value=share)
