"""A manuscript's pieces (chapters or scenes) as a Qt table: title with a tick for keeping it,
length against the target, and how it begins; merged and split in place. Tested without a
view."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from fineauthor.core.dataset.summary import preview
from fineauthor.core.importers.manuscript.pieces import Piece, merge, split_at, worth_keeping
from fineauthor.ui.widgets.length import LONG, ON_TARGET, SHORT, length_status, length_verdict

_STATUS_COLOURS = {ON_TARGET: QColor("#3e8e5e"), SHORT: QColor("#b98a35"), LONG: QColor("#b46a45")}

Index = QModelIndex | QPersistentModelIndex


class PiecesModel(QAbstractTableModel):
    """The pieces of a manuscript, each with a tick for keeping it."""

    TITLE, LENGTH, BEGINS = range(3)
    PIECE_ROLE = Qt.ItemDataRole.UserRole + 1

    changed = Signal()  # pieces or ticks changed (counts and previews follow)

    def __init__(
        self, target: int | None = None, tolerance: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._pieces: list[Piece] = []
        self._kept: list[bool] = []
        self._target = target
        self._tolerance = tolerance

    # Reading ---------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._pieces)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 3

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Title"), self.tr("Length"), self.tr("Begins with"))[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # noqa: PLR0911
        if not index.isValid():
            return None
        piece = self._pieces[index.row()]
        column = index.column()
        if role == self.PIECE_ROLE:
            return piece
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.TITLE:
                return piece.title
            if column == self.LENGTH:
                return length_verdict(piece.words, self._target, self._tolerance)
            return preview(piece.text)
        if role == Qt.ItemDataRole.CheckStateRole and column == self.TITLE:
            return Qt.CheckState.Checked if self._kept[index.row()] else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and column == self.LENGTH:
            return _STATUS_COLOURS.get(length_status(piece.words, self._target, self._tolerance))
        if role == Qt.ItemDataRole.ToolTipRole:
            return preview(piece.text[:2000]) if column == self.BEGINS else piece.title
        if role == Qt.ItemDataRole.AccessibleTextRole and column == self.TITLE:
            kept = self.tr("kept") if self._kept[index.row()] else self.tr("left out")
            return f"{piece.title}, {kept}"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.TITLE:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
        self.set_kept(index.row(), checked)
        return True

    def pieces(self) -> list[Piece]:
        return list(self._pieces)

    def piece(self, row: int) -> Piece:
        return self._pieces[row]

    def is_kept(self, row: int) -> bool:
        return self._kept[row]

    def kept(self) -> list[Piece]:
        """The ticked pieces, in order."""
        return [piece for piece, keep in zip(self._pieces, self._kept, strict=True) if keep]

    # Changing --------------------------------------------------------------------------------

    def set_pieces(self, pieces: list[Piece], kept: list[bool] | None = None) -> None:
        """New pieces; without ``kept``, all but the tiny ones are ticked."""
        self.beginResetModel()
        self._pieces = list(pieces)
        self._kept = list(kept) if kept is not None else worth_keeping(pieces)
        self.endResetModel()
        self.changed.emit()

    def set_kept(self, row: int, keep: bool) -> None:
        if self._kept[row] != keep:
            self._kept[row] = keep
            cell = self.index(row, self.TITLE)
            self.dataChanged.emit(cell, cell, [Qt.ItemDataRole.CheckStateRole])
            self.changed.emit()

    def set_all_kept(self, keep: bool) -> None:
        self._kept = [keep] * len(self._pieces)
        if self._pieces:
            self.dataChanged.emit(
                self.index(0, self.TITLE),
                self.index(len(self._pieces) - 1, self.TITLE),
                [Qt.ItemDataRole.CheckStateRole],
            )
        self.changed.emit()

    def merge_with_next(self, row: int) -> None:
        """Join a piece and the one after it; kept if either was."""
        kept = self._kept[row] or self._kept[row + 1]
        self.set_pieces(merge(self._pieces, row), [*self._kept[:row], kept, *self._kept[row + 2 :]])

    def split(self, row: int, paragraph: int) -> None:
        """Cut a piece before one of its paragraphs; both halves keep its tick."""
        kept = self._kept[row]
        self.set_pieces(
            split_at(self._pieces, row, paragraph),
            [*self._kept[:row], kept, kept, *self._kept[row + 1 :]],
        )
