"""Import and export dialogs on a real project: what the summary says, one undo step, cancel,
unusable files, and training files whose lines parse and add up to the project."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import Cancelled, Project
from fineauthor.ui.importing import training_file_dialog as import_dialog
from fineauthor.ui.importing.export_dialog import ExportDialog
from fineauthor.ui.importing.training_file_dialog import ImportDialog
from fineauthor.ui.shell.document import ProjectDocument

TITLE = "The Lighthouse Keeper"


def _line(n: int, **extra: object) -> str:
    data = {
        "messages": [
            {"role": "system", "content": "You are Outline Mageddon."},
            {"role": "user", "content": f"Write scene {n} at the lighthouse."},
            {"role": "assistant", "content": f"Scene {n}. The lamp turned; Mara waited."},
        ],
        **extra,
    }
    return json.dumps(data)


def _example(n: int) -> Example:
    return Example(
        (
            Message("system", "You are Outline Mageddon."),
            Message("user", f"Write scene {n} at the lighthouse."),
            Message("assistant", f"Scene {n}. The lamp turned; Mara waited."),
        )
    )


@pytest.fixture
def document(tmp_path: Path) -> Iterator[ProjectDocument]:
    project = Project.create(tmp_path / "novel.fineauthor", title=TITLE)
    doc = ProjectDocument(project)
    yield doc
    doc.close()


def _with_examples(document: ProjectDocument, count: int) -> ProjectDocument:
    document.project.add_examples(_example(n) for n in range(count))
    reopened = ProjectDocument(document.project)
    return reopened


def _on_disk(path: Path) -> int:
    with Project.open(path) as project:
        return project.example_count()


def _open(qtbot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


# Import --------------------------------------------------------------------------------------


def _file_with_two_bad_lines(tmp_path: Path) -> Path:
    lines = [
        _line(1),
        _line(2),
        "{this is not json",  # line 3
        _line(4, id="ex-4"),  # a field training files don't use: left out, noted
        json.dumps({"messages": [{"role": "user", "content": "No answer here."}]}),  # line 5
        _line(6),
    ]
    path = tmp_path / "scenes.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_import_summary_lists_skipped_lines_and_adds_in_one_undo_step(
    qtbot, tmp_path: Path, document: ProjectDocument
) -> None:
    dialog = _open(qtbot, ImportDialog(document, _file_with_two_bad_lines(tmp_path)))
    qtbot.waitUntil(lambda: dialog.state == "ready")

    assert dialog.headline.text() == "4 examples are ready to add. 2 lines were skipped:"
    skipped = [dialog.skipped_list.item(i).text() for i in range(dialog.skipped_list.count())]
    assert len(skipped) == 2
    assert skipped[0].startswith("Line 3") and "not valid JSON" in skipped[0]
    assert skipped[1].startswith("Line 5")
    notes = [dialog.notes_list.item(i).text() for i in range(dialog.notes_list.count())]
    assert notes == ["Line 4: the field “id” is not part of a chat example and was left out."]
    assert dialog.notes_list.isVisible()
    assert dialog.add_button.text() == "Add 4 examples"
    assert dialog.add_button.isVisible()
    assert "end of “The Lighthouse Keeper”" in dialog.where_label.text()
    assert document.count() == 0  # nothing is added before the writer says so

    with qtbot.waitSignal(dialog.examplesAdded) as added:
        dialog.add_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert len(added.args[0]) == 4
    assert document.count() == 4
    assert _on_disk(document.path) == 4
    prompts = [document.example(i).prompt for i in document.ids()]
    assert prompts == [f"Write scene {n} at the lighthouse." for n in (1, 2, 4, 6)]

    assert document.undo_stack.count() == 1
    assert document.undo_stack.undoText() == "Import 4 examples"
    document.undo_stack.undo()
    assert document.count() == 0
    assert _on_disk(document.path) == 0
    document.undo_stack.redo()
    assert document.count() == 4
    assert _on_disk(document.path) == 4


def test_cancel_after_reading_adds_nothing(
    qtbot, tmp_path: Path, document: ProjectDocument
) -> None:
    dialog = _open(qtbot, ImportDialog(document, _file_with_two_bad_lines(tmp_path)))
    qtbot.waitUntil(lambda: dialog.state == "ready")
    dialog.cancel_button.click()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert document.count() == 0
    assert _on_disk(document.path) == 0
    assert document.undo_stack.count() == 0


def test_slow_reading_shows_progress_and_cancel_stops_it(
    qtbot, tmp_path: Path, document: ProjectDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    stopped = threading.Event()

    def slow_read(
        path: Path, progress: Callable[[int], None], cancelled: Callable[[], bool]
    ) -> None:
        progress(40)
        while not cancelled():
            release.wait(0.01)
        stopped.set()
        raise Cancelled("Stopped. Nothing was added.")

    monkeypatch.setattr(import_dialog, "read_examples", slow_read)
    monkeypatch.setattr(import_dialog, "PROGRESS_DELAY_MS", 50)
    dialog = _open(qtbot, ImportDialog(document, _file_with_two_bad_lines(tmp_path)))
    assert not dialog.progress_bar.isVisible()  # nothing flashes for quick files
    qtbot.waitUntil(dialog.progress_bar.isVisible)
    qtbot.waitUntil(lambda: dialog.progress_bar.value() == 40)
    assert dialog.cancel_button.isVisible()
    assert not dialog.add_button.isVisible()  # nothing to add until reading is done

    task = dialog._task
    with qtbot.waitSignal(task.finished):
        dialog.cancel_button.click()
    assert stopped.is_set()
    assert dialog.state == "cancelled"
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert document.count() == 0


def test_an_image_named_jsonl_gets_a_plain_message(
    qtbot, tmp_path: Path, document: ProjectDocument
) -> None:
    path = tmp_path / "cover.jsonl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    dialog = _open(qtbot, ImportDialog(document, path))
    qtbot.waitUntil(lambda: dialog.state == "unusable")
    assert dialog.headline.text() == "This file can’t be imported."
    message = dialog.where_label.text()
    assert "“cover.jsonl” can’t be read as a training file: it is a PNG image." in message
    assert "Nothing was added to your project." in message
    assert "Traceback" not in message
    assert not dialog.add_button.isVisible()
    assert dialog.cancel_button.text() == "Close"
    assert document.count() == 0


def test_a_file_with_no_usable_line_says_so(
    qtbot, tmp_path: Path, document: ProjectDocument
) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text("{oops\n[1, 2]\n", encoding="utf-8")
    dialog = _open(qtbot, ImportDialog(document, path))
    qtbot.waitUntil(lambda: dialog.state == "empty")
    assert dialog.headline.text() == (
        "No examples could be read from “broken.jsonl”. 2 lines were skipped:"
    )
    assert dialog.skipped_list.count() == 2
    assert not dialog.add_button.isVisible()
    assert document.count() == 0


def test_a_thousand_examples_import_as_one_step(
    qtbot, tmp_path: Path, document: ProjectDocument
) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(_line(n, id=n) for n in range(1000)) + "\n", encoding="utf-8")
    dialog = _open(qtbot, ImportDialog(document, path))
    qtbot.waitUntil(lambda: dialog.state == "ready", timeout=20_000)
    assert dialog.add_button.text() == "Add 1,000 examples"
    # A thousand identical notes are said once, not listed a thousand times.
    assert dialog.notes_list.count() == 1
    assert dialog.notes_list.item(0).text().startswith("Lines 1, 2, 3 and 997 more: the field")
    dialog.add_button.click()
    assert document.count() == 1000
    assert document.undo_stack.count() == 1
    document.undo_stack.undo()
    assert _on_disk(document.path) == 0


# Export --------------------------------------------------------------------------------------


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _project_lines(document: ProjectDocument) -> list[dict]:
    return [example.to_json() for example in document.project.examples()]


def test_export_without_a_split(qtbot, tmp_path: Path, document: ProjectDocument) -> None:
    document = _with_examples(document, 12)
    dialog = _open(qtbot, ExportDialog(document))
    assert dialog.path_edit.text() == str(tmp_path / f"{TITLE}.jsonl")
    assert not dialog.split_offer.isVisible()  # fewer than 50 examples: no split offered
    assert dialog.no_split_note.isVisible()
    assert dialog.provider_box.findText("Together AI") >= 0
    dialog.provider_box.setCurrentIndex(dialog.provider_box.findData("fireworks"))
    assert "Fireworks AI reads OpenAI’s format" in dialog.provider_note.text()

    target = tmp_path / "out" / "scenes.jsonl"
    target.parent.mkdir()
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(dialog.exported) as done:
        dialog.export_button.click()
    assert dialog.state == "done"
    result = done.args[0]
    assert result.train_path == target
    assert result.validation_path is None
    assert _lines(target) == _project_lines(document)
    assert str(target) in dialog.done_label.text()
    assert sorted(p.name for p in target.parent.iterdir()) == ["scenes.jsonl"]


def test_export_with_a_validation_split(qtbot, tmp_path: Path, document: ProjectDocument) -> None:
    document = _with_examples(document, 60)
    dialog = _open(qtbot, ExportDialog(document))
    assert dialog.split_offer.isVisible()
    assert dialog.split_percent.minimum() == 5
    assert dialog.split_percent.maximum() == 20
    assert dialog.split_percent.value() == 10
    assert "did not train on" in dialog.split_note.text()
    assert dialog.validation_fraction is None  # off until the writer asks
    dialog.split_box.setChecked(True)
    assert dialog.split_count.text() == "6 of 60 examples"

    target = tmp_path / "split.jsonl"
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(dialog.exported) as done:
        dialog.export_button.click()
    result = done.args[0]
    assert result.counts == {"train": 54, "validation": 6}
    train, held = _lines(result.train_path), _lines(result.validation_path)
    assert len(train) == 54 and len(held) == 6
    project = _project_lines(document)
    assert sorted(map(json.dumps, train + held)) == sorted(map(json.dumps, project))
    assert not {json.dumps(x) for x in train} & {json.dumps(x) for x in held}
    text = dialog.done_label.text()
    assert str(result.train_path) in text and str(result.validation_path) in text


def test_export_with_no_examples_is_not_offered(qtbot, document: ProjectDocument) -> None:
    dialog = _open(qtbot, ExportDialog(document))
    assert not dialog.export_button.isEnabled()
    assert "no examples yet" in dialog.intro.text()
    assert not dialog.no_split_note.isVisible()


def test_export_to_a_missing_folder_says_why(
    qtbot, tmp_path: Path, document: ProjectDocument
) -> None:
    document = _with_examples(document, 3)
    dialog = _open(qtbot, ExportDialog(document))
    dialog.path_edit.setText(str(tmp_path / "gone" / "x.jsonl"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.state == "failed")
    assert "could not write “x.jsonl”" in dialog.done_label.text()
    assert dialog.cancel_button.text() == "Close"
