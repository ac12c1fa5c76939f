"""Recognising headings and scene breaks in a line of text, in any format: Markdown's ``#``,
lines that read as headings ("Chapter 12", "CHAPTER TWELVE", "Part One", "Prologue", a lone "12"
or "XII"), and scene breaks made of symbols only (``***``, ``* * *``, ``#``, ``~``, ``§``…)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from fineauthor.core.importers.manuscript.paragraphs import Paragraph

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
MAX_HEADING_CHARS = 90
_MAX_HEADING_WORDS = 14

# Scene breaks: symbols only, at most a short line of them.
_BREAK = re.compile(r"[*#~§\-–—_=•·+◊⁂❦❧✱✻✦○ \t]{1,40}")
_ATX = re.compile(r"(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*")


def heading_level(line: str) -> int:
    """The level of a line that reads as a heading in any format (0 if it doesn't): 1 for a
    part, book, volume or act; 2 for a chapter, a prologue, a lone chapter number."""
    text = line.strip()
    if not text or len(text) > MAX_HEADING_CHARS or len(text.split()) > _MAX_HEADING_WORDS:
        return 0
    text = unwrap(text)
    found = _NUMBERED.fullmatch(text)
    if found is not None:
        return 1 if found.group("word").lower() in _BIG_DIVISIONS else 2
    if _UNNUMBERED.fullmatch(text) is not None or _BARE_NUMBER.fullmatch(text) is not None:
        return 2
    return 0


def bare_heading(text: str) -> bool:
    """Whether a heading is a chapter's name or number alone, with no subtitle after it."""
    text = unwrap(text.strip())
    found = _NUMBERED.fullmatch(text) or _UNNUMBERED.fullmatch(text)
    if found is not None:
        groups = found.groupdict()
        return not (groups.get("sub1") or groups.get("sub2"))
    return _BARE_NUMBER.fullmatch(text) is not None


# A chapter's subtitle on the line after "Chapter 1": short, and not a sentence or speech.
_SUBTITLE_WORDS = 8
SENTENCE_END = tuple(".!?…,;:\"”’'")
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
            and bare_heading(heading.text)
            and not line.heading
            and not line.scene_break
            and not after.heading
            and is_subtitle(text)
            and not text.endswith(SENTENCE_END)
        ):
            result[number + 1] = Paragraph(unwrap(text), heading.heading + 1)
    return result


def is_subtitle(text: str) -> bool:
    """Whether a line could be a chapter's title under its number: short, on one line, not
    speech. (Whether it may end in a full stop depends on where it stands.)"""
    return (
        len(text) <= 60
        and len(text.split()) <= _SUBTITLE_WORDS
        and "\n" not in text
        and not text.startswith(_SPEECH_START)
    )


# A heading hard-wrapped over two lines ("CHAPTER 73. Stubb and Flask kill a Right Whale; and
# Then Have a Talk" / "over Him.") may run longer than one line's heading.
_WRAPPED_HEADING_CHARS = 2 * MAX_HEADING_CHARS
_WRAPPED_HEADING_WORDS = 24


def wrapped_heading_level(text: str) -> int:
    """The level of a numbered heading hard-wrapped over a few lines and joined again (0 if the
    joined text is not one: a paragraph that merely begins with "BOOK I. … CHAPTER IV.")."""
    text = " ".join(text.split())
    if len(text) > _WRAPPED_HEADING_CHARS or len(text.split()) > _WRAPPED_HEADING_WORDS:
        return 0
    found = _NUMBERED.fullmatch(unwrap(text))
    if found is None or text.endswith(","):
        return 0
    # A title is written in title case; a paragraph's sentence is not.
    title = found.group("sub1") or found.group("sub2") or ""
    words = [w for w in re.findall(r"[^\W\d_]+", title) if len(w) >= 4]
    if words and sum(w[0].isupper() for w in words) < 0.6 * len(words):
        return 0
    return 1 if found.group("word").lower() in _BIG_DIVISIONS else 2


def is_scene_break(line: str) -> bool:
    """Whether a line is a scene break: a short run of symbols only (``***``, ``* * *``,
    ``#``, ``~``, ``§``, ``---``…)."""
    text = line.strip()
    return bool(text) and _BREAK.fullmatch(text) is not None


def unwrap(text: str) -> str:
    """A heading without the emphasis a writer put round it (``**Chapter 1**``, ``_One_``)."""
    stripped = text.strip()
    while len(stripped) > 2 and stripped[0] in "*_" and stripped[-1] == stripped[0]:
        stripped = stripped[1:-1].strip()
    return stripped or text


def special_line(line: str) -> Paragraph | None:
    """A heading or scene break, or None for a line of prose. Markdown's ``#`` headings count
    in a .txt too: writers type them there as well."""
    if is_scene_break(line):  # before headings: "# # #" and a lone "#" are breaks
        return Paragraph(line.strip(), scene_break=True)
    atx = _ATX.fullmatch(line.strip())
    if atx is not None and atx.group("text"):
        return Paragraph(unwrap(atx.group("text").strip()), len(atx.group("hashes")))
    level = heading_level(line)
    if level:
        return Paragraph(unwrap(line.strip()), level)
    return None
