"""The conversations of a ChatGPT export as the import dialog lists them: read off the GUI
thread and kept packed, one table row each with a tick box on the title, and the search that
narrows the list to those holding every word asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QWidget

from fineauthor.core.importers.chatgpt.conversation import ExportSummary
from fineauthor.core.importers.chatgpt.conversation_list import PackedConversation, pack
from fineauthor.core.importers.chatgpt.export import read_export

_Index = QModelIndex | QPersistentModelIndex


@dataclass
class ExportContents:
    """What the reader found: the usable conversations, kept small, and an account of the
    rest."""

    conversations: list[PackedConversation]
    summary: ExportSummary


def read_conversations(
    path: Path, progress: Callable[[int], None], cancelled: Callable[[], bool]
) -> ExportContents:
    """Every usable conversation of the export at ``path``, for the dialog's list. Raises
    DatasetError for a file that is not an export, Cancelled when ``cancelled()`` turns true."""
    summary = ExportSummary()
    # Packed as they come: an export of hundreds of megabytes is listed in a fraction of that
    # (search keys as UTF-8, the text compressed until a preview or Add needs it).
    conversations = [
        pack(conversation)
        for conversation in read_export(path, summary, progress=progress, cancelled=cancelled)
    ]
    return ExportContents(conversations, summary)


class ConversationModel(QAbstractTableModel):
    """The usable conversations of an export, one per row, with a tick box on the title."""

    TITLE, DATE, PROMPTS, BEGINNING = range(4)
    SORT_ROLE = Qt.ItemDataRole.UserRole + 1
    ROW_ROLE = Qt.ItemDataRole.UserRole + 2

    chosenChanged = Signal()  # noqa: N815  (Qt naming)

    def __init__(self, contents: ExportContents, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conversations = contents.conversations
        self.chosen: set[int] = set()  # source rows that are ticked
        self._locale = QLocale()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.conversations)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 4

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                self.tr("Conversation"),
                self.tr("Date"),
                self.tr("Prompts"),
                self.tr("Begins"),
            )[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                self.tr("The conversation’s title in ChatGPT. Tick the ones to add."),
                self.tr("When the conversation was started"),
                self.tr(
                    "How many times you wrote to ChatGPT in it: your first prompt and each "
                    "follow-up"
                ),
                self.tr("The start of your first prompt"),
            )[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # noqa: PLR0911
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        conversation = self.conversations[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(conversation, column)
        if role == Qt.ItemDataRole.CheckStateRole and column == self.TITLE:
            ticked = row in self.chosen
            return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and column in (self.TITLE, self.BEGINNING):
            return conversation.title if column == self.TITLE else conversation.preview
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.PROMPTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.SORT_ROLE:
            return self._sort_key(conversation, column)
        if role == self.ROW_ROLE:
            return row
        return None

    def _display(self, conversation: PackedConversation, column: int) -> str:
        if column == self.TITLE:
            return conversation.title
        if column == self.DATE:
            return self._date(conversation)
        if column == self.PROMPTS:
            return f"{conversation.prompts:,}"
        return conversation.preview

    def _sort_key(self, conversation: PackedConversation, column: int) -> object:
        if column == self.TITLE:
            return conversation.title.casefold()
        if column == self.DATE:
            return conversation.created.timestamp() if conversation.created else 0.0
        if column == self.PROMPTS:
            return conversation.prompts
        return conversation.preview.casefold()

    def _date(self, conversation: PackedConversation) -> str:
        if conversation.created is None:
            return ""
        local = conversation.created.astimezone()  # the writer's own calendar day
        day = QDate(local.year, local.month, local.day)
        return self._locale.toString(day, QLocale.FormatType.ShortFormat)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and index.column() == self.TITLE:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(  # noqa: N802
        self, index: _Index, value: object, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        ticked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
        self.set_chosen([index.row()], ticked)
        return True

    def set_chosen(self, rows: Sequence[int], ticked: bool) -> None:
        """Tick (or untick) the conversations at source ``rows``."""
        before = len(self.chosen)
        if ticked:
            self.chosen.update(rows)
        else:
            self.chosen.difference_update(rows)
        for row in rows:
            cell = self.index(row, self.TITLE)
            self.dataChanged.emit(cell, cell, [Qt.ItemDataRole.CheckStateRole])
        if len(self.chosen) != before:
            self.chosenChanged.emit()

    def toggle(self, row: int) -> None:
        self.set_chosen([row], row not in self.chosen)

    def chosen_conversations(self) -> list[PackedConversation]:
        """The ticked conversations, oldest first: the order they were written in."""
        chosen = [self.conversations[row] for row in self.chosen]
        chosen.sort(
            key=lambda c: (c.created is None, c.created.timestamp() if c.created else 0, c.number)
        )
        return chosen

    def matches(self, row: int, query: str) -> bool:
        return self.conversations[row].matches(query)


class ConversationFilter(QSortFilterProxyModel):
    """The conversations whose title or text holds every word searched for."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._query = ""
        self.setSortRole(ConversationModel.SORT_ROLE)

    @property
    def query(self) -> str:
        return self._query

    def set_query(self, query: str) -> None:
        self.beginFilterChange()
        self._query = query.strip()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        return not self._query or (
            isinstance(model, ConversationModel) and model.matches(source_row, self._query)
        )
