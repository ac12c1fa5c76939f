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
import json
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fineauthor.core.dataset.example import ROLES, Example, Message
from fineauthor.core.dataset.summary import (
    NOTE_CHARS,
    ExampleSummary,
    count_words,
    preview,
)
from fineauthor.core.errors import (
    DamagedProjectError,
    FineAuthorError,
    ProjectError,
    ProjectLocationError,
)
from fineauthor.core.project import schema as _schema
from fineauthor.core.project.file import (
    HEADER_SIZE,
    SQLITE_FULL,
    Header,
    check_header,
    damaged,
    disk_full,
    disk_trouble,
    sniff,
    translate,
    truncated,
    unreachable,
)

__all__ = ["Cancelled", "ExampleSummary", "Project", "ProjectSettings"]


class Cancelled(FineAuthorError):  # noqa: N818 - a stop the writer asked for, not an error
    """Long work was stopped at the writer's request and everything it did was undone.

    Defined here rather than in ``errors`` because only project work can be cancelled so far.
    """


@dataclass(frozen=True)
class ProjectSettings:
    """The project-wide choices: the voice, the length target and where to train.

    ``target_words``/``tolerance_words`` are None until the writer sets a length.
    ``win_conditions`` is a tuple of small dicts (one per check the writer wants met) and
    ``wizard`` holds the first-fine-tune wizard's answers as they were given, and
    ``bench_tally`` the test bench's blind-test choices (see ``core.bench.BenchTally``).
    """

    title: str = ""
    system_prompt: str = ""
    style_name: str = ""
    target_words: int | None = None
    tolerance_words: int | None = None
    win_conditions: tuple[dict[str, Any], ...] = field(default=(), hash=False)
    provider: str = ""
    base_model: str = ""
    wizard: dict[str, Any] = field(default_factory=dict, hash=False)
    bench_tally: dict[str, Any] = field(default_factory=dict, hash=False)


_SETTING_NAMES = tuple(f.name for f in fields(ProjectSettings))


def _valid_setting(key: str, value: object) -> bool:
    """Whether ``value`` has the type the setting ``key`` holds."""
    if key in ("target_words", "tolerance_words"):
        return value is None or (isinstance(value, int) and not isinstance(value, bool))
    if key == "win_conditions":
        return isinstance(value, list | tuple) and all(isinstance(item, dict) for item in value)
    if key in ("wizard", "bench_tally"):
        return isinstance(value, dict)
    return isinstance(value, str)


# How many examples add_examples stores between two progress reports.
PROGRESS_EVERY = 100

# SQLite allows at least 999 bound values in one statement on every version we may meet.
_CHUNK = 500

_JOB_FIELDS = (
    "provider",
    "job_id",
    "file_id",
    "dataset_sha256",
    "model",
    "status",
    "fine_tuned_model",
    "detail",
)


def _now() -> str:
    """The current time as ISO-8601 UTC, to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _marks(count: int) -> str:
    return ",".join("?" * count)


def _fsync_folder(folder: Path) -> None:
    """Make a rename or new file in ``folder`` durable (POSIX; a no-op where unsupported)."""
    with contextlib.suppress(OSError, AttributeError):
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _check_folder(path: Path) -> Path:
    """The folder ``path`` will be written into, which must exist and allow changes."""
    name = path.name
    folder = path.absolute().parent
    if not folder.is_dir():
        raise ProjectLocationError(
            f"The folder chosen for “{name}” doesn’t exist. Choose another folder."
        )
    if not os.access(folder, os.W_OK):
        raise ProjectLocationError(
            f"FineAuthor can’t save “{name}” there: the folder doesn’t allow changes. "
            "Choose another folder, such as Documents."
        )
    return folder


def _connect(database: str | Path, *, uri: bool = False) -> sqlite3.Connection:
    connection = sqlite3.connect(
        database,
        uri=uri,
        isolation_level=None,  # we issue BEGIN/COMMIT ourselves: one edit, one transaction
        check_same_thread=False,  # workers use the project too; a lock serialises them
        timeout=5.0,
    )
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA synchronous = FULL")
    return connection


def _check_messages(messages: Iterable[Message]) -> tuple[Message, ...]:
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


def _example_from(row: Sequence[Any], messages: Sequence[Sequence[Any]]) -> Example:
    example_id, created, modified, note, source = row
    return Example(
        messages=tuple(Message(m[0], m[1], m[2], m[3]) for m in messages),
        note=note,
        id=example_id,
        created=created,
        modified=modified,
        source=source,
    )


_EXAMPLE_COLUMNS = "id, created, modified, note, source"

# One row per example for the example list, never a full text. Every lookup in messages is
# answered by an index alone (messages_summary, or messages_prompts for the first prompt's
# opening ``head``, which is substr(content, 1, summary.PREVIEW_READ)), so no message row is read.
_SUMMARY_SELECT = f"""
SELECT e.id,
       substr(e.note, 1, {NOTE_CHARS:d}),
       (SELECT count(*) FROM messages AS m WHERE m.example_id = e.id),
       EXISTS (SELECT 1 FROM messages AS m WHERE m.example_id = e.id AND m.role = 'system'),
       (SELECT m.words FROM messages AS m WHERE m.example_id = e.id AND m.role = 'assistant'
        ORDER BY m.idx DESC LIMIT 1),
       (SELECT m.head FROM messages AS m
        WHERE m.example_id = e.id AND m.role = 'user' ORDER BY m.idx LIMIT 1)
FROM examples AS e
"""


def _summary_from(row: Sequence[Any]) -> ExampleSummary:
    # Only a damaged file holds values of other types; the list then shows blanks for them.
    example_id, note, turns, has_system, words, prompt = row
    return ExampleSummary(
        id=example_id,
        prompt_preview=preview(prompt) if isinstance(prompt, str) else "",
        response_words=words if isinstance(words, int) else 0,
        turns=turns,
        has_system=bool(has_system),
        note=note if isinstance(note, str) else "",
    )


class Project:
    """An open project file. Create one with :meth:`create` or :meth:`open`, not directly.

    Safe to share between threads: a lock serialises every call.
    """

    path: Path

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = connection
        self._lock = threading.RLock()

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
        name = path.name
        folder = _check_folder(path)
        if path.is_dir():
            raise ProjectError(
                f"There is already a folder called “{name}” there. Choose another name."
            )
        if path.exists() or path.is_symlink():
            raise _exists(name)
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".creating", dir=folder)
        os.close(handle)
        try:
            connection = _connect(temporary)
            try:
                connection.execute("PRAGMA journal_mode = DELETE")
                connection.execute("BEGIN IMMEDIATE")
                connection.execute(f"PRAGMA application_id = {_schema.APPLICATION_ID:d}")
                _schema.migrate(connection, 0)
                connection.execute(
                    "INSERT INTO settings (key, value) VALUES ('title', ?)",
                    (json.dumps(title, ensure_ascii=False),),
                )
                connection.execute("COMMIT")
            finally:
                connection.close()
            _move_into_place(Path(temporary), path)
        except sqlite3.Error as error:
            raise (disk_full(name) if _is_full(error) else disk_trouble(name)) from error
        except OSError as error:
            raise ProjectLocationError(
                f"FineAuthor couldn’t create “{name}” in that folder. Check that there is room "
                "on the disk and that the folder allows changes, or choose another folder."
            ) from error
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        _fsync_folder(folder)
        return cls.open(path)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Project:
        """Open an existing project, upgrading it if an older FineAuthor made it.

        Raises a ProjectError subclass with a message for the writer when the path is missing,
        a folder, not a project, damaged, from a newer FineAuthor, or somewhere read-only.
        """
        path = Path(path)
        real = sniff(path)
        uri = real.as_uri() + "?mode=rw"  # mode=rw: never create a file that is not there
        try:
            connection = _connect(uri, uri=True)
        except sqlite3.Error as error:
            raise translate(error, path.name) from error
        except UnicodeDecodeError as error:  # see _guard
            raise damaged(path.name) from error
        project = cls(path, connection)
        try:
            project._prepare(real)
        except BaseException:
            project.close()
            raise
        return project

    def _prepare(self, real: Path) -> None:
        """Validate what SQLite sees, then upgrade an older file (and only then write)."""
        name = self.path.name
        with self._guard():
            connection = self._conn
            # The first read also rolls back a change interrupted by a crash.
            application_id = connection.execute("PRAGMA application_id").fetchone()[0]
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            try:
                head = _read_head(real)
                size = real.stat().st_size
            except OSError:
                raise unreachable(name) from None
            if len(head) < HEADER_SIZE:
                raise truncated(name)
            header = Header.parse(head)
            if (header.application_id, header.user_version) != (application_id, version):
                raise damaged(name)
            check_header(header, size, name, check_size=True)
            mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "delete":
                connection.execute("PRAGMA journal_mode = DELETE")
            if version < _schema.schema_version():
                self._migrate(version)
            present = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            if not set(_schema.TABLES) <= present:
                raise damaged(name)
            connection.execute("SELECT count(*) FROM examples").fetchone()
        self.settings  # noqa: B018 - reading the settings proves they can be read

    def _migrate(self, version: int) -> None:
        name = self.path.name
        connection = self._conn
        connection.execute("BEGIN IMMEDIATE")
        try:
            _schema.migrate(connection, version)
            connection.execute("COMMIT")
        except BaseException as error:
            if connection.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    connection.execute("ROLLBACK")
            if not isinstance(error, Exception):
                raise
            if isinstance(error, sqlite3.Error):
                translated = translate(error, name)
                # A full disk or a locked file is worth saying as it is; anything else means
                # the upgrade itself failed.
                if not isinstance(translated, DamagedProjectError):
                    raise translated from error
            raise ProjectError(
                f"“{name}” was made by an older version of FineAuthor and couldn’t be brought up "
                "to date, so it has been left exactly as it was. Please keep the file and "
                "report the problem."
            ) from error

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
        values: dict[str, Any] = {}
        for key, raw in rows:
            if key not in _SETTING_NAMES:
                continue
            try:
                value = json.loads(raw)
            except (TypeError, ValueError, RecursionError):
                continue
            if _valid_setting(key, value):
                values[key] = tuple(value) if key == "win_conditions" else value
        return ProjectSettings(**values)

    def update_settings(self, **changes: Any) -> ProjectSettings:
        """Change some settings in one transaction and return them all.

        An unknown name or a value of the wrong type raises TypeError and changes nothing.
        """
        encoded = []
        for key, value in changes.items():
            if key not in _SETTING_NAMES:
                raise TypeError(f"unknown project setting {key!r}")
            if not _valid_setting(key, value):
                raise TypeError(f"wrong type for project setting {key!r}: {value!r}")
            stored = list(value) if key == "win_conditions" else value
            encoded.append((key, json.dumps(stored, ensure_ascii=False)))
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
        return _assemble(heads, rows)

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
                connection.execute("BEGIN")  # both queries see the same state
                try:
                    heads = connection.execute(
                        f"SELECT {_EXAMPLE_COLUMNS} FROM examples "
                        "WHERE position >= ? AND position < ? ORDER BY position",
                        (start, start + chunk),
                    ).fetchall()
                    rows = connection.execute(
                        "SELECT m.example_id, m.role, m.content, m.weight, m.name "
                        "FROM examples AS e JOIN messages AS m ON m.example_id = e.id "
                        "WHERE e.position >= ? AND e.position < ? ORDER BY e.position, m.idx",
                        (start, start + chunk),
                    ).fetchall()
                finally:
                    _end_read(connection)
            if not heads:
                return
            yield from _assemble(heads, rows)
            start += chunk

    def summaries(self) -> list[ExampleSummary]:
        """What the example list shows for every example, in order, with one query.

        Word counts are stored with the text and only the start of each first prompt is read,
        so this is fast and small however long the responses are (see tests/bench).
        """
        with self._reading() as connection:
            rows = connection.execute(_SUMMARY_SELECT + "ORDER BY e.position").fetchall()
        return [_summary_from(row) for row in rows]

    def summary(self, example_id: int) -> ExampleSummary:
        """One example's row of the list; KeyError if the project has none with that id."""
        with self._reading() as connection:
            row = connection.execute(_SUMMARY_SELECT + "WHERE e.id = ?", (example_id,)).fetchone()
        if row is None:
            raise KeyError(example_id)
        return _summary_from(row)

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
            return self._fetch(connection, example_id)

    def _fetch(self, connection: sqlite3.Connection, example_id: int) -> Example:
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

    def _fetch_many(self, connection: sqlite3.Connection, ids: Sequence[int]) -> list[Example]:
        """Several examples with two queries per chunk of ids, in the order of ``ids``."""
        heads: dict[int, Sequence[Any]] = {}
        messages: dict[int, list[Sequence[Any]]] = {}
        for chunk in _chunks(ids):
            for row in connection.execute(
                f"SELECT {_EXAMPLE_COLUMNS} FROM examples WHERE id IN ({_marks(len(chunk))})",
                tuple(chunk),
            ):
                heads[row[0]] = row
                messages[row[0]] = []
            for row in connection.execute(
                "SELECT example_id, role, content, weight, name FROM messages "
                f"WHERE example_id IN ({_marks(len(chunk))}) ORDER BY example_id, idx",
                tuple(chunk),
            ):
                messages[row[0]].append(row[1:])
        return [_example_from(heads[i], messages[i]) for i in ids]

    def _position(self, connection: sqlite3.Connection, example_id: int) -> int:
        row = connection.execute(
            "SELECT position FROM examples WHERE id = ?", (example_id,)
        ).fetchone()
        if row is None:
            raise KeyError(example_id)
        return row[0]

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
            self._make_room(connection, position)
            example_id = self._insert(connection, example, position, _now())
            return self._fetch(connection, example_id)

    def insert_examples(self, index: int, examples: Sequence[Example]) -> list[Example]:
        """Store ``examples`` together at ``index`` in one transaction and return them as
        stored (ids and times kept where free, as in :meth:`add_example`)."""
        with self._writing() as connection:
            count = connection.execute("SELECT count(*) FROM examples").fetchone()[0]
            if not 0 <= index <= count:
                raise IndexError(f"index {index} is outside 0..{count}")
            self._make_room(connection, index, len(examples))
            now = _now()
            ids = [
                self._insert(connection, example, index + offset, now)
                for offset, example in enumerate(examples)
            ]
            return [self._fetch(connection, example_id) for example_id in ids]

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
            now = _now()
            for example in examples:
                if cancel is not None and cancel():
                    raise Cancelled("Stopped. Nothing was added, so the project is as it was.")
                self._insert(connection, example, position + done, now)
                done += 1
                if progress is not None and done % PROGRESS_EVERY == 0:
                    progress(done)
            if progress is not None and done % PROGRESS_EVERY:
                progress(done)
        return done

    def _insert(
        self, connection: sqlite3.Connection, example: Example, position: int, now: str
    ) -> int:
        messages = _check_messages(example.messages)
        example_id = example.id
        if example_id is not None:
            taken = connection.execute(
                "SELECT 1 FROM examples WHERE id = ?", (example_id,)
            ).fetchone()
            if taken or isinstance(example_id, bool) or not isinstance(example_id, int):
                example_id = None
        created = example.created or now
        modified = example.modified or created
        cursor = connection.execute(
            "INSERT INTO examples (id, position, created, modified, note, source) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (example_id, position, created, modified, example.note or "", example.source or ""),
        )
        new_id = cursor.lastrowid
        self._insert_messages(connection, new_id, messages)
        return new_id

    @staticmethod
    def _insert_messages(
        connection: sqlite3.Connection, example_id: int, messages: Sequence[Message]
    ) -> None:
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

    @staticmethod
    def _set_positions(connection: sqlite3.Connection, moves: Sequence[tuple[int, int]]) -> None:
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

    def _make_room(self, connection: sqlite3.Connection, position: int, count: int = 1) -> None:
        rows = connection.execute(
            "SELECT id, position FROM examples WHERE position >= ?", (position,)
        ).fetchall()
        self._set_positions(connection, [(i, p + count) for i, p in rows])

    def _touch(self, connection: sqlite3.Connection, example_id: int) -> None:
        connection.execute("UPDATE examples SET modified = ? WHERE id = ?", (_now(), example_id))

    def replace_messages(self, example_id: int, messages: Iterable[Message]) -> Example:
        """Swap all of an example's messages for ``messages``; KeyError if it does not exist."""
        checked = _check_messages(messages)
        with self._writing() as connection:
            self._position(connection, example_id)
            connection.execute("DELETE FROM messages WHERE example_id = ?", (example_id,))
            self._insert_messages(connection, example_id, checked)
            self._touch(connection, example_id)
            return self._fetch(connection, example_id)

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
                self._position(connection, example_id)  # KeyError for a missing example
                raise IndexError(f"example {example_id} has no message {index}")
            self._touch(connection, example_id)
            return self._fetch(connection, example_id)

    def set_note(self, example_id: int, note: str) -> Example:
        """Change the writer's private note on an example; KeyError if it does not exist."""
        if not isinstance(note, str):
            raise TypeError("a note must be text")
        with self._writing() as connection:
            cursor = connection.execute(
                "UPDATE examples SET note = ?, modified = ? WHERE id = ?",
                (note, _now(), example_id),
            )
            if cursor.rowcount == 0:
                raise KeyError(example_id)
            return self._fetch(connection, example_id)

    def delete_examples(self, ids: Iterable[int]) -> list[tuple[int, Example]]:
        """Delete examples and return ``(old index, example)`` pairs, lowest index first.

        To undo, call ``add_example(example, index=old_index)`` for each pair in that order.
        If any id is unknown, KeyError is raised and nothing is deleted.
        """
        unique = list(dict.fromkeys(ids))
        if not unique:
            return []
        with self._writing() as connection:
            positions: dict[int, int] = {}
            for chunk in _chunks(unique):
                positions.update(
                    connection.execute(
                        f"SELECT id, position FROM examples WHERE id IN ({_marks(len(chunk))})",
                        tuple(chunk),
                    ).fetchall()
                )
            missing = [i for i in unique if i not in positions]
            if missing:
                raise KeyError(missing[0])
            ordered = sorted(unique, key=positions.__getitem__)
            removed = list(
                zip(
                    (positions[i] for i in ordered),
                    self._fetch_many(connection, ordered),
                    strict=True,
                )
            )
            for chunk in _chunks(ordered):
                # Messages go with them (ON DELETE CASCADE).
                connection.execute(
                    f"DELETE FROM examples WHERE id IN ({_marks(len(chunk))})", tuple(chunk)
                )
            first = removed[0][0]
            rest = connection.execute(
                "SELECT id, position FROM examples WHERE position > ? ORDER BY position", (first,)
            ).fetchall()
            self._set_positions(
                connection,
                [
                    (example_id, first + offset)
                    for offset, (example_id, position) in enumerate(rest)
                    if position != first + offset
                ],
            )
        return removed

    def move_example(self, example_id: int, new_index: int) -> None:
        """Move an example to ``new_index`` (0..count-1), shifting the ones in between.

        Moving is not an edit of the example, so its ``modified`` time stays as it was.
        """
        with self._writing() as connection:
            old = self._position(connection, example_id)
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
            self._set_positions(connection, [(i, low + offset) for offset, i in enumerate(order)])

    def duplicate_example(self, example_id: int) -> Example:
        """Copy an example (fresh id and times) and put the copy right after it."""
        with self._writing() as connection:
            original = self._fetch(connection, example_id)
            position = self._position(connection, example_id) + 1
            self._make_room(connection, position)
            copy = Example(messages=original.messages, note=original.note, source=original.source)
            new_id = self._insert(connection, copy, position, _now())
            return self._fetch(connection, new_id)

    # -- token counts ------------------------------------------------------------------------

    def cached_token_counts(self, encoding: str, digests: Iterable[bytes]) -> dict[bytes, int]:
        """The stored token counts for those text digests that have one."""
        wanted = list(dict.fromkeys(bytes(d) for d in digests))
        found: dict[bytes, int] = {}
        with self._reading() as connection:
            for chunk in _chunks(wanted):
                found.update(
                    connection.execute(
                        "SELECT digest, tokens FROM token_cache "
                        f"WHERE encoding = ? AND digest IN ({_marks(len(chunk))})",
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
                (sha256.lower(), _now(), bytes(jsonl)),
            )

    def snapshot(self, sha256: str) -> bytes | None:
        """The training file recorded under ``sha256``, or None."""
        with self._reading() as connection:
            row = connection.execute(
                "SELECT jsonl FROM snapshots WHERE dataset_sha256 = ?", (sha256.lower(),)
            ).fetchone()
        return None if row is None else bytes(row[0])

    @staticmethod
    def _job_values(fields_: Mapping[str, Any]) -> dict[str, Any]:
        values = {}
        for key, value in fields_.items():
            if key not in _JOB_FIELDS:
                raise TypeError(f"unknown job field {key!r}")
            values[key] = json.dumps(value, ensure_ascii=False) if key == "detail" else value
        return values

    def record_job(self, **fields_: Any) -> int:
        """Add a row to the job history and return its row id (``provider`` is required).

        Fields: provider, job_id, file_id, dataset_sha256, model, status, fine_tuned_model and
        detail (any JSON-able dict).
        """
        values = self._job_values(fields_)
        if not isinstance(values.get("provider"), str):
            raise TypeError("record_job needs provider")
        now = _now()
        values.update(created=now, updated=now)
        columns = ", ".join(values)
        with self._writing() as connection:
            cursor = connection.execute(
                f"INSERT INTO jobs ({columns}) VALUES ({_marks(len(values))})",
                tuple(values.values()),
            )
            return cursor.lastrowid

    def update_job(self, row_id: int, **fields_: Any) -> None:
        """Change fields of a job row (KeyError if there is none) and stamp ``updated``."""
        values = self._job_values(fields_)
        values["updated"] = _now()
        assignments = ", ".join(f"{key} = ?" for key in values)
        with self._writing() as connection:
            cursor = connection.execute(
                f"UPDATE jobs SET {assignments} WHERE id = ?", (*values.values(), row_id)
            )
            if cursor.rowcount == 0:
                raise KeyError(row_id)

    def jobs(self) -> list[dict[str, Any]]:
        """The job history, oldest first, one dict per job with ``id`` and every field."""
        columns = ("id", *_JOB_FIELDS, "created", "updated")
        with self._reading() as connection:
            rows = connection.execute(f"SELECT {', '.join(columns)} FROM jobs ORDER BY id")
            result = [dict(zip(columns, row, strict=True)) for row in rows]
        for job in result:
            try:
                job["detail"] = json.loads(job["detail"])
            except (TypeError, ValueError):
                job["detail"] = {}
        return result

    # -- copies ------------------------------------------------------------------------------

    def save_as(self, path: str | os.PathLike[str]) -> None:
        """Write a complete copy of the project to ``path``; this project stays open as it is.

        Uses SQLite's backup API into a temporary file beside ``path``, then moves it into place,
        so ``path`` is never half-written. An existing file at ``path`` is replaced (the save
        dialog has already asked the writer); the project's own file is refused.
        """
        target = Path(path)
        name = target.name
        folder = _check_folder(target)
        if target.is_dir():
            raise ProjectError(f"“{name}” is a folder. Choose a file name for the copy.")
        if target.exists() and os.path.samefile(target, self.path):
            raise ProjectError(
                f"“{name}” is the project you are working in, and it is already saved. "
                "Choose another name for the copy."
            )
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".saving", dir=folder)
        os.close(handle)
        try:
            copy = sqlite3.connect(temporary)
            try:
                with self._lock:
                    self._conn.backup(copy)
            finally:
                copy.close()
            with open(temporary, "rb+") as stream:
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except sqlite3.Error as error:
            raise (disk_full(name) if _is_full(error) else disk_trouble(name)) from error
        except OSError as error:
            raise ProjectLocationError(
                f"FineAuthor couldn’t save a copy as “{name}”. Check that there is room on the "
                "disk and that the folder allows changes, or choose another folder."
            ) from error
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        _fsync_folder(folder)


def _assemble(heads: list[Any], rows: list[Any]) -> Iterator[Example]:
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


def _exists(name: str) -> ProjectError:
    return ProjectError(
        f"There is already a file called “{name}” in that folder. Choose another name, "
        "or open the existing project."
    )


def _read_head(real: Path) -> bytes:
    with real.open("rb") as stream:
        return stream.read(HEADER_SIZE)


def _is_full(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF == SQLITE_FULL


def _move_into_place(temporary: Path, path: Path) -> None:
    """Give the finished file its name without ever replacing a file that appeared meanwhile."""
    with open(temporary, "rb+") as stream:
        os.fsync(stream.fileno())
    try:
        os.link(temporary, path)  # fails if ``path`` exists, unlike a rename on POSIX
    except FileExistsError:
        raise _exists(path.name) from None
    except OSError:
        # Some drives (FAT, some network shares) have no hard links.
        if path.exists():
            raise _exists(path.name) from None
        os.rename(temporary, path)
