"""CSV files into examples: delimiters and quoting, encodings, headers or none, the columns a
writer chooses, rows without a response skipped by their spreadsheet row number."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from fineauthor.core.importers.spreadsheet import (
    SpreadsheetError,
    column_letter,
    guess_columns,
    parse_table,
    read_table,
    row_list,
    table_examples,
)

CHAPTER = "Mara climbed the steps, slowly; the rail was cold.\nShe said: “Go.”"


def _write(tmp_path: Path, data: bytes, name: str = "examples.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ('prompt,response\n"Write, please","It was, dark."\nb,c\n', ","),
        ('prompt;response\n"Write, please";"It was, dark; cold."\nb;c\n', ";"),
        ("prompt\tresponse\nWrite, please\tIt was, dark; cold.\nb\tc\n", "\t"),
        ("prompt|response\nWrite, please|It was, dark; cold.\nb|c\n", "|"),
        ("sep=;\nprompt;response\nWrite, please;It was, dark.\nb;c\n", ";"),
    ],
)
def test_delimiters(text: str, delimiter: str) -> None:
    table = parse_table(text)
    assert table.delimiter == delimiter
    assert [c.name for c in table.columns] == ["prompt", "response"]
    assert table.rows[0][0] == "Write, please"
    assert table.rows[0][1].startswith("It was, dark")
    assert table.first_row == 2


def test_quoted_cells_hold_whole_chapters() -> None:
    long = "word " * 40_000  # ~200,000 characters: beyond the csv module's default cell limit
    escaped = CHAPTER.replace('"', '""')
    text = f'prompt,response\r\n"Write it","{escaped}"\r\n"Long",{long}\r\n'
    table = parse_table(text)
    assert table.rows[0][1] == CHAPTER  # the line break inside quotes is kept (as \n)
    assert table.rows[1][1] == long


def test_single_quote_dialect() -> None:
    table = parse_table("prompt,response\n'Write, it','It, was'\n'a','b'\n")
    assert table.rows[0] == ("Write, it", "It, was")


@pytest.mark.parametrize(
    ("encoding", "prefix", "note"),
    [("utf-8", b"", False), ("utf-8", codecs.BOM_UTF8, False), ("cp1252", b"", True)],
)
def test_encodings(tmp_path: Path, encoding: str, prefix: bytes, note: bool) -> None:
    text = 'prompt,response\nÉcris le café,"“Naïve,” she said — twice."\n'
    table = read_table(_write(tmp_path, prefix + text.encode(encoding)))
    assert table.columns[0].name == "prompt"  # no byte-order mark left in the first name
    assert table.rows[0] == ("Écris le café", "“Naïve,” she said — twice.")
    assert bool(table.notes) is note


def test_utf16_from_excel(tmp_path: Path) -> None:
    text = "prompt\tresponse\nWrite\tIt was dark.\n"
    table = read_table(_write(tmp_path, text.encode("utf-16")))
    assert table.rows == (("Write", "It was dark."),)


def test_no_header_row_when_the_first_row_is_writing() -> None:
    long = "It was the kind of morning that made the island look like a painting of itself."
    table = parse_table(f"Write chapter 1,{long}\nWrite chapter 2,{long}\n")
    assert table.first_row == 1
    assert [c.name for c in table.columns] == ["Column A", "Column B"]
    assert len(table.rows) == 2


def test_columns_with_samples_and_ragged_rows() -> None:
    text = "prompt,response,,notes\na1,b1\n,b2,x,n2\na3,,,n3\na4,b4,y,n4\na5,b5,z\n"
    table = parse_table(text)
    assert [c.name for c in table.columns] == ["prompt", "response", "Column C", "notes"]
    assert table.columns[0].samples == ("a1", "a3", "a4")  # empty cells are not samples
    assert table.columns[2].samples == ("x", "y", "z")
    assert table.cell(0, 3) == ""  # a short row reads as empty cells


def test_examples_from_chosen_columns_skip_rows_without_a_response() -> None:
    text = (
        "id,instructions,brief,chapter\n"
        "1,You are Quill.,Write the storm,It rained.\n"
        "2,,Write the calm,   \n"  # row 3: no response
        "3,,,It cleared.\n"  # row 4: no prompt, kept
        "4,You are Ink.,Write the end,\n"  # row 5: no response
    )
    table = parse_table(text)
    result = table_examples(table, prompt=2, response=3, system=1, default_system="Default.")
    assert result.skipped_rows == [3, 5]
    assert result.empty_prompt_rows == [4]
    first, second = result.examples
    assert (first.system, first.prompt, first.response) == (
        "You are Quill.",
        "Write the storm",
        "It rained.",
    )
    assert (second.system, second.prompt, second.response) == ("Default.", "", "It cleared.")
    assert first.source == "Spreadsheet: table.csv, row 2"
    # No prompt column: every prompt empty; no system column and no default: no system turn.
    bare = table_examples(table, prompt=None, response=3)
    assert [e.prompt for e in bare.examples] == ["", ""]
    assert all(e.system is None for e in bare.examples)
    # Without a header the first row is row 1.
    headless = parse_table(f"Write it,{'x' * 70}\nAgain,\n")
    assert table_examples(headless, 0, 1).skipped_rows == [2]


@pytest.mark.parametrize(
    ("header", "guess"),
    [
        ("prompt,response", (0, 1, None)),
        ("Response,Prompt,System prompt", (1, 0, 2)),
        ("id,system,user,assistant", (2, 3, 1)),
        ("Title,Text", (0, 1, None)),
        ("chapter", (None, 0, None)),
        ("a,b,c", (0, 1, None)),
        ("question,notes", (0, 1, None)),
    ],
)
def test_guessed_columns(header: str, guess: tuple) -> None:
    width = header.count(",") + 1
    table = parse_table(f"{header}\n" + ",".join(["v"] * width) + "\n")
    assert guess_columns(table) == guess


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (b"prompt,response\n", "no rows"),
        (b"PK\x03\x04 a workbook", "Save As"),
        (b"\x00\x01\x02\x03", "not a CSV file"),
    ],
)
def test_unusable_files(tmp_path: Path, data: bytes, says: str) -> None:
    with pytest.raises(SpreadsheetError, match=says):
        read_table(_write(tmp_path, data))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpreadsheetError, match="could not be found"):
        read_table(tmp_path / "gone.csv")


def test_column_letters_and_row_lists() -> None:
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]
    assert row_list([]) == ""
    assert row_list([7]) == "7"
    assert row_list([7, 12]) == "7 and 12"
    assert row_list([3, 7, 12]) == "3, 7 and 12"
    assert row_list(list(range(2, 22))) == "2, 3, 4, 5, 6, 7, 8, 9 and 12 more"
