"""The example list: its model (tested without a view), the filter, and the panel's actions,
all over a real project file through a ProjectDocument."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import Project
from fineauthor.ui.editor.example_list import ExampleListPanel
from fineauthor.ui.editor.example_list_model import (
    ID_ROLE,
    NUMBER_ROLE,
    STATUS_ROLE,
    WORDS_ROLE,
    ExampleListModel,
)
from fineauthor.ui.report.finding_groups import PROBLEM
from fineauthor.ui.shell.document import ProjectDocument

PROMPTS = [
    "The ferry crossing at dawn, when Odile first sees the island",
    "Hattie finds the keeper's logbook",
    "A storm strands them in the café",
]


def _example(prompt: str, words: int) -> Example:
    return Example(
        (
            Message("system", "You are Saltmarrow Hush."),
            Message("user", prompt),
            Message("assistant", " ".join(["tide"] * words)),
        )
    )


@pytest.fixture
def document(tmp_path: Path):
    project = Project.create(tmp_path / "list.fineauthor", title="List")
    project.update_settings(
        system_prompt="You are Saltmarrow Hush.", target_words=100, tolerance_words=10
    )
    for prompt, words in zip(PROMPTS, (100, 40, 150), strict=True):
        project.add_example(_example(prompt, words))
    document = ProjectDocument(project)
    yield document
    document.close()


def _on_disk(document: ProjectDocument) -> list[str]:
    with Project.open(document.path) as again:
        return [e.prompt for e in again.examples()]


def test_model_rows_without_a_view(document: ProjectDocument, qtmodeltester) -> None:
    model = ExampleListModel(document)
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    first = model.index(0)
    assert first.data() == "The ferry crossing at dawn, when Odile first sees…"
    assert first.data(NUMBER_ROLE) == 1
    assert first.data(WORDS_ROLE) == 100
    assert first.data(STATUS_ROLE) == "fine"
    assert "100 of 100 words — on target" in first.data(Qt.ItemDataRole.ToolTipRole)
    assert "40 of 100 words — 60 short" in model.index(1).data(Qt.ItemDataRole.ToolTipRole)
    assert model.data(QModelIndex()) is None

    model.set_statuses({first.data(ID_ROLE): (PROBLEM, "Example 1 has no response.")})
    assert model.index(0).data(STATUS_ROLE) == PROBLEM
    assert "Example 1 has no response." in model.index(0).data(Qt.ItemDataRole.ToolTipRole)


def test_model_follows_adds_deletes_moves_and_undo(
    document: ProjectDocument, qtmodeltester
) -> None:
    model = ExampleListModel(document)
    qtmodeltester.check(model)  # keeps checking every change below
    new_id = document.add_example(1)
    assert model.rowCount() == 4
    assert model.index(1).data(ID_ROLE) == new_id
    assert model.index(1).data() == "New example (no prompt yet)"
    assert model.index(2).data(NUMBER_ROLE) == 3

    document.move(model.index(3).data(ID_ROLE), 0)
    assert model.index(0).data().startswith("A storm")
    assert _on_disk(document)[0].startswith("A storm")

    document.delete([model.index(0).data(ID_ROLE), new_id])
    assert model.rowCount() == 2
    assert _on_disk(document) == PROMPTS[:2]

    document.undo_stack.undo()  # the delete
    assert model.rowCount() == 4
    assert _on_disk(document)[0].startswith("A storm")
    document.undo_stack.undo()  # the move
    document.undo_stack.undo()  # the add
    assert [model.index(r).data(ID_ROLE) for r in range(3)] == list(document.ids())
    assert _on_disk(document) == PROMPTS
    document.undo_stack.redo()
    assert model.rowCount() == 4


def test_drag_to_reorder_moves_through_the_document(document: ProjectDocument) -> None:
    model = ExampleListModel(document)
    data = model.mimeData([model.index(0)])
    # Dropped before the last row: it lands second to last.
    model.dropMimeData(data, Qt.DropAction.MoveAction, 2, 0, QModelIndex())
    assert _on_disk(document) == [PROMPTS[1], PROMPTS[0], PROMPTS[2]]
    data = model.mimeData([model.index(2)])
    model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert _on_disk(document) == [PROMPTS[2], PROMPTS[1], PROMPTS[0]]
    document.undo_stack.undo()
    document.undo_stack.undo()
    assert _on_disk(document) == PROMPTS


def test_panel_search_filter_and_actions(qtbot, document: ProjectDocument) -> None:
    panel = ExampleListPanel(document)
    qtbot.addWidget(panel)
    panel.show()
    seen: list[object] = []
    panel.currentExampleChanged.connect(seen.append)

    panel.search.setText("LOGBOOK")
    assert panel.filter.rowCount() == 1
    assert panel.filter.index(0, 0).data().startswith("Hattie")
    panel.search.clear()
    assert panel.filter.rowCount() == 3

    panel.model.set_statuses({document.id_at(2): (PROBLEM, "too long")})
    panel.only_flagged.setChecked(True)
    assert panel.filter.rowCount() == 1
    panel.select_example(document.id_at(0))  # hidden by the filter: the filter is cleared
    assert not panel.only_flagged.isChecked()
    assert seen[-1] == document.id_at(0)

    panel.add_example()
    assert document.count() == 4
    assert panel.current_id() == document.id_at(1)  # right after the chosen one
    panel.duplicate_selected()
    assert document.count() == 5
    assert panel.current_id() == document.id_at(2)
    panel.delete_selected()
    assert document.count() == 4
    assert len(_on_disk(document)) == 4
