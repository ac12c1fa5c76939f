"""The two painted lines under a message field: its word and token counts, and its length against
the project's target. Repainting them never re-lays out the window.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from fineauthor.ui.widgets.length import (
    LONG,
    NO_TARGET,
    ON_TARGET,
    SHORT,
    length_status,
    length_verdict,
)

# Calm colours for the length bar: nothing here is an error, only a nudge.
_STATUS_COLOURS = {ON_TARGET: "#4a8a62", SHORT: "#b98a35", LONG: "#b46a45"}


class CountsLine(QWidget):
    """“1,234 words · 1,600 tokens” under a field, painted in a muted colour."""

    textChanged = Signal()  # noqa: N815  (Qt's naming)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._words = 0
        self._tokens: int | None = None
        self._unavailable = False
        self._text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip(self.tr("Tokens are the word pieces a model reads; services bill by them."))
        self._refresh()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(160, self.fontMetrics().height() + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(40, self.fontMetrics().height() + 4)

    def text(self) -> str:
        return self._text

    def full_width(self) -> int:
        """The width the whole text needs, uncut."""
        return self.fontMetrics().horizontalAdvance(self._text) + 4

    def set_words(self, words: int) -> None:
        if words != self._words:
            self._words = words
            self._refresh()

    def set_tokens(self, tokens: int | None, *, unavailable: bool = False) -> None:
        if (tokens, unavailable) != (self._tokens, self._unavailable):
            self._tokens, self._unavailable = tokens, unavailable
            self._refresh()

    def _refresh(self) -> None:
        from PySide6.QtCore import QLocale

        locale = QLocale()
        words = (
            self.tr("1 word")
            if self._words == 1
            else self.tr("%1 words").replace("%1", locale.toString(self._words))
        )
        if self._unavailable:
            tokens = self.tr("tokens unavailable")
        elif self._tokens is None:
            tokens = self.tr("counting tokens…")
        elif self._tokens == 1:
            tokens = self.tr("1 token")
        else:
            tokens = self.tr("%1 tokens").replace("%1", locale.toString(self._tokens))
        self._text = f"{words} · {tokens}"
        self.setAccessibleDescription(self._text)
        self.update()
        self.textChanged.emit()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        text = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight, self.width())
        painter.drawText(
            self.rect(), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text
        )


class LengthBar(QWidget):
    """The response's length against the project's target: a thin bar with the target band
    shaded, and the verdict in words (“1,850 of 2,000 words — on target”)."""

    BAR_HEIGHT = 6
    ZONE_OVERHANG = 3
    _TEXT_INDENT = 14  # the coloured dot and the space after it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._words = 0
        self._target: int | None = None
        self._tolerance: int | None = None
        self._verdict = ""
        self._label = ""
        self._status = NO_TARGET
        self._height = 0
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)  # a narrow field gets the verdict on two lines, whole
        self.setSizePolicy(policy)
        self.setAccessibleName(self.tr("Response length"))
        self._refresh()

    def _text_height(self, width: int) -> int:
        bound = self.fontMetrics().boundingRect(
            0, 0, max(1, width - self._TEXT_INDENT), 10_000, Qt.TextFlag.TextWordWrap, self.text()
        )
        return max(self.fontMetrics().height(), bound.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._height = self.heightForWidth(event.size().width())

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self.BAR_HEIGHT + 2 * self.ZONE_OVERHANG + 5 + self._text_height(width) + 2

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(200, self.heightForWidth(max(self.width(), 200)))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(60, self.heightForWidth(max(self.width(), 60)))

    @property
    def verdict(self) -> str:
        return self._verdict

    @property
    def status(self) -> str:
        return self._status

    def set_target(self, target: int | None, tolerance: int | None) -> None:
        if (target, tolerance) != (self._target, self._tolerance):
            self._target, self._tolerance = target, tolerance
            self._refresh()
            self._update_tooltip()

    def set_words(self, words: int) -> None:
        if words != self._words:
            self._words = words
            self._refresh()

    def set_label(self, label: str) -> None:
        """Words shown before the verdict, e.g. “Last answer:” in a multi-turn example."""
        if label != self._label:
            self._label = label
            self._refresh()

    def text(self) -> str:
        """What the bar says, as shown and as read out."""
        return f"{self._label} {self._verdict}" if self._label else self._verdict

    def _refresh(self) -> None:
        self._status = length_status(self._words, self._target, self._tolerance)
        self._verdict = length_verdict(self._words, self._target, self._tolerance)
        self.setAccessibleDescription(self.text())
        height = self.heightForWidth(self.width())
        if height != self._height:  # a longer verdict may need a second line (rarely)
            self._height = height
            self.updateGeometry()
        self.update()

    def _update_tooltip(self) -> None:
        from PySide6.QtCore import QLocale

        locale = QLocale()
        if not self._target:
            self.setToolTip("")
            return
        if self._tolerance:
            tip = self.tr("Your target is %1 words, give or take %2.")
            tip = tip.replace("%2", locale.toString(self._tolerance))
        else:
            tip = self.tr("Your target is %1 words.")
        tip = tip.replace("%1", locale.toString(self._target))
        tip += " " + self.tr(
            "The check measures the last answer of each example against it; the shaded part "
            "of the bar is the length that counts as on target."
        )
        self.setToolTip(tip)

    def _colour(self) -> QColor:
        colour = QColor(_STATUS_COLOURS.get(self._status, _STATUS_COLOURS[ON_TARGET]))
        if self.palette().color(QPalette.ColorRole.Window).lightness() < 128:
            colour = colour.lighter(130)  # dark mode: the same hue, easier to see
        return colour

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        width = self.width()
        bar = QRectF(0.5, self.ZONE_OVERHANG, width - 1.0, self.BAR_HEIGHT)
        radius = self.BAR_HEIGHT / 2
        target = self._target or 0
        band = self._tolerance or 0
        scale = max(target * 4 / 3, (target + band) * 1.1, self._words, 1)

        if target:  # the on-target zone, a little taller than the bar so it shows round it
            zone = QColor(_STATUS_COLOURS[ON_TARGET])
            zone.setAlphaF(0.35)
            low = max(0, target - band) / scale * bar.width()
            high = (target + band) / scale * bar.width()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(zone)
            painter.drawRoundedRect(
                QRectF(
                    bar.left() + low, 0, max(3.0, high - low), bar.bottom() + self.ZONE_OVERHANG
                ),
                2,
                2,
            )
        track = QColor(palette.color(QPalette.ColorRole.Text))
        track.setAlphaF(0.10)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRoundedRect(bar, radius, radius)
        colour = self._colour()
        filled = min(1.0, self._words / scale) * bar.width()
        if filled > 0:
            painter.setBrush(colour)
            painter.drawRoundedRect(
                QRectF(bar.left(), bar.top(), filled, bar.height()), radius, radius
            )
        if target:
            tick = QColor(palette.color(QPalette.ColorRole.Text))
            tick.setAlphaF(0.55)
            x = bar.left() + target / scale * bar.width()
            painter.fillRect(QRectF(x - 1, 0, 2, bar.bottom() + self.ZONE_OVERHANG), tick)

        text_top = bar.bottom() + self.ZONE_OVERHANG + 5
        dot = 8.0
        line = self.fontMetrics().height()
        painter.setBrush(colour)
        painter.drawEllipse(QRectF(0.5, text_top + (line - dot) / 2, dot, dot))
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        text_rect = QRectF(
            self._TEXT_INDENT, text_top, width - self._TEXT_INDENT, self._text_height(width)
        )
        painter.drawText(
            text_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
            self.text(),
        )
