"""document-link-type: links to documents say what kind of file they open (WCAG 2.4.4, advisory)."""

import re
from urllib.parse import urlsplit

from maturity.core.checks import PageInput, check
from maturity.core.model import CheckResult, Item

ID = "document-link-type"
_SIZE = re.compile(r"\d\s*(bytes?|[kmg]i?b)\b", re.IGNORECASE)
_TYPE_WORDS = {
    "pdf": ["pdf"],
    "doc": ["doc", "word"],
    "docx": ["docx", "doc", "word"],
    "xls": ["xls", "excel", "spreadsheet"],
    "xlsx": ["xlsx", "xls", "excel", "spreadsheet"],
    "ppt": ["ppt", "powerpoint", "slides"],
    "pptx": ["pptx", "ppt", "powerpoint", "slides"],
    "odt": ["odt", "opendocument"],
    "ods": ["ods", "opendocument", "spreadsheet"],
    "rtf": ["rtf", "rich text"],
    "zip": ["zip"],
}


def _extension(href: str) -> str:
    try:
        path = urlsplit(href).path.lower()
    except ValueError:
        return ""
    return path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""


@check(
    id=ID,
    dimension="accessibility",
    title="Links to documents say the file type",
    failure_title="Some links open a document without saying its type",
    description=(
        "A link that opens a PDF or a spreadsheet instead of a page surprises people: screen-reader users "
        "land in another application, people on phones download megabytes. Say the type in the link, and "
        'the size where it is large ("Annual report (PDF, 2.4 MB)"). Fails when the link\'s name does not '
        "name the type of a document it links to (`extensions`); with `require_size: true` the size must be "
        "given as well. Advisory: the type belongs to the link's purpose, which WCAG asks to be clear."
    ),
    requires=("document",),
    params={"extensions": sorted(_TYPE_WORDS), "require_size": False},
    source="WCAG 2.2 SC 2.4.4 Link Purpose (In Context) (Understanding: a link's purpose includes what it "
    "opens); Digital.gov and GOV.UK guidance on linking to documents",
    help_url="https://www.w3.org/WAI/WCAG22/Understanding/link-purpose-in-context",
)
def run(page: PageInput) -> CheckResult:
    wanted = {e.lower().lstrip(".") for e in page.params["extensions"]}
    docs = [(link, ext) for link in page.document.links if (ext := _extension(link.href)) in wanted]
    if not docs:
        return CheckResult.not_applicable(ID, page.url, "no links to documents")
    items = []
    for link, ext in docs:
        name = (link.name if link.name is not None else link.text).lower()
        words = _TYPE_WORDS.get(ext, [ext])
        missing = []
        if not any(re.search(rf"\b{re.escape(w)}\b", name) for w in words):
            missing.append("type")
        if page.params["require_size"] and not _SIZE.search(name):
            missing.append("size")
        if missing:
            items.append(
                Item(
                    url=page.url,
                    selector=link.selector,
                    snippet=name[:80],
                    detail=f"{ext} file; no {' or '.join(missing)}",
                )
            )
    if not items:
        return CheckResult.passed(ID, page.url)
    return CheckResult.failed(ID, page.url, items=items, value=float(len(items)))
