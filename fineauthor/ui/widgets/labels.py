"""The two ways FineAuthor dresses a label: a bold headline, and a quieter explanation."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel


def bold(label: QLabel) -> QLabel:
    """``label`` in bold, as headlines are."""
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def muted(label: QLabel) -> QLabel:
    """``label`` in the theme's quiet colour, for explanations (it follows light and dark)."""
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label
