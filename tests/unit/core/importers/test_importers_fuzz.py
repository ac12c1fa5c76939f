"""Any bytes or text into the manuscript and CSV readers: a clear error (the importers' own,
with a message) or a result that holds together, never another exception."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fineauthor.core.dataset.summary import count_words
from fineauthor.core.importers.manuscript.examples import piece_example
from fineauthor.core.importers.manuscript.paragraphs import ManuscriptError
from fineauthor.core.importers.manuscript.pieces import CHAPTERS, LEVELS, merge, split, split_at
from fineauthor.core.importers.manuscript.plain_text import text_paragraphs
from fineauthor.core.importers.manuscript.reading import read_manuscript
from fineauthor.core.importers.spreadsheet import (
    SpreadsheetError,
    guess_columns,
    read_table,
    table_examples,
)
from tests.fixtures.manuscripts.make_docx import docx_bytes, paragraph

# Text that looks like manuscripts: headings, breaks, quotes, odd spaces and line ends.
_PIECES = st.sampled_from(
    [
        "Chapter 1",
        "CHAPTER TWELVE",
        "Part One",
        "# Title",
        "## ",
        "***",
        "* * *",
        "#",
        "~",
        "§",
        "---",
        "===",
        "XII",
        "“Go,” she said.",
        "It was late.",
        "\t",
        "\r\n",
        "\n",
        "\n\n",
        " ",
        "\u00a0",
        "\u2028",
        "\x0c",
        ",",
        ";",
        '"',
        "'",
    ]
)
_TEXT = st.one_of(
    st.text(max_size=300), st.lists(st.one_of(_PIECES, st.text(max_size=12))).map("".join)
)
_FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# One folder for every generated file, removed when the tests end (hypothesis runs each test
# many times, so a function-scoped tmp_path would be shared anyway).
_FOLDER = tempfile.TemporaryDirectory(prefix="fineauthor-fuzz-")


def _file(data: bytes, suffix: str) -> Path:
    path = Path(_FOLDER.name) / f"input{suffix}"
    path.write_bytes(data)
    return path


def _check_manuscript(path: Path) -> None:
    try:
        manuscript = read_manuscript(path)
    except ManuscriptError as problem:
        assert str(problem).strip()  # a sentence to show, never an empty message
        return
    assert any(not p.heading and not p.scene_break for p in manuscript.paragraphs)
    for level in LEVELS:
        pieces = split(manuscript.paragraphs, level, path.stem)
        assert pieces, "a manuscript with prose has at least one piece"
        assert [p.index for p in pieces] == list(range(len(pieces)))
        for piece in pieces:
            assert piece.paragraphs and piece.title
            assert piece.words == count_words(piece.text)
            example = piece_example(piece, "Write {chapter} ({scene}).", path.name)
            assert example.response == piece.text
        if len(pieces) > 1:
            assert len(merge(pieces, 0)) == len(pieces) - 1
        if len(pieces[0].paragraphs) > 1:
            assert len(split_at(pieces, 0, 1)) == len(pieces) + 1


@_FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".txt", ".md"]))
def test_any_bytes_as_a_text_manuscript(data: bytes, suffix: str) -> None:
    _check_manuscript(_file(data, suffix))


@_FUZZ
@given(
    text=_TEXT,
    suffix=st.sampled_from([".txt", ".md"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_any_text_as_a_manuscript(text: str, suffix: str, encoding: str) -> None:
    data = text.encode(encoding, errors="replace")
    _check_manuscript(_file(data, suffix))


@_FUZZ
@given(text=_TEXT)
def test_splitting_any_text_keeps_every_word_of_prose(text: str) -> None:
    paragraphs = text_paragraphs(text, markdown=True)
    prose = sum(count_words(p.text) for p in paragraphs if not p.heading and not p.scene_break)
    pieces = split(paragraphs, CHAPTERS)
    breaks = sum(
        count_words(line)
        for piece in pieces
        for line in piece.paragraphs
        if any(line == p.text and p.scene_break for p in paragraphs)
    )
    assert sum(p.words for p in pieces) - breaks == prose


@_FUZZ
@given(data=st.binary(max_size=2000))
def test_any_bytes_as_a_docx(data: bytes) -> None:
    _check_manuscript(_file(data, ".docx"))


@_FUZZ
@given(
    texts=st.lists(_TEXT, max_size=6),
    styles=st.lists(st.sampled_from([None, "Heading1", "Heading2", "Title", "Nope"]), max_size=6),
)
def test_any_paragraphs_in_a_real_docx(texts: list[str], styles: list[str | None]) -> None:
    # XML cannot hold most control characters: keep what Word itself could store.
    def clean(text: str) -> str:
        return "".join(c for c in text if c in "\t\n" or (ord(c) >= 32 and c not in "\ufffe\uffff"))

    body = [
        paragraph(clean(text), style)
        for text, style in zip(texts, styles + [None] * 6, strict=False)
    ]
    _check_manuscript(_file(docx_bytes(body), ".docx"))


@_FUZZ
@given(
    part=st.binary(max_size=500),
    name=st.sampled_from(["word/document.xml", "word/styles.xml", "_rels/.rels"]),
)
def test_a_docx_with_any_part_damaged(part: bytes, name: str) -> None:
    buffer = io.BytesIO()
    good = docx_bytes([paragraph("Chapter 1", "Heading1"), paragraph("It was late.")])
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, part if item.filename == name else source.read(item))
    _check_manuscript(_file(buffer.getvalue(), ".docx"))


def _check_table(path: Path) -> None:
    try:
        table = read_table(path)
    except SpreadsheetError as problem:
        assert str(problem).strip()
        return
    assert table.columns and table.rows
    prompt, response, system = guess_columns(table)
    assert response is not None
    result = table_examples(table, prompt, response, system)
    assert len(result.examples) + len(result.skipped_rows) == len(table.rows)
    assert all(example.response for example in result.examples)
    for column in range(len(table.columns)):
        table_examples(table, None, column)


@_FUZZ
@given(data=st.binary(max_size=2000))
def test_any_bytes_as_csv(data: bytes) -> None:
    _check_table(_file(data, ".csv"))


@_FUZZ
@given(
    rows=st.lists(st.lists(_TEXT, min_size=1, max_size=4), min_size=1, max_size=8),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_any_table_as_csv(rows: list[list[str]], delimiter: str, encoding: str) -> None:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    _check_table(_file(buffer.getvalue().encode(encoding, errors="replace"), ".csv"))
