"""What a writer notices on a small screen or with the keyboard alone, as checks the window
tests share: walking a window with Tab, the order it goes in, and controls squeezed or labels
cut short by a layout that ran out of room."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from fineauthor.ui.widgets.keyboard import takes_tab


def tab_walk(start: QWidget, limit: int = 120) -> list[QWidget]:
    """Press Tab from ``start`` until the focus comes round to it again: every stop, in order.

    Fails if Tab gets stuck on one widget or never comes back (a keyboard trap)."""
    start.window().activateWindow()  # keys go to the active window only
    QApplication.processEvents()
    start.setFocus(Qt.FocusReason.TabFocusReason)
    assert _focused() is start, f"{name_of(start)} cannot take the focus"
    stops = [start]
    for _ in range(limit):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = _focused()
        if focused is start:
            return stops
        assert focused is not None, "Tab left the window"
        if focused is stops[-1] and isinstance(focused, QLabel):
            continue  # Tab going from one link to the next inside a label
        assert focused not in stops, f"Tab went round without coming back: {names(stops)}"
        stops.append(focused)
    raise AssertionError(f"Tab did not come round in {limit} presses: {names(stops)}")


def _focused() -> QWidget | None:
    """The control that has the keyboard (a combo box, not the text field inside it)."""
    widget = QApplication.focusWidget()
    parent = widget.parentWidget() if widget is not None else None
    if isinstance(parent, QAbstractSpinBox | QComboBox):
        return parent
    return widget


def name_of(widget: QWidget) -> str:
    """What a screen reader says for ``widget`` (its accessible name, or its text)."""
    if widget.accessibleName():
        return widget.accessibleName()
    if isinstance(widget, QAbstractButton | QLabel):
        return widget.text()
    return ""


def names(widgets: list[QWidget]) -> list[str]:
    return [name_of(widget) or type(widget).__name__ for widget in widgets]


def _inner_part(widget: QWidget, root: QWidget) -> bool:
    """Whether ``widget`` is a piece of a control (a spin box's text field) or Qt's own."""
    if widget.objectName().startswith("qt_"):
        return True
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QAbstractSpinBox | QComboBox):
            return True
        parent = parent.parentWidget()
    return False


def controls(root: QWidget) -> list[QWidget]:
    """Every control inside ``root`` that Tab should reach as the window is now."""
    return [
        widget
        for widget in root.findChildren(QWidget)
        if takes_tab(widget, root) and not _inner_part(widget, root)
    ]


def out_of_reading_order(stops: list[QWidget], window: QWidget) -> list[str]:
    """Consecutive Tab stops that go back up the window, or leftwards along a row."""
    where = {id(w): w.mapTo(window, QPoint(0, w.height() // 2)) for w in stops}
    wrong = []
    for before, after in itertools.pairwise(stops):
        a, b = where[id(before)], where[id(after)]
        same_row = abs(a.y() - b.y()) <= 12
        if (same_row and b.x() < a.x()) or (not same_row and b.y() < a.y()):
            wrong.append(f"{name_of(before)!r} → {name_of(after)!r}")
    return wrong


def squeezed(root: QWidget) -> list[str]:
    """Visible controls and labels inside ``root`` given less height than their text needs."""
    found = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or widget.width() <= 0 or _inner_part(widget, root):
            continue
        if isinstance(widget, QLabel) and widget.text():
            if widget.wordWrap():
                needed = widget.heightForWidth(widget.width())
            else:
                needed = widget.minimumSizeHint().height()
        elif isinstance(widget, QAbstractSpinBox | QComboBox | QLineEdit | QAbstractButton):
            needed = widget.minimumSizeHint().height()
        else:
            continue
        if widget.height() < needed:
            name = name_of(widget) or type(widget).__name__
            found.append(f"{name}: {widget.height()} < {needed}")
    return found
