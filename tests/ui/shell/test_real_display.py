"""FineAuthor on a real X11 display (Xvfb and Qt's xcb platform, not the offscreen one the
other tests use): the window a writer would see is painted, with a project open, and the
picture of the screen is a true one (a blank screen reads as blank).

The bundle gets the same check in packaging/smoke_test.py, which .ci/run runs after the tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.paths import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "packaging"))
from x11_screen import VirtualScreen, xvfb_available

pytestmark = pytest.mark.skipif(
    not (sys.platform.startswith("linux") and xvfb_available()),
    reason="needs Linux and Xvfb (.ci/run installs it)",
)

SAMPLE = REPO_ROOT / "resources" / "sample" / "sample.jsonl"


def _env(tmp_path: Path, display: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY",)}
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", FINEAUTHOR_HOME=str(tmp_path / "home"))
    return env


def test_the_window_is_painted_on_a_real_x11_display(tmp_path: Path) -> None:
    project = tmp_path / "sample.fineauthor"
    made = subprocess.run(
        [sys.executable, "-m", "fineauthor", "import", str(SAMPLE), "-o", str(project)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    with VirtualScreen() as screen:
        assert screen.picture().painted_fraction(screen.empty) == 0  # nothing there yet
        app = subprocess.Popen(
            [sys.executable, "-m", "fineauthor", str(project)],
            env=_env(tmp_path, screen.display),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            picture = screen.wait_for_painting(timeout=60, fraction=0.5)
        finally:
            app.terminate()
            _, err = app.communicate(timeout=60)
    assert picture.painted_fraction(screen.empty) > 0.9, err  # the window fills the screen
    assert picture.colours() > 50, err  # text, a list, buttons: not one flat colour
    shot = Path(os.environ.get("FINEAUTHOR_SCREENSHOTS") or tmp_path) / "x11-window.png"
    picture.save_png(shot)
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1280, 800)


def test_a_blank_screen_reads_as_blank_and_its_picture_is_true(tmp_path: Path) -> None:
    with VirtualScreen(width=64, height=48) as screen:
        picture = screen.picture()
    assert (picture.width, picture.height) == (64, 48)
    assert picture.painted_fraction(screen.empty) == 0
    assert picture.colours() == 1
    shot = tmp_path / "blank.png"
    picture.save_png(shot)
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (64, 48)
    red, green, blue = picture.rgb[:3]
    colour = image.pixelColor(10, 10)
    assert (colour.red(), colour.green(), colour.blue()) == (red, green, blue)
