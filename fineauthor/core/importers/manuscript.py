"""Manuscripts (.txt, .md, .docx) as paragraphs, split into chapters or scenes that become
examples: each piece of the writer's own prose is a response, its prompt the writer's template.

Reading gives :class:`Paragraph` objects: body text, headings (with a level, 1 the biggest) and
scene breaks. Headings come from Word's heading styles, Markdown's ``#``/underlines, and lines
that read as headings in any format ("Chapter 12", "CHAPTER TWELVE", "Part One", "Prologue", a
lone "12" or "XII"). Scene breaks are lines of symbols only: ``***``, ``* * *``, ``#``, ``~``,
``§``, a line of dashes.

:func:`split` turns paragraphs into :class:`Piece` objects at every heading (chapters) or also at
every scene break (scenes); :func:`merge` and :func:`split_at` change them; :func:`piece_example`
makes one an :class:`~fineauthor.core.dataset.example.Example`. All of these are pure functions.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.dataset.summary import count_words
from fineauthor.core.errors import DatasetError
from fineauthor.core.writing.prompt_template import fill

CHAPTERS, SCENES = "chapters", "scenes"
LEVELS = (CHAPTERS, SCENES)
SUFFIXES = (".txt", ".md", ".markdown", ".docx")

# A novel is a few MB of text; anything far beyond is not a manuscript and would only stall.
MAX_TEXT_BYTES = 64 * 1024 * 1024
# Word's main XML unpacked: generous for a long book, small enough to refuse a zip bomb.
MAX_DOCX_XML_BYTES = 256 * 1024 * 1024
# The title of the prose before a manuscript's first heading (a title page, or a story that
# starts without one).
OPENING = "Before the first heading"
CONTINUED = " (continued)"


class ManuscriptError(DatasetError):
    """A manuscript could not be read; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of a manuscript. ``heading`` is 0 for body text, else its level (1 is the
    biggest: a part or a book's title; Word's Heading 2 is 2); ``scene_break`` marks a line of
    symbols between scenes."""

    text: str
    heading: int = 0
    scene_break: bool = False


@dataclass(frozen=True, slots=True)
class Manuscript:
    """A manuscript as read: its file name, paragraphs in order, and notes on how it was read
    (an encoding guessed, parts of a Word file left out)."""

    name: str
    paragraphs: tuple[Paragraph, ...]
    notes: tuple[str, ...] = ()

    @property
    def words(self) -> int:
        return sum(count_words(p.text) for p in self.paragraphs if not p.heading)

    @property
    def headings(self) -> int:
        return sum(1 for p in self.paragraphs if p.heading)

    @property
    def scene_breaks(self) -> int:
        return sum(1 for p in self.paragraphs if p.scene_break)


@dataclass(frozen=True, slots=True)
class Piece:
    """A chapter or scene: ``text`` is its body paragraphs joined by blank lines (headings are
    left out: they become the prompt's words, not the response's); ``index`` is its position.

    ``chapter`` is the chapter it belongs to (its own title for a chapter), ``scene`` its number
    within that chapter (0 when split by chapter), ``marker`` the scene-break line it started at
    (put back when it is merged with the piece before it).
    """

    title: str
    text: str
    words: int
    index: int
    paragraphs: tuple[str, ...] = ()
    chapter: str = ""
    scene: int = 0
    marker: str = field(default="", compare=False)


def make_piece(
    title: str,
    paragraphs: Sequence[str],
    index: int = 0,
    *,
    chapter: str = "",
    scene: int = 0,
    marker: str = "",
) -> Piece:
    """A piece whose text and word count follow from its paragraphs."""
    text = "\n\n".join(paragraphs)
    return Piece(
        title=title,
        text=text,
        words=count_words(text),
        index=index,
        paragraphs=tuple(paragraphs),
        chapter=chapter or title,
        scene=scene,
        marker=marker,
    )


# Reading bytes as text -----------------------------------------------------------------------


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
        raise ManuscriptError(f"“{name}” is not a text file. {_SAVE_AS_TEXT}")
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


_SAVE_AS_TEXT = "Save it as plain text (.txt), Markdown (.md) or Word (.docx) and import that."


def _decoded(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as problem:
        raise ManuscriptError(
            f"“{name}” says it is {encoding.upper()} text but is damaged near byte "
            f"{problem.start:,}. {_SAVE_AS_TEXT}"
        ) from None


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
        raise _unreadable(name, problem) from None


def _unreadable(name: str, problem: OSError) -> ManuscriptError:
    """A file the system would not give us, in plain words."""
    if isinstance(problem, FileNotFoundError):
        return ManuscriptError(f"“{name}” could not be found. It may have been moved.")
    if isinstance(problem, IsADirectoryError):
        return ManuscriptError(f"“{name}” is a folder, not a file.")
    if isinstance(problem, PermissionError):
        return ManuscriptError(
            f"FineAuthor is not allowed to read “{name}”. Check the file’s permissions."
        )
    reason = problem.strerror or "the disk reported a problem"
    return ManuscriptError(f"“{name}” could not be read ({reason}).")


# Recognising headings and scene breaks in a line of text --------------------------------------

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundred"
)
_ORDINAL_WORDS = (
    "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|last"
)
_ROMAN = r"(?=[ivxlcdm])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_NUMBER = (
    rf"(?:\d{{1,4}}|{_ROMAN}|(?:{_NUMBER_WORDS})(?:[\s-]+(?:{_NUMBER_WORDS}|and))*"
    rf"|the\s+(?:{_ORDINAL_WORDS}))"
)
# After the number: nothing, or a separator and a subtitle, or a subtitle that starts with a
# capital, digit or quote ("Chapter 12 The Storm"), never prose ("Chapter 12 was the worst").
_AFTER = r"(?:\s*[.:)\-–—]\s*(?P<sub1>.*)|\s+(?P<sub2>(?-i:[^a-z\s]).*))?"
_NUMBERED = re.compile(
    rf"(?P<word>chapter|ch\.|part|book|volume|vol\.|act)\s+{_NUMBER}{_AFTER}",
    re.IGNORECASE,
)
_UNNUMBERED = re.compile(
    r"(?P<word>prologue|epilogue|interlude|preface|foreword|afterword|coda|postscript)"
    r"(?:\s*[.:\-–—]\s*(?P<sub1>.*))?",
    re.IGNORECASE,
)
# A chapter number alone on its line: "12", "12.", "XII" (capitals only: "I" is a word too).
_BARE_NUMBER = re.compile(r"(?:\d{1,3}|(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))\.?")
_BIG_DIVISIONS = {"part", "book", "volume", "vol.", "act"}
_MAX_HEADING_CHARS = 90
_MAX_HEADING_WORDS = 14

# Scene breaks: symbols only, at most a short line of them.
_BREAK = re.compile(r"[*#~§\-–—_=•·+◊⁂❦❧✱✻✦○ \t]{1,40}")
_ATX = re.compile(r"(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*")


def heading_level(line: str) -> int:
    """The level of a line that reads as a heading in any format (0 if it doesn't): 1 for a
    part, book, volume or act; 2 for a chapter, a prologue, a lone chapter number."""
    text = line.strip()
    if not text or len(text) > _MAX_HEADING_CHARS or len(text.split()) > _MAX_HEADING_WORDS:
        return 0
    text = _unwrap(text)
    found = _NUMBERED.fullmatch(text)
    if found is not None:
        return 1 if found.group("word").lower() in _BIG_DIVISIONS else 2
    if _UNNUMBERED.fullmatch(text) is not None or _BARE_NUMBER.fullmatch(text) is not None:
        return 2
    return 0


def _bare_heading(text: str) -> bool:
    """Whether a heading is a chapter's name or number alone, with no subtitle after it."""
    text = _unwrap(text.strip())
    found = _NUMBERED.fullmatch(text) or _UNNUMBERED.fullmatch(text)
    if found is not None:
        groups = found.groupdict()
        return not (groups.get("sub1") or groups.get("sub2"))
    return _BARE_NUMBER.fullmatch(text) is not None


# A chapter's subtitle on the line after "Chapter 1": short, and not a sentence or speech.
_SUBTITLE_WORDS = 8
_SENTENCE_END = tuple(".!?…,;:\"”’'")
_SPEECH_START = tuple("\"“‘'«—–-")


def with_subtitles(paragraphs: Sequence[Paragraph]) -> list[Paragraph]:
    """``paragraphs`` with a chapter's subtitle made part of its heading: "CHAPTER ONE" then
    "The Storm" on a line of its own (before the chapter's prose) is one title."""
    result = list(paragraphs)
    for number in range(len(result) - 2):
        heading, line, after = result[number : number + 3]
        text = line.text
        if (
            heading.heading
            and _bare_heading(heading.text)
            and not line.heading
            and not line.scene_break
            and not after.heading
            and len(text) <= 60
            and len(text.split()) <= _SUBTITLE_WORDS
            and "\n" not in text
            and not text.endswith(_SENTENCE_END)
            and not text.startswith(_SPEECH_START)
        ):
            result[number + 1] = Paragraph(_unwrap(text), heading.heading + 1)
    return result


def is_scene_break(line: str) -> bool:
    """Whether a line is a scene break: a short run of symbols only (``***``, ``* * *``,
    ``#``, ``~``, ``§``, ``---``…)."""
    text = line.strip()
    return bool(text) and _BREAK.fullmatch(text) is not None


def _unwrap(text: str) -> str:
    """A heading without the emphasis a writer put round it (``**Chapter 1**``, ``_One_``)."""
    stripped = text.strip()
    while len(stripped) > 2 and stripped[0] in "*_" and stripped[-1] == stripped[0]:
        stripped = stripped[1:-1].strip()
    return stripped or text


# Plain text and Markdown -----------------------------------------------------------------------

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
        special = _special(line)
        # Markdown's underlined heading: a short first line of a block, then === or ---.
        if (
            (special is None or special.heading)
            and markdown
            and number == 0
            and len(block) > 1
            and len(line) <= _MAX_HEADING_CHARS
            and not line.endswith(_SENTENCE_END)
            and _underline_level(block[1])
        ):
            lines.append(line)
            text = special.text if special is not None else _unwrap(line)
            kinds.append(Paragraph(text, _underline_level(block[1])))
            number += 2
            continue
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


def _special(line: str) -> Paragraph | None:
    """A heading or scene break, or None for a line of prose. Markdown's ``#`` headings count
    in a .txt too: writers type them there as well."""
    if is_scene_break(line):  # before headings: "# # #" and a lone "#" are breaks
        return Paragraph(line.strip(), scene_break=True)
    atx = _ATX.fullmatch(line.strip())
    if atx is not None and atx.group("text"):
        return Paragraph(_unwrap(atx.group("text").strip()), len(atx.group("hashes")))
    level = heading_level(line)
    if level:
        return Paragraph(_unwrap(line.strip()), level)
    return None


# Word (.docx) ------------------------------------------------------------------------------

_NOT_DOCX = (
    "“{name}” can’t be read as a Word document. If it is an older Word file (.doc) or is "
    "protected by a password, open it in Word or LibreOffice, save it as .docx without a "
    "password, and import that."
)
# Parts of a paragraph whose text is not on the page: deleted tracked changes, text moved
# away, the fallback copy of a text box, field instructions.
_SKIPPED = {"del", "moveFrom", "Fallback", "instrText", "delText", "txbxContent", "pPr", "rPr"}


def docx_paragraphs(path: Path) -> tuple[list[Paragraph], list[str]]:
    """The paragraphs of a Word file's main text (tables' paragraphs included in place), with
    headings from their styles, and notes on what was left out.

    Read with the standard library's zipfile and ElementTree: the text of every run, hyperlink,
    field result, content control and tracked insertion counts; tracked deletions do not.
    """
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            main = _main_part(archive)
            body = _xml(archive, main, name)
            styles_part = str(PurePosixPath(main).parent / "styles.xml")
            styles = _xml(archive, styles_part, name) if _has(archive, styles_part) else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError):
        raise ManuscriptError(_NOT_DOCX.format(name=name)) from None
    except OSError as problem:
        raise _unreadable(name, problem) from None
    if body is None:
        raise ManuscriptError(_NOT_DOCX.format(name=name))
    levels = _style_levels(styles)
    notes: list[str] = []
    paragraphs: list[Paragraph] = []
    tables = 0
    body_element = next((e for e in body if _local(e.tag) == "body"), None)
    if body_element is None:
        raise ManuscriptError(_NOT_DOCX.format(name=name))
    for element, in_table in _body_paragraphs(body_element):
        tables += in_table
        text = _paragraph_text(element).strip()
        if not text:
            continue
        level = _paragraph_level(element, levels)
        if level:
            paragraphs.append(Paragraph(_unwrap(text), level))
        else:
            special = _special(text)
            paragraphs.append(special if special is not None else Paragraph(text))
    if tables:
        notes.append(
            "1 paragraph inside a table was read as an ordinary paragraph."
            if tables == 1
            else f"{tables:,} paragraphs inside tables were read as ordinary paragraphs."
        )
    return paragraphs, notes


def _has(archive: zipfile.ZipFile, name: str) -> bool:
    try:
        archive.getinfo(name)
    except KeyError:
        return False
    return True


def _main_part(archive: zipfile.ZipFile) -> str:
    """The main document's name inside the package (word/document.xml almost always)."""
    if _has(archive, "_rels/.rels"):
        with archive.open("_rels/.rels") as stream:
            data = stream.read(1 << 20)
        try:
            root = ElementTree.fromstring(data)
        except ElementTree.ParseError:
            root = None
        for relation in root if root is not None else ():
            kind = relation.get("Type", "")
            target = relation.get("Target", "")
            if kind.endswith("/officeDocument") and target:
                return target.lstrip("/")
    return "word/document.xml"


def _xml(archive: zipfile.ZipFile, part: str, name: str) -> ElementTree.Element | None:
    try:
        info = archive.getinfo(part)
    except KeyError:
        return None
    if info.file_size > MAX_DOCX_XML_BYTES:
        raise ManuscriptError(
            f"“{name}” holds more text than FineAuthor can read at once. Split the book into "
            "a few files and import them one by one."
        )
    with archive.open(info) as stream:
        data = stream.read(MAX_DOCX_XML_BYTES + 1)  # the size in the zip's index may lie
    if len(data) > MAX_DOCX_XML_BYTES:
        raise ManuscriptError(
            f"“{name}” holds more text than FineAuthor can read at once. Split the book into "
            "a few files and import them one by one."
        )
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError:
        raise ManuscriptError(
            f"“{name}” is damaged: the text inside it can’t be read. Open it in Word or "
            "LibreOffice, save it again as .docx, and import the new file."
        ) from None


def _local(tag: object) -> str:
    """An element's name without its namespace (Word has two: transitional and strict)."""
    if not isinstance(tag, str):
        return ""  # comments and processing instructions
    return tag.rsplit("}", 1)[-1]


def _attr(element: ElementTree.Element, name: str) -> str | None:
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _child(element: ElementTree.Element, name: str) -> ElementTree.Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _body_paragraphs(
    element: ElementTree.Element, in_table: bool = False
) -> Iterator[tuple[ElementTree.Element, bool]]:
    """Paragraphs in reading order, through content controls, tables and tracked moves."""
    for child in element:
        tag = _local(child.tag)
        if tag == "p":
            yield child, in_table
        elif tag == "tbl":
            yield from _body_paragraphs(child, True)
        elif tag in ("sdt", "sdtContent", "tr", "tc", "customXml", "ins", "moveTo", "smartTag"):
            yield from _body_paragraphs(child, in_table)


def _paragraph_text(paragraph: ElementTree.Element) -> str:
    parts: list[str] = []

    def walk(element: ElementTree.Element) -> None:
        for child in element:
            tag = _local(child.tag)
            if tag in _SKIPPED or tag == "p":  # a text box's paragraphs are not this one's
                continue
            if tag == "r" and _hidden(child):
                continue
            if tag == "t":
                parts.append(child.text or "")
            elif tag in ("tab", "ptab"):
                parts.append("\t")
            elif tag in ("br", "cr"):
                parts.append("\n")
            elif tag == "noBreakHyphen":
                parts.append("-")
            else:
                walk(child)

    walk(paragraph)
    return "".join(parts)


def _hidden(run: ElementTree.Element) -> bool:
    properties = _child(run, "rPr")
    vanish = _child(properties, "vanish") if properties is not None else None
    return vanish is not None and _attr(vanish, "val") not in ("0", "false", "off")


_HEADING_NAME = re.compile(r"heading\s*(\d)", re.IGNORECASE)


def _style_levels(styles: ElementTree.Element | None) -> dict[str, int]:
    """Paragraph style id → heading level (only styles that are headings)."""
    if styles is None:
        return {}
    own: dict[str, int] = {}
    parents: dict[str, str] = {}
    for style in styles:
        if _local(style.tag) != "style" or _attr(style, "type") not in (None, "paragraph"):
            continue
        style_id = _attr(style, "styleId")
        if not style_id:
            continue
        name_element = _child(style, "name")
        name = (_attr(name_element, "val") or "") if name_element is not None else ""
        level = _name_level(name) or _outline_level(_child(style, "pPr"))
        if level:
            own[style_id] = level
        based = _child(style, "basedOn")
        if based is not None and _attr(based, "val"):
            parents[style_id] = _attr(based, "val") or ""
    levels: dict[str, int] = {}
    for style_id in {*own, *parents}:
        current: str | None = style_id
        for _ in range(20):  # a chain of "based on" ends, even in a damaged file
            if current is None:
                break
            if current in own:
                levels[style_id] = own[current]
                break
            current = parents.get(current)
    return levels


def _name_level(name: str) -> int:
    lowered = name.strip().lower()
    if lowered == "title":
        return 1
    if lowered == "subtitle":
        return 2
    found = _HEADING_NAME.fullmatch(lowered)
    return int(found.group(1)) if found and found.group(1) != "0" else 0


def _outline_level(properties: ElementTree.Element | None) -> int:
    """Word's outline level (0 is a top heading, 9 body text) as our heading level."""
    if properties is None:
        return 0
    outline = _child(properties, "outlineLvl")
    value = _attr(outline, "val") if outline is not None else None
    if value is not None and value.isdigit() and int(value) < 9:
        return int(value) + 1
    return 0


def _paragraph_level(paragraph: ElementTree.Element, levels: dict[str, int]) -> int:
    properties = _child(paragraph, "pPr")
    if properties is None:
        return 0
    direct = _outline_level(properties)
    if direct:
        return direct
    style = _child(properties, "pStyle")
    style_id = (_attr(style, "val") or "") if style is not None else ""
    if style_id in levels:
        return levels[style_id]
    # Without a styles part, Word's own ids still say it ("Heading1", "Title").
    return _name_level(re.sub(r"(?<=[a-z])(?=\d)", " ", style_id)) if style_id else 0


# Reading any manuscript --------------------------------------------------------------------


def read_manuscript(path: Path) -> Manuscript:
    """Read a .txt, .md or .docx manuscript. Raises ManuscriptError with a plain reason."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        paragraphs, notes = docx_paragraphs(path)
    else:
        data = _read_bytes(path, MAX_TEXT_BYTES)
        if data.startswith(b"PK\x03\x04"):  # a .docx (or any zip) renamed to .txt
            raise ManuscriptError(
                f"“{path.name}” is a packed file (perhaps a Word document), not plain text. "
                + _SAVE_AS_TEXT
            )
        text, note = decode_text(data, path.name)
        paragraphs = text_paragraphs(text, markdown=suffix in (".md", ".markdown"))
        notes = [note] if note else []
    paragraphs = with_subtitles(paragraphs)
    if not any(not p.heading and not p.scene_break for p in paragraphs):
        raise ManuscriptError(f"“{path.name}” has no text in it to use as examples.")
    return Manuscript(path.name, tuple(paragraphs), tuple(notes))


# Splitting ---------------------------------------------------------------------------------


def split(paragraphs: Sequence[Paragraph], level: str = CHAPTERS, name: str = "") -> list[Piece]:
    """Pieces of prose: a new one at every heading, and for ``SCENES`` at every scene break.

    Headings in a row ("Part One", then "Chapter 1") make one title: the part is dropped, a
    chapter keeps a subtitle after it ("Chapter 1: The Storm"). Prose before the first heading
    is its own piece, titled ``name`` when the manuscript has no headings at all. In chapters,
    scene breaks stay in the text as written; in scenes, each scene is numbered within its
    chapter ("Chapter 3, scene 2") and its break is remembered for merging.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    has_headings = any(p.heading for p in paragraphs)
    untitled = OPENING if has_headings else (name or OPENING)
    chapters: list[tuple[str, list[tuple[str, list[str]]]]] = []
    pending: list[Paragraph] = []  # headings waiting for the prose they announce
    current: list[tuple[str, list[str]]] | None = None  # scenes of the chapter being read
    for paragraph in paragraphs:
        if paragraph.heading:
            pending.append(paragraph)
            continue
        if current is None or pending:
            title = _title(pending) if pending else untitled
            pending = []
            current = [("", [])]
            chapters.append((title, current))
        if paragraph.scene_break:
            if not current[-1][1]:
                continue  # a break before any prose separates nothing
            if level == SCENES:
                current.append((paragraph.text, []))
            else:
                current[-1][1].append(paragraph.text)
            continue
        current[-1][1].append(paragraph.text)
    return _pieces(chapters, level, has_headings)


def _pieces(
    chapters: list[tuple[str, list[tuple[str, list[str]]]]], level: str, has_headings: bool
) -> list[Piece]:
    """Chapters (each a title and its scenes: the break before it and its paragraphs) as
    numbered pieces."""
    pieces: list[Piece] = []
    for title, found in chapters:
        scenes = [(marker, body) for marker, body in found if body]
        if level == CHAPTERS:
            for _, body in scenes:  # a break at a chapter's very end separates nothing
                while len(body) > 1 and is_scene_break(body[-1]):
                    body.pop()
        for number, (marker, body) in enumerate(scenes, start=1):
            scene_title = title
            if len(scenes) > 1:
                scene_title = f"{title}, scene {number}" if has_headings else f"Scene {number}"
            pieces.append(
                make_piece(
                    scene_title,
                    body,
                    len(pieces),
                    chapter=title,
                    scene=number if level == SCENES else 0,
                    marker=marker,
                )
            )
    return pieces


def _title(headings: list[Paragraph]) -> str:
    """One title for headings in a row: from the last chapter-like one on, else the last."""
    texts = [h.text for h in headings]
    for start in range(len(texts) - 1, -1, -1):
        level = heading_level(texts[start])
        if level == 2 or (level == 1 and start == len(texts) - 1):
            return ": ".join(texts[start:])
    return texts[-1]


def _renumbered(pieces: Sequence[Piece]) -> list[Piece]:
    return [
        piece if piece.index == i else replace(piece, index=i) for i, piece in enumerate(pieces)
    ]


def merge(pieces: Sequence[Piece], index: int) -> list[Piece]:
    """``pieces`` with the one at ``index`` and the next joined into one ("A + B"); a scene
    break between them is put back between their paragraphs."""
    if not 0 <= index < len(pieces) - 1:
        raise IndexError("there is no next piece to merge with")
    first, second = pieces[index], pieces[index + 1]
    middle = (second.marker,) if second.marker else ()
    title = f"{first.title} + {second.title}"
    joined = make_piece(
        title,
        (*first.paragraphs, *middle, *second.paragraphs),
        index,
        chapter=first.chapter if first.chapter == second.chapter else title,
        scene=first.scene,
        marker=first.marker,
    )
    return _renumbered([*pieces[:index], joined, *pieces[index + 2 :]])


def split_at(pieces: Sequence[Piece], index: int, paragraph: int) -> list[Piece]:
    """``pieces`` with the one at ``index`` cut before its paragraph number ``paragraph``
    (1 … its paragraph count − 1); the second half is titled "… (continued)"."""
    piece = pieces[index]
    if not 0 < paragraph < len(piece.paragraphs):
        raise IndexError("a piece is split between two of its paragraphs")
    head, tail = piece.paragraphs[:paragraph], piece.paragraphs[paragraph:]
    marker = ""
    if tail and is_scene_break(tail[0]) and len(tail) > 1:  # cut at a break: it goes between
        marker, tail = tail[0], tail[1:]
    while len(head) > 1 and is_scene_break(head[-1]):
        head = head[:-1]
    title = piece.title if piece.title.endswith(CONTINUED) else piece.title + CONTINUED
    first = make_piece(
        piece.title, head, index, chapter=piece.chapter, scene=piece.scene, marker=piece.marker
    )
    second = make_piece(title, tail, index + 1, chapter=piece.chapter, marker=marker)
    return _renumbered([*pieces[:index], first, second, *pieces[index + 1 :]])


# Pieces as examples ------------------------------------------------------------------------

#: The gaps :func:`template_values` fills; any other gap ({beat}…) stays for the writer.
PLACEHOLDERS = ("title", "chapter", "scene", "number")


def template_values(piece: Piece) -> dict[str, str]:
    """What a piece puts into the writer's prompt template: {title}, {chapter}, {number} and,
    for a scene, {scene} (its number within the chapter)."""
    values = {"title": piece.title, "chapter": piece.chapter, "number": str(piece.index + 1)}
    if piece.scene:
        values["scene"] = str(piece.scene)
    return values


def piece_prompt(piece: Piece, template: str) -> str:
    """The user prompt for ``piece``: the template with its gaps filled ('' without one)."""
    return fill(template, template_values(piece)) if template.strip() else ""


def piece_example(piece: Piece, template: str, source_name: str, system: str = "") -> Example:
    """``piece`` as an example: the filled template as prompt, the prose as response, and its
    source as "Manuscript: <file>, <title>"."""
    messages = [Message("user", piece_prompt(piece, template)), Message("assistant", piece.text)]
    if system:
        messages.insert(0, Message("system", system))
    return Example(tuple(messages), source=f"Manuscript: {source_name}, {piece.title}")
