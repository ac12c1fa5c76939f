"""Manuscripts into paragraphs, pieces and examples: every heading and scene-break style,
chapters and scenes, merging and splitting, templates, word counts, encodings, Word files."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

import pytest

from fineauthor.core.dataset.summary import count_words
from fineauthor.core.importers.manuscript.examples import (
    piece_example,
    piece_prompt,
    template_values,
)
from fineauthor.core.importers.manuscript.headings import (
    heading_level,
    is_scene_break,
    with_subtitles,
)
from fineauthor.core.importers.manuscript.paragraphs import ManuscriptError, Paragraph
from fineauthor.core.importers.manuscript.pieces import (
    CHAPTERS,
    CONTINUED,
    OPENING,
    SCENES,
    make_piece,
    merge,
    split,
    split_at,
)
from fineauthor.core.importers.manuscript.plain_text import decode_text, text_paragraphs
from fineauthor.core.importers.manuscript.reading import read_manuscript
from tests.fixtures.manuscripts.make_docx import (
    docx_bytes,
    lighthouse_paragraphs,
    paragraph,
    write_docx,
)
from tests.paths import FIXTURES

MANUSCRIPTS = FIXTURES / "manuscripts"

PROSE_A = "Mara climbed the steps before dawn. The rail was cold under her palm."
PROSE_B = "By noon the fog had swallowed the jetty whole."
PROSE_C = "Her father read the letter twice and burned it."


def _titles(text: str, level: str = CHAPTERS, *, markdown: bool = False) -> list[str]:
    paragraphs = with_subtitles(text_paragraphs(text, markdown=markdown))
    return [piece.title for piece in split(paragraphs, level, "novel")]


# Headings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("Chapter 12", 2),
        ("chapter 12", 2),
        ("CHAPTER TWELVE", 2),
        ("Chapter Twenty-One", 2),
        ("Chapter twenty one", 2),
        ("Chapter XIV", 2),
        ("Chapter 3: The Storm", 2),
        ("Chapter 3. The Storm", 2),
        ("Chapter 3 — The Storm", 2),
        ("Chapter 3 The Storm", 2),
        ("Chapter the First", 2),
        ("Ch. 4", 2),
        ("**Chapter 5**", 2),
        ("Prologue", 2),
        ("EPILOGUE", 2),
        ("Interlude: Winter", 2),
        ("12", 2),
        ("12.", 2),
        ("XII", 2),
        ("Part One", 1),
        ("PART II", 1),
        ("Book Two: The Return", 1),
        ("Volume 3", 1),
        ("Act I", 1),
        # Prose that starts like a heading is prose.
        ("Chapter 12 was the worst of them.", 0),
        ("Part of me wanted to stay.", 0),
        ("Book two was better.", 0),
        ("The chapter ended there.", 0),
        ("Prologues are for cowards.", 0),
        ("1234567", 0),
        ("xii", 0),  # a lone Roman numeral counts in capitals only
        ("", 0),
        ("Chapter " + "very " * 30 + "long", 0),
    ],
)
def test_heading_lines(line: str, level: int) -> None:
    assert heading_level(line) == level


@pytest.mark.parametrize(
    "line",
    [
        "***",
        "* * *",
        "*",
        "#",
        "# # #",
        "###",
        "~",
        "~ ~ ~",
        "§",
        "§§§",
        "---",
        "-----------",
        "— — —",
        "___",
        "•••",
        "⁂",
        "  *  *  *  ",
    ],
)
def test_scene_break_lines(line: str) -> None:
    assert is_scene_break(line)


@pytest.mark.parametrize("line", ["", "   ", "ok", "* a list item", "-- she said", "1.", "***!"])
def test_lines_that_are_not_scene_breaks(line: str) -> None:
    assert not is_scene_break(line)


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("Chapter 12", "Chapter 12"),
        ("CHAPTER TWELVE", "CHAPTER TWELVE"),
        ("Chapter 3: The Storm", "Chapter 3: The Storm"),
        ("Part One", "Part One"),
        ("# The Storm", "The Storm"),
        ("## Chapter 2 ##", "Chapter 2"),
        ("###### Deep", "Deep"),
        ("Prologue", "Prologue"),
        ("7", "7"),
    ],
)
def test_every_heading_style_starts_a_piece(heading: str, title: str) -> None:
    text = f"{PROSE_A}\n\n{heading}\n\n{PROSE_B}\n"
    assert _titles(text) == [OPENING, title]


@pytest.mark.parametrize("marker", ["***", "* * *", "#", "~", "§", "-----", "— — —", "# # #"])
def test_every_scene_break_style_starts_a_scene(marker: str) -> None:
    text = f"Chapter 1\n\n{PROSE_A}\n\n{marker}\n\n{PROSE_B}\n"
    paragraphs = text_paragraphs(text)
    scenes = split(paragraphs, SCENES)
    assert [p.title for p in scenes] == ["Chapter 1, scene 1", "Chapter 1, scene 2"]
    assert [p.text for p in scenes] == [PROSE_A, PROSE_B]
    assert scenes[1].marker == marker
    # By chapter, the break stays in the text as the writer typed it.
    (chapter,) = split(paragraphs, CHAPTERS)
    assert chapter.text == f"{PROSE_A}\n\n{marker}\n\n{PROSE_B}"


def test_markdown_headings_and_underlines() -> None:
    text = (
        "---\ntitle: Draft\n---\n\n# The Book\n\n## Chapter 1\n\n"
        f"{PROSE_A}\n\nThe Second\n==========\n\n{PROSE_B}\n\nThird One\n---------\n\n{PROSE_C}\n"
    )
    paragraphs = text_paragraphs(text, markdown=True)
    assert Paragraph("title: Draft") not in paragraphs  # front matter is not prose
    assert [(p.text, p.heading) for p in paragraphs if p.heading] == [
        ("The Book", 1),
        ("Chapter 1", 2),
        ("The Second", 1),
        ("Third One", 2),
    ]
    assert _titles(text, markdown=True) == ["Chapter 1", "The Second", "Third One"]


def test_dashes_under_a_sentence_are_a_scene_break_not_a_heading() -> None:
    paragraphs = text_paragraphs(f"{PROSE_A}\n---\n{PROSE_B}\n", markdown=True)
    assert paragraphs == [
        Paragraph(PROSE_A),
        Paragraph("---", scene_break=True),
        Paragraph(PROSE_B),
    ]


def test_headings_in_a_row_make_one_title() -> None:
    text = (
        f"THE BOOK\n\nPart One\n\nChapter 1\n\n{PROSE_A}\n\n"
        f"CHAPTER TWO\n\nThe Storm\n\n{PROSE_B}\n\nPart Two\n\n{PROSE_C}\n"
    )
    # The book's title line is prose before any heading; a part before a chapter is dropped;
    # a subtitle line after a bare chapter heading joins it; a part with prose is a piece.
    assert _titles(text) == [OPENING, "Chapter 1", "CHAPTER TWO: The Storm", "Part Two"]


def test_a_short_line_after_a_chapter_heading_stays_prose_when_it_is_a_sentence() -> None:
    for line in ["Rain.", "“Run!”", "It was late, and she was tired of waiting for him to come"]:
        text = f"Chapter 1\n\n{line}\n\n{PROSE_A}\n"
        assert _titles(text) == ["Chapter 1"], line


def test_no_headings_one_piece_named_after_the_file() -> None:
    paragraphs = text_paragraphs(f"{PROSE_A}\n\n{PROSE_B}\n")
    (piece,) = split(paragraphs, CHAPTERS, "my-novel")
    assert piece.title == piece.chapter == "my-novel"
    scenes = split(text_paragraphs(f"{PROSE_A}\n\n***\n\n{PROSE_B}\n"), SCENES, "my-novel")
    assert [s.title for s in scenes] == ["Scene 1", "Scene 2"]


def test_breaks_and_headings_without_prose_make_no_empty_pieces() -> None:
    text = (
        f"***\n\nChapter 1\n\n***\n\n{PROSE_A}\n\n***\n\n***\n\n"
        f"Chapter 2\n\nChapter 3\n\n{PROSE_B}\n\n***\n"
    )
    for level in (CHAPTERS, SCENES):
        pieces = split(text_paragraphs(text), level)
        assert all(piece.text.strip() and piece.paragraphs for piece in pieces)
        assert [p.index for p in pieces] == list(range(len(pieces)))
    chapters = split(text_paragraphs(text), CHAPTERS)
    assert [p.title for p in chapters] == ["Chapter 1", "Chapter 3"]
    assert chapters[0].text == PROSE_A  # a break at the very end of a chapter is dropped
    assert chapters[1].text == PROSE_B


def test_split_rejects_an_unknown_level() -> None:
    with pytest.raises(ValueError):
        split([Paragraph(PROSE_A)], "paragraphs")


# Plain text paragraphs -----------------------------------------------------------------------


def test_hard_wrapped_lines_join_into_paragraphs() -> None:
    text = (
        "It was the kind of morning that made the island look like a painting of\n"
        "itself, all grey water and grey sky, and Mara stood at the top of the tower\n"
        "watching it.\n\nShe went down.\n"
    )
    paragraphs = text_paragraphs(text)
    assert [p.text for p in paragraphs] == [
        "It was the kind of morning that made the island look like a painting of itself, all "
        "grey water and grey sky, and Mara stood at the top of the tower watching it.",
        "She went down.",
    ]


def test_one_paragraph_per_line_and_crlf() -> None:
    long = "She walked along the shore for a long time, thinking of nothing, " * 2
    text = f"{long}\r\n{long}\r\n“Yes.”\r\n“No.”\r\n"
    assert [p.text for p in text_paragraphs(text)] == [
        long.strip(),
        long.strip(),
        "“Yes.”",
        "“No.”",
    ]


def test_short_lines_in_a_block_stay_separate() -> None:
    assert [p.text for p in text_paragraphs("“Yes.”\n“No.”\n“Maybe.”\n")] == [
        "“Yes.”",
        "“No.”",
        "“Maybe.”",
    ]


# Pieces, words, merging and splitting --------------------------------------------------------


def _three_scenes() -> list:
    text = f"Chapter 1\n\n{PROSE_A}\n\n{PROSE_B}\n\n~\n\n{PROSE_C}\n\nChapter 2\n\n{PROSE_B}\n"
    return split(text_paragraphs(text), SCENES)


def test_words_are_counted_as_the_editor_counts_them() -> None:
    for piece in _three_scenes():
        assert piece.words == count_words(piece.text)
    piece = make_piece("T", ["one two", "three"])
    assert (piece.text, piece.words) == ("one two\n\nthree", 3)


def test_scene_numbers_and_titles() -> None:
    pieces = _three_scenes()
    assert [(p.title, p.chapter, p.scene) for p in pieces] == [
        ("Chapter 1, scene 1", "Chapter 1", 1),
        ("Chapter 1, scene 2", "Chapter 1", 2),
        ("Chapter 2", "Chapter 2", 1),
    ]


def test_merge_puts_the_scene_break_back() -> None:
    pieces = _three_scenes()
    merged = merge(pieces, 0)
    assert len(merged) == 2
    assert merged[0].title == "Chapter 1, scene 1 + Chapter 1, scene 2"
    assert merged[0].text == f"{PROSE_A}\n\n{PROSE_B}\n\n~\n\n{PROSE_C}"
    assert merged[0].words == pieces[0].words + pieces[1].words + 1
    assert merged[0].chapter == "Chapter 1"
    assert [p.index for p in merged] == [0, 1]
    assert (merged[1].title, merged[1].text, merged[1].index) == ("Chapter 2", PROSE_B, 1)
    # Across chapters there is no break to put back.
    across = merge(merged, 0)
    assert across[0].text == f"{merged[0].text}\n\n{PROSE_B}"
    assert pieces == _three_scenes()  # pure: the list given is untouched


def test_merge_needs_a_next_piece() -> None:
    pieces = _three_scenes()
    with pytest.raises(IndexError):
        merge(pieces, 2)
    with pytest.raises(IndexError):
        merge(pieces, -1)


def test_split_at_a_paragraph() -> None:
    pieces = _three_scenes()
    result = split_at(pieces, 0, 1)
    assert [p.title for p in result] == [
        "Chapter 1, scene 1",
        "Chapter 1, scene 1" + CONTINUED,
        "Chapter 1, scene 2",
        "Chapter 2",
    ]
    assert [p.text for p in result[:2]] == [PROSE_A, PROSE_B]
    assert [p.index for p in result] == [0, 1, 2, 3]
    # Splitting the continued part again does not pile up "(continued)".
    (long,) = split([Paragraph(PROSE_A), Paragraph(PROSE_B), Paragraph(PROSE_C)], CHAPTERS, "X")
    twice = split_at(split_at([long], 0, 1), 1, 1)
    assert [p.title for p in twice] == ["X", "X" + CONTINUED, "X" + CONTINUED]
    assert [p.text for p in twice] == [PROSE_A, PROSE_B, PROSE_C]
    # Splitting and merging back gives the same text.
    assert merge(result, 0)[0].text == pieces[0].text


def test_split_at_a_scene_break_moves_it_between_the_halves() -> None:
    (chapter,) = split(text_paragraphs(f"{PROSE_A}\n\n***\n\n{PROSE_B}\n"), CHAPTERS)
    first, second = split_at([chapter], 0, 1)
    assert (first.text, second.text, second.marker) == (PROSE_A, PROSE_B, "***")
    assert merge([first, second], 0)[0].text == chapter.text


@pytest.mark.parametrize("where", [0, 2, 5, -1])
def test_split_needs_a_paragraph_inside_the_piece(where: int) -> None:
    with pytest.raises(IndexError):
        split_at(_three_scenes(), 0, where)


# Templates and examples ----------------------------------------------------------------------


def test_template_filled_with_the_piece() -> None:
    pieces = _three_scenes()
    template = "Write {chapter} (scene {scene}), piece {number}, titled {title}. Beat: {beat}"
    assert piece_prompt(pieces[1], template) == (
        "Write Chapter 1 (scene 2), piece 2, titled Chapter 1, scene 2. Beat: {beat}"
    )
    (chapter, *_) = split(text_paragraphs(f"Chapter 9\n\n{PROSE_A}\n"), CHAPTERS)
    assert "scene" not in template_values(chapter)  # by chapter, {scene} stays a gap
    assert (
        piece_prompt(chapter, "Write {chapter}, scene {scene}.")
        == "Write Chapter 9, scene {scene}."
    )
    assert piece_prompt(chapter, "  ") == ""


def test_piece_example() -> None:
    (piece,) = split(text_paragraphs(f"Chapter 12\n\n{PROSE_A}\n\n{PROSE_B}\n"), CHAPTERS)
    example = piece_example(piece, "Write {chapter} of my novel.", "novel.docx", "You are Quill.")
    assert [m.role for m in example.messages] == ["system", "user", "assistant"]
    assert example.prompt == "Write Chapter 12 of my novel."
    assert example.response == f"{PROSE_A}\n\n{PROSE_B}"
    assert example.source == "Manuscript: novel.docx, Chapter 12"
    empty = piece_example(piece, "", "novel.docx")
    assert [(m.role, m.content) for m in empty.messages] == [
        ("user", ""),
        ("assistant", piece.text),
    ]
    assert empty.system is None


# Reading files -------------------------------------------------------------------------------


def test_the_txt_fixture() -> None:
    manuscript = read_manuscript(MANUSCRIPTS / "the-lighthouse.txt")
    assert manuscript.notes == ()
    chapters = split(manuscript.paragraphs, CHAPTERS, "the-lighthouse")
    assert [p.title for p in chapters] == [
        OPENING,
        "CHAPTER ONE: The Lamp",
        "Chapter 2: Salt",
        "Chapter 3",
        "Epilogue",
    ]
    scenes = split(manuscript.paragraphs, SCENES, "the-lighthouse")
    assert [p.marker for p in scenes] == ["", "", "* * *", "", "#", "~", "", "§", "-----", ""]
    # By chapter the scene breaks stay in the text, and count as the editor counts them.
    assert sum(p.words for p in scenes) + 7 == sum(p.words for p in chapters)
    assert chapters[1].text.startswith("Mara climbed the hundred and twelve steps")


def test_the_md_fixture() -> None:
    manuscript = read_manuscript(MANUSCRIPTS / "the-lighthouse.md")
    chapters = split(manuscript.paragraphs, CHAPTERS)
    assert [p.title for p in chapters] == ["Chapter 1", "Chapter 2", "Chapter 3: The Letter"]
    # Lines wrapped in the file are one paragraph.
    assert chapters[0].paragraphs[0].startswith("Mara climbed")
    assert chapters[0].paragraphs[0].endswith("like a dog at a bone.")
    assert len(split(manuscript.paragraphs, SCENES)) == 5


def test_the_docx_fixture() -> None:
    """Word's heading styles (by name, by outline level, through a style based on a heading, and
    a German Word's style id), tracked changes, a hyperlink, a field, hidden text, a table."""
    manuscript = read_manuscript(MANUSCRIPTS / "the-lighthouse.docx")
    chapters = split(manuscript.paragraphs, CHAPTERS)
    assert [p.title for p in chapters] == ["Chapter One: The Lamp", "Chapter Two", "Kapitel Drei"]
    first, second, third = chapters
    assert "The iron rail was cold" in first.text  # the tracked insertion, not the deletion
    assert "old" not in first.text.split()
    assert "By noon the fog had come in from the sound." in first.text  # the hyperlink's words
    assert "HIDDEN NOTE" not in first.text
    assert "boat.\tHe stayed" in second.text
    assert "He asked who had lit the lamp." in second.text  # a field's result
    assert "A letter lay on the table." in second.text
    assert third.text == "Her father read the letter twice and then folded it into the stove."
    assert manuscript.notes == ("1 paragraph inside a table was read as an ordinary paragraph.",)
    scenes = split(manuscript.paragraphs, SCENES)
    assert [p.marker for p in scenes] == ["", "* * *", "", "#", ""]


def test_the_committed_docx_is_what_the_builder_makes() -> None:
    assert (MANUSCRIPTS / "the-lighthouse.docx").read_bytes() == docx_bytes(lighthouse_paragraphs())


def test_docx_without_styles_and_in_strict_ooxml(tmp_path: Path) -> None:
    body = [
        paragraph("Chapter Title", "Heading1"),
        paragraph(PROSE_A),
        paragraph("Chapter 2"),  # a heading by its words, in the Normal style
        paragraph(PROSE_B),
        paragraph("Winter", "Title"),
        paragraph(PROSE_C),
    ]
    plain = read_manuscript(write_docx(tmp_path / "plain.docx", body, styles=False))
    strict = read_manuscript(
        write_docx(
            tmp_path / "strict.docx",
            body,
            namespace="http://purl.oclc.org/ooxml/wordprocessingml/main",
        )
    )
    for manuscript in (plain, strict):
        assert [p.title for p in split(manuscript.paragraphs, CHAPTERS)] == [
            "Chapter Title",
            "Chapter 2",
            "Winter",
        ]


def test_docx_outline_level_on_the_paragraph(tmp_path: Path) -> None:
    body = [
        '<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>The Storm</w:t></w:r></w:p>',
        paragraph(PROSE_A),
        '<w:p><w:pPr><w:outlineLvl w:val="9"/></w:pPr><w:r><w:t>Body text.</w:t></w:r></w:p>',
    ]
    manuscript = read_manuscript(write_docx(tmp_path / "outline.docx", body))
    assert manuscript.paragraphs[0] == Paragraph("The Storm", 1)
    assert manuscript.paragraphs[2] == Paragraph("Body text.")


def test_docx_line_breaks_and_empty_paragraphs(tmp_path: Path) -> None:
    body = [paragraph(""), paragraph("Dear Mara,\nCome home."), paragraph("   ")]
    manuscript = read_manuscript(write_docx(tmp_path / "letter.docx", body))
    assert manuscript.paragraphs == (Paragraph("Dear Mara,\nCome home."),)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "no text"),
        (b"\n\n  \n", "no text"),
        (b"***\n\n# Chapter 1\n", "no text"),
        (b"\x00\x01\x02binary", "not a text file"),
        (b"PK\x03\x04rest of a zip", "packed file"),
        (codecs.BOM_UTF8 + b"\xff\xfe broken", "damaged"),
    ],
)
def test_unusable_text_files(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "book.txt"
    path.write_bytes(content)
    with pytest.raises(ManuscriptError, match=says):
        read_manuscript(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ManuscriptError, match="could not be found"):
        read_manuscript(tmp_path / "gone.txt")
    with pytest.raises(ManuscriptError, match="could not be found"):
        read_manuscript(tmp_path / "gone.docx")
    folder = tmp_path / "book.md"
    folder.mkdir()
    with pytest.raises(ManuscriptError, match="folder"):
        read_manuscript(folder)


def test_unusable_docx_files(tmp_path: Path) -> None:
    not_zip = tmp_path / "old.docx"
    not_zip.write_bytes(b"\xd0\xcf\x11\xe0 an old Word file or a password-protected one")
    with pytest.raises(ManuscriptError, match=r"older Word file \(.doc\)"):
        read_manuscript(not_zip)
    empty_zip = tmp_path / "empty.docx"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ManuscriptError, match="can’t be read as a Word document"):
        read_manuscript(empty_zip)
    broken_xml = tmp_path / "broken.docx"
    with zipfile.ZipFile(broken_xml, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>")
    with pytest.raises(ManuscriptError, match="damaged"):
        read_manuscript(broken_xml)


def test_encodings(tmp_path: Path) -> None:
    text = "Chapter 1\n\nCafé au lait, “she said” — naïve.\n"
    for name, data in [
        ("utf8.txt", text.encode("utf-8")),
        ("bom.txt", codecs.BOM_UTF8 + text.encode("utf-8")),
        ("utf16.txt", text.encode("utf-16")),  # Windows Notepad's "Unicode", with its mark
    ]:
        manuscript = read_manuscript(_write(tmp_path / name, data))
        assert manuscript.notes == (), name
        assert manuscript.paragraphs[1].text == "Café au lait, “she said” — naïve.", name
    old = read_manuscript(_write(tmp_path / "windows.txt", text.encode("cp1252")))
    assert old.paragraphs[1].text == "Café au lait, “she said” — naïve."
    (note,) = old.notes
    assert "cp1252" in note and "windows.txt" in note


def test_decode_text_keeps_what_cp1252_cannot_map() -> None:
    text, note = decode_text(b"caf\xe9 \x81", "x.txt")
    assert text.startswith("café") and note is not None


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
