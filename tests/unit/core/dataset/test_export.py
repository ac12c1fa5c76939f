"""Export for training: the validation split, the per-service weight choices, atomic writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from fineauthor.core.dataset import export as export_module
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.dataset.export import (
    ExportError,
    export_dataset,
    for_provider,
    keeps_weights,
    split_validation,
    validation_path_for,
)
from fineauthor.core.errors import FineAuthorError
from fineauthor.core.project.project import Cancelled


def _example(n: int, weight: int | None = None) -> Example:
    return Example(
        (
            Message("system", "You are Outline Mageddon."),
            Message("user", f"Write scene {n}."),
            Message("assistant", f"Scene {n}: the tide came in.", weight=weight),
        )
    )


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# The split ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "fraction", "held"),
    [(50, 0.10, 5), (60, 0.05, 3), (100, 0.20, 20), (57, 0.10, 6), (3, 0.05, 1), (2, 0.5, 1)],
)
def test_split_sizes(count: int, fraction: float, held: int) -> None:
    examples = [_example(n) for n in range(count)]
    train, validation = split_validation(examples, fraction, seed=7)
    assert len(validation) == held
    assert len(train) == count - held


def test_split_is_reproducible_and_depends_on_the_seed() -> None:
    examples = [_example(n) for n in range(200)]
    first = split_validation(examples, 0.1, seed=1)
    again = split_validation(examples, 0.1, seed=1)
    other = split_validation(examples, 0.1, seed=2)
    assert first == again
    assert first[1] != other[1]


def test_split_puts_every_example_in_exactly_one_list_in_order() -> None:
    examples = [_example(n) for n in range(120)]
    train, validation = split_validation(examples, 0.15)
    prompts = [e.prompt for e in train] + [e.prompt for e in validation]
    assert sorted(prompts) == sorted(e.prompt for e in examples)
    assert len(set(prompts)) == len(prompts)  # none in both
    order = {e.prompt: i for i, e in enumerate(examples)}
    for part in (train, validation):
        positions = [order[e.prompt] for e in part]
        assert positions == sorted(positions)


def test_split_refuses_a_nonsense_fraction() -> None:
    with pytest.raises(ValueError):
        split_validation([_example(1), _example(2)], 0)
    with pytest.raises(ValueError):
        split_validation([_example(1), _example(2)], 1.0)


# Weights per service -------------------------------------------------------------------------


def test_which_services_keep_weights() -> None:
    assert keeps_weights("openai")
    assert keeps_weights("together")
    assert keeps_weights("fireworks")
    assert not keeps_weights("some-new-service")


def test_together_marks_prompts_once_an_answer_is_marked() -> None:
    marked = for_provider(_example(1, weight=0), "together")
    assert [m.weight for m in marked.messages] == [0, 0, 0]
    turns = Example(
        (
            Message("user", "Write it."),
            Message("assistant", "A first try.", weight=0),
            Message("user", "Longer, with dialogue."),
            Message("assistant", "The good one."),
        )
    )
    assert [m.weight for m in for_provider(turns, "together").messages] == [0, 0, 0, 1]
    unmarked = _example(2)
    assert for_provider(unmarked, "together") is unmarked  # no weights: nothing added
    assert for_provider(_example(3, weight=0), "openai") == _example(3, weight=0)


@pytest.mark.parametrize("provider", ["openai", "fireworks"])
def test_weights_are_kept_for_services_that_take_them(tmp_path: Path, provider: str) -> None:
    target = tmp_path / "out.jsonl"
    export_dataset([_example(1, weight=0), _example(2)], target, provider)
    first, second = _lines(target)
    assert first["messages"][2]["weight"] == 0
    assert "weight" not in first["messages"][1]
    assert all("weight" not in m for m in second["messages"])


def test_together_file_marks_prompts(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    export_dataset([_example(1, weight=0), _example(2)], target, "together")
    first, second = _lines(target)
    assert [m["weight"] for m in first["messages"]] == [0, 0, 0]
    assert all("weight" not in m for m in second["messages"])


def test_weights_are_dropped_for_an_unknown_service(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    export_dataset([_example(1, weight=0)], target, "some-new-service")
    assert all("weight" not in m for m in _lines(target)[0]["messages"])


# Writing -------------------------------------------------------------------------------------


def test_export_without_a_split(tmp_path: Path) -> None:
    examples = [_example(n) for n in range(12)]
    seen: list[int] = []
    result = export_dataset(
        iter(examples), tmp_path / "novel.jsonl", "openai", progress=seen.append
    )
    assert result.train_path == tmp_path / "novel.jsonl"
    assert result.validation_path is None
    assert result.counts == {"train": 12, "validation": 0}
    assert [line["messages"][1]["content"] for line in _lines(result.train_path)] == [
        e.prompt for e in examples
    ]
    assert seen == list(range(1, 13))
    assert _files(tmp_path) == ["novel.jsonl"]


def test_export_with_a_split_writes_two_files_whose_union_is_the_project(tmp_path: Path) -> None:
    examples = [_example(n) for n in range(60)]
    result = export_dataset(examples, tmp_path / "novel.jsonl", "fireworks", 0.1)
    assert result.validation_path == tmp_path / "novel-validation.jsonl"
    assert result.counts == {"train": 54, "validation": 6}
    assert result.total == 60
    train = [line["messages"][1]["content"] for line in _lines(result.train_path)]
    held = [line["messages"][1]["content"] for line in _lines(result.validation_path)]
    assert not set(train) & set(held)
    assert sorted(train + held) == sorted(e.prompt for e in examples)
    assert _files(tmp_path) == ["novel-validation.jsonl", "novel.jsonl"]
    again = export_dataset(examples, tmp_path / "again.jsonl", "fireworks", 0.1)
    assert _lines(again.validation_path) == _lines(result.validation_path)


def test_validation_path_for() -> None:
    assert validation_path_for(Path("/a/b.jsonl")) == Path("/a/b-validation.jsonl")
    assert validation_path_for(Path("/a/b")) == Path("/a/b-validation.jsonl")


def test_nothing_to_export_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no examples"):
        export_dataset([], tmp_path / "x.jsonl", "openai")
    assert _files(tmp_path) == []


def test_cancel_leaves_no_file_and_keeps_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "novel.jsonl"
    target.write_text("the old file\n", encoding="utf-8")
    examples = [_example(n) for n in range(80)]
    for fraction in (None, 0.1):
        seen: list[int] = []
        with pytest.raises(Cancelled):
            export_dataset(
                examples,
                target,
                "openai",
                fraction,
                progress=seen.append,
                cancelled=lambda: len(seen) >= 70,  # noqa: B023 - read while this loop runs
            )
        assert target.read_text(encoding="utf-8") == "the old file\n"
        assert _files(tmp_path) == ["novel.jsonl"]


def test_a_failure_between_the_two_files_leaves_neither(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace
    target = tmp_path / "n.jsonl"

    def failing_replace(source: str | Path, destination: str | Path) -> None:
        if Path(destination) == target:  # the validation file is already in place
            assert (tmp_path / "n-validation.jsonl").exists()
            raise OSError(28, "No space left on device")
        real_replace(source, destination)

    monkeypatch.setattr(export_module.os, "replace", failing_replace)
    with pytest.raises(ExportError, match="No space left"):
        export_dataset([_example(n) for n in range(60)], target, "openai", 0.1)
    assert _files(tmp_path) == []


def test_an_unwritable_folder_is_a_plain_error(tmp_path: Path) -> None:
    missing = tmp_path / "no such folder" / "novel.jsonl"
    with pytest.raises(ExportError) as caught:
        export_dataset([_example(1)], missing, "openai")
    assert isinstance(caught.value, FineAuthorError)
    assert "could not write “novel.jsonl”" in str(caught.value)
    with pytest.raises(ExportError):
        export_dataset([_example(n) for n in range(60)], missing, "openai", 0.1)
