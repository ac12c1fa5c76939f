"""The small widgets the wizard's pages are built from: wrapped text, headings, text boxes,
panels and spin boxes, and numbers and quotations shortened for reading.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QLabel, QPlainTextEdit, QSpinBox


def wrapping(text: str = "", *, rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def heading(text: str, scale: float = 1.1) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


def text_box(lines: int, placeholder: str = "") -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)  # Tab moves on, as in every other form
    height = box.fontMetrics().lineSpacing() * lines + 14
    box.setFixedHeight(height)
    return box


def panel(role: QPalette.ColorRole = QPalette.ColorRole.AlternateBase) -> QFrame:
    frame = QFrame()
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    frame.setBackgroundRole(role)  # follows light and dark mode
    frame.setAutoFillBackground(True)
    return frame


def spin(minimum: int, maximum: int, step: int, suffix: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(minimum, maximum)
    spin.setSingleStep(step)
    spin.setSuffix(suffix)
    spin.setGroupSeparatorShown(True)
    spin.setMinimumWidth(120)
    return spin


def format_number(value: float) -> str:
    return QLocale().toString(round(value))


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
