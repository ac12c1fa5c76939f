"""Token counts are kept in the project by content: reopening never recounts unchanged text."""

from __future__ import annotations

from pathlib import Path

from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset import tokens
from fineauthor.core.dataset.checks import CheckSettings, check_items, example_items
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import Project

SETTINGS = CheckSettings(model=load_catalog().model("gpt-4o-2024-08-06"), unit="Example")


def _check(project: Project):
    return check_items(example_items(project.examples()), SETTINGS, cache=project)


def test_reopening_a_project_recounts_only_changed_text(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "cache.fineauthor"
    with Project.create(path) as project:
        for i in range(30):
            project.add_example(
                Example(
                    (
                        Message("system", "You are Outline Mageddon."),
                        Message("user", f"Chapter {i}: the flood."),
                        Message("assistant", f"Water rose past the {i}th stair. " * 20),
                    )
                )
            )
        first = _check(project)

    encoded: list[str] = []
    real = tokens._encode_lengths

    def spy(texts: list[str], encoding: str) -> list[int]:
        encoded.extend(texts)
        return real(texts, encoding)

    monkeypatch.setattr(tokens, "_encode_lengths", spy)
    with Project.open(path) as project:
        again = _check(project)
        assert encoded == []  # nothing was tokenized again
        assert [f.tokens for f in again.facts] == [f.tokens for f in first.facts]

        changed = project.example_ids()[4]
        project.set_message_content(changed, 2, "A new, shorter ending.")
        third = _check(project)
    assert encoded == ["A new, shorter ending."]
    assert third.facts[4].tokens < first.facts[4].tokens
    assert third.total_tokens == sum(f.tokens for f in third.facts)
