"""The text of one Word paragraph as the page shows it, with tracked changes accepted: runs,
hyperlinks, fields' results and insertions, never deletions, hidden text or footnotes (their
marks are counted); italics and bold kept as Markdown emphasis (``*…*``, ``**…**``)."""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree import ElementTree

# Parts of a paragraph whose text is not on the page once changes are accepted: deleted tracked
# changes, text moved away, the fallback copy of a text box, field instructions, properties.
_SKIPPED = {"del", "moveFrom", "Fallback", "instrText", "delText", "txbxContent", "pPr", "rPr"}
_NOTE_MARKS = {"footnoteReference": "footnotes", "endnoteReference": "endnotes"}
_OFF = ("0", "false", "off", "none")
_MARKS = {(True, False): "*", (False, True): "**", (True, True): "***"}

#: A character style's emphasis: (italic, bold).
Emphasis = tuple[bool, bool]


@dataclass(frozen=True, slots=True)
class ParagraphText:
    """A paragraph's text: ``plain``, and ``marked`` with its emphasis as Markdown; how many
    footnote and endnote marks it held; whether it holds a drawn line (a horizontal rule)."""

    plain: str
    marked: str
    footnotes: int = 0
    endnotes: int = 0
    drawn_line: bool = False


def local(tag: object) -> str:
    """An element's name without its namespace (Word has two: transitional and strict)."""
    if not isinstance(tag, str):
        return ""  # comments and processing instructions
    return tag.rsplit("}", 1)[-1]


def attr(element: ElementTree.Element, name: str) -> str | None:
    for key, value in element.attrib.items():
        if local(key) == name:
            return value
    return None


def child(element: ElementTree.Element | None, name: str) -> ElementTree.Element | None:
    for found in element if element is not None else ():
        if local(found.tag) == name:
            return found
    return None


def switched_on(element: ElementTree.Element | None) -> bool | None:
    """A toggle such as ``<w:i/>``: True, False (``w:val="0"``), or None when absent."""
    if element is None:
        return None
    return (attr(element, "val") or "").lower() not in _OFF


def run_emphasis(properties: ElementTree.Element | None, styles: dict[str, Emphasis]) -> Emphasis:
    """(italic, bold) of a run: its own settings, else its character style's."""
    style = child(properties, "rStyle")
    italic, bold = styles.get((attr(style, "val") or "") if style is not None else "", (False,) * 2)
    own_italic = switched_on(child(properties, "i"))
    own_bold = switched_on(child(properties, "b"))
    return (
        italic if own_italic is None else own_italic,
        bold if own_bold is None else own_bold,
    )


def paragraph_text(paragraph: ElementTree.Element, styles: dict[str, Emphasis]) -> ParagraphText:
    """The text of ``paragraph`` (see the module's docstring); ``styles`` maps character style
    ids to their emphasis."""
    pieces: list[tuple[str, Emphasis]] = []
    counts = {"footnotes": 0, "endnotes": 0}
    drawn = False

    def walk(element: ElementTree.Element, emphasis: Emphasis) -> None:
        nonlocal drawn
        for part in element:
            tag = local(part.tag)
            if tag in _SKIPPED or tag == "p":  # a text box's paragraphs are not this one's
                continue
            if tag == "r":
                properties = child(part, "rPr")
                if switched_on(child(properties, "vanish")):
                    continue
                walk(part, run_emphasis(properties, styles))
            elif tag == "t":
                pieces.append((part.text or "", emphasis))
            elif tag in ("tab", "ptab"):
                pieces.append(("\t", emphasis))
            elif tag in ("br", "cr"):
                pieces.append(("\n", (False, False)))
            elif tag == "noBreakHyphen":
                pieces.append(("-", emphasis))
            elif tag in _NOTE_MARKS:
                counts[_NOTE_MARKS[tag]] += 1
            else:
                drawn = drawn or _is_line(part)
                walk(part, emphasis)

    walk(paragraph, (False, False))
    plain = "".join(text for text, _ in pieces)
    return ParagraphText(plain, _marked(pieces), counts["footnotes"], counts["endnotes"], drawn)


def _is_line(element: ElementTree.Element) -> bool:
    """A horizontal line drawn in the paragraph: Word's Insert ▸ Horizontal Line (a VML shape
    marked ``o:hr="t"``), or a line shape."""
    if (attr(element, "hr") or "").lower() in ("t", "true"):
        return True
    tag = local(element.tag)
    return tag == "line" or (
        tag == "prstGeom" and attr(element, "prst") in ("line", "straightConnector1")
    )


def _marked(pieces: list[tuple[str, Emphasis]]) -> str:
    """The pieces joined, each run of the same emphasis wrapped in its Markdown marks; spaces and
    line breaks stay outside the marks, where Markdown needs them."""
    groups: list[tuple[str, Emphasis]] = []
    for text, emphasis in pieces:
        if groups and groups[-1][1] == emphasis:
            groups[-1] = (groups[-1][0] + text, emphasis)
        else:
            groups.append((text, emphasis))
    out: list[str] = []
    for text, emphasis in groups:
        mark = _MARKS.get(emphasis)
        if mark is None:
            out.append(text)
            continue
        lines = []
        for line in text.split("\n"):
            core = line.strip()
            start = len(line) - len(line.lstrip())
            wrapped = f"{mark}{core}{mark}" if core else ""
            lines.append(f"{line[:start]}{wrapped}{line[start + len(core) :]}" if core else line)
        out.append("\n".join(lines))
    return "".join(out)
