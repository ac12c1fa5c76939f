"""Plain text as e-texts are really written, on a real Project Gutenberg file (a Moby-Dick excerpt
with its header and licence, tests/fixtures/manuscripts/gutenberg/): the header and licence are
not prose, a wrapped paragraph that begins like a heading is a paragraph, and a chapter's title
on the line under its number stays its title."""

from __future__ import annotations

from pathlib import Path

import pytest

from fineauthor.core.importers.manuscript.gutenberg import NOTE, without_gutenberg
from fineauthor.core.importers.manuscript.headings import with_subtitles
from fineauthor.core.importers.manuscript.pieces import CHAPTERS, split
from fineauthor.core.importers.manuscript.plain_text import text_paragraphs
from fineauthor.core.importers.manuscript.reading import read_manuscript
from tests.paths import FIXTURES

MOBY = FIXTURES / "manuscripts" / "gutenberg" / "moby-dick-excerpt.txt"
WRAP = (
    "It is a way I have of driving off the spleen and regulating the\n"
    "circulation. Whenever I find myself growing grim about the mouth;\n"
    "whenever it is a damp, drizzly November in my soul."
)


def _chapters(text: str) -> list[tuple[str, str]]:
    paragraphs = with_subtitles(text_paragraphs(text))
    return [(piece.title, piece.text) for piece in split(paragraphs, CHAPTERS, "book")]


def test_the_gutenberg_header_and_licence_never_come_in() -> None:
    manuscript = read_manuscript(MOBY)
    assert NOTE in manuscript.notes
    pieces = split(manuscript.paragraphs, CHAPTERS, MOBY.stem)
    everything = "\n".join(piece.text for piece in pieces)
    for boilerplate in ("Project Gutenberg", "START OF", "END OF", "license", "Produced by"):
        assert boilerplate not in everything
    assert [piece.title for piece in pieces][1:] == [
        "CHAPTER 1. Loomings.",
        "CHAPTER 2. The Carpet-Bag.",
        "CHAPTER 32. Cetology.",
        "Epilogue",
    ]
    assert pieces[1].text.startswith("Call me Ishmael. Some years ago—never mind how long")
    # The last chapter ends where Melville ended it, not in the licence.
    assert pieces[-1].text.endswith("only found another orphan.")
    # What is left before the first chapter is the title page and contents: too short to keep.
    assert pieces[0].words < 20


def test_wrapped_paragraphs_that_begin_like_headings_are_paragraphs() -> None:
    cetology = split(read_manuscript(MOBY).paragraphs, CHAPTERS)[3]
    starts = [p[:40] for p in cetology.paragraphs if p.startswith("BOOK I.")]
    assert starts == [
        "BOOK I. (_Folio_), CHAPTER I. (_Sperm Wh",
        "BOOK I. (_Folio_), CHAPTER II. (_Right W",
        "BOOK I. (_Folio_), CHAPTER III. (_Fin-Ba",
        "BOOK I. (_Folio_) CHAPTER IV. (_Hump Bac",
        "BOOK I. (_Folio_), CHAPTER V. (_Razor Ba",
        "BOOK I. (_Folio_), CHAPTER VI. (_Sulphur",
    ]
    hump_back = next(p for p in cetology.paragraphs if "(_Hump Back_)" in p)
    assert hump_back.endswith("than any other of them.") and "\n" not in hump_back


@pytest.mark.parametrize(
    ("title_line", "title"),
    [
        ("The Whiteness of the Whale", "CHAPTER IV. The Whiteness of the Whale"),
        ("The Whiteness of the Whale.", "CHAPTER IV. The Whiteness of the Whale."),
        ("THE WHITENESS OF THE WHALE", "CHAPTER IV. THE WHITENESS OF THE WHALE"),
    ],
)
def test_a_title_on_the_line_under_the_number_stays_the_chapters(
    title_line: str, title: str
) -> None:
    text = f"CHAPTER III.\n\n{WRAP}\n\nCHAPTER IV.\n{title_line}\n\n{WRAP}\n"
    assert _chapters(text) == [
        ("CHAPTER III.", " ".join(WRAP.split("\n"))),
        (title, " ".join(WRAP.split("\n"))),
    ]


def test_a_heading_wrapped_over_two_lines_is_one_heading() -> None:
    text = (
        "CHAPTER 73. Stubb and Flask kill a Right Whale; and Then Have a Talk\n"
        f"over Him.\n\n{WRAP}\n"
    )
    assert _chapters(text) == [
        (
            "CHAPTER 73. Stubb and Flask kill a Right Whale; and Then Have a Talk over Him.",
            " ".join(WRAP.split("\n")),
        )
    ]


def test_a_short_paragraph_that_begins_like_a_heading_stays_prose() -> None:
    text = (
        f"CHAPTER 1.\n\n{WRAP}\n\n"
        "BOOK I. (Folio), CHAPTER V. (Razor Back).—Of this whale little is\n"
        "known but his name.\n"
    )
    ((title, body),) = _chapters(text)
    assert title == "CHAPTER 1."
    assert body.endswith("(Razor Back).—Of this whale little is known but his name.")


def test_only_a_file_with_a_start_line_loses_anything() -> None:
    own = "My novel.\n\nEnd of the Project Gutenberg EBook of my heart, she wrote.\n"
    assert without_gutenberg(own) == (own, False)
    older = (
        "The Project Gutenberg EBook of Emma\r\n\r\n"
        "*** START OF THIS PROJECT GUTENBERG EBOOK EMMA ***\r\n\r\nProduced by An Anonymous "
        "Volunteer\r\n\r\nEMMA\r\n\r\nEmma Woodhouse, handsome, clever, and rich.\r\n\r\n"
        "End of the Project Gutenberg EBook of Emma, by Jane Austen\r\n\r\n"
        "*** END OF THIS PROJECT GUTENBERG EBOOK EMMA ***\r\n\r\nThe licence.\r\n"
    )
    body, found = without_gutenberg(older)
    assert found
    assert " ".join(body.split()) == "EMMA Emma Woodhouse, handsome, clever, and rich."


def test_a_gutenberg_markdown_file_too(tmp_path: Path) -> None:
    path = tmp_path / "book.md"
    path.write_text(
        "*** START OF THE PROJECT GUTENBERG EBOOK X ***\n\n# Chapter 1\n\n"
        f"{WRAP}\n\n*** END OF THE PROJECT GUTENBERG EBOOK X ***\n\nSection 1. Licence.\n",
        encoding="utf-8",
    )
    (piece,) = split(read_manuscript(path).paragraphs, CHAPTERS)
    assert piece.title == "Chapter 1" and "Licence" not in piece.text
