"""The Project's examples: adding, reading, editing, undoing and ordering them, at any size."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import PROGRESS_EVERY, Cancelled, Project
from tests.unit.core.project.project_samples import chat, positions, prompts, raw

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
