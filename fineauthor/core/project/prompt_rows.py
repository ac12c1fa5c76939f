"""Writing an example's first prompt together with who wrote it (schema version 4's
``prompt_*`` columns). Every function takes the connection of a transaction the caller holds."""

from __future__ import annotations

import sqlite3

from fineauthor.core.dataset.example import Message
from fineauthor.core.dataset.prompt_origin import PromptOrigin
from fineauthor.core.project.example_rows import (
    ORIGIN_COLUMNS,
    check_messages,
    fetch,
    insert_messages,
    origin_values,
    utc_now,
)


def store_origin(connection: sqlite3.Connection, example_id: int, origin: PromptOrigin) -> None:
    """Say who wrote the example's first prompt; KeyError if there is no such example."""
    cursor = connection.execute(
        f"UPDATE examples SET ({ORIGIN_COLUMNS}) = (?, ?, ?, ?, ?), modified = ? WHERE id = ?",
        (*origin_values(origin), utc_now(), example_id),
    )
    if cursor.rowcount == 0:
        raise KeyError(example_id)


def write_prompt(
    connection: sqlite3.Connection, example_id: int, prompt: str, origin: PromptOrigin
) -> None:
    """Replace the first user turn's text (or add one before the first reply) and its origin."""
    if not isinstance(prompt, str):
        raise TypeError("a prompt must be text")
    messages = list(fetch(connection, example_id).messages)
    first = next((i for i, m in enumerate(messages) if m.role == "user"), None)
    if first is None:
        first = next((i for i, m in enumerate(messages) if m.role == "assistant"), len(messages))
        messages.insert(first, Message("user", prompt))
    else:
        messages[first] = Message("user", prompt, name=messages[first].name)
    connection.execute("DELETE FROM messages WHERE example_id = ?", (example_id,))
    insert_messages(connection, example_id, check_messages(messages))
    store_origin(connection, example_id, origin)


def prompt_edited(connection: sqlite3.Connection, example_id: int, index: int) -> None:
    """The writer typed in message ``index``: if that is the first prompt, it is now theirs."""
    connection.execute(
        f"UPDATE examples SET ({ORIGIN_COLUMNS}) = ('writer', '', '', 0, '') "
        "WHERE id = ? AND prompt_by != 'writer' AND ? = "
        "(SELECT min(idx) FROM messages WHERE example_id = ? AND role = 'user')",
        (example_id, index, example_id),
    )
