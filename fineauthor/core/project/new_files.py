"""Making new project files safely: an empty project, or a complete copy of an open one, is
built in a temporary file beside its final name and only then moved into place, so a crash
never leaves half a project."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

from fineauthor.core.errors import ProjectError, ProjectLocationError
from fineauthor.core.project import schema as _schema
from fineauthor.core.project.file import SQLITE_FULL, disk_full, disk_trouble
from fineauthor.core.project.opening import connect


def create_file(path: Path, title: str) -> None:
    """Make a new, empty project titled ``title`` at ``path``; an existing file is never
    overwritten."""
    name = path.name
    folder = _check_folder(path)
    if path.is_dir():
        raise ProjectError(f"There is already a folder called “{name}” there. Choose another name.")
    if path.exists() or path.is_symlink():
        raise _exists(name)
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".creating", dir=folder)
    os.close(handle)
    try:
        connection = connect(temporary)
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


def write_copy(target: Path, own_path: Path, backup: Callable[[sqlite3.Connection], None]) -> None:
    """Write a complete copy of the project at ``own_path`` to ``target``.

    ``backup(copy)`` copies the open project into the connection ``copy`` (SQLite's backup
    API). An existing file at ``target`` is replaced; the project's own file is refused.
    """
    name = target.name
    folder = _check_folder(target)
    if target.is_dir():
        raise ProjectError(f"“{name}” is a folder. Choose a file name for the copy.")
    if target.exists() and os.path.samefile(target, own_path):
        raise ProjectError(
            f"“{name}” is the project you are working in, and it is already saved. "
            "Choose another name for the copy."
        )
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".saving", dir=folder)
    os.close(handle)
    try:
        copy = sqlite3.connect(temporary)
        try:
            backup(copy)
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


def _exists(name: str) -> ProjectError:
    return ProjectError(
        f"There is already a file called “{name}” in that folder. Choose another name, "
        "or open the existing project."
    )


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
