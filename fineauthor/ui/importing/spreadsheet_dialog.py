"""Importing a spreadsheet saved as CSV: read it in the background, let the writer say which
column holds the prompts and which the responses (each shown with a few of its values), preview
the first example, then add them all in one step that Ctrl+Z takes back."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QComboBox, QFormLayout, QFrame, QLabel, QVBoxLayout, QWidget

from fineauthor.core.dataset.summary import count_words
from fineauthor.core.importers.spreadsheet import (
    Column,
    Table,
    TableExamples,
    guess_columns,
    read_table,
    row_list,
    table_examples,
)
from fineauthor.ui.importing.base import ImportDialogBase, show_page
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.widgets.labels import bold
from fineauthor.ui.widgets.length import length_verdict

NONE = -1  # the combo value for "no column"
_SAMPLE_CHARS = 50
_PREVIEW_CHARS = 400


class CSVImportDialog(ImportDialogBase):
    """Reads the CSV file at ``path`` as soon as it is made, then lets the writer choose its
    columns. ``state`` is "reading", then "ready" or "unusable" (``problem`` says why);
    "added" after the examples went in, "cancelled" if the writer left."""

    def __init__(
        self, document: ProjectDocument, path: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(document, path, parent)
        self.table: Table | None = None
        self.result: TableExamples | None = None
        self.setMinimumWidth(640)
        self._set_up(
            self.tr("Import a spreadsheet"),
            [self._reading_page(percent=False), self._problem_page(), self._columns_page()],
            self.tr("Add the rows as examples"),
        )
        path = self.path
        self._read_in_background(
            lambda _progress, _cancelled: read_table(path), percent=False, stop_on_bug=True
        )

    # Pages -----------------------------------------------------------------------------------

    def _columns_page(self) -> QWidget:
        page = QWidget()
        self.headline = bold(QLabel(wordWrap=True))
        self.headline.setAccessibleName(self.tr("What was found"))
        self.notes_label = QLabel(wordWrap=True)
        self.notes_label.hide()
        intro = QLabel(
            self.tr(
                "Each row becomes an example. Choose the column that holds what you asked "
                "for, and the one that holds the writing you want the model to learn."
            ),
            wordWrap=True,
        )
        self.prompt_combo = QComboBox()
        self.prompt_combo.setAccessibleName(self.tr("Prompt column"))
        self.response_combo = QComboBox()
        self.response_combo.setAccessibleName(self.tr("Response column"))
        self.system_combo = QComboBox()
        self.system_combo.setAccessibleName(self.tr("System prompt column"))
        self.system_combo.setToolTip(
            self.tr(
                "The standing instructions at the top of each example. Without a column, "
                "every example gets your project’s system prompt."
            )
        )
        for combo in (self.prompt_combo, self.response_combo, self.system_combo):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(40)
            combo.currentIndexChanged.connect(self._columns_changed)
        form = QFormLayout()
        form.addRow(self.tr("Prompt:"), self.prompt_combo)
        form.addRow(self.tr("Response:"), self.response_combo)
        form.addRow(self.tr("System prompt:"), self.system_combo)
        self.count_label = QLabel(wordWrap=True)
        self.count_label.setAccessibleName(self.tr("How many examples"))
        self.preview_label = QLabel(wordWrap=True)
        self.preview_label.setAccessibleName(self.tr("The first example"))
        self.preview_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.preview_label.setMargin(6)
        self.preview_label.setTextFormat(Qt.TextFormat.PlainText)
        self.preview_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.where_label = QLabel(wordWrap=True)
        layout = QVBoxLayout(page)
        layout.addWidget(self.headline)
        layout.addWidget(self.notes_label)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.count_label)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.where_label)
        layout.addStretch()
        return page

    # Reading ---------------------------------------------------------------------------------

    def _read(self, table: Table) -> None:
        self.table = table
        self.state = "ready"
        rows = len(table.rows)
        self.headline.setText(
            self.tr("“{name}”: {rows} rows, {columns} columns.").format(
                name=table.name, rows=f"{rows:,}", columns=f"{len(table.columns):,}"
            )
        )
        if table.notes:
            self.notes_label.setText("\n".join(table.notes))
            self.notes_label.show()
        prompt, response, system = guess_columns(table)
        for combo in (self.prompt_combo, self.response_combo, self.system_combo):
            combo.blockSignals(True)
            combo.clear()
        self.prompt_combo.addItem(self.tr("(none: leave the prompts empty)"), NONE)
        self.system_combo.addItem(self.tr("(none: use the project’s system prompt)"), NONE)
        for column in table.columns:
            label = self._column_label(column)
            for combo in (self.prompt_combo, self.response_combo, self.system_combo):
                combo.addItem(label, column.index)
                combo.setItemData(
                    combo.count() - 1,
                    "\n".join(column.samples) or self.tr("(empty)"),
                    Qt.ItemDataRole.ToolTipRole,
                )
        self.choose_columns(prompt, response if response is not None else 0, system)
        for combo in (self.prompt_combo, self.response_combo, self.system_combo):
            combo.blockSignals(False)
        self._columns_changed()
        self.where_label.setText(self._where_text())
        self.add_button.show()
        show_page(self.pages, 2)
        self.response_combo.setFocus()

    def _column_label(self, column: Column) -> str:
        if not column.samples:
            return self.tr("{name} (empty)").format(name=column.name)
        sample = column.samples[0]
        if len(sample) > _SAMPLE_CHARS:
            sample = sample[:_SAMPLE_CHARS].rstrip() + "…"
        return self.tr("{name}: “{sample}”").format(name=column.name, sample=sample)

    # Choosing columns ------------------------------------------------------------------------

    def choose_columns(self, prompt: int | None, response: int, system: int | None = None) -> None:
        """Choose columns by position (None: no prompt column / no system prompt column)."""
        self.prompt_combo.setCurrentIndex(
            self.prompt_combo.findData(NONE if prompt is None else prompt)
        )
        self.response_combo.setCurrentIndex(self.response_combo.findData(response))
        self.system_combo.setCurrentIndex(
            self.system_combo.findData(NONE if system is None else system)
        )

    def chosen_columns(self) -> tuple[int | None, int, int | None]:
        prompt = self.prompt_combo.currentData()
        system = self.system_combo.currentData()
        return (
            None if prompt in (None, NONE) else int(prompt),
            int(self.response_combo.currentData() or 0),
            None if system in (None, NONE) else int(system),
        )

    @Slot()
    def _columns_changed(self) -> None:
        if self.table is None:
            return
        prompt, response, system = self.chosen_columns()
        if response in (prompt, system):
            self.result = None
            self.count_label.setText(
                self.tr("The response needs a column of its own: choose a different one.")
            )
            self.preview_label.hide()
            self.add_button.setEnabled(False)
            return
        self.result = table_examples(
            self.table,
            prompt,
            response,
            system,
            default_system=self.document.settings.system_prompt,
        )
        count = len(self.result.examples)
        text = self._ready_text(count)
        skipped = self.result.skipped_rows
        if len(skipped) == 1:
            text += " " + self.tr("Row {rows} has no response and will be left out.").format(
                rows=row_list(skipped)
            )
        elif skipped:
            text += " " + self.tr("Rows {rows} have no response and will be left out.").format(
                rows=row_list(skipped)
            )
        empty = self.result.empty_prompt_rows
        if len(empty) == 1 and prompt is not None:
            text += " " + self.tr("1 has no prompt yet: you can write it in the editor.")
        elif empty and prompt is not None:
            text += " " + self.tr(
                "{count} have no prompt yet: you can write them in the editor."
            ).format(count=f"{len(empty):,}")
        self.count_label.setText(text)
        self.add_button.setText(self._add_text(count))
        self.add_button.setEnabled(count > 0)
        if count:
            first = self.result.examples[0]
            settings = self.document.settings
            words = length_verdict(
                count_words(first.response), settings.target_words, settings.tolerance_words
            )
            lines = [
                self.tr("First example (row {row}):").format(row=first.source.rsplit(" ", 1)[-1]),
                self.tr("Prompt: {text}").format(text=_short(first.prompt) or self.tr("(empty)")),
                self.tr("Response ({words}): {text}").format(
                    words=words, text=_short(first.response)
                ),
            ]
            if first.system:
                lines.insert(1, self.tr("System prompt: {text}").format(text=_short(first.system)))
            self.preview_label.setText("\n".join(lines))
            self.preview_label.show()
        else:
            self.preview_label.hide()

    # Adding ----------------------------------------------------------------------------------

    @Slot()
    def add_examples(self) -> None:
        """Add an example per usable row, as one undo step, and close."""
        if self.state == "ready" and self.result is not None:
            self._add(self.result.examples, self.where_label)


def _short(text: str) -> str:
    """The start of a text for the preview, its line breaks kept as a writer wrote them."""
    text = text.strip()
    return text if len(text) <= _PREVIEW_CHARS else text[:_PREVIEW_CHARS].rstrip() + "…"
