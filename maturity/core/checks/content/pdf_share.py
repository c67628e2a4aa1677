"""pdf-share: how much of what the site links to is PDF rather than web pages (site-level)."""

from typing import Any
from urllib.parse import urlsplit

from maturity.core.checks import PageInput, SiteInput, check
from maturity.core.checks._common import host_of
from maturity.core.model import CheckResult, Item, normalise_for_lookup

ID = "pdf-share"


def is_pdf(url: str, non_html: dict[str, str]) -> bool:
    return non_html.get(url, "").startswith("application/pdf") or urlsplit(url).path.lower().endswith(".pdf")


def _internal_targets(page: PageInput) -> dict[str, Any]:
    """A page's summary: the normalised URLs of its links on the site's own hosts. A URL many pages
    link is mostly one string among them (normalise_for_lookup remembers its recent answers); not
    interned, because the interpreter's table of interned strings keeps its size for good."""
    hosts = {host_of(u) for u in (page.site.start_url, page.site.homepage_url or "") if u}
    targets = (normalise_for_lookup(link.href) for link in page.document.links)
    return {"targets": tuple(u for u in targets if u is not None and host_of(u) in hosts)}


@check(
    id=ID,
    dimension="content",
    title="Content is published as web pages, not PDFs",
    failure_title="A large share of the site's content is in PDFs",
    description=(
        "PDFs are hard to read on phones, often inaccessible (untagged, scanned), not found by site search and "
        "rarely kept up to date. Publish information as HTML pages; keep PDFs for documents that must be "
        "printed or signed, and tag them. Measured over the distinct internal links of the sampled pages: "
        "PDF targets as a share of PDF and HTML targets together. Fails above `max_share`."
    ),
    requires=("document",),
    scope="site",
    summary=_internal_targets,
    params={"max_share": 0.2},
    source="OMB M-23-22 (digital-first: publish in HTML rather than PDF where possible); "
    "DOMAIN.md (IDEA Act: accessible)",
)
def run(site: SiteInput) -> CheckResult:
    non_html = site.site.non_html
    pdfs: set[str] = set()
    pages: set[str] = set()
    for page in site.pages:
        for url in page.artifacts["targets"]:
            if is_pdf(url, non_html):
                pdfs.add(url)
            elif url not in non_html:
                pages.add(url)
    total = len(pdfs) + len(pages)
    if total == 0:
        return CheckResult.not_applicable(ID, None, "no internal links")
    share = len(pdfs) / total
    detail = f"{len(pdfs)} PDF and {len(pages)} HTML link targets ({share:.0%} PDF)"
    pdf_in_sitemaps = sum(s.pdf_count for s in site.site.sitemaps)
    if pdf_in_sitemaps:
        detail += f"; the sitemaps list {pdf_in_sitemaps} PDFs"
    if share > float(site.params["max_share"]):
        items = [Item(url=site.site.start_url, detail=detail, value=share)]
        items += [Item(url=u, snippet=u, detail="PDF linked from the site") for u in sorted(pdfs)[:20]]
        return CheckResult.failed(ID, None, value=share, score=1 - share, items=items)
    return CheckResult.passed(ID, None, value=share, items=[Item(url=site.site.start_url, detail=detail, value=share)])
