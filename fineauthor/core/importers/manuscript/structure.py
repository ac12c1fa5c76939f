"""A book's shape beyond its lines: the title page and the front and back matter around the
story (contents, copyright, dedication, acknowledgements…), which are not the writer's prose;
and subheadings inside a chapter ("Monday", "Mara"), which belong to it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from fineauthor.core.dataset.summary import count_words
from fineauthor.core.importers.manuscript.headings import heading_level
from fineauthor.core.importers.manuscript.paragraphs import Paragraph

# Headings of sections that are part of the book but not of the story.
_MATTER = re.compile(
    r"(?:table of )?contents|copyright(?: page)?|dedication|acknowledge?ments?"
    r"|about the authors?|(?:also|other books|more books|books) by\b.*|praise for\b.*"
    r"|title page|epigraph|colophon|index|bibliography|permissions|credits",
    re.IGNORECASE,
)
# Words only a title or copyright page holds.
_TITLE_PAGE = re.compile(
    r"©|\(c\) ?\d{4}|all rights reserved|\bisbn\b|\bcopyright\b|first published|printed in",
    re.IGNORECASE,
)
#: Prose before the first chapter shorter than this is a title page, not an opening scene.
TITLE_PAGE_WORDS = 200


def without_front_matter(paragraphs: Sequence[Paragraph]) -> tuple[list[Paragraph], str]:
    """``paragraphs`` without the title page before the first chapter and without sections
    headed as front or back matter ("Contents", "Acknowledgements"), and a note naming what was
    left out ('' when nothing was). A long opening without a heading is the story: it stays."""
    kept: list[Paragraph] = []
    named: list[str] = []
    inside = 0  # the level of the matter section being left out, 0 outside one
    for paragraph in paragraphs:
        if paragraph.heading:
            if _MATTER.fullmatch(paragraph.text.strip(" .:")):
                inside = paragraph.heading
                named.append(f"“{paragraph.text}”")
                continue
            if inside and paragraph.heading > inside:
                continue
            inside = 0
        elif inside:
            continue
        kept.append(paragraph)
    first = _first_chapter(kept)
    opening = kept[:first]
    words = sum(count_words(p.text) for p in opening if not p.heading and not p.scene_break)
    if any(p.front for p in opening) or words:
        marked = any(_TITLE_PAGE.search(p.text) for p in opening)
        if first < len(kept) and (words < TITLE_PAGE_WORDS or marked):
            kept = kept[first:]
            if words:
                named.insert(0, "the title page")
    if not named:
        return kept, ""
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return kept, f"Left out as they are not the story: {listed}."


def _first_chapter(paragraphs: Sequence[Paragraph]) -> int:
    """Where the story starts: the first heading that is not the book's own title (the end if
    there is none)."""
    return next((n for n, p in enumerate(paragraphs) if p.heading and not p.front), len(paragraphs))


def nest_subheadings(paragraphs: Sequence[Paragraph]) -> list[Paragraph]:
    """``paragraphs`` with each subheading inside a chapter made a paragraph of that chapter: a
    heading after the chapter's prose, smaller than the chapter's own heading, that does not
    read as a chapter or part ("Chapter 2" always starts a chapter)."""
    result: list[Paragraph] = []
    chapter_level = 0  # the level of the heading that opened the chapter being read
    opening: list[Paragraph] = []  # headings in a row, before any prose
    in_prose = False
    for paragraph in paragraphs:
        if not paragraph.heading:
            if opening:
                chapter_level = _level_of(opening)
                opening = []
            in_prose = True
            result.append(paragraph)
            continue
        if (
            in_prose
            and chapter_level
            and paragraph.heading > chapter_level
            and not heading_level(paragraph.text)
        ):
            result.append(Paragraph(paragraph.text))
            continue
        in_prose = False
        opening.append(paragraph)
        result.append(paragraph)
    return result


def _level_of(headings: list[Paragraph]) -> int:
    """The level of a chapter opened by headings in a row: its chapter-like heading's, else the
    biggest one's ("Chapter 1" then its subtitle in Heading 2 is a chapter of level 1)."""
    for heading in reversed(headings):
        if heading_level(heading.text):
            return heading.heading
    return min(h.heading for h in headings)
