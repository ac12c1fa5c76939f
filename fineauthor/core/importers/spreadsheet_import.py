"""Adding a spreadsheet's rows to a project in one step, as ``fineauthor import TABLE.csv``
does: the prompt and response columns chosen by name, letter or number (or guessed from their
names), and an account of what came in and which rows were left out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fineauthor.core.importers.spreadsheet import (
    SpreadsheetError,
    Table,
    TableExamples,
    column_letter,
    guess_columns,
    read_table,
    row_list,
    table_examples,
)
from fineauthor.core.project.project import Project


@dataclass
class SpreadsheetImport:
    """What ``fineauthor import TABLE.csv`` did."""

    table: Table
    result: TableExamples
    prompt: int | None
    response: int
    project: Path | None = None
    created: bool = False

    @property
    def headline(self) -> str:
        where = f"a new project “{self.project}”" if self.created else f"“{self.project}”"
        count = len(self.result.examples)
        added = "1 example" if count == 1 else f"{count:,} examples"
        columns = f"responses from “{self.table.columns[self.response].name}”"
        if self.prompt is not None:
            columns = f"prompts from “{self.table.columns[self.prompt].name}”, " + columns
        return f"Added {added} from “{self.table.name}” ({columns}) to {where}."

    @property
    def left_out(self) -> str:
        """The rows left out, in a sentence ('' when none were)."""
        rows = self.result.skipped_rows
        if not rows:
            return ""
        if len(rows) == 1:
            return f"Row {row_list(rows)} has no response, so it was left out."
        return f"Rows {row_list(rows)} have no response, so they were left out."

    @property
    def without_prompts(self) -> str:
        """The examples still waiting for a prompt, in a sentence ('' when none are)."""
        empty = len(self.result.empty_prompt_rows)
        if not empty or self.prompt is None:
            return ""
        which = "1 example has" if empty == 1 else f"{empty:,} examples have"
        return f"{which} no prompt yet: write them in FineAuthor’s editor."


def find_column(table: Table, wanted: str) -> int:
    """The column ``wanted`` names: its header (any case), its letter ("B") or its number
    ("2"). Raises SpreadsheetError naming the columns there are."""
    text = wanted.strip()
    for column in table.columns:
        if column.name.casefold() == text.casefold():
            return column.index
    for column in table.columns:
        if column_letter(column.index) == text.upper() or str(column.index + 1) == text:
            return column.index
    names = ", ".join(f"“{c.name}”" for c in table.columns)
    raise SpreadsheetError(f"“{table.name}” has no column “{wanted}”. Its columns are {names}.")


def import_spreadsheet(
    source: Path,
    project_path: Path,
    *,
    prompt_column: str | None = None,
    response_column: str | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SpreadsheetImport:
    """Add a row of ``source`` as an example for every row with a response, to the project at
    ``project_path`` (created if missing), all in one step or none. Columns not named are
    guessed from their names, as the import window does."""
    table = read_table(source)
    guessed_prompt, guessed_response, system = guess_columns(table)
    prompt = find_column(table, prompt_column) if prompt_column else guessed_prompt
    response = find_column(table, response_column) if response_column else guessed_response
    if response is None:
        raise SpreadsheetError(
            f"“{table.name}” has no column that looks like the responses. Name it with "
            "--response-column."
        )
    if response in (prompt, system):
        raise SpreadsheetError("The response needs a column of its own: choose a different one.")
    if not table_examples(table, prompt, response, system).examples:  # before any project
        raise SpreadsheetError(
            f"No row of “{table.name}” has a response in “{table.columns[response].name}”."
        )
    created = not project_path.exists()
    project = (
        Project.create(project_path, title=project_path.stem)
        if created
        else Project.open(project_path)
    )
    with project:
        result = table_examples(
            table, prompt, response, system, default_system=project.settings.system_prompt
        )
        project.add_examples(result.examples, cancel=cancelled)
    return SpreadsheetImport(table, result, prompt, response, project_path, created)
