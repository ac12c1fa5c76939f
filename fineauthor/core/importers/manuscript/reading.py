"""Reading any manuscript file (.docx, or plain text and Markdown) into its paragraphs, with
notes on how it was read."""

from __future__ import annotations

from pathlib import Path

from fineauthor.core.importers.manuscript import gutenberg
from fineauthor.core.importers.manuscript.headings import with_subtitles
from fineauthor.core.importers.manuscript.paragraphs import Manuscript, ManuscriptError, unreadable
from fineauthor.core.importers.manuscript.plain_text import (
    SAVE_AS_TEXT,
    decode_text,
    text_paragraphs,
)
from fineauthor.core.importers.manuscript.structure import nest_subheadings, without_front_matter
from fineauthor.core.importers.manuscript.word_document import docx_paragraphs

SUFFIXES = (".txt", ".md", ".markdown", ".docx")

# A novel is a few MB of text; anything far beyond is not a manuscript and would only stall.
MAX_TEXT_BYTES = 64 * 1024 * 1024


def read_manuscript(path: Path, *, emphasis: bool = True) -> Manuscript:
    """Read a .txt, .md or .docx manuscript. Raises ManuscriptError with a plain reason.

    A Word file's italics and bold are kept as Markdown emphasis (``*…*``, ``**…**``) unless
    ``emphasis`` is False, and its title page and front matter are left out; Project
    Gutenberg's header and licence never come in; subheadings stay inside their chapter.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        paragraphs, notes = docx_paragraphs(path, emphasis=emphasis)
        paragraphs, left_out = without_front_matter(with_subtitles(paragraphs))
        notes = [left_out, *notes] if left_out else notes
    else:
        data = _read_bytes(path, MAX_TEXT_BYTES)
        if data.startswith(b"PK\x03\x04"):  # a .docx (or any zip) renamed to .txt
            raise ManuscriptError(
                f"“{path.name}” is a packed file (perhaps a Word document), not plain text. "
                + SAVE_AS_TEXT
            )
        text, note = decode_text(data, path.name)
        text, from_gutenberg = gutenberg.without_gutenberg(text)
        paragraphs = text_paragraphs(text, markdown=suffix in (".md", ".markdown"))
        paragraphs = with_subtitles(paragraphs)
        notes = [n for n in (note, gutenberg.NOTE if from_gutenberg else None) if n]
    paragraphs = nest_subheadings(paragraphs)
    if not any(not p.heading and not p.scene_break for p in paragraphs):
        raise ManuscriptError(f"“{path.name}” has no text in it to use as examples.")
    return Manuscript(path.name, tuple(paragraphs), tuple(notes))


def _read_bytes(path: Path, limit: int) -> bytes:
    name = path.name
    try:
        size = path.stat().st_size
        if size > limit:
            raise ManuscriptError(
                f"“{name}” is {size / 1024 / 1024:,.0f} MB, far more than a manuscript. "
                "Import one book at a time."
            )
        return path.read_bytes()
    except OSError as problem:
        raise unreadable(name, problem) from None
