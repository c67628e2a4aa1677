"""Fix once: failures that are one element of a shared template, and the list of what to fix first.

A skip link missing from the shared header fails on every page; counted page by page it is fifty
findings, but it is one fix. Pure: check results in, groups and a ranked list out.

**Groups.** Failures of one check are one *template issue* when they are the same element on
several pages (the same selector and the same markup), or, for a check that fails a page as a
whole (no element to point at), when the pages that fail it share one template (the hashes of the
header, navigation and footer the crawl records). Anything else is a single-page issue.

**What to fix first.** Each group's gain is the overall score the site would have with that
issue fixed: its pages' results for the check are recomputed without the group's elements (a
page whose every failing element is in the group passes) and the whole scorecard is rescored by the
same scorer. Measured checks (a page's load time, a reading grade) are not "fixed" this way: their
figure comes from the page as a whole. The list is ranked by that gain, then by pages cleared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from maturity.core.model import CheckResult, Frozen, Outcome
from maturity.core.tally import CheckRun

__all__ = ["FixItem", "fix_first", "group_failures"]

Ran = list[tuple[Any, str, float, CheckRun]]  # (dimension, check id, weight, results)
CANDIDATES = 40  # groups whose gain is computed (the likeliest first): rescoring is a full pass each


class FixItem(Frozen):
    check_id: str
    effort: Literal["template", "page"]  # fix once in a shared template, or on one page
    pages: int  # pages it clears (fails on)
    instances: int  # failing elements it accounts for (pages for a whole-page failure)
    gain: float = 0.0  # overall score points gained when fixed (the scorer's own figure)
    example_url: str = ""
    selector: str = ""
    snippet: str = ""


class _Group:
    def __init__(self, check_id: str, key: tuple[str, str] | None, weight: float) -> None:
        self.check_id = check_id
        self.key = key  # (selector, snippet), or None: the page as a whole
        self.weight = weight
        self.pages: dict[str, int] = {}  # url -> instances
        self.cleared: set[str] = set()  # pages that pass the check once this issue is fixed

    def rank(self) -> tuple[float, str, str]:
        return (-len(self.pages) * self.weight, self.check_id, str(self.key))


def _groups_of(
    check_id: str, weight: float, results: Iterable[CheckResult], templates: Mapping[str, str]
) -> list[_Group]:
    """One check's failing page results (whole: with their elements), grouped as above."""
    groups: dict[object, _Group] = {}
    for r in results:
        if r.outcome != Outcome.FAIL or r.url is None or _measured(r):
            continue
        elements = [i for i in r.items if i.selector or i.snippet]
        if not elements:
            whole = ("page", templates.get(r.url, "") or r.url)
            group = groups.setdefault(whole, _Group(check_id, None, weight))
            group.pages[r.url] = 1
            group.cleared.add(r.url)
            continue
        keys = [(item.selector, item.snippet) for item in elements]
        for key in keys:
            group = groups.setdefault(key, _Group(check_id, key, weight))
            group.pages[r.url] = group.pages.get(r.url, 0) + 1
        if len(set(keys)) == 1:  # every failing element of the page is this one: fixed, the page passes
            groups[keys[0]].cleared.add(r.url)
    return list(groups.values())


def group_failures(ran: Ran, templates: Mapping[str, str]) -> list[_Group]:
    """Every failing page result of a page-level, non-measured check, grouped as above."""
    return [g for _dim, check_id, weight, run in ran for g in _groups_of(check_id, weight, run.full(), templates)]


def _likely(ran: Ran, templates: Mapping[str, str], keep: int) -> list[_Group]:
    """The ``keep`` groups likeliest to gain most (most pages times weight), read one check at a time:
    only one check's groups and the best so far are ever in memory."""
    best: list[_Group] = []
    for _dim, check_id, weight, run in ran:
        if not run.instances:
            continue
        best = sorted(best + _groups_of(check_id, weight, run.full(), templates), key=_Group.rank)[:keep]
    return best


def _measured(r: CheckResult) -> bool:
    """A figure of the page as a whole (a load time, a reading grade): a curve score between 0 and 1,
    or evidence that is only a measurement, with no element to fix."""
    if r.score is not None and 0.0 < r.score < 1.0:
        return True
    return bool(r.items) and all(i.value is not None and not i.selector and not i.snippet for i in r.items)


def _without(ran: Ran, group: _Group) -> Ran:
    """``ran`` with ``group`` fixed: its pages pass the check where nothing else failed there (a
    page still failing on other elements keeps its result: its score is the same)."""

    def fix(r: CheckResult) -> CheckResult:
        if r.outcome != Outcome.FAIL or r.url not in group.cleared:
            return r
        return CheckResult.passed(r.check_id, r.url)

    out: Ran = []
    for dim, check_id, weight, run in ran:
        out.append((dim, check_id, weight, run if check_id != group.check_id else run.replaced(fix)))
    return out


def fix_first(
    ran: Ran,
    templates: Mapping[str, str],
    overall_of: Callable[[Ran], float | None],
    baseline: float | None,
    *,
    limit: int = 10,
) -> list[FixItem]:
    """The issues whose fix raises the overall score most, each once, with its effort and reach."""
    if baseline is None:
        return []
    likely = _likely(ran, templates, CANDIDATES)
    items = []
    for group in likely:
        after = overall_of(_without(ran, group))
        gain = round((after or 0.0) - baseline, 1) if after is not None else 0.0
        if gain <= 0:
            continue
        example = sorted(group.pages)[0]
        items.append(
            FixItem(
                check_id=group.check_id,
                effort="template" if len(group.pages) > 1 else "page",
                pages=len(group.pages),
                instances=sum(group.pages.values()),
                gain=gain,
                example_url=example,
                selector=group.key[0] if group.key else "",
                snippet=group.key[1][:300] if group.key else "",
            )
        )
    items.sort(key=lambda i: (-i.gain, -i.pages, i.check_id))
    return items[:limit]


def template_key(template: Mapping[str, str] | None) -> str | None:
    """One key for a page's header, navigation and footer hashes (None: it has none)."""
    if not template or not any(template.values()):
        return None
    return "|".join(f"{k}:{template.get(k, '')}" for k in ("header", "nav", "footer"))
