"""One model's reply on the bench: the column that shows it (title, state, the text, editable
once it has arrived, its scores with the banned phrases marked, and "Add to My Examples"), and
the Reply object that carries a streamed reply from its worker to the column on the GUI thread.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QLocale, QObject, Qt, Signal, Slot
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.dataset.summary import count_words
from fineauthor.core.writing.bench_scoring import FINE_TUNED, OutputScore
from fineauthor.ui.bench.hint import hint
from fineauthor.ui.shell.workers import Task
from fineauthor.ui.widgets.labels import muted

# A column's state.
IDLE, STREAMING, DONE, STOPPED, FAILED = "idle", "streaming", "done", "stopped", "failed"

# Banned phrases in a reply: a soft red under the text, readable in light and dark palettes.
_BANNED_BACKGROUND = QColor(232, 96, 96, 110)


class Reply(QObject):
    """One model's reply in one run, carried from its worker to the GUI thread.

    The worker emits ``piece`` (and ``broke`` if FineAuthor itself fails); the slots here run on
    the GUI thread and pass everything on to the column only while this is still the column's
    current reply, so a stopped or replaced reply that is still arriving changes nothing. It is
    a child of its column and deletes itself once its work has ended.
    """

    piece = Signal(str)
    broke = Signal()

    def __init__(self, column: OutputColumn) -> None:
        super().__init__(column)
        self.column = column
        self.piece.connect(self._deliver)
        self.broke.connect(self._broke)

    @property
    def current(self) -> bool:
        return self.column.reply is self

    @Slot(str)
    def _deliver(self, text: str) -> None:
        if self.current:
            self.column.add_piece(text)

    @Slot(object)
    def succeeded(self, completed: object) -> None:
        if self.current:
            self.column.end(DONE if completed else STOPPED)
        self.deleteLater()

    @Slot(str)
    def failed(self, message: str) -> None:
        if self.current:
            self.column.fail(message)
        self.deleteLater()

    @Slot()
    def _broke(self) -> None:
        if self.current:
            self.column.fail(
                self.column.tr(
                    "Something went wrong inside FineAuthor while the reply came in. The error "
                    "report has the details."
                )
            )
        self.deleteLater()


def _utf16_positions(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Python (code point) spans as the UTF-16 positions a QTextDocument counts in."""

    def at(index: int) -> int:
        return len(text[:index].encode("utf-16-le")) // 2

    return [(at(start), at(end)) for start, end in spans]


class OutputColumn(QWidget):
    """One model's reply: a title, its state, the text (editable once it has arrived), the
    scores, and "Add to my examples"."""

    useRequested = Signal()  # noqa: N815  the writer wants this reply as an example
    preferRequested = Signal()  # noqa: N815  the writer prefers this reply over the other
    edited = Signal()  # the text changed (a piece arrived, or the writer typed)
    ended = Signal()  # the reply finished, was stopped or failed

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name  # "left" or "right", for accessible names
        self.side: str = FINE_TUNED
        self.model = ""
        self.state = IDLE
        self.reply: Reply | None = None
        self._task: Task | None = None
        self._build()

    def _build(self) -> None:
        self.title = QLabel()
        title_font = self.title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.subtitle = muted(QLabel())
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle.setWordWrap(True)
        self.status = QLabel()
        self.status.setAccessibleName(self.tr("Reply status"))
        self.status.setWordWrap(True)

        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setAccessibleName(self.tr("Reply"))
        self.output.setPlaceholderText(self.tr("Press Run to see this model’s reply here."))
        self.output.textChanged.connect(self.edited)

        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.setAccessibleName(self.tr("What went wrong"))
        self.problem.setFrameShape(QFrame.Shape.StyledPanel)
        self.problem.setMargin(8)
        self.problem.hide()

        self.scores = QTextBrowser()
        self.scores.setOpenLinks(False)
        self.scores.setAccessibleName(self.tr("Scores against your win conditions"))
        self.scores.setFrameShape(QFrame.Shape.NoFrame)
        self.scores.viewport().setAutoFillBackground(False)

        self.use_button = QPushButton(self.tr("Add to My Examples"))
        self.use_button.setToolTip(
            self.tr(
                "Adds this reply, as it is now (edit it first if you like), to your examples "
                "with the prompt it answered. Undo takes it back."
            )
        )
        self.use_button.setEnabled(False)
        self.use_button.clicked.connect(self.useRequested)
        self.prefer_button = QPushButton(self.tr("I Prefer This One"))
        self.prefer_button.setToolTip(
            self.tr(
                "Keeps this reply, over the other, as a choice a second round of training "
                "can learn from (Train ▸ Learn from your choices). Undo takes it back."
            )
        )
        self.prefer_button.setEnabled(False)
        self.prefer_button.clicked.connect(self.preferRequested)
        self.note = hint("")
        self._lay_out()

    def _lay_out(self) -> None:
        text_area = QWidget()
        text_layout = QVBoxLayout(text_area)
        text_layout.setContentsMargins(0, 0, 0, 0)
        text_layout.addWidget(self.output, 1)
        text_layout.addWidget(self.problem)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(text_area)
        self.splitter.addWidget(self.scores)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.prefer_button)
        buttons.addWidget(self.note, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.status)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(buttons)

    # The text -------------------------------------------------------------------------------

    def text(self) -> str:
        return self.output.toPlainText()

    def set_heading(self, title: str, subtitle: str) -> None:
        self.title.setText(title)
        self.subtitle.setText(subtitle)
        self.subtitle.setVisible(bool(subtitle))
        self.setAccessibleName(title)

    def begin(self, side: str, model: str) -> Reply:
        """Make ready for the reply of ``model``; the returned reply carries it here."""
        self.side, self.model, self.state = side, model, STREAMING
        self.reply = Reply(self)
        self._task = None
        self.output.setReadOnly(True)
        self.output.clear()
        self.clear_scores()
        self.problem.hide()
        self.note.clear()
        self.use_button.setEnabled(False)
        self.prefer_button.setEnabled(False)
        self.show_status()
        return self.reply

    def attach(self, task: Task) -> None:
        """The work bringing the reply (so Stop can stop it)."""
        self._task = task

    def stop(self) -> None:
        """The writer pressed Stop: keep what came so far."""
        if self.state != STREAMING:
            return
        if self._task is not None:
            self._task.cancel()
        self.end(STOPPED)

    def add_piece(self, piece: str) -> None:
        if self.state != STREAMING:
            return
        # The view stays where the writer has it (the start, to read from the top), and follows
        # the end only once they have scrolled down to it.
        bar = self.output.verticalScrollBar()
        at_end = 0 < bar.value() >= bar.maximum() - 4
        cursor = QTextCursor(self.output.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(piece)
        if at_end:
            bar.setValue(bar.maximum())

    def fail(self, message: str) -> None:
        """The reply could not be had: say why, in the service's or FineAuthor's words."""
        if self.state != STREAMING:
            return
        self.problem.setText(message)
        self.problem.show()
        self.end(FAILED)

    def end(self, state: str) -> None:
        """The reply is over (DONE, STOPPED or FAILED): what came is kept and can be edited."""
        if self.state != STREAMING:
            return
        self.state = state
        self.reply = None
        self._task = None
        self.output.setReadOnly(False)  # the writer may now edit it in place
        self.show_status()
        self.edited.emit()
        self.ended.emit()

    def show_status(self) -> None:
        words = count_words(self.text()) if self.state != IDLE else 0
        count = QLocale().toString(words)
        if self.state == STREAMING:
            text = self.tr("Writing… %1 words so far").replace("%1", count)
        elif self.state == DONE:
            text = self.tr("Finished: %1 words. You can edit the reply in place.").replace(
                "%1", count
            )
        elif self.state == STOPPED:
            text = self.tr("Stopped at %1 words. What came so far is kept.").replace("%1", count)
        elif self.state == FAILED:
            text = self.tr("No reply this time.")
        else:
            text = ""
        self.status.setText(text)

    # Scores and highlights -------------------------------------------------------------------

    def show_scores(self, scored: OutputScore, report: str) -> None:
        """Show ``scored`` (for the text as it is now) and highlight its banned phrases."""
        self.scores.setHtml(report)
        selections = []
        for start, end in _utf16_positions(scored.text, scored.spans):
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.output.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            form = QTextCharFormat()
            form.setBackground(_BANNED_BACKGROUND)
            form.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            form.setUnderlineColor(QColor(200, 40, 40))
            selection.format = form
            selections.append(selection)
        self.output.setExtraSelections(selections)

    def hide_scores(self, why: str) -> None:
        """Say why there are no scores yet, and mark nothing."""
        self.scores.setHtml(f"<p><i>{html.escape(why)}</i></p>")
        self.output.setExtraSelections([])

    def highlighted(self) -> list[str]:
        """The pieces of text highlighted as banned phrases, in order."""
        return [s.cursor.selectedText() for s in self.output.extraSelections()]

    def clear_scores(self) -> None:
        self.scores.clear()
        self.output.setExtraSelections([])
