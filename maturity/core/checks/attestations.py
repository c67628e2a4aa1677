"""Attested questions as checks: ``attest/<question>``, one per question a rubric asks.

A rubric declares the question (``question: <id>``, its ``text`` and how long an answer
stays valid); the answers come from the agency's attestation file, attached to the crawl
as :attr:`maturity.core.model.SiteFacts.attestations` (see :mod:`maturity.core.attest`). Like the axe
rules, these checks are not registered one by one: any ``attest/<id>`` resolves here.

Outcomes, judged at the crawl's date so that rescoring an old crawl gives the same answer:

* no file attached, no answer to the question, or an answer that had expired: **error**
  (the dimension is marked incomplete; a missing answer is never a silent zero);
* ``yes`` passes (score 1), ``no`` fails (score 0);
* a score from 0 to 1 counts as given, and passes at ``pass_score`` or above.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from maturity.core.checks import ATTEST_PREFIX, Check, CheckMeta, SiteInput
from maturity.core.checks._common import parse_date
from maturity.core.model import CheckResult, Item

DEFAULT_VALID_DAYS = 365


@cache
def attestation_check(question: str) -> Check:
    check_id = ATTEST_PREFIX + question
    meta = CheckMeta(
        id=check_id,
        dimension="attestation",
        title=f"Attested: {question}",
        failure_title=f"Attested no (or below the pass mark): {question}",
        description=(
            "A question no crawler can answer, answered by the agency in its attestation file (yes or no, or a "
            "score from 0 to 1, with evidence and a date). A missing or expired answer leaves the dimension "
            "incomplete rather than scoring it zero."
        ),
        requires=("site",),
        scope="site",
        params={"text": "", "valid_days": DEFAULT_VALID_DAYS, "pass_score": 0.5},
        source="Agency attestation (the rubric's question)",
    )

    def run(site: SiteInput) -> CheckResult:
        text = str(site.params.get("text") or question)
        answers = site.site.attestations
        if answers is None:
            return CheckResult.errored(check_id, None, f"no attestation file was given (question: {text})")
        answer = next((a for a in answers.attestations if a.question == question), None)
        if answer is None:
            return CheckResult.errored(
                check_id, None, f"{answers.source or 'the attestation file'} does not answer {question!r} ({text})"
            )
        given = parse_date(answer.date)
        if given is None:
            return CheckResult.errored(check_id, None, f"the answer to {question!r} has no readable date")
        expires = (
            parse_date(answer.expires) if answer.expires else given + timedelta(days=int(site.params["valid_days"]))
        )
        as_of = parse_date(site.site.crawled_at) or parse_date(answers.attached_at)
        if expires is not None and as_of is not None and expires < as_of:
            return CheckResult.errored(
                check_id, None, f"the answer to {question!r} expired on {expires.isoformat()} (crawl of {as_of})"
            )
        score = (1.0 if answer.answer else 0.0) if isinstance(answer.answer, bool) else float(answer.answer)
        said = ("yes" if answer.answer else "no") if isinstance(answer.answer, bool) else f"{score:g}"
        detail = f"answered {said} on {answer.date}" + (f" by {answer.by}" if answer.by else "")
        detail += f"; evidence: {answer.evidence}" if answer.evidence else "; no evidence given"
        item = Item(url=answer.evidence, snippet=text, detail=detail, value=score)
        if score >= float(site.params["pass_score"]):
            return CheckResult.passed(check_id, None, score=score, value=score, items=[item])
        return CheckResult.failed(check_id, None, score=score, value=score, items=[item])

    return Check(meta=meta, fn=run)
