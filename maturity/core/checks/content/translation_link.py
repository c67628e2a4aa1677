"""translation-link: the home page offers the site in another language (site-level)."""

from maturity.core.checks import SiteInput, check
from maturity.core.checks._common import compile_link_spec, home_only, home_page, link_matches, validate_link_specs
from maturity.core.model import CheckResult, Item

ID = "translation-link"


@check(
    id=ID,
    dimension="content",
    title="The home page links to other languages",
    failure_title="The home page offers no other language",
    description=(
        "Residents with limited English need to find information in their language from the first page. Link "
        'to translated pages (at least Spanish, "Español", written in that language) or a translation and '
        "language-assistance page from the home page. Passes on a link or <link rel=alternate> with an hreflang "
        "other than the page's own language, or a link matching `link` (a URL and/or text pattern)."
    ),
    requires=("document",),
    scope="site",
    summary=home_only,
    params={
        "link": {
            "url": r"(^|/)(es|es-us|espanol|spanish)(/|$)|[?&](lang|hl)=es\b|translat",
            "text": r"español|espanol|spanish|translat|traduc|language assistance|other languages|"
            r"中文|tiếng việt|한국어|русский|français|kreyòl|tagalog|العربية",
        }
    },
    source="Executive Order 13166 (limited English proficiency); IDEA Act §3(a)(7); "
    "GSA Site Scanning required link Español",
    validate=lambda params: validate_link_specs({"link": params.get("link")}, ""),
)
def run(site: SiteInput) -> CheckResult:
    home = home_page(site)
    if home is None:
        return CheckResult.errored(ID, None, "neither the home page nor the start page was assessed")
    own = (home.document.lang or "").lower().split("-")[0]
    patterns = compile_link_spec(site.params["link"])
    for link in home.document.links:
        other = link.hreflang and link.hreflang.lower().split("-")[0] != own
        if other or link_matches(link, patterns):
            return CheckResult.passed(ID, None, items=[Item(url=home.url, snippet=link.text[:80], detail=link.href)])
    for alt in home.document.alternates or []:
        if alt.hreflang.lower().split("-")[0] not in (own, "x"):
            return CheckResult.passed(ID, None, items=[Item(url=home.url, snippet=alt.hreflang, detail=alt.href)])
    return CheckResult.failed(ID, None, items=[Item(url=home.url, detail="no link to another language")])
