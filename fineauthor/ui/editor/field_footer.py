"""The line under a field: its word and token counts, and the field's controls ("Show as
tokens", "Train on this answer") beside them, or on a line of their own when the field is too
narrow for both, so the counts are never cut short."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from fineauthor.ui.editor.status_lines import CountsLine

_SPACING = 12


class FieldFooter(QWidget):
    """``counts`` on the left; ``add_control`` widgets to its right, or below it when needed."""

    def __init__(self, counts: CountsLine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts = counts
        self._controls: list[QWidget] = []
        self.stacked = False  # whether the controls sit on their own line
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 0, 0, 0)
        layout.setSpacing(2)
        self._beside = QHBoxLayout()
        self._beside.setSpacing(_SPACING)
        self._beside.addWidget(counts, 1)
        self._below = QHBoxLayout()
        self._below.setSpacing(_SPACING)
        self._below.addStretch(1)
        layout.addLayout(self._beside)
        layout.addLayout(self._below)
        counts.textChanged.connect(self.arrange)

    def add_control(self, widget: QWidget) -> None:
        self._controls.append(widget)
        (self._below if self.stacked else self._beside).addWidget(
            widget, 0, Qt.AlignmentFlag.AlignRight
        )
        self.arrange()

    def needed_width(self) -> int:
        """The width the counts and every shown control need on one line."""
        controls = [w for w in self._controls if not w.isHidden()]
        return (
            self.counts.full_width()
            + sum(w.sizeHint().width() + _SPACING for w in controls)
            + self.layout().contentsMargins().left()
        )

    def arrange(self) -> None:
        stacked = bool(self._controls) and self.width() < self.needed_width()
        if stacked == self.stacked:
            return
        self.stacked = stacked
        source, target = (self._beside, self._below) if stacked else (self._below, self._beside)
        for widget in self._controls:
            source.removeWidget(widget)
            target.addWidget(widget, 0, Qt.AlignmentFlag.AlignRight)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.arrange()
