"""A file of preference pairs dropped into the app: it becomes the project's choices (not its
examples), in one undo step, and the Choices tab comes forward."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QDialog

from fineauthor.core.project.project import Project
from fineauthor.ui.importing.training_file_dialog import ImportDialog
from fineauthor.ui.shell.main_window import MainWindow


def _pair(n: int) -> str:
    return json.dumps({
        "input": {"messages": [{"role": "user", "content": f"Write scene {n} at the lighthouse."}]},
        "preferred_output": [{"role": "assistant", "content": f"The lamp turned, scene {n}."}],
        "non_preferred_output": [{"role": "assistant", "content": f"It was dark, scene {n}."}],
    })  # fmt: skip


def test_a_preference_file_adds_choices_in_one_undo_step(qtbot, tmp_path: Path) -> None:
    source = tmp_path / "choices.jsonl"
    source.write_text("\n".join([_pair(1), "{not json", _pair(3)]) + "\n", encoding="utf-8")
    path = tmp_path / "lighthouse.fineauthor"
    Project.create(path, title="The Lighthouse").close()
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.open_project(path)
    document, view = window.document, window.view

    window.import_file(source)
    dialog = window.findChild(ImportDialog)
    qtbot.waitUntil(lambda: dialog.state == "ready", timeout=5000)
    assert dialog.windowTitle() == "Import choices"
    assert dialog.headline.text() == (
        "2 choices between two replies are ready to add. 1 line was skipped:"
    )
    assert dialog.add_button.text() == "Add 2 choices"
    assert "(the Choices tab)" in dialog.where_label.text()
    assert document.pair_count() == 0

    dialog.add_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert document.count() == 0 and document.pair_count() == 2
    qtbot.waitUntil(lambda: view.lists.currentWidget() is view.pairs, timeout=2000)
    assert view.lists.tabText(1) == "Choices (2)"
    with Project.open(path) as on_disk:
        assert [p.prompt for p in on_disk.preferences.all()] == [
            "Write scene 1 at the lighthouse.",
            "Write scene 3 at the lighthouse.",
        ]
    assert document.undo_stack.undoText() == "Import 2 choices"
    document.undo_stack.undo()
    assert document.pair_count() == 0
