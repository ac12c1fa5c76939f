"""The preference pairs as a Qt table: the prompt, the preferred reply, the other one, where the
pair came from and when, one row per pair in the project's order.

The model keeps its own copy of the ids, so it can announce each change to the views before it
shows, as Qt requires; the pairs themselves are read from the document.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDateTime,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from fineauthor.core.dataset.preference_pair import (
    BLIND_CHOICE,
    BY_HAND,
    IMPORTED,
    PREFERRED_AT_BENCH,
    PreferencePair,
)
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.widgets.price_words import moment_text

PROMPT, PREFERRED, OTHER, SOURCE, WHEN = range(5)
COLUMN_COUNT = 5

PAIR_ID_ROLE = Qt.ItemDataRole.UserRole + 1
NUMBER_ROLE = Qt.ItemDataRole.UserRole + 2  # the pair's place, from 1, as the checks name it

PREVIEW_WORDS = 12
TOOLTIP_CHARACTERS = 600

Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("PairListModel", text)


def source_text(source: str) -> str:
    """Where a pair came from, in a few words."""
    return {
        BLIND_CHOICE: _tr("Blind choice"),
        PREFERRED_AT_BENCH: _tr("Test bench"),
        IMPORTED: _tr("Imported"),
        BY_HAND: _tr("Written by you"),
    }.get(source, _tr("Written by you"))


def preview(text: str, words: int = PREVIEW_WORDS) -> str:
    """The first few words of ``text`` on one line."""
    parts = text.split()
    shown = " ".join(parts[:words])
    return shown + "…" if len(parts) > words else shown


def when_text(moment: str | None) -> str:
    """A stored ISO-8601 UTC time in the writer's local time, short ("3 Dec 2026, 08:17")."""
    if not moment:
        return ""
    parsed = QDateTime.fromString(moment, Qt.DateFormat.ISODateWithMs)
    if not parsed.isValid():
        parsed = QDateTime.fromString(moment, Qt.DateFormat.ISODate)
    if not parsed.isValid():
        return ""
    return moment_text(parsed)


class PairListModel(QAbstractTableModel):
    """One row per preference pair of ``document``, in the project's order."""

    def __init__(self, document: ProjectDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._ids = [pair.id for pair in document.pairs()]
        document.pairsInserted.connect(self._inserted)
        document.pairsRemoved.connect(self._removed)
        document.pairChanged.connect(self._changed)
        document.reset.connect(self._reload)

    # Reading -----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else COLUMN_COUNT

    def id_at(self, row: int) -> int:
        return self._ids[row]  # type: ignore[return-value]

    def row_of(self, pair_id: int) -> int:
        """The row of ``pair_id``; ValueError if it is not listed."""
        return self._ids.index(pair_id)

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return QLocale().toString(section + 1)
        return {
            PROMPT: self.tr("Prompt"),
            PREFERRED: self.tr("You preferred"),
            OTHER: self.tr("Over this one"),
            SOURCE: self.tr("From"),
            WHEN: self.tr("When"),
        }.get(section)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        pair = self._document.pair(self._ids[index.row()])  # type: ignore[arg-type]
        if role == PAIR_ID_ROLE:
            return pair.id
        if role == NUMBER_ROLE:
            return index.row() + 1
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._shown(pair, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(pair, index.column())
        return None

    def _shown(self, pair: PreferencePair, column: int) -> str:
        if column == PROMPT:
            return preview(pair.prompt) or self.tr("(no prompt)")
        if column == PREFERRED:
            return preview(pair.preferred) or self.tr("(empty)")
        if column == OTHER:
            return preview(pair.other) or self.tr("(empty)")
        if column == SOURCE:
            return source_text(pair.source)
        if column == WHEN:
            return when_text(pair.created)
        return ""

    def _tooltip(self, pair: PreferencePair, column: int) -> str:
        text = {PROMPT: pair.prompt, PREFERRED: pair.preferred, OTHER: pair.other}.get(column)
        if text is not None:
            model = {PREFERRED: pair.preferred_model, OTHER: pair.other_model}.get(column, "")
            shown = text if len(text) <= TOOLTIP_CHARACTERS else text[:TOOLTIP_CHARACTERS] + "…"
            return (self.tr("Written by %1").replace("%1", model) + "\n\n" if model else "") + shown
        if column == SOURCE and pair.preferred_model and pair.other_model:
            return (
                self.tr("%1 over %2")
                .replace("%1", pair.preferred_model)
                .replace("%2", pair.other_model)
            )
        return ""

    # Following the document -----------------------------------------------------------------

    def _inserted(self, first: int, count: int) -> None:
        self.beginInsertRows(QModelIndex(), first, first + count - 1)
        self._ids[first:first] = [p.id for p in self._document.pairs()[first : first + count]]
        self.endInsertRows()

    def _removed(self, first: int, count: int) -> None:
        self.beginRemoveRows(QModelIndex(), first, first + count - 1)
        del self._ids[first : first + count]
        self.endRemoveRows()

    def _changed(self, pair_id: int) -> None:
        if pair_id in self._ids:
            row = self._ids.index(pair_id)
            self.dataChanged.emit(self.index(row, 0), self.index(row, COLUMN_COUNT - 1))

    def _reload(self) -> None:
        self.beginResetModel()
        self._ids = [pair.id for pair in self._document.pairs()]
        self.endResetModel()
