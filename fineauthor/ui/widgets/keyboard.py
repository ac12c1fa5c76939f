"""Keyboard helpers shared by the screens: where the keyboard lands when a page or a window
opens, so a writer using Tab alone starts on the first thing they can act on."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


def takes_tab(widget: QWidget, within: QWidget) -> bool:
    """Whether Tab can stop on ``widget`` while ``within`` (its page or window) is shown."""
    return (
        widget.isEnabled()
        and widget.isVisibleTo(within)
        and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
    )


def first_control(page: QWidget) -> QWidget | None:
    """The first control inside ``page`` that Tab reaches (in the window's Tab order)."""
    widget = page.nextInFocusChain()
    while widget is not None and widget is not page:
        if page.isAncestorOf(widget) and takes_tab(widget, page):
            return widget
        widget = widget.nextInFocusChain()
    return None


def focus_first_control(page: QWidget) -> None:
    """Put the keyboard on ``page``'s first control, or on its focus proxy when it names one
    (a confirmation page names the button that answers its question, so Enter does that and
    the focus shows it); on the page itself when it has neither."""
    proxy = page.focusProxy()
    named = proxy if proxy is not None and takes_tab(proxy, page) else None
    target = named or first_control(page) or page
    target.setFocus(Qt.FocusReason.OtherFocusReason)
