"""Checks: pure functions of artifacts, with their metadata beside them.

A check declares the artifacts it requires; :func:`run_page_check` and
:func:`run_site_check` enforce their presence, so a check body never tests for
``None`` and a missing or failed artifact becomes an *error* result, never a
crash. Built-in checks register through the same :func:`register` that plugins
use (entry point group ``maturity.core.checks``), and the registry refuses duplicates.

axe-core rules are not listed here one by one: any ``axe/<rule-id>`` resolves to
:class:`maturity.core.checks.axe_rules.AxeRuleCheck`, and a rubric selects them by tag.
Likewise any ``attest/<question>`` resolves to an attested question
(:mod:`maturity.core.checks.attestations`), which a rubric asks with ``question: <id>``.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, Literal, Protocol, cast, overload, runtime_checkable

from maturity.core.model import (
    ArtifactError,
    AxeFacts,
    CheckResult,
    DocumentFacts,
    HttpFacts,
    MobileFacts,
    NetworkFacts,
    PageArtifacts,
    PerformanceFacts,
    SiteFacts,
)

DIMENSIONS = ("accessibility", "performance", "mobile", "content", "security", "documents", "tasks")
Scope = Literal["page", "site"]
AXE_PREFIX = "axe/"
ATTEST_PREFIX = "attest/"
SURVEY_PREFIX = "survey/"  # survey figures (issue 18): maturity.core.checks.survey
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True, kw_only=True)
class CheckMeta:
    id: str
    dimension: str
    title: str  # what passing looks like
    failure_title: str  # what failing looks like
    description: str  # why it matters, and how to fix it
    requires: tuple[str, ...]  # page artifact names; "site" for the site facts
    scope: Scope = "page"
    params: Mapping[str, Any] = field(default_factory=dict)  # defaults; a rubric may override
    source: str = ""  # where the rule or threshold comes from
    help_url: str = ""
    # Checks the shape of a rubric's params (merged over the defaults) at rubric load time:
    # returns [(key under params, message)], empty when they are fine.
    validate: Callable[[Mapping[str, Any]], list[tuple[str, str]]] | None = None
    # A site check's per-page summary: what it keeps of each page while scoring streams the pages
    # (the few fields it reads, filtered), so a site of 10,000 pages is not held whole. None keeps
    # the page's required artifacts whole (a plugin that declares none still works, holding more).
    summary: Callable[[PageInput], Mapping[str, Any]] | None = None

    @property
    def reads_pages(self) -> bool:
        """Whether the check reads any page artifact (not the site facts alone)."""
        return any(name != "site" for name in self.requires)


@dataclass(frozen=True, slots=True)  # slots: one is made for every page each check reads
class PageInput:
    """What a page check sees: typed artifacts of one page, the site facts, its params."""

    url: str
    site: SiteFacts
    params: Mapping[str, Any]
    artifacts: Mapping[str, Any]

    @property
    def http(self) -> HttpFacts:
        return cast(HttpFacts, self.artifacts["http"])

    @property
    def document(self) -> DocumentFacts:
        return cast(DocumentFacts, self.artifacts["document"])

    @property
    def axe(self) -> AxeFacts:
        return cast(AxeFacts, self.artifacts["axe"])

    @property
    def network(self) -> NetworkFacts:
        return cast(NetworkFacts, self.artifacts["network"])

    @property
    def performance(self) -> PerformanceFacts:
        return cast(PerformanceFacts, self.artifacts["performance"])

    @property
    def mobile(self) -> MobileFacts:
        return cast(MobileFacts, self.artifacts["mobile"])


@runtime_checkable
class SummarySpill(Protocol):
    """Where a site check's summaries of pages that differ page by page wait for the check (the run
    layer's spill keeps them in a file): :meth:`keep` returns what :meth:`read` takes to give the
    summary back, equal to what was kept, or None when it cannot keep that summary."""

    def keep(self, summary: Mapping[str, Any]) -> int | None: ...

    def read(self, token: int) -> Mapping[str, Any]: ...


class PageSummaries(Sequence[PageInput]):
    """A site check's pages as scoring keeps them while it streams a run: each page's URL and
    summary (see :attr:`CheckMeta.summary`), a :class:`PageInput` made only when a page is read.
    Equal summaries are kept once: most pages of a site share their header, footer, search box
    and analytics, so one summary stands for them all and memory grows by two pointers a page plus
    what truly differs from page to page. When a check's summaries keep differing (page titles,
    link targets), it stops looking for equal ones, and with a ``spill`` the summaries from then on
    wait there, each read back when the check reaches its page: memory then grows by a URL's
    pointer and a number a page."""

    __slots__ = ("_hits", "_params", "_pool", "_site", "_spill", "_summaries", "_urls")
    POOL = 64  # distinct summaries tried before giving up on finding equal ones, unless most are shared

    def __init__(self, site: SiteFacts, params: Mapping[str, Any], spill: SummarySpill | None = None) -> None:
        self._site, self._params, self._spill = site, params, spill
        self._urls: list[str] = []
        self._summaries: list[Mapping[str, Any] | int] = []  # a summary, or the spill's token for it
        self._pool: dict[int, Mapping[str, Any]] | None = {}
        self._hits = 0

    def add(self, url: str, summary: Mapping[str, Any]) -> None:
        self._urls.append(url)
        kept = self._shared(summary)
        token = self._spill.keep(kept) if self._pool is None and self._spill is not None else None
        self._summaries.append(kept if token is None else token)

    def _shared(self, summary: Mapping[str, Any]) -> Mapping[str, Any]:
        pool = self._pool
        if pool is None:
            return summary
        key = hash(repr(summary))
        kept = pool.get(key)
        if kept is not None and kept == summary:
            self._hits += 1
            return kept
        if kept is None:
            pool[key] = summary
        if len(pool) > self.POOL and self._hits < len(pool):
            self._pool = None  # summaries that differ page by page: nothing to share
        return summary

    def _summary(self, i: int) -> Mapping[str, Any]:
        kept = self._summaries[i]
        if isinstance(kept, int):
            assert self._spill is not None  # a token only ever comes from the spill
            return self._spill.read(kept)
        return kept

    def __len__(self) -> int:
        return len(self._urls)

    @overload
    def __getitem__(self, i: int) -> PageInput: ...
    @overload
    def __getitem__(self, i: slice) -> list[PageInput]: ...
    def __getitem__(self, i: int | slice) -> PageInput | list[PageInput]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return PageInput(url=self._urls[i], site=self._site, params=self._params, artifacts=self._summary(i))

    def __iter__(self) -> Iterator[PageInput]:
        for i, url in enumerate(self._urls):
            yield PageInput(url=url, site=self._site, params=self._params, artifacts=self._summary(i))


@dataclass(frozen=True)
class SiteInput:
    """What a site check sees: the site facts and every assessable page."""

    site: SiteFacts
    # Each page's summary (see CheckMeta.summary), in crawl order; for a check that requires no page
    # artifact, bare entries (URL and site facts; no artifacts, no params: read ``params`` here).
    pages: Sequence[PageInput]
    params: Mapping[str, Any]
    # A page's whole artifacts read again (for the one or two pages a check looks at closely, such
    # as the home page or the accessibility statement); None when there is no source to read from.
    full: Callable[[str], PageInput | None] | None = None

    def page(self, url: str) -> PageInput | None:
        """The page at ``url`` with all its required artifacts (read again when the list holds
        summaries); None when it is not among the pages."""
        summary = next((p for p in self.pages if p.url == url), None)
        if summary is None or self.full is None:
            return summary
        return self.full(url) or summary


PageFn = Callable[[PageInput], CheckResult]
SiteFn = Callable[[SiteInput], CheckResult]


@dataclass(frozen=True)
class Check:
    meta: CheckMeta
    fn: Callable[[Any], CheckResult]

    @property
    def id(self) -> str:
        return self.meta.id


class DuplicateCheck(ValueError):
    pass


_REGISTRY: dict[str, Check] = {}


def register(check: Check) -> Check:
    """Add a check to the registry. Refuses duplicate ids and malformed metadata."""
    meta = check.meta
    if meta.id in _REGISTRY:
        raise DuplicateCheck(f"check id {meta.id!r} is already registered")
    if not _ID.match(meta.id):
        raise ValueError(f"check id {meta.id!r} must be lower-case words joined by hyphens")
    if meta.dimension not in DIMENSIONS:
        raise ValueError(f"check {meta.id!r}: unknown dimension {meta.dimension!r}")
    if not meta.description.strip() or not meta.title.strip():
        raise ValueError(f"check {meta.id!r} needs a title and a description")
    _REGISTRY[meta.id] = check
    return check


def check(
    *,
    id: str,
    dimension: str,
    title: str,
    failure_title: str,
    description: str,
    requires: Iterable[str],
    scope: Scope = "page",
    params: Mapping[str, Any] | None = None,
    source: str = "",
    help_url: str = "",
    validate: Callable[[Mapping[str, Any]], list[tuple[str, str]]] | None = None,
    summary: Callable[[PageInput], Mapping[str, Any]] | None = None,
) -> Callable[[Callable[..., CheckResult]], Callable[..., CheckResult]]:
    """Decorator: register ``fn`` as a check with the given metadata."""

    def deco(fn: Callable[..., CheckResult]) -> Callable[..., CheckResult]:
        meta = CheckMeta(
            id=id,
            dimension=dimension,
            title=title,
            failure_title=failure_title,
            description=description,
            requires=tuple(requires),
            scope=scope,
            params=dict(params or {}),
            source=source,
            help_url=help_url,
            validate=validate,
            summary=summary,
        )
        register(Check(meta=meta, fn=fn))
        return fn

    return deco


def is_axe_id(check_id: str) -> bool:
    return check_id.startswith(AXE_PREFIX) and bool(_ID.match(check_id[len(AXE_PREFIX) :]))


def is_attest_id(check_id: str) -> bool:
    return check_id.startswith(ATTEST_PREFIX) and bool(_ID.match(check_id[len(ATTEST_PREFIX) :]))


def is_survey_id(check_id: str) -> bool:
    from maturity.core.checks.survey import MEASURES

    return check_id.startswith(SURVEY_PREFIX) and check_id[len(SURVEY_PREFIX) :] in MEASURES


def get(check_id: str) -> Check:
    """The check with this id; ``axe/<rule>`` and ``attest/<question>`` ids resolve on demand."""
    _load()
    if check_id in _REGISTRY:
        return _REGISTRY[check_id]
    if is_axe_id(check_id):
        from maturity.core.checks.axe_rules import axe_check

        return axe_check(check_id[len(AXE_PREFIX) :])
    if is_attest_id(check_id):
        from maturity.core.checks.attestations import attestation_check

        return attestation_check(check_id[len(ATTEST_PREFIX) :])
    if is_survey_id(check_id):
        from maturity.core.checks.survey import survey_check

        return survey_check(check_id[len(SURVEY_PREFIX) :])
    raise KeyError(check_id)


def exists(check_id: str) -> bool:
    _load()
    return check_id in _REGISTRY or is_axe_id(check_id) or is_attest_id(check_id) or is_survey_id(check_id)


@functools.cache
def catalogue_digest() -> str:
    """A digest of the check code: every registered check's id and the source of the module that
    defines it, plus the axe-rule and attestation adapters. Stored with each scoring, so a figure
    can be traced to the code that produced it (two scorings with one digest ran the same checks)."""
    _load()
    modules = {c.fn.__module__ for c in _REGISTRY.values()}
    modules |= {"maturity.core.checks", "maturity.core.checks.axe_rules", "maturity.core.checks.attestations"}
    modules |= {"maturity.core.checks.survey"}
    digest = hashlib.sha256()
    for check_id in sorted(_REGISTRY):
        digest.update(f"check {check_id}\n".encode())
    for name in sorted(modules):
        try:
            source = inspect.getsource(importlib.import_module(name))
        except (OSError, TypeError):  # no source shipped (a frozen plugin): its name stands in
            source = ""
        digest.update(f"module {name}\n".encode() + source.encode())
    return digest.hexdigest()


def all_checks() -> list[Check]:
    """Every registered check (axe rules excepted), sorted by dimension then id."""
    _load()
    return sorted(_REGISTRY.values(), key=lambda c: (DIMENSIONS.index(c.meta.dimension), c.id))


_loaded = False


def _load() -> None:
    """Import built-in check modules, then plugins from the ``maturity.core.checks`` entry points."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for dimension in DIMENSIONS:
        package = importlib.import_module(f"maturity.core.checks.{dimension}")
        for info in pkgutil.iter_modules(package.__path__):
            if not info.name.startswith("_"):
                importlib.import_module(f"{package.__name__}.{info.name}")
    for ep in entry_points(group="maturity.checks"):
        ep.load()


# ---------------------------------------------------------------------------
# Running checks: the registry enforces required artifacts.
# ---------------------------------------------------------------------------


def _typed_artifacts(page: PageArtifacts, names: Iterable[str]) -> dict[str, Any] | str:
    """The page's required artifacts as models, or an error message naming the first missing one."""
    typed: dict[str, Any] = {}
    for name in names:
        if name == "site":
            continue
        value = page.get(name)
        if value is None:
            return f"artifact {name!r} was not gathered"
        if isinstance(value, ArtifactError):
            return f"artifact {name!r} could not be gathered: {value.error}"
        typed[name] = value
    return typed


def _call(check_: Check, url: str | None, arg: Any) -> CheckResult:
    try:
        return check_.fn(arg)
    except Exception as exc:  # a check bug must never crash a run
        return CheckResult.errored(check_.id, url, f"check failed: {type(exc).__name__}: {exc}")


NOT_SAMPLED = "not_sampled"


def run_page_check(check_: Check, page: PageArtifacts, site: SiteFacts, params: Mapping[str, Any]) -> CheckResult:
    for name in check_.meta.requires:
        value = page.get(name) if name != "site" else None
        if isinstance(value, ArtifactError) and value.kind == NOT_SAMPLED:
            return CheckResult.not_applicable(check_.id, page.url, value.error)
    typed = _typed_artifacts(page, check_.meta.requires)
    if isinstance(typed, str):
        return CheckResult.errored(check_.id, page.url, typed)
    merged = {**check_.meta.params, **params}
    return _call(check_, page.url, PageInput(url=page.url, site=site, params=merged, artifacts=typed))


def whole_page(check_: Check, page: PageArtifacts, site: SiteFacts, merged: Mapping[str, Any]) -> PageInput | None:
    """A page as a site check reads it closely (:attr:`SiteInput.full`): its required artifacts
    whole; None when it lacks one. ``merged``: the check's params merged with the rubric's."""
    typed = _typed_artifacts(page, check_.meta.requires)
    return None if isinstance(typed, str) else PageInput(url=page.url, site=site, params=merged, artifacts=typed)


def page_summary(
    check_: Check, page: PageArtifacts, site: SiteFacts, merged: Mapping[str, Any]
) -> Mapping[str, Any] | None:
    """What a site check keeps of one page: its summary (see :attr:`CheckMeta.summary`), or its
    required artifacts whole when it declares none; None when the page lacks an artifact the check
    needs (it simply does not contribute). ``merged``: the check's params merged with the rubric's."""
    typed = _typed_artifacts(page, check_.meta.requires)
    if isinstance(typed, str):
        return None
    if check_.meta.summary is None:
        return typed
    return check_.meta.summary(PageInput(url=page.url, site=site, params=merged, artifacts=typed))


def run_site_check(
    check_: Check, pages: list[PageArtifacts], site: SiteFacts, params: Mapping[str, Any]
) -> CheckResult:
    merged = {**check_.meta.params, **params}
    inputs = PageSummaries(site, merged)
    for p in pages:
        if (summary := page_summary(check_, p, site, merged)) is not None:
            inputs.add(p.url, summary)
    by_url = {p.url: p for p in pages}

    def full(url: str) -> PageInput | None:
        page = by_url.get(url)
        return None if page is None else whole_page(check_, page, site, merged)

    return run_site_check_on(check_, inputs, site, params, seen=len(pages), full=full)


def run_site_check_on(
    check_: Check,
    inputs: Sequence[PageInput],
    site: SiteFacts,
    params: Mapping[str, Any],
    *,
    seen: int,
    full: Callable[[str], PageInput | None] | None = None,
) -> CheckResult:
    """A site check on the summaries of the ``seen`` assessable pages (those missing an artifact it
    needs left out); ``full`` reads a page's whole artifacts again."""
    merged = {**check_.meta.params, **params}
    if check_.meta.reads_pages and not inputs and seen:
        return CheckResult.errored(check_.id, None, "no page had the artifacts this check needs")
    return _call(check_, None, SiteInput(site=site, pages=inputs, params=merged, full=full))
