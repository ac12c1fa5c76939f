"""Word files as a writer's Word writes them (built with python-docx, whose default template is
Word's own, and, where python-docx has no words for it, as raw WordprocessingML): every common
scene break, the title page and front matter left out, subheadings kept inside their chapter,
italics and bold as Markdown emphasis, footnotes left out and counted, tracked changes accepted."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml

from fineauthor.core.importers.manuscript.pieces import CHAPTERS, SCENES, split
from fineauthor.core.importers.manuscript.reading import read_manuscript
from tests.fixtures.manuscripts.make_docx import W, paragraph, write_docx

PROSE = [
    "Mara climbed the hundred and twelve steps before dawn, as she had every morning.",
    "By noon the fog had come in from the sound, thick enough to swallow the jetty.",
    "The man from the board arrived on the Thursday boat, in a coat too good for the island.",
    "That night she could not sleep, and counted the seconds between the flashes.",
]
_NS = f'xmlns:w="{W}"'


def _bottom_border(target) -> None:
    """What Word makes of a line of hyphens and Enter: a border under the paragraph."""
    target._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:pBdr {_NS}><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>'
        )
    )


def _horizontal_line(document) -> None:
    """Word's Insert ▸ Horizontal Line: a VML rectangle marked as a rule, in a run of its own."""
    line = document.add_paragraph()
    line._p.append(
        parse_xml(
            f'<w:r {_NS} xmlns:v="urn:schemas-microsoft-com:vml" '
            'xmlns:o="urn:schemas-microsoft-com:office:office"><w:pict>'
            '<v:rect style="width:0;height:1.5pt" o:hralign="center" o:hrstd="t" o:hr="t" '
            'fillcolor="#a0a0a0" stroked="f"/></w:pict></w:r>'
        )
    )


def _save(document, tmp_path: Path, name: str = "novel.docx") -> Path:
    path = tmp_path / name
    document.save(str(path))
    return path


def test_every_common_scene_break_cuts_a_scene(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Chapter One", level=1)
    document.add_paragraph(PROSE[0])
    for marker in ("***", "#", "* * *", "§"):
        document.add_paragraph(marker)
        document.add_paragraph(f"{marker} {PROSE[1]}".split(" ", 1)[1])
    empty_bordered = document.add_paragraph()
    _bottom_border(empty_bordered)
    document.add_paragraph(PROSE[2])
    _horizontal_line(document)
    _bottom_border(document.add_paragraph(PROSE[3]))  # a line drawn under a paragraph
    document.add_paragraph(PROSE[0])
    manuscript = read_manuscript(_save(document, tmp_path))
    scenes = split(manuscript.paragraphs, SCENES)
    assert [piece.title for piece in scenes] == [f"Chapter One, scene {n}" for n in range(1, 9)]
    assert [piece.marker for piece in scenes] == ["", "***", "#", "* * *", "§"] + ["* * *"] * 3
    assert scenes[-2].text == PROSE[3]  # the bordered paragraph itself stays prose
    # By chapter, a drawn line is written as the usual three stars between the scenes.
    (chapter,) = split(manuscript.paragraphs, CHAPTERS)
    assert chapter.paragraphs.count("* * *") == 4


def test_bordered_paragraphs_in_a_row_draw_one_line_under_the_last(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Chapter One", level=1)
    for text in PROSE[:2]:
        _bottom_border(document.add_paragraph(text))  # Word draws one box round both
    document.add_paragraph(PROSE[2])
    scenes = split(read_manuscript(_save(document, tmp_path)).paragraphs, SCENES)
    assert [piece.paragraphs for piece in scenes] == [(PROSE[0], PROSE[1]), (PROSE[2],)]


def test_the_title_page_and_front_matter_are_not_pieces(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("The Salt Keeper", style="Title")  # Word's Title has a border
    document.add_paragraph("A Novel", style="Subtitle")
    document.add_paragraph("by Jane Marrow")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("Copyright © 2026 Jane Marrow. All rights reserved.")
    document.add_paragraph("For my mother, who kept the lamp.")
    document.add_heading("Contents", level=1)
    document.add_paragraph("Chapter One\t1")
    document.add_paragraph("Chapter Two\t14")
    document.add_heading("Chapter One", level=1)
    document.add_paragraph(PROSE[0])
    document.add_heading("Chapter Two", level=1)
    document.add_paragraph(PROSE[1])
    document.add_heading("Acknowledgements", level=1)
    document.add_paragraph("Thanks to my editor.")
    manuscript = read_manuscript(_save(document, tmp_path))
    pieces = split(manuscript.paragraphs, CHAPTERS)
    assert [(piece.title, piece.text) for piece in pieces] == [
        ("Chapter One", PROSE[0]),
        ("Chapter Two", PROSE[1]),
    ]
    assert manuscript.notes[0] == (
        "Left out as they are not the story: the title page, “Contents” and “Acknowledgements”."
    )


def test_a_long_opening_without_a_heading_is_the_story_and_stays(tmp_path: Path) -> None:
    document = docx.Document()
    opening = " ".join(PROSE * 6)  # 200-odd words: a prologue the writer left unheaded
    document.add_paragraph(opening)
    document.add_heading("Chapter One", level=1)
    document.add_paragraph(PROSE[1])
    pieces = split(read_manuscript(_save(document, tmp_path)).paragraphs, CHAPTERS)
    assert [piece.text for piece in pieces] == [opening, PROSE[1]]


def test_subheadings_inside_a_chapter_stay_inside_it(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("The Storm", level=1)  # a chapter named, not numbered
    document.add_heading("In which the lamp goes out", level=2)  # its subtitle
    document.add_paragraph(PROSE[0])
    document.add_heading("Mara", level=2)  # whose eyes the next part is seen through
    document.add_paragraph(PROSE[1])
    document.add_heading("Tuesday", level=3)
    document.add_paragraph(PROSE[2])
    document.add_heading("The Calm", level=1)
    document.add_paragraph(PROSE[3])
    pieces = split(read_manuscript(_save(document, tmp_path)).paragraphs, CHAPTERS)
    assert [piece.title for piece in pieces] == [
        "The Storm: In which the lamp goes out",
        "The Calm",
    ]
    assert pieces[0].paragraphs == (PROSE[0], "Mara", PROSE[1], "Tuesday", PROSE[2])


def test_a_chapter_heading_is_never_a_subheading(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Part One", level=1)
    document.add_paragraph(PROSE[0])  # a few words under the part's heading
    document.add_heading("Chapter 1", level=2)
    document.add_paragraph(PROSE[1])
    document.add_heading("Chapter 2", level=2)
    document.add_paragraph(PROSE[2])
    pieces = split(read_manuscript(_save(document, tmp_path)).paragraphs, CHAPTERS)
    assert [piece.title for piece in pieces] == ["Part One", "Chapter 1", "Chapter 2"]


def _emphasis_document(tmp_path: Path) -> Path:
    document = docx.Document()
    document.add_heading("Chapter One", level=1)
    line = document.add_paragraph("She had ")
    line.add_run("never").italic = True
    line.add_run(" once seen ")
    line.add_run("the ship ").bold = True  # the space stays outside the marks
    both = line.add_run("itself")
    both.bold = both.italic = True
    line.add_run(".")
    not_italic = document.add_paragraph()
    run = not_italic.add_run("Plain again.")
    run.italic = False
    return _save(document, tmp_path)


def test_italics_and_bold_are_kept_as_markdown_emphasis(tmp_path: Path) -> None:
    path = _emphasis_document(tmp_path)
    (chapter,) = split(read_manuscript(path).paragraphs, CHAPTERS)
    assert chapter.paragraphs == (
        "She had *never* once seen **the ship** ***itself***.",
        "Plain again.",
    )
    (plain,) = split(read_manuscript(path, emphasis=False).paragraphs, CHAPTERS)
    assert plain.paragraphs == ("She had never once seen the ship itself.", "Plain again.")


def test_a_character_style_gives_its_emphasis(tmp_path: Path) -> None:
    styles = (
        f'<w:styles {_NS}><w:style w:type="character" w:styleId="Emphasis">'
        '<w:name w:val="Emphasis"/><w:rPr><w:i/></w:rPr></w:style>'
        '<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/></w:style>'
        "</w:styles>"
    )
    body = [
        paragraph("Chapter 1", "Heading1"),
        '<w:p><w:r><w:rPr><w:rStyle w:val="Emphasis"/></w:rPr><w:t>Hush</w:t></w:r>'
        '<w:r><w:t xml:space="preserve">, she said. </w:t></w:r>'
        '<w:r><w:rPr><w:rStyle w:val="Strong"/></w:rPr><w:t>Now.</w:t></w:r></w:p>',
    ]
    path = write_docx(tmp_path / "styled.docx", body)
    import zipfile

    with zipfile.ZipFile(path, "a") as archive:  # replace the builder's styles with these
        data = {n: archive.read(n) for n in archive.namelist() if n != "word/styles.xml"}
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in data.items():
            archive.writestr(name, content)
        archive.writestr("word/styles.xml", styles)
    (chapter,) = split(read_manuscript(path).paragraphs, CHAPTERS)
    assert chapter.text == "*Hush*, she said. **Now.**"


def test_footnotes_are_left_out_and_counted(tmp_path: Path) -> None:
    note = (
        '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
        '<w:footnoteReference w:id="{n}"/></w:r>'
    )
    body = [
        paragraph("Chapter 1", "Heading1"),
        f"<w:p><w:r><w:t>The lamp was lit.</w:t></w:r>{note.format(n=1)}</w:p>",
        f"<w:p><w:r><w:t>The ship never came.</w:t></w:r>{note.format(n=2)}"
        f'<w:r><w:t xml:space="preserve"> Nor the board.</w:t></w:r>{note.format(n=3)}</w:p>',
        '<w:p><w:r><w:t>The end.</w:t></w:r><w:r><w:endnoteReference w:id="1"/></w:r></w:p>',
    ]
    manuscript = read_manuscript(write_docx(tmp_path / "notes.docx", body))
    (chapter,) = split(manuscript.paragraphs, CHAPTERS)
    assert chapter.paragraphs == (
        "The lamp was lit.",
        "The ship never came. Nor the board.",
        "The end.",
    )
    assert manuscript.notes == ("3 footnotes left out.", "1 endnote left out.")


def test_tracked_changes_are_read_as_accepted(tmp_path: Path) -> None:
    body = [
        paragraph("Chapter 1", "Heading1"),
        '<w:p><w:r><w:t xml:space="preserve">The </w:t></w:r>'
        '<w:ins w:id="1" w:author="Ed"><w:r><w:rPr><w:i/></w:rPr><w:t>iron</w:t></w:r></w:ins>'
        '<w:del w:id="2" w:author="Ed"><w:r><w:delText>old</w:delText></w:r></w:del>'
        '<w:r><w:t xml:space="preserve"> rail was cold.</w:t></w:r></w:p>',
        # The end of this paragraph was deleted: it runs on into the next one.
        '<w:p><w:pPr><w:rPr><w:del w:id="3" w:author="Ed"/></w:rPr></w:pPr>'
        '<w:r><w:t xml:space="preserve">She climbed </w:t></w:r></w:p>',
        "<w:p><w:r><w:t>the steps.</w:t></w:r></w:p>",
        '<w:del w:id="4" w:author="Ed"><w:p><w:r><w:delText>A cut paragraph.</w:delText>'
        "</w:r></w:p></w:del>",
        '<w:ins w:id="5" w:author="Ed"><w:p><w:r><w:t>A new paragraph.</w:t></w:r></w:p></w:ins>',
    ]
    (chapter,) = split(read_manuscript(write_docx(tmp_path / "ed.docx", body)).paragraphs)
    assert chapter.paragraphs == (
        "The *iron* rail was cold.",
        "She climbed the steps.",
        "A new paragraph.",
    )


@pytest.mark.parametrize("emphasis", [True, False])
def test_headings_and_breaks_are_found_whatever_their_emphasis(
    tmp_path: Path, emphasis: bool
) -> None:
    document = docx.Document()
    document.add_paragraph().add_run("Chapter 1").bold = True  # a heading typed in bold
    document.add_paragraph(PROSE[0])
    document.add_paragraph().add_run("* * *").italic = True
    document.add_paragraph(PROSE[1])
    manuscript = read_manuscript(_save(document, tmp_path), emphasis=emphasis)
    scenes = split(manuscript.paragraphs, SCENES)
    assert [(p.title, p.text) for p in scenes] == [
        ("Chapter 1, scene 1", PROSE[0]),
        ("Chapter 1, scene 2", PROSE[1]),
    ]
