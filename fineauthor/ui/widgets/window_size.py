"""A window's first size: the one its screen was designed at, made smaller on a smaller screen
(a 1024×640 laptop, a 1366×768 one with a panel) so its buttons are never below the edge."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Room left for the title bar and the frame the window system adds around a window.
FRAME_ALLOWANCE = QSize(16, 48)


def fitted_size(widget: QWidget, width: int, height: int) -> QSize:
    """``width`` × ``height``, or less where the screen ``widget`` opens on has less room, but
    never less than the widget's minimum size."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    wanted = QSize(width, height)
    if screen is None:
        return wanted
    room = screen.availableGeometry().size()
    if wanted.width() > room.width():
        wanted.setWidth(room.width() - FRAME_ALLOWANCE.width())
    if wanted.height() > room.height():
        wanted.setHeight(room.height() - FRAME_ALLOWANCE.height())
    return wanted.expandedTo(widget.minimumSize())


def resize_to_fit(widget: QWidget, width: int, height: int) -> None:
    """Give a window its first size: ``width`` × ``height`` where the screen has room."""
    widget.resize(fitted_size(widget, width, height))
