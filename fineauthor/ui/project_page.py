"""The page of an open project: its title, system prompt and a read-only list of examples."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QObject,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from fineauthor.core.example import Example
    from fineauthor.core.project import Project

PROMPT_PREVIEW_WORDS = 12

COLUMN_NUMBER = 0
COLUMN_PROMPT = 1
COLUMN_RESPONSE_WORDS = 2
COLUMN_NOTE = 3
COLUMN_COUNT = 4
_NUMBER_COLUMNS = (COLUMN_NUMBER, COLUMN_RESPONSE_WORDS)

# The example's id in the project, for the editor that will open it.
EXAMPLE_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def count_words(text: str) -> int:
    """Words as a writer counts them: runs of characters between spaces."""
    return len(text.split())


def first_words(text: str, limit: int = PROMPT_PREVIEW_WORDS) -> str:
    """The opening words of ``text`` on one line, with an ellipsis when there is more."""
    words = text.split()
    preview = " ".join(words[:limit])
    return preview + "…" if len(words) > limit else preview


@dataclass(frozen=True, slots=True)
class _Row:
    example_id: int | None
    prompt_preview: str
    prompt_tooltip: str
    response_words: int
    note: str


def _row(example: Example) -> _Row:
    # Keep only what the table shows, not whole responses: a big project stays small in memory.
    return _Row(
        example_id=example.id,
        prompt_preview=first_words(example.prompt),
        prompt_tooltip=first_words(example.prompt, 80),
        response_words=count_words(example.response),
        note=" ".join(example.note.split()),
    )


class ExamplesModel(QAbstractTableModel):
    """The project's examples as rows: number, prompt opening, response length and note."""

    def __init__(self, examples: Iterable[Example] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = [_row(example) for example in examples]

    def set_examples(self, examples: Iterable[Example]) -> None:
        """Replace every row (after opening another project)."""
        self.beginResetModel()
        self._rows = [_row(example) for example in examples]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else COLUMN_COUNT

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(index.row(), row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            tooltips = {COLUMN_PROMPT: row.prompt_tooltip, COLUMN_NOTE: row.note}
            return tooltips.get(column) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMBER_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == EXAMPLE_ID_ROLE:
            return row.example_id
        return None

    def _display(self, number: int, row: _Row, column: int) -> Any:
        if column == COLUMN_NUMBER:
            return number + 1
        if column == COLUMN_PROMPT:
            return row.prompt_preview or self.tr("(no prompt yet)")
        if column == COLUMN_RESPONSE_WORDS:
            return QLocale().toString(row.response_words)  # “2,000” in the writer's own style
        if column == COLUMN_NOTE:
            return row.note
        return None

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < COLUMN_COUNT:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return [
                QCoreApplication.translate("ExamplesModel", "No."),
                QCoreApplication.translate("ExamplesModel", "Prompt"),
                QCoreApplication.translate("ExamplesModel", "Response words"),
                QCoreApplication.translate("ExamplesModel", "Note"),
            ][section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return [
                QCoreApplication.translate("ExamplesModel", "The example's place in the project"),
                QCoreApplication.translate("ExamplesModel", "How the prompt begins"),
                QCoreApplication.translate(
                    "ExamplesModel", "How many words the ideal response has"
                ),
                QCoreApplication.translate("ExamplesModel", "Your own note on the example"),
            ][section]
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        # Read-only for now: the editor comes later.
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class ProjectPage(QWidget):
    """Shows one open project. Read-only until the editor arrives."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Project"))

        self.title_label = QLabel()
        self.title_label.setAccessibleName(self.tr("Project title"))
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.title_label.setFont(font)

        self.length_label = QLabel()
        self.length_label.setAccessibleName(self.tr("Target length"))

        prompt_heading = QLabel(self.tr("System prompt"))
        prompt_heading.setToolTip(
            self.tr("The standing instructions the model reads before every prompt.")
        )
        self._make_bold(prompt_heading)
        self.system_prompt_view = QPlainTextEdit()
        self.system_prompt_view.setReadOnly(True)
        self.system_prompt_view.setAccessibleName(self.tr("System prompt"))
        self.system_prompt_view.setAccessibleDescription(
            self.tr("The standing instructions the model reads before every prompt.")
        )
        self.system_prompt_view.setPlaceholderText(self.tr("This project has no system prompt."))
        self.system_prompt_view.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 16)
        prompt_heading.setBuddy(self.system_prompt_view)

        self.examples_heading = QLabel()
        self._make_bold(self.examples_heading)
        self.model = ExamplesModel(parent=self)
        self.table = self._create_table()
        self.examples_heading.setBuddy(self.table)

        self.empty_label = QLabel(self.tr("This project has no examples yet."))
        self.empty_label.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(8)
        layout.addWidget(self.title_label)
        layout.addWidget(self.length_label)
        layout.addSpacing(8)
        layout.addWidget(prompt_heading)
        layout.addWidget(self.system_prompt_view)
        layout.addSpacing(8)
        layout.addWidget(self.examples_heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)

    def _create_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setAccessibleName(self.tr("Examples"))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        fit, stretch = QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch
        for column, mode in (
            (COLUMN_NUMBER, fit),
            (COLUMN_PROMPT, stretch),
            (COLUMN_RESPONSE_WORDS, fit),
            (COLUMN_NOTE, stretch),
        ):
            header.setSectionResizeMode(column, mode)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return table

    @staticmethod
    def _make_bold(label: QLabel) -> None:
        font = label.font()
        font.setBold(True)
        label.setFont(font)

    def show_project(self, project: Project) -> None:
        """Fill the page from ``project``."""
        settings = project.settings
        self.title_label.setText(settings.title)
        self.system_prompt_view.setPlainText(settings.system_prompt or "")
        length = self._length_text(settings.target_words, settings.tolerance_words)
        self.length_label.setText(length)
        self.length_label.setVisible(bool(length))
        self.model.set_examples(project.examples())
        count = self.model.rowCount()
        self.examples_heading.setText(self.tr("Examples (%n)", "", count))
        self.table.setVisible(count > 0)
        self.empty_label.setVisible(count == 0)

    def clear(self) -> None:
        """Forget the project (it was closed)."""
        self.title_label.clear()
        self.system_prompt_view.clear()
        self.length_label.clear()
        self.model.set_examples(())

    def _length_text(self, target: int | None, tolerance: int | None) -> str:
        if not target:
            return ""
        locale = self.locale()
        if tolerance:
            return self.tr("Target length: {target} words, give or take {tolerance}").format(
                target=locale.toString(int(target)), tolerance=locale.toString(int(tolerance))
            )
        return self.tr("Target length: {target} words").format(target=locale.toString(int(target)))
