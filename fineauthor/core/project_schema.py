"""The project file's schema: its identity, its version and the code that upgrades old files.

A project is one SQLite file. ``PRAGMA application_id`` marks it as FineAuthor's and
``PRAGMA user_version`` is the schema version. ``MIGRATIONS[n]`` upgrades a file from version
n to n + 1; ``SCHEMA_VERSION`` is therefore ``len(MIGRATIONS)``. A migration only ever adds to
what the writer has; it never drops their examples. Every migration runs inside the caller's
transaction, so a failure leaves the file at its old version.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

# "FnAu" as a big-endian 32-bit number, written in the SQLite header at offset 68. It is how
# FineAuthor tells its own files from every other SQLite file.
APPLICATION_ID = 0x466E4175

SUFFIX = ".fineauthor"

# Every table a current project must hold; a file without them is damaged, not merely old.
TABLES = ("settings", "examples", "messages", "token_cache", "jobs", "snapshots")

_SCHEMA_1 = """
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL                  -- JSON
);

-- AUTOINCREMENT so an id is never handed out twice: undoing a delete can restore the
-- example under its old id, and anything that remembered that id still finds it.
CREATE TABLE examples (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    position INTEGER NOT NULL,           -- 0..n-1, no gaps
    created  TEXT NOT NULL,              -- ISO-8601 UTC
    modified TEXT NOT NULL,
    note     TEXT NOT NULL DEFAULT '',
    source   TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX examples_position ON examples(position);

CREATE TABLE messages (
    example_id INTEGER NOT NULL REFERENCES examples(id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
    content    TEXT NOT NULL,
    weight     INTEGER CHECK (weight IS NULL OR weight IN (0, 1)),
    name       TEXT,
    PRIMARY KEY (example_id, idx)
);

-- Token counts keyed by a digest of the counted text, so unchanged text is never re-counted.
CREATE TABLE token_cache (
    encoding TEXT NOT NULL,
    digest   BLOB NOT NULL,
    tokens   INTEGER NOT NULL,
    PRIMARY KEY (encoding, digest)
) WITHOUT ROWID;

-- The exact training file that was sent, kept so a job can always be traced to its data.
CREATE TABLE snapshots (
    dataset_sha256 TEXT PRIMARY KEY NOT NULL,
    created        TEXT NOT NULL,
    jsonl          BLOB NOT NULL
);

CREATE TABLE jobs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    provider         TEXT NOT NULL,
    job_id           TEXT,
    file_id          TEXT,
    dataset_sha256   TEXT,
    model            TEXT,
    status           TEXT,
    fine_tuned_model TEXT,
    created          TEXT NOT NULL,
    updated          TEXT NOT NULL,
    detail           TEXT NOT NULL DEFAULT '{}'   -- JSON
);
CREATE INDEX jobs_provider_job ON jobs(provider, job_id);
"""


def _split(script: str) -> list[str]:
    """The script's statements, one by one.

    ``executescript`` would commit the caller's transaction first, so each statement is run
    with ``execute`` instead. No statement in our DDL contains a semicolon inside it.
    """
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [statement.strip() for statement in "\n".join(lines).split(";") if statement.strip()]


def migrate_0_to_1(connection: sqlite3.Connection) -> None:
    """Version 0 is an empty file marked as ours: give it the first schema."""
    for statement in _split(_SCHEMA_1):
        connection.execute(statement)


Migration = Callable[[sqlite3.Connection], None]

MIGRATIONS: list[Migration] = [migrate_0_to_1]

# The version this FineAuthor writes. Code that must see a test's extra steps calls
# schema_version() instead of reading the constant.
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version() -> int:
    """The newest schema version, counted from the migrations that exist right now."""
    return len(MIGRATIONS)


def migrate(
    connection: sqlite3.Connection, current: int, migrations: Sequence[Migration] | None = None
) -> int:
    """Run the steps from ``current`` up to the newest version and set ``user_version``.

    The caller owns the transaction (so a failed step rolls back every step before it).
    Returns the version the file is at afterwards.
    """
    steps = MIGRATIONS if migrations is None else migrations
    for version in range(current, len(steps)):
        steps[version](connection)
        # user_version lives in the file's header page and is covered by the transaction.
        connection.execute(f"PRAGMA user_version = {version + 1:d}")
    return max(current, len(steps))
