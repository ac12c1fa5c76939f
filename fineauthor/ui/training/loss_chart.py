"""The loss chart of a training job: training and validation loss by step, painted by hand.

Like the length histogram it avoids QtCharts (heavy to import for a few lines): axes with round
ticks, a legend in words, a tooltip for the step under the pointer, and an accessible
description that says in one sentence what the picture shows. ``nice_ticks`` does the
arithmetic and is tested without painting.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from PySide6.QtCore import QEvent, QLocale, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from fineauthor.providers.base import MetricPoint

_NICE_STEPS = (1, 2, 2.5, 5, 10)
_VALIDATION_COLOUR = QColor(214, 120, 32)  # amber: reads against the accent in light and dark


def nice_ticks(high: float, count: int = 4) -> list[float]:
    """Round values from 0 up to at least ``high``, about ``count`` intervals: 0, 0.5, 1, 1.5…"""
    if high <= 0 or not math.isfinite(high):
        return [0.0, 1.0]
    raw = high / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(s * power for s in _NICE_STEPS if s * power >= raw)
    ticks = [0.0]
    while ticks[-1] < high - 1e-12:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def nice_steps(first: int, last: int, count: int = 6) -> list[int]:
    """Whole step numbers for the horizontal axis, round and about ``count`` of them."""
    span = max(1, last - first)
    raw = span / count
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = max(1, int(next(s * power for s in _NICE_STEPS if s * power >= raw)))
    start = (first // step) * step
    return [value for value in range(start, last + step, step) if first <= value <= last] or [first]


class LossChart(QWidget):
    """Training (solid) and validation (dashed) loss by step. One point per step: a step seen
    again is ignored, so polling twice never draws a point twice."""

    _MARGIN_LEFT = 46
    _MARGIN_RIGHT = 16
    _MARGIN_TOP = 26  # the legend
    _MARGIN_BOTTOM = 36  # step numbers and the word "Step"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._points: dict[int, MetricPoint] = {}
        self._ordered: list[MetricPoint] = []
        self._range: tuple[int, int, float] | None = None
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(self.tr("Training loss chart"))
        self.setMouseTracking(True)
        self._update_description()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(560, 240)

    # Data ----------------------------------------------------------------------------------

    def add_points(self, points: Iterable[MetricPoint]) -> int:
        """Add the steps not seen before; how many were new."""
        added = 0
        for point in points:
            if point.step in self._points:
                continue
            if point.train_loss is None and point.valid_loss is None:
                continue
            self._points[point.step] = point
            added += 1
        if added:
            self._ordered = sorted(self._points.values(), key=lambda p: p.step)
            self._range = None
            self._update_description()
            self.update()
        return added

    def set_points(self, points: Iterable[MetricPoint]) -> None:
        self.clear()
        self.add_points(points)

    def clear(self) -> None:
        self._points.clear()
        self._ordered = []
        self._range = None
        self._update_description()
        self.update()

    def points(self) -> list[MetricPoint]:
        """Every point, in step order."""
        return list(self._ordered)

    def has_validation(self) -> bool:
        return any(p.valid_loss is not None for p in self._ordered)

    # Words ---------------------------------------------------------------------------------

    def point_text(self, point: MetricPoint) -> str:
        """e.g. "Step 12: training loss 1.234, validation loss 1.456"."""
        locale = QLocale()
        parts = [self.tr("Step %1").replace("%1", locale.toString(point.step))]
        details = []
        if point.train_loss is not None:
            details.append(
                self.tr("training loss %1").replace("%1", locale.toString(point.train_loss, "f", 3))
            )
        if point.valid_loss is not None:
            details.append(
                self.tr("validation loss %1").replace(
                    "%1", locale.toString(point.valid_loss, "f", 3)
                )
            )
        return parts[0] + ": " + ", ".join(details)

    def _update_description(self) -> None:
        locale = QLocale()
        training = [p for p in self._ordered if p.train_loss is not None]
        if not training:
            self.setAccessibleDescription(
                self.tr("No loss figures yet. They appear once training starts.")
            )
            return
        first, last = training[0], training[-1]
        text = (
            self.tr(
                "Loss for %1 steps: training loss went from %2 at step %3 to %4 at step %5. "
                "Lower means the model's answers are closer to your examples."
            )
            .replace("%1", locale.toString(len(self._ordered)))
            .replace("%2", locale.toString(first.train_loss, "f", 2))
            .replace("%3", locale.toString(first.step))
            .replace("%4", locale.toString(last.train_loss, "f", 2))
            .replace("%5", locale.toString(last.step))
        )
        validation = [p for p in self._ordered if p.valid_loss is not None]
        if validation:
            text += " " + self.tr("The latest validation loss is %1 at step %2.").replace(
                "%1", locale.toString(validation[-1].valid_loss, "f", 2)
            ).replace("%2", locale.toString(validation[-1].step))
        self.setAccessibleDescription(text)

    # Geometry ------------------------------------------------------------------------------

    def _plot(self) -> QRectF:
        return QRectF(self.rect()).adjusted(
            self._MARGIN_LEFT, self._MARGIN_TOP, -self._MARGIN_RIGHT, -self._MARGIN_BOTTOM
        )

    def _ranges(self) -> tuple[int, int, float]:
        """First step, last step and the top of the loss axis (cached until the data changes)."""
        if self._range is None:
            self._range = self._compute_ranges()
        return self._range

    def _compute_ranges(self) -> tuple[int, int, float]:
        first = min(self._ordered[0].step, 1) if self._ordered else 0
        last = self._ordered[-1].step if self._ordered else 1
        losses = [
            value
            for p in self._ordered
            for value in (p.train_loss, p.valid_loss)
            if value is not None and math.isfinite(value)
        ]
        top = nice_ticks(max(losses, default=1.0))[-1]
        return first, max(last, first + 1), top

    def _position(self, step: float, loss: float) -> QPointF:
        plot = self._plot()
        first, last, top = self._ranges()
        x = plot.left() + (step - first) / (last - first) * plot.width()
        y = plot.bottom() - (max(0.0, loss) / top) * plot.height()
        return QPointF(x, y)

    def _point_at(self, x: float) -> MetricPoint | None:
        """The point whose step is nearest the pointer's position across the chart."""
        plot = self._plot()
        if not self._ordered or not plot.left() - 4 <= x <= plot.right() + 4:
            return None
        return min(self._ordered, key=lambda p: abs(self._position(p.step, 0).x() - x))

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
        if not self._ordered:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                QRectF(self.rect()),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.tr("The loss chart fills in once training starts."),
            )
            return
        small = painter.font()
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        painter.setFont(small)
        self._paint_axes(painter, palette)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        accent = palette.color(QPalette.ColorRole.Highlight)
        self._paint_line(painter, [(p.step, p.train_loss) for p in self._ordered], accent, False)
        if self.has_validation():
            self._paint_line(
                painter,
                [(p.step, p.valid_loss) for p in self._ordered],
                _VALIDATION_COLOUR,
                True,
            )
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self._paint_legend(painter, palette, accent)

    def _paint_axes(self, painter: QPainter, palette: QPalette) -> None:
        plot = self._plot()
        first, last, top = self._ranges()
        text = palette.color(QPalette.ColorRole.WindowText)
        grid = QColor(text)
        grid.setAlpha(35)
        axis = QColor(text)
        axis.setAlpha(150)
        metrics = painter.fontMetrics()
        locale = QLocale()
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        ticks = nice_ticks(top)
        decimals = 0 if all(t == int(t) for t in ticks) else (1 if ticks[1] >= 0.1 else 2)
        for tick in ticks:
            y = self._position(first, tick).y()
            painter.setPen(grid)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            box = QRectF(0, y - metrics.height() / 2, self._MARGIN_LEFT - 6, metrics.height())
            painter.drawText(box, right, locale.toString(tick, "f", decimals))
        painter.setPen(axis)
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        painter.setPen(text)
        below = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        for step in nice_steps(first, last):
            x = self._position(step, 0).x()
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 3))
            box = QRectF(x - 30, plot.bottom() + 4, 60, metrics.height())
            painter.drawText(box, below, locale.toString(step))
        box = QRectF(plot.left(), plot.bottom() + 4 + metrics.height(), plot.width(), 14)
        painter.drawText(box, below, self.tr("Step (a few examples read at a time)"))

    def _paint_line(
        self,
        painter: QPainter,
        values: list[tuple[int, float | None]],
        colour: QColor,
        dashed: bool,
    ) -> None:
        known = [(step, v) for step, v in values if v is not None and math.isfinite(v)]
        if not known:
            return
        path = QPainterPath(self._position(*known[0]))
        for step, value in known[1:]:
            path.lineTo(self._position(step, value))
        pen = QPen(colour, 2, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        if len(known) <= 60:  # dots while they can be told apart
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            for step, value in known:
                painter.drawEllipse(self._position(step, value), 2.5, 2.5)
            painter.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_legend(self, painter: QPainter, palette: QPalette, accent: QColor) -> None:
        entries = [(self.tr("Training loss"), accent, False)]
        if self.has_validation():
            entries.append(
                (self.tr("Validation loss (examples held back)"), _VALIDATION_COLOUR, True)
            )
        metrics = painter.fontMetrics()
        x = self._plot().left()
        y = 6 + metrics.height() / 2
        for label, colour, dashed in entries:
            pen = QPen(colour, 2, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
            painter.setPen(pen)
            painter.drawLine(QPointF(x, y), QPointF(x + 22, y))
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            box = QRectF(x + 28, y - metrics.height() / 2, metrics.horizontalAdvance(label) + 4, 20)
            painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, label)
            x += 28 + metrics.horizontalAdvance(label) + 24

    # Tooltips ------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            point = self._point_at(event.pos().x())
            if point is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), self.point_text(point), self)
            return True
        return super().event(event)
