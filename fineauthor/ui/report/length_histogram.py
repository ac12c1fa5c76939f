"""A small histogram of response lengths against the writer's target band, painted by hand.

QtCharts would draw it too, but it is heavy to import and the picture is simple: bars, a shaded
band for "on target", a few axis labels. ``bin_word_counts`` does the arithmetic and is tested
without painting.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QLocale, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

MAX_BINS = 16  # enough to see a shape, few enough to read at ~400 px
_NICE_STEPS = (1, 2, 5)


@dataclass(frozen=True, slots=True)
class Bin:
    """Responses with ``start <= words < end``; ``end`` is None for the last, open bin that
    gathers the few very long responses ("4,000 words or more")."""

    start: int
    end: int | None
    count: int

    @property
    def last_word(self) -> int | None:
        """The longest length in the bin (``end - 1``), or None for the open bin."""
        return None if self.end is None else self.end - 1


def nice_width(raw: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, … words that is at least ``raw``."""
    if raw <= 1:
        return 1
    power = 10 ** math.floor(math.log10(raw))
    for step in (*_NICE_STEPS, 10):
        if step * power >= raw:
            return int(step * power)
    return int(10 * power)  # pragma: no cover - the loop always returns


def bin_word_counts(
    counts: Sequence[int],
    target: int | None = None,
    tolerance: int | None = None,
    *,
    max_bins: int = MAX_BINS,
) -> list[Bin]:
    """Group response lengths into at most ``max_bins`` bars of a round width (1, 2, 5, 10, 20,
    50, … words) that cover every length and the target band. When a few responses are far
    longer than the rest, the last bar is open-ended so they don't squash the others into one
    bar."""
    if not counts:
        return []
    values = sorted(counts)
    low, high = values[0], values[-1]
    band_high = None
    if target:
        band = tolerance or 0
        band_high = target + band
        low, high = min(low, max(0, target - band)), max(high, band_high)
    # A long tail: when a few lengths lie far beyond the rest (1.5× the 95th percentile, or the
    # band), an open last bar gathers them so they don't squash the others into one bar.
    typical = values[math.ceil(0.95 * len(values)) - 1]
    if band_high is not None:
        typical = max(typical, band_high)
    if len(values) >= 10 and values[-1] > typical * 1.5 + 10:
        high = int(typical * 1.25)
    width = nice_width((high - low + 1) / max(1, max_bins - 1))
    start = (low // width) * width
    stop = (high // width + 1) * width  # the end of the last closed bar
    closed = (stop - start) // width
    tally = [0] * (closed + (1 if values[-1] >= stop else 0))
    for value in values:
        tally[min((value - start) // width, len(tally) - 1)] += 1
    return [
        Bin(start + i * width, None if i == closed else start + (i + 1) * width, n)
        for i, n in enumerate(tally)
    ]


class LengthHistogram(QWidget):
    """Bars of how many responses have each length, with the target band shaded behind them.

    ``set_data(word_counts, target, tolerance)`` replaces the picture. Each bar has a tooltip,
    and the accessible description says the same in one sentence for screen readers."""

    _MARGIN_LEFT = 34
    _MARGIN_RIGHT = 18
    _MARGIN_TOP = 8
    _MARGIN_BOTTOM = 22

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._counts: list[int] = []
        self._target: int | None = None
        self._tolerance: int | None = None
        self._bins: list[Bin] = []
        self.setMinimumHeight(100)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.tr("Response lengths"))
        self.setMouseTracking(True)
        self._update_description()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(380, 110)

    def set_data(
        self, word_counts: Sequence[int], target: int | None, tolerance: int | None
    ) -> None:
        self._counts = list(word_counts)
        self._target = target or None
        self._tolerance = tolerance if target else None
        self._bins = bin_word_counts(self._counts, self._target, self._tolerance)
        self._update_description()
        self.update()

    def bins(self) -> list[Bin]:
        return list(self._bins)

    # Words ---------------------------------------------------------------------------------

    def bin_text(self, item: Bin) -> str:
        """e.g. “12 responses between 1,800 and 1,999 words”."""
        locale = QLocale()
        n = locale.toString(item.count)
        if item.end is None:
            text = (
                self.tr("1 response of %2 words or more")
                if item.count == 1
                else self.tr("%1 responses of %2 words or more")
            )
            return text.replace("%1", n).replace("%2", locale.toString(item.start))
        last = item.end - 1
        if last == item.start:
            text = (
                self.tr("1 response of %2 words")
                if item.count == 1
                else self.tr("%1 responses of %2 words")
            )
            return text.replace("%1", n).replace("%2", locale.toString(item.start))
        text = (
            self.tr("1 response between %2 and %3 words")
            if item.count == 1
            else self.tr("%1 responses between %2 and %3 words")
        )
        return (
            text.replace("%1", n)
            .replace("%2", locale.toString(item.start))
            .replace("%3", locale.toString(last))
        )

    def _update_description(self) -> None:
        locale = QLocale()
        if not self._counts:
            self.setAccessibleDescription(self.tr("No responses to show yet."))
            return
        parts = [
            self.tr("%1 responses, from %2 to %3 words long.")
            .replace("%1", locale.toString(len(self._counts)))
            .replace("%2", locale.toString(min(self._counts)))
            .replace("%3", locale.toString(max(self._counts)))
        ]
        if self._target:
            band = self._tolerance or 0
            inside = sum(1 for c in self._counts if abs(c - self._target) <= band)
            shorter = sum(1 for c in self._counts if c < self._target - band)
            longer = len(self._counts) - inside - shorter
            parts.append(
                self.tr("%1 on your target of %2 words ± %3, %4 shorter and %5 longer.")
                .replace("%1", locale.toString(inside))
                .replace("%2", locale.toString(self._target))
                .replace("%3", locale.toString(band))
                .replace("%4", locale.toString(shorter))
                .replace("%5", locale.toString(longer))
            )
        self.setAccessibleDescription(" ".join(parts))

    # Geometry ------------------------------------------------------------------------------

    def _plot(self) -> QRectF:
        return QRectF(self.rect()).adjusted(
            self._MARGIN_LEFT, self._MARGIN_TOP, -self._MARGIN_RIGHT, -self._MARGIN_BOTTOM
        )

    def _bar_rects(self) -> list[QRectF]:
        if not self._bins:
            return []
        plot = self._plot()
        slot = plot.width() / len(self._bins)
        tallest = max(b.count for b in self._bins) or 1
        rects = []
        for i, item in enumerate(self._bins):
            height = plot.height() * item.count / tallest
            rects.append(
                QRectF(plot.left() + i * slot + 1, plot.bottom() - height, slot - 2, height)
            )
        return rects

    def _x_of(self, words: float) -> float:
        """Where a length falls on the horizontal axis (bins are equally wide)."""
        plot = self._plot()
        first = self._bins[0]
        width = (first.end or first.start + 1) - first.start
        slot = plot.width() / len(self._bins)
        return plot.left() + (words - first.start) / width * slot

    def _bin_at(self, x: float) -> int | None:
        plot = self._plot()
        if not self._bins or not plot.left() <= x <= plot.right():
            return None
        slot = plot.width() / len(self._bins)
        return min(len(self._bins) - 1, int((x - plot.left()) / slot))

    # Painting ------------------------------------------------------------------------------

    def paintEvent(self, event: object) -> None:  # noqa: N802
        painter = QPainter(self)
        try:
            self.paint(painter)
        finally:
            painter.end()

    def paint(self, painter: QPainter) -> None:
        """Draw the whole picture with ``painter`` (also used to paint into an image)."""
        palette = self.palette()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        if not self._bins:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, self.tr("No responses yet")
            )
            return
        self._paint_band(painter, palette)
        self._paint_bars(painter, palette)
        self._paint_axes(painter, palette)

    def _paint_band(self, painter: QPainter, palette: QPalette) -> None:
        if not self._target:
            return
        plot = self._plot()
        accent = palette.color(QPalette.ColorRole.Highlight)
        band = self._tolerance or 0
        left = max(plot.left(), self._x_of(self._target - band))
        right = min(plot.right(), self._x_of(self._target + band + 1))
        shade = QColor(accent)
        shade.setAlpha(45)
        painter.fillRect(QRectF(left, plot.top(), max(2.0, right - left), plot.height()), shade)
        line = QColor(accent)
        line.setAlpha(170)
        painter.setPen(QPen(line, 1, Qt.PenStyle.DashLine))
        x = self._x_of(self._target + 0.5)
        if plot.left() <= x <= plot.right():
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))

    def _paint_bars(self, painter: QPainter, palette: QPalette) -> None:
        """On-target bars in the accent colour, the others muted."""
        accent = palette.color(QPalette.ColorRole.Highlight)
        muted = QColor(palette.color(QPalette.ColorRole.WindowText))
        muted.setAlpha(110)
        for item, rect in zip(self._bins, self._bar_rects(), strict=True):
            if item.count:
                painter.fillRect(rect, accent if self._in_band(item) else muted)

    def _paint_axes(self, painter: QPainter, palette: QPalette) -> None:
        plot = self._plot()
        text = palette.color(QPalette.ColorRole.WindowText)
        axis = QColor(text)
        axis.setAlpha(150)
        painter.setPen(axis)
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        font = painter.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        painter.setFont(font)
        metrics = painter.fontMetrics()
        locale = QLocale()
        painter.setPen(text)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        box = QRectF(0, plot.top() - 6, self._MARGIN_LEFT - 6, 12)
        painter.drawText(box, right, locale.toString(max(b.count for b in self._bins)))
        box.moveTop(plot.bottom() - 6)
        painter.drawText(box, right, locale.toString(0))
        # Lengths under the bar edges, as many as fit without touching.
        edges = [b.start for b in self._bins]
        labels = [locale.toString(e) for e in edges]
        last = self._bins[-1]
        if last.end is None:
            labels[-1] += "+"
        else:
            edges.append(last.end)
            labels.append(locale.toString(last.end))
        widest = max(metrics.horizontalAdvance(s) for s in labels) + 8
        slot = plot.width() / len(self._bins)
        step = max(1, math.ceil(widest / slot))
        below = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        for i in range(0, len(edges), step):
            x = plot.left() + i * slot
            box = QRectF(x - widest / 2, plot.bottom() + 3, widest, metrics.height())
            painter.drawText(box, below, labels[i])

    def _in_band(self, item: Bin) -> bool:
        """Whether most of the bar's lengths are on target (judged by its middle)."""
        if not self._target:
            return True
        band = self._tolerance or 0
        end = item.end if item.end is not None else item.start + 1
        middle = (item.start + end - 1) / 2
        return abs(middle - self._target) <= band

    # Tooltips ------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            index = self._bin_at(event.pos().x())
            if index is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), self.bin_text(self._bins[index]), self)
            return True
        return super().event(event)
