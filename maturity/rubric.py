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

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from maturity import checks
from maturity.checks.axe_rules import IMPACT_WEIGHTS
from maturity.errors import ConfigError


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Level(_Strict):
    level: int = Field(ge=1, le=10)
    name: str = Field(min_length=1)
    description: str = ""
    min_score: float = Field(ge=0, le=100)
    min_dimension: float = Field(default=0, ge=0, le=100)


class Parameter(_Strict):
    """One scored parameter: a check by id, or every axe-core rule carrying one of ``axe_tags``."""

    check: str | None = None
    axe_tags: list[str] | None = None
    exclude: list[str] = Field(default_factory=list)  # axe rule ids left out of a tag selection
    weight: float = Field(default=1.0, gt=0)
    impact_weights: dict[str, float] | None = None  # axe_tags only; default Lighthouse's
    params: dict[str, Any] = Field(default_factory=dict)


Collection = Literal["browser", "http", "crawl", "attestation", "mixed"]


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


class Rubric(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str = ""
    levels: list[Level] = Field(min_length=2)
    dimensions: list[Dimension] = Field(min_length=1)

    def level(self, number: int) -> Level:
        return next(lv for lv in self.levels if lv.level == number)

    def dimension_minimum(self, dimension: Dimension, level: Level) -> float:
        return dimension.thresholds.get(level.level, level.min_dimension)


class LoadedRubric(BaseModel):
    """A validated rubric plus where it came from and the sha256 of its bytes."""

    model_config = ConfigDict(frozen=True)

    rubric: Rubric
    source: str
    sha256: str


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
    try:
        raw = yaml.safe_load(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(source, "rubric is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(source, f"invalid YAML: {problem}", where) from None
    if not isinstance(raw, dict):
        raise ConfigError(source, "a rubric must be a mapping with id, version, title, levels and dimensions")
    try:
        rubric = Rubric.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ConfigError(source, _pydantic_message(err), _path(err["loc"])) from None
    problems = validate_semantics(rubric)
    if problems:
        key, message = problems[0]
        raise ConfigError(source, message, key)
    return LoadedRubric(rubric=rubric, source=source, sha256=hashlib.sha256(data).hexdigest())


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _pydantic_message(err: Any) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown key"
    if err["type"] == "missing":
        return "required key is missing"
    return str(err["msg"])


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
    seen_checks: dict[str, str] = {}
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
    if (param.check is None) == (param.axe_tags is None):
        return [(key, "give exactly one of 'check' (a check id) or 'axe_tags' (a list of axe-core tags)")]
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
    if not checks.exists(param.check):
        return [(f"{key}.check", f"unknown check {param.check!r} (see `maturity checks`)")]
    if param.check in seen:
        return [(f"{key}.check", f"check {param.check!r} is already used at {seen[param.check]}")]
    seen[param.check] = key
    known = set(checks.get(param.check).meta.params)
    unknown = sorted(set(param.params) - known)
    if unknown:
        hint = f"known: {', '.join(sorted(known))}" if known else "this check takes no parameters"
        return [(f"{key}.params.{unknown[0]}", f"unknown parameter for {param.check} ({hint})")]
    return []
