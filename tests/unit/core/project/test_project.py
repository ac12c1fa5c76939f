"""The Project API: creating, editing, undoing, caching, job history and copies."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Iterator
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
from fineauthor.core.errors import ProjectError, ProjectLocationError
from fineauthor.core.project import schema as project_schema
from fineauthor.core.project.project import PROGRESS_EVERY, Cancelled, Project, ProjectSettings


def chat(prompt: str, response: str, system: str = "You are Outline Mageddon.") -> Example:
    return Example(
        (Message("system", system), Message("user", prompt), Message("assistant", response))
    )


def raw(path: Path) -> sqlite3.Connection:
    """A read-only look at the file from outside the Project, as another process would see it."""
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)


def positions(path: Path) -> list[tuple[int, int]]:
    with raw(path) as connection:
        return connection.execute("SELECT position, id FROM examples ORDER BY position").fetchall()


def prompts(project: Project) -> list[str]:
    return [example.prompt for example in project.examples()]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "Chapter ideas.fineauthor"


@pytest.fixture
def project(path: Path) -> Iterator[Project]:
    with Project.create(path, title="Chapter ideas") as opened:
        yield opened


@pytest.fixture
def filled(project: Project) -> Project:
    project.add_examples(chat(f"prompt {n}", f"response {n}") for n in range(5))
    return project


# -- creating ---------------------------------------------------------------------------------


def test_create_makes_a_marked_single_file_project(path: Path, project: Project) -> None:
    assert project.path == path
    assert project.settings.title == "Chapter ideas"
    project.close()
    with raw(path) as connection:
        assert connection.execute("PRAGMA application_id").fetchone()[0] == (
            project_schema.APPLICATION_ID
        )
        assert connection.execute("PRAGMA user_version").fetchone()[0] == (
            project_schema.SCHEMA_VERSION
        )
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert set(project_schema.TABLES) <= tables
    # One file and nothing else: no temporary file or journal left behind.
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_create_refuses_to_overwrite(path: Path) -> None:
    path.write_bytes(b"my novel")
    with pytest.raises(ProjectError, match=r"already a file called “Chapter ideas\.fineauthor”"):
        Project.create(path)
    assert path.read_bytes() == b"my novel"
    path.unlink()
    path.mkdir()
    with pytest.raises(ProjectError, match="already a folder"):
        Project.create(path)


def test_create_needs_an_existing_folder(tmp_path: Path) -> None:
    with pytest.raises(ProjectLocationError, match="doesn’t exist"):
        Project.create(tmp_path / "gone" / "Novel.fineauthor")


def test_connection_settings(project: Project) -> None:
    connection = project._conn
    assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_opening_and_closing_a_project_does_not_touch_the_file(path: Path) -> None:
    with Project.create(path) as project:
        project.add_example(chat("a", "b"))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    time.sleep(0.01)
    with Project.open(path) as project:
        list(project.examples())
        assert project.settings.title == ""
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_closed_project_says_so(project: Project) -> None:
    project.close()
    project.close()  # twice is harmless
    with pytest.raises(ProjectError, match="has been closed"):
        project.example_count()


# -- settings -----------------------------------------------------------------------------------


def test_settings_defaults(project: Project) -> None:
    assert project.settings == ProjectSettings(title="Chapter ideas")
    assert ProjectSettings().target_words is None
    assert ProjectSettings().win_conditions == ()


def test_update_settings_persists(path: Path, project: Project) -> None:
    wins = [{"kind": "length", "words": 2000}, {"kind": "avoid", "phrase": "bit her lip"}]
    updated = project.update_settings(
        system_prompt="You are Outline Mageddon.",
        style_name="Outline Mageddon",
        target_words=2000,
        tolerance_words=200,
        win_conditions=wins,
        provider="together",
        base_model="meta-llama/Llama-3.3-70B-Instruct",
        wizard={"style": "spare", "tried": ["temperature"]},
    )
    assert updated.win_conditions == tuple(wins)
    project.close()
    with Project.open(path) as reopened:
        assert reopened.settings == updated
        assert reopened.settings.target_words == 2000
        assert reopened.settings.wizard == {"style": "spare", "tried": ["temperature"]}
        reopened.update_settings(target_words=None)
        assert reopened.settings.target_words is None
        assert reopened.settings.style_name == "Outline Mageddon"


def test_bench_tally_setting_defaults_empty_and_persists(path: Path, project: Project) -> None:
    assert project.settings.bench_tally == {}
    tally = {
        "pairs": [
            {
                "fine_tuned": "ft:gpt-4.1-mini:org::a1",
                "base": "gpt-4.1-mini",
                "fine_tuned_chosen": 7,
                "base_chosen": 2,
                "neither": 1,
            }
        ]
    }
    project.update_settings(bench_tally=tally)
    with pytest.raises(TypeError):
        project.update_settings(bench_tally=["not", "a", "dict"])
    project.close()
    with Project.open(path) as reopened:
        assert reopened.settings.bench_tally == tally
        assert reopened.settings.title == "Chapter ideas"  # the other settings are untouched


def test_update_settings_rejects_unknown_or_wrong_values(project: Project) -> None:
    with pytest.raises(TypeError, match="unknown project setting 'colour'"):
        project.update_settings(title="New", colour="red")
    with pytest.raises(TypeError):
        project.update_settings(target_words="2000")
    with pytest.raises(TypeError):
        project.update_settings(target_words=True)
    with pytest.raises(TypeError):
        project.update_settings(win_conditions=["length"])
    assert project.settings.title == "Chapter ideas"  # nothing half-applied


def test_settings_of_the_wrong_type_fall_back_to_defaults(path: Path, project: Project) -> None:
    project.close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE settings SET value = '{not json' WHERE key = 'title'")
        connection.execute("INSERT INTO settings VALUES ('target_words', '\"many\"')")
        connection.execute("INSERT INTO settings VALUES ('some_future_setting', '1')")
    connection.close()
    with Project.open(path) as reopened:
        assert reopened.settings == ProjectSettings()


# -- adding and reading examples -----------------------------------------------------------


def test_add_example_appends_and_inserts(path: Path, project: Project) -> None:
    first = project.add_example(chat("one", "1"))
    third = project.add_example(chat("three", "3"))
    second = project.add_example(chat("two", "2"), index=1)
    zeroth = project.add_example(chat("zero", "0"), index=0)
    assert prompts(project) == ["zero", "one", "two", "three"]
    assert project.example_ids() == [zeroth.id, first.id, second.id, third.id]
    assert project.example_count() == 4
    assert [p for p, _ in positions(path)] == [0, 1, 2, 3]
    with pytest.raises(IndexError):
        project.add_example(chat("x", "x"), index=5)
    with pytest.raises(IndexError):
        project.add_example(chat("x", "x"), index=-1)
    assert project.example_count() == 4


def test_stored_example_round_trips_every_field(path: Path, project: Project) -> None:
    original = Example(
        (
            Message("system", "S"),
            Message("user", "Write the storm scene.", name="Liz"),
            Message("assistant", "Draft one", weight=0),
            Message("user", "Make it longer"),
            Message("assistant", "Rain — “quotes”, émoji 🌧\n\ttabs", weight=1),
        ),
        note="keep",
        source="import: scenes.jsonl line 3",
    )
    stored = project.add_example(original)
    assert stored.id is not None
    assert stored.messages == original.messages
    assert (stored.note, stored.source) == ("keep", "import: scenes.jsonl line 3")
    assert stored.created == stored.modified
    assert stored.created.endswith("Z") and "T" in stored.created
    project.close()
    with Project.open(path) as reopened:
        assert reopened.example(stored.id) == stored
        assert list(reopened.examples()) == [stored]


def test_empty_example_slots(project: Project) -> None:
    # The wizard leaves empty slots: examples without messages yet.
    empty = [project.add_example(Example(())) for _ in range(3)]
    project.add_example(chat("full", "x"), index=1)
    assert [len(e.messages) for e in project.examples()] == [0, 3, 0, 0]
    assert project.example(empty[2].id).messages == ()


def test_example_raises_key_error_for_unknown_id(project: Project) -> None:
    with pytest.raises(KeyError):
        project.example(999)


def test_invalid_messages_are_refused(project: Project) -> None:
    with pytest.raises(ValueError, match="role"):
        project.add_example(Example((Message("narrator", "x"),)))
    with pytest.raises(ValueError, match="weight"):
        project.add_example(Example((Message("assistant", "x", weight=2),)))
    with pytest.raises(TypeError):
        project.add_example(Example(("just text",)))  # type: ignore[arg-type]
    assert project.example_count() == 0


def test_examples_reads_with_two_queries(filled: Project) -> None:
    statements: list[str] = []
    filled._conn.set_trace_callback(statements.append)
    try:
        result = list(filled.examples())
    finally:
        filled._conn.set_trace_callback(None)
    assert len(result) == 5
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2, selects  # one for examples, one for all messages: not N + 1


def test_examples_is_a_snapshot(filled: Project) -> None:
    iterator = filled.examples()
    filled.delete_examples(filled.example_ids()[:2])
    assert len(list(iterator)) == 5


def test_add_examples_in_one_transaction_with_progress(project: Project) -> None:
    seen: list[int] = []
    count = project.add_examples((chat(f"p{n}", f"r{n}") for n in range(250)), progress=seen.append)
    assert count == 250
    assert seen == [PROGRESS_EVERY, 2 * PROGRESS_EVERY, 250]
    assert prompts(project) == [f"p{n}" for n in range(250)]
    assert project.add_examples([]) == 0


def test_add_examples_cancel_rolls_everything_back(path: Path, filled: Project) -> None:
    asked = 0

    def cancel() -> bool:
        nonlocal asked
        asked += 1
        return asked > 150

    with pytest.raises(Cancelled, match="Nothing was added"):
        filled.add_examples((chat(f"new {n}", "x") for n in range(1000)), cancel=cancel)
    assert filled.example_count() == 5
    with raw(path) as connection:
        assert connection.execute("SELECT count(*) FROM messages").fetchone()[0] == 15
    # The project is usable afterwards: no transaction was left open.
    assert filled.add_example(chat("after", "x")).id is not None


def test_add_examples_rolls_back_when_the_source_fails(filled: Project) -> None:
    def broken():
        yield chat("fine", "x")
        raise ValueError("line 2 is not JSON")

    with pytest.raises(ValueError, match="line 2"):
        filled.add_examples(broken())
    assert filled.example_count() == 5


def test_add_example_reuses_a_free_id_only(filled: Project) -> None:
    ids = filled.example_ids()
    kept = filled.add_example(Example((Message("user", "x"),), id=500))
    assert kept.id == 500
    clash = filled.add_example(Example((Message("user", "y"),), id=ids[0]))
    assert clash.id not in ids and clash.id != 500


# -- editing --------------------------------------------------------------------------------


def test_edits_update_modified_but_not_created(path: Path, filled: Project) -> None:
    target = filled.example_ids()[2]
    before = filled.example(target)
    time.sleep(0.005)
    edited = filled.set_message_content(target, 2, "A new ending.")
    assert edited.response == "A new ending."
    assert edited.created == before.created and edited.modified > before.modified
    time.sleep(0.005)
    noted = filled.set_note(target, "too short")
    assert noted.note == "too short" and noted.modified > edited.modified
    time.sleep(0.005)
    replaced = filled.replace_messages(
        target, [Message("user", "only a prompt"), Message("assistant", "and a reply", weight=1)]
    )
    assert [m.role for m in replaced.messages] == ["user", "assistant"]
    assert replaced.modified > noted.modified
    assert replaced.created == before.created
    # Every edit was committed when the method returned: another connection sees it.
    with raw(path) as connection:
        rows = connection.execute(
            "SELECT idx, role, content, weight FROM messages WHERE example_id = ? ORDER BY idx",
            (target,),
        ).fetchall()
        note = connection.execute("SELECT note FROM examples WHERE id = ?", (target,)).fetchone()
    assert rows == [(0, "user", "only a prompt", None), (1, "assistant", "and a reply", 1)]
    assert note == ("too short",)
    assert not filled._conn.in_transaction


def test_edits_of_missing_things_raise(filled: Project) -> None:
    some = filled.example_ids()[0]
    with pytest.raises(KeyError):
        filled.set_message_content(999, 0, "x")
    with pytest.raises(IndexError):
        filled.set_message_content(some, 3, "x")
    with pytest.raises(KeyError):
        filled.set_note(999, "x")
    with pytest.raises(KeyError):
        filled.replace_messages(999, [])
    with pytest.raises(KeyError):
        filled.duplicate_example(999)
    with pytest.raises(KeyError):
        filled.move_example(999, 0)


def test_delete_returns_what_undo_needs(path: Path, filled: Project) -> None:
    filled.set_note(filled.example_ids()[3], "a note to keep")
    before = list(filled.examples())
    doomed = [before[3].id, before[0].id, before[4].id, before[3].id]  # any order, repeats
    removed = filled.delete_examples(doomed)
    assert [index for index, _ in removed] == [0, 3, 4]
    assert [example for _, example in removed] == [before[0], before[3], before[4]]
    assert prompts(filled) == ["prompt 1", "prompt 2"]
    assert [p for p, _ in positions(path)] == [0, 1]
    with raw(path) as connection:  # messages went with their examples
        assert connection.execute("SELECT count(*) FROM messages").fetchone()[0] == 6
    # Undo: put them back at their old indexes, lowest first.
    for index, example in removed:
        filled.add_example(example, index=index)
    assert list(filled.examples()) == before


def test_delete_of_an_unknown_id_deletes_nothing(filled: Project) -> None:
    ids = filled.example_ids()
    with pytest.raises(KeyError):
        filled.delete_examples([ids[0], 999])
    assert filled.example_ids() == ids
    assert filled.delete_examples([]) == []


def test_delete_many(project: Project) -> None:
    project.add_examples(chat(f"p{n}", "r") for n in range(2000))
    ids = project.example_ids()
    removed = project.delete_examples(ids[::2])  # more ids than one SQL statement may take
    assert len(removed) == 1000
    assert project.example_ids() == ids[1::2]
    assert prompts(project) == [f"p{n}" for n in range(1, 2000, 2)]


def test_deleted_ids_are_never_handed_out_again(filled: Project) -> None:
    last = filled.example_ids()[-1]
    filled.delete_examples([last])
    assert filled.add_example(chat("new", "x")).id > last


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, 4, [1, 2, 3, 4, 0]),
        (4, 0, [4, 0, 1, 2, 3]),
        (1, 3, [0, 2, 3, 1, 4]),
        (3, 1, [0, 3, 1, 2, 4]),
        (2, 2, [0, 1, 2, 3, 4]),
    ],
)
def test_move_example(
    path: Path, filled: Project, start: int, end: int, expected: list[int]
) -> None:
    ids = filled.example_ids()
    modified = filled.example(ids[start]).modified
    filled.move_example(ids[start], end)
    assert prompts(filled) == [f"prompt {n}" for n in expected]
    assert [p for p, _ in positions(path)] == [0, 1, 2, 3, 4]
    assert filled.example(ids[start]).modified == modified  # moving is not editing


def test_move_out_of_range(filled: Project) -> None:
    with pytest.raises(IndexError):
        filled.move_example(filled.example_ids()[0], 5)


def test_duplicate_goes_right_after(filled: Project) -> None:
    original_id = filled.example_ids()[1]
    filled.set_note(original_id, "favourite")
    copy = filled.duplicate_example(original_id)
    assert copy.id not in (None, original_id)
    assert filled.example_ids()[2] == copy.id
    original = filled.example(original_id)
    assert (copy.messages, copy.note, copy.source) == (
        original.messages,
        original.note,
        original.source,
    )
    assert prompts(filled) == [f"prompt {n}" for n in (0, 1, 1, 2, 3, 4)]


def test_project_is_usable_from_a_worker_thread(filled: Project) -> None:
    results: list[object] = []

    def work() -> None:
        results.append(filled.add_examples(chat("bg", "x") for _ in range(10)))

    thread = threading.Thread(target=work)
    thread.start()
    filled.set_note(filled.example_ids()[0], "while a worker writes")
    thread.join()
    assert results == [10]
    assert filled.example_count() == 15


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


# -- token cache ----------------------------------------------------------------------------


def test_token_cache_handles_thousands_of_digests(path: Path, project: Project) -> None:
    counts = {hashlib.sha256(str(n).encode()).digest(): n for n in range(3000)}
    project.store_token_counts("o200k_base", counts)
    project.store_token_counts("cl100k_base", {next(iter(counts)): 7})
    unknown = [hashlib.sha256(f"new {n}".encode()).digest() for n in range(1500)]
    asked = [*counts, *unknown, *counts]  # repeats are fine
    assert project.cached_token_counts("o200k_base", asked) == counts
    assert project.cached_token_counts("cl100k_base", counts) == {next(iter(counts)): 7}
    assert project.cached_token_counts("o200k_base", []) == {}
    project.store_token_counts("o200k_base", {unknown[0]: 42})
    project.close()
    with Project.open(path) as reopened:
        assert reopened.cached_token_counts("o200k_base", unknown[:2]) == {unknown[0]: 42}


# -- training history -----------------------------------------------------------------------


def test_snapshots_and_jobs(path: Path, project: Project) -> None:
    data = b'{"messages": []}\n'
    digest = hashlib.sha256(data).hexdigest()
    project.record_snapshot(digest, data)
    project.record_snapshot(digest, data)  # twice is harmless
    with pytest.raises(ValueError):
        project.record_snapshot("0" * 64, data)
    row = project.record_job(provider="together", dataset_sha256=digest, status="uploading")
    project.update_job(row, file_id="file-1", job_id="ft-1", status="queued", detail={"n": 1})
    with pytest.raises(TypeError):
        project.record_job(provider="together", colour="red")
    with pytest.raises(TypeError):
        project.record_job(job_id="no provider")
    with pytest.raises(KeyError):
        project.update_job(999, status="failed")
    project.close()
    with Project.open(path) as reopened:
        assert reopened.snapshot(digest) == data
        assert reopened.snapshot("f" * 64) is None
        (job,) = reopened.jobs()
    assert job["id"] == row
    assert {k: job[k] for k in ("provider", "job_id", "file_id", "status", "detail")} == {
        "provider": "together",
        "job_id": "ft-1",
        "file_id": "file-1",
        "status": "queued",
        "detail": {"n": 1},
    }
    assert job["updated"] >= job["created"]


# -- save as ---------------------------------------------------------------------------------


def test_save_as_writes_a_complete_copy(tmp_path: Path, filled: Project) -> None:
    filled.update_settings(target_words=1500)
    copy_path = tmp_path / "Copy.fineauthor"
    copy_path.write_bytes(b"an old file the save dialog agreed to replace")
    filled.save_as(copy_path)
    with Project.open(copy_path) as copy:
        assert list(copy.examples()) == list(filled.examples())
        assert copy.settings == filled.settings
    # The original stays open and separate.
    filled.add_example(chat("only in the original", "x"))
    with Project.open(copy_path) as copy:
        assert copy.example_count() == 5
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_save_as_refuses_its_own_file_and_missing_folders(
    tmp_path: Path, path: Path, filled: Project
) -> None:
    with pytest.raises(ProjectError, match="project you are working in"):
        filled.save_as(path)
    with pytest.raises(ProjectLocationError):
        filled.save_as(tmp_path / "nowhere" / "Copy.fineauthor")
    assert filled.example_count() == 5


# -- size -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_ten_thousand_long_examples(tmp_path: Path) -> None:
    """Not a benchmark: a sanity check that a big project is created and read in one go."""
    words = " ".join(f"word{n % 97}" for n in range(1000))  # ~1,000 words, ~7 KB
    path = tmp_path / "Big.fineauthor"
    started = time.perf_counter()
    with Project.create(path) as project:
        added = project.add_examples(
            Example(
                (
                    Message("system", "You are Outline Mageddon."),
                    Message("user", f"Scene {n}"),
                    Message("assistant", f"{n} {words}"),
                )
            )
            for n in range(10_000)
        )
    created = time.perf_counter() - started
    assert added == 10_000
    started = time.perf_counter()
    with Project.open(path) as project:
        opened = time.perf_counter() - started
        assert project.example_count() == 10_000
        examples = list(project.examples())
    read = time.perf_counter() - started - opened
    assert [e.prompt for e in examples] == [f"Scene {n}" for n in range(10_000)]
    assert examples[9_999].response.startswith("9999 word0 word1")
    print(
        f"\n10,000 examples, {path.stat().st_size / 1e6:.0f} MB: create {created:.2f} s, "
        f"open {opened * 1000:.1f} ms, read all {read:.2f} s"
    )


def test_stream_examples_reads_in_chunks_and_lets_edits_through(filled: Project) -> None:
    assert list(filled.stream_examples(chunk=2)) == list(filled.examples())
    stream = filled.stream_examples(chunk=2)
    first = next(stream)
    # Between chunks nothing is held: an edit from elsewhere goes straight through.
    filled.set_note(filled.example_ids()[-1], "edited while streaming")
    rest = list(stream)
    assert [first, *rest][-1].note == "edited while streaming"
    assert len(rest) == 4


def test_insert_examples_places_a_block_in_one_step(filled: Project) -> None:
    before = filled.example_ids()
    stored = filled.insert_examples(2, [chat("x1", "y1"), chat("x2", "y2")])
    assert [e.prompt for e in stored] == ["x1", "x2"]
    ids = filled.example_ids()
    assert ids == [*before[:2], stored[0].id, stored[1].id, *before[2:]]
    removed = filled.delete_examples([e.id for e in stored])
    again = filled.insert_examples(2, [example for _, example in removed])
    assert [e.id for e in again] == [e.id for e in stored]  # undo keeps the same ids
    with pytest.raises(IndexError):
        filled.insert_examples(99, [chat("a", "b")])
