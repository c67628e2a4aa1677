"""Rubric loading: the shipped rubric is valid; every error names the file and the key path."""

from __future__ import annotations

import copy
from importlib import resources
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from maturity.core import checks
from maturity.core.rubric import builtin_rubric, builtin_rubric_names, load_rubric, parse_rubric
from maturity.kernel.errors import ConfigError

DEFAULT = yaml.safe_load(resources.files("rubrics").joinpath("default.yaml").read_text())


def write(tmp_path: Path, data: object, name: str = "rubric.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return path


def mutate(fn) -> dict:
    data = copy.deepcopy(DEFAULT)
    fn(data)
    return data


def test_shipped_rubrics_are_valid():
    assert "default" in builtin_rubric_names()
    for name in builtin_rubric_names():
        loaded = builtin_rubric(name)
        assert len(loaded.sha256) == 64
        for dim in loaded.rubric.dimensions:
            assert dim.goal and dim.next_steps, f"{name}: {dim.id} lacks a goal or next steps"


def test_default_rubric_is_georgia_style():
    r = builtin_rubric("default").rubric
    assert [lv.level for lv in r.levels] == [1, 2, 3, 4, 5]
    assert {d.id for d in r.dimensions} == {
        "accessibility",
        "performance",
        "mobile",
        "content",
        "security",
        "customer-experience",
        "tasks",
    }
    assert [d.id for d in r.dimensions if d.optional] == ["customer-experience", "tasks"]  # survey, journeys
    for d in r.dimensions:
        assert d.goal.endswith("?") and d.evidence and d.collection and d.sample


def test_every_registered_check_is_in_a_shipped_rubric():
    used = {
        p.check
        for name in builtin_rubric_names()
        for d in builtin_rubric(name).rubric.dimensions
        for p in d.parameters
        if p.check
    }
    missing = sorted({c.id for c in checks.all_checks()} - used)
    assert not missing, f"checks absent from every shipped rubric: {missing}"


def test_every_registered_check_is_documented():
    for c in checks.all_checks():
        assert len(c.meta.description) > 40, c.id
        assert c.meta.source, f"{c.id} has no source"
        assert c.meta.failure_title and c.meta.title


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (
            lambda d: d["dimensions"][1]["parameters"][0].update(check="no-such-check"),
            "dimensions[1].parameters[0].check",
            "unknown check",
        ),
        (
            lambda d: d["dimensions"][0]["parameters"][1].update(weight=-2),
            "dimensions[0].parameters[1].weight",
            "greater than 0",
        ),
        (lambda d: d["levels"][2].update(min_score=40), "levels[2].min_score", "overlap"),
        (lambda d: d["dimensions"][2].update(colour="blue"), "dimensions[2].colour", "unknown key"),
        (lambda d: d.pop("levels"), "levels", "missing"),
        (
            lambda d: d["dimensions"][3]["parameters"].append({"check": "html-lang"}),
            f"dimensions[3].parameters[{len(DEFAULT['dimensions'][3]['parameters'])}].check",
            "already used",
        ),
        (
            lambda d: d["dimensions"][3]["parameters"][0].update(params={"max_lenght": 3}),
            "dimensions[3].parameters[0].params.max_lenght",
            "unknown parameter",
        ),
        (
            lambda d: d["dimensions"][0]["parameters"].append({"check": "skip-link", "axe_tags": ["wcag2a"]}),
            f"dimensions[0].parameters[{len(DEFAULT['dimensions'][0]['parameters'])}]",
            "exactly one",
        ),
        (lambda d: d["dimensions"][0].update(thresholds={3: 90, 4: 50}), "dimensions[0].thresholds", "must not fall"),
        (lambda d: d["dimensions"][0].update(next_steps={9: "x"}), "dimensions[0]", "level 9"),
        (lambda d: d["levels"][0].update(min_score=10), "levels[0]", "floor"),
    ],
)
def test_validation_errors_name_file_and_key(tmp_path, change, key, words):
    path = write(tmp_path, mutate(change))
    with pytest.raises(ConfigError) as err:
        load_rubric(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {key}: "), message
    assert words in message


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, "id: x\nversion: '1'\nlevels: [\n  - level: 1\n")
    with pytest.raises(ConfigError) as err:
        load_rubric(path)
    assert str(err.value).startswith(f"{path}: line ")


def test_unreadable_or_non_mapping(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_rubric(tmp_path / "missing.yaml")
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_rubric(write(tmp_path, "- just\n- a list\n"))


def test_sha256_changes_with_content():
    a = parse_rubric(yaml.safe_dump(DEFAULT).encode(), "a.yaml")
    b = parse_rubric(yaml.safe_dump(mutate(lambda d: d.update(version="1.0.1"))).encode(), "b.yaml")
    assert a.sha256 != b.sha256


_yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["id", "version", "title", "levels", "dimensions", "x"]), _yaml_values))
def test_loader_never_crashes_on_junk(data):
    try:
        parse_rubric(yaml.safe_dump(data).encode(), "junk.yaml")
    except ConfigError as err:
        assert str(err).startswith("junk.yaml")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_loader_never_crashes_on_bytes(data):
    try:
        parse_rubric(data, "bytes.yaml")
    except ConfigError:
        pass


def _containers(data: object, path: tuple = ()) -> list[tuple]:
    """Every path to a dict or list inside ``data`` (the root included)."""
    found = [path] if isinstance(data, dict | list) else []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    for key, value in items:
        found += _containers(value, (*path, key))
    return found


_CONTAINERS = _containers(DEFAULT)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(_CONTAINERS),
    st.sampled_from(["replace", "delete", "add"]),
    st.integers(min_value=0, max_value=50),
    _yaml_values,
)
def test_any_one_edit_of_a_valid_rubric_loads_or_names_the_file_and_key(path, action, pick, junk):
    """One edit anywhere in the shipped rubric (a value replaced by junk, a key or item removed, an
    unknown key added): the loader accepts the result or refuses it with one line naming the file and,
    for a structural error, where in it. Nothing else escapes."""
    data = copy.deepcopy(DEFAULT)
    target = data
    for key in path:
        target = target[key]
    keys = list(target) if isinstance(target, dict) else list(range(len(target)))
    if action == "add" or not keys:
        if isinstance(target, dict):
            target["zz_unknown"] = junk
        else:
            target.append(junk)
    else:
        key = keys[pick % len(keys)]
        if action == "delete":
            del target[key]
        else:
            target[key] = junk
    try:
        parse_rubric(yaml.safe_dump(data).encode(), "edited.yaml")
    except ConfigError as err:
        message = str(err)
        assert message.startswith("edited.yaml: ") and "\n" not in message
        assert err.key is not None or "mapping" in message or "YAML" in message, message


def test_validation_reports_every_problem_in_one_run(tmp_path):
    """A rubric with three unrelated mistakes: all three named at once, not one per run."""

    def three(d):
        d["dimensions"][0]["weight"] = "heavy"
        d["dimensions"][1]["goal"] = ["not", "text"]
        d["levels"][1]["colour"] = "red"

    path = write(tmp_path, mutate(three))
    with pytest.raises(ConfigError) as err:
        load_rubric(path)
    keys = [str(err.value).split(": ")[1]] + [k for k, _ in err.value.more]
    assert keys[0] == "levels[1].colour"  # an unknown key first
    assert set(keys) == {"levels[1].colour", "dimensions[0].weight", "dimensions[1].goal"}

    def semantic(d):
        d["levels"][0]["min_score"] = 10
        d["dimensions"][0]["next_steps"] = {9: "x"}

    path = write(tmp_path, mutate(semantic), "semantic.yaml")
    with pytest.raises(ConfigError) as err:
        load_rubric(path)
    lines = err.value.lines()
    assert len(lines) == 2 and "floor" in lines[0] and "level 9" in lines[1]


def test_the_command_line_prints_every_problem(tmp_path):
    import subprocess
    import sys

    def two(d):
        d["dimensions"][0]["weight"] = "heavy"
        d["levels"][1]["colour"] = "red"

    path = write(tmp_path, mutate(two))
    done = subprocess.run(
        [sys.executable, "-m", "maturity", "rubric", "validate", str(path)], capture_output=True, text=True
    )
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2
    assert lines == [
        f"maturity: error: {path}: levels[1].colour: unknown key",
        f"maturity: error: {path}: dimensions[0].weight: "
        "Input should be a valid number, unable to parse string as a number",
    ]


def test_a_key_holding_a_line_break_is_named_on_one_line():
    """Found by the edit test above: a key made of a line break (``{"\\n": .inf}``) split the message
    in two. The key is shown with its control characters escaped."""
    data = copy.deepcopy(DEFAULT)
    data["id"] = {"\n\x1b[2J": float("inf")}
    with pytest.raises(ConfigError) as err:
        parse_rubric(yaml.safe_dump(data).encode(), "edited.yaml")
    assert str(err.value) == "edited.yaml: id.\\n\\x1b[2J: not a finite number (write a number such as 1 or 2.5)"
