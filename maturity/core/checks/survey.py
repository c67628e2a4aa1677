"""Survey figures as checks: ``survey/<measure>`` (``survey/trust``, ``survey/ease``, ...).

Like attested questions, these read no page: the agency's own A-11 survey figures, imported with
``maturity xdata import`` and attached to a crawl as :attr:`maturity.core.model.SiteFacts.survey`
by ``maturity xdata score``. They are not registered one by one: any ``survey/<measure>`` of
:data:`MEASURES` resolves here, and a rubric names it like a check (``check: survey/trust``).

Each service's newest fiscal quarter with 30 responses or more counts (a quarter with fewer is
shown, never scored). The share is thumbs-up (A-11 v2), top-two-box on the 5-point agree scale,
or a share a quarterly table gives; the v2 checkboxes (what went well or badly) say why, not how
many agree, so they are not scored. Passes when every service reaches ``min_share``; a service
below it earns credit in proportion (0.60 against 0.75 scores 0.8). Without survey figures the
check does not apply: the dimension is "not assessed", never scored 0.
"""

from __future__ import annotations

from functools import cache

from maturity.core.checks import SURVEY_PREFIX, Check, CheckMeta, SiteInput
from maturity.core.model import CheckResult, Item, SurveyFacts, SurveyFigure

MEASURES = ("trust", "satisfaction", "effectiveness", "ease", "efficiency", "transparency", "humanity", "employee")
SCORED_KINDS = ("thumbs", "likert", "share")


def newest(survey: SurveyFacts, measure: str) -> dict[str, SurveyFigure]:
    """Per service, the newest quarter's figure of ``measure`` that may be scored."""
    out: dict[str, SurveyFigure] = {}
    for f in survey.figures:
        if f.measure != measure or f.kind not in SCORED_KINDS or f.share is None:
            continue
        best = out.get(f.service)
        if best is None or (f.fiscal_year, f.quarter) > (best.fiscal_year, best.quarter):
            out[f.service] = f
    return out


def _describe(f: SurveyFigure) -> str:
    text = f"FY{f.fiscal_year} Q{f.quarter}: {f.share or 0:.1%}"
    if f.low is not None and f.high is not None:
        text += f" [95 % interval {f.low:.1%}-{f.high:.1%}]"
    text += f", n {f.n} ({f.kind})"
    return text + (f"; trust question: {f.trust_question}" if f.measure == "trust" and f.trust_question else "")


@cache
def survey_check(measure: str) -> Check:
    check_id = SURVEY_PREFIX + measure
    meta = CheckMeta(
        id=check_id,
        dimension="survey",
        title=f"Customers rate the services well on {measure}",
        failure_title=f"A service is below the mark on {measure}",
        description=(
            f"The share of the agency's surveyed customers who answer positively on {measure} (thumbs-up, or 4-5 "
            "on the 5-point agree scale), for each service's newest quarter with 30 responses or more, from the "
            "agency's OMB Circular A-11 §280 surveys (`maturity xdata import`). Passes when every service reaches "
            "`min_share`. Without survey results it does not apply: not assessed, never zero."
        ),
        requires=("site",),
        scope="site",
        params={"min_share": 0.75},
        source="OMB Circular A-11 §280 (customer experience: trust and its drivers); the mark is the rubric's",
        help_url="https://www.performance.gov/cx/",
    )

    def run(site: SiteInput) -> CheckResult:
        survey = site.site.survey
        if survey is None or not any(f.measure == measure for f in survey.figures):
            return CheckResult.not_applicable(check_id, None, f"no survey results on {measure}: not assessed")
        figures = newest(survey, measure)
        if not figures:
            return CheckResult.not_applicable(
                check_id,
                None,
                f"insufficient responses on {measure} (fewer than 30 in every quarter), or asked only as a checkbox",
            )
        min_share = float(site.params["min_share"])
        shares = {service: f.share or 0.0 for service, f in figures.items()}
        score = sum(1.0 if s >= min_share else s / min_share for s in shares.values()) / len(shares)
        items = [
            Item(url=site.site.start_url, snippet=service, detail=_describe(f), value=f.share)
            for service, f in sorted(figures.items())
        ]
        if all(s >= min_share for s in shares.values()):
            return CheckResult.passed(check_id, None, items=items, value=score)
        return CheckResult.failed(check_id, None, score=score, value=score, items=items)

    return Check(meta=meta, fn=run)
