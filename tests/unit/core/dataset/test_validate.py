"""The cookbook's format checks, one entry per example per code, plus our own."""

from __future__ import annotations

import pytest

from fineauthor.core.dataset.validate import ordinal, parse_example

USER = {"role": "user", "content": "Write the storm."}
ASSISTANT = {"role": "assistant", "content": "Rain came sideways."}


def codes(value: object) -> list[str]:
    example, problems = parse_example(value, 7)
    assert (example is None) == bool(problems)
    assert all(p.line == 7 and p.level == "error" for p in problems)
    return sorted(p.code for p in problems)


def test_a_good_example_is_parsed() -> None:
    example, problems = parse_example(
        {"messages": [{"role": "system", "content": "S"}, USER, {**ASSISTANT, "weight": 1}]}, 1
    )
    assert problems == []
    assert example.system == "S" and example.prompt == USER["content"]
    assert example.messages[2].weight == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([USER, ASSISTANT], ["data_type"]),
        ("text", ["data_type"]),
        ({}, ["missing_messages_list"]),
        ({"messages": []}, ["missing_messages_list"]),
        ({"messages": "x"}, ["missing_messages_list"]),
        ({"messages": [{"role": "user"}, ASSISTANT]}, ["message_missing_key"]),
        ({"messages": [{**USER, "mood": "x"}, ASSISTANT]}, ["message_unrecognized_key"]),
        ({"messages": [{"role": "narrator", "content": "x"}, ASSISTANT]}, ["unrecognized_role"]),
        ({"messages": [{"role": "user", "content": ""}, ASSISTANT]}, ["missing_content"]),
        ({"messages": [{"role": "user", "content": 5}, ASSISTANT]}, ["missing_content"]),
        ({"messages": [{"role": "user", "content": "  \n"}, ASSISTANT]}, ["empty_content"]),
        ({"messages": [USER]}, ["example_missing_assistant_message"]),
        ({"messages": [USER, {**ASSISTANT, "weight": 2}]}, ["invalid_weight"]),
        ({"messages": [USER, {**ASSISTANT, "weight": True}]}, ["invalid_weight"]),
        ({"messages": [{**USER, "weight": 1}, ASSISTANT]}, ["invalid_weight"]),
        ({"messages": [USER, {**ASSISTANT, "content": "bad \ud800"}]}, ["invalid_text"]),
        (
            {"messages": [{"role": "function", "content": "x"}, USER, ASSISTANT]},
            ["unsupported_role"],
        ),
    ],
)
def test_each_format_error(value: object, expected: list[str]) -> None:
    assert codes(value) == expected


def test_one_entry_per_code_per_example() -> None:
    value = {"messages": [{"role": "user"}, {"role": "user"}, {"role": "x", "content": "y"}]}
    assert codes(value) == [
        "example_missing_assistant_message",
        "message_missing_key",
        "unrecognized_role",
    ]


def test_messages_are_plain_and_name_the_place() -> None:
    _, problems = parse_example({"messages": [{"role": "user"}, ASSISTANT]}, 12, unit="Example")
    assert problems[0].message == "Example 12: the prompt has no “content”."
    _, problems = parse_example(
        {"messages": [{"role": "user", "content": "Go"}, {"role": "assistant", "content": ""}]}, 3
    )
    assert problems[0].message == "Line 3: the response has no text."


def test_ordinals() -> None:
    assert [ordinal(i) for i in (0, 1, 7, 8, 10, 11, 20, 21)] == [
        "first",
        "second",
        "eighth",
        "9th",
        "11th",
        "12th",
        "21st",
        "22nd",
    ]
