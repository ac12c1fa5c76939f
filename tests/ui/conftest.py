"""Shared fixtures for the window tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from fineauthor.ui.shell.main_window import MainWindow


@pytest.fixture
def window(qtbot) -> Iterator[MainWindow]:
    """The main window, shown off screen, closed (and its project with it) after the test."""
    main_window = MainWindow()
    qtbot.addWidget(main_window)
    main_window.show()
    qtbot.waitExposed(main_window)
    yield main_window
    main_window.close()


@pytest.fixture
def screenshot_folder(tmp_path: Path) -> Path:
    """Where the screenshot tests save their pictures. They always run and always draw; with
    FINEAUTHOR_SCREENSHOTS=docs/screenshots they refresh the README's pictures."""
    chosen = os.environ.get("FINEAUTHOR_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
