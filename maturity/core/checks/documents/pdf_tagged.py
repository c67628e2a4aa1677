"""pdf-tagged: every PDF is tagged (a structure tree, and marked as tagged)."""

from maturity.core.checks import SiteInput, check
from maturity.core.checks.documents._judge import COMPLIANCE_DATE, judge, validate_date
from maturity.core.documents import PdfFacts
from maturity.core.model import CheckResult

ID = "pdf-tagged"


def problem(pdf: PdfFacts, _params: object) -> str | None:
    if pdf.tagged:
        return None
    if pdf.has_struct_tree:
        return "has a structure tree but is not marked as tagged (/MarkInfo /Marked true)"
    if pdf.marked:
        return "marked as tagged but has no structure tree (/StructTreeRoot)"
    return "untagged: no structure tree"


@check(
    id=ID,
    dimension="documents",
    title="PDFs are tagged",
    failure_title="Some PDFs are untagged",
    description=(
        "Tags are a PDF's structure: headings, paragraphs, lists, tables and figures in reading order. Without "
        "them a screen reader reads a flat run of text, often in the wrong order, and nothing else in the PDF "
        "can be made accessible. Passes when every assessable PDF has a structure tree (/StructTreeRoot) and "
        "says it is tagged (/MarkInfo /Marked true); the score is the share that do. Fix: tag the source "
        "document when exporting (Word: 'Document structure tags for accessibility'), or add tags in a PDF "
        "editor and check the reading order."
    ),
    requires=("site",),
    scope="site",
    params={"compliance_date": COMPLIANCE_DATE},
    source="WCAG 2.1 SC 1.3.1 and 4.1.2 (techniques PDF9, PDF6, PDF21 rely on tags); PDF/UA-1 (ISO 14289-1) "
    "7.1 (content shall be tagged; MarkInfo Marked true); Matterhorn Protocol checkpoints 01 and 06",
    help_url="https://www.w3.org/WAI/WCAG22/Techniques/#pdf",
    validate=validate_date,
)
def run(site: SiteInput) -> CheckResult:
    return judge(ID, site, problem)
