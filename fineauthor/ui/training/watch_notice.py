"""The desktop notification when a watched job ends: what it says, and where it goes (the system
tray's message when there is one, else the window's attention and a status-bar message)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMainWindow, QSystemTrayIcon, QWidget

from fineauthor.providers.base import CANCELLED, SUCCEEDED, Job
from fineauthor.ui.training.job_words import state_text


def ended_notice(job: Job, service_name: str) -> tuple[str, str]:
    """The notification's title and text for ``job``, trained with ``service_name``."""
    if job.state == SUCCEEDED:
        title = QCoreApplication.translate("WatchView", "Your model is ready")
        text = (
            QCoreApplication.translate("WatchView", "Training with %1 has finished. Your model: %2")
            .replace("%1", service_name)
            .replace("%2", job.fine_tuned_model or "")
        )
    elif job.state == CANCELLED:
        title = QCoreApplication.translate("WatchView", "Training stopped")
        text = QCoreApplication.translate("WatchView", "Training with %1 was stopped.").replace(
            "%1", service_name
        )
    else:
        title = QCoreApplication.translate("WatchView", "Training failed")
        text = state_text(job.state, error=job.error_message)
    return title, text


def show_notice(widget: QWidget, title: str, text: str) -> None:
    """Show the notification for ``widget``'s job: in the system tray when there is one, else
    by drawing attention to its window and saying ``text`` in the main window's status bar."""
    if QSystemTrayIcon.isSystemTrayAvailable():
        _tray().showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 15000)
    else:
        target = widget.window() if widget.isVisible() else _main_window(widget)
        if target is not None:
            QApplication.alert(target, 0)
        main = _main_window(widget)
        if main is not None:
            main.statusBar().showMessage(text, 30000)


def _main_window(widget: QWidget | None) -> QMainWindow | None:
    while widget is not None:
        if isinstance(widget, QMainWindow):
            return widget
        widget = widget.parentWidget()
    for top in QApplication.topLevelWidgets():
        if isinstance(top, QMainWindow) and top.isVisible():
            return top
    return None


_tray_icon: QSystemTrayIcon | None = None


def _tray() -> QSystemTrayIcon:
    """One tray icon for the app's notifications, made when first needed."""
    global _tray_icon  # noqa: PLW0603  (one per application)
    if _tray_icon is None:
        icon = QApplication.windowIcon()
        _tray_icon = QSystemTrayIcon(icon if not icon.isNull() else QIcon())
        _tray_icon.setToolTip("FineAuthor")
        _tray_icon.show()
    return _tray_icon
