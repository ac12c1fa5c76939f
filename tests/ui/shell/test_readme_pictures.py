"""The main window as the README shows it, on the sample project at 1280×800: the start page,
an example open beside the check report, the report finding a problem and advice, and the
writer's choices with their check. Each picture is looked at for what a writer would see.

``FINEAUTHOR_SCREENSHOTS=docs/screenshots pytest tests/ui/shell/test_readme_pictures.py``
refreshes start.png, editor.png, report.png and choices.png."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.dataset.preference_pair import BLIND_CHOICE, PreferencePair
from fineauthor.core.project.project import Project
from fineauthor.ui.shell.sample_project import sample_project_path

TIMEOUT = 20_000  # ms: the first check loads the tokenizer


def _settle() -> None:
    for _ in range(3):
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()


def _add_choices(path: Path) -> None:
    with Project.open(path) as project:
        first = next(project.examples())
        project.preferences.insert(
            None,
            [
                PreferencePair(
                    first.messages[:-1],
                    preferred=first.response,
                    other="Odile walked down to the causeway. She was nervous. A man was "
                    "coming. He seemed nice but she did not trust him. The sea was rising.",
                    preferred_model="you/Meta-Llama-3.1-8B-Instruct-Reference-hush",
                    other_model="meta-llama/Meta-Llama-3.1-8B-Instruct-Reference",
                    source=BLIND_CHOICE,
                ),
                PreferencePair(
                    first.messages[:-1],
                    preferred="Same words twice.",
                    other="Same words twice.",
                    source=BLIND_CHOICE,
                ),
            ],
        )


def test_the_main_window_pictures(qtbot, window, tmp_path: Path, screenshot_folder: Path):
    window.resize(1280, 800)
    _settle()
    window.grab().save(str(screenshot_folder / "start.png"))

    path = sample_project_path(tmp_path)
    _add_choices(path)
    assert window.open_project(path)
    view = window.view
    report = view.report
    qtbot.waitUntil(lambda: report.report is not None, timeout=TIMEOUT)
    _settle()
    assert view.lists.tabText(0) == "Examples"
    assert view.lists.tabText(1) == "Choices (2)"
    assert report.isVisible() and view.editor.isVisible()
    window.grab().save(str(screenshot_folder / "editor.png"))

    # Two examples a writer might bring in by mistake: the report says what is wrong.
    short = Example(
        (
            Message("user", "Odile finds the second postcard."),
            Message("assistant", "Odile finds the second postcard under the mat."),
        )
    )
    blank = Example((Message("user", "The keeper's confession."), Message("assistant", "   ")))
    view.document.import_examples([short, blank])
    qtbot.waitUntil(lambda: bool(report.report and report.report.errors), timeout=TIMEOUT)
    _settle()
    messages = [p.message for p in report.report.errors]
    assert any("the response holds only spaces" in m for m in messages), messages
    window.grab().save(str(screenshot_folder / "report.png"))

    view.show_choices()
    pairs = view.pair_report
    qtbot.waitUntil(lambda: pairs.report is not None and pairs.report.pairs == 2, timeout=TIMEOUT)
    _settle()
    assert pairs.headline.text() == "1 problem to fix before training on your choices"
    assert view.pair_editor.isVisible() and not view.editor.isVisible()
    # The toolbar speaks of the choices now: Delete deletes one, Duplicate is for examples.
    assert window.delete_action.text() == "&Delete Choice"
    assert not window.duplicate_action.isEnabled()
    window.grab().save(str(screenshot_folder / "choices.png"))
