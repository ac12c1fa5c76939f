"""The bench's hints: the small, muted, wrapping notes it puts under a control or a reply."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from fineauthor.ui.widgets.labels import muted


def hint(text: str) -> QLabel:
    """A label for ``text`` in the quieter colour and a slightly smaller font, wrapping."""
    label = muted(QLabel(text))
    label.setWordWrap(True)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.92)
    label.setFont(font)
    return label
