"""Opening Settings on its Accounts page from a training window, so a missing or refused key
is mended where the writer met it (the Train dialog, a watch window)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QWidget


def open_accounts_settings(parent: QWidget, on_closed: Callable[[], None] | None = None) -> None:
    """Open Settings on its Accounts page, over ``parent``; ``on_closed`` when it closes."""
    from fineauthor.ui.shell.settings_dialog import SettingsDialog

    dialog = SettingsDialog(parent)
    if hasattr(dialog, "show_accounts"):
        dialog.show_accounts()
    main = _main_window(parent)
    if main is not None and hasattr(main, "apply_settings"):
        dialog.settingsApplied.connect(main.apply_settings)
    if on_closed is not None:
        dialog.finished.connect(lambda _result: on_closed())
        page = getattr(dialog, "accounts_page", None)
        if page is not None and hasattr(page, "keyChanged"):
            page.keyChanged.connect(lambda _provider: on_closed())
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()


def _main_window(widget: QWidget | None) -> QMainWindow | None:
    while widget is not None:
        if isinstance(widget, QMainWindow):
            return widget
        widget = widget.parentWidget()
    return None
