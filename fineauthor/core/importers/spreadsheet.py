"""Spreadsheets saved as CSV: the writer picks which column holds the prompts and which the
responses (and, if they like, the system prompts), and each row becomes an example.

Rows are numbered as a spreadsheet numbers them (the column names are row 1), so "row 7 has no
response" points at the row the writer sees in Excel or LibreOffice.
"""

from __future__ import annotations

import csv
import io
import re
import string
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.dataset.summary import preview
from fineauthor.core.errors import DatasetError
from fineauthor.core.importers.manuscript.paragraphs import ManuscriptError
from fineauthor.core.importers.manuscript.plain_text import decode_text

SUFFIXES = (".csv", ".tsv")
MAX_BYTES = 256 * 1024 * 1024
SAMPLES = 3  # sample values shown beside each column's name
_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_CHARS = 64 * 1024
# A chapter in one cell is far longer than the csv module's default limit of 131,072 characters.
_FIELD_LIMIT = 64 * 1024 * 1024
# A first row that holds a cell this long is data, not column names.
_HEADER_CHARS = 60


class SpreadsheetError(DatasetError):
    """A CSV file could not be read; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name (the header, or "Column B" without one), its position and a few
    of its first non-empty values."""

    name: str
    index: int
    samples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Table:
    """A CSV file as read. ``rows`` hold the data (not the header); ``first_row`` is the
    spreadsheet number of ``rows[0]`` (2 under a header, 1 without one)."""

    name: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    first_row: int
    delimiter: str
    notes: tuple[str, ...] = ()

    def row_number(self, position: int) -> int:
        return self.first_row + position

    def cell(self, position: int, column: int) -> str:
        row = self.rows[position]
        return row[column] if column < len(row) else ""


@dataclass
class TableExamples:
    """The examples built from a table, with the rows left out and the rows without a prompt
    (kept: the writer fills those in), by spreadsheet row number."""

    examples: list[Example] = field(default_factory=list)
    skipped_rows: list[int] = field(default_factory=list)
    empty_prompt_rows: list[int] = field(default_factory=list)


def read_table(path: Path) -> Table:
    """Read a CSV (or tab-separated) file: its delimiter found from its first lines, UTF-8 with
    or without a byte-order mark, or Windows text (cp1252) with a note. Raises SpreadsheetError
    with a plain reason."""
    path = Path(path)
    data = _read_bytes(path)
    if data.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(
            f"“{path.name}” is a workbook (.xlsx or .ods), not CSV. In Excel or LibreOffice "
            "choose File ▸ Save As, pick “CSV”, and import the new file."
        )
    try:
        text, note = decode_text(data, path.name)
    except ManuscriptError:
        raise SpreadsheetError(
            f"“{path.name}” is not a CSV file. In your spreadsheet program choose File ▸ "
            "Save As, pick “CSV”, and import the new file."
        ) from None
    return parse_table(text, path.name, notes=(note,) if note else ())


def parse_table(text: str, name: str = "table.csv", notes: tuple[str, ...] = ()) -> Table:
    """A table from CSV text (see :func:`read_table`)."""
    text = text.removeprefix("\ufeff")
    # Excel writes "sep=;" on the first line to say which delimiter follows.
    declared = re.match(r"sep=(.)\r?\n", text)
    if declared is not None:
        text = text[declared.end() :]
    if not text.strip():
        raise SpreadsheetError(f"“{name}” is empty.")
    dialect = _dialect(text, declared.group(1) if declared else None)
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    rows: list[tuple[str, ...]] = []
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for row in reader:
            # Cells written on Windows keep \r\n inside quotes; a response uses \n.
            rows.append(tuple(cell.replace("\r\n", "\n").replace("\r", "\n") for cell in row))
    except csv.Error as problem:
        raise SpreadsheetError(
            f"“{name}” can’t be read as CSV from row {reader.line_num:,} on ({problem}). Open "
            "it in your spreadsheet program and save it as CSV again."
        ) from None
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()  # blank lines at the end
    if not rows:
        raise SpreadsheetError(f"“{name}” is empty.")
    width = max(len(row) for row in rows)
    header = _has_header(rows)
    first, data = (rows[0], rows[1:]) if header else ((), rows)
    if header and not data:
        raise SpreadsheetError(f"“{name}” has column names but no rows under them.")
    columns = tuple(
        Column(_column_name(first, index), index, _samples(data, index)) for index in range(width)
    )
    return Table(
        name=name,
        columns=columns,
        rows=tuple(data),
        first_row=2 if header else 1,
        delimiter=dialect.delimiter,
        notes=notes,
    )


def _read_bytes(path: Path) -> bytes:
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SpreadsheetError(
                f"“{name}” is {size / 1024 / 1024:,.0f} MB, more than FineAuthor reads as a "
                "spreadsheet. Split it into smaller files."
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise SpreadsheetError(f"“{name}” could not be found. It may have been moved.") from None
    except IsADirectoryError:
        raise SpreadsheetError(f"“{name}” is a folder, not a file.") from None
    except PermissionError:
        raise SpreadsheetError(
            f"FineAuthor is not allowed to read “{name}”. Check the file’s permissions."
        ) from None
    except OSError as problem:
        raise SpreadsheetError(
            f"“{name}” could not be read ({problem.strerror or 'the disk reported a problem'})."
        ) from None


class _Dialect(csv.Dialect):
    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL
    strict = False


def _dialect(text: str, declared: str | None) -> type[csv.Dialect]:
    """The delimiter (and quoting) that reads the sample as the most even table.

    csv.Sniffer alone guesses wrong on prose (commas and semicolons inside quoted sentences),
    so each usual delimiter is tried and the one giving the most rows of the same width (more
    than one column) wins; the sniffer's quote character is used when it agrees.
    """
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS:  # a cut-off last line would look ragged
        sample = sample[: sample.rfind("\n") + 1] or sample
    quotechar, doublequote = '"', True
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS))
        if sniffed.quotechar in "\"'":
            quotechar, doublequote = sniffed.quotechar, sniffed.doublequote
    except csv.Error:
        sniffed = None
    delimiter = declared or _best_delimiter(sample, quotechar, sniffed)
    return type(
        "Sniffed",
        (_Dialect,),
        {"delimiter": delimiter, "quotechar": quotechar, "doublequote": doublequote},
    )


def _best_delimiter(sample: str, quotechar: str, sniffed: type[csv.Dialect] | None) -> str:
    best, best_score = ",", (-1, -1, -1)
    for delimiter in _DELIMITERS:
        try:
            widths = [
                len(row)
                for row in csv.reader(
                    io.StringIO(sample, newline=""), delimiter=delimiter, quotechar=quotechar
                )
                if row
            ][:200]
        except csv.Error:
            continue
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        preferred = sniffed is not None and sniffed.delimiter == delimiter
        score = (int(width > 1) * count, width if width > 1 else 0, int(preferred))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _has_header(rows: list[tuple[str, ...]]) -> bool:
    """Whether the first row names the columns: short, different cells (a first row of long
    text is data)."""
    first = [cell.strip() for cell in rows[0]]
    if not any(first):
        return False
    named = [cell for cell in first if cell]
    return all(len(cell) <= _HEADER_CHARS for cell in named) and len(set(named)) == len(named)


def column_letter(index: int) -> str:
    """A spreadsheet's name for a column: A, B, … Z, AA, AB…"""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = string.ascii_uppercase[remainder] + letters
    return letters


def _column_name(header: tuple[str, ...], index: int) -> str:
    name = " ".join(header[index].split()) if index < len(header) else ""
    return name or f"Column {column_letter(index)}"


def _samples(rows: list[tuple[str, ...]], index: int) -> tuple[str, ...]:
    found: list[str] = []
    for row in rows:
        if index < len(row) and row[index].strip():
            found.append(preview(row[index]))
            if len(found) == SAMPLES:
                break
    return tuple(found)


# Guesses for the column choices, from the names writers and other tools give them.
_PROMPT_NAMES = re.compile(r"prompt|instruction|question|input|request|user|brief|beat", re.I)
_RESPONSE_NAMES = re.compile(
    r"response|answer|output|completion|assistant|reply|text|story|scene|chapter|prose", re.I
)
_SYSTEM_NAMES = re.compile(r"system", re.I)


def guess_columns(table: Table) -> tuple[int | None, int | None, int | None]:
    """Likely (prompt, response, system prompt) columns by their names, else the first two
    columns as prompt and response; None where there is nothing to guess."""
    names = [column.name for column in table.columns]

    def find(pattern: re.Pattern[str], taken: set[int | None]) -> int | None:
        for index, name in enumerate(names):
            if index not in taken and pattern.search(name):
                return index
        return None

    system = find(_SYSTEM_NAMES, set())
    prompt = find(_PROMPT_NAMES, {system} - {None})
    response = find(_RESPONSE_NAMES, {system, prompt} - {None})
    free = [i for i in range(len(names)) if i not in {system, prompt, response}]
    if prompt is None and response is None:
        if len(free) >= 2:
            prompt, response = free[0], free[1]
        elif free:
            response = free[0]
    elif response is None:
        response = free[0] if free else None
    elif prompt is None:
        prompt = free[0] if free else None
    return prompt, response, system


def table_examples(
    table: Table,
    prompt: int | None,
    response: int,
    system: int | None = None,
    *,
    default_system: str = "",
) -> TableExamples:
    """One example per row: the prompt column (none: an empty prompt for the writer to fill),
    the response column, and the system prompt column or else ``default_system``. Rows whose
    response is empty are left out and listed by row number."""
    result = TableExamples()
    for position in range(len(table.rows)):
        number = table.row_number(position)
        answer = table.cell(position, response).strip()
        if not answer:
            result.skipped_rows.append(number)
            continue
        asked = table.cell(position, prompt).strip() if prompt is not None else ""
        if not asked:
            result.empty_prompt_rows.append(number)
        instructions = table.cell(position, system).strip() if system is not None else ""
        instructions = instructions or default_system
        messages = [Message("user", asked), Message("assistant", answer)]
        if instructions:
            messages.insert(0, Message("system", instructions))
        result.examples.append(
            Example(tuple(messages), source=f"Spreadsheet: {table.name}, row {number}")
        )
    return result


def row_list(numbers: list[int], shown: int = 8) -> str:
    """Row numbers as a writer reads them: "7", "7 and 12", "3, 7 and 12", "3, 7, 9 and 40
    more"."""
    if not numbers:
        return ""
    if len(numbers) == 1:
        return str(numbers[0])
    if len(numbers) <= shown:
        return ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"
    return ", ".join(str(n) for n in numbers[:shown]) + f" and {len(numbers) - shown:,} more"
