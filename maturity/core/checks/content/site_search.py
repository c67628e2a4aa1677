"""site-search: the site offers a search box (site-level)."""

from types import SimpleNamespace
from typing import Any

from maturity.core.checks import PageInput, SiteInput, check
from maturity.core.checks._common import home_page, host_of
from maturity.core.model import CheckResult, DocumentFacts, Item

ID = "site-search"


def has_search(doc: DocumentFacts) -> bool:
    return doc.landmarks.get("search", 0) > 0 or any(f.role == "search" for f in doc.forms)


def _summary(page: PageInput) -> dict[str, Any]:
    """What the check reads of a page: its search landmarks and search forms."""
    doc = page.document
    forms = [f for f in doc.forms if f.role == "search"]
    return {"document": SimpleNamespace(landmarks={"search": doc.landmarks.get("search", 0)}, forms=forms)}


@check(
    id=ID,
    dimension="content",
    title="The site has a search box",
    failure_title="The site offers no search",
    description=(
        "Many people search rather than browse, and search is how they find what the navigation hides. "
        "Offer site search (for federal sites, Search.gov is free) in the header of every page. Passes when a "
        "sampled page has a search form (role=search, a search landmark, or a search field); with "
        "`on_home_page` the home page itself must have one."
    ),
    requires=("document",),
    scope="site",
    summary=_summary,
    params={"on_home_page": False},
    source="IDEA Act §3(a)(4) (searchable); GSA Site Scanning fields site_search and search.gov",
)
def run(site: SiteInput) -> CheckResult:
    if not site.pages:
        return CheckResult.errored(ID, None, "no page was assessed")
    with_search = [p for p in site.pages if has_search(p.document)]
    share = len(with_search) / len(site.pages)
    searchgov = any(
        host_of(f.action).endswith("search.usa.gov")
        for p in with_search
        for f in p.document.forms
        if f.role == "search"
    )
    detail = f"search on {len(with_search)} of {len(site.pages)} sampled pages" + (" (Search.gov)" if searchgov else "")
    if site.params["on_home_page"]:
        home = home_page(site)
        if home is None:
            return CheckResult.errored(ID, None, "neither the home page nor the start page was assessed")
        ok = home in with_search
        where = home.url
    else:
        ok = bool(with_search)
        where = with_search[0].url if with_search else site.site.start_url
    item = Item(url=where, detail=detail, value=share)
    if ok:
        return CheckResult.passed(ID, None, value=share, items=[item])
    return CheckResult.failed(ID, None, value=share, items=[item])
