"""Prompts from prose in the app, end to end: "Write prompts for 3 scenes…" in the list, the
dialog that says who sees the prose and what it costs, the prompts arriving from a fake chat
program on this computer, the whole run as one undo step, the "to review" mark and filter,
and accepting or editing a prompt."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool

from fineauthor.core.dataset.prompt_origin import MODEL, TEMPLATE, WRITER
from fineauthor.core.project.project import Project
from fineauthor.providers.local.address import BASE_URL_ENV
from fineauthor.ui.editor.example_list_model import REVIEW_ROLE
from fineauthor.ui.editor.write_prompts_dialog import WritePromptsDialog
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.shell.project_view import ProjectView
from tests.fakes.chat_server import FakeChatServer
from tests.lighthouse_novel import WRITER_PROMPT, make_novel


@pytest.fixture
def chat(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeChatServer]:
    with FakeChatServer() as fake:
        monkeypatch.setenv(BASE_URL_ENV, fake.base_url)
        yield fake


@pytest.fixture
def view(qtbot, tmp_path: Path) -> Iterator[ProjectView]:
    document = ProjectDocument(Project.open(make_novel(tmp_path / "lighthouse.fineauthor")))
    shown = ProjectView(document)
    qtbot.addWidget(shown)
    shown.resize(1280, 760)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.shutdown()
    document.close()


def _ready(qtbot, dialog: WritePromptsDialog) -> None:
    """Wait until the dialog may start; if it never may, say what it told the writer."""
    try:
        qtbot.waitUntil(dialog.start_button.isEnabled, timeout=10000)
    except qtbot.TimeoutError as waited:
        pool = QThreadPool.globalInstance()
        said = (
            f"never ready to start; the dialog said: {dialog.status.text()!r}; background "
            f"threads busy: {pool.activeThreadCount()} of {pool.maxThreadCount()}"
        )
        raise AssertionError(said) from waited


def _origins(document: ProjectDocument) -> list[str]:
    return [document.example(i).prompt_origin.by for i in document.ids()]


def _marked(view: ProjectView) -> int:
    model = view.examples.model
    return sum(1 for row in range(model.rowCount()) if model.index(row).data(REVIEW_ROLE))


def test_prompts_written_from_the_scenes_reviewed_and_undone(
    qtbot, view: ProjectView, chat: FakeChatServer, screenshot_folder: Path
) -> None:
    panel, document = view.examples, view.document
    assert panel.write_prompts_button.isVisible()
    assert panel.write_prompts_button.text() == "Write prompts for 3 scenes…"
    assert not panel.only_review.isVisible()  # nothing to review yet

    dialog = panel.write_prompts()
    _ready(qtbot, dialog)
    assert dialog.service.currentText() == "On this computer (Ollama, LM Studio…)"
    assert dialog.model.currentText() == "llama3.2:3b"
    assert "Your prose stays on this computer" in dialog.privacy.text()
    assert "Cost: free, on this computer." in dialog.estimate.text()
    assert chat.chat_bodies == []  # nothing is asked before Start
    dialog.grab().save(str(screenshot_folder / "write-prompts.png"))

    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.state == "finished", timeout=15000)
    assert dialog.progress.value() == 3
    assert dialog.status.text().startswith("3 prompts written and saved.")
    assert _origins(document) == [MODEL, MODEL, MODEL, WRITER]
    assert document.example(document.id_at(3)).prompt == WRITER_PROMPT
    dialog.grab().save(str(screenshot_folder / "write-prompts-done.png"))

    # The list marks them and offers the filter; the button has nothing left to do.
    qtbot.waitUntil(panel.only_review.isVisible, timeout=2000)
    assert panel.only_review.text() == "Only prompts to review (3)"
    assert not panel.write_prompts_button.isVisible()
    assert _marked(view) == 3

    # The whole run is one undo step, and comes back with redo.
    document.undo_stack.undo()
    assert _origins(document) == [TEMPLATE, TEMPLATE, TEMPLATE, WRITER]
    assert document.example(document.id_at(0)).prompt == "Write chapter 1, scene 1."
    document.undo_stack.redo()
    assert _origins(document) == [MODEL, MODEL, MODEL, WRITER]

    # "Show the prompts to review": the filter, the first one open with its note above it.
    qtbot.mouseClick(dialog.review_button, Qt.MouseButton.LeftButton)
    assert panel.only_review.isChecked()
    assert panel.filter.rowCount() == 3
    editor = view.editor
    qtbot.waitUntil(lambda: editor.current_id == document.id_at(0), timeout=2000)
    assert editor.review_bar.isVisible()
    assert "A model (llama3.2:3b) wrote this prompt" in editor.review_bar.message.text()
    view.grab().save(str(screenshot_folder / "prompt-review.png"))

    # Accepting it is one undo step; the mark goes, the filter shows the two left and the
    # next one to review opens.
    qtbot.mouseClick(editor.review_bar.accept_button, Qt.MouseButton.LeftButton)
    assert panel.filter.rowCount() == 2
    assert editor.current_id == document.id_at(1)
    assert editor.review_bar.isVisible()
    assert document.example(document.id_at(0)).prompt_origin.reviewed
    document.undo_stack.undo()
    assert document.summary(document.id_at(0)).prompt_to_review
    assert panel.filter.rowCount() == 3

    # Editing a prompt makes it the writer's own.
    panel.select_example(document.id_at(1))
    qtbot.waitUntil(lambda: editor.current_id == document.id_at(1), timeout=2000)
    editor.prompt_field.editor.setFocus()
    qtbot.keyClicks(editor.prompt_field.editor, " Keep it quiet.")
    assert document.example(document.id_at(1)).prompt_origin.by == WRITER
    assert not editor.review_bar.isVisible()


def test_accepting_several_at_once_and_a_flagged_prompt_says_why(
    qtbot, view: ProjectView, chat: FakeChatServer
) -> None:
    panel, document = view.examples, view.document
    chat.script("Rewrite the passage above.", "Rewrite the passage above, please.")
    dialog = panel.write_prompts()
    _ready(qtbot, dialog)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.state == "finished", timeout=15000)
    assert "1 of them still fails a check" in dialog.status.text()
    dialog.close()

    panel.select_example(document.id_at(0))
    qtbot.waitUntil(lambda: view.editor.current_id == document.id_at(0), timeout=2000)
    assert "Its check still found:" in view.editor.review_bar.message.text()
    assert "“the passage”" in view.editor.review_bar.message.text()

    panel.update_prompt_controls()
    panel.only_review.setChecked(True)
    assert panel.accept_button.isVisible()
    panel.view.selectAll()
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    assert _marked(view) == 0
    assert document.undo_stack.undoText() == "Accept 3 prompts"


def test_stopping_keeps_what_came_and_no_chat_program_is_said_plainly(
    qtbot, view: ProjectView, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed = FakeChatServer().start()
    monkeypatch.setenv(BASE_URL_ENV, closed.base_url)
    closed.stop()  # nothing answers there now
    dialog = view.examples.write_prompts()
    qtbot.waitUntil(lambda: "Nothing is answering" in dialog.status.text(), timeout=15000)
    assert not dialog.start_button.isEnabled()
    assert dialog.look_again.isEnabled()
    dialog.close()


def test_a_manuscript_import_offers_to_write_its_prompts(
    qtbot, window, tmp_path: Path, chat: FakeChatServer
) -> None:

    from fineauthor.ui.importing.manuscript_dialog import ManuscriptImportDialog
    from tests.paths import FIXTURES

    path = tmp_path / "novel.fineauthor"
    Project.create(path, title="The Lighthouse").close()
    assert window.open_project(path)
    window.import_file(FIXTURES / "manuscripts" / "the-lighthouse.txt")
    importing = window.findChild(ManuscriptImportDialog)
    qtbot.waitUntil(lambda: importing.state == "ready", timeout=10000)
    importing.add_button.click()
    qtbot.waitUntil(lambda: window.findChild(WritePromptsDialog) is not None, timeout=5000)
    offer = window.findChild(WritePromptsDialog)
    assert offer.example_ids == list(window.document.ids())  # every chapter just added
    assert offer.close_button.text() == "Not now"
    offer.reject()  # "Not now": nothing is asked, the template prompts stay
    assert chat.chat_bodies == []
