"""The job history knows which service address and which account each attempt belongs to
(schema 3): a fingerprint of the key, never the key; and a project an older FineAuthor made is
upgraded in place, its history kept exactly, the account of its old attempts "not known"."""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from pathlib import Path

from fineauthor.core.project import schema as project_schema
from fineauthor.core.project.job_history import key_fingerprint
from fineauthor.core.project.project import Project

KEY = "sk-test-project-accounts-fake-key-000000"


def make_version_2(path: Path) -> None:
    """A project as FineAuthor with schema 2 left it, with one attempt in its job history:
    built by the real first two migrations only."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute(f"PRAGMA application_id = {project_schema.APPLICATION_ID}")
        connection.execute("BEGIN")
        assert project_schema.migrate(connection, 0, project_schema.MIGRATIONS[:2]) == 2
        connection.execute("INSERT INTO settings VALUES ('title', '\"Tidewrack\"')")
        connection.execute(
            "INSERT INTO jobs (provider, job_id, file_id, dataset_sha256, model, status, "
            "fine_tuned_model, created, updated, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                "openai",
                "ftjob-old",
                "file-old",
                "ab" * 32,
                "gpt-4.1-mini-2025-04-14",
                "succeeded",
                "ft:gpt-4.1-mini-2025-04-14:org:saltmarrow:abc",
                "2026-11-01T10:00:00.000Z",
                "2026-11-01T11:00:00.000Z",
                '{"examples": 12}',
            ),
        )
        connection.execute("COMMIT")


def user_version(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
        return connection.execute("PRAGMA user_version").fetchone()[0]


def test_a_schema_2_project_keeps_its_history_and_gains_the_account_columns(
    path: Path, tmp_path: Path
) -> None:
    make_version_2(path)
    assert user_version(path) == 2

    with Project.open(path) as project:
        (row,) = project.jobs()

    assert user_version(path) == project_schema.SCHEMA_VERSION
    assert (row["provider"], row["job_id"], row["file_id"], row["status"]) == (
        "openai",
        "ftjob-old",
        "file-old",
        "succeeded",
    )
    assert row["fine_tuned_model"] == "ft:gpt-4.1-mini-2025-04-14:org:saltmarrow:abc"
    assert row["detail"] == {"examples": 12}
    assert (row["base_url"], row["key_fingerprint"]) == (None, None)  # not known
    # Laid out exactly like a new project.
    fresh = tmp_path / "Fresh.fineauthor"
    Project.create(fresh).close()
    with (
        contextlib.closing(sqlite3.connect(path)) as old,
        contextlib.closing(sqlite3.connect(fresh)) as new,
    ):
        query = "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        assert old.execute(query).fetchall() == new.execute(query).fetchall()


def test_an_attempt_records_its_address_and_a_fingerprint_never_the_key(path: Path) -> None:
    with Project.create(path) as project:
        row_id = project.record_job(
            provider="together",
            base_url="https://api.together.xyz/v1",
            key_fingerprint=key_fingerprint(KEY),
            status="uploading",
        )
        project.update_job(row_id, job_id="ft-1")
        (row,) = project.jobs()
    assert row["base_url"] == "https://api.together.xyz/v1"
    assert row["key_fingerprint"] == hashlib.sha256(KEY.encode()).hexdigest()[:12]
    data = path.read_bytes()
    assert KEY.encode() not in data and KEY[-8:].encode() not in data


def test_a_fingerprint_tells_keys_apart_and_ignores_surrounding_spaces() -> None:
    assert key_fingerprint(KEY) == key_fingerprint(f"  {KEY}\n")
    assert key_fingerprint(KEY) != key_fingerprint(KEY[:-1] + "8")
    assert len(key_fingerprint(KEY)) == 12
    assert all(c in "0123456789abcdef" for c in key_fingerprint(KEY))
