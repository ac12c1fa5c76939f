"""Plain text and Markdown manuscripts: bytes decoded as text (UTF-8, UTF-16 or Windows'
cp1252), and text split into paragraphs, with hard-wrapped lines joined and Markdown's
underlined headings and front matter understood."""

from __future__ import annotations

import codecs
from collections.abc import Iterator

from fineauthor.core.importers.manuscript.headings import (
    MAX_HEADING_CHARS,
    SENTENCE_END,
    bare_heading,
    is_subtitle,
    special_line,
    unwrap,
    wrapped_heading_level,
)
from fineauthor.core.importers.manuscript.paragraphs import ManuscriptError, Paragraph


def decode_text(data: bytes, name: str) -> tuple[str, str | None]:
    """``data`` as text, and a note when it was not UTF-8.

    UTF-8 (with or without a byte-order mark) and UTF-16 with a mark (Windows Notepad's
    "Unicode") are read as they are. Anything else is read as Windows' Western encoding
    (cp1252), which every older Windows editor used, with a note so the writer checks the
    accents and curly quotes. Raises ManuscriptError for data that is not text at all.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _decoded(data[3:], "utf-8", name), None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decoded(data, "utf-16", name), None
    if b"\x00" in data:  # text never holds NUL bytes; images, archives and programs do
        raise ManuscriptError(f"“{name}” is not a text file. {SAVE_AS_TEXT}")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    note = (
        f"“{name}” is not saved as UTF-8, so it was read as Windows text (cp1252). "
        "Check that accented letters and curly quotes look right; if they don’t, save the "
        "file as UTF-8 in your editor and import it again."
    )
    return text, note


SAVE_AS_TEXT = "Save it as plain text (.txt), Markdown (.md) or Word (.docx) and import that."


def _decoded(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as problem:
        raise ManuscriptError(
            f"“{name}” says it is {encoding.upper()} text but is damaged near byte "
            f"{problem.start:,}. {SAVE_AS_TEXT}"
        ) from None


# A line longer than this is a whole paragraph (one paragraph per line), never hard-wrapped.
_WRAP_WIDTH = 100
_WRAPPED_MIN = 45


def text_paragraphs(text: str, *, markdown: bool = False) -> list[Paragraph]:
    """Paragraphs of plain text (or Markdown): blocks separated by blank lines.

    Within a block, lines hard-wrapped at a fixed width (as in e-texts) are joined into one
    paragraph; otherwise each line is a paragraph of its own (how most editors save a
    paragraph). Headings and scene breaks are always paragraphs of their own.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if markdown:
        lines = _without_front_matter(lines)
    paragraphs: list[Paragraph] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            block.append(line.strip())
            continue
        if block:
            paragraphs.extend(_block_paragraphs(block, markdown=markdown))
            block = []
    return paragraphs


def _without_front_matter(lines: list[str]) -> list[str]:
    """Markdown notes apps start a file with settings between two ``---`` lines: not prose."""
    if lines and lines[0].strip() == "---":
        for number, line in enumerate(lines[1:40], start=1):
            if line.strip() in ("---", "..."):
                return lines[number + 1 :]
    return lines


def _block_paragraphs(block: list[str], *, markdown: bool) -> Iterator[Paragraph]:
    lines: list[str] = []
    kinds: list[Paragraph | None] = []  # a heading or scene break, or None for prose
    number = 0
    while number < len(block):
        line = block[number]
        special = special_line(line)
        # Markdown's underlined heading: a short first line of a block, then === or ---.
        if (
            (special is None or special.heading)
            and markdown
            and number == 0
            and len(block) > 1
            and len(line) <= MAX_HEADING_CHARS
            and not line.endswith(SENTENCE_END)
            and _underline_level(block[1])
        ):
            lines.append(line)
            text = special.text if special is not None else unwrap(line)
            kinds.append(Paragraph(text, _underline_level(block[1])))
            number += 2
            continue
        if special is not None and special.heading and not line.startswith("#"):
            taken = _heading_in_block(block, number, special)
            if taken is not None:
                found, used = taken
                for paragraph in found:
                    lines.append(paragraph.text)
                    kinds.append(paragraph)
                number += used
                continue
            special = None  # the first line of a wrapped paragraph, not a heading
        lines.append(line)
        kinds.append(special)
        number += 1
    wrapped = _looks_wrapped(
        [line for line, kind in zip(lines, kinds, strict=True) if kind is None]
    )
    prose: list[str] = []
    for line, kind in zip(lines, kinds, strict=True):
        if kind is None:
            prose.append(line)
            continue
        if prose:
            yield from _prose(prose, wrapped)
            prose = []
        yield kind
    if prose:
        yield from _prose(prose, wrapped)


def _heading_in_block(
    block: list[str], number: int, heading: Paragraph
) -> tuple[list[Paragraph], int] | None:
    """A heading line and the lines after it in its block: the heading (with a chapter title on
    the next line, or wrapped over two lines) and how many lines it used; or None when the line
    only begins a wrapped paragraph ("BOOK I. (Folio) CHAPTER IV. (Hump Back).—This whale…")."""
    rest: list[str] = []
    for line in block[number + 1 :]:
        if special_line(line) is not None:
            break
        rest.append(line)
    if not rest:
        return [heading], 1
    line = block[number]
    if bare_heading(line) and len(rest) == 1 and is_subtitle(rest[0]):
        # "CHAPTER IV." then "The Whiteness of the Whale." on the next line: its title.
        return [heading, Paragraph(unwrap(rest[0]), heading.heading + 1)], 2
    if len(rest) <= 2:
        level = wrapped_heading_level(" ".join([line, *rest]))
        if level:
            return [Paragraph(unwrap(" ".join([line, *rest])), level)], 1 + len(rest)
    if len(line) >= _WRAPPED_MIN or rest[0][:1].islower():
        return None
    return [heading], 1


def _prose(lines: list[str], wrapped: bool) -> Iterator[Paragraph]:
    if wrapped:
        yield Paragraph(" ".join(lines))
    else:
        for line in lines:
            yield Paragraph(line)


def _looks_wrapped(lines: list[str]) -> bool:
    """Whether prose lines are one paragraph wrapped at a fixed width: no line is longer than a
    wrapped line would be, and most lines but the last fill most of that width."""
    if len(lines) < 2 or any(len(line) > _WRAP_WIDTH for line in lines):
        return False
    full = sum(1 for line in lines[:-1] if len(line) >= _WRAPPED_MIN)
    return full * 5 >= (len(lines) - 1) * 4


def _underline_level(line: str) -> int:
    text = line.strip()
    if len(text) >= 2 and set(text) == {"="}:
        return 1
    if len(text) >= 2 and set(text) == {"-"}:
        return 2
    return 0
