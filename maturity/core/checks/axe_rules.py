"""axe-core rules as checks: ``axe/<rule-id>``, one check per rule, in the accessibility dimension.

The gatherer maps axe's output onto :class:`maturity.core.model.AxeFacts`; this module
never sees axe's own structures. A rule axe reported as a violation fails; one it
reported as passing passes; one it found inapplicable, or could not decide on
("incomplete", needs review), is not applicable. A rubric selects axe rules by tag
and weights them by impact (Lighthouse's weights: critical 10, serious 7,
moderate 3, minor 1).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from maturity.core.checks import AXE_PREFIX, Check, CheckMeta, PageInput
from maturity.core.model import AxeFacts, CheckResult, Item

IMPACT_WEIGHTS = {"critical": 10.0, "serious": 7.0, "moderate": 3.0, "minor": 1.0}


@cache
def axe_check(rule_id: str) -> Check:
    check_id = AXE_PREFIX + rule_id
    meta = CheckMeta(
        id=check_id,
        dimension="accessibility",
        title=f"axe-core rule {rule_id} passes",
        failure_title=f"axe-core rule {rule_id} fails",
        description=f"The axe-core rule '{rule_id}'. See the rule's help page for what it tests and how to fix it.",
        requires=("axe",),
        source="axe-core (Deque Systems), https://github.com/dequelabs/axe-core",
        help_url=f"https://dequeuniversity.com/rules/axe/latest/{rule_id}",
    )

    def run(page: PageInput) -> CheckResult:
        rule = next((r for r in page.axe.rules if r.id == rule_id), None)
        if rule is None or rule.outcome in ("inapplicable", "incomplete"):
            why = "needs review" if rule is not None and rule.outcome == "incomplete" else "not applicable"
            return CheckResult.not_applicable(check_id, page.url, why)
        if rule.outcome == "pass":
            return CheckResult.passed(check_id, page.url)
        items = [
            Item(url=page.url, selector=n.target, snippet=n.html[:300], detail=n.summary or rule.help)
            for n in rule.nodes
        ]
        return CheckResult.failed(check_id, page.url, items=items, value=float(len(rule.nodes)))

    return Check(meta=meta, fn=run)


def catalogue(facts: Iterable[AxeFacts]) -> dict[str, tuple[frozenset[str], str | None]]:
    """Rule id -> (tags, worst impact seen) over the axe results of a crawl."""
    order = list(IMPACT_WEIGHTS)
    rules: dict[str, tuple[frozenset[str], str | None]] = {}
    for fact in facts:
        for rule in fact.rules:
            tags, impact = rules.get(rule.id, (frozenset(rule.tags), None))
            if rule.impact in IMPACT_WEIGHTS and (impact is None or order.index(rule.impact) < order.index(impact)):
                impact = rule.impact
            rules[rule.id] = (tags | frozenset(rule.tags), impact)
    return rules
