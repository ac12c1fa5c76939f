"""The check judges a file by the rules of the service that will train on it (DESIGN §3): each
service accepts and refuses files for its own reasons, and says so by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fineauthor.core.catalog import ModelInfo, load_catalog
from fineauthor.core.dataset.checks import (
    CheckReport,
    CheckSettings,
    check_file,
    check_items,
    example_items,
    project_check_settings,
)
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.dataset.example_count import count_problem
from fineauthor.core.dataset.service_rules import FIREWORKS, OPENAI, TOGETHER, rules_for
from fineauthor.core.project.project import Project

SYSTEM = "You are Ash Marlowe, a hard-boiled narrator."


def model_of(service: str) -> ModelInfo:
    """A catalog model trained on ``service``."""
    return next(m for m in load_catalog().models if m.provider == service)


def chat(i: int, *, prompt_extra: dict | None = None, answer_extra: dict | None = None) -> dict:
    return {
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"Write scene {i} in the rain.", **(prompt_extra or {})},
            {
                "role": "assistant",
                "content": f"Scene {i}: the gutters ran black.",
                **(answer_extra or {}),
            },
        ]
    }


def check(tmp_path: Path, rows: list[object], service: str) -> CheckReport:
    path = tmp_path / f"{service}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return check_file(path, CheckSettings(model=model_of(service)))


def error_codes(report: CheckReport) -> list[tuple[int | None, str]]:
    return [(p.line, p.code) for p in report.errors]


def test_the_service_comes_from_the_models_catalog_entry() -> None:
    assert CheckSettings(model=model_of("openai")).rules is OPENAI
    assert CheckSettings(model=model_of("together")).rules is TOGETHER
    assert CheckSettings(model=model_of("fireworks")).rules is FIREWORKS
    # The service that will train wins over the model's own, and an unknown one gets OpenAI's.
    assert CheckSettings(model=model_of("openai"), service="together").rules is TOGETHER
    assert rules_for("somewhere-new") is OPENAI


@pytest.mark.parametrize("service", ["together", "fireworks"])
def test_three_examples_are_enough_for_together_and_fireworks(tmp_path, service) -> None:
    report = check(tmp_path, [chat(i) for i in range(3)], service)
    assert report.errors == []
    assert "few_examples" in {w.code for w in report.warnings}


def test_three_examples_are_too_few_for_openai_and_it_says_why(tmp_path) -> None:
    report = check(tmp_path, [chat(i) for i in range(3)], "openai")
    assert error_codes(report) == [(None, "too_few_examples")]
    assert report.errors[0].message.startswith(
        "There are 3 examples; OpenAI needs at least 10 examples to train"
    )


def test_fireworks_needs_three_and_together_one(tmp_path) -> None:
    report = check(tmp_path, [chat(0), chat(1)], "fireworks")
    assert error_codes(report) == [(None, "too_few_examples")]
    assert "Fireworks AI needs at least 3 examples" in report.errors[0].message
    assert check(tmp_path, [chat(0)], "together").errors == []
    assert count_problem(0, TOGETHER).message.startswith(
        "There are no examples; Together AI needs at least 1 example to train"
    )


def test_fireworks_takes_at_most_three_million_examples() -> None:
    assert count_problem(3_000_000, FIREWORKS) is None
    problem = count_problem(3_000_001, FIREWORKS)
    assert problem.code == "too_many_examples" and problem.level == "error"
    assert "Fireworks AI takes at most 3,000,000 examples in one file" in problem.message


def test_a_prompt_with_weight_0_is_fine_for_together_only(tmp_path) -> None:
    rows = [chat(i, prompt_extra={"weight": 0}) for i in range(12)]
    assert check(tmp_path, rows, "together").errors == []
    for service, name in (("openai", "OpenAI"), ("fireworks", "Fireworks AI")):
        report = check(tmp_path, rows, service)
        assert {code for _, code in error_codes(report)} == {"invalid_weight"}
        assert report.errors[0].message == (
            f"Line 1: the prompt has a weight, but {name} only lets the model’s answers "
            "(assistant messages) carry a weight. Remove it."
        )


def test_a_weight_other_than_0_or_1_is_refused_everywhere(tmp_path) -> None:
    rows = [chat(i, prompt_extra={"weight": 0.5}) for i in range(12)]
    for service in ("openai", "together", "fireworks"):
        assert error_codes(check(tmp_path, rows, service))[0] == (1, "invalid_weight")


def test_a_prompt_and_completion_file_is_for_together_only(tmp_path) -> None:
    rows = [{"prompt": f"Write scene {i}.", "completion": f"Scene {i} began."} for i in range(4)]
    report = check(tmp_path, rows, "together")
    assert report.errors == []
    assert report.format == "instruction"
    assert report.total_tokens > 0  # counted like a prompt and its response
    # No advice about system prompts: this format has no place for one.
    assert [w.code for w in report.warnings] == ["few_examples"]
    for service, name in (("openai", "OpenAI"), ("fireworks", "Fireworks AI")):
        report = check(tmp_path, rows, service)
        assert {code for line, code in error_codes(report) if line} == {"missing_messages_list"}
        assert (
            "It is a prompt and completion (“prompt” and “completion”), which "
            f"{name} does not take" in report.errors[-1].message
        )


def test_together_reads_plain_text_and_preference_pairs(tmp_path) -> None:
    text = [{"text": f"Scene {i}. The rain never stopped."} for i in range(2)]
    assert check(tmp_path, text, "together").errors == []
    pair = {
        "input": {"messages": [{"role": "user", "content": "Write the alley."}]},
        "preferred_output": [{"role": "assistant", "content": "Wet brick, one lamp."}],
        "non_preferred_output": [{"role": "assistant", "content": "It was an alley."}],
    }
    report = check(tmp_path, [pair], "together")
    assert report.errors == [] and report.format == "preference"
    broken = {**pair, "non_preferred_output": []}
    assert error_codes(check(tmp_path, [broken], "together")) == [
        (1, "example_missing_assistant_message")
    ]
    assert error_codes(check(tmp_path, [pair] * 10, "openai"))[0] == (1, "missing_messages_list")


def test_together_wants_one_format_per_file_and_per_line(tmp_path) -> None:
    rows = [chat(0), {"prompt": "Write.", "completion": "Done."}, {"messages": [], "text": "x"}, {}]
    report = check(tmp_path, rows, "together")
    assert error_codes(report) == [
        (2, "mixed_formats"),
        (3, "ambiguous_format"),
        (4, "unknown_format"),
    ]
    assert report.errors[0].message == (
        "Line 2 is a prompt and completion (“prompt” and “completion”), but line 1 is a "
        "conversation (“messages”). Together AI needs every line of a file in one format."
    )


def test_an_unknown_top_level_key_is_refused_by_together(tmp_path) -> None:
    rows = [{**chat(i), "chapter": 3} for i in range(12)]
    report = check(tmp_path, rows, "together")
    assert error_codes(report)[0] == (1, "example_unrecognized_key")
    assert "“chapter”" in report.errors[0].message and "Together AI" in report.errors[0].message
    assert check(tmp_path, rows, "openai").errors == []


def test_text_parts_are_text_for_openai(tmp_path) -> None:
    parts = [{"type": "text", "text": "Scene 1: "}, {"type": "text", "text": "the rain."}]
    rows = [chat(i, answer_extra={"content": parts}) for i in range(12)]
    report = check(tmp_path, rows, "openai")
    assert report.errors == []
    assert report.max_example_tokens > 0
    from fineauthor.core.dataset.validate import parse_example

    example, _ = parse_example(rows[0], 1, rules=OPENAI)
    assert example.response == "Scene 1: the rain."
    picture = [{"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]
    odd = check(tmp_path, [chat(i, answer_extra={"content": picture}) for i in range(12)], "openai")
    assert error_codes(odd)[0] == (1, "unsupported_content")


@pytest.mark.parametrize("service", ["together", "fireworks"])
def test_text_parts_are_refused_where_only_plain_text_is_taken(tmp_path, service) -> None:
    parts = [{"type": "text", "text": "the rain."}]
    report = check(tmp_path, [chat(i, answer_extra={"content": parts}) for i in range(3)], service)
    assert error_codes(report)[0] == (1, "missing_content")
    assert "list of parts" in report.errors[0].message


def test_a_tool_message_is_a_known_role_for_together_but_not_for_fireworks(tmp_path) -> None:
    tool = {"role": "tool", "content": "42", "tool_call_id": "call_1"}
    row = {
        "messages": [
            {"role": "user", "content": "Ask."},
            tool,
            {"role": "assistant", "content": "Yes."},
        ]
    }
    assert error_codes(check(tmp_path, [row] * 3, "together"))[0] == (1, "unsupported_role")
    assert "unrecognized_role" in {
        c for _, c in error_codes(check(tmp_path, [row] * 3, "fireworks"))
    }


@pytest.mark.parametrize("service", ["openai", "together", "fireworks"])
def test_an_example_whose_every_answer_has_weight_0_is_flagged(tmp_path, service) -> None:
    rows = [chat(i, answer_extra={"weight": 1}) for i in range(12)]
    rows[4] = chat(4, answer_extra={"weight": 0})
    report = check(tmp_path, rows, service)
    assert report.errors == []
    flagged = [w for w in report.warnings if w.code == "nothing_to_learn"]
    assert [(w.line, w.level) for w in flagged] == [(5, "warning")]
    assert flagged[0].message.startswith("Line 5 teaches the model nothing")


def test_a_project_is_judged_by_its_own_models_service(tmp_path) -> None:
    with Project.create(tmp_path / "book.fineauthor", title="Book") as project:
        for i in range(3):
            project.add_example(
                Example(
                    (
                        Message("system", SYSTEM),
                        Message("user", f"Scene {i}."),
                        Message("assistant", f"Rain, {i} times."),
                    )
                )
            )
        for service, refused in (("together", False), ("fireworks", False), ("openai", True)):
            settings = project_check_settings(project.settings, model_of(service))
            report = check_items(example_items(project.examples(), settings.rules), settings)
            assert bool(report.errors) is refused, service
            assert report.rules is rules_for(service)
