"""The layout pieces every page of the Train dialog is made of: a wrapped label, a page
heading, and a row of buttons on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy


def wrapped_label(text: str = "", *, selectable: bool = True) -> QLabel:
    """A plain-text label that wraps, its text selectable unless ``selectable`` is false."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def heading_label(text: str) -> QLabel:
    """A page's heading: larger, semi-bold, wrapping."""
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.25)
    font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def button_row(*buttons: QPushButton) -> QHBoxLayout:
    """``buttons`` side by side at the right-hand end of a row."""
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        row.addWidget(button)
    return row
