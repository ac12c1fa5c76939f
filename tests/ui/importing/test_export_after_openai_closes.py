"""The export dialog on either side of the day OpenAI takes no more new training (the catalog's
``new_jobs_end``, 6 January 2027), with a fixed clock: a file for OpenAI can still be written,
and from that day the note says OpenAI will not train on it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import Project
from fineauthor.ui.importing import export_dialog
from fineauthor.ui.importing.export_dialog import ExportDialog
from fineauthor.ui.shell.document import ProjectDocument

CLOSED = (
    "OpenAI takes no new training since 6 January 2027: you can still write the file, but "
    "OpenAI will not train a model on it."
)


@pytest.fixture(autouse=True)
def british_locale() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    yield
    QLocale.setDefault(before)


@pytest.fixture
def document(tmp_path: Path) -> Iterator[ProjectDocument]:
    project = Project.create(tmp_path / "novel.fineauthor", title="The Lighthouse Keeper")
    project.add_examples(
        Example(
            (
                Message("user", f"Write scene {n} at the lighthouse."),
                Message("assistant", f"Scene {n}. The lamp turned; Mara waited."),
            )
        )
        for n in range(12)
    )
    doc = ProjectDocument(project)
    yield doc
    doc.close()


def open_dialog(qtbot, monkeypatch, document: ProjectDocument, today: date) -> ExportDialog:
    monkeypatch.setattr(export_dialog, "clock", lambda: today)
    dialog = ExportDialog(document)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.provider_box.setCurrentIndex(dialog.provider_box.findData("openai"))
    return dialog


def test_before_the_day_the_openai_note_speaks_only_of_new_accounts(
    qtbot, monkeypatch, document
) -> None:
    dialog = open_dialog(qtbot, monkeypatch, document, date(2026, 12, 2))
    note = dialog.provider_note.text()
    assert note.endswith("Most new accounts can no longer train with OpenAI.")
    assert "takes no new training" not in note


def test_after_the_day_an_openai_file_is_still_written_and_the_note_says_why_it_wont_train(
    qtbot, monkeypatch, tmp_path, document
) -> None:
    dialog = open_dialog(qtbot, monkeypatch, document, date(2027, 1, 6))
    note = dialog.provider_note.text()
    assert note.startswith("OpenAI’s own format.")
    assert note.endswith(CLOSED)
    assert "Most new accounts" not in note
    dialog.provider_box.setCurrentIndex(dialog.provider_box.findData("together"))
    assert "takes no new training" not in dialog.provider_note.text()
    dialog.provider_box.setCurrentIndex(dialog.provider_box.findData("openai"))
    assert dialog.provider_note.text().endswith(CLOSED)

    target = tmp_path / "for-openai.jsonl"
    dialog.path_edit.setText(str(target))
    assert dialog.export_button.isEnabled()
    with qtbot.waitSignal(dialog.exported):
        dialog.export_button.click()
    assert dialog.state == "done"
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 12
    assert lines[0]["messages"][1]["content"] == "Scene 0. The lamp turned; Mara waited."
