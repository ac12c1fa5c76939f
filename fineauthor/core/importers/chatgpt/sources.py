"""Finding the conversations in an export: the JSON arrays inside the .zip ChatGPT emails (read
without unpacking it), or a ``conversations.json`` chosen on its own.

Recent exports may split the array over ``conversations-000.json``, ``conversations-001.json``…
instead of one ``conversations.json``.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from fineauthor.core.errors import DatasetError

CONVERSATIONS = "conversations.json"
_PARTITION = re.compile(r"conversations-(\d+)\.json", re.IGNORECASE)
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with files; an empty zip


class _Stream(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Source:
    """One JSON array of conversations: a file, or a member of the zip."""

    name: str  # as the writer would recognise it in a message
    size: int  # bytes, for progress
    open: Callable[[], _Stream]


def find_sources(path: Path) -> list[Source]:
    """The arrays of conversations at ``path``; DatasetError when it is not an export."""
    if not path.exists():
        raise DatasetError(f"There is no file at “{path}”.")
    if path.is_dir():
        raise DatasetError(
            f"“{path.name}” is a folder. Choose the .zip file ChatGPT sent you, or the "
            f"{CONVERSATIONS} inside it."
        )
    try:
        with path.open("rb") as stream:
            head = stream.read(4)
        size = path.stat().st_size
    except OSError as problem:
        raise DatasetError(
            f"“{path.name}” could not be opened: {problem.strerror or problem}."
        ) from None
    if head in ZIP_MAGIC or path.suffix.casefold() == ".zip":
        return _zip_sources(path)
    return [Source(path.name, size, lambda: path.open("rb"))]


def _zip_sources(path: Path) -> list[Source]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise DatasetError(
            f"“{path.name}” is not a zip file, or it is damaged (perhaps the download was "
            "cut short). Download the export from ChatGPT again."
        ) from None
    with archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir() and not info.filename.startswith("__MACOSX/")
        ]
    # The export keeps conversations.json at the top; a zip the writer made again from the
    # unpacked folder has it one folder down. The shallowest copy wins.
    whole = [m for m in members if _base(m.filename) == CONVERSATIONS]
    if whole:
        chosen = [min(whole, key=lambda m: m.filename.count("/"))]
    else:
        parts = [(m, _PARTITION.fullmatch(_base(m.filename))) for m in members]
        chosen = [
            m
            for m, match in sorted(
                ((m, match) for m, match in parts if match),
                key=lambda pair: (pair[0].filename.count("/"), int(pair[1].group(1))),
            )
        ]
        if chosen:  # only the shallowest folder's parts, in their numbered order
            depth = chosen[0].filename.count("/")
            chosen = [m for m in chosen if m.filename.count("/") == depth]
    if not chosen:
        raise DatasetError(
            f"“{path.name}” has no {CONVERSATIONS} in it, so it isn’t a ChatGPT data export. "
            "In ChatGPT, use Settings → Data controls → Export data, and choose the .zip file "
            "it emails you."
        )
    return [
        Source(f"{_base(m.filename)} in “{path.name}”", m.file_size, _member_opener(path, m))
        for m in chosen
    ]


def _base(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def _member_opener(path: Path, member: zipfile.ZipInfo) -> Callable[[], _Stream]:
    def open_member() -> _Stream:
        archive = zipfile.ZipFile(path)
        try:
            stream = archive.open(member)
        except BaseException:
            archive.close()
            raise
        return _Closing(stream, archive)  # closing the member closes the zip too

    return open_member


class _Closing:
    """A zip member's stream that also closes its zip file."""

    def __init__(self, stream: _Stream, archive: zipfile.ZipFile) -> None:
        self._stream = stream
        self._archive = archive

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            self._archive.close()
