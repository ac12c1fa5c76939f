"""Shared test set-up: no screen, and a private FineAuthor home for every test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Before any QApplication exists: tests draw real widgets, but off screen.
os.environ["QT_QPA_PLATFORM"] = "offscreen"


@pytest.fixture(autouse=True)
def fineauthor_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings, logs and caches of this test live in its own folder, never the real ones."""
    home = tmp_path / "fineauthor-home"
    monkeypatch.setenv("FINEAUTHOR_HOME", str(home))
    return home
