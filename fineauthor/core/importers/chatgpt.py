"""Reading a ChatGPT data export (the .zip ChatGPT emails, or its ``conversations.json``) and
turning the writer's conversations into examples.

The export's shape, as public parsers of it and write-ups of real exports show:

- ``conversations.json`` is one JSON array; each element is a conversation with ``title``,
  ``create_time``/``update_time`` (Unix seconds), ``id``/``conversation_id``, ``current_node``
  and ``mapping`` (node id → ``{id, message | null, parent, children}``). Recent exports may
  split the array over ``conversations-000.json``, ``conversations-001.json``… instead.
- The mapping is a tree: Regenerate and Edit add siblings under the same parent. The thread
  the writer last saw is ``current_node`` followed up the ``parent`` links to the root (whose
  message is null); the other children are the versions they moved away from.
- A message has ``author.role`` (system, user, assistant, tool; a tool's ``author.name`` says
  which: browser, python, dalle.text2im…), ``recipient`` ("all", or the tool an assistant
  message is addressed to), ``channel`` (reasoning models' notes), ``metadata``
  (``is_visually_hidden_from_conversation``, ``is_user_system_message``) and ``content`` with a
  ``content_type``: "text" and "multimodal_text" carry ``parts`` (strings, or objects such as
  ``{"content_type": "image_asset_pointer", "asset_pointer": "file-service://…"}``); "code",
  "execution_output", "tether_browsing_display", "tether_quote", "thoughts",
  "reasoning_recap", "user_editable_context" (custom instructions, in ``user_profile`` and
  ``user_instructions``) and others carry no ``parts`` a writer typed or read as prose.

Exports reach hundreds of megabytes, so the array is read one conversation at a time
(:class:`_ArrayReader`, over ``json.JSONDecoder.raw_decode``): memory holds one conversation
and a read buffer, however many there are. Anything the writer can't use is skipped and
counted with a plain reason; only a file that is not an export at all raises DatasetError.
"""

from __future__ import annotations

import codecs
import json
import math
import re
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.errors import DatasetError
from fineauthor.core.project.project import Cancelled, Project
from fineauthor.core.writing.prompt_template import with_follow_up

CONVERSATIONS = "conversations.json"
_PARTITION = re.compile(r"conversations-(\d+)\.json", re.IGNORECASE)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with files; an empty zip
#: Bytes read from the file at a time, and the first try at decoding one conversation.
CHUNK = 1 << 16
#: Characters shown of a conversation's first prompt in a list.
PREVIEW_CHARS = 160
_NOT_SPACE = re.compile(r"[^ \t\n\r]")
_NUMBER_TAIL = re.compile(r"[0-9eE.+\-]*")
_ACCENTS = re.compile("[\u0300-\u036f]+")  # combining accents, once NFKD has split them off
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")  # JSON allows "\ud800"; UTF-8 and SQLite don't
# A JSON error this far before the end of what has been read cannot be cured by reading more.
_SURE_MARGIN = 16


class Skipped(StrEnum):
    """Why part of a conversation was left out of the examples."""

    HIDDEN = "hidden"  # instructions ChatGPT was given that the chat never showed
    SETTINGS = "settings"  # the writer's custom instructions, ChatGPT's memory
    TOOLS = "tools"  # web searches, code runs, picture making, and what they returned
    THINKING = "thinking"  # reasoning models' notes to themselves
    PICTURES = "pictures"
    ATTACHMENTS = "attachments"  # files, audio and other attached things
    OTHER = "other"  # content of a kind that isn't text
    DAMAGED = "damaged"  # a message too broken to read


#: Plain English for each reason, for the command line (the app has its own, translated).
SKIPPED_TEXT: dict[Skipped, str] = {
    Skipped.HIDDEN: "hidden instructions ChatGPT was given",
    Skipped.SETTINGS: "your custom instructions and ChatGPT’s memory",
    Skipped.TOOLS: "web searches, code, picture making and their results",
    Skipped.THINKING: "ChatGPT’s thinking notes",
    Skipped.PICTURES: "pictures",
    Skipped.ATTACHMENTS: "attached files and audio",
    Skipped.OTHER: "other things that aren’t text",
    Skipped.DAMAGED: "damaged messages",
}


class Unusable(StrEnum):
    """Why a whole conversation cannot become an example."""

    DAMAGED = "damaged"
    EMPTY = "empty"  # no written message at all
    NO_ANSWER = "no_answer"  # the writer asked, ChatGPT never answered in text
    NO_PROMPT = "no_prompt"  # only ChatGPT's side survives


UNUSABLE_TEXT: dict[Unusable, str] = {
    Unusable.DAMAGED: "is damaged",
    Unusable.EMPTY: "has no written messages",
    Unusable.NO_ANSWER: "has no written answer from ChatGPT",
    Unusable.NO_PROMPT: "has no prompt of yours",
}


@dataclass(frozen=True, slots=True)
class Turn:
    """One visible turn: everything one side wrote before the other side spoke."""

    role: str  # "user" or "assistant"
    text: str


@dataclass(frozen=True, slots=True, eq=False)
class Conversation:
    """A conversation as the writer last saw it, ready to become an example.

    ``number`` is its place in the export (1 for the first); ``turns`` alternate user and
    assistant, start with the writer and end with an answer; ``left_out`` counts what was
    skipped, by reason; ``other_versions`` counts regenerated answers and edited prompts the
    writer moved away from (not used).
    """

    number: int
    id: str
    title: str
    created: datetime | None
    updated: datetime | None
    turns: tuple[Turn, ...]
    left_out: Counter[Skipped] = field(default_factory=Counter)
    other_versions: int = 0

    @property
    def prompts(self) -> int:
        """How many times the writer wrote (the first prompt and each follow-up)."""
        return sum(1 for turn in self.turns if turn.role == "user")

    @property
    def preview(self) -> str:
        """The first prompt on one line, shortened."""
        first = " ".join(self.turns[0].text[: PREVIEW_CHARS * 3].split())
        if len(first) > PREVIEW_CHARS:
            first = first[: PREVIEW_CHARS - 1].rstrip() + "…"
        return first

    @property
    def source(self) -> str:
        """Where an example made from it came from, as the project records it."""
        return f"ChatGPT: {self.title}"


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A whole conversation that could not be used, and why."""

    number: int
    title: str
    reason: Unusable

    @property
    def message(self) -> str:
        name = f"“{self.title}”" if self.title else f"Conversation {self.number}"
        return f"{name} {UNUSABLE_TEXT[self.reason]}."


@dataclass
class ExportSummary:
    """An account of reading an export: what was there and what was left out, and why."""

    conversations: int = 0  # every element of the array, usable or not
    usable: int = 0
    left_out: list[LeftOut] = field(default_factory=list)
    skipped: Counter[Skipped] = field(default_factory=Counter)  # parts of usable ones
    with_other_versions: int = 0  # usable conversations that had regenerations or edits

    def skipped_text(self) -> str:
        """'pictures (3), ChatGPT’s thinking notes (1)': what was left out of the
        conversations that were read, most common first ('' when nothing was)."""
        return ", ".join(
            f"{SKIPPED_TEXT[reason]} ({count:,})" for reason, count in self.skipped.most_common()
        )


# Opening the export -----------------------------------------------------------------------


def read_export(
    path: Path,
    summary: ExportSummary | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[Conversation]:
    """The usable conversations of the export at ``path``, one at a time, in export order.

    ``path`` is the export's .zip (read without unpacking it) or its conversations.json.
    Raises DatasetError at once for a file that is not an export (missing, not a zip or
    damaged, no conversations.json in it), and while reading for JSON that is damaged or cut
    short. Conversations that can't be used go into ``summary`` with their reason.
    ``progress`` gets whole percents of the bytes read; when ``cancelled()`` turns true reading
    stops with :class:`Cancelled`.
    """
    path = Path(path)
    summary = summary if summary is not None else ExportSummary()
    sources = _sources(path)
    return _conversations(sources, summary, progress, cancelled)


class _Stream(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class _Source:
    """One JSON array of conversations: a file, or a member of the zip."""

    name: str  # as the writer would recognise it in a message
    size: int  # bytes, for progress
    open: Callable[[], _Stream]


def _sources(path: Path) -> list[_Source]:
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
    if head in _ZIP_MAGIC or path.suffix.casefold() == ".zip":
        return _zip_sources(path)
    return [_Source(path.name, size, lambda: path.open("rb"))]


def _zip_sources(path: Path) -> list[_Source]:
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
        _Source(f"{_base(m.filename)} in “{path.name}”", m.file_size, _member_opener(path, m))
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


def _chunks(source: _Source, done: list[int]) -> Iterator[str]:
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


def _damaged_zip(source: _Source, problem: BaseException) -> DatasetError:
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


def _name(source: _Source) -> str:
    return source.name if "“" in source.name else f"“{source.name}”"


# Reading the array one conversation at a time ---------------------------------------------


class _ArrayReader:
    """The elements of one top-level JSON array, decoded one at a time from pieces of text.

    The buffer holds the element being decoded and whatever of the next piece came with it;
    a decode that fails for want of text reads more (twice as much each time, so even a huge
    element costs linear time) and tries again.
    """

    def __init__(self, pieces: Iterator[str], source: _Source) -> None:
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


def _conversations(
    sources: Sequence[_Source],
    summary: ExportSummary,
    progress: Callable[[int], None] | None,
    cancelled: Callable[[], bool] | None,
) -> Iterator[Conversation]:
    total = max(1, sum(source.size for source in sources))
    done = [0]
    shown = -1
    number = 0
    for source in sources:
        for raw in _ArrayReader(_chunks(source, done), source):
            number += 1
            if cancelled is not None and cancelled():
                raise Cancelled("Stopped. Nothing was added.")
            if progress is not None:
                percent = min(100, done[0] * 100 // total)
                if percent != shown:  # at most 101 calls, however big the export
                    shown = percent
                    progress(percent)
            summary.conversations += 1
            conversation = read_conversation(raw, number, summary)
            if conversation is not None:
                summary.usable += 1
                summary.skipped.update(conversation.left_out)
                summary.with_other_versions += conversation.other_versions > 0
                yield conversation
    if progress is not None and shown != 100:
        progress(100)


# One conversation -------------------------------------------------------------------------


def read_conversation(
    raw: object, number: int, summary: ExportSummary | None = None
) -> Conversation | None:
    """The conversation ``raw`` (one element of the export's array) as the writer last saw
    it, or None when it can't become an example (the reason goes into ``summary``)."""

    def unusable(reason: Unusable, title: str = "") -> None:
        if summary is not None:
            summary.left_out.append(LeftOut(number, title, reason))

    if not isinstance(raw, dict):
        return unusable(Unusable.DAMAGED)
    title = raw.get("title")
    title = _clean(" ".join(title.split())) if isinstance(title, str) else ""
    mapping = raw.get("mapping")
    if not isinstance(mapping, dict):
        return unusable(Unusable.DAMAGED, title)

    left_out: Counter[Skipped] = Counter()
    turns, other_versions = _turns(_branch(mapping, raw.get("current_node")), left_out)
    if not turns:
        return unusable(Unusable.EMPTY, title)
    while turns and turns[0].role != "user":  # a greeting before the writer's first prompt
        turns.pop(0)
    if not turns:
        return unusable(Unusable.NO_PROMPT, title)
    while turns and turns[-1].role != "assistant":  # a last prompt ChatGPT never answered
        turns.pop()
    if not turns:
        return unusable(Unusable.NO_ANSWER, title)

    conversation_id = raw.get("conversation_id") or raw.get("id")
    return Conversation(
        number=number,
        id=conversation_id if isinstance(conversation_id, str) else f"#{number}",
        title=title or f"Conversation {number}",
        created=_time(raw.get("create_time")),
        updated=_time(raw.get("update_time")),
        turns=tuple(turns),
        left_out=left_out,
        other_versions=other_versions,
    )


def _turns(branch: list[dict], left_out: Counter[Skipped]) -> tuple[list[Turn], int]:
    """The visible turns along ``branch``, and how many other versions branched off it."""
    turns: list[Turn] = []
    other_versions = 0
    for node in branch:
        children = node.get("children")
        if isinstance(children, list) and len(children) > 1:
            other_versions += len(children) - 1
        if node.get("message") is None:
            continue  # the root, which holds no message
        visible = _visible_text(node["message"], left_out)
        if visible is None:
            continue
        role, text = visible
        if turns and turns[-1].role == role:  # one answer split around a tool call, say
            turns[-1] = Turn(role, turns[-1].text + "\n\n" + text)
        else:
            turns.append(Turn(role, text))
    return turns, other_versions


def _branch(mapping: dict, current: object) -> list[dict]:
    """The nodes from the root down to ``current``: the thread the writer last saw."""
    if not isinstance(current, str) or not isinstance(mapping.get(current), dict):
        current = _newest_leaf(mapping)
    path: list[dict] = []
    seen: set[str] = set()
    node_id: object = current
    while isinstance(node_id, str) and node_id not in seen:  # a loop in a damaged file ends
        node = mapping.get(node_id)
        if not isinstance(node, dict):
            break
        seen.add(node_id)
        path.append(node)
        node_id = node.get("parent")
    path.reverse()
    return path


def _newest_leaf(mapping: dict) -> str | None:
    """Without a usable current_node, the newest message that nothing follows."""
    best: str | None = None
    best_time = -math.inf
    for node_id, node in mapping.items():
        if not isinstance(node, dict) or node.get("children"):
            continue
        message = node.get("message")
        when = message.get("create_time") if isinstance(message, dict) else None
        when = float(when) if _is_number(when) else -1.0
        if when >= best_time:
            best, best_time = node_id, when
    return best


def _visible_text(message: object, left_out: Counter[Skipped]) -> tuple[str, str] | None:
    """(role, text) of a message the writer saw in the chat, or None, counting what was
    skipped. Empty messages (ChatGPT writes many around tool calls) are not counted."""
    if not isinstance(message, dict):
        left_out[Skipped.DAMAGED] += 1
        return None
    author = message.get("author")
    role = author.get("role") if isinstance(author, dict) else None
    content = message.get("content")
    content = content if isinstance(content, dict) else {}
    reason = _skip_reason(message, role, content)
    if reason is not None:
        if _has_content(content):
            left_out[reason] += 1
        return None
    parts = content.get("parts")
    if not isinstance(parts, list):
        if parts is not None:
            left_out[Skipped.DAMAGED] += 1
        return None
    text = _text_of(parts, left_out)
    return (str(role), text) if text else None


def _skip_reason(message: dict, role: object, content: dict) -> Skipped | None:  # noqa: PLR0911
    """Why a message is not part of the conversation as the writer saw it (None if it is)."""
    metadata = message.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    kind = content.get("content_type")
    kind = kind if isinstance(kind, str) else None
    if kind in ("user_editable_context", "model_editable_context") or metadata.get(
        "is_user_system_message"
    ):
        return Skipped.SETTINGS
    if metadata.get("is_visually_hidden_from_conversation") or role == "system":
        return Skipped.HIDDEN
    if role == "tool" or message.get("recipient") not in (None, "all"):
        return Skipped.TOOLS  # a tool's output, or ChatGPT's request to one
    if kind in ("thoughts", "reasoning_recap") or message.get("channel") in (
        "analysis",
        "commentary",
    ):
        return Skipped.THINKING
    if role not in ("user", "assistant"):
        return Skipped.OTHER if role is not None else Skipped.DAMAGED
    if kind not in ("text", "multimodal_text"):
        return Skipped.TOOLS if kind in _TOOL_KINDS else Skipped.OTHER
    return None


def _text_of(parts: list, left_out: Counter[Skipped]) -> str:
    """The written text among a message's parts; pictures and attachments are counted."""
    texts: list[str] = []
    for part in parts:
        if isinstance(part, str):
            if part.strip():
                texts.append(part)
        elif isinstance(part, dict):
            kind = part.get("content_type")
            text = part.get("text")
            if kind == "audio_transcription" and isinstance(text, str):
                if text.strip():
                    texts.append(text)  # what the writer said aloud, as ChatGPT heard it
            elif kind == "image_asset_pointer":
                left_out[Skipped.PICTURES] += 1
            else:
                left_out[Skipped.ATTACHMENTS] += 1
        elif part is not None:
            left_out[Skipped.OTHER] += 1
    return _clean("\n\n".join(text.strip("\n") for text in texts).strip())


_TOOL_KINDS = frozenset(
    {
        "code",
        "execution_output",
        "tether_browsing_display",
        "tether_quote",
        "sonic_webpage",
        "system_error",
        "computer_output",
    }
)


def _has_content(content: dict) -> bool:
    """Whether skipping ``content`` leaves out something the writer might miss."""
    for key, value in content.items():
        if key == "content_type":
            continue
        if isinstance(value, str) and value.strip():
            return True
        if isinstance(value, list) and any(
            (isinstance(item, str) and item.strip()) or (item and not isinstance(item, str))
            for item in value
        ):
            return True
    return False


def _clean(text: str) -> str:
    if _LONE_SURROGATE.search(text) is None:
        return text
    return _LONE_SURROGATE.sub("\ufffd", text)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _time(value: object) -> datetime | None:
    if not _is_number(value):
        return None
    try:
        return datetime.fromtimestamp(float(value), UTC)  # type: ignore[arg-type]
    except (OverflowError, OSError, ValueError):
        return None


# Searching --------------------------------------------------------------------------------


def search_key(conversation: Conversation) -> str:
    """The conversation's title and text, folded for :func:`matches`."""
    return fold_for_search(
        "\n".join([conversation.title, *(turn.text for turn in conversation.turns)])
    )


def fold_for_search(text: str) -> str:
    """``text`` without case or accents, so “cafe” finds “Café” and “ÉTÉ” finds “été”."""
    text = unicodedata.normalize("NFKD", text.casefold())
    if text.isascii():
        return text
    # Only the accents Latin, Greek and Cyrillic letters carry: a kana's voicing mark
    # (が = か + ゙) changes the word, so it stays.
    return _ACCENTS.sub("", text)


def matches(key: str, query: str) -> bool:
    """Whether every word of ``query`` appears in ``key`` (a :func:`search_key`)."""
    return all(word in key for word in fold_for_search(query).split())


# Keeping many conversations ----------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class PackedConversation:
    """A conversation kept small, for a list of thousands: what the list shows, its search key
    as UTF-8 (a Python string with one curly quote in it takes two bytes a character), and its
    text compressed until it is needed (:meth:`unpack`)."""

    number: int
    id: str
    title: str
    created: datetime | None
    updated: datetime | None
    prompts: int
    preview: str
    other_versions: int
    left_out: tuple[tuple[Skipped, int], ...]
    key: bytes
    packed: bytes

    def unpack(self) -> Conversation:
        turns = tuple(Turn(role, text) for role, text in json.loads(zlib.decompress(self.packed)))
        return Conversation(
            number=self.number,
            id=self.id,
            title=self.title,
            created=self.created,
            updated=self.updated,
            turns=turns,
            left_out=Counter(dict(self.left_out)),
            other_versions=self.other_versions,
        )

    def matches(self, query: str) -> bool:
        """Whether every word of ``query`` is in its title or text (case and accents aside)."""
        return all(word.encode("utf-8") in self.key for word in fold_for_search(query).split())


def pack(conversation: Conversation) -> PackedConversation:
    """``conversation`` kept small (see :class:`PackedConversation`)."""
    text = json.dumps([[turn.role, turn.text] for turn in conversation.turns], ensure_ascii=False)
    return PackedConversation(
        number=conversation.number,
        id=conversation.id,
        title=conversation.title,
        created=conversation.created,
        updated=conversation.updated,
        prompts=conversation.prompts,
        preview=conversation.preview,
        other_versions=conversation.other_versions,
        left_out=tuple(conversation.left_out.items()),
        key=search_key(conversation).encode("utf-8"),
        packed=zlib.compress(text.encode("utf-8"), 1),  # fast; prose still shrinks to ~40%
    )


# Examples ---------------------------------------------------------------------------------


def as_multi_turn(conversation: Conversation, system: str | None = None) -> Example:
    """Every prompt and answer, in order, as one example; ``system`` (the project's system
    prompt) comes first when given."""
    messages = [Message(turn.role, turn.text) for turn in conversation.turns]
    return _example(conversation, messages, system, note=_note(conversation))


def folded(conversation: Conversation, system: str | None = None) -> Example:
    """The lesson's advice on prompt chains: the first prompt with each follow-up request
    folded in, and ChatGPT's final (better) answer as the one response, so the model learns
    to give that answer first time."""
    turns = conversation.turns
    prompt = turns[0].text
    for turn in turns[1:]:
        if turn.role == "user":
            prompt = fold_follow_up(prompt, turn.text)
    follow_ups = conversation.prompts - 1
    note = _note(conversation)
    if follow_ups:
        asks = "follow-up is" if follow_ups == 1 else "follow-ups are"
        note += (
            f" Your {follow_ups} {asks} folded into the prompt; the response is ChatGPT’s "
            "last answer."
        )
    messages = [Message("user", prompt), Message("assistant", turns[-1].text)]
    return _example(conversation, messages, system, note=note)


def fold_follow_up(prompt: str, follow_up: str) -> str:
    """``prompt`` with ``follow_up`` added. A one-line request ("can you make it longer?")
    becomes a closing sentence (prompt_template.with_follow_up); a longer one with paragraphs
    of its own is kept as written, as a paragraph after the prompt."""
    request = follow_up.strip()
    if "\n" not in request:
        return with_follow_up(prompt, request)
    if " ".join(request.split()).casefold() in " ".join(prompt.split()).casefold():
        return prompt  # already asked for
    return prompt.rstrip() + "\n\n" + request


def to_example(conversation: Conversation, *, fold: bool, system: str | None = None) -> Example:
    """:func:`folded` or :func:`as_multi_turn`."""
    return folded(conversation, system) if fold else as_multi_turn(conversation, system)


def _example(
    conversation: Conversation, messages: list[Message], system: str | None, note: str
) -> Example:
    if system:
        messages.insert(0, Message("system", system))
    return Example(tuple(messages), note=note, source=conversation.source)


def _note(conversation: Conversation) -> str:
    when = f" of {conversation.created:%Y-%m-%d}" if conversation.created else ""
    return f"From your ChatGPT conversation{when}."


# Into a project (the command line) --------------------------------------------------------


@dataclass
class ChatGPTImport:
    """What ``fineauthor import EXPORT.zip`` did."""

    export: ExportSummary
    added: int = 0
    folded: int = 0  # examples whose follow-ups were folded into the prompt
    project: Path | None = None
    created: bool = False

    @property
    def damaged(self) -> list[LeftOut]:
        return [item for item in self.export.left_out if item.reason is Unusable.DAMAGED]

    @property
    def headline(self) -> str:
        where = f"a new project “{self.project}”" if self.created else f"“{self.project}”"
        added = "1 example" if self.added == 1 else f"{self.added:,} examples"
        text = f"Added {added} from your ChatGPT conversations to {where}."
        if self.folded == 1:
            text += " 1 had its follow-ups folded into the first prompt."
        elif self.folded:
            text += f" {self.folded:,} had their follow-ups folded into the first prompt."
        damaged = len(self.damaged)
        if damaged == 1:
            text += " 1 damaged conversation could not be imported (listed above)."
        elif damaged:
            text += f" {damaged:,} damaged conversations could not be imported (listed above)."
        return text


def import_export(
    source: Path,
    project_path: Path,
    *,
    fold_follow_ups: bool = False,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ChatGPTImport:
    """Add every usable conversation of the export ``source`` to the project at
    ``project_path`` (created if missing), in one step: all of them, or none on a failure or
    cancel. With an existing project, each example gets the project's system prompt."""
    result = ChatGPTImport(ExportSummary(), project=project_path)
    conversations = read_export(source, result.export, progress=progress, cancelled=cancelled)
    first = next(conversations, None)  # reads until the first usable conversation
    if first is None:
        reason = f" {result.export.left_out[0].message}" if result.export.left_out else ""
        if result.export.conversations == 0:
            reason = " It holds no conversations."
        raise DatasetError(f"No examples could be made from “{Path(source).name}”.{reason}")
    result.created = not project_path.exists()
    project = (
        Project.create(project_path, title=project_path.stem)
        if result.created
        else Project.open(project_path)
    )
    with project:
        system = project.settings.system_prompt or None

        def examples() -> Iterator[Example]:
            for conversation in _chain(first, conversations):
                if fold_follow_ups and conversation.prompts > 1:
                    result.folded += 1
                yield to_example(conversation, fold=fold_follow_ups, system=system)

        result.added = project.add_examples(examples(), cancel=cancelled)
    return result


def _chain(first: Conversation, rest: Iterator[Conversation]) -> Iterator[Conversation]:
    yield first
    yield from rest


def is_chatgpt_export(path: Path) -> bool:
    """Whether ``path`` looks like a ChatGPT export rather than a JSONL training file: a zip,
    or JSON whose first character opens a list (a training file's lines are objects)."""
    path = Path(path)
    if path.suffix.casefold() == ".zip":
        return True
    try:
        with path.open("rb") as stream:
            head = stream.read(CHUNK)
    except OSError:
        return False
    if head[:4] in _ZIP_MAGIC:
        return True
    return head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")[:1] == b"["
