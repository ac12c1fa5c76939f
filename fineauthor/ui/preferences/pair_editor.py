"""One preference pair as the writer edits it: the prompt above, the reply they preferred and
the one they passed over side by side below, where it came from, and Swap and Delete.

Like the example editor it never writes to the project itself: typing goes to
``ProjectDocument.set_pair_text`` (on disk at once, undoable in bursts), and what the document
then reports is shown without being echoed back as an edit.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedLayout,
    QWidget,
)

from fineauthor.core.dataset.preference_pair import PreferencePair
from fineauthor.ui.editor.message_field import MessageField
from fineauthor.ui.editor.prose_edit import prose_font
from fineauthor.ui.preferences.pair_list_model import source_text, when_text
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.widgets.labels import muted


class PairEditor(QWidget):
    """Edit one pair of a :class:`ProjectDocument`; ``show_pair(None)`` shows a calm page."""

    zoomRequested = Signal(int)  # noqa: N815  (Ctrl+wheel in a reply: larger or smaller text)

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._id: int | None = None
        self.setAccessibleName(self.tr("Choice editor"))
        font = prose_font("", 12)

        self.empty = muted(
            QLabel(
                self.tr(
                    "Choose one of your choices on the left. Each is a prompt, the reply you "
                    "preferred and the one you passed over."
                )
            )
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)

        self.where = muted(QLabel())
        self.where.setWordWrap(True)
        self.prompt_field = self._field(
            self.tr("The prompt"), self.tr("What both models were asked."), font, 90
        )
        self.preferred_field = self._field(
            self.tr("The reply you preferred"),
            self.tr("The reply the next training learns to write more like."),
            font,
            200,
        )
        self.other_field = self._field(
            self.tr("The reply you passed over"),
            self.tr("The reply the next training learns to write less like."),
            font,
            200,
        )
        self.swap_button = QPushButton(self.tr("Swap: the Other One Is Better"))
        self.swap_button.setToolTip(
            self.tr("Make the reply you passed over the preferred one (Undo takes it back)")
        )
        self.swap_button.clicked.connect(self._swap)
        self.delete_button = QPushButton(self.tr("Delete This Choice"))
        self.delete_button.setToolTip(self.tr("Forget this choice (Undo brings it back)"))
        self.delete_button.clicked.connect(self._delete)

        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(24, 18, 24, 16)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(12)
        grid.addWidget(self.where, 0, 0, 1, 2)
        grid.addWidget(self.prompt_field, 1, 0, 1, 2)
        grid.addWidget(self.preferred_field, 2, 0)
        grid.addWidget(self.other_field, 2, 1)
        grid.setRowStretch(1, 1)
        grid.setRowStretch(2, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.swap_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        grid.addLayout(buttons, 3, 0, 1, 2)

        self._stack = QStackedLayout(self)
        self._stack.addWidget(self.empty)
        self._stack.addWidget(page)
        self._page = page

        self.prompt_field.edited.connect(lambda text: self._typed("prompt", text))
        self.preferred_field.edited.connect(lambda text: self._typed("preferred", text))
        self.other_field.edited.connect(lambda text: self._typed("other", text))
        document.pairChanged.connect(self._pair_changed)
        document.pairsRemoved.connect(self._pairs_removed)
        document.settingsChanged.connect(self._show_lengths)
        document.reset.connect(lambda: self.show_pair(self._id))

    def _field(self, title: str, tooltip: str, font: QFont, height: int) -> MessageField:
        field = MessageField(
            title,
            accessible_name=title,
            tooltip=tooltip,
            undo_stack=self._document.undo_stack,
            minimum_height=height,
            parent=self,
        )
        field.set_prose_font(font)
        field.zoomRequested.connect(self.zoomRequested)
        return field

    def set_prose_font(self, font: QFont) -> None:
        """Show the prompt and both replies in ``font`` (the writer's, zoom included)."""
        for field in (self.prompt_field, self.preferred_field, self.other_field):
            field.set_prose_font(font)

    @property
    def current_id(self) -> int | None:
        return self._id

    def show_pair(self, pair_id: int | None) -> None:
        """Show a pair, or the calm page for None (or an id the project no longer has)."""
        pair = None
        if pair_id is not None:
            try:
                pair = self._document.pair(pair_id)
            except KeyError:
                pair = None
        self._id = pair.id if pair is not None else None
        if pair is None:
            self._stack.setCurrentWidget(self.empty)
            for field in (self.prompt_field, self.preferred_field, self.other_field):
                field.load("")
            return
        self.prompt_field.load(pair.prompt)
        self.preferred_field.load(pair.preferred)
        self.other_field.load(pair.other)
        self._show_where(pair)
        self._show_lengths()
        self._stack.setCurrentWidget(self._page)

    def _show_where(self, pair: PreferencePair) -> None:
        parts = [source_text(pair.source)]
        if pair.created:
            parts.append(when_text(pair.created))
        text = " · ".join(parts)
        if pair.preferred_model and pair.other_model:
            # Model names are long ids: on a line of their own, not glued to an apostrophe.
            models = self.tr("The reply you preferred came from {better}; the other from {worse}.")
            text += "\n" + models.format(better=pair.preferred_model, worse=pair.other_model)
        self.where.setText(text)
        self.where.setForegroundRole(QPalette.ColorRole.PlaceholderText)

    def _show_lengths(self) -> None:
        settings = self._document.settings
        self.preferred_field.show_length(settings.target_words, settings.tolerance_words)

    def _typed(self, part: str, text: str) -> None:
        if self._id is not None:
            self._document.set_pair_text(self._id, part, text)

    def _swap(self) -> None:
        if self._id is not None:
            self._document.swap_pair(self._id)

    def _delete(self) -> None:
        if self._id is not None:
            self._document.delete_pairs([self._id])

    def _pair_changed(self, pair_id: int) -> None:
        if pair_id != self._id:
            return
        pair = self._document.pair(pair_id)
        self.prompt_field.set_text(pair.prompt)
        self.preferred_field.set_text(pair.preferred)
        self.other_field.set_text(pair.other)
        self._show_where(pair)

    def _pairs_removed(self, _first: int, _count: int) -> None:
        if self._id is not None and all(p.id != self._id for p in self._document.pairs()):
            self.show_pair(None)
