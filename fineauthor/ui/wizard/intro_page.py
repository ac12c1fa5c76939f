"""Page 1 of the wizard: what a fine-tune can and cannot do, with a small drawing of it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from fineauthor.ui.wizard import building_blocks as blocks
from fineauthor.ui.wizard.answer_store import AnswerStore
from fineauthor.ui.wizard.guide_page import COLUMN_WIDTH, GuidePage


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
            self.body.addWidget(blocks.heading(heading, 1.0))
            label = blocks.wrapping(text)
            label.setAccessibleName(heading)
            self.body.addWidget(label)
        self.body.addStretch(1)
