"""Importing from ChatGPT: read the writer's data export in the background, list its
conversations to search and tick, show the example each one makes, then add the ticked ones as
one step that Ctrl+Z takes back.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.dataset.example import Example
from fineauthor.core.importers.chatgpt.conversation import Conversation
from fineauthor.core.importers.chatgpt.conversation_list import PackedConversation
from fineauthor.core.importers.chatgpt.examples import to_example
from fineauthor.ui.importing.base import ImportDialogBase
from fineauthor.ui.importing.chatgpt_conversations import (
    ConversationFilter,
    ConversationModel,
    ExportContents,
    read_conversations,
)
from fineauthor.ui.importing.chatgpt_left_out import left_out_text
from fineauthor.ui.importing.chatgpt_preview import ConversationPreview
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.widgets.labels import bold

#: Typing in the search box waits this long for a pause before searching every conversation.
SEARCH_DELAY_MS = 150


class ChatGPTImportDialog(ImportDialogBase):
    """Reads the export at ``path`` as soon as it is made, then lets the writer choose what
    joins ``document``.

    ``state`` is "reading", then "ready" (conversations to choose from), "empty" (none usable)
    or "unusable" (not an export); "added" after Add. Adding emits ``examplesAdded`` with the
    new ids.
    """

    def __init__(
        self, document: ProjectDocument, path: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(document, path, parent)
        self.contents: ExportContents | None = None
        self.model: ConversationModel | None = None
        self.filter = ConversationFilter(self)
        self._current_row: int | None = None
        self._unpacked_row: int | None = None
        self._unpacked_conversation: Conversation | None = None

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._search)

        self.setMinimumWidth(560)
        reading = self.tr("Reading your ChatGPT export “{name}”…").format(name=self.path.name)
        self._set_up(
            self.tr("Import from ChatGPT"),
            [
                self._reading_page(reading, percent=True),
                self._choosing_page(),
                self._problem_page(self.tr("Why nothing can be imported")),
            ],
            self.tr("Add the ticked conversations as examples"),
            fit=False,
        )
        # The names this dialog has always given its problem page.
        self.message_headline, self.message = self.problem_headline, self.problem_label
        path = self.path
        self._read_in_background(
            lambda progress, cancelled: read_conversations(path, progress, cancelled),
            percent=True,
        )

    # Pages -----------------------------------------------------------------------------------

    def _choosing_page(self) -> QWidget:
        page = QWidget()
        self.headline = bold(QLabel(wordWrap=True))
        self.headline.setAccessibleName(self.tr("What the export holds"))

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._list_side())
        self.splitter.addWidget(self._preview_side())
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        self.chosen_label = QLabel(wordWrap=True)
        self.chosen_label.setAccessibleName(self.tr("How many conversations are ticked"))
        self.left_out_label = QLabel(wordWrap=True)
        self.left_out_label.setAccessibleName(self.tr("What was left out of the export"))
        self.left_out_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.left_out_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.headline)
        layout.addWidget(self.splitter, 1)
        layout.addSpacing(4)
        layout.addLayout(self._shape_choice())
        layout.addSpacing(4)
        layout.addWidget(self.chosen_label)
        layout.addWidget(self.left_out_label)
        return page

    def _list_side(self) -> QWidget:
        """The search box, the tick buttons and the list of conversations."""
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(self.tr("Search titles and text"))
        self.search_box.setAccessibleName(self.tr("Search the conversations"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(lambda _text: self._search_timer.start())
        self.tick_shown_button = QPushButton(self.tr("Tick all shown"))
        self.tick_shown_button.setToolTip(self.tr("Tick every conversation the list shows now"))
        self.tick_shown_button.clicked.connect(lambda: self._tick_shown(True))
        self.untick_button = QPushButton(self.tr("Untick all"))
        self.untick_button.setToolTip(self.tr("Untick every conversation, shown or not"))
        self.untick_button.clicked.connect(self._untick_all)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search_box, 1)
        search_row.addWidget(self.tick_shown_button)
        search_row.addWidget(self.untick_button)

        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Conversations"))
        self.table.setModel(self.filter)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(self._double_clicked)
        self.no_match_label = QLabel(wordWrap=True)
        self.no_match_label.hide()

        side = QWidget()
        layout = QVBoxLayout(side)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(search_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.no_match_label)
        return side

    def _preview_side(self) -> QWidget:
        """The example the highlighted conversation makes, and what was left out of it."""
        self.preview_pane = ConversationPreview(self.headline.font())
        return self.preview_pane

    def _shape_choice(self) -> QGridLayout:
        """Keep each conversation whole, or fold its follow-ups: each option explained."""
        self.fold_button = QRadioButton(self.tr("Fold the follow-ups into one prompt"))
        self.keep_button = QRadioButton(self.tr("Keep as a conversation"))
        self.fold_button.setChecked(True)  # the lesson's advice for prompt chains
        self.shape_group = QButtonGroup(self)
        self.shape_group.addButton(self.fold_button)
        self.shape_group.addButton(self.keep_button)
        self.fold_button.toggled.connect(lambda _on: self._show_preview())
        fold_text = QLabel(
            self.tr(
                "Your follow-up requests (“make it longer”, “add dialogue”) join your first "
                "prompt, and ChatGPT’s last, better answer becomes the response, so your model "
                "learns to give that answer first time."
            ),
            wordWrap=True,
        )
        keep_text = QLabel(
            self.tr("Every prompt and answer stays, in order, as one example with follow-ups."),
            wordWrap=True,
        )
        for button, text in ((self.fold_button, fold_text), (self.keep_button, keep_text)):
            text.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            text.setBuddy(button)
            button.setAccessibleDescription(text.text())
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setHorizontalSpacing(12)
        grid.addWidget(QLabel(self.tr("Each ticked conversation becomes one example:")), 0, 0, 1, 2)
        grid.addWidget(self.fold_button, 1, 0)
        grid.addWidget(fold_text, 1, 1)
        grid.addWidget(self.keep_button, 2, 0)
        grid.addWidget(keep_text, 2, 1)
        return grid

    # Reading ---------------------------------------------------------------------------------

    def _read(self, contents: ExportContents) -> None:
        self.contents = contents
        if not contents.conversations:
            self.state = "empty"
            self._show_problem(
                self.tr("No conversation in “{name}” can become an example.").format(
                    name=self.path.name
                ),
                left_out_text(contents.summary) or self.tr("The export holds no conversations."),
            )
            return
        self.state = "ready"
        self.model = ConversationModel(contents, self)
        self.model.chosenChanged.connect(self._chosen_changed)
        self.filter.setSourceModel(self.model)
        self.filter.sort(ConversationModel.DATE, Qt.SortOrder.DescendingOrder)
        self.table.horizontalHeader().setSortIndicator(
            ConversationModel.DATE, Qt.SortOrder.DescendingOrder
        )
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(ConversationModel.TITLE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(ConversationModel.DATE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(
            ConversationModel.PROMPTS, QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(ConversationModel.BEGINNING, QHeaderView.ResizeMode.Stretch)

        count = len(contents.conversations)
        if count == 1:
            headline = self.tr("Your export holds 1 conversation you can use.")
        else:
            headline = self.tr("Your export holds {count} conversations you can use.").format(
                count=f"{count:,}"
            )
        self.headline.setText(
            headline + " " + self.tr("Tick the ones whose answers sound like you.")
        )
        self.left_out_label.setText(left_out_text(contents.summary))
        self.left_out_label.setVisible(bool(self.left_out_label.text()))
        self.add_button.show()
        self._chosen_changed()
        self.pages.setCurrentIndex(1)
        self._fit_window()
        self.table.setColumnWidth(ConversationModel.TITLE, max(220, self.table.width() // 3))
        self.table.selectRow(0)
        self.search_box.setFocus()

    def _fit_window(self) -> None:
        """Room for the list and the preview side by side, within the screen."""
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = 1180, 740
        if screen is not None:
            width = min(width, screen.width() - 40)
            height = min(height, screen.height() - 60)
        self.resize(max(width, self.minimumWidth()), height)
        self.splitter.setSizes([width * 3 // 5, width * 2 // 5])

    # Choosing --------------------------------------------------------------------------------

    @Slot()
    def _search(self) -> None:
        if self.model is None:
            return
        self.filter.set_query(self.search_box.text())
        shown = self.filter.rowCount()
        self.no_match_label.setVisible(shown == 0)
        if shown == 0:
            self.no_match_label.setText(
                self.tr("No conversation has “{query}” in its title or text.").format(
                    query=self.filter.query
                )
            )
            self._set_current(None)
        elif self._current_row is None or not self._row_shown(self._current_row):
            self.table.selectRow(0)
        self._chosen_changed()

    def _row_shown(self, source_row: int) -> bool:
        if self.model is None:
            return False
        return self.filter.mapFromSource(self.model.index(source_row, 0)).isValid()

    def _tick_shown(self, ticked: bool) -> None:
        if self.model is None:
            return
        rows = [
            self.filter.mapToSource(self.filter.index(row, 0)).row()
            for row in range(self.filter.rowCount())
        ]
        self.model.set_chosen(rows, ticked)

    @Slot()
    def _untick_all(self) -> None:
        if self.model is not None:
            self.model.set_chosen(sorted(self.model.chosen), False)

    @Slot(QModelIndex)
    def _double_clicked(self, index: QModelIndex) -> None:
        if self.model is not None and index.isValid():
            self.model.toggle(self.filter.mapToSource(index).row())

    @Slot()
    def _chosen_changed(self) -> None:
        if self.model is None:
            return
        chosen = len(self.model.chosen)
        hidden = sum(1 for row in self.model.chosen if not self._row_shown(row))
        if chosen == 0:
            text = self.tr("Nothing is ticked yet.")
        elif chosen == 1:
            text = self.tr("1 conversation is ticked.")
        else:
            text = self.tr("{count} conversations are ticked.").format(count=f"{chosen:,}")
        if hidden:
            text += " " + self.tr("({count} of them not shown by the search.)").format(
                count=f"{hidden:,}"
            )
        if chosen:
            text += " " + self._where_text(
                self.tr(
                    "They go at the end of “{title}”, oldest first, and are saved at once. To "
                    "take them all back, use Undo ({undo})."
                )
            )
        self.chosen_label.setText(text)
        self.add_button.setEnabled(chosen > 0)
        self.add_button.setText(self._add_text(chosen) if chosen else self.tr("Add examples"))
        self._show_preview()  # "not ticked" in its title may have changed

    @Slot(QModelIndex, QModelIndex)
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.filter.mapToSource(current).row() if current.isValid() else None
        self._set_current(row)

    def _set_current(self, row: int | None) -> None:
        self._current_row = row
        self._show_preview()

    @property
    def fold(self) -> bool:
        """Whether follow-ups are folded into the first prompt."""
        return self.fold_button.isChecked()

    def example_for(self, conversation: Conversation | PackedConversation) -> Example:
        """The example ``conversation`` becomes with the shape chosen now."""
        if isinstance(conversation, PackedConversation):
            conversation = conversation.unpack()
        system = self.document.settings.system_prompt or None
        return to_example(conversation, fold=self.fold, system=system)

    def _unpacked(self, row: int) -> Conversation:
        """The conversation at source ``row`` in full (the last one is kept: the preview is
        drawn again on every tick and every change of shape)."""
        if self._unpacked_row != row or self._unpacked_conversation is None:
            assert self.model is not None
            self._unpacked_conversation = self.model.conversations[row].unpack()
            self._unpacked_row = row
        return self._unpacked_conversation

    def _show_preview(self) -> None:
        if self.model is None or self._current_row is None:
            self.preview_pane.show_nothing()
            return
        conversation = self._unpacked(self._current_row)
        self.preview_pane.show_example(
            conversation,
            self.example_for(conversation),
            ticked=self._current_row in self.model.chosen,
            fold=self.fold,
            target_words=self.document.settings.target_words,
        )

    # Adding ----------------------------------------------------------------------------------

    def chosen_examples(self) -> list[Example]:
        """The examples Add would add, in the order it adds them."""
        if self.model is None:
            return []
        return [self.example_for(c) for c in self.model.chosen_conversations()]

    @Slot()
    def add_examples(self) -> None:
        """Add the ticked conversations as examples, as one undo step, and close."""
        self._add(self.chosen_examples(), self.chosen_label)
