"""Splitting a manuscript's paragraphs into pieces: a new one at every heading (chapters), or
also at every scene break (scenes); and merging two pieces or cutting one in two."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from fineauthor.core.dataset.summary import count_words
from fineauthor.core.importers.manuscript.headings import heading_level, is_scene_break
from fineauthor.core.importers.manuscript.paragraphs import Paragraph

CHAPTERS, SCENES = "chapters", "scenes"
LEVELS = (CHAPTERS, SCENES)


# The title of the prose before a manuscript's first heading (a title page, or a story that
# starts without one).
OPENING = "Before the first heading"
CONTINUED = " (continued)"


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
            return _joined(texts[start:])
    # No heading reads as a chapter: the last of the biggest ones, with what follows it ("The
    # Storm" in Heading 1, its subtitle in Heading 2).
    biggest = min(h.heading for h in headings)
    start = max(n for n, h in enumerate(headings) if h.heading == biggest)
    return _joined(texts[start:])


def _joined(texts: list[str]) -> str:
    """Headings as one title: "Chapter 1: The Storm", but "CHAPTER IV. The Whiteness…"."""
    title = texts[0]
    for text in texts[1:]:
        title += (" " if title.endswith((".", ":")) else ": ") + text
    return title


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


#: Pieces shorter than this, and much shorter than the rest, are left out at first: title
#: pages, dedications, a stray line (a collection of 100-word stories keeps its stories).
TINY_WORDS = 100


def worth_keeping(pieces: Sequence[Piece]) -> list[bool]:
    """Whether each piece is worth an example: all but the tiny ones, under a quarter of the
    usual length."""
    if not pieces:
        return []
    usual = sorted(piece.words for piece in pieces)[len(pieces) // 2]
    tiny = min(TINY_WORDS, usual // 4)
    return [piece.words >= tiny for piece in pieces]
