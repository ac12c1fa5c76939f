"""Light, dark, or whatever the operating system uses (the default)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

_SCHEMES = {
    "system": Qt.ColorScheme.Unknown,  # Unknown asks Qt to follow the system again
    "light": Qt.ColorScheme.Light,
    "dark": Qt.ColorScheme.Dark,
}


def apply_theme(theme: str) -> None:
    """Switch the whole app to ``theme`` ("system", "light" or "dark")."""
    hints = QGuiApplication.styleHints()
    hints.setColorScheme(_SCHEMES.get(theme, Qt.ColorScheme.Unknown))
