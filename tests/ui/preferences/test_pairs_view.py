"""The writer's choices (preference pairs) beside the examples: listed with where they came
from, edited in place of an example with the same undo and autosave, swapped, deleted and
brought back; the list model tested without a view."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from fineauthor.core.dataset.example import Message
from fineauthor.core.dataset.preference_pair import BLIND_CHOICE, IMPORTED, PreferencePair
from fineauthor.core.project.project import Project
from fineauthor.ui.preferences.pair_list_model import (
    OTHER,
    PREFERRED,
    PROMPT,
    SOURCE,
    PairListModel,
)
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.shell.project_view import ProjectView

PROMPT_TEXT = "Write the scene where Mara finds the shoe on the beach. About 120 words."
BETTER = "She stood a long time over the shoe. Then she put it in her coat pocket."
WORSE = "Mara was very sad when she found the shoe, which made her feel sad."


def _pair(n: int, source: str = BLIND_CHOICE) -> PreferencePair:
    return PreferencePair(
        (
            Message("system", "You write quiet island gothic."),
            Message("user", f"{PROMPT_TEXT} {n}"),
        ),
        preferred=f"{BETTER} ({n})",
        other=f"{WORSE} ({n})",
        preferred_model="ft:hush",
        other_model="gpt-4.1-mini",
        source=source,
    )


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "choices.fineauthor"
    with Project.create(path, title="Choices") as project:
        project.update_settings(target_words=20, tolerance_words=10)
        project.preferences.add(_pair(1))
        project.preferences.add(_pair(2, IMPORTED))
    return path


@pytest.fixture
def document(path: Path) -> Iterator[ProjectDocument]:
    doc = ProjectDocument(Project.open(path))
    yield doc
    doc.close()


@pytest.fixture
def view(qtbot, document: ProjectDocument) -> Iterator[ProjectView]:
    shown = ProjectView(document)
    qtbot.addWidget(shown)
    shown.resize(1280, 760)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.shutdown()


def _stored(path: Path) -> list[PreferencePair]:
    with Project.open(path) as reopened:
        return reopened.preferences.all()


def test_the_list_model_shows_each_pair_without_a_view(document: ProjectDocument) -> None:
    model = PairListModel(document)
    assert model.rowCount() == 2
    first = [model.index(0, column).data() for column in (PROMPT, PREFERRED, OTHER, SOURCE)]
    assert first[0].startswith("Write the scene where Mara finds the shoe")
    assert first[0].endswith("…")  # a preview, the whole prompt is in the tooltip
    assert first[1].startswith("She stood a long time")
    assert first[3] == "Blind choice"
    assert model.index(1, SOURCE).data() == "Imported"
    tooltip = model.index(0, PREFERRED).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("Written by ft:hush")
    assert model.headerData(PREFERRED, Qt.Orientation.Horizontal) == "You preferred"


def test_choices_beside_the_examples_edited_swapped_deleted_with_undo(
    qtbot, view: ProjectView, document: ProjectDocument, path: Path, screenshot_folder: Path
) -> None:
    assert view.lists.tabText(1) == "Choices (2)"
    view.show_choices()
    assert view.middle.currentWidget() is view.pair_editor
    editor = view.pair_editor
    first = document.pairs()[0].id
    assert editor.current_id == first
    assert editor.preferred_field.text() == f"{BETTER} (1)"
    assert editor.other_field.text() == f"{WORSE} (1)"
    assert "The reply you preferred came from ft:hush; the other from gpt-4.1-mini." in (
        editor.where.text()
    )
    view.grab().save(str(screenshot_folder / "choices-editing.png"))

    # Typing is saved at once, and undone as one burst.
    editor.preferred_field.editor.setFocus()
    editor.preferred_field.editor.moveCursor(
        editor.preferred_field.editor.textCursor().MoveOperation.End
    )
    qtbot.keyClicks(editor.preferred_field.editor, " The tide turned.")
    assert _stored(path)[0].preferred == f"{BETTER} (1) The tide turned."
    document.undo_stack.undo()
    assert _stored(path)[0].preferred == f"{BETTER} (1)"
    assert editor.preferred_field.text() == f"{BETTER} (1)"

    # Swap: the reply passed over becomes the preferred one, models too.
    qtbot.mouseClick(editor.swap_button, Qt.MouseButton.LeftButton)
    swapped = _stored(path)[0]
    assert (swapped.preferred, swapped.preferred_model) == (f"{WORSE} (1)", "gpt-4.1-mini")
    assert editor.preferred_field.text() == f"{WORSE} (1)"
    document.undo_stack.undo()
    assert _stored(path)[0].preferred_model == "ft:hush"

    # Delete, then Undo brings it back under the same id, in its place.
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    assert [p.id for p in _stored(path)] == [document.pairs()[0].id]
    assert view.lists.tabText(1) == "Choices (1)"
    document.undo_stack.undo()
    assert _stored(path)[0].id == first
    assert view.lists.tabText(1) == "Choices (2)"

    # Back to the examples: the example editor returns in the middle.
    view.lists.setCurrentWidget(view.examples)
    assert view.middle.currentWidget() is view.editor


def test_with_no_choices_the_tab_says_what_they_are_for(qtbot, tmp_path: Path) -> None:
    empty = ProjectDocument(Project.create(tmp_path / "empty.fineauthor"))
    shown = ProjectView(empty)
    qtbot.addWidget(shown)
    assert shown.lists.tabText(1) == "Choices (0)"
    assert "No choices yet" in shown.pairs.about.text()
    assert not shown.pairs.delete_button.isEnabled()
    shown.shutdown()
    empty.close()


def test_the_choices_are_checked_beside_them_and_a_finding_opens_its_choice(
    qtbot, view: ProjectView, document: ProjectDocument, screenshot_folder: Path
) -> None:
    report = view.pair_report
    view.show_choices()
    assert view.right.currentWidget() is report  # the examples' report gives way
    qtbot.waitUntil(lambda: report.report is not None, timeout=10000)
    assert report.headline.text() == "Your 2 choices are ready to train (1 suggestion)"
    assert report.findings.count() == 1  # two choices are few: advice, not a problem
    assert report.findings.item(0).text().startswith("2 choices so far.")
    assert report.choices_value.text() == "2"
    assert report.cost_label.text().startswith("Estimated cost: ")
    assert "at its price for training on choices" in report.cost_label.text()

    # The writer makes the second choice's replies the same: the check says so at once.
    second = document.pairs()[1]
    with qtbot.waitSignal(report.checked, timeout=10000):
        document.set_pair_text(second.id, "other", second.preferred)
    assert report.headline.text() == "1 problem to fix before training on your choices"
    finding = report.findings.item(0)
    assert finding.text().startswith("Choice 2: the two replies are the same")
    view.pairs.select_pair(document.pairs()[0].id)
    report.findings.itemClicked.emit(finding)
    assert view.pairs.current_id() == second.id
    assert view.pair_editor.isVisible()
    view.grab().save(str(screenshot_folder / "choices-checked.png"))

    view.lists.setCurrentIndex(0)  # back to the examples
    assert view.right.currentWidget() is view.report


def test_no_choices_yet_is_no_problem(qtbot, tmp_path: Path) -> None:
    with Project.create(tmp_path / "new.fineauthor") as project:
        document = ProjectDocument(project)
        shown = ProjectView(document)
        qtbot.addWidget(shown)
        shown.show()
        shown.show_choices()
        report = shown.pair_report
        qtbot.waitUntil(lambda: report.report is not None, timeout=10000)
        assert report.headline.text() == "No choices to check yet"
        assert report.findings.isHidden()  # not a red "needs at least 1 choice"
        assert shown.lists.tabText(1) == "Choices (0)"
        shown.shutdown()
        document.close()


def test_the_choices_tab_by_keyboard_alone(view: ProjectView) -> None:
    from tests.ui.screen_checks import name_of, names, tab_walk

    view.show_choices()
    stops = tab_walk(view.pairs.view)
    spoken = names(stops)
    # The list, then the choice from the top down, then its check, then the tabs: each named.
    assert spoken[:7] == [
        "Your choices",
        "Delete",
        "The prompt",
        "The reply you preferred",
        "The reply you passed over",
        "Swap: the Other One Is Better",
        "Delete This Choice",
    ]
    assert view.lists.tabBar() in stops
    assert all(name_of(stop) for stop in stops), spoken
