"""Survey figures as checks: ``survey/<measure>`` (``survey/trust``, ``survey/ease``, ...).

Like attested questions, these read no page: the agency's own A-11 survey figures, imported with
``maturity xdata import`` and attached to a crawl as :attr:`maturity.core.model.SiteFacts.survey`
by the audit itself (a portfolio run, or ``maturity audit`` for a site whose agency has survey
results) or by ``maturity xdata score``. They are not registered one by one: any
``survey/<measure>`` of :data:`MEASURES` resolves here, and a rubric names it like a check
(``check: survey/trust``).

Each service's newest fiscal quarter with 30 responses or more counts (a quarter with fewer is
shown, never scored), among the quarters a run may use: by default (``quarter: complete``) only
quarters that ended before the run date, so a run is scored with the latest complete quarter as
it stood that day and a later import of newer quarters never moves an old run's score; a rubric
may say ``quarter: current`` to let the run date's own, unfinished quarter count too. The
figures say which quarter each service's share comes from. The share is thumbs-up (A-11 v2),
top-two-box on the 5-point agree scale, or a share a quarterly table gives; the v2 checkboxes
(what went well or badly) say why, not how many agree, so they are not scored. Passes when every
service reaches ``min_share``; a service below it earns credit in proportion (0.60 against 0.75
scores 0.8). Without survey figures the check does not apply: the dimension is "not assessed",
never scored 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

from maturity.core.checks import SURVEY_PREFIX, Check, CheckMeta, SiteInput
from maturity.core.model import CheckResult, Item, SurveyFacts, SurveyFigure
from maturity.core.xdata import COMPLETE, QUARTER_RULES, last_quarter

MEASURES = ("trust", "satisfaction", "effectiveness", "ease", "efficiency", "transparency", "humanity", "employee")
SCORED_KINDS = ("thumbs", "likert", "share")


def cutoff(survey: SurveyFacts, rule: str = COMPLETE) -> tuple[int, int] | None:
    """The newest fiscal quarter the run may be scored with (None: the figures carry no run date)."""
    if not survey.as_of:
        return None
    return last_quarter(date.fromisoformat(survey.as_of[:10]), survey.fiscal_year_start, rule)


def quarter_rule(survey: SurveyFacts, rule: str = COMPLETE) -> str:
    """Which quarters count, in words, for the scorecard."""
    newest_allowed = cutoff(survey, rule)
    if newest_allowed is None:
        return "each service's newest quarter with 30 responses or more"
    fy, q = newest_allowed
    which = "latest complete quarter" if rule == COMPLETE else "the run date's own quarter"
    return (
        f"each service's newest quarter with 30 responses or more up to FY{fy} Q{q} ({which} on the run date "
        f"{survey.as_of[:10] if survey.as_of else ''})"
    )


def newest(survey: SurveyFacts, measure: str, rule: str = COMPLETE) -> dict[str, SurveyFigure]:
    """Per service, the newest quarter's figure of ``measure`` that may be scored (on or before the
    run date's :func:`cutoff`)."""
    limit = cutoff(survey, rule)
    out: dict[str, SurveyFigure] = {}
    for f in survey.figures:
        if f.measure != measure or f.kind not in SCORED_KINDS or f.share is None:
            continue
        if limit is not None and (f.fiscal_year, f.quarter) > limit:
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
            "on the 5-point agree scale), for each service's newest quarter with 30 responses or more that ended "
            "before the run date (`quarter: complete`; `quarter: current` lets the run date's own quarter count), "
            "from the agency's OMB Circular A-11 §280 surveys (`maturity xdata import`). Passes when every service "
            "reaches `min_share`. Without survey results it does not apply: not assessed, never zero."
        ),
        requires=("site",),
        scope="site",
        params={"min_share": 0.75, "quarter": COMPLETE},
        source="OMB Circular A-11 §280 (customer experience: trust and its drivers); the mark is the rubric's",
        help_url="https://www.performance.gov/cx/",
        validate=_validate,
    )

    def run(site: SiteInput) -> CheckResult:
        survey = site.site.survey
        if survey is None or not any(f.measure == measure for f in survey.figures):
            return CheckResult.not_applicable(check_id, None, f"no survey results on {measure}: not assessed")
        rule = str(site.params.get("quarter", COMPLETE))
        figures = newest(survey, measure, rule)
        if not figures:
            limit = cutoff(survey, rule)
            upto = "" if limit is None else f" up to FY{limit[0]} Q{limit[1]} (the run date {survey.as_of})"
            return CheckResult.not_applicable(
                check_id,
                None,
                f"insufficient responses on {measure} (fewer than 30 in every quarter{upto}), "
                "or asked only as a checkbox",
            )
        min_share = float(site.params["min_share"])
        shares = {service: f.share or 0.0 for service, f in figures.items()}
        score = sum(1.0 if s >= min_share else s / min_share for s in shares.values()) / len(shares)
        rule_text = quarter_rule(survey, rule)
        items = [
            Item(url=site.site.start_url, snippet=service, detail=f"{_describe(f)}; {rule_text}", value=f.share)
            for service, f in sorted(figures.items())
        ]
        if all(s >= min_share for s in shares.values()):
            return CheckResult.passed(check_id, None, items=items, value=score)
        return CheckResult.failed(check_id, None, score=score, value=score, items=items)

    return Check(meta=meta, fn=run)


def _validate(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    problems = []
    share = params.get("min_share")
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
        problems.append(("min_share", "must be a share above 0 and at most 1 (0.75 = 75 %)"))
    if params.get("quarter") not in QUARTER_RULES:
        problems.append(("quarter", f"must be one of: {', '.join(QUARTER_RULES)}"))
    return problems


def describe_survey(survey: SurveyFacts | None, rule: str = COMPLETE) -> str:
    """For the scorecard: whose survey figures the run carries and which quarter each service's
    trust comes from (or why the dimension is not assessed)."""
    if survey is None:
        return (
            "no survey results are imported for this site's agency (maturity xdata import), "
            "so customer experience is not assessed"
        )
    whose = survey.agency
    here = [s.name for s in survey.services if s.here]
    if here:
        whose += f", services delivered on this site: {', '.join(here)}"
    trust = newest(survey, "trust", rule)
    used = "; ".join(f"{service} FY{f.fiscal_year} Q{f.quarter} (n {f.n})" for service, f in sorted(trust.items()))
    return f"figures of {whose}; {quarter_rule(survey, rule)}; trust from " + (
        used or "no quarter with 30 responses or more: not assessed"
    )
