"""The main flows a writer goes through, driven in the real main window (offscreen): create a
project, add an example, type, undo and redo, close and reopen, import, export, and follow a
problem from the check report to the example it is about."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from fineauthor.core.project.project import Project
from fineauthor.ui.importing.export_dialog import ExportDialog
from fineauthor.ui.importing.training_file_dialog import ImportDialog
from fineauthor.ui.shell.main_window import MainWindow

SYSTEM = "You are Saltmarrow Hush, a teller of quiet coastal suspense."


def _stored(path: Path) -> list:
    with Project.open(path) as project:
        return list(project.examples())


def _type(widget, text: str) -> None:
    widget.moveCursor(QTextCursor.MoveOperation.End)
    QTest.keyClicks(widget, text)


def test_create_add_type_undo_redo_close_and_reopen(qtbot, window: MainWindow, tmp_path) -> None:
    path = tmp_path / "Tidewrack.fineauthor"
    assert window.create_project(path)
    window.document.update_settings(system_prompt=SYSTEM)

    window.add_action.trigger()
    editor = window.view.editor
    qtbot.waitUntil(lambda: editor.current_id is not None)
    _type(editor.prompt_field.editor, "The causeway floods at dusk.")
    _type(editor.response_field.editor, "Water came over the stones.")
    assert [(e.prompt, e.response) for e in _stored(path)] == [
        ("The causeway floods at dusk.", "Water came over the stones.")
    ]
    assert "All changes saved" in window.saved_label.text()

    window.undo_action.trigger()  # the response typing
    assert editor.response_field.text() == ""
    assert _stored(path)[0].response == ""
    assert window.redo_action.isEnabled()
    window.redo_action.trigger()
    assert _stored(path)[0].response == "Water came over the stones."

    window.close_action.trigger()
    assert window.document is None
    assert window.open_project(path)
    editor = window.view.editor
    qtbot.waitUntil(lambda: editor.current_id is not None)
    assert editor.response_field.text() == "Water came over the stones."
    assert editor.system_field.text() == SYSTEM  # a new example took the project's prompt


def test_delete_key_deletes_examples_only_from_the_list(qtbot, window, tmp_path) -> None:
    assert window.create_project(tmp_path / "Keys.fineauthor")
    window.add_action.trigger()
    window.add_action.trigger()
    editor = window.view.editor
    qtbot.waitUntil(lambda: editor.current_id is not None)
    editor.response_field.editor.setFocus()
    QTest.keyClick(editor.response_field.editor, Qt.Key.Key_Delete)
    assert window.document.count() == 2  # Delete in the text deletes a character, not an example

    window.view.examples.view.setFocus()
    QTest.keyClick(window.view.examples.view, Qt.Key.Key_Delete)
    assert window.document.count() == 1
    window.undo_action.trigger()
    assert window.document.count() == 2


def test_import_then_export(qtbot, window: MainWindow, tmp_path: Path) -> None:
    source = tmp_path / "chapters.jsonl"
    rows = [
        {
            "messages": [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": f"Chapter {n}: the lamp room."},
                {"role": "assistant", "content": f"Scene {n}. Brass, salt and a cold wick."},
            ]
        }
        for n in range(1, 13)
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    lines.insert(3, "{not json")
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = tmp_path / "Lamp.fineauthor"
    assert window.create_project(path)

    window.import_file(source)
    dialog = window.findChild(ImportDialog)
    qtbot.waitUntil(lambda: dialog.state == "ready")
    assert dialog.headline.text().startswith("12 examples are ready to add")
    assert dialog.skipped_list.item(0).text().startswith("Line 4")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: window.document.count() == 12)
    assert [e.prompt for e in _stored(path)] == [r["messages"][1]["content"] for r in rows]
    window.undo_action.trigger()  # the whole import is one step
    assert window.document.count() == 0
    window.redo_action.trigger()
    assert window.document.count() == 12

    out = tmp_path / "for-training.jsonl"
    window.show_export()
    export = window.findChild(ExportDialog)
    export.path_edit.setText(str(out))
    export.export()
    qtbot.waitUntil(lambda: export.state == "done")
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [w["messages"][1]["content"] for w in written] == [
        r["messages"][1]["content"] for r in rows
    ]


def test_a_problem_in_the_report_leads_to_its_example(qtbot, window, tmp_path) -> None:
    path = tmp_path / "Drift.fineauthor"
    with Project.create(path, title="Drift") as project:
        project.update_settings(system_prompt=SYSTEM, target_words=8, tolerance_words=2)
        from fineauthor.core.dataset.example import Example, Message

        for n in range(12):
            response = "one two three four five six seven eight" if n != 7 else "Too short here."
            project.add_example(
                Example(
                    (
                        Message("system", SYSTEM),
                        Message("user", f"Scene {n}"),
                        Message("assistant", response),
                    )
                )
            )
    assert window.open_project(path)
    report = window.view.report
    qtbot.waitUntil(lambda: report.report is not None, timeout=15_000)
    off_target = [p for p in report.report.warnings if p.code == "off_target_length"]
    assert [p.line for p in off_target] == [8]
    wanted = window.document.id_at(7)

    with qtbot.waitSignal(report.exampleRequested) as requested:
        report.request_problem(off_target[0])
    assert requested.args[0] == wanted
    qtbot.waitUntil(lambda: window.view.editor.current_id == wanted)
    assert window.view.examples.current_id() == wanted
    assert window.view.editor.response_field.text() == "Too short here."


def test_write_failures_are_reported_not_crashed(qtbot, window, tmp_path, monkeypatch) -> None:
    from fineauthor.core.errors import ProjectLocationError

    path = tmp_path / "Full.fineauthor"
    assert window.create_project(path)
    window.add_action.trigger()
    assert window.document.count() == 1

    def full(*args, **kwargs):
        raise ProjectLocationError("There is no room left on the disk to save “Full.fineauthor”.")

    monkeypatch.setattr(window.document.project, "insert_examples", full)
    window.add_action.trigger()
    qtbot.waitUntil(lambda: bool(window.findChildren(QMessageBox)))
    box = window.findChildren(QMessageBox)[0]
    assert "no room left" in box.informativeText()
    assert window.saved_label.text() == "Your last change could not be saved"
    assert window.document.count() == 1  # the view reloaded what is really on disk
    box.accept()


def _drop(window: MainWindow, path: Path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)


def test_dropping_files_opens_or_imports(qtbot, window: MainWindow, tmp_path: Path) -> None:
    source = tmp_path / "drafts.jsonl"
    row = {"messages": [{"role": "user", "content": "Go"}, {"role": "assistant", "content": "On."}]}
    source.write_text(json.dumps(row) + "\n", encoding="utf-8")
    _drop(window, source)  # no project open: one is made beside the file, then the import
    assert window.project.path == tmp_path / "drafts.fineauthor"
    dialog = window.findChild(ImportDialog)
    qtbot.waitUntil(lambda: dialog.state == "ready")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: window.document.count() == 1)

    other = tmp_path / "other.fineauthor"
    Project.create(other, title="Other").close()
    _drop(window, other)
    assert window.project.path == other


def test_the_sample_project_opens_and_is_clean(qtbot, window: MainWindow) -> None:
    assert window.open_sample_project()
    assert window.document.count() == 14
    assert window.document.settings.style_name == "Saltmarrow Hush"
    report = window.view.report
    qtbot.waitUntil(lambda: report.report is not None, timeout=15_000)
    assert report.report.errors == []
    assert [w.code for w in report.report.warnings] == ["few_examples"]
    first = window.project.path
    window.close_project()
    assert window.open_sample_project()  # made once, then reopened with the writer's changes
    assert window.project.path == first
