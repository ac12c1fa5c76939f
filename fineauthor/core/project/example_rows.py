"""How examples live as rows of the project's ``examples`` and ``messages`` tables: the SQL that
reads them back as Examples and list summaries, and that checks and inserts them.

Every function takes the connection of a transaction the caller already holds.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from fineauthor.core.dataset.example import ROLES, Example, Message
from fineauthor.core.dataset.prompt_origin import ORIGINS, PromptOrigin
from fineauthor.core.dataset.summary import NOTE_CHARS, ExampleSummary, count_words, preview

# SQLite allows at least 999 bound values in one statement on every version we may meet.
_CHUNK = 500


def utc_now() -> str:
    """The current time as ISO-8601 UTC, to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    """``items`` in slices small enough to bind in one statement."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def marks(count: int) -> str:
    """``count`` placeholders for an ``IN (…)`` list."""
    return ",".join("?" * count)


def check_messages(messages: Iterable[Message]) -> tuple[Message, ...]:
    """``messages`` as a tuple, after refusing anything the messages table cannot hold."""
    checked = tuple(messages)
    for message in checked:
        if not isinstance(message, Message):
            raise TypeError(f"expected a Message, got {type(message).__name__}")
        if message.role not in ROLES:
            raise ValueError(f"a message's role must be one of {ROLES}, not {message.role!r}")
        if not isinstance(message.content, str):
            raise TypeError("a message's content must be text")
        if message.weight not in (None, 0, 1):
            raise ValueError(f"a message's weight must be None, 0 or 1, not {message.weight!r}")
        if message.name is not None and not isinstance(message.name, str):
            raise TypeError("a message's name must be text or None")
    return checked


# -- reading ----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def origin_from(by: Any, model: Any, when: Any, reviewed: Any, problem: Any) -> PromptOrigin:
    """The stored origin columns as a PromptOrigin; a damaged value reads as the writer's."""
    if by not in ORIGINS:
        return PromptOrigin()
    return PromptOrigin(by, _text(model), _text(when), bool(reviewed), _text(problem))


def origin_values(origin: PromptOrigin) -> tuple[str, str, str, int, str]:
    """A PromptOrigin as the values of the origin columns, in ORIGIN_COLUMNS order."""
    if not isinstance(origin, PromptOrigin):
        raise TypeError(f"expected a PromptOrigin, got {type(origin).__name__}")
    return (origin.by, origin.model, origin.when, int(origin.reviewed), origin.problem)


ORIGIN_COLUMNS = "prompt_by, prompt_model, prompt_when, prompt_reviewed, prompt_problem"


def _example_from(row: Sequence[Any], messages: Sequence[Sequence[Any]]) -> Example:
    example_id, created, modified, note, source, *origin = row
    return Example(
        messages=tuple(Message(m[0], m[1], m[2], m[3]) for m in messages),
        note=note,
        id=example_id,
        created=created,
        modified=modified,
        source=source,
        prompt_origin=origin_from(*origin),
    )


_EXAMPLE_COLUMNS = f"id, created, modified, note, source, {ORIGIN_COLUMNS}"

# One row per example for the example list, never a full text. Every lookup in messages is
# answered by an index alone (messages_summary, or messages_prompts for the first prompt's
# opening ``head``, which is substr(content, 1, summary.PREVIEW_READ)), so no message row is read.
SUMMARY_SELECT = f"""
SELECT e.id,
       substr(e.note, 1, {NOTE_CHARS:d}),
       (SELECT count(*) FROM messages AS m WHERE m.example_id = e.id),
       EXISTS (SELECT 1 FROM messages AS m WHERE m.example_id = e.id AND m.role = 'system'),
       (SELECT m.words FROM messages AS m WHERE m.example_id = e.id AND m.role = 'assistant'
        ORDER BY m.idx DESC LIMIT 1),
       (SELECT m.head FROM messages AS m
        WHERE m.example_id = e.id AND m.role = 'user' ORDER BY m.idx LIMIT 1),
       e.prompt_by,
       e.prompt_reviewed
FROM examples AS e
"""


def summary_from(row: Sequence[Any]) -> ExampleSummary:
    """A row of :data:`SUMMARY_SELECT` as the example list's summary."""
    # Only a damaged file holds values of other types; the list then shows blanks for them.
    example_id, note, turns, has_system, words, prompt, by, reviewed = row
    origin = origin_from(by, "", "", reviewed, "")
    return ExampleSummary(
        id=example_id,
        prompt_preview=preview(prompt) if isinstance(prompt, str) else "",
        response_words=words if isinstance(words, int) else 0,
        turns=turns,
        has_system=bool(has_system),
        note=note if isinstance(note, str) else "",
        prompt_by=origin.by,
        prompt_to_review=origin.to_review,
    )


def select_all(connection: sqlite3.Connection) -> tuple[list[Any], list[Any]]:
    """Every example's row and every message row, both in example order, from one read."""
    connection.execute("BEGIN")  # both queries see the same state
    try:
        heads = connection.execute(
            f"SELECT {_EXAMPLE_COLUMNS} FROM examples ORDER BY position"
        ).fetchall()
        rows = connection.execute(
            "SELECT m.example_id, m.role, m.content, m.weight, m.name "
            "FROM examples AS e JOIN messages AS m ON m.example_id = e.id "
            "ORDER BY e.position, m.idx"
        ).fetchall()
    finally:
        _end_read(connection)
    return heads, rows


def select_range(
    connection: sqlite3.Connection, start: int, stop: int
) -> tuple[list[Any], list[Any]]:
    """As :func:`select_all`, for the examples at positions ``start`` to ``stop`` - 1."""
    connection.execute("BEGIN")  # both queries see the same state
    try:
        heads = connection.execute(
            f"SELECT {_EXAMPLE_COLUMNS} FROM examples "
            "WHERE position >= ? AND position < ? ORDER BY position",
            (start, stop),
        ).fetchall()
        rows = connection.execute(
            "SELECT m.example_id, m.role, m.content, m.weight, m.name "
            "FROM examples AS e JOIN messages AS m ON m.example_id = e.id "
            "WHERE e.position >= ? AND e.position < ? ORDER BY e.position, m.idx",
            (start, stop),
        ).fetchall()
    finally:
        _end_read(connection)
    return heads, rows


def assemble(heads: list[Any], rows: list[Any]) -> Iterator[Example]:
    """Pair examples with their messages; both lists are in example order."""
    cursor = 0
    total = len(rows)
    for head in heads:
        start = cursor
        while cursor < total and rows[cursor][0] == head[0]:
            cursor += 1
        yield _example_from(head, [row[1:] for row in rows[start:cursor]])


def _end_read(connection: sqlite3.Connection) -> None:
    """Finish a read transaction, even on a connection that has just failed."""
    try:
        connection.execute("COMMIT")
    except sqlite3.Error:
        if connection.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")


def fetch(connection: sqlite3.Connection, example_id: int) -> Example:
    """One example; KeyError if there is none with that id."""
    row = connection.execute(
        f"SELECT {_EXAMPLE_COLUMNS} FROM examples WHERE id = ?", (example_id,)
    ).fetchone()
    if row is None:
        raise KeyError(example_id)
    messages = connection.execute(
        "SELECT role, content, weight, name FROM messages WHERE example_id = ? ORDER BY idx",
        (example_id,),
    ).fetchall()
    return _example_from(row, messages)


def fetch_many(connection: sqlite3.Connection, ids: Sequence[int]) -> list[Example]:
    """Several examples with two queries per chunk of ids, in the order of ``ids``."""
    heads: dict[int, Sequence[Any]] = {}
    messages: dict[int, list[Sequence[Any]]] = {}
    for chunk in chunks(ids):
        for row in connection.execute(
            f"SELECT {_EXAMPLE_COLUMNS} FROM examples WHERE id IN ({marks(len(chunk))})",
            tuple(chunk),
        ):
            heads[row[0]] = row
            messages[row[0]] = []
        for row in connection.execute(
            "SELECT example_id, role, content, weight, name FROM messages "
            f"WHERE example_id IN ({marks(len(chunk))}) ORDER BY example_id, idx",
            tuple(chunk),
        ):
            messages[row[0]].append(row[1:])
    return [_example_from(heads[i], messages[i]) for i in ids]


# -- writing ----------------------------------------------------------------------------------


def insert(connection: sqlite3.Connection, example: Example, position: int, now: str) -> int:
    """Store ``example`` at ``position`` (room must have been made) and return its id.

    It keeps its own id if that is free, and its times if it has them (else ``now``).
    """
    messages = check_messages(example.messages)
    example_id = example.id
    if example_id is not None:
        taken = connection.execute("SELECT 1 FROM examples WHERE id = ?", (example_id,)).fetchone()
        if taken or isinstance(example_id, bool) or not isinstance(example_id, int):
            example_id = None
    created = example.created or now
    modified = example.modified or created
    cursor = connection.execute(
        f"INSERT INTO examples (id, position, created, modified, note, source, {ORIGIN_COLUMNS}) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            example_id,
            position,
            created,
            modified,
            example.note or "",
            example.source or "",
            *origin_values(example.prompt_origin),
        ),
    )
    new_id = cursor.lastrowid
    insert_messages(connection, new_id, messages)
    return new_id


def insert_messages(
    connection: sqlite3.Connection, example_id: int, messages: Sequence[Message]
) -> None:
    """Store an example's messages in order, each with its word count."""
    connection.executemany(
        "INSERT INTO messages (example_id, idx, role, content, weight, name, words) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                example_id,
                idx,
                m.role,
                m.content,
                None if m.weight is None else int(m.weight),
                m.name,
                count_words(m.content),
            )
            for idx, m in enumerate(messages)
        ],
    )


def touch(connection: sqlite3.Connection, example_id: int) -> None:
    """Stamp an example as changed now."""
    connection.execute("UPDATE examples SET modified = ? WHERE id = ?", (utc_now(), example_id))
