"""Importing from ChatGPT: read the writer's data export in the background, list its
conversations to search and tick, show the example each one makes, then add the ticked ones as
one step that Ctrl+Z takes back.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
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
    QTimer,
    Signal,
    Slot,
)
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
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.dataset.example import Example
from fineauthor.core.dataset.summary import count_words
from fineauthor.core.importers.chatgpt import (
    Conversation,
    ExportSummary,
    PackedConversation,
    Skipped,
    Unusable,
    pack,
    read_export,
    to_example,
)
from fineauthor.ui.importing.base import ImportDialogBase
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.widgets.labels import bold

#: Typing in the search box waits this long for a pause before searching every conversation.
SEARCH_DELAY_MS = 150
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
        self.preview_title = QLabel(wordWrap=True)
        self.preview_title.setFont(self.headline.font())
        self.preview = QTextBrowser()
        self.preview.setAccessibleName(self.tr("The example this conversation makes"))
        self.preview.setOpenLinks(False)
        self.preview_notes = QLabel(wordWrap=True)
        self.preview_notes.setAccessibleName(self.tr("What was left out of this conversation"))
        self.preview_notes.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        side = QWidget()
        layout = QVBoxLayout(side)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview_title)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.preview_notes)
        return side

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
                self._left_out_text(contents.summary)
                or self.tr("The export holds no conversations."),
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
        self.left_out_label.setText(self._left_out_text(contents.summary))
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

    def _left_out_text(self, summary: ExportSummary) -> str:
        """One paragraph on what the export held that is not listed, or left out of what is."""
        sentences = []
        counts: dict[Unusable, int] = {}
        for item in summary.left_out:
            counts[item.reason] = counts.get(item.reason, 0) + 1
        if counts:
            total = len(summary.left_out)
            lead = (
                self.tr("Not listed: 1 conversation that can’t become an example")
                if total == 1
                else self.tr("Not listed: {count} conversations that can’t become examples").format(
                    count=f"{total:,}"
                )
            )
            why = "; ".join(self._unusable_text(reason, n) for reason, n in counts.items())
            sentences.append(f"{lead} ({why}).")
        if summary.skipped:
            sentences.append(
                self.tr("Left out of the listed ones: {what}.").format(
                    what=self._skipped_text(summary.skipped)
                )
            )
        if summary.with_other_versions:
            sentences.append(
                self.tr(
                    "Where you regenerated an answer or edited a prompt, only the version you "
                    "last saw is used."
                )
            )
        return " ".join(sentences)

    def _unusable_text(self, reason: Unusable, count: int) -> str:
        one = count == 1
        if reason is Unusable.EMPTY:
            text = (
                self.tr("1 has no written messages")
                if one
                else self.tr("{count} have no written messages")
            )
        elif reason is Unusable.NO_ANSWER:
            text = (
                self.tr("1 has no written answer from ChatGPT")
                if one
                else self.tr("{count} have no written answer from ChatGPT")
            )
        elif reason is Unusable.NO_PROMPT:
            text = (
                self.tr("1 has no prompt of yours")
                if one
                else self.tr("{count} have no prompt of yours")
            )
        else:
            text = self.tr("1 is damaged") if one else self.tr("{count} are damaged")
        return text.format(count=f"{count:,}")

    def _skipped_text(self, skipped: Mapping[Skipped, int]) -> str:
        labels = {
            Skipped.HIDDEN: self.tr("hidden instructions ChatGPT was given"),
            Skipped.SETTINGS: self.tr("your custom instructions and ChatGPT’s memory"),
            Skipped.TOOLS: self.tr("web searches, code, picture making and their results"),
            Skipped.THINKING: self.tr("ChatGPT’s thinking notes"),
            Skipped.PICTURES: self.tr("pictures"),
            Skipped.ATTACHMENTS: self.tr("attached files and audio"),
            Skipped.OTHER: self.tr("other things that aren’t text"),
            Skipped.DAMAGED: self.tr("damaged messages"),
        }
        ordered = sorted(skipped.items(), key=lambda item: -item[1])
        return ", ".join(f"{labels[reason]} ({count:,})" for reason, count in ordered)

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
            self.preview_title.setText(self.tr("Preview"))
            self.preview.setHtml(
                "<p>"
                + html.escape(self.tr("Click a conversation to see the example it makes."))
                + "</p>"
            )
            self.preview_notes.clear()
            return
        conversation = self._unpacked(self._current_row)
        ticked = self._current_row in self.model.chosen
        title = self.tr("The example from “{title}”").format(title=conversation.title)
        if not ticked:
            title += " " + self.tr("(not ticked, so it won’t be added)")
        self.preview_title.setText(title)
        scroll = self.preview.verticalScrollBar().value()
        same = self.preview.property("conversation") == conversation.number
        self.preview.setHtml(self._example_html(conversation, self.example_for(conversation)))
        self.preview.setProperty("conversation", conversation.number)
        if same:  # ticking keeps the writer's place; another conversation starts at the top
            self.preview.verticalScrollBar().setValue(scroll)
        notes = []
        if conversation.left_out:
            notes.append(
                self.tr("Left out of this example: {what}.").format(
                    what=self._skipped_text(conversation.left_out)
                )
            )
        if conversation.other_versions:
            notes.append(
                self.tr(
                    "You regenerated or edited here: this is the version you last saw; the "
                    "others aren’t used."
                )
            )
        self.preview_notes.setText(" ".join(notes))
        self.preview_notes.setVisible(bool(notes))

    def _example_html(self, conversation: Conversation, example: Example) -> str:
        """The example as the writer will find it in the editor: headed parts, word counts."""
        palette = self.palette()
        mark = palette.color(QPalette.ColorRole.Highlight)
        mark.setAlpha(60)
        mark_css = f"rgba({mark.red()},{mark.green()},{mark.blue()},0.25)"
        muted = palette.color(QPalette.ColorRole.PlaceholderText).name()
        parts: list[str] = []
        messages = example.messages
        last_answer = max(i for i, m in enumerate(messages) if m.role == "assistant")
        user_seen = 0
        for index, message in enumerate(messages):
            body = _paragraphs(message.content)
            if message.role == "system":
                heading = self.tr("System prompt (your project’s)")
            elif message.role == "user":
                user_seen += 1
                if self.fold and conversation.prompts > 1:
                    heading = self.tr("Prompt, with your follow-ups folded in (highlighted)")
                    first = conversation.turns[0].text
                    kept = _common_start(first, message.content)
                    body = _paragraphs(message.content[:kept]) + (
                        f'<span style="background-color:{mark_css}">'
                        + _paragraphs(message.content[kept:])
                        + "</span>"
                    )
                elif user_seen == 1:
                    heading = self.tr("Prompt")
                else:
                    heading = self.tr("Follow-up prompt {number}").format(number=user_seen - 1)
            elif index == last_answer:
                words = count_words(message.content)
                heading = self._response_heading(words, conversation)
            else:
                heading = self.tr("Answer")
            parts.append(
                f'<p style="margin-top:10px;margin-bottom:2px;color:{muted}">'
                f"<b>{html.escape(heading)}</b></p>"
                f'<p style="margin-top:0">{body}</p>'
            )
        return "".join(parts)

    def _response_heading(self, words: int, conversation: Conversation) -> str:
        if self.fold and conversation.prompts > 1:
            heading = self.tr("Response: ChatGPT’s last answer")
        else:
            heading = self.tr("Response") if conversation.prompts == 1 else self.tr("Last answer")
        heading += " · " + (
            self.tr("1 word") if words == 1 else self.tr("{count} words").format(count=f"{words:,}")
        )
        target = self.document.settings.target_words
        if target:
            heading += " " + self.tr("(your target: {target})").format(target=f"{target:,}")
        return heading

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


def _paragraphs(text: str) -> str:
    """Plain text as HTML that keeps its line breaks."""
    return html.escape(text).replace("\n", "<br>")


def _common_start(first: str, second: str) -> int:
    """How many characters ``first`` and ``second`` share at their start."""
    length = min(len(first), len(second))
    for index in range(length):
        if first[index] != second[index]:
            return index
    return length
