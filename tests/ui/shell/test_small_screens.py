"""The main window, the planning guide and Settings on a small laptop screen and with the
keyboard alone: every window opens inside a 1024 × 640 screen, the check report leaves the
writing room at 1024 wide, and Tab goes through the start page and Settings in reading order,
saying each stop's name."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from fineauthor.ui.shell.project_view import REPORT_WIDTH
from fineauthor.ui.shell.sample_project import sample_project_path
from fineauthor.ui.shell.settings_dialog import SettingsDialog
from tests.paths import REPO_ROOT
from tests.ui.screen_checks import (
    controls,
    name_of,
    names,
    out_of_reading_order,
    squeezed,
    tab_walk,
)

# Opens each window as the app does, on whatever screen Qt was given, and prints their sizes.
_OPEN_EVERY_WINDOW = """
import json, sys
from pathlib import Path
from fineauthor.ui.shell.app import create_application
app = create_application()
from fineauthor.ui.shell.main_window import MainWindow
from fineauthor.ui.shell.sample_project import sample_project_path
from fineauthor.ui.shell.settings_dialog import SettingsDialog
from fineauthor.ui.wizard import FirstFineTuneWizard
found = {"screen": app.primaryScreen().availableGeometry().size().toTuple()}
window = MainWindow()
window.show()
found["start page"] = (window.size().toTuple(), window.minimumSizeHint().toTuple())
window.open_project(sample_project_path(Path(sys.argv[1])))
app.processEvents()
found["project"] = (window.size().toTuple(), window.minimumSizeHint().toTuple())
for name, made in (("planning guide", FirstFineTuneWizard), ("settings", SettingsDialog)):
    other = made(window)
    other.show()
    app.processEvents()
    found[name] = (other.size().toTuple(), other.minimumSizeHint().toTuple())
    other.close()
window.close()
from fineauthor.ui.shell.workers import shutdown_workers
shutdown_workers()  # as the app ends: no check still running while Python shuts down
print(json.dumps(found))
"""


def _settle() -> None:
    for _ in range(3):
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()


def test_every_window_opens_inside_a_1024_by_640_screen(tmp_path: Path, fineauthor_home: Path):
    screen = tmp_path / "screen.json"
    screen.write_text(
        json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1024, "height": 640}]})
    )
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=f"offscreen:configfile={screen}",
        FINEAUTHOR_HOME=str(fineauthor_home),
        PYTHONFAULTHANDLER="1",  # a crash says where it happened
    )
    result = subprocess.run(
        [sys.executable, "-c", _OPEN_EVERY_WINDOW, str(tmp_path)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found.pop("screen") == [1024, 640]
    assert set(found) == {"start page", "project", "planning guide", "settings"}
    for name, (size, minimum) in found.items():
        # Room is left for the title bar the window system adds.
        assert size[0] <= 1024 and size[1] <= 600, (name, size)
        assert minimum[0] <= size[0] and minimum[1] <= size[1], (name, minimum)


def test_the_check_report_leaves_the_writing_room_on_a_small_screen(qtbot, window, tmp_path):
    assert window.open_project(sample_project_path(tmp_path))
    view = window.view
    window.resize(1280, 800)
    _settle()
    assert view.report.width() == REPORT_WIDTH
    window.resize(1024, 640)
    _settle()
    lists, writing, report = view.sizes()
    assert report <= 270 and writing >= 480, view.sizes()
    assert squeezed(view.report) == []

    # Once the writer drags the divider, the widths are theirs, at any size.
    view.moveSplitter(lists + writing - 60, 2)
    view.splitterMoved.emit(lists + writing - 60, 2)  # as a drag of the handle does
    chosen = view.sizes()[2]
    window.resize(1280, 800)
    _settle()
    assert view.sizes()[2] == chosen


def test_the_start_page_tabs_through_its_buttons_and_recent_projects(qtbot, window, tmp_path):
    assert window.open_project(sample_project_path(tmp_path))
    window.close_project()
    page = window.start_page
    stops = tab_walk(page.new_button)
    assert set(stops) == set(controls(page))
    assert names(stops) == [
        "Start a new project",
        "Open a project",
        "Open the sample project",
        name_of(page.recent_list),
    ]
    assert out_of_reading_order(stops, window) == []


def test_settings_open_with_room_for_the_accounts_and_tab_in_reading_order(qtbot, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-small-screens-000000000000")
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    general = dialog.tabs.widget(0)
    stops = tab_walk(dialog.font_box)
    assert set(controls(general)) <= set(stops)
    in_form = [stop for stop in stops if general.isAncestorOf(stop)]
    assert out_of_reading_order(in_form, dialog) == []
    assert all(name_of(stop) for stop in in_form), names(in_form)

    dialog.show_accounts()
    _settle()
    accounts = dialog.accounts_page
    assert squeezed(accounts) == []
    # The first service's note and buttons are in view without scrolling.
    openai = accounts.row("openai")
    assert not openai.test_button.visibleRegion().isEmpty()
    stops = tab_walk(dialog.tabs.tabBar())
    assert set(controls(accounts)) <= set(stops)
    spoken = [name_of(stop) for stop in stops if accounts.isAncestorOf(stop)]
    assert all(spoken), spoken  # every stop says what it is
    assert not [name for name in spoken if re.search(r"\ba [AEIOU]", name)]  # "an OpenAI…"
    assert "Where to get a key for OpenAI" in spoken
