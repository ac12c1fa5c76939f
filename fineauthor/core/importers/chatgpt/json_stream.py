"""Reading an export's JSON array one conversation at a time: its bytes decoded to text in
pieces, and :class:`ArrayReader` decoding one element at a time (over
``json.JSONDecoder.raw_decode``), so memory holds one conversation and a read buffer however
big the export is."""

from __future__ import annotations

import codecs
import json
import re
import zipfile
import zlib
from collections.abc import Iterator

from fineauthor.core.errors import DatasetError
from fineauthor.core.importers.chatgpt.sources import CONVERSATIONS, Source

#: Bytes read from the file at a time, and the first try at decoding one conversation.
CHUNK = 1 << 16
_NOT_SPACE = re.compile(r"[^ \t\n\r]")
_NUMBER_TAIL = re.compile(r"[0-9eE.+\-]*")
# A JSON error this far before the end of what has been read cannot be cured by reading more.
_SURE_MARGIN = 16


def text_pieces(source: Source, done: list[int]) -> Iterator[str]:
    """The text of ``source`` in pieces; ``done[0]`` counts the bytes read so far (shared by
    every source, for one progress figure)."""
    try:
        stream = source.open()
    except (OSError, RuntimeError, NotImplementedError, zipfile.BadZipFile) as problem:
        raise _damaged_zip(source, problem) from None
    decoder = codecs.getincrementaldecoder("utf-8")()
    first = True
    try:
        while True:
            try:
                data = stream.read(CHUNK)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as problem:
                raise _damaged_zip(source, problem) from None
            done[0] += len(data)
            try:
                text = decoder.decode(data, final=not data)
            except UnicodeDecodeError:
                raise DatasetError(
                    f"{_name(source)} is not UTF-8 text, so it can’t be a ChatGPT export."
                ) from None
            if first and text:
                text = text.removeprefix("\ufeff")  # a byte-order mark some editors add
                first = False
            if text:
                yield text
            if not data:
                return
    finally:
        stream.close()


def _damaged_zip(source: Source, problem: BaseException) -> DatasetError:
    if isinstance(problem, RuntimeError) and "encrypted" in str(problem):
        return DatasetError(f"{_name(source)} is protected by a password, so it can’t be read.")
    if isinstance(problem, NotImplementedError):
        return DatasetError(
            f"{_name(source)} is packed in a way FineAuthor can’t unpack. Unzip it and choose "
            f"the {CONVERSATIONS} inside instead."
        )
    return DatasetError(
        f"{_name(source)} is damaged and can’t be read to the end (perhaps the download was "
        "cut short). Download the export from ChatGPT again."
    )


def _name(source: Source) -> str:
    return source.name if "“" in source.name else f"“{source.name}”"


class ArrayReader:
    """The elements of one top-level JSON array, decoded one at a time from pieces of text.

    The buffer holds the element being decoded and whatever of the next piece came with it;
    a decode that fails for want of text reads more (twice as much each time, so even a huge
    element costs linear time) and tries again.
    """

    def __init__(self, pieces: Iterator[str], source: Source) -> None:
        self._pieces = pieces
        self._source = source
        self._buffer = ""
        self._pos = 0
        self._ended = False
        self._dropped = 0  # characters already let go of, for error positions
        self._decoder = json.JSONDecoder()

    def _read_more(self, at_least: int) -> bool:
        """Append at least ``at_least`` characters (fewer at the end); False if none came."""
        if self._ended:
            return False
        if self._pos:  # let go of what has been decoded: the buffer never holds two elements
            self._dropped += self._pos
            self._buffer = self._buffer[self._pos :]
            self._pos = 0
        pieces = [self._buffer]
        got = 0
        while got < at_least:
            piece = next(self._pieces, None)
            if piece is None:
                self._ended = True
                break
            pieces.append(piece)
            got += len(piece)
        self._buffer = "".join(pieces)
        return got > 0

    def _peek(self) -> str:
        """The next character that is not white space ('' at the end), without taking it."""
        while True:
            found = _NOT_SPACE.search(self._buffer, self._pos)
            if found is not None:
                self._pos = found.start()
                return self._buffer[self._pos]
            self._pos = len(self._buffer)
            if not self._read_more(CHUNK):
                return ""

    def __iter__(self) -> Iterator[object]:
        first = self._peek()
        if not first:
            raise DatasetError(f"{_name(self._source)} is empty.")
        if first != "[":
            what = "a single object" if first == "{" else "something else"
            raise DatasetError(
                f"{_name(self._source)} isn’t a ChatGPT export: it should hold a list of "
                f"conversations, but it holds {what}."
            )
        self._pos += 1
        if self._peek() == "]":
            self._pos += 1
            self._expect_end()
            return
        while True:
            yield self._element()
            after = self._peek()
            if after == ",":
                self._pos += 1
            elif after == "]":
                self._pos += 1
                self._expect_end()
                return
            elif not after:
                raise self._cut_short()
            else:
                raise self._damaged(self._dropped + self._pos)

    def _element(self) -> object:
        want = CHUNK
        while True:
            if not self._peek():
                raise self._cut_short()
            try:
                value, end = self._decoder.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as problem:
                sure = not problem.msg.startswith("Unterminated string") and (
                    problem.pos + _SURE_MARGIN < len(self._buffer)
                )
                if sure or self._ended:
                    if problem.pos >= len(self._buffer) - 1 or problem.msg.startswith(
                        "Unterminated string"
                    ):
                        raise self._cut_short() from None
                    raise self._damaged(self._dropped + problem.pos) from None
                self._read_more(want)
                want *= 2
                continue
            except RecursionError:  # thousands of nested brackets: no conversation looks so
                raise DatasetError(
                    f"{_name(self._source)} is nested too deeply to be a ChatGPT export."
                ) from None
            if not self._ended and _NUMBER_TAIL.fullmatch(self._buffer, end):
                # A number at the very end ("12" of "1234", "0.5" of "0.5e3") may go on in the
                # next piece: read on until something follows it.
                self._read_more(want)
                want *= 2
                continue
            self._pos = end
            return value

    def _expect_end(self) -> None:
        if self._peek():
            raise DatasetError(
                f"{_name(self._source)} has something after its list of conversations, so it "
                "isn’t a ChatGPT export as ChatGPT writes it."
            )

    def _cut_short(self) -> DatasetError:
        return DatasetError(
            f"{_name(self._source)} ends in the middle of a conversation: the file is "
            "incomplete (perhaps the download was cut short). Download the export from "
            "ChatGPT again."
        )

    def _damaged(self, at: int) -> DatasetError:
        return DatasetError(
            f"{_name(self._source)} is damaged near character {at + 1:,}, so it can’t be read. "
            "Download the export from ChatGPT again."
        )
