"""The application shell: start page, opening a project, the examples table, the friendly error
dialog and start-up from the command line. Real widgets, drawn off screen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from fineauthor import __version__
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.errors import ProjectError
from fineauthor.core.project.project import Project
from fineauthor.core.settings import folders, load_settings
from fineauthor.ui.shell import error_dialog
from fineauthor.ui.shell.app import DESKTOP_FILE_NAME, create_application
from fineauthor.ui.shell.main_window import MainWindow
from fineauthor.ui.shell.start_page import recent_projects, remember_recent_project
from tests.paths import REPO_ROOT

LONG_PROMPT = (
    "Write the scene where Mara finds the letter under the floorboards of the lighthouse "
    "and hides it from her brother before the storm comes in"
)


def _example(prompt: str, response: str, note: str = "", example_id: int | None = None) -> Example:
    return Example(
        messages=(
            Message("system", "You are Outline Mageddon."),
            Message("user", prompt),
            Message("assistant", response),
        ),
        note=note,
        id=example_id,
    )


def _make_project(path: Path, title: str = "The Lighthouse Keeper") -> Path:
    project = Project.create(path, title=title)
    try:
        project.update_settings(
            system_prompt="You are Outline Mageddon, a novelist of tense, close scenes.",
            target_words=2000,
            tolerance_words=200,
        )
        project.add_example(_example(LONG_PROMPT, "She ran. " * 10, note="good dialogue"))
        project.add_example(_example("Open on the harbour at dawn.", "Gulls. Rope. Salt."))
    finally:
        project.close()
    return path


# The start page --------------------------------------------------------------------------------


def test_start_page_shows_when_no_project_is_open(window: MainWindow) -> None:
    assert window.pages.currentWidget() is window.start_page
    assert window.windowTitle() == "FineAuthor"
    assert window.start_page.open_button.isVisible()
    assert window.start_page.no_recent_label.isVisible()
    assert not window.start_page.recent_list.isVisible()
    assert not window.start_page.message_frame.isVisible()
    assert not window.close_action.isEnabled()
    assert not window.saved_label.isVisible()  # nothing to save without a project


def test_menus_follow_the_platform_conventions(window: MainWindow) -> None:
    menus = {action.text(): action.menu() for action in window.menuBar().actions()}
    assert list(menus) == ["&File", "&Edit", "&View", "T&rain", "&Help"]

    def items(menu: str) -> list[str]:
        return [a.text() for a in menus[menu].actions() if not a.isSeparator()]

    assert items("&File") == [
        "&New Project…",
        "&Open…",
        "Open &Recent",
        "&Import Examples…",
        "&Export for Training…",
        "&Save",
        "&Close Project",
        "Se&ttings…",
        "&Quit",
    ]
    assert items("&Edit") == [
        "&Undo",
        "&Redo",
        "&Find…",
        "&Add Example",
        "D&uplicate",
        "&Delete Example",
        "Write &Prompts from Scenes…",
    ]
    assert items("T&rain")[:2] == ["&Train a Model…", "Training &Jobs"]
    assert window.train_action.shortcut().toString() == "Ctrl+T"
    assert items("&Help") == [
        "&What Is a Fine-Tune?",
        "&Keyboard Shortcuts",
        "&About FineAuthor",
    ]
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert "Ctrl+Shift+Z" in [k.toString() for k in window.redo_action.shortcuts()]
    # Without a project, only what can work is enabled.
    assert window.new_action.isEnabled() and window.open_action.isEnabled()
    assert not window.add_action.isEnabled() and not window.undo_action.isEnabled()
    assert __version__ in window.about_text()


def test_application_names(qapp: QApplication) -> None:
    create_application()
    assert QApplication.applicationName() == "FineAuthor"
    assert QApplication.organizationName() == "FineAuthor"
    assert QApplication.applicationVersion() == __version__
    assert QApplication.desktopFileName() == DESKTOP_FILE_NAME
    assert not QApplication.windowIcon().pixmap(64, 64).isNull()  # drawn from the shipped SVG


def test_recent_projects_are_most_recent_first_and_forget_missing_files(tmp_path: Path) -> None:
    paths = [_make_project(tmp_path / f"{name}.fineauthor") for name in ("one", "two", "three")]
    for path in paths:
        remember_recent_project(path)
    remember_recent_project(paths[0])  # opened again: moves to the top, not listed twice
    paths[1].unlink()

    assert recent_projects() == [paths[0].resolve(), paths[2].resolve()]
    # The gone file is dropped from the saved list too.
    assert load_settings()["recent_projects"] == [str(paths[0].resolve()), str(paths[2].resolve())]


def test_start_page_lists_recent_projects_and_opens_one(qtbot, tmp_path: Path) -> None:
    older = _make_project(tmp_path / "Willow Creek.fineauthor", title="Willow Creek")
    newer = _make_project(tmp_path / "Lighthouse.fineauthor")
    remember_recent_project(older)
    remember_recent_project(newer)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()

    recent = window.start_page.recent_list
    assert recent.isVisible()
    assert [recent.item(row).text().splitlines()[0] for row in range(recent.count())] == [
        "Lighthouse",
        "Willow Creek",
    ]
    recent.itemActivated.emit(recent.item(1))
    qtbot.waitUntil(lambda: window.view is not None and window.pages.currentWidget() is window.view)
    assert window.windowTitle() == "Willow Creek — FineAuthor"
    window.close()


# Opening a project ----------------------------------------------------------------------------


def test_opening_a_project_shows_its_examples_and_saves_as_you_go(
    window: MainWindow, tmp_path: Path
) -> None:
    path = _make_project(tmp_path / "lighthouse.fineauthor")

    assert window.open_project(path)

    assert window.pages.currentWidget() is window.view
    assert window.windowTitle() == "The Lighthouse Keeper — FineAuthor"
    assert window.view.examples.model.rowCount() == 2
    assert window.saved_label.isVisible()
    assert window.saved_label.text() == "All changes saved"
    assert window.close_action.isEnabled() and window.add_action.isEnabled()
    assert recent_projects()[0] == path.resolve()

    window.save_action.trigger()
    assert "already saved" in window.statusBar().currentMessage()

    window.close_action.trigger()
    assert window.project is None
    assert window.pages.currentWidget() is window.start_page
    assert window.start_page.recent_list.isVisible()  # the project just closed is listed


def test_a_new_project_opens_empty(window: MainWindow, tmp_path: Path) -> None:
    assert window.create_project(tmp_path / "Second Draft")

    assert (tmp_path / "Second Draft.fineauthor").is_file()
    assert window.windowTitle() == "Second Draft — FineAuthor"
    assert window.view.examples.model.rowCount() == 0


def test_an_unopenable_file_shows_the_plain_message(window: MainWindow, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Chapter one. It was a dark and stormy night.\n", encoding="utf-8")
    with pytest.raises(ProjectError) as raised:
        Project.open(notes)

    assert not window.open_project(notes)

    assert window.project is None
    assert window.pages.currentWidget() is window.start_page
    assert window.start_page.message_frame.isVisible()
    shown = window.start_page.message_label.text()
    assert shown == str(raised.value)
    assert "Traceback" not in shown
    assert str(notes.resolve()) not in [str(p) for p in recent_projects()]


def test_an_unopenable_file_leaves_the_open_project_in_place(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    path = _make_project(tmp_path / "lighthouse.fineauthor")
    window.open_project(path)
    missing = tmp_path / "gone.fineauthor"

    assert not window.open_project(missing)

    qtbot.waitUntil(lambda: bool(window.findChildren(QMessageBox)))
    box = window.findChildren(QMessageBox)[0]
    assert box.isVisible()
    assert "gone.fineauthor" in box.informativeText()
    assert window.project is not None
    assert window.windowTitle() == "The Lighthouse Keeper — FineAuthor"
    box.accept()


# The friendly error dialog --------------------------------------------------------------------


class _TestMistakeError(Exception):
    pass


def test_an_unexpected_exception_shows_the_dialog_and_is_logged(qtbot) -> None:
    log_file = error_dialog.install_exception_hooks()
    try:
        assert log_file is not None
        assert log_file.parent == folders().logs

        def mistake() -> None:
            raise _TestMistakeError("the test's own mistake")

        # Raised inside a Qt slot, as a real bug would be; the app goes on running.
        QTimer.singleShot(0, mistake)
        qtbot.waitUntil(lambda: error_dialog.error_dialog() is not None)
        dialog = error_dialog.error_dialog()
        qtbot.waitUntil(dialog.isVisible)

        body = dialog.message_label.text()
        assert "saved" in body
        assert str(log_file) in body
        assert "Traceback" not in body
        assert "_TestMistakeError" not in body
        assert not dialog.details_view.isVisible()
        dialog.details_button.click()
        assert dialog.details_view.isVisible()
        assert "_TestMistakeError: the test's own mistake" in dialog.details_view.toPlainText()

        logged = log_file.read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" in logged
        assert "the test's own mistake" in logged

        # A second problem while the dialog is open joins it instead of stacking dialogs.
        QTimer.singleShot(0, mistake)
        last_line = "_TestMistakeError: the test's own mistake"
        qtbot.waitUntil(lambda: dialog.details_view.toPlainText().count(last_line) == 2)

        dialog.accept()
        qtbot.waitUntil(lambda: error_dialog.error_dialog() is None)
    finally:
        error_dialog.uninstall_exception_hooks()


def test_an_exception_in_a_worker_thread_reaches_the_dialog(qtbot) -> None:
    log_file = error_dialog.install_exception_hooks()
    try:

        def mistake() -> None:
            raise _TestMistakeError("lost in a thread")

        worker = threading.Thread(target=mistake, name="test-worker")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: error_dialog.error_dialog() is not None)
        dialog = error_dialog.error_dialog()
        assert "lost in a thread" in dialog.details_view.toPlainText()
        assert "test-worker" in log_file.read_text(encoding="utf-8")
        dialog.accept()
        qtbot.waitUntil(lambda: error_dialog.error_dialog() is None)
    finally:
        error_dialog.uninstall_exception_hooks()


# Start-up from the command line ---------------------------------------------------------------

HEAVY_MODULES = ("openai", "tiktoken", "httpx", "httpx2", "PySide6.QtCharts")
# What only a command, a project or a screen opened later needs.
LATER_MODULES = (
    "fineauthor.cli.check",
    "fineauthor.cli.import_export",
    "fineauthor.cli.keys",
    "fineauthor.cli.training",
    "fineauthor.core.importers",
    "fineauthor.providers",
    "fineauthor.training",
    "fineauthor.ui.bench",
    "fineauthor.ui.training",
)


def _run_fineauthor(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FINEAUTHOR_HOME=str(tmp_path / "home"))
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "fineauthor", "--exit-when-ready", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _imported_modules(importtime_output: str) -> set[str]:
    # -X importtime writes one "import time: self | cumulative | module" line per import.
    return {
        line.rsplit("|", 1)[1].strip()
        for line in importtime_output.splitlines()
        if line.startswith("import time:") and "|" in line
    }


@pytest.mark.slow
def test_exit_when_ready_starts_and_exits_without_heavy_imports(tmp_path: Path) -> None:
    result = _run_fineauthor(tmp_path)

    assert result.returncode == 0, result.stderr[-2000:]
    imported = _imported_modules(result.stderr)
    assert "fineauthor.ui.shell.main_window" in imported
    heavy = sorted(m for m in imported if m.split(".")[0] in HEAVY_MODULES or m in HEAVY_MODULES)
    assert not heavy, f"start-up imported heavy modules: {heavy}"
    later = sorted(m for m in imported if m.startswith(LATER_MODULES))
    assert not later, f"start-up (and quitting with no project) imported: {later}"


@pytest.mark.slow
def test_exit_when_ready_opens_the_given_project(tmp_path: Path) -> None:
    path = _make_project(tmp_path / "lighthouse.fineauthor")

    result = _run_fineauthor(tmp_path, str(path))

    assert result.returncode == 0, result.stderr[-2000:]
    settings_file = tmp_path / "home" / "config" / "settings.json"
    saved = json.loads(settings_file.read_text(encoding="utf-8"))
    assert saved["recent_projects"] == [str(path.resolve())]


@pytest.mark.slow
def test_exit_when_ready_with_an_unopenable_project_says_why(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Not a project at all.\n", encoding="utf-8")
    with pytest.raises(ProjectError) as raised:
        Project.open(notes)

    result = _run_fineauthor(tmp_path, str(notes))

    assert result.returncode == 1
    messages = [line for line in result.stderr.splitlines() if not line.startswith("import time")]
    assert str(raised.value) in messages
    assert "Traceback" not in result.stderr


def test_exit_when_ready_with_a_project_quits_quietly(tmp_path: Path) -> None:
    """Background checks still running at exit are stopped and waited for: no error text."""
    path = _make_project(tmp_path / "quiet.fineauthor")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FINEAUTHOR_HOME=str(tmp_path / "home"))
    done = subprocess.run(
        [sys.executable, "-m", "fineauthor", "--exit-when-ready", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "RuntimeError" not in done.stderr


def test_a_file_handed_over_by_the_system_opens(qtbot, window: MainWindow, tmp_path: Path) -> None:
    """On macOS a double-clicked project reaches a running app as a file-open event."""
    from PySide6.QtGui import QFileOpenEvent

    from fineauthor.ui.shell.app import FileOpenRelay

    path = _make_project(tmp_path / "handed.fineauthor", title="Handed Over")
    relay = FileOpenRelay(window.open_project, window)
    QApplication.instance().installEventFilter(relay)
    try:
        QApplication.sendEvent(QApplication.instance(), QFileOpenEvent(str(path)))
        assert window.windowTitle() == "Handed Over — FineAuthor"
    finally:
        QApplication.instance().removeEventFilter(relay)


def test_a_full_log_is_set_aside_when_the_app_starts(tmp_path: Path) -> None:
    logs = folders().logs
    logs.mkdir(parents=True, exist_ok=True)
    current = logs / error_dialog.LOG_FILE_NAME
    current.write_text("x" * (error_dialog._LOG_MAX_BYTES + 1), encoding="utf-8")
    (logs / f"{error_dialog.LOG_FILE_NAME}.1").write_text("older", encoding="utf-8")

    assert error_dialog.setup_logging() == current
    error_dialog.log.info("a new session")

    assert (logs / f"{error_dialog.LOG_FILE_NAME}.2").read_text(encoding="utf-8") == "older"
    assert (logs / f"{error_dialog.LOG_FILE_NAME}.1").stat().st_size > error_dialog._LOG_MAX_BYTES
    assert "a new session" in current.read_text(encoding="utf-8")
