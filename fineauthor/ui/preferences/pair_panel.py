"""The list of the writer's choices (preference pairs) beside the examples: each a prompt and
where it came from, with Delete, and a plain word on what they are for while there are none."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from fineauthor.ui.preferences.pair_list_model import (
    PAIR_ID_ROLE,
    PROMPT,
    SOURCE,
    WHEN,
    PairListModel,
)
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.widgets.labels import muted
from fineauthor.ui.widgets.plurals import plural


class _TwoLines(QStyledItemDelegate):
    """The prompt's first words, and under them where the choice came from and when."""

    def initStyleOption(  # noqa: N802
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        model = index.model()
        where = " · ".join(w for c in (SOURCE, WHEN) if (w := model.index(index.row(), c).data()))
        # Each line cut to the row's width here: Qt would cut the two as one line.
        view = self.parent()
        width = option.rect.width() or (view.viewport().width() if view else 200)
        room = max(40, width - 12)
        metrics = option.fontMetrics
        lines = (option.text, where)
        option.text = "\n".join(
            metrics.elidedText(line, Qt.TextElideMode.ElideRight, room) for line in lines
        )
        option.textElideMode = Qt.TextElideMode.ElideNone
        # Drawn as two lines only when wrapping is on; each line already fits, so it is cut
        # nowhere else.
        option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText


class PairListPanel(QWidget):
    """The choices, one row each (the prompt's first words; the rest in its tooltip)."""

    currentPairChanged = Signal(object)  # noqa: N815  (pair id or None)

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.model = PairListModel(document, self)
        self.about = muted(QLabel())
        self.about.setWordWrap(True)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setModelColumn(PROMPT)
        self.view.setItemDelegate(_TwoLines(self.view))
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setSpacing(2)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAccessibleName(self.tr("Your choices"))
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setToolTip(self.tr("Forget the chosen choices (Undo brings them back)"))
        self.delete_button.clicked.connect(self.delete_selected)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.about)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.delete_button)
        document.pairsChanged.connect(self._show_about)
        document.reset.connect(self._show_about)
        self._show_about()

    def _show_about(self) -> None:
        count = self.document.pair_count()
        if count:
            self.about.setText(
                plural(
                    count,
                    self.tr("1 choice you made between two replies."),
                    self.tr("{count} choices you made between two replies."),
                )
                + " "
                + self.tr(
                    "To teach a model from them, choose Train ▸ Train a Model… and “Learn from "
                    "your choices”."
                )
            )
        else:
            self.about.setText(
                self.tr(
                    "No choices yet. At the test bench, choose blind which reply sounds like "
                    "you, or press I Prefer This One: each choice is kept here, and a second "
                    "round of training can learn from them."
                )
            )
        self.delete_button.setEnabled(count > 0)

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return index.data(PAIR_ID_ROLE) if index.isValid() else None

    def selected_ids(self) -> list[int]:
        rows = self.view.selectionModel().selectedRows(PROMPT)
        if not rows and self.view.currentIndex().isValid():
            rows = [self.view.currentIndex()]
        return [index.data(PAIR_ID_ROLE) for index in sorted(rows, key=lambda i: i.row())]

    def select_pair(self, pair_id: int) -> None:
        index = self.model.index(self.model.row_of(pair_id), PROMPT)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.currentPairChanged.emit(current.data(PAIR_ID_ROLE) if current.isValid() else None)

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        row = self.model.row_of(ids[0])
        self.document.delete_pairs(ids)
        if self.model.rowCount():
            self.select_pair(self.model.id_at(min(row, self.model.rowCount() - 1)))
