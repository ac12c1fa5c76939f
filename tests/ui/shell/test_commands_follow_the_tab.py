"""The window's example commands on the Choices tab act on what the writer is looking at:
Delete deletes the chosen choice (and says so), Duplicate is not offered, Add Example and Find
turn back to the examples; the check report's switch hides the choices' check too; the choices
are read in the writer's zoom."""

from __future__ import annotations

from pathlib import Path

import pytest

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.dataset.preference_pair import BLIND_CHOICE, PreferencePair
from fineauthor.core.project.project import Project
from fineauthor.ui.shell.main_window import MainWindow


def _pair(n: int) -> PreferencePair:
    return PreferencePair(
        (Message("user", f"Write the scene at the causeway, take {n}. About 40 words."),),
        preferred=f"Odile counted the posts as the water came over them ({n}).",
        other=f"Odile was worried about the water ({n}).",
        preferred_model="ft:hush",
        other_model="base",
        source=BLIND_CHOICE,
    )


@pytest.fixture
def opened(window: MainWindow, tmp_path: Path, qtbot) -> MainWindow:
    path = tmp_path / "causeway.fineauthor"
    with Project.create(path, title="Causeway") as project:
        for n in range(3):
            project.add_example(
                Example((Message("user", f"Scene {n}."), Message("assistant", f"Tide {n}.")))
            )
        for n in range(2):
            project.preferences.add(_pair(n))
    assert window.open_project(path)
    qtbot.waitUntil(lambda: window.view is not None)
    window.view.show_choices()
    return window


def test_delete_on_the_choices_tab_deletes_the_chosen_choice(opened: MainWindow, qtbot):
    view, document = opened.view, opened.document
    assert opened.delete_action.text() == "&Delete Choice"
    assert "choices" in opened.delete_action.toolTip()
    first = view.pairs.current_id()

    opened.delete_action.trigger()

    assert document.pair_count() == 1 and document.count() == 3  # no example touched
    assert first not in [view.pairs.model.id_at(0)]
    with Project.open(document.project.path) as reopened:  # on disk at once
        assert len(reopened.preferences.all()) == 1
    opened.undo_action.trigger()
    assert document.pair_count() == 2

    view.show_examples()
    assert opened.delete_action.text() == "&Delete Example"
    opened.delete_action.trigger()
    assert document.count() == 2 and document.pair_count() == 2


def test_duplicate_is_for_examples_and_add_example_turns_to_them(opened: MainWindow, qtbot):
    view, document = opened.view, opened.document
    assert not opened.duplicate_action.isEnabled()
    opened.duplicate_action.trigger()
    assert document.count() == 3
    before = set(document.ids())

    opened.add_action.trigger()

    assert not view.showing_choices and view.lists.currentWidget() is view.examples
    assert document.count() == 4
    (added,) = set(document.ids()) - before
    assert view.editor.current_id == added  # the new example is the one shown
    assert opened.duplicate_action.isEnabled()


def test_find_turns_to_the_examples(opened: MainWindow, qtbot):
    opened.find_action.trigger()
    assert not opened.view.showing_choices
    qtbot.waitUntil(opened.view.examples.search.hasFocus)


def test_the_report_switch_hides_the_check_of_either_list(opened: MainWindow, qtbot):
    view = opened.view
    assert view.right.isVisible()
    writing = view.middle.width()
    opened.report_action.trigger()  # off
    assert not view.right.isVisible()
    qtbot.waitUntil(lambda: view.middle.width() > writing)  # the writing takes the room
    view.show_examples()
    assert not view.right.isVisible()
    opened.report_action.trigger()  # on again
    qtbot.waitUntil(view.report.isVisible)


def test_the_choices_follow_the_writers_zoom(opened: MainWindow):
    view = opened.view
    before = view.pair_editor.preferred_field.editor.font().pointSizeF()
    opened.zoom_in_action.trigger()
    opened.zoom_in_action.trigger()
    after = view.pair_editor.preferred_field.editor.font().pointSizeF()
    assert after == before + 2 == view.editor.font_size
    opened.zoom_reset_action.trigger()
    assert view.pair_editor.prompt_field.editor.font().pointSizeF() == before
