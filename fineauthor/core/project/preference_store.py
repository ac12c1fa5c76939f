"""The project's preference pairs (``preference_pairs`` table, schema version 5): kept in the
writer's order, each edit one transaction, as the examples are.

:class:`PreferencePairs` is reached as ``project.preferences``; it runs inside the project's own
lock and transactions, so it is as safe to share between threads as the project is.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from fineauthor.core.dataset.example import Message
from fineauthor.core.dataset.preference_pair import BY_HAND, PAIR_SOURCES, PreferencePair
from fineauthor.core.project.example_rows import check_messages, chunks, marks, utc_now

Transaction = Callable[[], AbstractContextManager[sqlite3.Connection]]

_COLUMNS = (
    "id, created, modified, messages, preferred, other, preferred_model, other_model, source, note"
)


def _messages_json(messages: Sequence[Message]) -> str:
    return json.dumps(
        [{"role": m.role, "content": m.content} for m in messages], ensure_ascii=False
    )


def _messages_from(text: Any) -> tuple[Message, ...]:
    """The stored prompt messages; a damaged value reads as no messages (the checks then say
    the pair has no prompt) rather than making the project unopenable."""
    try:
        data = json.loads(text) if isinstance(text, str) else []
    except ValueError:
        data = []
    found = []
    for item in data if isinstance(data, list) else []:
        if isinstance(item, dict) and isinstance(item.get("content"), str):
            role = item.get("role")
            if role in ("system", "user", "assistant"):
                found.append(Message(role, item["content"]))
    return tuple(found)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _pair_from(row: Sequence[Any]) -> PreferencePair:
    pair_id, created, modified, messages, preferred, other, p_model, o_model, source, note = row
    return PreferencePair(
        messages=_messages_from(messages),
        preferred=_text(preferred),
        other=_text(other),
        preferred_model=_text(p_model),
        other_model=_text(o_model),
        source=source if source in PAIR_SOURCES else BY_HAND,
        note=_text(note),
        id=pair_id,
        created=created,
        modified=modified,
    )


def _text_values(pair: PreferencePair) -> tuple[str, ...]:
    """The pair's stored text, in _COLUMNS order from ``messages`` to ``note``."""
    return (
        _messages_json(pair.messages),
        pair.preferred,
        pair.other,
        pair.preferred_model,
        pair.other_model,
        pair.source,
        pair.note,
    )


def _checked(pair: PreferencePair) -> PreferencePair:
    if not isinstance(pair, PreferencePair):
        raise TypeError(f"expected a PreferencePair, got {type(pair).__name__}")
    check_messages(pair.messages)
    for name in ("preferred", "other", "preferred_model", "other_model", "note"):
        if not isinstance(getattr(pair, name), str):
            raise TypeError(f"a pair's {name} must be text")
    return pair


class PreferencePairs:
    """The pairs of one open project. ``reading``/``writing`` are the project's own
    context managers (a locked read; one committed transaction)."""

    def __init__(self, reading: Transaction, writing: Transaction) -> None:
        self._reading = reading
        self._writing = writing

    def count(self) -> int:
        with self._reading() as connection:
            return connection.execute("SELECT count(*) FROM preference_pairs").fetchone()[0]

    def all(self) -> list[PreferencePair]:
        """Every pair, in the writer's order."""
        with self._reading() as connection:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM preference_pairs ORDER BY position"
            ).fetchall()
        return [_pair_from(row) for row in rows]

    def get(self, pair_id: int) -> PreferencePair:
        """One pair; KeyError if there is none with that id."""
        with self._reading() as connection:
            return self._fetch(connection, pair_id)

    def add(self, pair: PreferencePair, *, index: int | None = None) -> PreferencePair:
        """Store ``pair`` at ``index`` (default: the end) and return it as stored. A pair whose
        id is set and free keeps its id and times (how undoing a delete puts it back)."""
        return self.insert(index, [pair])[0]

    def insert(self, index: int | None, pairs: Sequence[PreferencePair]) -> list[PreferencePair]:
        """Store several pairs together at ``index`` (default: the end), in one transaction."""
        checked = [_checked(pair) for pair in pairs]
        with self._writing() as connection:
            count = connection.execute("SELECT count(*) FROM preference_pairs").fetchone()[0]
            position = count if index is None else index
            if not 0 <= position <= count:
                raise IndexError(f"index {index} is outside 0..{count}")
            self._make_room(connection, position, len(checked))
            now = utc_now()
            ids = [
                self._insert(connection, pair, position + offset, now)
                for offset, pair in enumerate(checked)
            ]
            return [self._fetch(connection, pair_id) for pair_id in ids]

    def update(self, pair: PreferencePair) -> PreferencePair:
        """Store new text for an existing pair (its id must be set); KeyError if it is gone."""
        _checked(pair)
        with self._writing() as connection:
            cursor = connection.execute(
                "UPDATE preference_pairs SET modified = ?, messages = ?, preferred = ?, "
                "other = ?, preferred_model = ?, other_model = ?, source = ?, note = ? "
                "WHERE id = ?",
                (utc_now(), *_text_values(pair), pair.id),
            )
            if cursor.rowcount == 0:
                raise KeyError(pair.id)
            return self._fetch(connection, pair.id)

    def delete(self, ids: Iterable[int]) -> list[tuple[int, PreferencePair]]:
        """Delete pairs and return ``(old index, pair)``, lowest index first; to undo, add each
        back at its index in that order. An unknown id raises KeyError and deletes nothing."""
        unique = list(dict.fromkeys(ids))
        if not unique:
            return []
        with self._writing() as connection:
            positions: dict[int, int] = {}
            for chunk in chunks(unique):
                positions.update(
                    connection.execute(
                        "SELECT id, position FROM preference_pairs "
                        f"WHERE id IN ({marks(len(chunk))})",
                        tuple(chunk),
                    ).fetchall()
                )
            missing = [i for i in unique if i not in positions]
            if missing:
                raise KeyError(missing[0])
            ordered = sorted(unique, key=positions.__getitem__)
            removed = [(positions[i], self._fetch(connection, i)) for i in ordered]
            for chunk in chunks(ordered):
                connection.execute(
                    f"DELETE FROM preference_pairs WHERE id IN ({marks(len(chunk))})",
                    tuple(chunk),
                )
            self._renumber(connection)
        return removed

    # -- rows ---------------------------------------------------------------------------------

    @staticmethod
    def _fetch(connection: sqlite3.Connection, pair_id: int | None) -> PreferencePair:
        row = connection.execute(
            f"SELECT {_COLUMNS} FROM preference_pairs WHERE id = ?", (pair_id,)
        ).fetchone()
        if row is None:
            raise KeyError(pair_id)
        return _pair_from(row)

    @staticmethod
    def _insert(
        connection: sqlite3.Connection, pair: PreferencePair, position: int, now: str
    ) -> int:
        pair_id = pair.id
        if pair_id is not None:
            taken = connection.execute(
                "SELECT 1 FROM preference_pairs WHERE id = ?", (pair_id,)
            ).fetchone()
            if taken or isinstance(pair_id, bool) or not isinstance(pair_id, int):
                pair_id = None
        created = pair.created or now
        cursor = connection.execute(
            f"INSERT INTO preference_pairs ({_COLUMNS}, position) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (pair_id, created, pair.modified or created, *_text_values(pair), position),
        )
        return int(cursor.lastrowid or 0)

    @staticmethod
    def _make_room(connection: sqlite3.Connection, position: int, count: int) -> None:
        # Two steps through negative numbers, so the unique index never sees a clash midway.
        connection.execute(
            "UPDATE preference_pairs SET position = -position - 1 - ? WHERE position >= ?",
            (count, position),
        )
        connection.execute(
            "UPDATE preference_pairs SET position = -position - 1 WHERE position < 0"
        )

    @staticmethod
    def _renumber(connection: sqlite3.Connection) -> None:
        ids = [
            r[0] for r in connection.execute("SELECT id FROM preference_pairs ORDER BY position")
        ]
        connection.execute("UPDATE preference_pairs SET position = -position - 1")
        connection.executemany(
            "UPDATE preference_pairs SET position = ? WHERE id = ?",
            [(index, pair_id) for index, pair_id in enumerate(ids)],
        )
