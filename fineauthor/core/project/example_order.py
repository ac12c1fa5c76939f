"""The order of a project's examples: each row's ``position`` (0..n-1, no gaps, under a unique
index) and the SQL that looks positions up, makes room, moves an example and closes the gap a
deletion leaves. Every function takes the connection of a transaction the caller holds."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from fineauthor.core.project.example_rows import chunks, marks


def position_of(connection: sqlite3.Connection, example_id: int) -> int:
    """Where an example stands in the list (0 for the first); KeyError if it does not exist."""
    row = connection.execute("SELECT position FROM examples WHERE id = ?", (example_id,)).fetchone()
    if row is None:
        raise KeyError(example_id)
    return row[0]


def positions_of(connection: sqlite3.Connection, ids: Sequence[int]) -> dict[int, int]:
    """id → position for those of ``ids`` that exist."""
    positions: dict[int, int] = {}
    for chunk in chunks(ids):
        positions.update(
            connection.execute(
                f"SELECT id, position FROM examples WHERE id IN ({marks(len(chunk))})",
                tuple(chunk),
            ).fetchall()
        )
    return positions


def set_positions(connection: sqlite3.Connection, moves: Sequence[tuple[int, int]]) -> None:
    """Give examples new positions, as (id, position) pairs.

    The unique index on position must hold after every single row update, so each row is
    first parked at a distinct negative position, then all parked rows flip at once.
    """
    if not moves:
        return
    connection.executemany(
        "UPDATE examples SET position = ? WHERE id = ?",
        [(-1 - position, example_id) for example_id, position in moves],
    )
    connection.execute("UPDATE examples SET position = -1 - position WHERE position < 0")


def make_room(connection: sqlite3.Connection, position: int, count: int = 1) -> None:
    """Move the examples from ``position`` on ``count`` places down."""
    rows = connection.execute(
        "SELECT id, position FROM examples WHERE position >= ?", (position,)
    ).fetchall()
    set_positions(connection, [(i, p + count) for i, p in rows])


def close_gap(connection: sqlite3.Connection, first: int) -> None:
    """After a deletion, renumber the examples past ``first`` (the lowest position freed) so
    their positions run on from it without gaps."""
    rest = connection.execute(
        "SELECT id, position FROM examples WHERE position > ? ORDER BY position", (first,)
    ).fetchall()
    set_positions(
        connection,
        [
            (example_id, first + offset)
            for offset, (example_id, position) in enumerate(rest)
            if position != first + offset
        ],
    )


def move(connection: sqlite3.Connection, example_id: int, new_index: int) -> None:
    """Move an example to ``new_index`` (0..count-1), shifting the ones in between;
    IndexError outside that range, KeyError for an unknown id."""
    old = position_of(connection, example_id)
    count = connection.execute("SELECT count(*) FROM examples").fetchone()[0]
    if not 0 <= new_index < count:
        raise IndexError(f"index {new_index} is outside 0..{count - 1}")
    if new_index == old:
        return
    low, high = min(old, new_index), max(old, new_index)
    order = [
        row[0]
        for row in connection.execute(
            "SELECT id FROM examples WHERE position BETWEEN ? AND ? ORDER BY position",
            (low, high),
        )
    ]
    order.remove(example_id)
    order.insert(new_index - low, example_id)
    set_positions(connection, [(i, low + offset) for offset, i in enumerate(order)])
