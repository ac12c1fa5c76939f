"""The painted token chips: each token of a text as a small rounded box with its number
underneath, wrapped like words on a page, with spaces and line breaks drawn faintly."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from fineauthor.ui.widgets.token_split import Chip

# Calm hues, cycled so neighbouring chips never share a colour.
_HUES = (210, 150, 40, 340, 265)
_VISIBLE_SPACE = {" ": "·", "\n": "↵", "\t": "⇥", "\r": "␍"}

_PAD_X, _PAD_Y = 5.0, 3.0
_GAP_X, _GAP_Y = 3.0, 6.0
_RADIUS = 4.0
_MARGIN = 8.0  # between the chips and the frame around them


@dataclass(frozen=True)
class _Placed:
    chip: Chip
    rect: QRectF
    runs: tuple[tuple[str, bool], ...]  # (text, faint) pieces of the chip's face
    text_width: float


def _runs(shown: str) -> tuple[tuple[str, bool], ...]:
    """The chip's face as runs of ordinary and faint text: spaces and line breaks made visible."""
    runs: list[tuple[str, bool]] = []
    for char in shown:
        faint = char.isspace()
        face = _VISIBLE_SPACE.get(char, "·") if faint else char
        if runs and runs[-1][1] == faint:
            runs[-1] = (runs[-1][0] + face, faint)
        else:
            runs.append((face, faint))
    return tuple(runs)


class TokenChips(QWidget):
    """The chips, wrapped like words on a page; a line break in the text starts a new row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chips: tuple[Chip, ...] = ()
        self._placed: list[_Placed] = []
        self._laid_out_width = -1.0
        self._height = 0.0
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAccessibleName(self.tr("Tokens"))
        self.setBackgroundRole(QPalette.ColorRole.Base)  # a page, like the editor's fields
        self.setAutoFillBackground(True)
        self.setToolTip(
            self.tr("A token is a piece of text, often a whole word, that the model reads as one.")
        )

    # -- contents ------------------------------------------------------------------------------

    def set_chips(self, chips: tuple[Chip, ...]) -> None:
        self._chips = chips
        self._laid_out_width = -1.0
        self.updateGeometry()
        self.update()

    def chips(self) -> tuple[Chip, ...]:
        return self._chips

    def placed_rects(self) -> list[QRectF]:
        """Where each chip is drawn at the current width (for tests)."""
        self._lay_out(self.width())
        return [placed.rect for placed in self._placed]

    # -- geometry ------------------------------------------------------------------------------

    def _fonts(self) -> tuple[QFont, QFont]:
        # The pieces a little larger than the interface text: they are what is being read.
        face = QFont(self.font())
        face.setPointSizeF(face.pointSizeF() * 1.1)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.75))
        return face, small

    def _chip_height(self) -> float:
        face, small = self._fonts()
        return QFontMetricsF(face).height() + QFontMetricsF(small).height() + 2 * _PAD_Y

    def _lay_out(self, width: float) -> float:
        if width == self._laid_out_width:
            return self._height
        face, small = self._fonts()
        face_metrics, small_metrics = QFontMetricsF(face), QFontMetricsF(small)
        height = self._chip_height()
        x = y = _MARGIN
        right = width - _MARGIN
        placed: list[_Placed] = []
        for chip in self._chips:
            runs = _runs(chip.shown)
            text_width = sum(face_metrics.horizontalAdvance(text) for text, _ in runs)
            id_width = small_metrics.horizontalAdvance(str(chip.token_id))
            chip_width = max(text_width, id_width, 6.0) + 2 * _PAD_X
            if x > _MARGIN and x + chip_width > right:
                x, y = _MARGIN, y + height + _GAP_Y
            placed.append(_Placed(chip, QRectF(x, y, chip_width, height), runs, text_width))
            x += chip_width + _GAP_X
            if "\n" in chip.text:  # the text's line break starts a new row of chips
                x, y = _MARGIN, y + height + _GAP_Y
        self._placed = placed
        self._laid_out_width = width
        self._height = (placed[-1].rect.bottom() if placed else 0.0) + _MARGIN
        return self._height

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return int(self._lay_out(float(width)) + 0.5)

    def sizeHint(self) -> QSize:  # noqa: N802
        width = max(200, self.width())
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(60, int(self._chip_height() + 2 * _MARGIN))

    def resizeEvent(self, event: object) -> None:  # noqa: N802
        self._lay_out(float(self.width()))
        super().resizeEvent(event)  # type: ignore[arg-type]

    # -- painting -------------------------------------------------------------------------------

    def _colours(self, index: int, dark: bool) -> QColor:
        hue = _HUES[index % len(_HUES)]
        return QColor.fromHsl(hue, 90, 62) if dark else QColor.fromHsl(hue, 150, 226)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        self._lay_out(float(self.width()))
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
        ink = palette.color(QPalette.ColorRole.Text)
        faint = QColor(ink)
        faint.setAlphaF(0.5)
        muted = QColor(ink)
        muted.setAlphaF(0.62)
        face, small = self._fonts()
        face_metrics, small_metrics = QFontMetricsF(face), QFontMetricsF(small)
        visible = QRectF(event.rect())
        for index, placed in enumerate(self._placed):
            rect = placed.rect
            if rect.bottom() < visible.top():
                continue
            if rect.top() > visible.bottom():
                break
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self._colours(index, dark))
            painter.drawRoundedRect(rect, _RADIUS, _RADIUS)
            if placed.chip.partial:  # a piece of a character: a dashed edge says "incomplete"
                edge = QPen(muted, 1, Qt.PenStyle.DashLine)
                painter.setPen(edge)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), _RADIUS, _RADIUS)
            # The token's text, centred, with spaces and line breaks drawn faintly.
            painter.setFont(face)
            x = rect.left() + (rect.width() - placed.text_width) / 2
            baseline = rect.top() + _PAD_Y + face_metrics.ascent()
            for text, is_faint in placed.runs:
                painter.setPen(faint if is_faint or placed.chip.partial else ink)
                painter.drawText(QPointF(x, baseline), text)
                x += face_metrics.horizontalAdvance(text)
            # Its number underneath, small.
            painter.setFont(small)
            painter.setPen(muted)
            number = str(placed.chip.token_id)
            x = rect.left() + (rect.width() - small_metrics.horizontalAdvance(number)) / 2
            baseline = rect.top() + _PAD_Y + face_metrics.height() + small_metrics.ascent()
            painter.drawText(QPointF(x, baseline), number)

    # -- tooltips -------------------------------------------------------------------------------

    def chip_at(self, x: float, y: float) -> Chip | None:
        self._lay_out(float(self.width()))
        for placed in self._placed:
            if placed.rect.contains(QPointF(x, y)):
                return placed.chip
        return None

    def describe_chip(self, chip: Chip) -> str:
        if chip.partial:
            return (
                self.tr("Token %1 is part of “%2”: this character takes more than one token.")
                .replace("%1", str(chip.token_id))
                .replace("%2", chip.shown.strip() or chip.shown)
            )
        shown = "".join(face for face, _ in _runs(chip.text))
        return (
            self.tr("“%1” is token number %2.")
            .replace("%1", shown)
            .replace("%2", str(chip.token_id))
        )

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            chip = self.chip_at(event.position().x(), event.position().y())
            if chip is not None:
                QToolTip.showText(event.globalPos(), self.describe_chip(chip), self)
                return True
        return super().event(event)
