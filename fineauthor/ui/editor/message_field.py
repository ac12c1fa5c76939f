"""One message of an example as the writer edits it: a comfortable text field for prose, with
its word and token counts underneath and, for the response, a bar against the target length.

The field keeps typing cheap: a keystroke reads the text once, counts its words (a split, no Qt
layout) and repaints two small painted lines; tokens are counted after a pause in a worker
(ui/token_count.py). Text that arrives from the project (undo, redo) replaces only the part that
differs, so the writer's cursor and scroll position stay where they were.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QMimeData, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextBlockFormat,
    QTextCursor,
    QTextOption,
    QUndoStack,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.dataset.summary import count_words
from fineauthor.ui.editor.token_count import FALLBACK_ENCODING, TokenCounter
from fineauthor.ui.widgets.length import (
    LONG,
    NO_TARGET,
    ON_TARGET,
    SHORT,
    length_status,
    length_verdict,
)

# Prose is easier to read with a little air between the lines and around the page.
LINE_HEIGHT_PERCENT = 135
DOCUMENT_MARGIN = 18

# Calm colours for the length bar: nothing here is an error, only a nudge.
_STATUS_COLOURS = {ON_TARGET: "#4a8a62", SHORT: "#b98a35", LONG: "#b46a45"}


# -- text helpers --------------------------------------------------------------------------------


def _utf16_length(text: str) -> int:
    """Length of ``text`` in UTF-16 code units: the unit of a QTextCursor position."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def _common_prefix(a: str, b: str) -> int:
    """Length of the longest common start of ``a`` and ``b`` (compares slices, not letters)."""
    high = min(len(a), len(b))
    if a[:high] == b[:high]:
        return high
    low = 0  # a[:low] == b[:low] holds; a[:high] != b[:high] holds
    while high - low > 1:
        middle = (low + high) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle
    return low


def _display_text(stored: str) -> str:
    """The text as a text field holds it: every line break is a plain newline."""
    if "\r" in stored:
        stored = stored.replace("\r\n", "\n").replace("\r", "\n")
    return stored


def quote_pattern(quote: str) -> re.Pattern[str] | None:
    """A case-insensitive pattern for ``quote`` that tolerates different spacing and line
    breaks between its words (a report may quote across a line break)."""
    words = quote.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(word) for word in words), re.IGNORECASE)


# -- the text field ------------------------------------------------------------------------------


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
            text = _display_text(source.text())
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


# -- painted status lines (repainting them never re-lays out the window) -----------------------


class CountsLine(QWidget):
    """“1,234 words · 1,600 tokens” under a field, painted in a muted colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._words = 0
        self._tokens: int | None = None
        self._unavailable = False
        self._text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip(self.tr("Tokens are the word pieces a model reads; services bill by them."))
        self._refresh()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(160, self.fontMetrics().height() + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(40, self.fontMetrics().height() + 4)

    def text(self) -> str:
        return self._text

    def set_words(self, words: int) -> None:
        if words != self._words:
            self._words = words
            self._refresh()

    def set_tokens(self, tokens: int | None, *, unavailable: bool = False) -> None:
        if (tokens, unavailable) != (self._tokens, self._unavailable):
            self._tokens, self._unavailable = tokens, unavailable
            self._refresh()

    def _refresh(self) -> None:
        from PySide6.QtCore import QLocale

        locale = QLocale()
        words = (
            self.tr("1 word")
            if self._words == 1
            else self.tr("%1 words").replace("%1", locale.toString(self._words))
        )
        if self._unavailable:
            tokens = self.tr("tokens unavailable")
        elif self._tokens is None:
            tokens = self.tr("counting tokens…")
        elif self._tokens == 1:
            tokens = self.tr("1 token")
        else:
            tokens = self.tr("%1 tokens").replace("%1", locale.toString(self._tokens))
        self._text = f"{words} · {tokens}"
        self.setAccessibleDescription(self._text)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        text = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight, self.width())
        painter.drawText(
            self.rect(), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text
        )


class LengthBar(QWidget):
    """The response's length against the project's target: a thin bar with the target band
    shaded, and the verdict in words (“1,850 of 2,000 words — on target”)."""

    BAR_HEIGHT = 6
    ZONE_OVERHANG = 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._words = 0
        self._target: int | None = None
        self._tolerance: int | None = None
        self._verdict = ""
        self._label = ""
        self._status = NO_TARGET
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.tr("Response length"))
        self._refresh()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(
            200, self.BAR_HEIGHT + 2 * self.ZONE_OVERHANG + 5 + self.fontMetrics().height() + 2
        )

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(60, self.sizeHint().height())

    @property
    def verdict(self) -> str:
        return self._verdict

    @property
    def status(self) -> str:
        return self._status

    def set_target(self, target: int | None, tolerance: int | None) -> None:
        if (target, tolerance) != (self._target, self._tolerance):
            self._target, self._tolerance = target, tolerance
            self._refresh()
            self._update_tooltip()

    def set_words(self, words: int) -> None:
        if words != self._words:
            self._words = words
            self._refresh()

    def set_label(self, label: str) -> None:
        """Words shown before the verdict, e.g. “Last answer:” in a multi-turn example."""
        if label != self._label:
            self._label = label
            self._refresh()

    def text(self) -> str:
        """What the bar says, as shown and as read out."""
        return f"{self._label} {self._verdict}" if self._label else self._verdict

    def _refresh(self) -> None:
        self._status = length_status(self._words, self._target, self._tolerance)
        self._verdict = length_verdict(self._words, self._target, self._tolerance)
        self.setAccessibleDescription(self.text())
        self.update()

    def _update_tooltip(self) -> None:
        from PySide6.QtCore import QLocale

        locale = QLocale()
        if not self._target:
            self.setToolTip("")
            return
        if self._tolerance:
            tip = self.tr("Your target is %1 words, give or take %2.")
            tip = tip.replace("%2", locale.toString(self._tolerance))
        else:
            tip = self.tr("Your target is %1 words.")
        tip = tip.replace("%1", locale.toString(self._target))
        tip += " " + self.tr(
            "The check measures the last answer of each example against it; the shaded part "
            "of the bar is the length that counts as on target."
        )
        self.setToolTip(tip)

    def _colour(self) -> QColor:
        colour = QColor(_STATUS_COLOURS.get(self._status, _STATUS_COLOURS[ON_TARGET]))
        if self.palette().color(QPalette.ColorRole.Window).lightness() < 128:
            colour = colour.lighter(130)  # dark mode: the same hue, easier to see
        return colour

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        width = self.width()
        bar = QRectF(0.5, self.ZONE_OVERHANG, width - 1.0, self.BAR_HEIGHT)
        radius = self.BAR_HEIGHT / 2
        target = self._target or 0
        band = self._tolerance or 0
        scale = max(target * 4 / 3, (target + band) * 1.1, self._words, 1)

        if target:  # the on-target zone, a little taller than the bar so it shows round it
            zone = QColor(_STATUS_COLOURS[ON_TARGET])
            zone.setAlphaF(0.35)
            low = max(0, target - band) / scale * bar.width()
            high = (target + band) / scale * bar.width()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(zone)
            painter.drawRoundedRect(
                QRectF(
                    bar.left() + low, 0, max(3.0, high - low), bar.bottom() + self.ZONE_OVERHANG
                ),
                2,
                2,
            )
        track = QColor(palette.color(QPalette.ColorRole.Text))
        track.setAlphaF(0.10)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRoundedRect(bar, radius, radius)
        colour = self._colour()
        filled = min(1.0, self._words / scale) * bar.width()
        if filled > 0:
            painter.setBrush(colour)
            painter.drawRoundedRect(
                QRectF(bar.left(), bar.top(), filled, bar.height()), radius, radius
            )
        if target:
            tick = QColor(palette.color(QPalette.ColorRole.Text))
            tick.setAlphaF(0.55)
            x = bar.left() + target / scale * bar.width()
            painter.fillRect(QRectF(x - 1, 0, 2, bar.bottom() + self.ZONE_OVERHANG), tick)

        text_top = bar.bottom() + self.ZONE_OVERHANG + 5
        dot = 8.0
        line = self.fontMetrics().height()
        painter.setBrush(colour)
        painter.drawEllipse(QRectF(0.5, text_top + (line - dot) / 2, dot, dot))
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        text_rect = QRectF(dot + 6, text_top, width - dot - 6, line)
        text = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, int(text_rect.width())
        )
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text
        )


# -- one message ---------------------------------------------------------------------------------


class MessageField(QWidget):
    """A heading, the text field and its counts for one message of an example.

    ``edited`` carries the whole text after every change the writer makes; :meth:`set_text`
    (for changes that come from the project) never emits it. ``message_index`` says which
    message of the example the field shows (the editor keeps it up to date).
    """

    edited = Signal(str)
    zoomRequested = Signal(int)  # noqa: N815

    def __init__(
        self,
        title: str | None,
        *,
        accessible_name: str,
        tooltip: str = "",
        placeholder: str = "",
        undo_stack: QUndoStack | None = None,
        encoding: str = FALLBACK_ENCODING,
        minimum_height: int = 120,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.message_index: int | None = None
        self._stored = ""  # the message's content as the project holds it
        self._text = ""  # the field's text (line breaks normalised)
        self._words = 0
        self._quiet = 0  # >0 while the field's text is set from outside

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.editor = ProseEdit(undo_stack, self)
        self.editor.setAccessibleName(accessible_name)
        self.editor.setPlaceholderText(placeholder)
        self.editor.setMinimumHeight(minimum_height)
        self.editor.setFrameShape(QFrame.Shape.StyledPanel)
        self.editor.zoomRequested.connect(self.zoomRequested)
        self.title_label: QLabel | None = None
        if title is not None:
            self.title_label = QLabel(title, self)
            heading = self.title_label.font()
            heading.setBold(True)
            self.title_label.setFont(heading)
            self.title_label.setToolTip(tooltip)
            self.title_label.setBuddy(self.editor)
            layout.addWidget(self.title_label)
        if tooltip:
            self.editor.setAccessibleDescription(tooltip)
        layout.addWidget(self.editor, 1)

        self._footer = QHBoxLayout()
        self._footer.setContentsMargins(2, 0, 0, 0)
        self._footer.setSpacing(12)
        self.counts = CountsLine(self)
        self.counts.setAccessibleName(self.tr("Length of %1").replace("%1", accessible_name))
        self._footer.addWidget(self.counts, 1)
        layout.addLayout(self._footer)
        self._length_bar: LengthBar | None = None

        self._counter = TokenCounter(encoding, parent=self)
        self._counter.counted.connect(self._tokens_arrived)
        self._counter.failed.connect(self._tokens_failed)
        self.editor.document().contentsChanged.connect(self._contents_changed)
        self.editor.space_lines()

    # -- reading -----------------------------------------------------------------------------

    def text(self) -> str:
        return self._text

    @property
    def words(self) -> int:
        return self._words

    @property
    def tokens(self) -> int | None:
        """Tokens in the current text; None until the count for it has arrived."""
        return self._counter.count

    @property
    def length_bar(self) -> LengthBar | None:
        return self._length_bar

    # -- changing from outside ----------------------------------------------------------------

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def load(self, stored: str) -> None:
        """Show a message afresh (another example): cursor and scroll at the start."""
        self._stored = stored
        self._text = _display_text(stored)
        with self._quietly():
            self.editor.setPlainText(self._text)
            self.editor.space_lines()
        self.editor.moveCursor(QTextCursor.MoveOperation.Start)
        self.counts.set_tokens(None)
        self._text_changed(now=True)

    def set_text(self, stored: str) -> None:
        """The project's text for this message changed (undo, redo): show it, replacing only
        what differs so the cursor stays put, and without reporting it as an edit."""
        if stored == self._stored:
            return
        self._stored = stored
        new = _display_text(stored)
        old = self._text
        if new == old:
            return
        start = _common_prefix(old, new)
        tail = _common_prefix(old[start:][::-1], new[start:][::-1])
        old_end, new_end = len(old) - tail, len(new) - tail
        begin = _utf16_length(old[:start])
        end = begin + _utf16_length(old[start:old_end])
        inserted = new[start:new_end]
        visible = self.editor.textCursor()
        touched = visible.selectionEnd() >= begin and visible.selectionStart() <= end
        with self._quietly():
            cursor = QTextCursor(self.editor.document())
            cursor.setPosition(begin)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(inserted)
        self._text = new
        if touched:  # the change was where the writer is: put the cursor after it
            visible.setPosition(begin + _utf16_length(inserted))
            self.editor.setTextCursor(visible)
        self._text_changed(now=True)

    def set_encoding(self, encoding: str) -> None:
        self._counter.set_encoding(encoding)
        self.counts.set_tokens(self._counter.last_count)

    def set_prose_font(self, font: QFont) -> None:
        if font != self.editor.font():
            self.editor.setFont(font)

    def set_read_only(self, read_only: bool) -> None:
        self.editor.setReadOnly(read_only)

    def add_footer_widget(self, widget: QWidget) -> None:
        """A control that belongs to this message (e.g. “Train on this answer”), right of the
        counts."""
        self._footer.addWidget(widget, 0, Qt.AlignmentFlag.AlignRight)

    def show_length(self, target: int | None, tolerance: int | None, label: str = "") -> None:
        """Show the bar against the target length under the counts (the response's field)."""
        if not target:
            self.hide_length()
            return
        if self._length_bar is None:
            self._length_bar = LengthBar(self)
            layout = self.layout()
            assert isinstance(layout, QVBoxLayout)
            layout.addWidget(self._length_bar)
        self._length_bar.set_target(target, tolerance)
        self._length_bar.set_label(label)
        self._length_bar.set_words(self._words)
        self._length_bar.show()

    def hide_length(self) -> None:
        if self._length_bar is not None:
            self._length_bar.hide()

    def select_quote(self, quote: str) -> bool:
        """Select the first occurrence of ``quote`` (any case, any spacing), scroll it into
        view and give the field focus. False if the text does not contain it."""
        pattern = quote_pattern(quote)
        found = pattern.search(self._text) if pattern is not None else None
        if found is None:
            return False
        begin = _utf16_length(self._text[: found.start()])
        end = begin + _utf16_length(found.group())
        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(begin)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cursor)
        self.editor.ensureCursorVisible()
        # Bring the quote to about a third of the way down, with its context above it.
        bar = self.editor.verticalScrollBar()
        offset = self.editor.cursorRect().center().y() - self.editor.viewport().height() // 3
        bar.setValue(bar.value() + offset)
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def setFocus(self, reason: Qt.FocusReason = Qt.FocusReason.OtherFocusReason) -> None:  # noqa: N802
        self.editor.setFocus(reason)

    # -- typing -------------------------------------------------------------------------------

    def _contents_changed(self) -> None:
        if self._quiet:
            return
        raw = self.editor.document().toRawText().replace("\u2029", "\n")
        if "\u2028" in raw:  # Shift+Enter: a line break within the paragraph
            raw = raw.replace("\u2028", "\n")
        if raw == self._text:
            return  # only the formatting changed
        self._text = raw
        self._stored = raw
        self._text_changed(now=False)
        self.edited.emit(raw)

    def _text_changed(self, *, now: bool) -> None:
        words = count_words(self._text)
        self._words = words
        self.counts.set_words(words)
        if self._length_bar is not None:
            self._length_bar.set_words(words)
        self._counter.set_text(self._text, now=now)

    def _tokens_arrived(self, count: int) -> None:
        self.counts.set_tokens(count)

    def _tokens_failed(self, message: str) -> None:
        self.counts.set_tokens(None, unavailable=True)
        self.counts.setToolTip(message)
