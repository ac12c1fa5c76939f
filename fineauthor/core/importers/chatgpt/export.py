"""Reading a whole export: its usable conversations one at a time, in export order, with
progress, a way to stop and an account of what could not be used; and telling an export from
a training file."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from fineauthor.core.importers.chatgpt.conversation import Conversation, ExportSummary
from fineauthor.core.importers.chatgpt.conversation_tree import read_conversation
from fineauthor.core.importers.chatgpt.json_stream import CHUNK, ArrayReader, text_pieces
from fineauthor.core.importers.chatgpt.sources import ZIP_MAGIC, Source, find_sources
from fineauthor.core.project.project import Cancelled


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
    sources = find_sources(path)
    return _conversations(sources, summary, progress, cancelled)


def _conversations(
    sources: Sequence[Source],
    summary: ExportSummary,
    progress: Callable[[int], None] | None,
    cancelled: Callable[[], bool] | None,
) -> Iterator[Conversation]:
    total = max(1, sum(source.size for source in sources))
    done = [0]
    shown = -1
    number = 0
    for source in sources:
        for raw in ArrayReader(text_pieces(source, done), source):
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
    if head[:4] in ZIP_MAGIC:
        return True
    return head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")[:1] == b"["
