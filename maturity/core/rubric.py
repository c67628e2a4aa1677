"""Maturity rubrics: YAML files that say what good looks like and how it is scored.

A rubric follows the questions Georgia's Chief Digital Officer asks of each
dimension of a maturity model: the **goal** (what success looks like), the
**parameters** (checks and their weights), the **evidence** (artifacts behind
them), the **collection** method, the **sample** (which pages), the
**thresholds** per level, and the **next steps** to reach the next level.

Loading validates the file completely; every error names the file and the key
path (``dimensions[1].parameters[0].check``), or the line for YAML syntax.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from maturity.core import checks
from maturity.core.attest import QUESTION_ID
from maturity.core.checks.axe_rules import IMPACT_WEIGHTS
from maturity.core.configfile import load_yaml, problems_error, validate
from maturity.kernel.errors import ConfigError


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Level(_Strict):
    level: int = Field(ge=1, le=10)
    name: str = Field(min_length=1)
    description: str = ""
    min_score: float = Field(ge=0, le=100)
    min_dimension: float = Field(default=0, ge=0, le=100)


class Parameter(_Strict):
    """One scored parameter: a check by id, every axe-core rule carrying one of ``axe_tags``, or a
    ``question`` the agency answers in its attestation file (collected by attestation, not crawling)."""

    check: str | None = None
    axe_tags: list[str] | None = None
    question: str | None = None  # an attested question's id (see maturity.core.attest)
    text: str = ""  # question only: the question as the agency reads it
    valid_days: int | None = Field(default=None, gt=0)  # question only: an answer's life without `expires`
    exclude: list[str] = Field(default_factory=list)  # axe rule ids left out of a tag selection
    weight: float = Field(default=1.0, gt=0)
    impact_weights: dict[str, float] | None = None  # axe_tags only; default Lighthouse's
    params: dict[str, Any] = Field(default_factory=dict)


Collection = Literal["browser", "http", "crawl", "attestation", "survey", "journeys", "mixed"]


class Dimension(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str = Field(min_length=1)
    weight: float = Field(gt=0)
    goal: str = Field(min_length=1)
    evidence: str = ""
    collection: Collection = "browser"
    sample: str = ""
    parameters: list[Parameter] = Field(min_length=1)
    thresholds: dict[int, float] = Field(default_factory=dict)  # level -> minimum score of this dimension
    next_steps: dict[int, str] = Field(default_factory=dict)  # level -> what to do to reach it
    # Scores that do not flatter: the dimension's score is at most ``caps[impact]`` while any page has a
    # failure of that axe-core impact (the worst present decides), when at least ``cap_share`` of the
    # assessable pages have one (0: any page). A mean over ninety passing rules hides a critical barrier.
    # A dimension whose evidence an organisation may not have (survey results): without a figure it
    # is "not assessed", and the level and completeness rest on the other dimensions.
    optional: bool = False
    caps: dict[Literal["critical", "serious", "moderate", "minor"], float] = Field(default_factory=dict)
    cap_share: float = Field(default=0.0, ge=0, le=1)

    @field_validator("caps")
    @classmethod
    def _caps_in_range(cls, value: dict[str, float]) -> dict[str, float]:
        for impact, cap in value.items():
            if not 0 <= cap <= 100:
                raise ValueError(f"caps.{impact}: a cap is a score from 0 to 100, got {cap}")
        return value


class Rubric(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str = ""
    levels: list[Level] = Field(min_length=2)
    dimensions: list[Dimension] = Field(min_length=1)
    # How pages count in a check's site figure: each once, or by its visits in the imported traffic
    # report (``maturity traffic import``; pages without a row count as one visit).
    page_weighting: Literal["equal", "traffic"] = "equal"

    def level(self, number: int) -> Level:
        return next(lv for lv in self.levels if lv.level == number)

    def dimension_minimum(self, dimension: Dimension, level: Level) -> float:
        return dimension.thresholds.get(level.level, level.min_dimension)

    @property
    def questions(self) -> list[str]:
        """The ids of the questions the rubric asks (answered by attestation)."""
        return [p.question for d in self.dimensions for p in d.parameters if p.question]


class LoadedRubric(BaseModel):
    """A validated rubric plus where it came from, its exact text and the sha256 of its bytes."""

    model_config = ConfigDict(frozen=True)

    rubric: Rubric
    source: str
    sha256: str
    text: str = ""  # the file as read (UTF-8): stored with every scoring, so no file is looked for again


def load_rubric(path: str | Path) -> LoadedRubric:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ConfigError(str(p), f"cannot read rubric: {exc.strerror or exc}") from None
    return parse_rubric(data, str(p))


def builtin_rubric(name: str = "default") -> LoadedRubric:
    """A rubric shipped in the ``rubrics`` package (``default``, ...)."""
    ref = resources.files("rubrics") / f"{name}.yaml"
    if not ref.is_file():
        raise ConfigError(f"rubrics/{name}.yaml", "no such built-in rubric")
    return parse_rubric(ref.read_bytes(), f"rubrics/{name}.yaml")


def builtin_rubric_names() -> list[str]:
    return sorted(r.name[:-5] for r in resources.files("rubrics").iterdir() if r.name.endswith(".yaml"))


def resolve_rubric(spec: str | None) -> LoadedRubric:
    """``None`` -> the default rubric; a path to a file; or the name of a built-in rubric."""
    if spec is None:
        return builtin_rubric("default")
    if Path(spec).exists() or spec.endswith((".yaml", ".yml")) or "/" in spec:
        return load_rubric(spec)
    return builtin_rubric(spec)


def parse_rubric(data: bytes, source: str) -> LoadedRubric:
    raw = load_yaml(data, source, "rubric")
    if not isinstance(raw, dict):
        raise ConfigError(source, "a rubric must be a mapping with id, version, title, levels and dimensions")
    rubric = validate(Rubric, raw, source)
    problems = validate_semantics(rubric)
    if problems:
        raise problems_error(source, problems)
    return LoadedRubric(
        rubric=rubric, source=source, sha256=hashlib.sha256(data).hexdigest(), text=data.decode("utf-8")
    )


def validate_semantics(rubric: Rubric) -> list[tuple[str, str]]:
    """Everything a schema cannot say: known checks, unique ids, ordered levels. ``[(key path, message)]``."""
    problems: list[tuple[str, str]] = []
    numbers = [lv.level for lv in rubric.levels]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(("levels", f"levels must be numbered 1, 2, 3, ... in order (got {numbers})"))
    if rubric.levels[0].min_score != 0 or rubric.levels[0].min_dimension != 0:
        problems.append(("levels[0]", "level 1 is the floor: its min_score and min_dimension must be 0"))
    for i in range(1, len(rubric.levels)):
        prev, cur = rubric.levels[i - 1], rubric.levels[i]
        if cur.min_score <= prev.min_score:
            problems.append(
                (
                    f"levels[{i}].min_score",
                    f"levels overlap: level {cur.level} needs {cur.min_score:g}, not more than "
                    f"level {prev.level}'s {prev.min_score:g}",
                )
            )
        if cur.min_dimension < prev.min_dimension:
            problems.append(
                (f"levels[{i}].min_dimension", f"must not be lower than level {prev.level}'s {prev.min_dimension:g}")
            )
    level_numbers = set(numbers)
    seen_dims: set[str] = set()
    seen_checks: dict[str, str] = {}  # check ids and attest/<question> ids -> where first used
    for d, dim in enumerate(rubric.dimensions):
        base = f"dimensions[{d}]"
        if dim.id in seen_dims:
            problems.append((f"{base}.id", f"duplicate dimension id {dim.id!r}"))
        seen_dims.add(dim.id)
        for key in list(dim.thresholds) + list(dim.next_steps):
            if key not in level_numbers:
                problems.append((f"{base}", f"refers to level {key}, which the rubric does not define"))
        minimums = [rubric.dimension_minimum(dim, lv) for lv in rubric.levels]
        if any(b < a for a, b in pairwise(minimums)):
            problems.append((f"{base}.thresholds", f"thresholds must not fall as levels rise (got {minimums})"))
        for p, param in enumerate(dim.parameters):
            problems.extend(_check_parameter(param, f"{base}.parameters[{p}]", seen_checks))
    return problems


def _check_parameter(param: Parameter, key: str, seen: dict[str, str]) -> list[tuple[str, str]]:
    if sum(x is not None for x in (param.check, param.axe_tags, param.question)) != 1:
        return [
            (
                key,
                "give exactly one of 'check' (a check id), 'axe_tags' (a list of axe-core tags) or "
                "'question' (an attested question's id)",
            )
        ]
    if param.question is None and (param.text or param.valid_days is not None):
        field = "text" if param.text else "valid_days"
        return [(f"{key}.{field}", "only a 'question' parameter takes text and valid_days")]
    if param.question is not None:
        return _check_question(param, key, seen)
    if param.axe_tags is not None:
        problems = []
        if not param.axe_tags:
            problems.append((f"{key}.axe_tags", "list at least one tag"))
        for impact in param.impact_weights or {}:
            if impact not in IMPACT_WEIGHTS:
                problems.append((f"{key}.impact_weights.{impact}", f"unknown impact; use {', '.join(IMPACT_WEIGHTS)}"))
        return problems
    assert param.check is not None
    if param.impact_weights is not None:
        return [(f"{key}.impact_weights", "impact_weights only applies to axe_tags")]
    if checks.is_attest_id(param.check):
        return [(f"{key}.check", f"ask attested questions with 'question: {param.check[len(checks.ATTEST_PREFIX) :]}'")]
    if not checks.exists(param.check):
        return [(f"{key}.check", f"unknown check {param.check!r} (see `maturity checks`)")]
    if param.check in seen:
        return [(f"{key}.check", f"check {param.check!r} is already used at {seen[param.check]}")]
    seen[param.check] = key
    meta = checks.get(param.check).meta
    known = set(meta.params)
    unknown = sorted(set(param.params) - known)
    if unknown:
        hint = f"known: {', '.join(sorted(known))}" if known else "this check takes no parameters"
        return [(f"{key}.params.{unknown[0]}", f"unknown parameter for {param.check} ({hint})")]
    if meta.validate is not None:
        return [(f"{key}.params.{where}", message) for where, message in meta.validate({**meta.params, **param.params})]
    return []


def _check_question(param: Parameter, key: str, seen: dict[str, str]) -> list[tuple[str, str]]:
    assert param.question is not None
    if not QUESTION_ID.match(param.question):
        return [(f"{key}.question", "a question id is lower-case words joined by hyphens")]
    if not param.text.strip():
        return [(f"{key}.text", "a question needs its text (what the agency is asked)")]
    if param.axe_tags is None and (param.exclude or param.impact_weights is not None):
        return [(key, "exclude and impact_weights only apply to axe_tags")]
    check_id = checks.ATTEST_PREFIX + param.question
    if check_id in seen:
        return [(f"{key}.question", f"question {param.question!r} is already asked at {seen[check_id]}")]
    seen[check_id] = key
    unknown = sorted(set(param.params) - {"pass_score"})
    if unknown:
        return [(f"{key}.params.{unknown[0]}", "unknown parameter for a question (known: pass_score)")]
    pass_score = param.params.get("pass_score", 0.5)
    if not isinstance(pass_score, int | float) or not 0 <= pass_score <= 1:
        return [(f"{key}.params.pass_score", "must be a number from 0 to 1")]
    return []


def question_params(param: Parameter) -> dict[str, Any]:
    """The params an ``attest/<question>`` check runs with: its text, validity and pass mark."""
    out: dict[str, Any] = {"text": param.text, **param.params}
    if param.valid_days is not None:
        out["valid_days"] = param.valid_days
    return out
