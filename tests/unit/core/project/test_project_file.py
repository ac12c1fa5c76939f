"""The Project's file: creating, opening and closing a project, and saving a copy."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from fineauthor.core.errors import ProjectError, ProjectLocationError
from fineauthor.core.project import schema as project_schema
from fineauthor.core.project.project import Project
from tests.unit.core.project.project_samples import chat, raw

# -- creating ---------------------------------------------------------------------------------


def test_create_makes_a_marked_single_file_project(path: Path, project: Project) -> None:
    assert project.path == path
    assert project.settings.title == "Chapter ideas"
    project.close()
    with raw(path) as connection:
        assert connection.execute("PRAGMA application_id").fetchone()[0] == (
            project_schema.APPLICATION_ID
        )
        assert connection.execute("PRAGMA user_version").fetchone()[0] == (
            project_schema.SCHEMA_VERSION
        )
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert set(project_schema.TABLES) <= tables
    # One file and nothing else: no temporary file or journal left behind.
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_create_refuses_to_overwrite(path: Path) -> None:
    path.write_bytes(b"my novel")
    with pytest.raises(ProjectError, match=r"already a file called “Chapter ideas\.fineauthor”"):
        Project.create(path)
    assert path.read_bytes() == b"my novel"
    path.unlink()
    path.mkdir()
    with pytest.raises(ProjectError, match="already a folder"):
        Project.create(path)


def test_create_needs_an_existing_folder(tmp_path: Path) -> None:
    with pytest.raises(ProjectLocationError, match="doesn’t exist"):
        Project.create(tmp_path / "gone" / "Novel.fineauthor")


def test_connection_settings(project: Project) -> None:
    connection = project._conn
    assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_opening_and_closing_a_project_does_not_touch_the_file(path: Path) -> None:
    with Project.create(path) as project:
        project.add_example(chat("a", "b"))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    time.sleep(0.01)
    with Project.open(path) as project:
        list(project.examples())
        assert project.settings.title == ""
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_closed_project_says_so(project: Project) -> None:
    project.close()
    project.close()  # twice is harmless
    with pytest.raises(ProjectError, match="has been closed"):
        project.example_count()


# -- save as ---------------------------------------------------------------------------------


def test_save_as_writes_a_complete_copy(tmp_path: Path, filled: Project) -> None:
    filled.update_settings(target_words=1500)
    copy_path = tmp_path / "Copy.fineauthor"
    copy_path.write_bytes(b"an old file the save dialog agreed to replace")
    filled.save_as(copy_path)
    with Project.open(copy_path) as copy:
        assert list(copy.examples()) == list(filled.examples())
        assert copy.settings == filled.settings
    # The original stays open and separate.
    filled.add_example(chat("only in the original", "x"))
    with Project.open(copy_path) as copy:
        assert copy.example_count() == 5
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_save_as_refuses_its_own_file_and_missing_folders(
    tmp_path: Path, path: Path, filled: Project
) -> None:
    with pytest.raises(ProjectError, match="project you are working in"):
        filled.save_as(path)
    with pytest.raises(ProjectLocationError):
        filled.save_as(tmp_path / "nowhere" / "Copy.fineauthor")
    assert filled.example_count() == 5
