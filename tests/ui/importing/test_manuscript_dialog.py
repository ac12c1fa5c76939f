"""The manuscript and spreadsheet import dialogs on a real project: pieces listed with their
lengths, chapters or scenes, ticking, merging, splitting, the prompt template and its preview,
adding as one undo step, unusable files, cancelling, and the main window's routing.

``FINEAUTHOR_SCREENSHOTS=docs/screenshots LANG=en_GB.UTF-8 pytest
tests/ui/importing/test_manuscript_dialog.py
-k screenshot`` also saves the manuscript dialog at 1280×800 as import-manuscript.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from fineauthor.core.importers.manuscript.pieces import CHAPTERS, SCENES
from fineauthor.core.project.project import Project
from fineauthor.ui.importing.manuscript_dialog import WIZARD_TEMPLATE_KEY, ManuscriptImportDialog
from fineauthor.ui.importing.pieces_model import PiecesModel
from fineauthor.ui.importing.spreadsheet_dialog import CSVImportDialog
from fineauthor.ui.shell.document import ProjectDocument
from tests.paths import FIXTURES

MANUSCRIPTS = FIXTURES / "manuscripts"
TXT = MANUSCRIPTS / "the-lighthouse.txt"
TEMPLATE = "Write {chapter} of The Lighthouse, about 150 words. Beat: {beat}"
SYSTEM = "You are Salt Lantern, a novelist of small islands."


@pytest.fixture
def document(tmp_path: Path) -> Iterator[ProjectDocument]:
    project = Project.create(tmp_path / "novel.fineauthor", title="The Lighthouse")
    project.update_settings(
        target_words=150,
        tolerance_words=30,
        system_prompt=SYSTEM,
        wizard={WIZARD_TEMPLATE_KEY: TEMPLATE},
    )
    doc = ProjectDocument(project)
    yield doc
    doc.close()


def _open(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _ready(qtbot, dialog) -> None:
    qtbot.waitUntil(lambda: dialog.state != "reading")
    assert dialog.state == "ready", getattr(dialog, "problem", "")


def _titles(dialog: ManuscriptImportDialog) -> list[str]:
    model = dialog.model
    return [model.data(model.index(row, PiecesModel.TITLE)) for row in range(model.rowCount())]


def _cell(dialog: ManuscriptImportDialog, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    return dialog.model.data(dialog.model.index(row, column), role)


# Manuscripts ---------------------------------------------------------------------------------


def test_pieces_are_listed_with_their_lengths_against_the_target(qtbot, document) -> None:
    dialog = _open(qtbot, ManuscriptImportDialog(document, TXT))
    _ready(qtbot, dialog)
    assert dialog.level == CHAPTERS
    assert _titles(dialog) == [
        "Before the first heading",
        "CHAPTER ONE: The Lamp",
        "Chapter 2: Salt",
        "Chapter 3",
        "Epilogue",
    ]
    lengths = [_cell(dialog, row, PiecesModel.LENGTH) for row in range(5)]
    assert lengths == [
        "9 of 150 words — 141 short",
        "159 of 150 words — on target",
        "154 of 150 words — on target",
        "120 of 150 words — on target",
        "19 of 150 words — 131 short",
    ]
    assert _cell(dialog, 1, PiecesModel.BEGINS).startswith("Mara climbed the hundred")
    # The title line and the short epilogue start unticked; the chapters are ticked.
    assert [dialog.model.is_kept(row) for row in range(5)] == [False, True, True, True, False]
    assert dialog.headline.text() == (
        "“the-lighthouse.txt”: 5 chapters, 461 words in all; 3 ticked to add."
    )
    assert dialog.add_button.text() == "Add 3 examples"
    assert dialog.add_button.isVisible()


def test_chapters_or_scenes(qtbot, document) -> None:
    dialog = _open(qtbot, ManuscriptImportDialog(document, TXT))
    _ready(qtbot, dialog)
    dialog.scenes_radio.click()
    assert dialog.level == SCENES
    assert len(_titles(dialog)) == 10
    assert _titles(dialog)[1:3] == [
        "CHAPTER ONE: The Lamp, scene 1",
        "CHAPTER ONE: The Lamp, scene 2",
    ]
    assert "10 scenes" in dialog.headline.text()
    dialog.set_level(CHAPTERS)
    assert len(_titles(dialog)) == 5


def test_template_from_the_wizard_and_its_live_preview(qtbot, document) -> None:
    dialog = _open(qtbot, ManuscriptImportDialog(document, TXT))
    _ready(qtbot, dialog)
    assert dialog.template() == TEMPLATE
    preview = dialog.prompt_preview.text()
    assert preview.startswith(
        "First prompt: Write CHAPTER ONE: The Lamp of The Lighthouse, about 150 words. Beat: {beat}"
    )
    assert "Left for you to fill in each example: {beat}" in preview
    dialog.template_edit.setPlainText("Scene {scene} of {chapter}")
    assert (
        dialog.prompt_preview.text() == "First prompt: Scene {scene} of CHAPTER ONE: The Lamp\n"
        "Left for you to fill in each example: {scene}"
    )
    dialog.template_edit.setPlainText("")
    assert dialog.prompt_preview.text().startswith("Prompts start empty")
    # A template handed in wins over the wizard's.
    other = _open(qtbot, ManuscriptImportDialog(document, TXT, template="Go: {title}"))
    _ready(qtbot, other)
    assert other.template() == "Go: {title}"


def test_ticking_merging_and_splitting(qtbot, document) -> None:
    dialog = _open(qtbot, ManuscriptImportDialog(document, TXT))
    _ready(qtbot, dialog)
    model = dialog.model
    # Tick the opening through the model, as a click on its box does.
    assert model.setData(model.index(0, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert dialog.add_button.text() == "Add 4 examples"

    dialog.choose_piece(1)
    assert dialog.merge_button.isEnabled()
    assert dialog.paragraphs.count() == 6  # CHAPTER ONE's paragraphs, its scene break among them
    assert dialog.paragraphs.item(2).text() == "3. * * *   (scene break)"
    dialog.merge_button.click()
    assert _titles(dialog)[1] == "CHAPTER ONE: The Lamp + Chapter 2: Salt"
    assert _cell(dialog, 1, PiecesModel.LENGTH) == "313 of 150 words — 163 over"
    assert len(_titles(dialog)) == 4
    assert dialog.chosen_row() == 1

    # Split the merged piece where Chapter 2 began (its 7th paragraph).
    assert not dialog.split_button.isEnabled()  # no paragraph chosen yet
    dialog.choose_paragraph(6)
    assert dialog.paragraphs.currentItem().text().startswith("7. The man from the board")
    assert dialog.split_button.isEnabled()
    dialog.split_button.click()
    assert _titles(dialog)[1:3] == [
        "CHAPTER ONE: The Lamp + Chapter 2: Salt",
        "CHAPTER ONE: The Lamp + Chapter 2: Salt (continued)",
    ]
    assert [_cell(dialog, row, PiecesModel.LENGTH) for row in (1, 2)] == [
        "159 of 150 words — on target",
        "154 of 150 words — on target",
    ]
    assert dialog.chosen_row() == 2  # the new piece is chosen
    # The last piece has nothing after it to merge with.
    dialog.choose_piece(model.rowCount() - 1)
    assert not dialog.merge_button.isEnabled()

    dialog.untick_all_button.click()
    assert not dialog.add_button.isEnabled()
    assert dialog.prompt_preview.text() == "Tick a piece to see its prompt."
    dialog.tick_all_button.click()
    assert dialog.add_button.text() == "Add 5 examples"


def test_adding_is_one_undo_step(qtbot, document) -> None:
    dialog = _open(qtbot, ManuscriptImportDialog(document, TXT))
    _ready(qtbot, dialog)
    with qtbot.waitSignal(dialog.examplesAdded) as added:
        dialog.add_button.click()
    assert dialog.state == "added"
    assert len(added.args[0]) == 3
    assert document.count() == 3
    examples = [document.example(example_id) for example_id in document.ids()]
    assert [e.source for e in examples] == [
        "Manuscript: the-lighthouse.txt, CHAPTER ONE: The Lamp",
        "Manuscript: the-lighthouse.txt, Chapter 2: Salt",
        "Manuscript: the-lighthouse.txt, Chapter 3",
    ]
    assert examples[1].prompt == (
        "Write Chapter 2: Salt of The Lighthouse, about 150 words. Beat: {beat}"
    )
    assert examples[1].system == SYSTEM
    assert examples[1].response.startswith("The man from the board arrived on the Thursday boat")
    assert examples[2].response.endswith("he would never read it.")
    with Project.open(document.path) as on_disk:
        assert on_disk.example_count() == 3  # saved at once
    document.undo_stack.undo()
    assert document.count() == 0
    document.undo_stack.redo()
    assert document.count() == 3


def test_a_word_file(qtbot, document) -> None:
    dialog = _open(qtbot, ManuscriptImportDialog(document, MANUSCRIPTS / "the-lighthouse.docx"))
    _ready(qtbot, dialog)
    assert _titles(dialog) == ["Chapter One: The Lamp", "Chapter Two", "Kapitel Drei"]
    assert dialog.notes_label.isVisible()
    assert "table" in dialog.notes_label.text()
    dialog.tick_all_button.click()
    dialog.template_edit.setPlainText("")
    dialog.add_button.click()
    first = document.example(document.ids()[0])
    assert first.prompt == ""
    assert "The iron rail was cold" in first.response


def test_a_file_without_scene_breaks_has_nothing_more_by_scene(qtbot, document, tmp_path) -> None:
    path = tmp_path / "plain.md"
    path.write_text("# One\n\nIt was late.\n\n# Two\n\nIt was early.\n", encoding="utf-8")
    dialog = _open(qtbot, ManuscriptImportDialog(document, path))
    _ready(qtbot, dialog)
    assert "No scene breaks" in dialog.scenes_radio.toolTip()
    dialog.scenes_radio.click()
    assert _titles(dialog) == ["One", "Two"]


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("empty.txt", b"", "has no text in it"),
        ("old.docx", b"\xd0\xcf\x11\xe0 not a zip", "older Word file"),
        ("photo.txt", b"\x89PNG\x00\x00", "not a text file"),
    ],
)
def test_unusable_manuscripts(qtbot, document, tmp_path, name, data, says) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    dialog = _open(qtbot, ManuscriptImportDialog(document, path))
    qtbot.waitUntil(lambda: dialog.state != "reading")
    assert dialog.state == "unusable"
    assert says in dialog.problem
    assert "Nothing was added to your project." in dialog.problem_label.text()
    assert not dialog.add_button.isVisible()
    assert dialog.cancel_button.text() == "Close"
    assert document.count() == 0


def test_cancel_adds_nothing(qtbot, document) -> None:
    dialog = _open(qtbot, ManuscriptImportDialog(document, TXT))
    dialog.reject()  # at once, while reading (or just after)
    assert dialog.state in ("cancelled", "ready")
    qtbot.waitUntil(lambda: dialog._task is None)
    assert document.count() == 0
    assert document.undo_stack.count() == 0


# Spreadsheets --------------------------------------------------------------------------------


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "chapters.csv"
    path.write_text(
        "id;beat;chapter text;voice\n"
        '1;The storm comes;"It rained; it poured.\nMara waited.";You are Quill.\n'
        "2;The calm;;\n"
        "3;The letter;Her father burned it.;\n"
        "4;;The spring came.;\n",
        encoding="utf-8-sig",
    )
    return path


def test_csv_columns_preview_and_skipped_rows(qtbot, document, tmp_path) -> None:
    dialog = _open(qtbot, CSVImportDialog(document, _csv(tmp_path)))
    _ready(qtbot, dialog)
    assert dialog.headline.text() == "“chapters.csv”: 4 rows, 4 columns."
    # Guessed from the names: the beat as prompt, the chapter text as response.
    assert dialog.chosen_columns() == (1, 2, None)
    assert (
        dialog.response_combo.currentText() == "chapter text: “It rained; it poured. Mara waited.”"
    )
    assert dialog.prompt_combo.itemText(0) == "(none: leave the prompts empty)"
    assert dialog.count_label.text() == (
        "3 examples are ready to add. Row 3 has no response and will be left out. "
        "1 has no prompt yet: you can write it in the editor."
    )
    assert dialog.preview_label.text().splitlines()[:3] == [
        "First example (row 2):",
        f"System prompt: {SYSTEM}",
        "Prompt: The storm comes",
    ]
    assert "Response (6 of 150 words — 144 short): It rained; it poured." in (
        dialog.preview_label.text()
    )
    dialog.choose_columns(1, 2, 3)
    assert "System prompt: You are Quill." in dialog.preview_label.text()
    dialog.choose_columns(2, 2)  # the same column twice
    assert not dialog.add_button.isEnabled()
    assert "column of its own" in dialog.count_label.text()


def test_csv_adding_is_one_undo_step(qtbot, document, tmp_path) -> None:
    dialog = _open(qtbot, CSVImportDialog(document, _csv(tmp_path)))
    _ready(qtbot, dialog)
    dialog.choose_columns(1, 2, 3)
    assert dialog.add_button.text() == "Add 3 examples"
    with qtbot.waitSignal(dialog.examplesAdded):
        dialog.add_button.click()
    examples = [document.example(example_id) for example_id in document.ids()]
    assert [(e.system, e.prompt, e.response) for e in examples] == [
        ("You are Quill.", "The storm comes", "It rained; it poured.\nMara waited."),
        (SYSTEM, "The letter", "Her father burned it."),
        (SYSTEM, "", "The spring came."),
    ]
    assert examples[0].source == "Spreadsheet: chapters.csv, row 2"
    document.undo_stack.undo()
    assert document.count() == 0


def test_an_unusable_csv(qtbot, document, tmp_path) -> None:
    path = tmp_path / "book.csv"
    path.write_bytes(b"PK\x03\x04 an Excel workbook renamed")
    dialog = _open(qtbot, CSVImportDialog(document, path))
    qtbot.waitUntil(lambda: dialog.state != "reading")
    assert dialog.state == "unusable"
    assert "Save As" in dialog.problem_label.text()
    assert not dialog.add_button.isVisible()


# The main window -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("the-lighthouse.txt", ManuscriptImportDialog),
        ("the-lighthouse.md", ManuscriptImportDialog),
        ("the-lighthouse.docx", ManuscriptImportDialog),
        ("chapters.csv", CSVImportDialog),
    ],
)
def test_the_window_routes_files_by_their_suffix(qtbot, window, tmp_path, name, kind) -> None:
    source = _csv(tmp_path) if name.endswith(".csv") else MANUSCRIPTS / name
    assert window.create_project(tmp_path / "Routing.fineauthor")
    window.import_file(source)
    dialog = window.findChild(kind)
    assert dialog is not None
    _ready(qtbot, dialog)
    dialog.add_button.click()
    qtbot.waitUntil(lambda: window.document.count() > 0)
    window.undo_action.trigger()
    assert window.document.count() == 0


def _italic_word_file(tmp_path: Path) -> Path:
    import docx

    made = docx.Document()
    made.add_heading("Chapter One", level=1)
    line = made.add_paragraph("She had ")
    line.add_run("never").italic = True
    line.add_run(" once seen the ship. " + "The beam swung out over the water. " * 40)
    made.add_heading("Chapter Two", level=1)
    made.add_paragraph("A ")
    made.paragraphs[-1].add_run("bold").bold = True
    made.paragraphs[-1].add_run(" man came on the boat. " + "He stayed for supper. " * 40)
    path = tmp_path / "italic.docx"
    made.save(str(path))
    return path


def test_a_word_files_emphasis_is_kept_unless_the_writer_unticks_it(
    qtbot, document, tmp_path
) -> None:
    dialog = _open(qtbot, ManuscriptImportDialog(document, _italic_word_file(tmp_path)))
    _ready(qtbot, dialog)
    box = dialog.emphasis_check
    assert box.isVisible() and box.isChecked()
    assert box.text() == "Keep italics and bold, written as *italics* and **bold**"
    assert "Untick to bring in the words alone" in box.toolTip()
    assert dialog.model.piece(0).text.startswith("She had *never* once seen the ship.")
    dialog.model.set_kept(1, False)
    box.click()
    assert dialog.model.piece(0).text.startswith("She had never once seen the ship.")
    assert dialog.model.piece(1).text.startswith("A bold man came")
    assert [dialog.model.is_kept(row) for row in range(2)] == [True, False]  # ticks stay
    dialog.template_edit.setPlainText("")
    dialog.add_button.click()
    assert document.example(document.ids()[0]).response.startswith("She had never once")


def test_the_emphasis_choice_is_offered_for_word_files_only(qtbot, document) -> None:
    dialog = _open(qtbot, ManuscriptImportDialog(document, TXT))
    _ready(qtbot, dialog)
    assert not dialog.emphasis_check.isVisible()


# Screenshot (opt-in) -------------------------------------------------------------------------


def test_screenshot(qtbot, document, screenshot_folder: Path) -> None:
    dialog = _open(qtbot, ManuscriptImportDialog(document, TXT))
    _ready(qtbot, dialog)
    dialog.resize(1280, 800)
    dialog.choose_piece(1)
    dialog.choose_paragraph(3)
    qtbot.waitExposed(dialog)
    folder = screenshot_folder
    assert dialog.grab().save(str(folder / "import-manuscript.png"))
