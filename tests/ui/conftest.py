"""Shared fixtures for the window tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fineauthor.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot) -> Iterator[MainWindow]:
    """The main window, shown off screen, closed (and its project with it) after the test."""
    main_window = MainWindow()
    qtbot.addWidget(main_window)
    main_window.show()
    qtbot.waitExposed(main_window)
    yield main_window
    main_window.close()
