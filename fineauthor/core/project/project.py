"""The project document: one SQLite file that holds everything a writer makes in FineAuthor.

Every method that changes the project runs exactly one transaction and commits it before it
returns, with a rollback journal and ``synchronous=FULL``: whatever happens to the process or the
machine, the file on disk holds either the state before the edit or the state after it.

Opening is careful about files that are not ours: nothing is written to a file until it has been
recognised as a FineAuthor project of this version or an older one, in a folder FineAuthor may
write to. Problems become :class:`~fineauthor.core.errors.ProjectError` subclasses whose text is
a plain sentence for the writer.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.dataset.prompt_origin import PromptOrigin
from fineauthor.core.dataset.summary import ExampleSummary, count_words
from fineauthor.core.errors import FineAuthorError, ProjectError
from fineauthor.core.project.example_order import (
    close_gap,
    make_room,
    move,
    position_of,
    positions_of,
)
from fineauthor.core.project.example_rows import (
    SUMMARY_SELECT,
    assemble,
    check_messages,
    chunks,
    fetch,
    fetch_many,
    insert,
    insert_messages,
    marks,
    select_all,
    select_range,
    summary_from,
    touch,
    utc_now,
)
from fineauthor.core.project.file import damaged, translate
from fineauthor.core.project.job_history import JOB_COLUMNS, job_from_row, job_values
from fineauthor.core.project.new_files import create_file, write_copy
from fineauthor.core.project.opening import check_and_upgrade, open_connection
from fineauthor.core.project.preference_store import PreferencePairs
from fineauthor.core.project.project_settings import (
    ProjectSettings,
    encode_settings,
    settings_from_rows,
)
from fineauthor.core.project.prompt_rows import prompt_edited, store_origin, write_prompt

__all__ = ["Cancelled", "Project"]


class Cancelled(FineAuthorError):  # noqa: N818 - a stop the writer asked for, not an error
    """Long work was stopped at the writer's request and everything it did was undone.

    Defined here rather than in ``errors`` because only project work can be cancelled so far.
    """


# How many examples add_examples stores between two progress reports.
PROGRESS_EVERY = 100


class Project:
    """An open project file. Create one with :meth:`create` or :meth:`open`, not directly.

    Safe to share between threads: a lock serialises every call.
    """

    path: Path

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = connection
        self._lock = threading.RLock()
        self.preferences = PreferencePairs(self._reading, self._writing)

    # -- opening and closing -----------------------------------------------------------------

    @classmethod
    def create(cls, path: str | os.PathLike[str], *, title: str = "") -> Project:
        """Make a new, empty project at ``path`` and open it.

        The file is built beside its final name and moved into place complete, so a crash never
        leaves half a project. An existing file is never overwritten.
        """
        if not isinstance(title, str):
            raise TypeError("title must be text")
        path = Path(path)
        create_file(path, title)
        return cls.open(path)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Project:
        """Open an existing project, upgrading it if an older FineAuthor made it.

        Raises a ProjectError subclass with a message for the writer when the path is missing,
        a folder, not a project, damaged, from a newer FineAuthor, or somewhere read-only.
        """
        path = Path(path)
        real, connection = open_connection(path)
        project = cls(path, connection)
        try:
            project._prepare(real)
        except BaseException:
            project.close()
            raise
        return project

    def _prepare(self, real: Path) -> None:
        """Validate what SQLite sees, then upgrade an older file (and only then write)."""
        with self._guard():
            check_and_upgrade(self._conn, real, self.path.name)
        self.settings  # noqa: B018 - reading the settings proves they can be read

    def close(self) -> None:
        """Close the file. Every change is already saved; closing twice is harmless."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Project({self.path.name!r})"

    # -- plumbing ----------------------------------------------------------------------------

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ProjectError(f"“{self.path.name}” has been closed. Open it again to go on.")
        return self._connection

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn SQLite failures into messages for the writer.

        ProgrammingError and InterfaceError mean a bug in FineAuthor, not a problem with the
        file, so they pass through unchanged.
        """
        try:
            yield
        except (sqlite3.ProgrammingError, sqlite3.InterfaceError):
            raise
        except sqlite3.Error as error:
            raise translate(error, self.path.name) from error
        except UnicodeDecodeError as error:
            # Python raises this instead of sqlite3.DatabaseError when SQLite's complaint
            # quotes garbled bytes from a damaged file.
            raise damaged(self.path.name) from error

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._guard():
            yield self._conn

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self._lock, self._guard():
            connection = self._conn
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        connection.execute("ROLLBACK")
                raise

    # -- settings ----------------------------------------------------------------------------

    @property
    def settings(self) -> ProjectSettings:
        """The project's settings, read fresh from the file.

        A value of the wrong type (which only another program could have written) falls back to
        its default rather than making the whole project unopenable.
        """
        with self._reading() as connection:
            rows = connection.execute("SELECT key, value FROM settings").fetchall()
        return settings_from_rows(rows)

    def update_settings(self, **changes: Any) -> ProjectSettings:
        """Change some settings in one transaction and return them all.

        An unknown name or a value of the wrong type raises TypeError and changes nothing.
        """
        encoded = encode_settings(changes)
        if encoded:
            with self._writing() as connection:
                connection.executemany(
                    "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", encoded
                )
        return self.settings

    # -- reading examples --------------------------------------------------------------------

    def example_count(self) -> int:
        """How many examples the project holds."""
        with self._reading() as connection:
            return connection.execute("SELECT count(*) FROM examples").fetchone()[0]

    def example_ids(self) -> list[int]:
        """Every example's id, in the order the writer sees them."""
        with self._reading() as connection:
            return [
                row[0] for row in connection.execute("SELECT id FROM examples ORDER BY position")
            ]

    def examples(self) -> Iterator[Example]:
        """Every example in order.

        Reads the project at call time with two queries (examples, then all their messages in
        the same order) and builds each Example as it is asked for.
        """
        with self._reading() as connection:
            heads, rows = select_all(connection)
        return assemble(heads, rows)

    def stream_examples(self, chunk: int = 256) -> Iterator[Example]:
        """Every example in order, read ``chunk`` at a time in separate short reads.

        Memory stays small however big the project is, and an edit from another thread waits
        for one chunk at most. It is not a snapshot: if the project changes meanwhile, an
        example may be missed or met twice. For work that is redone after every change (the
        check report); :meth:`examples` is the exact snapshot.
        """
        start = 0
        while True:
            with self._reading() as connection:
                heads, rows = select_range(connection, start, start + chunk)
            if not heads:
                return
            yield from assemble(heads, rows)
            start += chunk

    def summaries(self) -> list[ExampleSummary]:
        """What the example list shows for every example, in order, with one query.

        Word counts are stored with the text and only the start of each first prompt is read,
        so this is fast and small however long the responses are (see tests/bench).
        """
        with self._reading() as connection:
            rows = connection.execute(SUMMARY_SELECT + "ORDER BY e.position").fetchall()
        return [summary_from(row) for row in rows]

    def summary(self, example_id: int) -> ExampleSummary:
        """One example's row of the list; KeyError if the project has none with that id."""
        with self._reading() as connection:
            row = connection.execute(SUMMARY_SELECT + "WHERE e.id = ?", (example_id,)).fetchone()
        if row is None:
            raise KeyError(example_id)
        return summary_from(row)

    def text_size(self) -> int:
        """How many characters all message texts hold together.

        Reads every text, so it is for measuring (the memory budget is relative to it), not for
        anything the window waits on.
        """
        with self._reading() as connection:
            return connection.execute(
                "SELECT coalesce(sum(length(content)), 0) FROM messages"
            ).fetchone()[0]

    def example(self, example_id: int) -> Example:
        """One example; KeyError if the project has none with that id."""
        with self._reading() as connection:
            return fetch(connection, example_id)

    # -- changing examples -------------------------------------------------------------------

    def add_example(self, example: Example, *, index: int | None = None) -> Example:
        """Store ``example`` at ``index`` (default: the end) and return it as stored.

        If ``example.id`` is set and no other example uses it, the example keeps that id and its
        times: this is how undoing a delete puts an example back exactly as it was. Otherwise it
        gets a fresh id. An index outside 0..count raises IndexError.
        """
        with self._writing() as connection:
            count = connection.execute("SELECT count(*) FROM examples").fetchone()[0]
            position = count if index is None else index
            if not 0 <= position <= count:
                raise IndexError(f"index {index} is outside 0..{count}")
            make_room(connection, position)
            example_id = insert(connection, example, position, utc_now())
            return fetch(connection, example_id)

    def insert_examples(self, index: int, examples: Sequence[Example]) -> list[Example]:
        """Store ``examples`` together at ``index`` in one transaction and return them as
        stored (ids and times kept where free, as in :meth:`add_example`)."""
        with self._writing() as connection:
            count = connection.execute("SELECT count(*) FROM examples").fetchone()[0]
            if not 0 <= index <= count:
                raise IndexError(f"index {index} is outside 0..{count}")
            make_room(connection, index, len(examples))
            now = utc_now()
            ids = [
                insert(connection, example, index + offset, now)
                for offset, example in enumerate(examples)
            ]
            return [fetch(connection, example_id) for example_id in ids]

    def add_examples(
        self,
        examples: Iterable[Example],
        progress: Callable[[int], object] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> int:
        """Append many examples in one transaction and return how many were added.

        ``progress(done)`` is called every PROGRESS_EVERY examples and once at the end.
        ``cancel()`` is asked before each example; when it returns True everything added so far
        is rolled back and :class:`Cancelled` is raised, so the project is exactly as before.
        An error from ``examples`` itself rolls back the same way and is raised as it is.
        """
        done = 0
        with self._writing() as connection:
            position = connection.execute("SELECT count(*) FROM examples").fetchone()[0]
            now = utc_now()
            for example in examples:
                if cancel is not None and cancel():
                    raise Cancelled("Stopped. Nothing was added, so the project is as it was.")
                insert(connection, example, position + done, now)
                done += 1
                if progress is not None and done % PROGRESS_EVERY == 0:
                    progress(done)
            if progress is not None and done % PROGRESS_EVERY:
                progress(done)
        return done

    def replace_messages(self, example_id: int, messages: Iterable[Message]) -> Example:
        """Swap all of an example's messages for ``messages``; KeyError if it does not exist."""
        checked = check_messages(messages)
        with self._writing() as connection:
            position_of(connection, example_id)
            connection.execute("DELETE FROM messages WHERE example_id = ?", (example_id,))
            insert_messages(connection, example_id, checked)
            touch(connection, example_id)
            return fetch(connection, example_id)

    def set_message_content(self, example_id: int, index: int, content: str) -> Example:
        """Change the text of one message (the editor's keystroke path).

        KeyError if the example does not exist, IndexError if it has no message ``index``.
        """
        if not isinstance(content, str):
            raise TypeError("a message's content must be text")
        words = count_words(content)
        with self._writing() as connection:
            cursor = connection.execute(
                "UPDATE messages SET content = ?, words = ? WHERE example_id = ? AND idx = ?",
                (content, words, example_id, index),
            )
            if cursor.rowcount == 0:
                position_of(connection, example_id)  # KeyError for a missing example
                raise IndexError(f"example {example_id} has no message {index}")
            prompt_edited(connection, example_id, index)
            touch(connection, example_id)
            return fetch(connection, example_id)

    def set_prompts(self, changes: Sequence[tuple[int, str, PromptOrigin]]) -> list[Example]:
        """Give each example ``(id, prompt, origin)`` that first prompt and origin, all in one
        transaction (a batch of written prompts, or its undo). An example without a user turn
        gets one before its first reply. KeyError for an unknown id, and nothing changes."""
        with self._writing() as connection:
            for example_id, prompt, origin in changes:
                write_prompt(connection, example_id, prompt, origin)
            return [fetch(connection, example_id) for example_id, _, _ in changes]

    def set_prompt_origins(self, changes: Mapping[int, PromptOrigin]) -> list[Example]:
        """Change only who the first prompts are said to be by (the writer accepting a model's
        prompts, or its undo), in one transaction; KeyError for an unknown id."""
        with self._writing() as connection:
            for example_id, origin in changes.items():
                store_origin(connection, example_id, origin)
            return [fetch(connection, example_id) for example_id in changes]

    def set_note(self, example_id: int, note: str) -> Example:
        """Change the writer's private note on an example; KeyError if it does not exist."""
        if not isinstance(note, str):
            raise TypeError("a note must be text")
        with self._writing() as connection:
            cursor = connection.execute(
                "UPDATE examples SET note = ?, modified = ? WHERE id = ?",
                (note, utc_now(), example_id),
            )
            if cursor.rowcount == 0:
                raise KeyError(example_id)
            return fetch(connection, example_id)

    def delete_examples(self, ids: Iterable[int]) -> list[tuple[int, Example]]:
        """Delete examples and return ``(old index, example)`` pairs, lowest index first.

        To undo, call ``add_example(example, index=old_index)`` for each pair in that order.
        If any id is unknown, KeyError is raised and nothing is deleted.
        """
        unique = list(dict.fromkeys(ids))
        if not unique:
            return []
        with self._writing() as connection:
            positions = positions_of(connection, unique)
            missing = [i for i in unique if i not in positions]
            if missing:
                raise KeyError(missing[0])
            ordered = sorted(unique, key=positions.__getitem__)
            removed = list(
                zip(
                    (positions[i] for i in ordered),
                    fetch_many(connection, ordered),
                    strict=True,
                )
            )
            for chunk in chunks(ordered):
                # Messages go with them (ON DELETE CASCADE).
                connection.execute(
                    f"DELETE FROM examples WHERE id IN ({marks(len(chunk))})", tuple(chunk)
                )
            close_gap(connection, removed[0][0])
        return removed

    def move_example(self, example_id: int, new_index: int) -> None:
        """Move an example to ``new_index`` (0..count-1), shifting the ones in between.

        Moving is not an edit of the example, so its ``modified`` time stays as it was.
        """
        with self._writing() as connection:
            move(connection, example_id, new_index)

    def duplicate_example(self, example_id: int) -> Example:
        """Copy an example (fresh id and times) and put the copy right after it."""
        with self._writing() as connection:
            original = fetch(connection, example_id)
            position = position_of(connection, example_id) + 1
            make_room(connection, position)
            copy = Example(messages=original.messages, note=original.note, source=original.source)
            new_id = insert(connection, copy, position, utc_now())
            return fetch(connection, new_id)

    # -- token counts ------------------------------------------------------------------------

    def cached_token_counts(self, encoding: str, digests: Iterable[bytes]) -> dict[bytes, int]:
        """The stored token counts for those text digests that have one."""
        wanted = list(dict.fromkeys(bytes(d) for d in digests))
        found: dict[bytes, int] = {}
        with self._reading() as connection:
            for chunk in chunks(wanted):
                found.update(
                    connection.execute(
                        "SELECT digest, tokens FROM token_cache "
                        f"WHERE encoding = ? AND digest IN ({marks(len(chunk))})",
                        (encoding, *chunk),
                    ).fetchall()
                )
        return found

    def store_token_counts(self, encoding: str, counts: Mapping[bytes, int]) -> None:
        """Remember token counts for text digests (one transaction)."""
        if not counts:
            return
        with self._writing() as connection:
            connection.executemany(
                "INSERT OR REPLACE INTO token_cache (encoding, digest, tokens) VALUES (?, ?, ?)",
                [(encoding, bytes(digest), int(tokens)) for digest, tokens in counts.items()],
            )

    # -- training history --------------------------------------------------------------------

    def record_snapshot(self, sha256: str, jsonl: bytes) -> None:
        """Keep the exact training file that was (or is about to be) sent.

        ``sha256`` must be the hex digest of ``jsonl`` (ValueError otherwise); recording the
        same file twice is harmless.
        """
        if hashlib.sha256(jsonl).hexdigest() != sha256.lower():
            raise ValueError("sha256 does not match the dataset")
        with self._writing() as connection:
            connection.execute(
                "INSERT OR IGNORE INTO snapshots (dataset_sha256, created, jsonl) VALUES (?, ?, ?)",
                (sha256.lower(), utc_now(), bytes(jsonl)),
            )

    def snapshot(self, sha256: str) -> bytes | None:
        """The training file recorded under ``sha256``, or None."""
        with self._reading() as connection:
            row = connection.execute(
                "SELECT jsonl FROM snapshots WHERE dataset_sha256 = ?", (sha256.lower(),)
            ).fetchone()
        return None if row is None else bytes(row[0])

    def record_job(self, **fields_: Any) -> int:
        """Add a row to the job history and return its row id (``provider`` is required).

        Fields: provider, job_id, file_id, dataset_sha256, model, status, fine_tuned_model and
        detail (any JSON-able dict).
        """
        values = job_values(fields_)
        if not isinstance(values.get("provider"), str):
            raise TypeError("record_job needs provider")
        now = utc_now()
        values.update(created=now, updated=now)
        columns = ", ".join(values)
        with self._writing() as connection:
            cursor = connection.execute(
                f"INSERT INTO jobs ({columns}) VALUES ({marks(len(values))})",
                tuple(values.values()),
            )
            return cursor.lastrowid

    def update_job(self, row_id: int, **fields_: Any) -> None:
        """Change fields of a job row (KeyError if there is none) and stamp ``updated``."""
        values = job_values(fields_)
        values["updated"] = utc_now()
        assignments = ", ".join(f"{key} = ?" for key in values)
        with self._writing() as connection:
            cursor = connection.execute(
                f"UPDATE jobs SET {assignments} WHERE id = ?", (*values.values(), row_id)
            )
            if cursor.rowcount == 0:
                raise KeyError(row_id)

    def jobs(self) -> list[dict[str, Any]]:
        """The job history, oldest first, one dict per job with ``id`` and every field."""
        with self._reading() as connection:
            rows = connection.execute(
                f"SELECT {', '.join(JOB_COLUMNS)} FROM jobs ORDER BY id"
            ).fetchall()
        return [job_from_row(row) for row in rows]

    # -- copies ------------------------------------------------------------------------------

    def save_as(self, path: str | os.PathLike[str]) -> None:
        """Write a complete copy of the project to ``path``; this project stays open as it is.

        Uses SQLite's backup API into a temporary file beside ``path``, then moves it into place,
        so ``path`` is never half-written. An existing file at ``path`` is replaced (the save
        dialog has already asked the writer); the project's own file is refused.
        """
        write_copy(Path(path), self.path, self._backup_into)

    def _backup_into(self, copy: sqlite3.Connection) -> None:
        with self._lock:
            self._conn.backup(copy)
