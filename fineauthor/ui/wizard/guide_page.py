"""The page every step of the wizard is built on.

A :class:`GuidePage` has a title and a one-line question at the top, the questions in a readable
column, and a "Why we ask" note beside them. Every control is bound to one answer in the
:class:`~fineauthor.ui.wizard.answer_store.AnswerStore`.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from fineauthor.ui.wizard import building_blocks as blocks
from fineauthor.ui.wizard.answer_store import AnswerStore

# The questions keep a readable measure; the "Why we ask" note sits beside them.
COLUMN_WIDTH = 700
WHY_WIDTH = 270


class GuidePage(QWizardPage):
    """A wizard page: questions in a column, the reason for them beside it.

    Subclasses add widgets to :attr:`body` and bind them to answers with the ``bind_*`` methods,
    which load the current answer, save every change, and follow changes made elsewhere.
    """

    def __init__(
        self, store: AnswerStore, title: str, subtitle: str, why: str, why_heading: str = ""
    ) -> None:
        super().__init__()
        self.store = store
        self.plain_title = title
        # The wizard shows titles as rich text, so the page's question can stand out.
        self.setTitle(f"<span style='font-size:x-large; font-weight:600'>{escape(title)}</span>")
        self.setSubTitle(subtitle)
        self.setAccessibleName(title)
        self._followers: dict[str, list[Callable[[], None]]] = {}
        self._loading = False
        store.changed.connect(self._answer_changed)

        column = QWidget()
        column.setMaximumWidth(COLUMN_WIDTH)
        self.body = QVBoxLayout(column)
        self.body.setContentsMargins(0, 0, 12, 0)
        self.body.setSpacing(10)

        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(column, 1)
        scroll = QScrollArea()
        scroll.setWidget(holder)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A Tab stop of its own, so a long page scrolls with the arrow keys: named after it.
        scroll.setAccessibleName(title)
        self.scroll = scroll

        self.why_box = self._why_box(why_heading or self.tr("Why we ask"), why)

        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(24)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.why_box, 0, Qt.AlignmentFlag.AlignTop)

    def _why_box(self, heading: str, text: str) -> QFrame:
        frame = blocks.panel()
        frame.setFixedWidth(WHY_WIDTH)
        frame.setAccessibleName(heading)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(14, 12, 14, 14)
        layout.setSpacing(6)
        layout.addWidget(blocks.heading(heading, 1.0))
        self.why_label = blocks.wrapping(text)
        self.why_label.setAccessibleName(heading)
        layout.addWidget(self.why_label)
        return frame

    # -- binding controls to answers ---------------------------------------------------------

    def follow(self, key: str, refresh: Callable[[], None]) -> None:
        """Call ``refresh`` whenever the answer ``key`` changes (on any page)."""
        self._followers.setdefault(key, []).append(refresh)

    def _answer_changed(self, key: str) -> None:
        for refresh in self._followers.get(key, ()):
            refresh()

    def reload(self) -> None:
        """Show every answer afresh (after "Start over")."""
        for refreshers in list(self._followers.values()):
            for refresh in refreshers:
                refresh()

    def _save(self, key: str, value: Any) -> None:
        # A control changed by loading an answer is showing it, not giving a new one.
        if not self._loading:
            self.store.set(key, value)

    def _loader(self, show: Callable[[], None]) -> Callable[[], None]:
        def load() -> None:
            self._loading = True
            try:
                show()
            finally:
                self._loading = False

        return load

    def bind_text(self, key: str, widget: QLineEdit | QPlainTextEdit) -> None:
        def show() -> None:
            value = self.store.text(key)
            if isinstance(widget, QPlainTextEdit):
                if widget.toPlainText() != value:
                    widget.setPlainText(value)
            elif widget.text() != value:
                widget.setText(value)

        load = self._loader(show)
        load()
        if isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(lambda: self._save(key, widget.toPlainText()))
        else:
            widget.textChanged.connect(lambda text: self._save(key, text))
        self.follow(key, load)

    def bind_check(self, key: str, box: QCheckBox) -> None:
        load = self._loader(lambda: box.setChecked(bool(self.store.get(key, False))))
        load()
        box.toggled.connect(lambda on: self._save(key, bool(on)))
        self.follow(key, load)

    def bind_number(self, key: str, spin: QSpinBox, default: int) -> None:
        load = self._loader(lambda: spin.setValue(self.store.number(key, default)))
        load()
        spin.valueChanged.connect(lambda value: self._save(key, int(value)))
        self.follow(key, load)

    def add_field(self, label: str, widget: QWidget, note: str = "") -> QLabel:
        """A bold label, an optional one-line explanation, then the control."""
        title = blocks.heading(label, 1.0)
        title.setBuddy(widget)
        self.body.addWidget(title)
        if note:
            self.body.addWidget(blocks.wrapping(note))
        self.body.addWidget(widget)
        widget.setAccessibleName(label.replace("&", ""))
        if note:
            widget.setAccessibleDescription(note)
        return title
