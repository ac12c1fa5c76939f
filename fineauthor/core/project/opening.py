"""Connecting to a project's SQLite file and, when it is opened, checking what SQLite sees and
upgrading a file an older FineAuthor made (the only time opening writes)."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from fineauthor.core.errors import DamagedProjectError, ProjectError
from fineauthor.core.project import schema as _schema
from fineauthor.core.project.file import (
    HEADER_SIZE,
    Header,
    check_header,
    damaged,
    sniff,
    translate,
    truncated,
    unreachable,
)


def connect(database: str | Path, *, uri: bool = False) -> sqlite3.Connection:
    """A connection as every project uses one: our own transactions, FULL sync, shared."""
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


def open_connection(path: Path) -> tuple[Path, sqlite3.Connection]:
    """The real path of the project at ``path`` and a connection to it that never creates a
    file, after :func:`~fineauthor.core.project.file.sniff` has recognised it."""
    real = sniff(path)
    uri = real.as_uri() + "?mode=rw"  # mode=rw: never create a file that is not there
    try:
        connection = connect(uri, uri=True)
    except sqlite3.Error as error:
        raise translate(error, path.name) from error
    except UnicodeDecodeError as error:  # see Project._guard
        raise damaged(path.name) from error
    return real, connection


def check_and_upgrade(connection: sqlite3.Connection, real: Path, name: str) -> None:
    """Validate what SQLite sees, then upgrade an older file (and only then write)."""
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
        _upgrade(connection, version, name)
    present = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    if not set(_schema.TABLES) <= present:
        raise damaged(name)
    connection.execute("SELECT count(*) FROM examples").fetchone()


def _upgrade(connection: sqlite3.Connection, version: int, name: str) -> None:
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


def _read_head(real: Path) -> bytes:
    with real.open("rb") as stream:
        return stream.read(HEADER_SIZE)
