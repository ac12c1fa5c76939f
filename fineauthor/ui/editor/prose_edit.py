"""The text field for long prose and the type it is set in: a readable book face, a little air
between the lines and around the page, and pasted text kept plain.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QFont,
    QKeyEvent,
    QKeySequence,
    QTextBlockFormat,
    QTextCursor,
    QTextOption,
    QUndoStack,
    QWheelEvent,
)
from PySide6.QtWidgets import QTextEdit, QWidget

# Readable book faces found on common systems, best first; the platform's serif is the last
# resort. A family chosen in Settings goes in front of them.
SERIF_FAMILIES = (
    "Charter",
    "Iowan Old Style",
    "Georgia",
    "Palatino Linotype",
    "Book Antiqua",
    "Palatino",
    "Cambria",
    "Source Serif 4",
    "Source Serif Pro",
    "Literata",
    "Noto Serif",
    "DejaVu Serif",
    "Liberation Serif",
    "Times New Roman",
    "serif",
)

# Prose is easier to read with a little air between the lines and around the page.
LINE_HEIGHT_PERCENT = 135
DOCUMENT_MARGIN = 18


def prose_font(family: str = "", size: float = 13) -> QFont:
    """The font for prose: ``family`` if given and installed, else a readable serif."""
    font = QFont()
    families = [family, *SERIF_FAMILIES] if family else list(SERIF_FAMILIES)
    font.setFamilies(families)
    font.setStyleHint(QFont.StyleHint.Serif)
    font.setPointSizeF(size)
    return font


def display_text(stored: str) -> str:
    """The text as a text field holds it: every line break is a plain newline."""
    if "\r" in stored:
        stored = stored.replace("\r\n", "\n").replace("\r", "\n")
    return stored


class ProseEdit(QTextEdit):
    """A plain-text field for long prose.

    A QTextEdit restricted to plain text rather than a QPlainTextEdit, because QPlainTextEdit's
    layout ignores line height and prose wants a little more of it; the cost per keystroke is
    the same (see tests/bench/keystroke.py). Undo and redo go to the project's undo stack, so
    Ctrl+Z in a field takes back the same steps as Edit ▸ Undo. Ctrl+wheel asks for zoom.
    """

    zoomRequested = Signal(int)  # noqa: N815  (+1 larger, -1 smaller)

    def __init__(self, undo_stack: QUndoStack | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._undo_stack = undo_stack
        self._wheel = 0
        self.setAcceptRichText(False)
        self.setUndoRedoEnabled(False)  # the project's undo stack holds every change
        self.setAutoFormatting(QTextEdit.AutoFormattingFlag.AutoNone)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setTabChangesFocus(True)  # Tab moves on to the next field, as in a form
        self.document().setDocumentMargin(DOCUMENT_MARGIN)
        self._line_format = QTextBlockFormat()
        self._line_format.setLineHeight(
            LINE_HEIGHT_PERCENT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
        )

    def space_lines(self) -> None:
        """Give every paragraph the comfortable line height (new ones inherit it)."""
        cursor = QTextCursor(self.document())
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.mergeBlockFormat(self._line_format)

    # Undo and redo belong to the project, not to this field.

    def _undo_key(self, event: QKeyEvent) -> int:
        if self._undo_stack is None:
            return 0
        if event.matches(QKeySequence.StandardKey.Undo):
            return -1
        if event.matches(QKeySequence.StandardKey.Redo):
            return 1
        return 0

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and self._undo_key(event):  # type: ignore[arg-type]
            event.accept()  # handled in keyPressEvent, whatever the window's shortcuts
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        step = self._undo_key(event)
        if step and self._undo_stack is not None:
            (self._undo_stack.undo if step < 0 else self._undo_stack.redo)()
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802
        menu = self.createStandardContextMenu(event.pos())
        stack = self._undo_stack
        if stack is not None:
            for action in menu.actions():
                name = action.objectName()
                if name in ("edit-undo", "edit-redo"):
                    action.triggered.disconnect()
                    undo = name == "edit-undo"
                    action.triggered.connect(stack.undo if undo else stack.redo)
                    action.setEnabled(stack.canUndo() if undo else stack.canRedo())
        menu.exec(event.globalPos())
        menu.deleteLater()

    # Pasted or dropped text arrives as plain text in the paragraph's own format.

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802
        if source.hasText():
            text = display_text(source.text())
            self.textCursor().insertText(text)
            self.ensureCursorVisible()

    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # noqa: N802
        return source.hasText()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._wheel += event.angleDelta().y()
            while abs(self._wheel) >= 120:  # one notch; trackpads send smaller steps
                step = 1 if self._wheel > 0 else -1
                self._wheel -= 120 * step
                self.zoomRequested.emit(step)
            event.accept()
            return
        super().wheelEvent(event)
