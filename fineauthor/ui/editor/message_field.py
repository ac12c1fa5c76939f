"""One message of an example as the writer edits it: a comfortable text field for prose, with
its word and token counts underneath and, for the response, a bar against the target length.

The field keeps typing cheap: a keystroke reads the text once, counts its words (a split, no Qt
layout) and repaints two small painted lines; tokens are counted after a pause in a worker
(token_count.py). Text that arrives from the project (undo, redo) replaces only the part that
differs, so the writer's cursor and scroll position stay where they were.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QTextCursor, QUndoStack
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from fineauthor.core.dataset.summary import count_words
from fineauthor.ui.editor.field_footer import FieldFooter
from fineauthor.ui.editor.prose_edit import ProseEdit, display_text
from fineauthor.ui.editor.status_lines import CountsLine, LengthBar
from fineauthor.ui.editor.token_count import FALLBACK_ENCODING, TokenCounter

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


def quote_pattern(quote: str) -> re.Pattern[str] | None:
    """A case-insensitive pattern for ``quote`` that tolerates different spacing and line
    breaks between its words (a report may quote across a line break)."""
    words = quote.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(word) for word in words), re.IGNORECASE)


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

        self.counts = CountsLine(self)
        self.counts.setAccessibleName(self.tr("Length of %1").replace("%1", accessible_name))
        self.footer = FieldFooter(self.counts, self)
        layout.addWidget(self.footer)
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
        self._text = display_text(stored)
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
        new = display_text(stored)
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
        counts, or below them when the field is narrow."""
        self.footer.add_control(widget)

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
