"""The dataset check on real files: errors, advice, token totals and the estimate."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset import tokens
from fineauthor.core.dataset.checks import CheckSettings, check_file

SYSTEM = "You are Outline Mageddon, a noir storyteller."
# Made-up words from syllables: random prose from them repeats no phrase by chance.
_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "be", "da", "fe", "gu", "hi", "jo"]
WORDS = sorted({a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in _SYLLABLES[:6]})


def example(
    response: str, *, system: str | None = SYSTEM, prompt: str = "Write the scene."
) -> dict:
    messages = [] if system is None else [{"role": "system", "content": system}]
    messages += [{"role": "user", "content": prompt}, {"role": "assistant", "content": response}]
    return {"messages": messages}


def prose(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def write(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def settings(**extra) -> CheckSettings:
    return CheckSettings(model=load_catalog().model("gpt-4o-mini-2024-07-18"), **extra)


def codes(problems) -> list[tuple[int | None, str]]:
    return [(p.line, p.code) for p in problems]


def test_a_clean_dataset_has_no_problems_and_right_totals(tmp_path: Path) -> None:
    rng = random.Random(1)
    rows = [example(prose(rng, 300), prompt=f"Scene {i}") for i in range(60)]
    report = check_file(write(tmp_path / "ok.jsonl", rows), settings())
    assert report.errors == [] and report.warnings == []
    expected = [tokens.count_example(_as_example(r), "o200k_base") for r in rows]
    assert [f.tokens for f in report.facts] == expected
    assert report.total_tokens == sum(expected)
    assert report.max_example_tokens == max(expected)
    assert report.estimate.epochs == 3
    assert report.estimate.billed_tokens == sum(expected) * 3
    assert report.estimate.cost_usd == pytest.approx(sum(expected) * 3 * 3 / 1e6)


def _as_example(row: dict):
    from fineauthor.core.dataset.validate import parse_example

    return parse_example(row, 1)[0]


def test_format_errors_keep_their_lines_and_the_rest_is_still_checked(tmp_path: Path) -> None:
    rng = random.Random(2)
    rows: list[object] = [example(prose(rng, 50), prompt=f"P{i}") for i in range(12)]
    rows[3] = {"messages": [{"role": "user", "content": "x"}]}
    rows[7] = ["not", "an", "example"]
    path = write(tmp_path / "mixed.jsonl", rows)
    with path.open("a") as stream:
        stream.write("{broken\n")
    report = check_file(path, settings())
    assert codes(report.errors) == [
        (4, "example_missing_assistant_message"),
        (8, "data_type"),
        (13, "invalid_json"),
    ]
    assert report.examples == 13
    assert len(report.facts) == 10


def test_too_few_and_few_examples(tmp_path: Path) -> None:
    rows = [example(f"Answer {i}", prompt=f"P{i}") for i in range(9)]
    report = check_file(write(tmp_path / "nine.jsonl", rows), settings())
    assert codes(report.errors) == [(None, "too_few_examples")]
    rows = [example(f"Answer {i}", prompt=f"P{i}") for i in range(20)]
    report = check_file(write(tmp_path / "twenty.jsonl", rows), settings())
    assert report.errors == []
    assert codes(report.warnings) == [(None, "few_examples")]


def test_off_target_length(tmp_path: Path) -> None:
    rng = random.Random(3)
    lengths = [1000] * 50 + [700, 1300, 1100]
    rows = [example(prose(rng, n), prompt=f"P{i}") for i, n in enumerate(lengths)]
    report = check_file(
        write(tmp_path / "len.jsonl", rows), settings(target_words=1000, tolerance_words=150)
    )
    off = [p for p in report.warnings if p.code == "off_target_length"]
    assert [p.line for p in off] == [51, 52]
    assert "700 words, shorter than your target of 1,000 (± 150)" in off[0].message
    assert "1,300 words, longer" in off[1].message


def test_repeated_phrase_names_the_phrase_and_examples(tmp_path: Path) -> None:
    rng = random.Random(4)
    rows = []
    for i in range(60):
        text = prose(rng, 200)
        if i % 5 == 0:
            text += " She bit her lip and looked away."
        rows.append(example(text, prompt=f"P{i}"))
    report = check_file(write(tmp_path / "lip.jsonl", rows), settings())
    repeated = [p for p in report.warnings if p.code == "repeated_phrase"]
    assert len(repeated) == 1
    assert repeated[0].quote == "she bit her lip and looked away"  # the whole repeated sentence
    assert repeated[0].examples == tuple(range(1, 61, 5))
    assert "12 of 60 responses (20%" in repeated[0].message


def test_system_prompt_missing_or_different_and_style_name(tmp_path: Path) -> None:
    rows = [example(f"Answer {i}", prompt=f"P{i}") for i in range(55)]
    rows[10] = example("Answer x", system=None, prompt="P10")
    rows[20] = example("Answer y", system="You are a cheerful poet.", prompt="P20")
    report = check_file(
        write(tmp_path / "sys.jsonl", rows), settings(style_name="Velvet Tidewater")
    )
    assert codes(report.warnings) == [
        (None, "style_name_missing"),
        (11, "missing_system_prompt"),
        (21, "different_system_prompt"),
    ]
    report = check_file(
        write(tmp_path / "sys.jsonl", rows), settings(style_name="outline mageddon")
    )
    assert "style_name_missing" not in [p.code for p in report.warnings]


def test_no_system_prompt_at_all_is_one_warning(tmp_path: Path) -> None:
    rows = [example(f"Answer {i}", system=None, prompt=f"P{i}") for i in range(60)]
    report = check_file(write(tmp_path / "none.jsonl", rows), settings())
    assert codes(report.warnings) == [(None, "missing_system_prompt")]
    assert len(report.warnings[0].examples) == 60


def test_duplicates_and_special_tokens(tmp_path: Path) -> None:
    rows = [example(f"Answer {i}", prompt=f"P{i}") for i in range(55)]
    rows[30] = rows[5]
    rows[40] = example("The end <|endoftext|>", prompt="P40")
    report = check_file(write(tmp_path / "dup.jsonl", rows), settings())
    assert codes(report.errors) == [(41, "special_token_text")]
    duplicates = [p for p in report.warnings if p.code == "duplicate_example"]
    assert [(p.line, p.examples) for p in duplicates] == [(31, (6, 31))]


def test_too_long_example_is_an_error_and_billing_is_capped(tmp_path: Path) -> None:
    model = load_catalog().model("gpt-4o-mini-2024-07-18")
    rows = [example(f"Answer {i}", prompt=f"P{i}") for i in range(10)]
    rows.append(example("word " * (model.example_token_limit + 10), prompt="long"))
    report = check_file(write(tmp_path / "long.jsonl", rows), settings())
    assert codes(report.errors) == [(11, "example_too_long")]
    assert report.over_limit == 1
    capped = sum(min(f.tokens, model.example_token_limit) for f in report.facts)
    assert report.estimate.billed_tokens == capped * report.estimate.epochs


def test_json_shape_matches_the_contract(tmp_path: Path) -> None:
    rows = [example(f"Answer {i}", prompt=f"P{i}") for i in range(3)]
    data = check_file(write(tmp_path / "s.jsonl", rows), settings()).to_json("s.jsonl")
    assert set(data) == {
        "file",
        "model",
        "encoding",
        "examples",
        "errors",
        "warnings",
        "tokens",
        "estimate",
    }
    assert data["errors"][0] == {
        "line": None,
        "code": "too_few_examples",
        "message": data["errors"][0]["message"],
    }
    assert set(data["tokens"]) == {"total", "max_example", "over_limit"}
    assert set(data["estimate"]) == {"epochs", "billed_tokens", "cost_usd"}
