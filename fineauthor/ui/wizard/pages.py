"""The nine pages of the first-fine-tune wizard.

Every page is a :class:`GuidePage`: a title and a one-line question at the top, the questions
in a readable column, and a "Why we ask" note beside them. Every control is bound to one answer
in the :class:`AnswerStore`, which writes it to the wizard's draft the moment it changes and
tells every other page, so a change made on one page (a name put into the system prompt) shows
on the others at once.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, QObject, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from fineauthor.core.errors import FineAuthorError
from fineauthor.ui.wizard import draft as keys
from fineauthor.ui.wizard.draft import WizardDraft

# The questions keep a readable measure; the "Why we ask" note sits beside them.
COLUMN_WIDTH = 700
WHY_WIDTH = 270
# Ordinary English prose runs at about four tokens to every three words in both encodings.
TOKENS_PER_WORD = 4 / 3
# Framing tokens of a three-message chat example (3 per message + 3 to prime the reply).
EXAMPLE_OVERHEAD_TOKENS = 3 * 3 + 3
ESTIMATE_EXAMPLES = 50
DEFAULT_TARGET_WORDS = 1000


class AnswerStore(QObject):
    """The answers of one wizard, written through to its draft as they are given."""

    changed = Signal(str)  # the key of the answer that changed
    saveFailed = Signal(str)  # noqa: N815 - a plain message: the draft could not be written

    def __init__(self, draft: WizardDraft, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.draft = draft

    def get(self, key: str, default: Any = None) -> Any:
        return self.draft.get(key, default)

    def text(self, key: str) -> str:
        value = self.draft.get(key, "")
        return value if isinstance(value, str) else ""

    def number(self, key: str, default: int) -> int:
        value = self.draft.get(key, default)
        return value if isinstance(value, int) and not isinstance(value, bool) else default

    def has(self, key: str) -> bool:
        return key in self.draft

    @property
    def answers(self) -> dict[str, Any]:
        return self.draft.answers

    def set(self, key: str, value: Any) -> None:
        """Remember an answer now. A failed write is reported and the answer kept in memory,
        so the wizard goes on working and the writer is told what happened."""
        if self.draft.get(key) == value and key in self.draft:
            return
        try:
            self.draft.set(key, value)
        except FineAuthorError as problem:
            self.saveFailed.emit(str(problem))
        self.changed.emit(key)

    def update(self, values: dict[str, Any]) -> None:
        try:
            self.draft.update(values)
        except FineAuthorError as problem:
            self.saveFailed.emit(str(problem))
        for key in values:
            self.changed.emit(key)


# -- small building blocks -----------------------------------------------------------------------


def _wrapping(text: str = "", *, rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _heading(text: str, scale: float = 1.1) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


def _text_box(lines: int, placeholder: str = "") -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)  # Tab moves on, as in every other form
    height = box.fontMetrics().lineSpacing() * lines + 14
    box.setFixedHeight(height)
    return box


def _panel(role: QPalette.ColorRole = QPalette.ColorRole.AlternateBase) -> QFrame:
    frame = QFrame()
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    frame.setBackgroundRole(role)  # follows light and dark mode
    frame.setAutoFillBackground(True)
    return frame


def _spin(minimum: int, maximum: int, step: int, suffix: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(minimum, maximum)
    spin.setSingleStep(step)
    spin.setSuffix(suffix)
    spin.setGroupSeparatorShown(True)
    spin.setMinimumWidth(120)
    return spin


def _format_number(value: float) -> str:
    return QLocale().toString(round(value))


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
        self.scroll = scroll

        self.why_box = self._why_box(why_heading or self.tr("Why we ask"), why)

        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(24)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.why_box, 0, Qt.AlignmentFlag.AlignTop)

    def _why_box(self, heading: str, text: str) -> QFrame:
        frame = _panel()
        frame.setFixedWidth(WHY_WIDTH)
        frame.setAccessibleName(heading)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(14, 12, 14, 14)
        layout.setSpacing(6)
        layout.addWidget(_heading(heading, 1.0))
        self.why_label = _wrapping(text)
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
        title = _heading(label, 1.0)
        title.setBuddy(widget)
        self.body.addWidget(title)
        if note:
            self.body.addWidget(_wrapping(note))
        self.body.addWidget(widget)
        widget.setAccessibleName(label.replace("&", ""))
        if note:
            widget.setAccessibleDescription(note)
        return title


# -- 1. What a fine-tune is ----------------------------------------------------------------------


class FineTunePicture(QWidget):
    """A small drawing: examples go in, the model's habits change, the facts stay in the
    prompt."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(210)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.tr("Picture: what a fine-tune changes"))
        self.setAccessibleDescription(
            self.tr(
                "Your examples, pairs of a prompt and an ideal response, go into a fine-tune. "
                "Afterwards the model writes in your style, at your length, with your habits. "
                "Your characters, world and plot still go in the prompt each time."
            )
        )

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(COLUMN_WIDTH - 12, 210)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        border = palette.color(QPalette.ColorRole.Mid)
        accent = palette.color(QPalette.ColorRole.Highlight)
        width = self.width()
        bold = QFont(self.font())
        bold.setBold(True)

        def box(rect: QRectF, fill: Any, pen: QPen) -> None:
            painter.setPen(pen)
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, 8, 8)

        # Left: a stack of example cards.
        left = QRectF(0, 0, width * 0.34, 140)
        for offset in (12, 6, 0):
            card = left.adjusted(offset, offset, offset - 12, offset - 12)
            box(card, base, QPen(border, 1))
        card = left.adjusted(0, 0, -12, -12)
        painter.setPen(text)
        painter.setFont(bold)
        painter.drawText(
            card.adjusted(12, 10, -12, 0), Qt.AlignmentFlag.AlignTop, self.tr("Your examples")
        )
        painter.setFont(self.font())
        lines = card.adjusted(12, 40, -12, -10)
        painter.drawText(
            lines,
            Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
            self.tr("a prompt you would send\n+ the response you wanted\n… 50 or more of them"),
        )

        # Middle: the arrow.
        start = QPointF(left.right() + 8, 64)
        end = QPointF(width * 0.52, 64)
        painter.setPen(QPen(accent, 3))
        painter.drawLine(start, end)
        head = QPainterPath(end)
        head.lineTo(end + QPointF(-12, -7))
        head.lineTo(end + QPointF(-12, 7))
        head.closeSubpath()
        painter.fillPath(head, accent)
        painter.setPen(text)
        painter.drawText(
            QRectF(start.x(), 34, end.x() - start.x(), 22),
            Qt.AlignmentFlag.AlignHCenter,
            self.tr("fine-tune"),
        )

        # Right: the model afterwards.
        right = QRectF(width * 0.54, 0, width * 0.46 - 2, 128)
        box(right, base, QPen(accent, 2))
        painter.setPen(text)
        painter.setFont(bold)
        painter.drawText(
            right.adjusted(14, 10, -12, 0),
            Qt.AlignmentFlag.AlignTop,
            self.tr("The model, afterwards"),
        )
        painter.setFont(self.font())
        painter.drawText(
            right.adjusted(14, 40, -12, -8),
            Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
            self.tr("✓ writes in your style\n✓ at your length\n✓ with your habits"),
        )

        # Beneath: what does not move.
        facts = QRectF(0, 152, width - 2, 50)
        pen = QPen(border, 1.5, Qt.PenStyle.DashLine)
        box(facts, Qt.BrushStyle.NoBrush, pen)
        painter.setPen(text)
        painter.drawText(
            facts.adjusted(14, 0, -14, 0),
            Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap,
            self.tr(
                "Still goes in your prompt every time: your characters, your world, "
                "what happens in the scene."
            ),
        )
        painter.end()


class IntroPage(GuidePage):
    """What a fine-tune can and cannot do, and what the writer will need."""

    def __init__(self, store: AnswerStore) -> None:
        super().__init__(
            store,
            self.tr("What a fine-tune does"),
            self.tr("Before the questions: what a fine-tune can and cannot do for your writing."),
            self.tr(
                "Writers who know what a fine-tune can do write better examples, and aren’t "
                "let down later by something it was never going to do. The next pages then "
                "ask a few questions and set up a project that fits your answers."
            ),
            self.tr("Why we start here"),
        )
        self.picture = FineTunePicture()
        self.body.addWidget(self.picture)
        sections = [
            (
                self.tr("Think of a ghostwriter"),
                self.tr(
                    "Picture an experienced ghostwriter in their first month with you. They "
                    "already know how to write; working from your pages, they pick up how you "
                    "sound, how long your scenes run and that you like to open with someone "
                    "talking. They don’t memorise your series notes: you still hand those over "
                    "for every chapter. A fine-tune is that month of working together. It "
                    "shapes the model’s style, length and habits; your characters and plot "
                    "stay in the prompt."
                ),
            ),
            (
                self.tr("Too much of one thing"),
                self.tr(
                    "The model copies whatever your examples repeat. If “she bit her lip” turns "
                    "up in many of them, or every scene is set in the same town, it will reach "
                    "for that everywhere. This is called overfitting: the examples pull the "
                    "model too far towards one pattern. Vary them."
                ),
            ),
            (
                self.tr("What you will need"),
                self.tr(
                    "Pairs of your best prompt and the ideal response to it. Ten is the least a "
                    "training service accepts; 50 to 100 usually make a clear difference. At "
                    "the end of this guide FineAuthor sets up empty slots for them."
                ),
            ),
            (
                self.tr("Your writing stays here"),
                self.tr(
                    "Nothing leaves your computer until you choose to train and agree to the "
                    "estimated cost. Your answers are saved as you go: close this guide at any "
                    "time and carry on later from the start page."
                ),
            ),
        ]
        for heading, text in sections:
            self.body.addSpacing(4)
            self.body.addWidget(_heading(heading, 1.0))
            label = _wrapping(text)
            label.setAccessibleName(heading)
            self.body.addWidget(label)
        self.body.addStretch(1)


# -- 2. Win condition ----------------------------------------------------------------------------


class WinConditionPage(GuidePage):
    """Measurable checks: the project's win conditions."""

    def __init__(self, store: AnswerStore) -> None:
        super().__init__(
            store,
            self.tr("How will you know it worked?"),
            self.tr(
                "Tick the results that would make you say “yes, that’s it”, and fill in the "
                "details. You can change them later."
            ),
            self.tr(
                "A fine-tune is only a win if you can tell that it is one. A clear goal tells "
                "you which examples to write, and later lets FineAuthor score the trained "
                "model’s answers against it, instead of leaving you with “it feels a bit "
                "better, maybe”."
            ),
        )
        self.details: dict[str, QWidget] = {}
        self._measurable_conditions()
        self._written_conditions()
        self.body.addStretch(1)

    def _measurable_conditions(self) -> None:
        # Length band.
        self.length_box = QCheckBox(self.tr("Length: every response runs to a set length"))
        self.length_min = _spin(50, 20000, 50, self.tr(" words"))
        self.length_max = _spin(50, 20000, 50, self.tr(" words"))
        self.length_min.setAccessibleName(self.tr("Shortest response in words"))
        self.length_max.setAccessibleName(self.tr("Longest response in words"))
        length_row = QHBoxLayout()
        length_row.addWidget(QLabel(self.tr("Between")))
        length_row.addWidget(self.length_min)
        length_row.addWidget(QLabel(self.tr("and")))
        length_row.addWidget(self.length_max)
        length_row.addStretch(1)
        self._condition(keys.LENGTH_ON, self.length_box, length_row)
        self.bind_number(keys.LENGTH_MIN, self.length_min, keys.DEFAULT_WIN_LENGTH[0])
        self.bind_number(keys.LENGTH_MAX, self.length_max, keys.DEFAULT_WIN_LENGTH[1])

        # Dialogue from the first response.
        self.dialogue_box = QCheckBox(self.tr("Dialogue from the very first response"))
        self.dialogue_percent = _spin(5, 100, 5, self.tr("%"))
        self.dialogue_percent.setMinimumWidth(80)
        self.dialogue_percent.setAccessibleName(
            self.tr("Share of paragraphs with someone speaking")
        )
        dialogue_row = QHBoxLayout()
        dialogue_row.addWidget(QLabel(self.tr("At least")))
        dialogue_row.addWidget(self.dialogue_percent)
        dialogue_row.addWidget(
            _wrapping(self.tr("of the paragraphs have someone speaking (in quotation marks)")), 1
        )
        self._condition(keys.DIALOGUE_ON, self.dialogue_box, dialogue_row)
        self.bind_number(keys.DIALOGUE_PERCENT, self.dialogue_percent, 30)

    def _written_conditions(self) -> None:

        # Phrases never to see.
        self.banned_box = QCheckBox(self.tr("Phrases I never want to see"))
        self.banned_text = _text_box(3, self.tr("One per line, for example:\nshe bit her lip"))
        self.banned_text.setAccessibleName(self.tr("Phrases you never want to see, one per line"))
        self._condition(keys.BANNED_ON, self.banned_box, self.banned_text)
        self.bind_text(keys.BANNED_PHRASES, self.banned_text)

        # Point of view and tense.
        self.pov_box = QCheckBox(self.tr("Point of view and tense"))
        self.pov_text = QLineEdit()
        self.pov_text.setPlaceholderText(self.tr("For example: close third person, past tense"))
        self.pov_text.setAccessibleName(self.tr("Point of view and tense"))
        pov_column = QVBoxLayout()
        pov_column.addWidget(self.pov_text)
        pov_column.addWidget(
            _wrapping(self.tr("Kept as a note for you to judge: it is hard to measure."))
        )
        self._condition(keys.POV_ON, self.pov_box, pov_column)
        self.bind_text(keys.POV_TEXT, self.pov_text)

        # Free text.
        self.free_box = QCheckBox(self.tr("Something else"))
        self.free_text = _text_box(2, self.tr("In your own words: what would make it a win?"))
        self.free_text.setAccessibleName(self.tr("Another win condition, in your own words"))
        self._condition(keys.FREE_ON, self.free_box, self.free_text)
        self.bind_text(keys.FREE_TEXT, self.free_text)

        # Knowledge (a goal a fine-tune cannot meet; page 6 says so).
        self.knowledge_box = QCheckBox(self.tr("The model should know my characters or my world"))
        self.knowledge_text = _text_box(
            2, self.tr("For example: that Mara is afraid of the sea, and the town is Dunmere")
        )
        self.knowledge_text.setAccessibleName(
            self.tr("What the model should know about your story")
        )
        self._condition(keys.KNOWLEDGE_ON, self.knowledge_box, self.knowledge_text)
        self.bind_text(keys.KNOWLEDGE_TEXT, self.knowledge_text)

    def _condition(self, key: str, box: QCheckBox, detail: QWidget | QHBoxLayout) -> None:
        """A check box with its details indented below it, shown only while it is ticked."""
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(28, 0, 0, 6)
        if isinstance(detail, QWidget):
            layout.addWidget(detail)
        else:
            layout.addLayout(detail)
        box.setAccessibleName(box.text())
        self.body.addWidget(box)
        self.body.addWidget(holder)
        self.details[key] = holder
        box.toggled.connect(holder.setVisible)
        self.bind_check(key, box)
        holder.setVisible(box.isChecked())


# -- 3. Style ------------------------------------------------------------------------------------


class FingerprintView(QFrame):
    """Three plain measurements of a passage: sentence length, dialogue, paragraph length."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.setAutoFillBackground(True)
        self.setAccessibleName(self.tr("Your passage’s fingerprint"))
        grid = QGridLayout(self)
        grid.setContentsMargins(14, 10, 14, 10)
        grid.setHorizontalSpacing(24)
        self.values: list[QLabel] = []
        captions = (
            self.tr("words in an average sentence"),
            self.tr("of paragraphs have dialogue"),
            self.tr("words in an average paragraph"),
        )
        for column, caption in enumerate(captions):
            value = _heading("–", 1.6)
            value.setAlignment(Qt.AlignmentFlag.AlignLeft)
            self.values.append(value)
            grid.addWidget(value, 0, column)
            grid.addWidget(_wrapping(caption), 1, column)
        self.summary = _wrapping()
        grid.addWidget(self.summary, 2, 0, 1, 3)
        self.show_fingerprint(None)

    def show_fingerprint(self, fingerprint: Any | None) -> None:
        """Show a StyleFingerprint, or the invitation to paste one when None."""
        locale = QLocale()
        if fingerprint is None or not fingerprint.words:
            for value in self.values:
                value.setText("–")
            self.summary.setText(self.tr("Paste a passage above to see its fingerprint."))
            self.setAccessibleDescription(self.summary.text())
            return
        self.values[0].setText(locale.toString(float(fingerprint.average_sentence_words), "f", 1))
        self.values[1].setText(
            self.tr("{percent}%").format(percent=round(fingerprint.dialogue_share * 100))
        )
        self.values[2].setText(_format_number(fingerprint.average_paragraph_words))
        self.summary.setText(
            self.tr("Measured on {words} words in {paragraphs} paragraphs.").format(
                words=_format_number(fingerprint.words),
                paragraphs=_format_number(fingerprint.paragraphs),
            )
        )
        self.setAccessibleDescription(
            self.tr(
                "{sentence} words in an average sentence; {dialogue} of paragraphs have "
                "dialogue; {paragraph} words in an average paragraph."
            ).format(
                sentence=self.values[0].text(),
                dialogue=self.values[1].text(),
                paragraph=self.values[2].text(),
            )
        )


class StylePage(GuidePage):
    """The voice in the writer's words, and the fingerprint of a passage."""

    FINGERPRINT_DELAY_MS = 200  # measure after a pause in typing, not on every key

    def __init__(self, store: AnswerStore) -> None:
        super().__init__(
            store,
            self.tr("Your voice"),
            self.tr("Describe the style you want the model to write in."),
            self.tr(
                "Putting the voice into words helps you write examples that agree with each "
                "other, and it seeds the name suggestions later on. The fingerprint is a few "
                "simple measurements of your passage; FineAuthor keeps it to compare the "
                "trained model’s writing with yours."
            ),
        )
        self.description = _text_box(
            4,
            self.tr(
                "For example: quiet, salt-bitten suspense. Short sentences when things go "
                "wrong. Dialogue carries the scene; hardly any adverbs."
            ),
        )
        self.add_field(self.tr("The voice, in your own words"), self.description)
        self.bind_text(keys.STYLE_DESCRIPTION, self.description)

        self.passage = _text_box(9, self.tr("Paste a scene or two you wrote in this voice…"))
        self.add_field(
            self.tr("A passage you wrote (optional)"),
            self.passage,
            self.tr("It stays on this computer; FineAuthor only measures it."),
        )
        self.bind_text(keys.STYLE_PASSAGE, self.passage)

        self.body.addWidget(_heading(self.tr("Its fingerprint"), 1.0))
        self.fingerprint_view = FingerprintView()
        self.body.addWidget(self.fingerprint_view)
        self.body.addStretch(1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.FINGERPRINT_DELAY_MS)
        self._timer.timeout.connect(self.measure)
        self.passage.textChanged.connect(self._timer.start)
        self.measure()

    def measure(self) -> None:
        """Fingerprint the passage now, show it and keep it with the answers."""
        from fineauthor.core.writing.fingerprint import fingerprint

        self._timer.stop()
        text = self.passage.toPlainText()
        if not text.strip():
            self.fingerprint_view.show_fingerprint(None)
            if self.store.get(keys.FINGERPRINT) is not None:
                self.store.set(keys.FINGERPRINT, None)
            return
        found = fingerprint(text)
        self.fingerprint_view.show_fingerprint(found)
        self.store.set(keys.FINGERPRINT, found.to_json())

    def cleanupPage(self) -> None:  # noqa: N802 - Back: keep what is on screen
        self.measure()

    def validatePage(self) -> bool:  # noqa: N802 - Next: keep what is on screen
        if self._timer.isActive():
            self.measure()
        return True


# -- 4. Length -----------------------------------------------------------------------------------


class LengthPage(GuidePage):
    """Target words per response and the tolerance around it."""

    def __init__(self, store: AnswerStore) -> None:
        super().__init__(
            store,
            self.tr("How long should a response be?"),
            self.tr("The length of one answer from the model, in words."),
            self.tr(
                "Length is the most common reason writers fine-tune, and the thing a "
                "fine-tune teaches most reliably, as long as every example is close to the "
                "length you want. The editor shows each response against this target, and the "
                "check report flags the ones that are too short or too long."
            ),
        )
        self.target = _spin(50, 20000, 50, self.tr(" words"))
        self.tolerance = _spin(0, 10000, 25, self.tr(" words"))
        self.target.setAccessibleName(self.tr("Target length of a response in words"))
        self.tolerance.setAccessibleName(self.tr("How far a response may be from the target"))
        grid = QGridLayout()
        target_label = _heading(self.tr("Aim for"), 1.0)
        target_label.setBuddy(self.target)
        tolerance_label = _heading(self.tr("Give or take"), 1.0)
        tolerance_label.setBuddy(self.tolerance)
        grid.addWidget(target_label, 0, 0)
        grid.addWidget(self.target, 0, 1)
        grid.addWidget(tolerance_label, 1, 0)
        grid.addWidget(self.tolerance, 1, 1)
        grid.setColumnStretch(2, 1)
        self.body.addLayout(grid)
        self.range_label = _wrapping()
        self.range_label.setAccessibleName(self.tr("The length range"))
        self.body.addWidget(self.range_label)
        self.source_label = _wrapping()
        self.body.addWidget(self.source_label)
        self.use_band_button = QPushButton(self.tr("Use the range from my win condition"))
        self.use_band_button.setAccessibleName(self.use_band_button.text())
        self.use_band_button.clicked.connect(self.use_band)
        band_row = QHBoxLayout()
        band_row.addWidget(self.use_band_button)
        band_row.addStretch(1)
        self.body.addLayout(band_row)

        self.body.addSpacing(8)
        self.body.addWidget(_heading(self.tr("Examples teach length"), 1.0))
        self.body.addWidget(
            _wrapping(
                self.tr(
                    "Asking for “2,000 words” in a prompt rarely works. Showing does: if your "
                    "examples all run close to the same length, the model learns to write that "
                    "much. If they range from 300 to 3,000 words, it learns that any length "
                    "will do. You may not love every word it writes at first, but it will hit "
                    "the length."
                )
            )
        )
        self.body.addStretch(1)

        self.bind_number(keys.TARGET_WORDS, self.target, DEFAULT_TARGET_WORDS)
        self.bind_number(keys.TOLERANCE_WORDS, self.tolerance, DEFAULT_TARGET_WORDS // 10)
        for key in (keys.TARGET_WORDS, keys.TOLERANCE_WORDS, keys.LENGTH_ON):
            self.follow(key, self._show_range)
        self._show_range()

    def band(self) -> tuple[int, int] | None:
        """The win condition's length band, if the writer ticked one."""
        if not self.store.get(keys.LENGTH_ON):
            return None
        low = self.store.number(keys.LENGTH_MIN, keys.DEFAULT_WIN_LENGTH[0])
        high = self.store.number(keys.LENGTH_MAX, keys.DEFAULT_WIN_LENGTH[1])
        return min(low, high), max(low, high)

    @staticmethod
    def from_band(band: tuple[int, int]) -> tuple[int, int]:
        low, high = band
        return (low + high) // 2, (high - low) // 2

    def initializePage(self) -> None:  # noqa: N802
        # First visit: start from the win condition's band (or a plain default) and keep it
        # as the answer, so what is on screen is what is saved.
        if not self.store.has(keys.TARGET_WORDS):
            band = self.band()
            if band is not None:
                target, tolerance = self.from_band(band)
            else:
                target, tolerance = DEFAULT_TARGET_WORDS, DEFAULT_TARGET_WORDS // 10
            self.store.update({keys.TARGET_WORDS: target, keys.TOLERANCE_WORDS: tolerance})
        self._show_range()

    def use_band(self) -> None:
        band = self.band()
        if band is not None:
            target, tolerance = self.from_band(band)
            self.store.update({keys.TARGET_WORDS: target, keys.TOLERANCE_WORDS: tolerance})

    def _show_range(self) -> None:
        target = self.target.value()
        tolerance = self.tolerance.value()
        low, high = max(0, target - tolerance), target + tolerance
        self.range_label.setText(
            self.tr("Responses from {low} to {high} words will count as on target.").format(
                low=_format_number(low), high=_format_number(high)
            )
        )
        band = self.band()
        if band is None:
            self.source_label.setText(
                self.tr("You didn’t set a length in your win condition, so this is a start.")
            )
            self.use_band_button.hide()
        elif (low, high) == band:
            self.source_label.setText(self.tr("This matches the length in your win condition."))
            self.use_band_button.hide()
        else:
            self.source_label.setText(
                self.tr("Your win condition says {low} to {high} words.").format(
                    low=_format_number(band[0]), high=_format_number(band[1])
                )
            )
            self.use_band_button.show()


# -- 5. Prompt habits ----------------------------------------------------------------------------


class PromptPage(GuidePage):
    """The system prompt, the user prompt template and the follow-ups the writer keeps sending."""

    def __init__(self, store: AnswerStore) -> None:
        super().__init__(
            store,
            self.tr("How you prompt today"),
            self.tr("Your examples should start from the prompts you really send."),
            self.tr(
                "A fine-tune learns to answer the kind of prompt it was trained on. Starting "
                "every example from your real prompts means the trained model does its best "
                "work with the way you actually write to it."
            ),
        )
        self.system = _text_box(
            3,
            self.tr(
                "For example: You are a novelist writing quiet coastal suspense in close "
                "third person."
            ),
        )
        self.add_field(
            self.tr("Your system prompt"),
            self.system,
            self.tr(
                "The standing instructions sent before every conversation. Chat apps call "
                "them “custom instructions”. Leave it empty if you don’t use one."
            ),
        )
        self.bind_text(keys.SYSTEM_PROMPT, self.system)

        self.template = _text_box(
            4,
            self.tr(
                "For example: Write chapter {chapter} of my novel. In this scene: {beat}. "
                "Write it in full."
            ),
        )
        self.add_field(
            self.tr("The prompt you send for each scene"),
            self.template,
            self.tr(
                "Put the parts that change in curly brackets, such as {beat} or {chapter}. "
                "Every example starts with this prompt; you fill in the brackets for each one."
            ),
        )
        self.bind_text(keys.TEMPLATE, self.template)
        self.blanks_label = _wrapping()
        self.blanks_label.setAccessibleName(self.tr("The parts you fill in"))
        self.body.addWidget(self.blanks_label)

        self.follow_ups = _text_box(3, self.tr("One per line, for example:\nmake it longer"))
        self.add_field(
            self.tr("Follow-ups you keep sending"),
            self.follow_ups,
            self.tr("What you ask for again and again after the first answer."),
        )
        self.bind_text(keys.FOLLOW_UPS, self.follow_ups)

        advice = _panel()
        advice.setAccessibleName(self.tr("Advice on follow-ups"))
        advice_layout = QVBoxLayout(advice)
        advice_layout.setContentsMargins(14, 10, 14, 12)
        advice_layout.addWidget(_heading(self.tr("Skip the weak first answer"), 1.0))
        advice_layout.addWidget(
            _wrapping(
                self.tr(
                    "If you always ask for the same fix, fold it into your first prompt. Then, "
                    "as the example’s response, use the better answer you got after the "
                    "follow-up. The model learns to give that answer straight away."
                )
            )
        )
        self.fold_button = QPushButton(self.tr("Add my follow-ups to the prompt"))
        self.fold_button.setAccessibleName(self.fold_button.text())
        self.fold_button.clicked.connect(self.fold_follow_ups)
        self.fold_note = _wrapping()
        row = QHBoxLayout()
        row.addWidget(self.fold_button)
        row.addWidget(self.fold_note, 1)
        advice_layout.addLayout(row)
        self.body.addWidget(advice)
        self.body.addStretch(1)

        for key in (keys.TEMPLATE, keys.FOLLOW_UPS):
            self.follow(key, self._refresh)
        self._refresh()

    def missing_follow_ups(self) -> list[str]:
        """Follow-ups the template does not ask for yet (as the core decides when folding)."""
        from fineauthor.core.writing.prompt_template import with_follow_up

        template = self.store.text(keys.TEMPLATE)
        return [
            line
            for line in keys.lines(self.store.text(keys.FOLLOW_UPS))
            if with_follow_up(template, line) != template
        ]

    def fold_follow_ups(self) -> None:
        from fineauthor.core.writing.prompt_template import with_follow_up

        template = self.store.text(keys.TEMPLATE)
        for follow_up in self.missing_follow_ups():
            template = with_follow_up(template, follow_up)
        self.store.set(keys.TEMPLATE, template)

    def _refresh(self) -> None:
        from fineauthor.core.writing.prompt_template import placeholders

        found = list(placeholders(self.store.text(keys.TEMPLATE)))
        if found:
            self.blanks_label.setText(
                self.tr("You will fill in: {blanks}").format(
                    blanks=", ".join("{" + name + "}" for name in found)
                )
            )
        else:
            self.blanks_label.setText("")
        self.blanks_label.setVisible(bool(found))
        has_follow_ups = bool(keys.lines(self.store.text(keys.FOLLOW_UPS)))
        missing = self.missing_follow_ups()
        self.fold_button.setEnabled(bool(missing))
        if not has_follow_ups:
            self.fold_note.setText(self.tr("List a follow-up above first."))
        elif not missing:
            self.fold_note.setText(self.tr("Your prompt already asks for them."))
        else:
            from fineauthor.core.writing.prompt_template import as_sentence

            self.fold_note.setText(
                self.tr("Adds: {sentences}").format(
                    sentences=" ".join(f"“{as_sentence(line)}”" for line in missing)
                )
            )


# -- 6. Before you fine-tune ---------------------------------------------------------------------


class CraftPage(GuidePage):
    """Has prompt craft been tried? And the honest word about knowledge goals."""

    def __init__(self, store: AnswerStore) -> None:
        super().__init__(
            store,
            self.tr("Before you fine-tune"),
            self.tr("Some problems go away with a better prompt. Have you tried these?"),
            self.tr(
                "A fine-tune is good at consistency: the same length, the same voice, the same "
                "habits every time. It is not a cure for a vague prompt. What you have tried "
                "tells you whether a fine-tune is the right tool for what is left."
            ),
        )
        self.body.addWidget(_heading(self.tr("What have you tried?"), 1.0))
        self.detailed = QCheckBox(
            self.tr("Detailed prompts: the scene’s beats, who is in it, the setting and tone")
        )
        self.temperature = QCheckBox(
            self.tr("A different temperature: the setting for how adventurous the model is")
        )
        self.steps = QCheckBox(self.tr("Step by step: asking for a plan of the scene first"))
        self.temperature.setToolTip(
            self.tr(
                "Most AI tools have it. Higher makes the writing more surprising, lower more "
                "predictable."
            )
        )
        for box, key in (
            (self.detailed, keys.TRIED_DETAILED),
            (self.temperature, keys.TRIED_TEMPERATURE),
            (self.steps, keys.TRIED_STEPS),
        ):
            box.setAccessibleName(box.text())
            self.body.addWidget(box)
            self.bind_check(key, box)
            self.follow(key, self._refresh)
        self.craft_note = _wrapping()
        self.craft_note.setAccessibleName(self.tr("What we suggest"))
        self.body.addWidget(self.craft_note)

        self.falls_flat = _text_box(
            3,
            self.tr("For example: it stops at 600 words, and nobody speaks until I ask."),
        )
        self.add_field(self.tr("Where does your prompting fall flat?"), self.falls_flat)
        self.bind_text(keys.FALLS_FLAT, self.falls_flat)

        self.warning = self._knowledge_warning()
        self.body.addWidget(self.warning)
        self.body.addStretch(1)
        for key in (keys.KNOWLEDGE_ON, keys.KNOWLEDGE_TEXT):
            self.follow(key, self._refresh)
        self._refresh()

    def _knowledge_warning(self) -> QFrame:
        frame = _panel()
        frame.setAccessibleName(self.tr("About your goal that the model should know your story"))
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) * 2
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(size)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.warning_heading = _heading("", 1.0)
        self.warning_text = _wrapping(
            self.tr(
                "A fine-tune won’t get you there, and it is better to know now. Training on "
                "examples changes how the model writes, not what it remembers: it adjusts "
                "habits, it doesn’t store facts it can look up. Names and details from your "
                "examples may come back now and then, but unreliably and mixed up with "
                "others. Keep your characters and world in the prompt, or in a short summary "
                "you paste in each time."
            )
        )
        self.warning_text.setAccessibleName(self.tr("Why a fine-tune won’t teach facts"))
        self.continue_text = _wrapping(
            self.tr(
                "You can still go on: the goal stays on your list, so you can judge the "
                "result for yourself."
            )
        )
        self.remove_button = QPushButton(self.tr("Take it off my list"))
        self.remove_button.setAccessibleName(self.tr("Remove the knowledge goal"))
        self.remove_button.clicked.connect(lambda: self.store.set(keys.KNOWLEDGE_ON, False))
        button_row = QHBoxLayout()
        button_row.addWidget(self.remove_button)
        button_row.addStretch(1)
        text_column = QVBoxLayout()
        text_column.addWidget(self.warning_heading)
        text_column.addWidget(self.warning_text)
        text_column.addWidget(self.continue_text)
        text_column.addLayout(button_row)
        row = QHBoxLayout(frame)
        row.setContentsMargins(12, 10, 14, 12)
        row.setSpacing(12)
        row.addWidget(icon)
        row.addLayout(text_column, 1)
        return frame

    @property
    def warning_shown(self) -> bool:
        return not self.warning.isHidden()

    def _refresh(self) -> None:
        tried = [self.detailed.isChecked(), self.temperature.isChecked(), self.steps.isChecked()]
        if all(tried):
            self.craft_note.setText(
                self.tr("Good: then a fine-tune is the next step for what is still missing.")
            )
        elif any(tried):
            self.craft_note.setText(
                self.tr(
                    "Worth trying the others first, with your usual prompt. You can carry on "
                    "with this guide either way."
                )
            )
        else:
            self.craft_note.setText(
                self.tr(
                    "These cost nothing: an evening with them might solve the problem. You "
                    "can carry on with this guide either way."
                )
            )
        knowledge = keys.has_knowledge_goal(self.store.answers)
        self.warning.setVisible(knowledge)
        goal = self.store.text(keys.KNOWLEDGE_TEXT).strip()
        if goal:
            self.warning_heading.setText(
                self.tr("About your goal: “{goal}”").format(goal=_shorten(goal, 120))
            )
        else:
            self.warning_heading.setText(
                self.tr("About your goal that the model should know your story")
            )


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- 7. A unique name ----------------------------------------------------------------------------


class NamePage(GuidePage):
    """A coined name for the style, as the model sees it, placed in the system prompt."""

    SUGGESTIONS = 6
    NAMES = "name_suggestions"  # the suggestions shown, kept so a resumed wizard shows the same

    def __init__(self, store: AnswerStore) -> None:
        super().__init__(
            store,
            self.tr("A name for your style"),
            self.tr("Give the style an unusual name, and put it in your system prompt."),
            self.tr(
                "An invented name carries no baggage: the model has no habits for it yet. Put "
                "it in the system prompt of every example and it becomes a clear signal. When "
                "the model sees it, it writes the way your examples taught it. An ordinary "
                "word like “Storyteller” already means a thousand things to the model."
            ),
        )
        self.body.addWidget(_heading(self.tr("Some ideas"), 1.0))
        self.suggestion_grid = QGridLayout()
        self.suggestion_grid.setHorizontalSpacing(8)
        self.suggestion_grid.setVerticalSpacing(8)
        # Radio buttons: picking a name is a choice among several, not an action.
        self.suggestion_buttons: list[QRadioButton] = []
        self.suggestion_group = QButtonGroup(self)
        self.suggestion_group.setExclusive(True)
        for index in range(self.SUGGESTIONS):
            button = QRadioButton()
            button.clicked.connect(lambda _=False, b=button: self.choose(b.text()))
            self.suggestion_group.addButton(button)
            self.suggestion_buttons.append(button)
            self.suggestion_grid.addWidget(button, index // 3, index % 3)
        self.body.addLayout(self.suggestion_grid)
        self.more_button = QPushButton(self.tr("More ideas"))
        self.more_button.setAccessibleName(self.tr("Suggest other names"))
        self.more_button.clicked.connect(self.new_suggestions)
        more_row = QHBoxLayout()
        more_row.addWidget(self.more_button)
        more_row.addStretch(1)
        self.body.addLayout(more_row)

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("Pick one above or type your own"))
        self.add_field(self.tr("Your style’s name"), self.name_edit)
        self.bind_text(keys.STYLE_NAME, self.name_edit)
        self._token_section()
        self._system_prompt_section()
        self.body.addStretch(1)

        for key in (keys.STYLE_NAME, keys.SYSTEM_PROMPT, keys.BASE_MODEL):
            self.follow(key, self._refresh)
        self.follow(self.NAMES, self._show_suggestions)
        self._show_suggestions()
        self._refresh()

    def _token_section(self) -> None:
        from fineauthor.ui.widgets.token_viewer import TokenViewer

        self.tokens_heading = _heading("", 1.0)
        self.body.addWidget(self.tokens_heading)
        # The viewer explains tokens itself and splits the name in the background.
        self.token_viewer = TokenViewer(model_id=self.model_id())
        self.token_viewer.setAccessibleName(self.tr("Your style’s name as the model sees it"))
        self.token_viewer.updated.connect(self._show_rarity)
        self.body.addWidget(self.token_viewer)
        self.rarity_label = _wrapping()
        self.rarity_label.setAccessibleName(self.tr("How unusual the name is"))
        self.body.addWidget(self.rarity_label)

    def _system_prompt_section(self) -> None:
        self.body.addWidget(_heading(self.tr("In your system prompt"), 1.0))
        self.system_preview = _wrapping()
        self.system_preview.setAccessibleName(self.tr("Your system prompt"))
        self.body.addWidget(self.system_preview)
        self.place_button = QPushButton(self.tr("Put the name in my system prompt"))
        self.place_button.setAccessibleName(self.place_button.text())
        self.place_button.clicked.connect(self.place_name)
        place_row = QHBoxLayout()
        place_row.addWidget(self.place_button)
        place_row.addStretch(1)
        self.body.addLayout(place_row)

    def initializePage(self) -> None:  # noqa: N802
        if not self.store.get(self.NAMES):
            self.new_suggestions()
        self._refresh()

    def new_suggestions(self) -> None:
        from fineauthor.core.writing.style_names import suggest_names

        seed_text = " ".join(
            self.store.text(key) for key in (keys.STYLE_DESCRIPTION, keys.STYLE_PASSAGE)
        )
        names = suggest_names(
            seed_text=seed_text,
            count=self.SUGGESTIONS,
            rng_seed=random.SystemRandom().randrange(2**31),
        )
        self.store.set(self.NAMES, list(names))

    def _show_suggestions(self) -> None:
        names = self.store.get(self.NAMES) or []
        chosen = self.store.text(keys.STYLE_NAME)
        for index, button in enumerate(self.suggestion_buttons):
            name = names[index] if index < len(names) else ""
            button.setText(name)
            button.setAccessibleName(self.tr("Use the name {name}").format(name=name))
            button.setVisible(bool(name))
        self._mark_chosen(chosen.strip())

    def _mark_chosen(self, name: str) -> None:
        """Tick the suggestion that is the chosen name; none when the writer typed their own."""
        # An exclusive group never lets the last ticked button go, so clear it without.
        self.suggestion_group.setExclusive(False)
        for button in self.suggestion_buttons:
            button.setChecked(bool(name) and button.text() == name)
        self.suggestion_group.setExclusive(True)

    def choose(self, name: str) -> None:
        self.store.set(keys.STYLE_NAME, name)

    def model_id(self) -> str:
        return keys.chosen_model_id(self.store.answers)

    def _refresh(self) -> None:
        from fineauthor.core.catalog import load_catalog

        name = self.store.text(keys.STYLE_NAME).strip()
        self._mark_chosen(name)
        catalog = load_catalog()
        model_id = self.model_id()
        try:
            model = catalog.model(model_id)
            model_name = model.name
        except FineAuthorError:
            model_name = model_id
        if self.store.get(keys.BASE_MODEL):
            heading = self.tr("How {model} sees it").format(model=model_name)
        else:
            heading = self.tr("How {model} sees it (you choose the model on the next page)").format(
                model=model_name
            )
        self.tokens_heading.setText(heading)
        self.token_viewer.set_model(model_id)
        self.token_viewer.set_text(name)
        self._show_rarity()
        system = self.store.text(keys.SYSTEM_PROMPT).strip()
        self.system_preview.setText(
            system or self.tr("(You haven’t written a system prompt. This button starts one.)")
        )
        in_prompt = bool(name) and name in system
        self.place_button.setEnabled(bool(name) and not in_prompt)
        self.place_button.setText(
            self.tr("The name is in your system prompt")
            if in_prompt
            else self.tr("Put the name in my system prompt")
        )

    def _show_rarity(self) -> None:
        # The count is core.style_names.name_rarity (tokens of the name), taken from the
        # viewer's background split so the page never waits for a tokenizer to load.
        name = self.store.text(keys.STYLE_NAME).strip()
        counts = self.token_viewer.counts()
        if not name or counts is None or self.token_viewer.text != name:
            self.rarity_label.setText("")
            return
        self.rarity_label.setText(self._rarity_text(counts[0]))

    def _rarity_text(self, pieces: int) -> str:
        if pieces <= 1:
            return self.tr(
                "The model reads this name as one token: a word it already knows well, with "
                "meanings of its own. An invented name works better."
            )
        if pieces == 2:
            return self.tr(
                "The model reads this name as 2 tokens. It will do; a name in more pieces "
                "carries even less baggage."
            )
        return self.tr(
            "The model reads this name as {count} tokens. Together they mean little to it yet, "
            "so your examples can make the name mean your style."
        ).format(count=pieces)

    def place_name(self) -> None:
        """Start the system prompt with "You are <Name>", replacing a name placed earlier."""
        name = self.store.text(keys.STYLE_NAME).strip()
        if not name:
            return
        placed = with_name(
            self.store.text(keys.SYSTEM_PROMPT),
            name,
            previous=self.store.text(keys.PLACED_NAME),
            opening=self.tr("You are "),
        )
        self.store.update({keys.SYSTEM_PROMPT: placed, keys.PLACED_NAME: name})


def with_name(system: str, name: str, previous: str = "", opening: str = "You are ") -> str:
    """``system`` introduced by ``name``.

    A name put in before is swapped for the new one; "You are a novelist…" becomes
    "You are <Name>, a novelist…"; anything else gets "You are <Name>." in front.
    """
    stripped = system.strip()
    if previous and previous in stripped:
        return stripped.replace(previous, name)
    if not stripped:
        return f"{opening}{name}."
    if stripped.casefold().startswith(opening.casefold()):
        rest = stripped[len(opening) :]
        return f"{opening}{name}, {rest}"
    return f"{opening}{name}. {stripped}"


# -- 8. Provider and model -----------------------------------------------------------------------


def example_tokens_estimate(answers: dict[str, Any]) -> int:
    """Roughly the tokens of one example at the target length: system prompt, prompt,
    response and the framing around them."""
    target = answers.get(keys.TARGET_WORDS) or DEFAULT_TARGET_WORDS
    words = len(str(answers.get(keys.SYSTEM_PROMPT) or "").split())
    words += len(str(answers.get(keys.TEMPLATE) or "").split())
    words += int(target)
    return round(words * TOKENS_PER_WORD) + EXAMPLE_OVERHEAD_TOKENS


class ModelPage(GuidePage):
    """Who can train today, each base model with its price, limit and an estimated cost."""

    MODEL_ROLE = Qt.ItemDataRole.UserRole

    def __init__(self, store: AnswerStore, today: date | None = None) -> None:
        super().__init__(
            store,
            self.tr("Where to train"),
            self.tr(
                "Training happens at an online service, on a model it offers. Here is who can "
                "train one for you today."
            ),
            self.tr(
                "Not every service trains every model, and OpenAI is closing fine-tuning. The "
                "model you choose also sets how FineAuthor counts your examples and what a "
                "training run will cost. You can change it later, before you train."
            ),
        )
        self.today = today or date.today()
        self.services_label = _wrapping(rich=True)
        self.services_label.setAccessibleName(self.tr("Who can train today"))
        self.body.addWidget(_heading(self.tr("Who can train today"), 1.0))
        self.body.addWidget(self.services_label)

        self.body.addSpacing(6)
        self.body.addWidget(_heading(self.tr("Choose a model"), 1.0))
        self.explain_label = _wrapping()
        self.body.addWidget(self.explain_label)
        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName(self.tr("Models you can train"))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Model"),
                self.tr("Price to train"),
                self.tr("Longest example"),
                self.tr("Cost of 50 examples"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 165), (2, 130), (3, 165)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.body.addWidget(self.table)
        self.estimate_note = _wrapping()
        self.estimate_note.setAccessibleName(self.tr("How the cost is estimated"))
        self.body.addWidget(self.estimate_note)

        self.provider_panel = _panel()
        panel_layout = QVBoxLayout(self.provider_panel)
        panel_layout.setContentsMargins(14, 10, 14, 12)
        self.provider_heading = _heading("", 1.0)
        self.provider_text = _wrapping()
        self.policy_text = _wrapping()
        self.provider_text.setAccessibleName(self.tr("About this service"))
        self.policy_text.setAccessibleName(self.tr("What this service allows"))
        panel_layout.addWidget(self.provider_heading)
        panel_layout.addWidget(self.provider_text)
        panel_layout.addWidget(self.policy_text)
        self.body.addWidget(self.provider_panel)
        self.body.addStretch(1)
        self._filling = False

    def initializePage(self) -> None:  # noqa: N802
        # Estimates depend on the length and prompts, which may have changed since last time.
        self.fill()

    def fill(self) -> None:
        from fineauthor.core.catalog import load_catalog
        from fineauthor.core.dataset.estimate import estimate

        catalog = load_catalog()
        self.services_label.setText(self._services_html(catalog))
        answers = self.store.answers
        per_example = example_tokens_estimate(answers)
        chosen = keys.chosen_model_id(answers)
        models = [m for m in catalog.models if not m.is_shut_down(self.today)]
        # Services open to new writers first: they are the ones most writers can use.
        open_ids = {p.id for p in catalog.providers if p.new_users_can_fine_tune}
        models.sort(key=lambda m: (m.provider not in open_ids, m.id != catalog.default_model))
        self._filling = True
        self.table.setRowCount(len(models))
        selected_row = 0
        epochs = 0
        for row, model in enumerate(models):
            provider = catalog.provider(model.provider)
            found = estimate([per_example] * ESTIMATE_EXAMPLES, model)
            epochs = found.epochs
            if not provider.new_users_can_fine_tune:
                service = self.tr("{service}, closed to new accounts").format(service=provider.name)
            elif model.id == catalog.default_model:
                service = self.tr("{service} · recommended").format(service=provider.name)
            else:
                service = provider.name
            cells = [
                f"{model.name}\n{service}",
                self._price_text(model.training_price_per_1m_usd),
                self._limit_text(model.example_token_limit),
                self._cost_text(found.cost_usd),
            ]
            tips = [
                model.notes,
                model.price_note,
                self.tr("{tokens} tokens").format(tokens=_format_number(limit))
                if (limit := model.example_token_limit)
                else "",
                model.price_note,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(self.MODEL_ROLE, model.id)
                item.setToolTip(tips[column])
                if column == 0 and model.id == catalog.default_model:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, column, item)
            if model.id == chosen:
                selected_row = row
        # Every cell holds at most two lines: equal rows read as a list, not a puzzle.
        row_height = 2 * self.table.fontMetrics().lineSpacing() + 12
        for row in range(self.table.rowCount()):
            self.table.setRowHeight(row, row_height)
        height = self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        height += sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(height)
        self.table.selectRow(selected_row)
        self._filling = False
        self.explain_label.setText(
            self.tr(
                "Services charge by the token, the pieces of words a model reads: 1,000 words "
                "of prose are about 1,300 tokens. “Longest example” is the most a service "
                "reads of one example (prompts and response together); it cuts off the rest."
            )
        )
        self.estimate_note.setText(
            self.tr(
                "The last column is an estimate for {count} examples of about {words} words "
                "each (your target length plus your prompts), read {epochs} times over, as "
                "training usually does. The service shows the real price before you pay."
            ).format(
                count=ESTIMATE_EXAMPLES,
                words=_format_number(per_example / TOKENS_PER_WORD),
                epochs=epochs,
            )
        )
        self._selection_changed()

    def _services_html(self, catalog: Any) -> str:
        open_names = [p.name for p in catalog.providers if p.new_users_can_fine_tune]
        items = []
        if open_names:
            items.append(
                self.tr("<b>{names}</b>: open to new accounts.").format(
                    names=escape(self.tr(" and ").join(open_names))
                )
            )
        for provider in catalog.providers:
            if not provider.new_users_can_fine_tune:
                # The catalog's note gives the closing dates in plain words.
                items.append(
                    self.tr("<b>{name}</b>: closed to new accounts. {note}").format(
                        name=escape(provider.name), note=escape(provider.availability_note)
                    )
                )
        return "<p>" + "</p><p>".join(items) + "</p>"

    def _price_text(self, price: float | None) -> str:
        if price is None:
            return self.tr("not published: you’ll see it before you pay")
        return self.tr("${price} per million tokens").format(
            price=QLocale().toString(price, "f", 2)
        )

    def _limit_text(self, limit: int | None) -> str:
        if limit is None:
            return self.tr("not published")
        return self.tr("about {words} words").format(
            words=_format_number(round(limit / TOKENS_PER_WORD, -3))
        )

    def _cost_text(self, cost: float | None) -> str:
        if cost is None:
            return self.tr("no estimate without a price")
        return self.tr("about ${cost}").format(cost=QLocale().toString(cost, "f", 2))

    def selected_model(self) -> str:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return ""
        item = self.table.item(rows[0].row(), 0)
        return str(item.data(self.MODEL_ROLE)) if item is not None else ""

    def select_model(self, model_id: str) -> None:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(self.MODEL_ROLE) == model_id:
                self.table.selectRow(row)
                return

    def _selection_changed(self) -> None:
        from fineauthor.core.catalog import load_catalog

        model_id = self.selected_model()
        if not model_id:
            return
        catalog = load_catalog()
        model = catalog.model(model_id)
        provider = catalog.provider(model.provider)
        self.provider_heading.setText(self.tr("About {service}").format(service=provider.name))
        self.provider_text.setText(provider.availability_note)
        self.policy_text.setText(
            self.tr("What it allows: {policy}").format(policy=provider.content_policy_note)
        )
        if not self._filling or self.store.has(keys.BASE_MODEL):
            self.store.set(keys.BASE_MODEL, model_id)

    def validatePage(self) -> bool:  # noqa: N802
        # Going on with the recommendation untouched still records it as the choice.
        model_id = self.selected_model()
        if model_id:
            self.store.set(keys.BASE_MODEL, model_id)
        return True


# -- 9. Finish -----------------------------------------------------------------------------------


class FinishPage(GuidePage):
    """A summary, the title, the number of example slots and where to save."""

    def __init__(self, store: AnswerStore) -> None:
        super().__init__(
            store,
            self.tr("Ready to write your examples"),
            self.tr("Check your answers, then choose where to keep the project."),
            self.tr(
                "The project keeps everything you decided here, so the editor can check each "
                "example against your length, your win conditions and your model. You can "
                "change any of it later."
            ),
        )
        self.body.addWidget(_heading(self.tr("Your plan"), 1.0))
        self.summary = _wrapping(rich=True)
        self.summary.setAccessibleName(self.tr("Summary of your answers"))
        self.body.addWidget(self.summary)

        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(self.tr("For example: The Saltmarrow books"))
        self.add_field(self.tr("Project title"), self.title_edit)
        self.bind_text(keys.TITLE, self.title_edit)

        self.slots = _spin(1, keys.MAX_SLOTS, 10, "")
        self.slots.setMaximumWidth(140)
        self.add_field(
            self.tr("Empty examples to start with"),
            self.slots,
            self.tr(
                "Each has your system prompt and your scene prompt filled in, waiting for "
                "its ideal response. Fifty is a good start."
            ),
        )
        self.bind_number(keys.SLOTS, self.slots, keys.DEFAULT_SLOTS)

        self.path_label = _wrapping()
        self.path_label.setAccessibleName(self.tr("Where the project will be saved"))
        self.change_button = QPushButton(self.tr("Change…"))
        self.change_button.setAccessibleName(self.tr("Choose where to save the project"))
        self.change_button.clicked.connect(self.choose_path)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_label, 1)
        path_row.addWidget(self.change_button, 0, Qt.AlignmentFlag.AlignTop)
        title = _heading(self.tr("Where to save it"), 1.0)
        self.body.addWidget(title)
        self.body.addLayout(path_row)

        self.problem_label = _wrapping()
        self.problem_label.setAccessibleName(self.tr("Problem creating the project"))
        self.problem_frame = _panel()
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) * 2
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        problem_layout = QHBoxLayout(self.problem_frame)
        problem_layout.setContentsMargins(12, 8, 12, 8)
        problem_layout.setSpacing(12)
        problem_layout.addWidget(icon)
        problem_layout.addWidget(self.problem_label, 1)
        self.problem_frame.hide()
        self.body.addWidget(self.problem_frame)
        self.body.addStretch(1)

        for key in (keys.TITLE, keys.SAVE_PATH):
            self.follow(key, self._show_path)

    def initializePage(self) -> None:  # noqa: N802
        if not self.store.has(keys.TITLE):
            default = self.store.text(keys.STYLE_NAME).strip() or self.tr("My novel")
            self.store.set(keys.TITLE, default)
        self.summary.setText(self._summary_html())
        self._show_path()
        self.show_problem("")

    def project_title(self) -> str:
        return self.title_edit.text().strip() or self.tr("My novel")

    def default_folder(self) -> Path:
        from fineauthor.core.settings import folders, load_settings

        chosen = load_settings()["projects_folder"]
        return Path(chosen) if isinstance(chosen, str) and chosen else folders().documents

    def save_path(self) -> Path:
        """Where Finish will create the project: the writer's choice, or a free name in the
        projects folder (Documents/FineAuthor unless changed in Settings)."""
        chosen = self.store.text(keys.SAVE_PATH)
        if chosen:
            return Path(chosen)
        return keys.free_project_path(self.default_folder(), self.project_title())

    def set_save_path(self, path: Path | str) -> None:
        """Choose where to save without the dialog (tests, and the dialog itself)."""
        self.store.set(keys.SAVE_PATH, str(path))

    def choose_path(self) -> None:
        from fineauthor.core.project.schema import SUFFIX

        folder = self.save_path()
        folder.parent.mkdir(parents=True, exist_ok=True)
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Where to save the project"),
            str(folder),
            self.tr("FineAuthor projects (*{suffix})").format(suffix=SUFFIX),
            options=QFileDialog.Option.DontConfirmOverwrite,  # we refuse existing files anyway
        )
        if not path:
            return
        chosen = Path(path)
        if chosen.suffix != SUFFIX:
            chosen = chosen.with_name(chosen.name + SUFFIX)
        if chosen.exists():
            self.show_problem(
                self.tr(
                    "There is already a file called “{name}” there. Choose another name, so "
                    "nothing gets replaced."
                ).format(name=chosen.name)
            )
            return
        self.show_problem("")
        self.set_save_path(chosen)

    def _show_path(self) -> None:
        path = self.save_path()
        self.path_label.setText(
            self.tr("{file}\nin {folder}").format(file=path.name, folder=str(path.parent))
        )
        self.path_label.setToolTip(str(path))

    def show_problem(self, message: str) -> None:
        self.problem_label.setText(message)
        self.problem_frame.setVisible(bool(message))

    def _summary_html(self) -> str:
        from fineauthor.core.catalog import load_catalog

        answers = self.store.answers
        rows: list[tuple[str, str]] = []
        name = self.store.text(keys.STYLE_NAME).strip()
        rows.append((self.tr("Style name"), escape(name) if name else self.tr("none yet")))
        target = self.store.number(keys.TARGET_WORDS, DEFAULT_TARGET_WORDS)
        tolerance = self.store.number(keys.TOLERANCE_WORDS, DEFAULT_TARGET_WORDS // 10)
        rows.append(
            (
                self.tr("Length"),
                self.tr("{target} words, give or take {tolerance}").format(
                    target=_format_number(target), tolerance=_format_number(tolerance)
                ),
            )
        )
        conditions = [self._describe(c) for c in keys.win_conditions(answers)]
        rows.append(
            (
                self.tr("Win conditions"),
                "<br>".join(escape(c) for c in conditions)
                if conditions
                else self.tr("none yet: you can add them later"),
            )
        )
        model_id = keys.chosen_model_id(answers)
        try:
            catalog = load_catalog()
            model = catalog.model(model_id)
            model_text = self.tr("{model} at {service}").format(
                model=model.name, service=catalog.provider(model.provider).name
            )
        except FineAuthorError:
            model_text = model_id
        rows.append((self.tr("Model"), escape(model_text)))
        system = self.store.text(keys.SYSTEM_PROMPT).strip()
        rows.append(
            (self.tr("System prompt"), escape(_shorten(system, 160)) if system else self.tr("none"))
        )
        template = self.store.text(keys.TEMPLATE).strip()
        rows.append(
            (
                self.tr("Scene prompt"),
                escape(_shorten(template, 160)) if template else self.tr("none: you write each"),
            )
        )
        cells = "".join(
            f"<tr><td style='padding:2px 16px 2px 0'><b>{escape(label)}</b></td>"
            f"<td style='padding:2px 0'>{value}</td></tr>"
            for label, value in rows
        )
        return f"<table>{cells}</table>"

    def _describe(self, condition: Any) -> str:
        from fineauthor.core.writing import win_conditions as wc

        if isinstance(condition, wc.LengthBand):
            return self.tr("Responses of {low}–{high} words").format(
                low=_format_number(condition.min_words), high=_format_number(condition.max_words)
            )
        if isinstance(condition, wc.DialogueFromStart):
            return self.tr(
                "Dialogue in at least {share}% of paragraphs, from the first reply"
            ).format(share=round(condition.min_share * 100))
        if isinstance(condition, wc.BannedPhrases):
            return self.tr("Never: {phrases}").format(
                phrases=", ".join(f"“{p}”" for p in condition.phrases)
            )
        if isinstance(condition, wc.PointOfViewNote):
            return self.tr("Point of view and tense: {text}").format(
                text=_shorten(condition.text, 80)
            )
        if isinstance(condition, wc.KnowledgeGoal):
            return self.tr("Knows: {text} (a fine-tune can’t promise this)").format(
                text=_shorten(condition.text, 80)
            )
        return _shorten(str(getattr(condition, "text", "")), 100)
