"""Reading the tool's YAML files (rubrics, portfolios, attestations, CI configs) with one-line errors.

Every error is a :class:`~maturity.kernel.errors.ConfigError` naming the file and the key path
(``dimensions[1].parameters[0].check``) or, for YAML syntax, the line and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from maturity.kernel.errors import ConfigError

M = TypeVar("M", bound=BaseModel)

# Names pydantic puts in an error's location for union branches and validators; not keys of the file.
_NOT_KEYS = ("function-",)


def load_yaml(data: bytes | str, source: str, what: str) -> Any:
    """Parse YAML text; ``what`` names the kind of file in messages ("rubric", "portfolio", ...)."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise ConfigError(source, f"{what} is not UTF-8 text") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(source, f"invalid YAML: {problem}", where) from None


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
    return str(err["msg"]).removeprefix("Value error, ")


def validate(model: type[M], raw: Any, source: str, skip: Iterable[str] = ()) -> M:
    """``model.model_validate(raw)``, or a ConfigError for the most telling error.

    A misspelt key also makes the right one "missing": the unknown key is reported first.
    """
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        skip = tuple(skip)
        # A union's other branch ("not a string") says less than the error inside the branch tried.
        errors = [e for e in exc.errors() if not (e["loc"] and e["loc"][-1] in skip)] or exc.errors()
        err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        raise ConfigError(source, error_message(err), key_path(err["loc"], skip)) from None
