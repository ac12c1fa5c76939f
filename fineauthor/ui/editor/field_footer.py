"""The line under a field: its word and token counts, and the field's controls ("Show as
tokens", "Train on this answer") beside them, flowing onto the lines below when the field is
too narrow, so neither the counts nor a control is ever cut short."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLayout, QVBoxLayout, QWidget

from fineauthor.ui.editor.status_lines import CountsLine

_SPACING = 12
_MARGIN = 2


class FieldFooter(QWidget):
    """``counts`` first; ``add_control`` widgets after it, on as many lines as the width needs."""

    def __init__(self, counts: CountsLine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts = counts
        self._controls: list[QWidget] = []
        self._placed: tuple[int, ...] = ()  # the line each control is on (0: beside the counts)
        self._lines = QVBoxLayout(self)
        # The footer may get narrower than one line of everything: its pieces then flow down.
        self._lines.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._lines.setContentsMargins(_MARGIN, 0, 0, 0)
        self._lines.setSpacing(2)
        self._lines.addLayout(self._line())
        self._lines.itemAt(0).layout().addWidget(counts, 1)
        counts.textChanged.connect(self.arrange)

    @property
    def stacked(self) -> bool:
        """Whether any control sits below the counts."""
        return any(self._placed)

    def add_control(self, widget: QWidget) -> None:
        widget.setParent(self)
        self._controls.append(widget)
        # One line more than could ever be needed, made once: lines are never deleted while
        # the field lives (an empty line takes no room).
        self._lines.addLayout(self._line(stretch=True))
        self._placed = ()
        self.arrange()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """As narrow as the widest single piece, as tall as one piece per line."""
        pieces = [self.counts.minimumSizeHint(), *(w.sizeHint() for w in self._controls)]
        width = max(piece.width() for piece in pieces) + _MARGIN
        return QSize(width, sum(piece.height() + 2 for piece in pieces))

    def arrange(self) -> None:
        placed = self._flow()
        if placed == self._placed:
            return
        self._placed = placed
        for widget in self._controls:
            for index in range(self._lines.count()):
                self._lines.itemAt(index).layout().removeWidget(widget)
        for widget, line in zip(self._controls, placed, strict=True):
            row = self._lines.itemAt(line).layout()
            row.addWidget(widget, 0, Qt.AlignmentFlag.AlignRight)

    def _flow(self) -> tuple[int, ...]:
        """Each shown control's line: beside the counts while they fit, then filling the lines
        below from the right, in order."""
        room = self.width() - _MARGIN
        line, used = 0, self.counts.full_width()
        placed = []
        for widget in self._controls:
            width = widget.sizeHint().width() if not widget.isHidden() else 0
            if used + _SPACING + width > room and used > 0:
                line, used = line + 1, width
            else:
                used += _SPACING + width
            placed.append(line)
        return tuple(placed)

    @staticmethod
    def _line(*, stretch: bool = False) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(_SPACING)
        if stretch:
            row.addStretch(1)
        return row

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.arrange()
