"""Opening things that are not (usable) projects: the right error, words a writer understands,
and the file exactly as it was. Also the schema migrations, which run only after these checks."""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import shutil
import sqlite3
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.dataset.summary import summarize
from fineauthor.core.errors import (
    DamagedProjectError,
    NewerProjectError,
    NotAProjectError,
    ProjectError,
    ProjectLocationError,
)
from fineauthor.core.project import schema as project_schema
from fineauthor.core.project.project import Project
from fineauthor.core.project.project_settings import ProjectSettings

NAME = "Chapter ideas.fineauthor"
JARGON = ("sqlite", "database", "traceback", "errno", "pragma", "schema", "exception", "header")


def fingerprint(path: Path) -> tuple[bytes, int] | None:
    if not path.is_file():
        return None
    return path.read_bytes(), path.stat().st_mtime_ns


def refused(path: Path, error_type: type[ProjectError], *phrases: str) -> str:
    """Open ``path``, expecting exactly ``error_type``; check the message and that nothing
    in the folder changed. Returns the message."""
    folder = path.parent
    before = fingerprint(path)
    listing = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else None
    time.sleep(0.01)  # so a write would show in the modification time
    with pytest.raises(ProjectError) as caught:
        Project.open(path)
    error = caught.value
    message = str(error)
    assert type(error) is error_type, message
    assert f"“{path.name}”" in message
    for phrase in phrases:
        assert phrase in message, message
    lowered = message.lower()
    assert not any(word in lowered for word in JARGON), message
    assert str(folder) not in message  # no machine paths, just the file's name
    assert fingerprint(path) == before
    if listing is not None:
        assert sorted(p.name for p in folder.iterdir()) == listing  # no journal, no temp file
    return message


def chat(n: int) -> Example:
    return Example((Message("user", f"prompt {n}"), Message("assistant", "words " * 300)))


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / NAME


@pytest.fixture
def project_file(path: Path) -> Path:
    """A real project with a few pages of examples."""
    with Project.create(path, title="Ideas") as project:
        project.add_examples(chat(n) for n in range(40))
    return path


# -- what the path is -------------------------------------------------------------------------


def test_missing(path: Path) -> None:
    refused(path, ProjectError, "can’t find", "moved, renamed or deleted")
    refused(path.parent / "no folder" / NAME, ProjectError, "can’t find")
    assert not path.exists()


def test_folder(path: Path) -> None:
    path.mkdir()
    refused(path, NotAProjectError, "is a folder", ".fineauthor")


def test_empty_file(path: Path) -> None:
    path.write_bytes(b"")
    refused(path, NotAProjectError, "is empty", "backup")
    assert path.stat().st_size == 0  # SQLite would happily have turned it into a database


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "kind", "advice"),
    [
        (_png(), "is a PNG image, not a FineAuthor project.", ".fineauthor"),
        (b"\xff\xd8\xff\xe0" + bytes(300), "is a JPEG photo", ".fineauthor"),
        (b"GIF89a" + bytes(100), "is a GIF image", ".fineauthor"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(100), "is a PDF document", ".fineauthor"),
        (_zip({"word/document.xml": b"<w/>"}), "is a Word document", ".fineauthor"),
        (
            _zip({"mimetype": b"application/epub+zip", "a.xhtml": b"<p/>"}),
            "is an EPUB e-book",
            ".fineauthor",
        ),
        (_zip({"conversations.json": b"[]"}), "is a ChatGPT data export", ".fineauthor"),
        (_zip({"notes.txt": b"hello"}), "is a ZIP archive", "unzip it first"),
        (b"PK\x03\x04 broken archive", "is a ZIP archive", "unzip"),
        (gzip.compress(b"x" * 100), "is a compressed (gzip) file", ".fineauthor"),
        (b"{\\rtf1\\ansi Chapter One}", "is an RTF document", ".fineauthor"),
        (
            b'{"messages": [{"role": "user", "content": "Hi"}]}\n' * 3,
            "is a training file of examples (JSONL)",
            "use Import",
        ),
        ("\ufeffChapter One\n\nIt was a dark night.".encode(), "is a plain text file", "Import"),
        (b'[{"title": "chat"}]', "is a JSON file", "Import"),
        (bytes(range(256)) * 4, "doesn’t recognise what is in it", ".fineauthor"),
    ],
)
def test_other_kinds_of_file(path: Path, content: bytes, kind: str, advice: str) -> None:
    path.write_bytes(content)
    refused(path, NotAProjectError, kind, advice)


def test_png_message_reads_well(path: Path) -> None:
    path.write_bytes(_png())
    message = refused(path, NotAProjectError)
    assert message.startswith(
        "“Chapter ideas.fineauthor” is a PNG image, not a FineAuthor project."
    )


def test_another_programs_sqlite_file(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE contacts (name TEXT)")
        connection.execute("INSERT INTO contacts VALUES ('Liz')")
        connection.commit()
    refused(path, NotAProjectError, "made by another program", "left as it was")
    path.unlink()
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA application_id = 1234")
        connection.execute("CREATE TABLE settings (key TEXT)")
        connection.commit()
    refused(path, NotAProjectError, "made by another program")


# -- damaged projects ------------------------------------------------------------------------


def test_truncated_project(project_file: Path) -> None:
    data = project_file.read_bytes()
    assert len(data) > 8 * 4096
    project_file.write_bytes(data[: len(data) - 4096])
    refused(project_file, DamagedProjectError, "is incomplete", "backup")
    project_file.write_bytes(data[:5000])
    refused(project_file, DamagedProjectError, "is incomplete")


def test_project_cut_inside_its_first_bytes(project_file: Path) -> None:
    data = project_file.read_bytes()
    for size in (10, 16, 60, 99):
        project_file.write_bytes(data[:size])
        refused(project_file, DamagedProjectError, "is incomplete")


def test_scrambled_table_of_contents(project_file: Path) -> None:
    # Page 1 after the 100-byte header is where SQLite keeps the list of tables.
    data = bytearray(project_file.read_bytes())
    data[100:4096] = bytes((n * 37) % 251 for n in range(3996))
    project_file.write_bytes(bytes(data))
    refused(project_file, DamagedProjectError, "is damaged", "left exactly as it was", "backup")


def test_impossible_page_size(project_file: Path) -> None:
    data = bytearray(project_file.read_bytes())
    data[16:18] = (3000).to_bytes(2, "big")
    project_file.write_bytes(bytes(data))
    refused(project_file, DamagedProjectError, "is damaged")


def test_damage_found_while_reading_examples(project_file: Path) -> None:
    data = bytearray(project_file.read_bytes())
    page = 4096
    # Scramble every page after the first few: opening reads only the start of the file,
    # reading all examples walks into the damage.
    for start in range(4 * page, len(data), page):
        data[start : start + page] = bytes([0x0D]) + bytes(page - 1)
    project_file.write_bytes(bytes(data))
    before = fingerprint(project_file)
    with pytest.raises(ProjectError) as caught, Project.open(project_file) as project:
        list(project.examples())
    assert type(caught.value) is DamagedProjectError
    assert "is damaged" in str(caught.value)
    assert fingerprint(project_file) == before


# -- newer versions --------------------------------------------------------------------------


def test_newer_project_is_left_alone(project_file: Path) -> None:
    with contextlib.closing(sqlite3.connect(project_file)) as connection:
        connection.execute(f"PRAGMA user_version = {project_schema.SCHEMA_VERSION + 1}")
        connection.commit()
    refused(
        project_file,
        NewerProjectError,
        "made by a newer version of FineAuthor",
        "Update FineAuthor",
        "left exactly as it was",
    )


# -- read-only places ------------------------------------------------------------------------


@contextlib.contextmanager
def read_only(target: Path) -> Iterator[None]:
    """Make ``target`` (a file or folder) unwritable, in a way that binds the superuser too.

    chmod does not stop root, so as root the immutable attribute is used instead (ext4, xfs,
    btrfs support it); os.access honours both.
    """
    if os.geteuid() != 0:
        mode = target.stat().st_mode
        target.chmod(0o555 if target.is_dir() else 0o444)
        try:
            yield
        finally:
            target.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("running as root without chattr: no honest way to make a file read-only")
    result = subprocess.run([chattr, "+i", str(target)], capture_output=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"running as root and this filesystem has no immutable flag: {result.stderr}")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(target)], check=True)


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_read_only_file(project_file: Path) -> None:
    with read_only(project_file):
        assert not os.access(project_file, os.W_OK)
        refused(project_file, ProjectLocationError, "is read-only", "Copy the project")


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_read_only_folder(project_file: Path) -> None:
    with read_only(project_file.parent):
        assert not os.access(project_file.parent, os.W_OK)
        refused(project_file, ProjectLocationError, "folder", "doesn’t allow changes")


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_create_in_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    with read_only(folder), pytest.raises(ProjectLocationError, match="doesn’t allow changes"):
        Project.create(folder / NAME)
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_newer_beats_read_only(project_file: Path) -> None:
    # The most useful message wins: updating FineAuthor is the fix, not moving the file.
    with contextlib.closing(sqlite3.connect(project_file)) as connection:
        connection.execute("PRAGMA user_version = 99")
        connection.commit()
    with read_only(project_file):
        refused(project_file, NewerProjectError, "newer version")


# -- migrations ------------------------------------------------------------------------------


def make_version_0(path: Path) -> None:
    """An older FineAuthor's file: marked as ours, at schema version 0 (no tables yet)."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute(f"PRAGMA application_id = {project_schema.APPLICATION_ID}")
        connection.commit()
    assert path.stat().st_size > 0


def user_version(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
        return connection.execute("PRAGMA user_version").fetchone()[0]


def tables(path: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
        return {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}


def test_schema_version_counts_the_migrations() -> None:
    assert project_schema.SCHEMA_VERSION == len(project_schema.MIGRATIONS) == 5
    assert project_schema.schema_version() == project_schema.SCHEMA_VERSION


def test_migration_0_to_1(path: Path) -> None:
    make_version_0(path)
    assert user_version(path) == 0
    with Project.open(path) as project:
        assert project.settings == ProjectSettings()
        assert project.add_example(chat(1)).id == 1
    # Every step ran, up to the current version.
    assert user_version(path) == project_schema.SCHEMA_VERSION
    assert set(project_schema.TABLES) <= tables(path)
    with Project.open(path) as project:
        assert [e.prompt for e in project.examples()] == ["prompt 1"]


def test_failed_migration_leaves_the_file_at_its_old_version(path: Path) -> None:
    # A version-0 file that already has an "examples" table: step 0 -> 1 creates "settings",
    # then fails on "examples". The half-done step must vanish with the transaction.
    make_version_0(path)
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE examples (id INTEGER)")
        connection.execute("INSERT INTO examples VALUES (7)")
        connection.commit()
    message = refused(path, ProjectError, "older version of FineAuthor", "left exactly as it was")
    assert "couldn’t be brought up to date" in message
    assert user_version(path) == 0
    assert tables(path) == {"examples"}


def _future_step(connection: sqlite3.Connection) -> None:
    """A stand-in for a future migration: adds a table derived from existing data."""
    connection.execute("CREATE TABLE word_counts (example_id INTEGER, words INTEGER)")
    connection.execute(
        "INSERT INTO word_counts SELECT example_id, length(content) FROM messages WHERE idx = 1"
    )


def test_a_later_step_runs_once_and_keeps_the_data(
    project_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Project.open(project_file) as project:
        before = list(project.examples())
    monkeypatch.setattr(project_schema, "MIGRATIONS", [*project_schema.MIGRATIONS, _future_step])
    with Project.open(project_file) as project:
        assert list(project.examples()) == before
        assert project.settings.title == "Ideas"
    assert user_version(project_file) == project_schema.SCHEMA_VERSION + 1
    with contextlib.closing(sqlite3.connect(project_file)) as connection:
        assert connection.execute("SELECT count(*) FROM word_counts").fetchone()[0] == 40
    # Opening again does not run the step again.
    with Project.open(project_file) as project:
        assert project.example_count() == 40
    with contextlib.closing(sqlite3.connect(project_file)) as connection:
        assert connection.execute("SELECT count(*) FROM word_counts").fetchone()[0] == 40


def test_a_later_step_that_fails_halfway_changes_nothing(
    project_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(connection: sqlite3.Connection) -> None:
        _future_step(connection)
        connection.execute("UPDATE settings SET value = '\"renamed\"' WHERE key = 'title'")
        raise RuntimeError("bug in a future step")

    monkeypatch.setattr(project_schema, "MIGRATIONS", [*project_schema.MIGRATIONS, broken])
    refused(project_file, ProjectError, "couldn’t be brought up to date")
    assert user_version(project_file) == project_schema.SCHEMA_VERSION
    assert "word_counts" not in tables(project_file)
    monkeypatch.undo()
    with Project.open(project_file) as project:
        assert project.settings.title == "Ideas"
        assert project.example_count() == 40


def test_a_file_of_this_version_is_not_migrated(project_file: Path) -> None:
    before = fingerprint(project_file)
    time.sleep(0.01)
    Project.open(project_file).close()
    assert fingerprint(project_file) == before


# -- schema 1 -> 2: word counts and prompt openings ---------------------------------------

# What a FineAuthor of schema 1 stored: (note, [(role, content, weight), ...]) per example.
SCHEMA_1_EXAMPLES = [
    (
        "",
        [
            ("system", "You are Outline Mageddon.", None),
            ("user", "Write the storm scene.", None),
            ("assistant", "Rain hammered the  roof.\n\nShe waited.", 1),
        ],
    ),
    (
        "two drafts; " + "n" * 100,
        [
            ("user", "  Open\twith\n\nthe  letter ", None),
            ("assistant", "A first draft of five words.", 0),
            ("user", "Longer, please.", None),
            # NBSP, ideographic space and a line separator divide words, as str.split says.
            ("assistant", "The\u00a0letter\u3000lay\u2028there, “unopened” — 🌧 still.", 1),
        ],
    ),
    ("an empty slot from the wizard", []),
    ("no answer yet", [("system", "S", None), ("user", "Only a prompt " * 40, None)]),
    ("", [("assistant", "", None), ("user", "\n\n", None)]),
]


def make_version_1(path: Path) -> None:
    """A project as FineAuthor with schema 1 left it: built by the real first migration only."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute(f"PRAGMA application_id = {project_schema.APPLICATION_ID}")
        connection.execute("BEGIN")
        assert project_schema.migrate(connection, 0, project_schema.MIGRATIONS[:1]) == 1
        connection.execute("INSERT INTO settings VALUES ('title', '\"Old ideas\"')")
        for position, (note, messages) in enumerate(SCHEMA_1_EXAMPLES):
            cursor = connection.execute(
                "INSERT INTO examples (position, created, modified, note) VALUES (?, ?, ?, ?)",
                (position, "2025-01-02T03:04:05.000Z", "2025-01-02T03:04:05.000Z", note),
            )
            connection.executemany(
                "INSERT INTO messages (example_id, idx, role, content, weight) "
                "VALUES (?, ?, ?, ?, ?)",
                [(cursor.lastrowid, idx, *message) for idx, message in enumerate(messages)],
            )
        connection.execute("COMMIT")
    assert user_version(path) == 1


def columns(path: Path, table: str) -> list[str]:
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
        return [row[1] for row in connection.execute(f"PRAGMA table_xinfo({table})")]


def schema(path: Path) -> list[tuple[str, str, str]]:
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
        return connection.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()


def test_a_schema_1_project_gets_word_counts(path: Path, tmp_path: Path) -> None:
    make_version_1(path)
    v1_columns = ["example_id", "idx", "role", "content", "weight", "name"]
    assert columns(path, "messages") == v1_columns
    with Project.open(path) as project:
        assert project.settings.title == "Old ideas"
        examples = list(project.examples())
        summaries = project.summaries()
    assert user_version(path) == project_schema.SCHEMA_VERSION
    assert columns(path, "messages") == [*v1_columns, "words", "head"]

    # The text is exactly what schema 1 held.
    assert [(e.note, [(m.role, m.content) for m in e.messages]) for e in examples] == [
        (note, [(m[0], m[1]) for m in messages]) for note, messages in SCHEMA_1_EXAMPLES
    ]
    # Every message's stored count is len(content.split()).
    with contextlib.closing(sqlite3.connect(path)) as connection:
        rows = connection.execute("SELECT content, words FROM messages").fetchall()
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert len(rows) == 11
    assert all(words == len(content.split()) for content, words in rows)

    assert (
        [(s.prompt_preview, s.response_words, s.turns, s.has_system) for s in summaries]
        == [
            ("Write the storm scene.", 6, 3, True),
            ("Open with the letter", 8, 4, False),  # the last answer's words, not the first's
            ("", 0, 0, False),
            (("Only a prompt " * 40)[:160], 0, 2, True),
            ("", 0, 2, False),
        ]
    )
    assert summaries[1].note == ("two drafts; " + "n" * 100)[:80]
    assert summaries == [summarize(example) for example in examples]

    # Upgraded, the file is laid out exactly like a new project.
    fresh = tmp_path / "Fresh.fineauthor"
    Project.create(fresh).close()
    assert schema(path) == schema(fresh)
    # And it is upgraded once: opening it again changes nothing.
    before = fingerprint(path)
    time.sleep(0.01)
    with Project.open(path) as project:
        assert project.summaries() == summaries
    assert fingerprint(path) == before


def test_a_schema_1_message_of_broken_text_does_not_stop_the_upgrade(path: Path) -> None:
    make_version_1(path)
    with contextlib.closing(sqlite3.connect(path)) as connection:
        # Damaged bytes inside a response (the three words around them still count).
        connection.execute(
            "UPDATE messages SET content = CAST(x'6f6e6520ff74776f207468726565' AS TEXT) "
            "WHERE example_id = 1 AND idx = 2"
        )
        connection.commit()
    with Project.open(path) as project:
        assert project.summary(1).response_words == 3
        assert project.summaries()[1].response_words == 8
        with pytest.raises(DamagedProjectError):
            project.example(1)  # reading the broken text itself says the file is damaged
    assert user_version(path) == project_schema.SCHEMA_VERSION


def _break_word_counting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the upgrade fail after it has already counted a few messages."""
    counted = 0

    def failing(text: str) -> int:
        nonlocal counted
        counted += 1
        if counted > 4:
            raise RuntimeError("bug while counting words")
        return len(text.split())

    monkeypatch.setattr(project_schema, "count_words", failing)


def _block_the_last_statement(path: Path) -> None:
    """Something already named like the index the upgrade creates last, so that step fails."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE messages_prompts (x)")
        connection.commit()


@pytest.mark.parametrize("failure", ["while counting", "at the last step"])
def test_a_failed_upgrade_from_schema_1_leaves_the_file_untouched(
    path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    make_version_1(path)
    if failure == "while counting":
        _break_word_counting(monkeypatch)
    else:
        _block_the_last_statement(path)
    before = schema(path)
    # refused() also checks the bytes, the modification time and that no journal is left.
    refused(path, ProjectError, "couldn’t be brought up to date", "left exactly as it was")
    assert user_version(path) == 1
    assert schema(path) == before
    assert "words" not in columns(path, "messages")
    if failure == "while counting":
        monkeypatch.undo()  # once the bug is fixed, the same file upgrades
        with Project.open(path) as project:
            assert project.summaries()[0].response_words == 6
        assert user_version(path) == project_schema.SCHEMA_VERSION
