"""online-forms: services offered as online forms, not only as PDF forms to print (site-level)."""

import re
from types import SimpleNamespace
from typing import Any

from maturity.core.checks import PageInput, SiteInput, check
from maturity.core.checks._common import host_of, validate_regex
from maturity.core.checks.content.pdf_share import is_pdf
from maturity.core.model import CheckResult, Item, normalise_for_lookup

ID = "online-forms"


def _summary(page: PageInput) -> dict[str, Any]:
    """A page's summary: its online forms and its links to PDF forms on the site's own hosts."""
    site = page.site
    hosts = {host_of(u) for u in (site.start_url, site.homepage_url or "") if u}
    pattern = re.compile(page.params["pdf_form_pattern"], re.IGNORECASE)
    forms = [f for f in page.document.forms if f.role != "search" and f.fields]
    links = []
    for link in page.document.links:
        url = normalise_for_lookup(link.href)
        if not url or host_of(url) not in hosts or not is_pdf(url, site.non_html):
            continue
        if pattern.search(url.rsplit("/", 1)[-1]) or pattern.search(link.text):
            links.append(link)
    return {"document": SimpleNamespace(forms=forms, links=links)}


@check(
    id=ID,
    dimension="content",
    title="Forms can be completed online",
    failure_title="Forms are offered mostly as PDFs to print, not online",
    description=(
        "A PDF form must be downloaded, printed, filled in by hand and mailed: slow, error-prone and hard for "
        "people who use assistive technology. Offer each form as an accessible online form. Online forms are "
        "the distinct (by action) non-search forms on the sampled pages; PDF forms are linked PDFs whose URL or "
        "link text matches `pdf_form_pattern`. Passes when online forms are at least `min_online_share` of "
        "both; not applicable when the site shows neither."
    ),
    requires=("document",),
    scope="site",
    summary=_summary,
    params={"min_online_share": 0.5, "pdf_form_pattern": r"\bforms?\b|application|apply|formulario|solicitud"},
    source="IDEA Act §3(e) (digitize forms) and §3(a)(7) (customized, transactions online); OMB M-23-22",
    validate=lambda p: validate_regex(p.get("pdf_form_pattern"), "pdf_form_pattern"),
)
def run(site: SiteInput) -> CheckResult:
    hosts = {host_of(u) for u in (site.site.start_url, site.site.homepage_url or "") if u}
    pattern = re.compile(site.params["pdf_form_pattern"], re.IGNORECASE)
    online: dict[str, str] = {}  # action -> page
    pdf_forms: dict[str, str] = {}  # pdf URL -> link text
    for page in site.pages:
        for form in page.document.forms:
            if form.role == "search" or not form.fields:
                continue
            online.setdefault(normalise_for_lookup(form.action) or form.action or page.url, page.url)
        for link in page.document.links:
            url = normalise_for_lookup(link.href)
            if not url or host_of(url) not in hosts or not is_pdf(url, site.site.non_html):
                continue
            if pattern.search(url.rsplit("/", 1)[-1]) or pattern.search(link.text):
                pdf_forms.setdefault(url, link.text)
    total = len(online) + len(pdf_forms)
    if total == 0:
        return CheckResult.not_applicable(ID, None, "no forms, online or PDF")
    share = len(online) / total
    detail = f"{len(online)} online form(s), {len(pdf_forms)} PDF form(s)"
    if share < float(site.params["min_online_share"]):
        items = [Item(url=site.site.start_url, detail=detail, value=share)]
        items += [Item(url=u, snippet=text[:80], detail="PDF form") for u, text in sorted(pdf_forms.items())[:20]]
        return CheckResult.failed(ID, None, value=share, score=share, items=items)
    return CheckResult.passed(ID, None, value=share, items=[Item(url=site.site.start_url, detail=detail, value=share)])
