"""Word (.docx) manuscripts: the paragraphs of the main text read with the standard library's
zipfile and ElementTree, with headings taken from Word's heading styles and outline levels, and
scene breaks however Word draws them (a line of symbols, a horizontal line, a bottom border)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from fineauthor.core.importers.manuscript.headings import special_line, unwrap
from fineauthor.core.importers.manuscript.paragraphs import ManuscriptError, Paragraph, unreadable
from fineauthor.core.importers.manuscript.word_runs import (
    Emphasis,
    ParagraphText,
    paragraph_text,
    switched_on,
)
from fineauthor.core.importers.manuscript.word_runs import attr as _attr
from fineauthor.core.importers.manuscript.word_runs import child as _child
from fineauthor.core.importers.manuscript.word_runs import local as _local

# Word's main XML unpacked: generous for a long book, small enough to refuse a zip bomb.
MAX_DOCX_XML_BYTES = 256 * 1024 * 1024


_NOT_DOCX = (
    "“{name}” can’t be read as a Word document. If it is an older Word file (.doc) or is "
    "protected by a password, open it in Word or LibreOffice, save it as .docx without a "
    "password, and import that."
)
#: How a scene break drawn as a line is written in a piece's text.
DRAWN_BREAK = "* * *"


def docx_paragraphs(path: Path, *, emphasis: bool = True) -> tuple[list[Paragraph], list[str]]:
    """The paragraphs of a Word file's main text (tables' paragraphs included in place), with
    headings from their styles, and notes on what was left out.

    Read with the standard library's zipfile and ElementTree, tracked changes accepted: the text
    of every run, hyperlink, field result, content control and insertion counts; deletions,
    hidden text and footnotes do not (footnotes are counted in the notes). With ``emphasis``,
    italics and bold are kept as Markdown's ``*…*`` and ``**…**``.
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
        raise unreadable(name, problem) from None
    if body is None:
        raise ManuscriptError(_NOT_DOCX.format(name=name))
    body_element = next((e for e in body if _local(e.tag) == "body"), None)
    if body_element is None:
        raise ManuscriptError(_NOT_DOCX.format(name=name))
    return _Reader(styles, emphasis).read(body_element)


class _Reader:
    """One pass over a document's paragraphs, counting what was left out."""

    def __init__(self, styles: ElementTree.Element | None, emphasis: bool) -> None:
        self.levels = _style_levels(styles)
        self.emphasis = _character_emphasis(styles) if emphasis else {}
        self.bordered_styles = _bordered_styles(styles)
        self.keep_emphasis = emphasis
        self.tables = self.footnotes = self.endnotes = 0

    def read(self, body: ElementTree.Element) -> tuple[list[Paragraph], list[str]]:
        elements = list(_body_paragraphs(body))
        paragraphs: list[Paragraph] = []
        joined = ParagraphText("", "")  # text whose paragraph mark was deleted: it runs on
        for number, (element, in_table) in enumerate(elements):
            self.tables += in_table
            found = paragraph_text(element, self.emphasis)
            self.footnotes += found.footnotes
            self.endnotes += found.endnotes
            if joined.plain:
                found = ParagraphText(joined.plain + found.plain, joined.marked + found.marked)
            if _mark_deleted(element):
                joined = found
                continue
            joined = ParagraphText("", "")
            after = elements[number + 1][0] if number + 1 < len(elements) else None
            paragraphs.extend(self._paragraphs(element, found, after))
        return paragraphs, self._notes()

    def _paragraphs(
        self, element: ElementTree.Element, found: ParagraphText, after: ElementTree.Element | None
    ) -> list[Paragraph]:
        text = found.plain.strip()
        level = _paragraph_level(element, self.levels)
        if level:
            return [Paragraph(unwrap(text), level, front=_is_title(element))] if text else []
        bordered = self._bordered(element)
        if not text:
            drawn = found.drawn_line or bordered
            return [Paragraph(DRAWN_BREAK, scene_break=True)] if drawn else []
        special = special_line(text)
        if special is not None:
            found_paragraphs = [special]
        else:
            found_paragraphs = [Paragraph(found.marked.strip() if self.keep_emphasis else text)]
        # A line drawn under the paragraph (a bottom border; Word draws one border round
        # bordered paragraphs in a row, so only under the last of them), or a drawn line.
        if found.drawn_line or (bordered and not (after is not None and self._bordered(after))):
            found_paragraphs.append(Paragraph(DRAWN_BREAK, scene_break=True))
        return found_paragraphs

    def _bordered(self, element: ElementTree.Element) -> bool:
        properties = _child(element, "pPr")
        own = _bottom_border(_child(properties, "pBdr"))
        if own is not None:
            return own
        style = _child(properties, "pStyle")
        return ((_attr(style, "val") or "") if style is not None else "") in self.bordered_styles

    def _notes(self) -> list[str]:
        notes: list[str] = []
        if self.tables:
            notes.append(
                "1 paragraph inside a table was read as an ordinary paragraph."
                if self.tables == 1
                else f"{self.tables:,} paragraphs inside tables were read as ordinary paragraphs."
            )
        for count, what in ((self.footnotes, "footnote"), (self.endnotes, "endnote")):
            if count:
                notes.append(f"{count:,} {what}{'' if count == 1 else 's'} left out.")
        return notes


def _mark_deleted(paragraph: ElementTree.Element) -> bool:
    """Whether the paragraph's end was deleted as a tracked change: it joins the next one."""
    properties = _child(_child(paragraph, "pPr"), "rPr")
    return _child(properties, "del") is not None


def _bottom_border(borders: ElementTree.Element | None) -> bool | None:
    """Whether paragraph borders draw a line below the text (what Word makes of "---" and
    Enter); None without borders."""
    if borders is None:
        return None
    line = _child(borders, "bottom")
    return line is not None and (_attr(line, "val") or "").lower() not in ("nil", "none", "")


def _bordered_styles(styles: ElementTree.Element | None) -> set[str]:
    """Paragraph styles that draw a line (a writer's "Scene Break" style with a border)."""
    found: set[str] = set()
    for style in styles if styles is not None else ():
        if _local(style.tag) != "style" or _attr(style, "type") not in (None, "paragraph"):
            continue
        if _bottom_border(_child(_child(style, "pPr"), "pBdr")) and _attr(style, "styleId"):
            found.add(_attr(style, "styleId") or "")
    return found  # headings keep their borders to themselves (Word's Title has one)


def _character_emphasis(styles: ElementTree.Element | None) -> dict[str, Emphasis]:
    """Character style id → (italic, bold): from the style's settings, else its name (Word's
    Emphasis is italic, Strong is bold)."""
    found: dict[str, Emphasis] = {}
    for style in styles if styles is not None else ():
        if _local(style.tag) != "style" or _attr(style, "type") != "character":
            continue
        style_id = _attr(style, "styleId")
        if not style_id:
            continue
        properties = _child(style, "rPr")
        name_element = _child(style, "name")
        name = ((_attr(name_element, "val") or "") if name_element is not None else "").lower()
        italic = switched_on(_child(properties, "i"))
        bold = switched_on(_child(properties, "b"))
        found[style_id] = (
            italic if italic is not None else "emphasis" in name,
            bold if bold is not None else name in ("strong", "intense emphasis"),
        )
    return found


def _is_title(paragraph: ElementTree.Element) -> bool:
    """Whether a heading is the book's own title or subtitle (Word's Title and Subtitle)."""
    style = _child(_child(paragraph, "pPr"), "pStyle")
    style_id = (_attr(style, "val") or "") if style is not None else ""
    return style_id.lower() in ("title", "subtitle")


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
