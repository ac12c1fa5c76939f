"""Recognising a project file before SQLite touches it, and saying in plain words why a file
cannot be opened: not a project (and what it is instead), damaged, from a newer FineAuthor, or in
a place that does not allow changes. Nothing here writes to the file."""

from __future__ import annotations

import os
import sqlite3
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from fineauthor.core.errors import (
    DamagedProjectError,
    NewerProjectError,
    NotAProjectError,
    ProjectError,
    ProjectLocationError,
)
from fineauthor.core.project import schema as _schema

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
_SNIFF_SIZE = 4096


# ---------------------------------------------------------------------------------------------
# Plain-language messages. Only the file's name appears, never its folder: the window shows where
# it is, and a message stays readable.


def _missing(name: str) -> ProjectError:
    return ProjectError(
        f"FineAuthor can’t find “{name}”. It may have been moved, renamed or deleted. "
        "Check the folder it was in, or choose it again with Open."
    )


def unreachable(name: str) -> ProjectError:
    return ProjectError(
        f"FineAuthor couldn’t read “{name}”. If it is on a USB stick or a network drive, "
        "check that it is connected, then try again."
    )


def _unreadable(name: str) -> ProjectLocationError:
    return ProjectLocationError(
        f"FineAuthor isn’t allowed to read “{name}”. Copy it to a folder of your own, "
        "such as Documents, and open the copy."
    )


def damaged(name: str) -> DamagedProjectError:
    return DamagedProjectError(
        f"“{name}” is damaged, so FineAuthor can’t read it safely. It has been left exactly as "
        "it was. If you have a backup copy of this project, open that instead."
    )


def truncated(name: str) -> DamagedProjectError:
    return DamagedProjectError(
        f"“{name}” is incomplete: the end of the file is missing, perhaps because a copy or "
        "download didn’t finish. It has been left exactly as it was. If you have another copy "
        "(a backup, or the original it was copied from), open that instead."
    )


def _newer(name: str) -> NewerProjectError:
    return NewerProjectError(
        f"“{name}” was made by a newer version of FineAuthor. Update FineAuthor to open it. "
        "The file has been left exactly as it was."
    )


def _read_only_file(name: str) -> ProjectLocationError:
    return ProjectLocationError(
        f"“{name}” is read-only, and FineAuthor saves every change as you make it. Copy the "
        "project to a folder you can change, such as Documents, and open the copy. "
        "The file has been left as it was."
    )


def _read_only_folder(name: str) -> ProjectLocationError:
    return ProjectLocationError(
        f"The folder that holds “{name}” doesn’t allow changes, and FineAuthor saves every "
        "change as you make it, right beside the project. Copy the project to a folder you can "
        "change, such as Documents, and open the copy. The file has been left as it was."
    )


def _busy(name: str) -> ProjectError:
    return ProjectError(
        f"“{name}” is busy in another FineAuthor window or program. Close it there and try again."
    )


def disk_full(name: str) -> ProjectLocationError:
    return ProjectLocationError(
        f"There is no room left on the disk for the changes to “{name}”. The last change was "
        "not saved; everything before it is safe. Free some space, then try again."
    )


def disk_trouble(name: str) -> ProjectLocationError:
    return ProjectLocationError(
        f"FineAuthor couldn’t read or write “{name}” on the disk. If it is on a USB stick or a "
        "network drive, check that it is connected. The last change may not have been saved; "
        "everything before it is safe."
    )


# SQLite's primary result codes (the low byte of an extended code).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, SQLITE_FULL, _SQLITE_CANTOPEN = 10, 11, 13, 14
_SQLITE_NOTADB = 26


def translate(error: sqlite3.Error, name: str) -> ProjectError:
    """The writer's version of an SQLite failure."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in (_SQLITE_READONLY, _SQLITE_PERM):
        return _read_only_file(name)
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return _busy(name)
    if primary == SQLITE_FULL:
        return disk_full(name)
    if primary in (_SQLITE_IOERR, _SQLITE_CANTOPEN):
        return disk_trouble(name)
    # Corrupt pages, "not a database", undecodable text, a missing table: the file's contents
    # are not what a project holds.
    return damaged(name)


# ---------------------------------------------------------------------------------------------
# Recognising a file before SQLite touches it.

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG photo"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"{\\rtf", "an RTF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an older Microsoft Office document"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
)

_CHOOSE_PROJECT = "Choose your project file instead: its name ends in .fineauthor."
_USE_IMPORT = "To bring its examples into a project, use Import in the File menu."


# Files inside a ZIP (or its "mimetype" entry) that say what kind of document it is.
_ZIP_MEMBERS = (
    ("word/document.xml", "a Word document"),
    ("xl/workbook.xml", "an Excel spreadsheet"),
    ("ppt/presentation.xml", "a PowerPoint presentation"),
    ("conversations.json", "a ChatGPT data export"),
)
_ZIP_MIMETYPES = (
    ("application/epub+zip", "an EPUB e-book"),
    ("application/vnd.oasis.opendocument", "an OpenDocument file"),
)


def _zip_kind(path: Path) -> tuple[str, str]:
    """What a ZIP-based file is (Word, EPUB, a ChatGPT export…) and what to do with it."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = ""
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
    except Exception:  # a damaged archive can fail in many ways; it is still not a project
        names, mimetype = set(), ""
    for member, kind in _ZIP_MEMBERS:
        if member in names:
            return kind, _CHOOSE_PROJECT
    for prefix, kind in _ZIP_MIMETYPES:
        if mimetype.startswith(prefix):
            return kind, _CHOOSE_PROJECT
    return "a ZIP archive", (
        "If your project is inside it, unzip it first, then open the .fineauthor file."
    )


def _as_text(head: bytes, complete: bool) -> str | None:
    """The sample decoded, if it reads as UTF-8 text; None for binary data."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A character cut in two at the end of the sample is still text.
        if complete or error.start < len(head) - 3:
            return None
        text = head[: error.start].decode("utf-8", "replace")
    allowed = {"\t", "\n", "\r", "\f"}
    if any(ord(char) < 32 and char not in allowed for char in text):
        return None
    return text


def _describe_foreign(path: Path, head: bytes, complete: bool) -> NotAProjectError:
    """An error that names what the (non-SQLite) file seems to be and suggests a next step."""
    name = path.name
    kind, advice = "", _CHOOSE_PROJECT
    for magic, description in _SIGNATURES:
        if head.startswith(magic):
            kind = description
            break
    else:
        if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            kind, advice = _zip_kind(path)
        elif (text := _as_text(head, complete)) is not None:
            start = text.lstrip("\ufeff \t\r\n")
            if start.startswith("{"):
                kind, advice = "a training file of examples (JSONL)", _USE_IMPORT
            elif start.startswith("["):
                kind = "a JSON file"
                advice = "If it holds training examples, use Import in the File menu."
            else:
                kind = "a plain text file"
                advice = (
                    "If it holds training examples, use Import in the File menu; otherwise "
                    + _CHOOSE_PROJECT[0].lower()
                    + _CHOOSE_PROJECT[1:]
                )
    if not kind:
        return NotAProjectError(
            f"“{name}” is not a FineAuthor project, and FineAuthor doesn’t recognise what is in "
            f"it. {_CHOOSE_PROJECT}"
        )
    return NotAProjectError(f"“{name}” is {kind}, not a FineAuthor project. {advice}")


@dataclass(frozen=True)
class Header:
    """The fields of the 100-byte SQLite header that matter to us."""

    page_size: int
    page_count: int | None  # None when the header's count is stale (an old SQLite wrote it)
    user_version: int
    application_id: int
    formats: tuple[int, int]

    @classmethod
    def parse(cls, head: bytes) -> Header:
        page_size = int.from_bytes(head[16:18], "big")
        if page_size == 1:
            page_size = 65536
        page_count = int.from_bytes(head[28:32], "big")
        # The page count is only trustworthy when the change counter matches "version valid for".
        trusted = head[24:28] == head[92:96] and page_count > 0
        return cls(
            page_size=page_size,
            page_count=page_count if trusted else None,
            user_version=int.from_bytes(head[60:64], "big", signed=True),
            application_id=int.from_bytes(head[68:72], "big", signed=True),
            formats=(head[18], head[19]),
        )


def check_header(header: Header, size: int, name: str, *, check_size: bool) -> None:
    """Refuse files that are not ours, newer than us, or visibly cut short."""
    if header.application_id != _schema.APPLICATION_ID:
        raise NotAProjectError(
            f"“{name}” is a data file made by another program, not a FineAuthor project. "
            f"It has been left as it was. {_CHOOSE_PROJECT}"
        )
    if header.user_version > _schema.schema_version():
        raise _newer(name)
    page_size = header.page_size
    if (
        header.user_version < 0
        or page_size < 512
        or page_size & (page_size - 1)
        or not set(header.formats) <= {1, 2}
    ):
        raise damaged(name)
    if check_size and (
        size < page_size or (header.page_count is not None and size < header.page_count * page_size)
    ):
        raise truncated(name)


def sniff(path: Path) -> Path:
    """Check ``path`` without SQLite, raising the right ProjectError; return the real path.

    Nothing here writes: this is what keeps a PNG, a newer project or a damaged file untouched.
    """
    name = path.name
    head, size = _first_bytes(path)
    if not head:
        raise NotAProjectError(
            f"“{name}” is empty, so there is no project in it. If your work should be in it, "
            "open a backup copy instead; otherwise start a new project."
        )
    if not head.startswith(SQLITE_MAGIC):
        if SQLITE_MAGIC.startswith(head):
            raise truncated(name)
        raise _describe_foreign(path, head, complete=len(head) == size)
    if len(head) < HEADER_SIZE:
        raise truncated(name)

    real = path.resolve()
    # With a hot journal beside it the file may be caught halfway through a change, so its size
    # is checked again once SQLite has rolled that change back.
    pending = _journal_pending(real)
    check_header(Header.parse(head), size, name, check_size=not pending)

    # os.access also honours read-only mounts and immutable files, even for the superuser.
    if not os.access(real, os.W_OK):
        raise _read_only_file(name)
    # The rollback journal is created beside the file, so the folder must allow changes too.
    if not os.access(real.parent, os.W_OK):
        raise _read_only_folder(name)
    return real


def _first_bytes(path: Path) -> tuple[bytes, int]:
    """The start of a regular file and its size, or the error that says why there is none."""
    name = path.name
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise NotAProjectError(
                f"“{name}” is a folder, not a FineAuthor project. Open the project file inside "
                "it (its name ends in .fineauthor)."
            )
        if not stat.S_ISREG(info.st_mode):
            raise NotAProjectError(f"“{name}” is not a FineAuthor project. {_CHOOSE_PROJECT}")
        with path.open("rb") as stream:
            return stream.read(_SNIFF_SIZE), os.fstat(stream.fileno()).st_size
    except (FileNotFoundError, NotADirectoryError):
        raise _missing(name) from None
    except PermissionError:
        raise _unreadable(name) from None
    except OSError:
        raise unreachable(name) from None


def _journal_pending(real: Path) -> bool:
    try:
        return (real.parent / (real.name + "-journal")).stat().st_size > 0
    except OSError:
        return False
