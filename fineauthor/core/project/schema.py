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

from fineauthor import PROJECT_SUFFIX
from fineauthor.core.dataset.summary import count_words

# "FnAu" as a big-endian 32-bit number, written in the SQLite header at offset 68. It is how
# FineAuthor tells its own files from every other SQLite file.
APPLICATION_ID = 0x466E4175

SUFFIX = PROJECT_SUFFIX

# Every table a current project must hold; a file without them is damaged, not merely old.
TABLES = (
    "settings",
    "examples",
    "messages",
    "token_cache",
    "jobs",
    "snapshots",
    "preference_pairs",
)

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


def _stored_words(data: bytes | None) -> int:
    """count_words for a message's content as SQLite hands it over (as bytes, see below)."""
    if data is None:
        return 0
    return count_words(bytes(data).decode("utf-8", "replace"))


# The SQL name the migration gives _stored_words. Only the migration calls it: Project counts
# words in Python as it writes, so nothing in the file depends on FineAuthor's functions.
_WORDS_FUNCTION = "fineauthor_count_words"

# Version 2 as statements; the migration runs them with the word counts filled in between.
_SCHEMA_2_COLUMNS = (
    # count_words(content), kept up to date by every Project method that writes content.
    "ALTER TABLE messages ADD COLUMN words INTEGER NOT NULL DEFAULT 0",
    # The first characters of the text: what a list shows of a prompt. Computed by SQLite from
    # content, never stored in the row, so it cannot go stale. (320 is summary.PREVIEW_READ.)
    "ALTER TABLE messages ADD COLUMN head TEXT "
    "GENERATED ALWAYS AS (substr(content, 1, 320)) VIRTUAL",
)
_SCHEMA_2_INDEXES = (
    # Everything the example list needs from each message but the prompt's text.
    "CREATE INDEX messages_summary ON messages(example_id, role, idx, words)",
    # The start of every prompt, so the list never reads a message's row.
    "CREATE INDEX messages_prompts ON messages(example_id, role, idx, head) WHERE role = 'user'",
)


def migrate_1_to_2(connection: sqlite3.Connection) -> None:
    """Keep what the example list shows (response word counts, prompt openings) in indexes.

    A project's rows are mostly long responses. New columns go at the end of a row, after the
    text, so reading ``words`` from the table would walk through every text's overflow pages,
    and each prompt's row sits among them: reading 10,000 prompts touches pages all over the
    file. The two indexes hold just those small values, close together, and the list's query
    reads nothing else (SQLite never visits the rows).
    """
    for statement in _SCHEMA_2_COLUMNS:
        connection.execute(statement)
    # Content goes to Python as bytes: a message damaged into invalid UTF-8 still gets a count
    # (and is reported when it is read) instead of stopping the whole upgrade.
    connection.create_function(_WORDS_FUNCTION, 1, _stored_words, deterministic=True)
    connection.execute(f"UPDATE messages SET words = {_WORDS_FUNCTION}(CAST(content AS BLOB))")
    # Built after the UPDATE, so each is written once, in order, rather than row by row.
    for statement in _SCHEMA_2_INDEXES:
        connection.execute(statement)


# Version 3: which service address and which account (a fingerprint of the key, never the
# key) each attempt belongs to. Older rows keep NULL there: their account is not known.
_SCHEMA_3_COLUMNS = (
    "ALTER TABLE jobs ADD COLUMN base_url TEXT",
    "ALTER TABLE jobs ADD COLUMN key_fingerprint TEXT",
)


def migrate_2_to_3(connection: sqlite3.Connection) -> None:
    """Give every attempt in the job history the service address and account it was made
    with, so training again elsewhere never resumes an attempt the service cannot know."""
    for statement in _SCHEMA_3_COLUMNS:
        connection.execute(statement)


# Version 4: who wrote each example's first prompt (prompt_origin.ORIGINS), which model and
# when, whether the writer has accepted a model's prompt, and what a check found wrong with it.
_SCHEMA_4_COLUMNS = (
    "ALTER TABLE examples ADD COLUMN prompt_by TEXT NOT NULL DEFAULT 'writer'",
    "ALTER TABLE examples ADD COLUMN prompt_model TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE examples ADD COLUMN prompt_when TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE examples ADD COLUMN prompt_reviewed INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE examples ADD COLUMN prompt_problem TEXT NOT NULL DEFAULT ''",
)
# Manuscript imports always filled the prompt from a template; one never edited since (its
# times still equal) holds that template's words, so it is known to need a real prompt.
_SCHEMA_4_TEMPLATE_PROMPTS = (
    "UPDATE examples SET prompt_by = 'template' "
    "WHERE source LIKE 'Manuscript: %' AND modified = created"
)


def migrate_3_to_4(connection: sqlite3.Connection) -> None:
    """Record where each prompt came from, so writing prompts from prose never touches one the
    writer wrote."""
    for statement in _SCHEMA_4_COLUMNS:
        connection.execute(statement)
    connection.execute(_SCHEMA_4_TEMPLATE_PROMPTS)


# Version 5: preference pairs (the bench's blind choices), kept beside the examples.
_SCHEMA_5 = """
CREATE TABLE preference_pairs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    position        INTEGER NOT NULL,   -- 0..n-1, no gaps
    created         TEXT NOT NULL,
    modified        TEXT NOT NULL,
    messages        TEXT NOT NULL,      -- JSON list of {"role", "content"}: what was asked
    preferred       TEXT NOT NULL,
    other           TEXT NOT NULL,
    preferred_model TEXT NOT NULL DEFAULT '',
    other_model     TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL DEFAULT 'writer',
    note            TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX preference_pairs_position ON preference_pairs(position);
"""


def migrate_4_to_5(connection: sqlite3.Connection) -> None:
    """Give the project a place for preference pairs."""
    for statement in _split(_SCHEMA_5):
        connection.execute(statement)


Migration = Callable[[sqlite3.Connection], None]

MIGRATIONS: list[Migration] = [
    migrate_0_to_1,
    migrate_1_to_2,
    migrate_2_to_3,
    migrate_3_to_4,
    migrate_4_to_5,
]

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
