"""Reading the tool's YAML files (rubrics, portfolios, attestations, CI configs) with one-line errors.

Every error is a :class:`~maturity.kernel.errors.ConfigError` naming the file and the key path
(``dimensions[1].parameters[0].check``) or, for YAML syntax, the line and column.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from maturity.kernel.errors import ConfigError

M = TypeVar("M", bound=BaseModel)

# Names pydantic puts in an error's location for union branches and validators; not keys of the file.
_NOT_KEYS = ("function-",)


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, except that a timestamp that is no real date (``2026-13-01``) stays
    the string it was, so the field that wanted a date says so with its key path (PyYAML itself
    raises a bare ValueError from deep inside the parser)."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)  # type: ignore[arg-type]
    except ValueError:
        return loader.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def load_yaml(data: bytes | str, source: str, what: str) -> Any:
    """Parse YAML text; ``what`` names the kind of file in messages ("rubric", "portfolio", ...).

    Numbers that are not finite (``1e400`` reads as infinity, ``.nan``) are refused wherever they
    are, with their key path: no figure computed from a file may come out as NaN."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise ConfigError(source, f"{what} is not UTF-8 text") from None
    try:
        loaded = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(source, f"invalid YAML: {problem}", where) from None
    except (ValueError, OverflowError, RecursionError) as exc:  # values PyYAML cannot build
        raise ConfigError(source, f"invalid YAML: {type(exc).__name__}: {exc}") from None
    bad = non_finite(loaded)
    if bad is not None:
        raise ConfigError(source, "not a finite number (write a number such as 1 or 2.5)", bad or "(top level)")
    return loaded


def non_finite(value: Any, path: str = "") -> str | None:
    """The key path of the first number in ``value`` that is infinite or NaN, or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return path
    if isinstance(value, dict):
        for key, item in value.items():
            found = non_finite(item, f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = non_finite(item, f"{path}[{i}]")
            if found is not None:
                return found
    return None


def key_path(loc: Iterable[Any], skip: Iterable[str] = ()) -> str:
    """pydantic's error location as a key path: ``("levels", 2, "min_score")`` -> ``levels[2].min_score``."""
    skipped = set(skip)
    out = ""
    for part in loc:
        if part in skipped or (isinstance(part, str) and part.startswith(_NOT_KEYS)):
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def error_message(err: Mapping[str, Any]) -> str:
    """pydantic's message for one error, in the words a file's author needs."""
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind in ("model_type", "dict_type"):
        return "must be a mapping"
    if kind == "too_short":
        return "list at least one entry"
    if kind == "finite_number":
        return "not a finite number (write a number such as 1 or 2.5)"
    return str(err["msg"]).removeprefix("Value error, ")


def validate(model: type[M], raw: Any, source: str, skip: Iterable[str] = ()) -> M:
    """``model.model_validate(raw)``, or a ConfigError carrying every error found, so one run
    shows them all. A misspelt key also makes the right one "missing": unknown keys come first.
    """
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        skip = tuple(skip)
        # A union's other branch ("not a string") says less than the error inside the branch tried.
        errors = [e for e in exc.errors() if not (e["loc"] and e["loc"][-1] in skip)] or exc.errors()
        # Every problem, once per key (a union reports one per branch), unknown keys first.
        errors.sort(key=lambda e: e["type"] != "extra_forbidden")
        found: dict[str, str] = {}
        for err in errors:
            found.setdefault(key_path(err["loc"], skip), error_message(err))
        raise problems_error(source, list(found.items())) from None


def problems_error(source: str, problems: list[tuple[str, str]]) -> ConfigError:
    """One error carrying every ``(key path, message)`` found in a file, the first as its message."""
    (key, message), *rest = problems
    return ConfigError(source, message, key, more=tuple(rest))
