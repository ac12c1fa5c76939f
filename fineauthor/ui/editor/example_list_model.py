"""The list of examples as a Qt model: a short title, the response's length against the target
and the example's check status, for thousands of examples without loading their text."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.widgets.length import length_verdict

MIME_TYPE = "application/x-fineauthor-example-ids"
TITLE_WORDS = 9

ID_ROLE = Qt.ItemDataRole.UserRole + 1
WORDS_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3  # "problem", "advice" or "fine"
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 4  # lower-case text the filter box searches
NUMBER_ROLE = Qt.ItemDataRole.UserRole + 5
REVIEW_ROLE = Qt.ItemDataRole.UserRole + 6  # True: a model wrote the prompt, not yet accepted

FINE = "fine"  # an example the report has nothing to say about

Index = QModelIndex | QPersistentModelIndex


def title_of(prompt_preview: str) -> str:
    words = prompt_preview.split()
    if not words:
        return ""
    title = " ".join(words[:TITLE_WORDS])
    return title + "…" if len(words) > TITLE_WORDS else title


class ExampleListModel(QAbstractListModel):
    """One row per example, in the project's order. The model keeps its own copy of the order
    so it can announce each change to the views before it is visible, as Qt requires."""

    def __init__(self, document: ProjectDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._ids = list(document.ids())
        self._statuses: dict[int, tuple[str, str]] = {}  # id → (status, first message)
        document.examplesInserted.connect(self._inserted)
        document.examplesRemoved.connect(self._removed)
        document.exampleMoved.connect(self._moved)
        document.exampleChanged.connect(self._changed)
        document.settingsChanged.connect(self._everything_changed)
        document.reset.connect(self._reload)

    # Reading -----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def id_at(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, example_id: int) -> int:
        return self._ids.index(example_id)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # noqa: PLR0911
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        example_id = self._ids[index.row()]
        summary = self._document.summary(example_id)
        if role == Qt.ItemDataRole.DisplayRole:
            return title_of(summary.prompt_preview) or self.tr("New example (no prompt yet)")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            title = title_of(summary.prompt_preview) or self.tr("New example (no prompt yet)")
            if summary.prompt_to_review:
                title += self.tr(" (a model's prompt, to review)")
            return title
        if role == NUMBER_ROLE:
            return index.row() + 1
        if role == ID_ROLE:
            return example_id
        if role == WORDS_ROLE:
            return summary.response_words
        if role == STATUS_ROLE:
            return self._statuses.get(example_id, (FINE, ""))[0]
        if role == REVIEW_ROLE:
            return summary.prompt_to_review
        if role == SEARCH_ROLE:
            return f"{summary.prompt_preview}\n{summary.note}".lower()
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(example_id, summary.response_words)
        return None

    def _tooltip(self, example_id: int, words: int) -> str:
        settings = self._document.settings
        lines = [length_verdict(words, settings.target_words, settings.tolerance_words)]
        if self._document.summary(example_id).prompt_to_review:
            lines.append(self.tr("✎ A model wrote this prompt: it waits for you to review it."))
        _, message = self._statuses.get(example_id, (FINE, ""))
        if message:
            lines.append(message)
        return "\n".join(lines)

    def set_statuses(self, statuses: dict[int, tuple[str, str]]) -> None:
        """The check report's verdict per example id: (status, the first message about it)."""
        self._statuses = statuses
        self._everything_changed()

    # Drag to reorder ------------------------------------------------------------------------

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base | Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [MIME_TYPE]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # noqa: N802
        data = QMimeData()
        ids = [str(self._ids[i.row()]) for i in sorted(indexes, key=lambda i: i.row())]
        data.setData(MIME_TYPE, QByteArray(",".join(ids).encode()))
        return data

    def dropMimeData(  # noqa: N802
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: Index,
    ) -> bool:
        if action != Qt.DropAction.MoveAction or not data.hasFormat(MIME_TYPE):
            return False
        ids = [int(x) for x in bytes(data.data(MIME_TYPE).data()).decode().split(",") if x]
        target = row if row >= 0 else (parent.row() if parent.isValid() else len(self._ids))
        for example_id in ids:
            current = self._ids.index(example_id)
            # Dropping below itself: the gap it leaves moves the target up by one.
            destination = target - 1 if current < target else target
            self._document.move(example_id, destination)
            target = self._ids.index(example_id) + 1
        return False  # the document has moved the rows; the view must not remove any

    # Following the document -----------------------------------------------------------------

    def _inserted(self, first: int, count: int) -> None:
        self.beginInsertRows(QModelIndex(), first, first + count - 1)
        self._ids[first:first] = self._document.ids()[first : first + count]
        self.endInsertRows()
        self._renumber(first)

    def _removed(self, first: int, ids: list[int]) -> None:
        self.beginRemoveRows(QModelIndex(), first, first + len(ids) - 1)
        del self._ids[first : first + len(ids)]
        for example_id in ids:
            self._statuses.pop(example_id, None)
        self.endRemoveRows()
        self._renumber(first)

    def _moved(self, old: int, new: int) -> None:
        # Qt's destination is the row *before which* it lands, counted before the move.
        destination = new + 1 if new > old else new
        self.beginMoveRows(QModelIndex(), old, old, QModelIndex(), destination)
        self._ids.insert(new, self._ids.pop(old))
        self.endMoveRows()
        self._renumber(min(old, new))

    def _changed(self, example_id: int) -> None:
        row = self._ids.index(example_id)
        self.dataChanged.emit(self.index(row), self.index(row))

    def _renumber(self, start: int) -> None:
        if start < len(self._ids):
            self.dataChanged.emit(self.index(start), self.index(len(self._ids) - 1), [NUMBER_ROLE])

    def _everything_changed(self) -> None:
        if self._ids:
            self.dataChanged.emit(self.index(0), self.index(len(self._ids) - 1))

    def _reload(self) -> None:
        self.beginResetModel()
        self._ids = list(self._document.ids())
        self._statuses = {}
        self.endResetModel()
