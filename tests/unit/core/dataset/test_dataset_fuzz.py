"""Property-based tests: whatever a file holds, reading and checking it gives a report or the
documented error (DatasetError for a file that is unusable as a whole), never a crash."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset.checks import CheckSettings, check_file
from fineauthor.core.dataset.jsonl import read_jsonl
from fineauthor.core.dataset.service_rules import FIREWORKS, OPENAI, TOGETHER
from fineauthor.core.dataset.validate import parse_example
from fineauthor.core.errors import FineAuthorError

SETTINGS = CheckSettings(
    model=load_catalog().model("gpt-4.1-mini-2025-04-14"), target_words=50, tolerance_words=5
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
messages = st.lists(
    st.dictionaries(
        st.sampled_from(["role", "content", "weight", "name", "function_call", "extra"]),
        st.sampled_from(["system", "user", "assistant", "function", "tool", "", None, 0, 1, 2])
        | st.text(max_size=40)
        | st.lists(  # content as a list of parts, text or not
            st.dictionaries(
                st.sampled_from(["type", "text"]),
                st.sampled_from(["text", "image_url"]) | st.text(max_size=10) | st.integers(),
                max_size=2,
            ),
            max_size=3,
        ),
        max_size=5,
    ),
    max_size=5,
)
examples = st.fixed_dictionaries({"messages": messages}) | json_values
# Lines in Together AI's other formats, and lines with the keys of two formats or extra keys.
other_formats = (
    st.fixed_dictionaries({"prompt": json_values, "completion": json_values})
    | st.fixed_dictionaries({"text": json_values})
    | st.fixed_dictionaries(
        {
            "input": st.fixed_dictionaries({"messages": messages}) | json_values,
            "preferred_output": messages | json_values,
            "non_preferred_output": messages | json_values,
        }
    )
    | st.fixed_dictionaries(
        {"messages": messages}, optional={"text": json_values, "id": json_values}
    )
)


def _check_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.jsonl"
        path.write_bytes(data)
        try:
            report = check_file(path, SETTINGS)
        except FineAuthorError:
            return
        assert report.examples >= len(report.facts)
        for problem in report.errors + report.warnings:
            assert problem.message and problem.code


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2_000))
def test_any_bytes(data: bytes) -> None:
    _check_bytes(data)


@settings(max_examples=300, deadline=None)
@given(st.lists(examples, max_size=12))
def test_any_json_lines(values: list[object]) -> None:
    _check_bytes("".join(json.dumps(v) + "\n" for v in values).encode())


@settings(max_examples=500, deadline=None)
@given(examples, st.integers(min_value=1, max_value=10**6))
def test_parse_example_returns_an_example_or_problems(value: object, line: int) -> None:
    example, problems = parse_example(value, line)
    assert (example is None) == bool(problems)
    assert all(p.line == line for p in problems)
    if example is not None:
        assert example.messages and any(m.role == "assistant" for m in example.messages)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=200), max_size=20))
def test_reader_numbers_lines_and_never_crashes(lines: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lines.jsonl"
        path.write_bytes(b"\n".join(lines))
        try:
            numbers = [line.number for line in read_jsonl(path)]
        except FineAuthorError:
            return
        assert numbers == sorted(set(numbers))


@settings(max_examples=500, deadline=None)
@given(other_formats | examples, st.sampled_from([OPENAI, TOGETHER, FIREWORKS]))
def test_every_services_rules_give_an_example_or_problems(value: object, rules) -> None:
    example, problems = parse_example(value, 3, rules=rules)
    assert (example is None) == bool(problems)
    assert all(p.line == 3 and p.message for p in problems)
    if example is not None:
        assert any(m.role == "assistant" for m in example.messages)
        assert all(isinstance(m.content, str) and m.content.strip() for m in example.messages)
