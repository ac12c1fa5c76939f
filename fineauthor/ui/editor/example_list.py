"""The left-hand list of examples: search, a problems-only filter, add, duplicate, delete and
drag to reorder. Each row shows its number, the first words of the prompt, a small bar for the
response's length against the target, the check status, and a mark on a prompt a model wrote
that waits for review. Scenes without a prompt of their own get "Write prompts for N scenes…";
prompts to review get their own filter and "Accept"."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from fineauthor.ui.editor.example_list_model import (
    ID_ROLE,
    NUMBER_ROLE,
    REVIEW_ROLE,
    SEARCH_ROLE,
    STATUS_ROLE,
    WORDS_ROLE,
    ExampleListModel,
)
from fineauthor.ui.report.finding_groups import ADVICE, PROBLEM
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.widgets.length import LONG, ON_TARGET, SHORT, length_status
from fineauthor.ui.widgets.plurals import plural

Index = QModelIndex | QPersistentModelIndex

STATUS_COLOURS = {PROBLEM: QColor("#c0392b"), ADVICE: QColor("#d68910")}
LENGTH_COLOURS = {ON_TARGET: QColor("#3e8e5e"), SHORT: QColor("#c9a227"), LONG: QColor("#c9a227")}


class ExampleFilter(QSortFilterProxyModel):
    """Shows the examples whose prompt or note holds the search text, optionally only those
    with problems or advice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._only_flagged = False
        self._only_review = False

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_only_flagged(self, only: bool) -> None:
        self.beginFilterChange()
        self._only_flagged = only
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_only_review(self, only: bool) -> None:
        self.beginFilterChange()
        self._only_review = only
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    @property
    def active(self) -> bool:
        return bool(self._text) or self._only_flagged or self._only_review

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:  # noqa: N802
        index = self.sourceModel().index(row, 0, parent)
        if self._only_flagged and index.data(STATUS_ROLE) not in (PROBLEM, ADVICE):
            return False
        if self._only_review and not index.data(REVIEW_ROLE):
            return False
        return not self._text or self._text in index.data(SEARCH_ROLE)


class ExampleDelegate(QStyledItemDelegate):
    """Number, title, a length bar and a status dot on one comfortable row."""

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        height = option.fontMetrics.height()
        return QSize(240, height * 2 + 14)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        painter.save()
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text_colour = option.palette.color(group)
        metrics = option.fontMetrics
        rect = option.rect.adjusted(8, 6, -8, -6)
        line = metrics.height()

        number = f"{index.data(NUMBER_ROLE)}."
        number_width = metrics.horizontalAdvance("0000.")
        painter.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(
            QRect(rect.left(), rect.top(), number_width, line), Qt.AlignmentFlag.AlignLeft, number
        )
        if index.data(REVIEW_ROLE):
            # A prompt a model wrote, marked under the number until the writer accepts or
            # edits it (the row's tooltip says so in words).
            role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Link
            painter.setPen(option.palette.color(role))
            painter.drawText(
                QRect(rect.left(), rect.top() + line + 2, number_width, line),
                Qt.AlignmentFlag.AlignLeft,
                "✎",
            )

        status = index.data(STATUS_ROLE)
        dot = 8
        title_left = rect.left() + number_width + 4
        title_width = rect.right() - title_left - (dot + 6 if status in STATUS_COLOURS else 0)
        painter.setPen(text_colour)
        title = metrics.elidedText(str(index.data()), Qt.TextElideMode.ElideRight, title_width)
        painter.drawText(
            QRect(title_left, rect.top(), title_width, line), Qt.AlignmentFlag.AlignLeft, title
        )
        if status in STATUS_COLOURS:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setBrush(STATUS_COLOURS[status])
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(rect.right() - dot, rect.top() + (line - dot) // 2, dot, dot)

        self._paint_length(
            painter,
            option,
            index,
            QRect(title_left, rect.top() + line + 4, rect.right() - title_left, line - 2),
        )
        painter.restore()

    def _paint_length(
        self, painter: QPainter, option: QStyleOptionViewItem, index: Index, area: QRect
    ) -> None:
        settings = self._document.settings
        words = int(index.data(WORDS_ROLE) or 0)
        target = settings.target_words
        bar_width = min(120, area.width() // 2)
        bar = QRect(area.left(), area.top() + area.height() // 2 - 3, bar_width, 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(option.palette.color(QPalette.ColorRole.Midlight))
        painter.drawRoundedRect(bar, 3, 3)
        if target:
            status = length_status(words, target, settings.tolerance_words)
            filled = bar.adjusted(
                0,
                0,
                -bar.width() + min(bar.width(), round(bar.width() * words / (target * 1.5))),
                0,
            )
            painter.setBrush(LENGTH_COLOURS.get(status, QColor("#888")))
            painter.drawRoundedRect(filled, 3, 3)
            # The target itself, as a thin mark two thirds along the bar.
            mark = bar.left() + round(bar.width() / 1.5)
            painter.setBrush(option.palette.color(QPalette.ColorRole.Text))
            painter.drawRect(mark, bar.top() - 2, 1, bar.height() + 4)
        painter.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
        label = plural(words, self.tr("1 word"), self.tr("{count} words"))
        painter.drawText(
            QRect(bar.right() + 8, area.top(), area.width() - bar_width - 8, area.height()),
            Qt.AlignmentFlag.AlignVCenter,
            label,
        )


class ExampleListPanel(QWidget):
    """The list with its search box and buttons."""

    currentExampleChanged = Signal(object)  # noqa: N815  (example id or None)

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.model = ExampleListModel(document, self)
        self.filter = ExampleFilter(self)
        self.filter.setSourceModel(self.model)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Find examples…"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Find examples"))
        self.search.textChanged.connect(self._filter_changed)
        self.only_flagged = QCheckBox(self.tr("Only examples with problems or advice"))
        self.only_flagged.toggled.connect(self._filter_changed)
        self._build_prompt_controls()

        self.view = QListView()
        self.view.setModel(self.filter)
        self.view.setItemDelegate(ExampleDelegate(document, self.view))
        self.view.setUniformItemSizes(True)  # thousands of rows scroll without measuring each
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setAccessibleName(self.tr("Examples"))
        self.view.selectionModel().currentChanged.connect(self._current_changed)

        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.setToolTip(self.tr("Add a new, empty example after the chosen one"))
        self.add_button.clicked.connect(self.add_example)
        self.duplicate_button = QPushButton(self.tr("Duplicate"))
        self.duplicate_button.setToolTip(self.tr("Make a copy of the chosen examples"))
        self.duplicate_button.clicked.connect(self.duplicate_selected)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setToolTip(self.tr("Delete the chosen examples (Undo brings them back)"))
        self.delete_button.clicked.connect(self.delete_selected)

        buttons = QHBoxLayout()
        for button in (self.add_button, self.duplicate_button, self.delete_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.only_flagged)
        layout.addWidget(self.only_review)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.accept_button)
        layout.addWidget(self.write_prompts_button)
        layout.addLayout(buttons)

        # The counts behind the prompt controls, a moment after changes stop (not per key).
        self._counting = QTimer(self)
        self._counting.setSingleShot(True)
        self._counting.setInterval(150)
        self._counting.timeout.connect(self.update_prompt_controls)
        document.datasetChanged.connect(self._counting.start)
        self.update_prompt_controls()

    # Selection ------------------------------------------------------------------------------

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def selected_ids(self) -> list[int]:
        rows = self.view.selectionModel().selectedRows()
        if not rows and self.view.currentIndex().isValid():
            rows = [self.view.currentIndex()]
        return [index.data(ID_ROLE) for index in sorted(rows, key=lambda i: i.row())]

    def select_example(self, example_id: int) -> None:
        """Make ``example_id`` the current example, clearing a filter that hides it."""
        row = self.model.row_of(example_id)
        index = self.filter.mapFromSource(self.model.index(row))
        if not index.isValid():
            self.search.clear()
            self.only_flagged.setChecked(False)
            self.only_review.setChecked(False)
            index = self.filter.mapFromSource(self.model.index(row))
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.currentExampleChanged.emit(current.data(ID_ROLE) if current.isValid() else None)

    def _filter_changed(self) -> None:
        self.filter.set_text(self.search.text())
        self.filter.set_only_flagged(self.only_flagged.isChecked())
        self.filter.set_only_review(self.only_review.isChecked())
        self.accept_button.setVisible(self.only_review.isChecked())
        # Dragging in a filtered list would drop rows between hidden ones: only when unfiltered.
        mode = QAbstractItemView.DragDropMode
        self.view.setDragDropMode(mode.NoDragDrop if self.filter.active else mode.InternalMove)

    # Prompts from prose --------------------------------------------------------------------

    def _build_prompt_controls(self) -> None:
        self.only_review = QCheckBox()
        self.only_review.setToolTip(
            self.tr("Show only the prompts a model wrote that you have not accepted or edited yet")
        )
        self.only_review.toggled.connect(self._filter_changed)
        self.write_prompts_button = QPushButton()
        self.write_prompts_button.setToolTip(
            self.tr(
                "Have a chat model write, for each scene without a prompt of yours, the prompt "
                "that would have asked for it"
            )
        )
        self.write_prompts_button.clicked.connect(self.write_prompts)
        self.accept_button = QPushButton(self.tr("Accept the chosen prompts"))
        self.accept_button.setToolTip(
            self.tr("Keep the prompts of the chosen examples as they are (Undo takes it back)")
        )
        self.accept_button.clicked.connect(self.accept_selected)

    def update_prompt_controls(self) -> None:
        """Show the review filter while there are prompts to review, and "Write prompts for
        N scenes…" while scenes lack a prompt of the writer's own."""
        from fineauthor.ui.editor.write_prompts_dialog import scenes_needing_prompts

        document = self.document
        to_review = sum(1 for i in document.ids() if document.summary(i).prompt_to_review)
        self.only_review.setText(
            self.tr("Only prompts to review ({count})").format(count=f"{to_review:,}")
        )
        self.only_review.setVisible(bool(to_review) or self.only_review.isChecked())
        self.accept_button.setVisible(self.only_review.isChecked())
        needing = len(scenes_needing_prompts(document))
        self.write_prompts_button.setText(
            plural(
                needing,
                self.tr("Write the prompt for 1 scene…"),
                self.tr("Write prompts for {count} scenes…"),
            )
        )
        self.write_prompts_button.setVisible(needing > 0)

    def write_prompts(self, example_ids: list[int] | None = None) -> QDialog:
        """Open “Write prompts for N scenes…” (for ``example_ids``, else every scene)."""
        from fineauthor.ui.editor.write_prompts_dialog import open_write_prompts_dialog

        dialog = open_write_prompts_dialog(self.document, self.window(), example_ids)
        dialog.reviewRequested.connect(self.show_prompts_to_review)
        return dialog

    def show_prompts_to_review(self) -> None:
        self.update_prompt_controls()
        self.only_review.setChecked(True)
        self.view.setFocus()
        if self.filter.rowCount():
            self.view.setCurrentIndex(self.filter.index(0, 0))

    def accept_selected(self) -> None:
        self.document.accept_prompts(self.selected_ids())

    # Actions --------------------------------------------------------------------------------

    def add_example(self) -> None:
        current = self.current_id()
        index = self.document.index_of(current) + 1 if current is not None else None
        example_id = self.document.add_example(index)
        if example_id is not None:
            self.select_example(example_id)

    def duplicate_selected(self) -> None:
        copies = self.document.duplicate(self.selected_ids())
        if copies:
            self.select_example(copies[0])

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        next_row = self.document.index_of(ids[0])
        self.document.delete(ids)
        if self.document.count():
            self.select_example(self.document.id_at(min(next_row, self.document.count() - 1)))
