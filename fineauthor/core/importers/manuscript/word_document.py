"""Word (.docx) manuscripts: the paragraphs of the main text read with the standard library's
zipfile and ElementTree, with headings taken from Word's heading styles and outline levels."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from fineauthor.core.importers.manuscript.headings import special_line, unwrap
from fineauthor.core.importers.manuscript.paragraphs import ManuscriptError, Paragraph, unreadable

# Word's main XML unpacked: generous for a long book, small enough to refuse a zip bomb.
MAX_DOCX_XML_BYTES = 256 * 1024 * 1024


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
        raise unreadable(name, problem) from None
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
            paragraphs.append(Paragraph(unwrap(text), level))
        else:
            special = special_line(text)
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
