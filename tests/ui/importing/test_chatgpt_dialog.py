"""The ChatGPT import dialog on a real project and the fixture export: reading in the
background, the list and its model, search, ticking, keeping or folding, the preview before
anything is added, Add as one undo step, undo, cancel, and files that can't be imported."""

from __future__ import annotations

import json
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QDialog

from fineauthor.core.importers.chatgpt.export import read_export
from fineauthor.core.project.project import Cancelled, Project
from fineauthor.ui.importing import chatgpt_dialog as chatgpt_import_dialog
from fineauthor.ui.importing.chatgpt_conversations import (
    ConversationModel,
    ExportContents,
    read_conversations,
)
from fineauthor.ui.importing.chatgpt_dialog import ChatGPTImportDialog
from fineauthor.ui.importing.training_file_dialog import PROGRESS_DELAY_MS
from fineauthor.ui.shell.document import ProjectDocument
from tests.paths import FIXTURES

FIXTURE = FIXTURES / "chatgpt" / "conversations.json"
SYSTEM = "You are Outline Mageddon, who writes literary suspense."
LIGHTHOUSE = "Lighthouse at dusk — chapter 3"
CAFE = "Café à Lyon — Élodie attend"
TOKYO = "東京の雨 — noir opening 🌧️"
NEWEST_FIRST = [
    "How long is chapter 7?",
    "Cover idea for The Salt Keeper",
    "Victorian mourning customs",
    TOKYO,
    CAFE,
    LIGHTHOUSE,
    "Villanelle about the sea",
]


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "chatgpt-export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(FIXTURE, "conversations.json")
        archive.writestr("user.json", "{}")
    return path


@pytest.fixture
def document(tmp_path: Path) -> Iterator[ProjectDocument]:
    project = Project.create(tmp_path / "salt.fineauthor", title="The Salt Keeper")
    project.update_settings(system_prompt=SYSTEM, target_words=400, tolerance_words=100)
    doc = ProjectDocument(project)
    yield doc
    doc.close()


def _open(qtbot, document: ProjectDocument, path: Path) -> ChatGPTImportDialog:
    dialog = ChatGPTImportDialog(document, path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.state != "reading")
    return dialog


def _titles(dialog: ChatGPTImportDialog) -> list[str]:
    return [
        dialog.filter.index(row, ConversationModel.TITLE).data()
        for row in range(dialog.filter.rowCount())
    ]


def _row(dialog: ChatGPTImportDialog, title: str) -> int:
    return _titles(dialog).index(title)


def _tick(dialog: ChatGPTImportDialog, title: str) -> None:
    index = dialog.filter.index(_row(dialog, title), ConversationModel.TITLE)
    assert dialog.filter.setData(index, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)


def _highlight(dialog: ChatGPTImportDialog, title: str) -> None:
    dialog.table.selectRow(_row(dialog, title))


def _search(qtbot, dialog: ChatGPTImportDialog, text: str, rows: int) -> None:
    dialog.search_box.setText(text)
    qtbot.waitUntil(lambda: dialog.filter.query == text.strip())
    assert dialog.filter.rowCount() == rows


# The list ------------------------------------------------------------------------------------


def test_lists_the_usable_conversations_newest_first_with_what_was_left_out(
    qtbot, document: ProjectDocument, export: Path
) -> None:
    dialog = _open(qtbot, document, export)
    assert dialog.state == "ready"
    assert dialog.headline.text() == (
        "Your export holds 7 conversations you can use. Tick the ones whose answers sound like you."
    )
    assert _titles(dialog) == NEWEST_FIRST
    row = _row(dialog, LIGHTHOUSE)
    cells = [dialog.filter.index(row, column).data() for column in range(4)]
    assert cells[0] == LIGHTHOUSE and cells[2] == "3"
    assert cells[1]  # the date, as the writer's locale writes it
    assert cells[3].startswith("Write the opening of chapter 3")
    left_out = dialog.left_out_label.text()
    assert left_out.startswith("Not listed: 2 conversations that can’t become examples (")
    assert "1 has no written answer from ChatGPT" in left_out
    assert "1 has no written messages" in left_out
    assert "pictures (1)" in left_out and "ChatGPT’s thinking notes (2)" in left_out
    assert "only the version you last saw is used" in left_out
    assert dialog.chosen_label.text() == "Nothing is ticked yet."
    assert not dialog.add_button.isEnabled()
    assert document.count() == 0


def test_the_model_works_without_a_view(qtbot) -> None:
    contents = read_conversations(FIXTURE, lambda _p: None, lambda: False)
    model = ConversationModel(contents)
    assert model.rowCount() == 7 and model.columnCount() == 4
    assert model.rowCount(model.index(0, 0)) == 0
    first = model.index(0, ConversationModel.TITLE)
    assert first.data() == "How long is chapter 7?"
    assert first.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert model.flags(first) & Qt.ItemFlag.ItemIsUserCheckable
    assert not model.flags(model.index(0, ConversationModel.DATE)) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.index(0, ConversationModel.PROMPTS).data(ConversationModel.SORT_ROLE) == 1
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Conversation"
    changed: list[bool] = []
    model.chosenChanged.connect(lambda: changed.append(True))
    assert model.setData(first, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert first.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    model.toggle(5)  # the lighthouse, older
    assert [c.title for c in model.chosen_conversations()] == [LIGHTHOUSE, "How long is chapter 7?"]
    assert changed == [True, True]
    assert not model.setData(QModelIndex(), 2, Qt.ItemDataRole.CheckStateRole)
    assert contents.summary.conversations == 9 and contents.summary.usable == 7


# Search --------------------------------------------------------------------------------------


def test_search_finds_titles_and_text_and_keeps_ticks(
    qtbot, document: ProjectDocument, export: Path
) -> None:
    dialog = _open(qtbot, document, export)
    _tick(dialog, LIGHTHOUSE)
    _search(qtbot, dialog, "cafe lyon", 1)
    assert _titles(dialog) == [CAFE]
    assert dialog.preview_pane.title.text().startswith(f"The example from “{CAFE}”")
    assert "(1 of them not shown by the search.)" in dialog.chosen_label.text()

    _search(qtbot, dialog, "新宿", 1)
    assert _titles(dialog) == [TOKYO]
    _search(qtbot, dialog, "bombazine", 1)  # in an answer, not the title
    assert _titles(dialog) == ["Victorian mourning customs"]

    _search(qtbot, dialog, "submarine", 0)
    assert dialog.no_match_label.isVisible()
    assert dialog.no_match_label.text() == "No conversation has “submarine” in its title or text."
    assert dialog.preview_pane.title.text() == "Preview"

    _search(qtbot, dialog, "lighthouse", 3)
    assert set(_titles(dialog)) == {
        LIGHTHOUSE,
        "Cover idea for The Salt Keeper",
        "Villanelle about the sea",
    }
    dialog.tick_shown_button.click()
    assert dialog.chosen_label.text().startswith("3 conversations are ticked.")
    _search(qtbot, dialog, "", 7)
    assert not dialog.no_match_label.isVisible()
    dialog.untick_button.click()
    assert dialog.chosen_label.text() == "Nothing is ticked yet."


# Choosing, folding and the preview ------------------------------------------------------------


def test_preview_shows_the_folded_or_kept_example_before_anything_is_added(
    qtbot, document: ProjectDocument, export: Path
) -> None:
    dialog = _open(qtbot, document, export)
    _highlight(dialog, LIGHTHOUSE)
    assert dialog.preview_pane.title.text() == (
        f"The example from “{LIGHTHOUSE}” (not ticked, so it won’t be added)"
    )
    assert dialog.fold  # the lesson's advice is the first choice
    text = dialog.preview_pane.browser.toPlainText()
    assert "System prompt (your project’s)\n" + SYSTEM in text
    assert "Prompt, with your follow-ups folded in (highlighted)" in text
    assert "past tense. Make it longer. Add dialogue between Mara and old Petrov's son." in text
    assert "Response: ChatGPT’s last answer · 129 words (your target: 400)" in text
    assert "“You’ve a key too, then,” said a voice from the gallery." in text
    assert "Can you make it longer?" not in text
    marked = dialog.preview_pane.browser.toHtml().split("background-color:")[1].split("</span>")[0]
    assert marked.endswith("Make it longer. Add dialogue between Mara and old Petrov's son.")
    notes = dialog.preview_pane.notes.text()
    assert "Left out of this example: your custom instructions and ChatGPT’s memory (1)." in notes
    assert "this is the version you last saw" in notes

    dialog.keep_button.click()
    assert not dialog.fold
    text = dialog.preview_pane.browser.toPlainText()
    assert "Follow-up prompt 1\nCan you make it longer?" in text
    assert (
        "Follow-up prompt 2\nGreat, now add dialogue between Mara and old Petrov's son, please."
        in text
    )
    assert text.count("Answer\n") == 2 and "Last answer · 129 words" in text

    _tick(dialog, LIGHTHOUSE)
    assert dialog.preview_pane.title.text() == f"The example from “{LIGHTHOUSE}”"
    _highlight(dialog, TOKYO)
    assert "Left out of this example: pictures (1)." in dialog.preview_pane.notes.text()
    assert "雨の新宿。ネオンが水たまりで溺れていた。" in dialog.preview_pane.browser.toPlainText()
    assert document.count() == 0  # the preview adds nothing


def test_preview_says_when_the_answer_came_from_a_canvas(
    qtbot, document: ProjectDocument, tmp_path: Path
) -> None:
    canvas_export = tmp_path / "canvas-export.zip"
    with zipfile.ZipFile(canvas_export, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(FIXTURES / "chatgpt" / "canvas-conversations.json", "conversations.json")
    dialog = _open(qtbot, document, canvas_export)
    _highlight(dialog, "The lamp room — chapter 4")
    text = dialog.preview_pane.browser.toPlainText()
    assert "“You’ve found his book, then,” said Andrei's son." in text
    assert "I’ve expanded the scene in the canvas." not in text
    canvas_note = "ChatGPT wrote this in its canvas (a document it keeps beside the chat)"
    assert canvas_note in dialog.preview_pane.notes.text()
    dialog.keep_button.click()
    assert "“You’ve found his book, then,” said Petrov's son." in (
        dialog.preview_pane.browser.toPlainText()  # the second answer, before the rename
    )
    assert canvas_note in dialog.preview_pane.notes.text()
    _highlight(dialog, "Counting words per chapter")  # a code canvas: the chat's answer
    assert canvas_note not in dialog.preview_pane.notes.text()
    assert "The script is in the canvas." in dialog.preview_pane.browser.toPlainText()


def test_ticking_with_the_keyboard_and_a_double_click(
    qtbot, document: ProjectDocument, export: Path
) -> None:
    dialog = _open(qtbot, document, export)
    dialog.table.setFocus()
    _highlight(dialog, CAFE)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
    assert dialog.chosen_label.text().startswith("1 conversation is ticked.")
    index = dialog.filter.index(_row(dialog, TOKYO), ConversationModel.BEGINNING)
    dialog.table.doubleClicked.emit(index)
    assert dialog.add_button.text() == "Add 2 examples" and dialog.add_button.isEnabled()
    dialog.table.doubleClicked.emit(index)
    assert dialog.add_button.text() == "Add 1 example"


# Adding and undo ------------------------------------------------------------------------------


@pytest.mark.parametrize("fold", [True, False])
def test_add_is_one_undo_step_marked_with_its_source(
    qtbot, document: ProjectDocument, export: Path, fold: bool
) -> None:
    dialog = _open(qtbot, document, export)
    (dialog.fold_button if fold else dialog.keep_button).click()
    for title in (TOKYO, LIGHTHOUSE, CAFE):
        _tick(dialog, title)
    assert dialog.add_button.text() == "Add 3 examples"
    assert "at the end of “The Salt Keeper”, oldest first" in dialog.chosen_label.text()
    previews = dialog.chosen_examples()

    with qtbot.waitSignal(dialog.examplesAdded) as added:
        dialog.add_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.state == "added"
    assert len(added.args[0]) == 3
    examples = [document.example(i) for i in document.ids()]
    assert [e.source for e in examples] == [
        f"ChatGPT: {LIGHTHOUSE}",  # 12 March 2024
        f"ChatGPT: {CAFE}",  # 2 May 2024
        f"ChatGPT: {TOKYO}",  # 20 June 2024
    ]
    assert [e.messages for e in examples] == [p.messages for p in previews]  # as previewed
    assert all(e.system == SYSTEM for e in examples)
    lighthouse = examples[0]
    if fold:
        assert [m.role for m in lighthouse.messages] == ["system", "user", "assistant"]
        assert lighthouse.prompt.endswith("Add dialogue between Mara and old Petrov's son.")
    else:
        assert [m.role for m in lighthouse.messages] == ["system"] + ["user", "assistant"] * 3
    with Project.open(document.path) as on_disk:
        assert on_disk.example_count() == 3

    assert document.undo_stack.count() == 1
    assert document.undo_stack.undoText() == "Import 3 examples"
    document.undo_stack.undo()
    assert document.count() == 0
    with Project.open(document.path) as on_disk:
        assert on_disk.example_count() == 0
    document.undo_stack.redo()
    assert document.count() == 3


# Reading: progress, cancel, files that can't be imported ---------------------------------------


def _blocked_reader(
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[threading.Event, threading.Event, list[str]]:
    """Reading that reports 40% and then waits until released (or cancelled)."""
    release, waiting = threading.Event(), threading.Event()
    outcome: list[str] = []
    real = chatgpt_import_dialog.read_conversations

    def slow(path: Path, progress: Callable[[int], None], cancelled: Callable[[], bool]):
        progress(40)
        waiting.set()
        while not release.wait(0.01):
            if cancelled():
                outcome.append("cancelled")
                raise Cancelled("Stopped. Nothing was added.")
        outcome.append("finished")
        return real(path, progress, cancelled)

    monkeypatch.setattr(chatgpt_import_dialog, "read_conversations", slow)
    return release, waiting, outcome


def test_a_slow_read_shows_progress_then_the_list(
    qtbot, document: ProjectDocument, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release, waiting, outcome = _blocked_reader(monkeypatch)
    dialog = ChatGPTImportDialog(document, export)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.reading_label.text() == "Reading your ChatGPT export “chatgpt-export.zip”…"
    assert not dialog.progress_bar.isVisible()  # not for a quick read
    qtbot.waitUntil(waiting.is_set)
    qtbot.waitUntil(dialog.progress_bar.isVisible, timeout=PROGRESS_DELAY_MS + 2000)
    qtbot.waitUntil(lambda: dialog.progress_bar.value() == 40)
    release.set()
    qtbot.waitUntil(lambda: dialog.state == "ready")
    assert outcome == ["finished"]


def test_cancel_while_reading_stops_it_and_adds_nothing(
    qtbot, document: ProjectDocument, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _release, waiting, outcome = _blocked_reader(monkeypatch)
    dialog = ChatGPTImportDialog(document, export)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(waiting.is_set)
    dialog.cancel_button.click()
    assert dialog.state == "cancelled" and dialog.result() == QDialog.DialogCode.Rejected
    qtbot.waitUntil(lambda: outcome == ["cancelled"])
    assert document.count() == 0 and document.undo_stack.count() == 0


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"user.json": b"{}"}, "has no conversations.json in it"),
        ({"conversations.json": b'[{"title": "x", "mapping": {'}, "ends in the middle"),
        ({"conversations.json": b'{"title": "x"}'}, "holds a single object"),
    ],
)
def test_a_file_that_is_not_an_export_says_why_and_only_closes(
    qtbot, document: ProjectDocument, tmp_path: Path, files: dict, expected: str
) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    dialog = _open(qtbot, document, path)
    assert dialog.state == "unusable"
    assert dialog.message_headline.text() == "This file can’t be imported."
    assert expected in dialog.message.text()
    assert dialog.message.text().endswith("Nothing was added to your project.")
    assert not dialog.add_button.isVisible()
    assert dialog.cancel_button.text() == "Close"


def test_an_export_with_nothing_usable_says_why(
    qtbot, document: ProjectDocument, tmp_path: Path
) -> None:
    path = tmp_path / "conversations.json"
    path.write_text(
        json.dumps(
            [
                {"title": "New chat", "mapping": {}},
                {
                    "title": "Only me",
                    "mapping": {
                        "u": {
                            "message": {
                                "author": {"role": "user"},
                                "content": {"content_type": "text", "parts": ["Hello?"]},
                            }
                        }
                    },
                    "current_node": "u",
                },
            ]
        ),
        encoding="utf-8",
    )
    dialog = _open(qtbot, document, path)
    assert dialog.state == "empty"
    assert dialog.message_headline.text() == (
        "No conversation in “conversations.json” can become an example."
    )
    assert "1 has no written messages; 1 has no written answer from ChatGPT" in (
        dialog.message.text()
    )
    assert dialog.cancel_button.text() == "Close"


def test_the_list_keeps_conversations_packed_and_unpacks_them_whole() -> None:
    contents = read_conversations(FIXTURE, lambda _p: None, lambda: False)
    streamed = list(read_export(FIXTURE))
    assert isinstance(contents, ExportContents)
    assert [c.unpack().turns for c in contents.conversations] == [c.turns for c in streamed]
    assert [c.title for c in contents.conversations] == [c.title for c in streamed]
    cafe = contents.conversations[4]
    assert cafe.matches("cafe LYON") and not cafe.matches("lighthouse")
    assert len(cafe.packed) < len("".join(t.text for t in streamed[4].turns).encode())


# The main window sends exports here ---------------------------------------------------------


def test_the_main_window_opens_this_dialog_for_an_export(
    qtbot, window, tmp_path: Path, export: Path
) -> None:
    assert window.create_project(tmp_path / "book.fineauthor")
    window.import_file(export)
    dialog = window.findChild(ChatGPTImportDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.state == "ready")
    dialog.reject()
    bare = tmp_path / "conversations.json"
    bare.write_bytes(FIXTURE.read_bytes())
    window.import_file(bare)
    dialogs = [d for d in window.findChildren(ChatGPTImportDialog) if d.path == bare]
    assert len(dialogs) == 1
    qtbot.waitUntil(lambda: dialogs[0].state == "ready")
    dialogs[0].reject()


# Screenshot (opt-in) -------------------------------------------------------------------------


def test_screenshot(
    qtbot, document: ProjectDocument, tmp_path: Path, screenshot_folder: Path
) -> None:
    """docs/screenshots/import-chatgpt.png: three ticked, the lighthouse folded and previewed."""
    export = tmp_path / "chatgpt-export-2024-08-01.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(FIXTURE, "conversations.json")
    dialog = _open(qtbot, document, export)
    dialog.resize(1280, 800)
    for title in (TOKYO, CAFE, LIGHTHOUSE):
        _tick(dialog, title)
    _highlight(dialog, LIGHTHOUSE)
    qtbot.waitExposed(dialog)
    QApplication.processEvents()  # let the wrapped labels take their new heights
    folder = screenshot_folder
    assert dialog.grab().save(str(folder / "import-chatgpt.png"))
