"""The example list: summaries of every example and the word counts stored with each text."""

from __future__ import annotations

from pathlib import Path

import pytest

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.dataset.summary import (
    PREVIEW_CHARS,
    PREVIEW_READ,
    ExampleSummary,
    count_words,
    preview,
    summarize,
)
from fineauthor.core.project.project import Project
from tests.unit.core.project.project_samples import chat, raw

# -- the example list: summaries and stored word counts -------------------------------------


def stored_words_agree(path: Path) -> int:
    """Check every message's stored word count against its text; return how many there are."""
    with raw(path) as connection:
        rows = connection.execute("SELECT content, words FROM messages").fetchall()
    assert [words for _, words in rows] == [len(content.split()) for content, _ in rows]
    return len(rows)


def test_count_words_is_what_a_word_processor_shows() -> None:
    assert count_words("") == 0
    assert count_words("  \n\t ") == 0
    assert count_words("She said, “Wait — please.”") == 5
    assert count_words("one\ntwo\t\tthree  four\u00a0five\u3000six\u2028seven") == 7
    assert count_words("well-known e-mail 3.5 ok") == 4


def test_preview_collapses_whitespace_and_cuts() -> None:
    assert preview("  Write\n\nthe\tstorm   scene. ") == "Write the storm scene."
    long = "word " * 100
    assert preview(long) == long[:PREVIEW_CHARS]
    assert preview("\n" * 30 + "late start") == "late start"
    # Only the first PREVIEW_READ characters are looked at (that is what the file indexes):
    # a prompt that is mostly whitespace there gives a shorter title, never a wrong one.
    spaced = "a" + " " * (PREVIEW_READ - 2) + "b" + " word" * 100
    assert preview(spaced) == "a b"
    assert " ".join(spaced.split()).startswith(preview(spaced))


def test_preview_length_matches_the_schema(path: Path, project: Project) -> None:
    # summary.PREVIEW_READ and the generated column messages.head must agree.
    with raw(path) as connection:
        (sql,) = connection.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'messages'"
        ).fetchone()
    assert f"substr(content, 1, {PREVIEW_READ})" in sql


def test_summaries_of_every_kind_of_example(path: Path, project: Project) -> None:
    long_prompt = "Write   the\n\nnext scene, " + "in which nothing happens " * 20
    added = [
        project.add_example(chat("Write the storm scene.", "Rain hammered\nthe roof.")),
        project.add_example(
            Example(
                (
                    Message("user", long_prompt),
                    Message("assistant", "first draft of five words", weight=0),
                    Message("user", "Longer."),
                    Message("assistant", "The\u00a0final\tversion 🌧", weight=1),
                ),
                note="n" * 100,
            )
        ),
        project.add_example(Example(())),
        project.add_example(Example((Message("system", "S"), Message("user", "unanswered")))),
        project.add_example(Example((Message("assistant", "no prompt at all"),))),
    ]
    summaries = project.summaries()
    assert summaries == [
        ExampleSummary(added[0].id, "Write the storm scene.", 4, 3, True, ""),
        ExampleSummary(
            added[1].id, " ".join(long_prompt.split())[:PREVIEW_CHARS], 4, 4, False, "n" * 80
        ),
        ExampleSummary(added[2].id, "", 0, 0, False, ""),
        ExampleSummary(added[3].id, "unanswered", 0, 2, True, ""),
        ExampleSummary(added[4].id, "", 4, 1, False, ""),
    ]
    assert len(summaries[1].prompt_preview) == PREVIEW_CHARS
    assert summaries == [summarize(example) for example in project.examples()]
    assert [project.summary(example.id) for example in added] == summaries
    with pytest.raises(KeyError):
        project.summary(999)
    assert project.text_size() == sum(len(m.content) for example in added for m in example.messages)
    assert stored_words_agree(path) == 10


def test_summary_is_a_small_frozen_value() -> None:
    summary = ExampleSummary(1, "p", 2, 3, True, "")
    assert not hasattr(summary, "__dict__")
    with pytest.raises(AttributeError):
        summary.turns = 4  # type: ignore[misc]
    with pytest.raises(ValueError, match="stored example"):
        summarize(chat("a", "b"))


def test_summaries_are_one_query_that_reads_indexes_only(filled: Project) -> None:
    statements: list[str] = []
    filled._conn.set_trace_callback(statements.append)
    try:
        assert len(filled.summaries()) == 5
    finally:
        filled._conn.set_trace_callback(None)
    assert len(statements) == 1, statements
    (statement,) = statements
    assert "content" not in statement  # no text goes to Python; SQLite's head column cuts it
    plan = [row[3] for row in filled._conn.execute(f"EXPLAIN QUERY PLAN {statement}")]
    searches = [step for step in plan if " m " in f"{step} "]
    assert searches and all("INDEX" in step for step in searches), plan
    assert not any(step.startswith("SCAN m") for step in plan), plan


def test_every_write_keeps_the_word_counts(path: Path, project: Project) -> None:
    def check() -> None:
        stored_words_agree(path)
        assert project.summaries() == [summarize(example) for example in project.examples()]

    first = project.add_example(chat("one two", "three four five"))
    project.add_examples(chat(f"prompt {n}", "word " * n) for n in range(30))
    check()
    project.set_message_content(first.id, 2, "now\n\nsix words in this\tanswer")
    assert project.summary(first.id).response_words == 6
    project.set_message_content(first.id, 1, "  A new\nprompt ")
    assert project.summary(first.id).prompt_preview == "A new prompt"
    check()
    second = project.example_ids()[1]
    project.replace_messages(
        second, [Message("user", "only"), Message("assistant", "a b c", weight=1)]
    )
    assert project.summary(second) == ExampleSummary(second, "only", 3, 2, False, "")
    copy = project.duplicate_example(first.id)
    assert project.summary(copy.id).response_words == 6
    check()
    removed = project.delete_examples([first.id, second])
    for index, example in removed:  # undo
        project.add_example(example, index=index)
    assert project.summary(first.id) == summarize(removed[0][1])
    assert project.summary(first.id).prompt_preview == "A new prompt"
    project.set_note(first.id, "a note")
    assert project.summary(first.id).note == "a note"
    check()
    copy_path = path.with_name("Copy.fineauthor")
    project.save_as(copy_path)
    with Project.open(copy_path) as saved:
        assert saved.summaries() == project.summaries()
    stored_words_agree(copy_path)
