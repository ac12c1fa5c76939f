"""The side-by-side example editor: real widgets, drawn off screen, over a real project file.

Every test edits through a ProjectDocument and checks what reached the disk by opening the file
a second time, as another program would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QTextCursor, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from fineauthor.core.dataset import tokens
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import Project
from fineauthor.ui.editor.example_editor import ExampleEditor
from fineauthor.ui.editor.message_field import MessageField
from fineauthor.ui.editor.system_prompt_panel import MISSING, OWN, SAME
from fineauthor.ui.editor.token_count import TokenCounter, encoding_for
from fineauthor.ui.editor.turn_rows import plan_layout
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.widgets.length import length_verdict

SYSTEM = "You are Outline Mageddon, a novelist of tense, close scenes."
PROMPT = "Write the scene where Mara finds the letter under the floorboards."
RESPONSE = (
    "The board lifts more easily than it should. Mara kneels on the cold floor with the lamp "
    "beside her knee.\n\nUnderneath, in the dust, lies an envelope. Her name on the front in "
    "Tomas's hand."
)


class Setup:
    """A project on disk, its document and an editor showing its one example."""

    def __init__(self, path: Path, document: ProjectDocument, editor: ExampleEditor, eid: int):
        self.path = path
        self.document = document
        self.editor = editor
        self.id = eid

    def stored(self) -> Example:
        """The example as a second, independent opening of the file sees it."""
        with Project.open(self.path) as again:
            return again.example(self.id)


def _open(
    qtbot,
    tmp_path: Path,
    messages: tuple[Message, ...] | None = None,
    *,
    system: str = SYSTEM,
    target: int | None = None,
    tolerance: int | None = None,
) -> Setup:
    path = tmp_path / "Lighthouse.fineauthor"
    project = Project.create(path, title="The Lighthouse")
    project.update_settings(system_prompt=system, target_words=target, tolerance_words=tolerance)
    if messages is None:
        messages = (
            Message("system", SYSTEM),
            Message("user", PROMPT),
            Message("assistant", RESPONSE),
        )
    example = project.add_example(Example(messages))
    assert example.id is not None
    document = ProjectDocument(project)
    editor = ExampleEditor(document)
    qtbot.addWidget(editor)
    editor.resize(1280, 800)
    editor.show()
    editor.show_example(example.id)
    return Setup(path, document, editor, example.id)


@pytest.fixture
def setup(qtbot, tmp_path: Path) -> Iterator[Setup]:
    opened = _open(qtbot, tmp_path)
    yield opened
    opened.document.close()


def _type_at_end(field: MessageField, text: str) -> None:
    field.editor.moveCursor(QTextCursor.MoveOperation.End)
    QTest.keyClicks(field.editor, text)


# -- showing ---------------------------------------------------------------------------------


def test_shows_the_example_side_by_side(setup: Setup) -> None:
    editor = setup.editor
    assert editor.current_id == setup.id
    assert editor.prompt_field.text() == PROMPT
    assert editor.response_field.text() == RESPONSE
    assert editor.system_field.text() == SYSTEM
    assert editor.system_panel.state == SAME
    assert not editor.system_field.isVisible()
    assert editor.system_panel.status.text() == "Uses the project’s system prompt"
    assert editor.system_panel.action.text() == "Give this example its own…"
    # prompt on the left, the wider response on the right
    left = editor.prompt_field.mapTo(editor, QPoint(0, 0)).x()
    right = editor.response_field.mapTo(editor, QPoint(0, 0)).x()
    assert left < right
    assert editor.response_field.width() > editor.prompt_field.width()
    assert editor.prompt_field.editor.accessibleName() == "Your prompt"
    assert editor.response_field.editor.accessibleName() == "Ideal response"
    assert "standing instructions" in editor.system_panel.status.toolTip()
    assert editor.weight_box(editor.response_field).isChecked()


def test_the_empty_state_and_a_removed_example(setup: Setup) -> None:
    editor = setup.editor
    editor.show_example(None)
    assert editor.current_id is None
    assert editor._empty.isVisible()
    assert editor._empty.text() == "Choose an example on the left, or add one."
    assert not editor.response_field.isVisible()

    editor.show_example(setup.id)
    assert editor.response_field.isVisible()
    setup.document.delete([setup.id])  # deleted elsewhere (the list): the editor lets go
    assert editor.current_id is None
    assert editor._empty.isVisible()
    editor.show_example(123456)  # an id the project does not have
    assert editor.current_id is None


# -- typing, undo and redo -------------------------------------------------------------------


def test_typing_in_the_response_is_on_disk_at_once(setup: Setup) -> None:
    _type_at_end(setup.editor.response_field, " She runs.")
    assert setup.stored().response == RESPONSE + " She runs."
    assert setup.document.example(setup.id).response == RESPONSE + " She runs."
    # the bursts of typing are one undo step, and the edit was not echoed back as another
    assert setup.document.undo_stack.count() == 1


def test_undo_and_redo_restore_the_field_and_the_file(setup: Setup) -> None:
    editor = setup.editor
    field = editor.response_field
    _type_at_end(field, " Later")
    stack = setup.document.undo_stack
    stack.undo()
    assert field.text() == RESPONSE
    assert setup.stored().response == RESPONSE
    assert stack.canRedo()  # showing the undone text did not push a new edit
    stack.redo()
    assert field.text() == RESPONSE + " Later"
    assert setup.stored().response == RESPONSE + " Later"
    # Ctrl+Z and Ctrl+Shift+Z typed in the field reach the project's undo stack
    QTest.keyClick(field.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert field.text() == RESPONSE
    assert setup.stored().response == RESPONSE
    QTest.keyClick(
        field.editor,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert field.text() == RESPONSE + " Later"


def test_an_undo_elsewhere_keeps_the_cursor_where_the_writer_is(setup: Setup) -> None:
    field = setup.editor.response_field
    _type_at_end(field, " Later")
    cursor = field.editor.textCursor()
    cursor.setPosition(10)
    field.editor.setTextCursor(cursor)
    setup.document.undo_stack.undo()  # takes back text after the cursor
    assert field.text() == RESPONSE
    assert field.editor.textCursor().position() == 10
    setup.document.undo_stack.redo()
    assert field.editor.textCursor().position() == 10


def test_an_undo_where_the_cursor_is_leaves_it_after_the_change(setup: Setup) -> None:
    field = setup.editor.prompt_field
    _type_at_end(field, " Tonight.")
    setup.document.undo_stack.undo()
    assert field.text() == PROMPT
    assert field.editor.textCursor().position() == len(PROMPT)


def test_special_characters_survive_the_round_trip(qtbot, tmp_path: Path) -> None:
    text = "Il dit\u00a0: « non ».\nLine two 🌊 end"
    opened = _open(qtbot, tmp_path, (Message("user", "p"), Message("assistant", text)))
    try:
        field = opened.editor.response_field
        assert field.text() == text
        _type_at_end(field, "!")
        assert opened.stored().response == text + "!"  # the no-break space is kept
        opened.document.undo_stack.undo()
        assert field.text() == text
        assert field.editor.document().toRawText().replace("\u2029", "\n") == text
    finally:
        opened.document.close()


# -- counts and length -------------------------------------------------------------------------


def test_word_counts_update_at_once_and_token_counts_arrive(setup: Setup, qtbot) -> None:
    field = setup.editor.response_field
    encoding = encoding_for(setup.document.settings.base_model)
    qtbot.waitUntil(lambda: field.tokens is not None, timeout=30_000)
    assert field.tokens == tokens.count_text(RESPONSE, encoding)
    words = len(RESPONSE.split())
    assert field.counts.text().startswith(f"{words} words · ")

    _type_at_end(field, " Then two more")
    assert field.words == words + 3  # no waiting for words
    assert field.counts.text().startswith(f"{words + 3} words · ")
    expected = tokens.count_text(RESPONSE + " Then two more", encoding)
    qtbot.waitUntil(lambda: field.tokens == expected, timeout=30_000)
    assert field.counts.text() == f"{words + 3} words · {expected} tokens"
    assert "word pieces" in field.counts.toolTip()
    prompt = setup.editor.prompt_field
    qtbot.waitUntil(lambda: prompt.tokens == tokens.count_text(PROMPT, encoding), timeout=30_000)


def test_stale_token_counts_are_discarded(qtbot) -> None:
    counter = TokenCounter("o200k_base", delay_ms=0)
    seen: list[int] = []
    counter.counted.connect(seen.append)
    for n in range(1, 30):
        counter.set_text("word " * n)
    final = tokens.count_text("word " * 29, "o200k_base")
    qtbot.waitUntil(lambda: counter.count == final, timeout=30_000)
    assert seen[-1] == final
    counter.set_text("one two")
    assert counter.count is None  # the old count is not passed off as the new text's
    assert counter.last_count == final


def test_the_length_verdict_for_a_target(qtbot, tmp_path: Path) -> None:
    opened = _open(qtbot, tmp_path, target=50, tolerance=5)
    try:
        field = opened.editor.response_field
        bar = field.length_bar
        assert bar is not None and bar.isVisible()
        words = len(RESPONSE.split())
        assert words == 35
        assert bar.verdict == length_verdict(words, 50, 5)
        assert bar.verdict == "35 of 50 words — 15 short"
        assert bar.status == "short"
        assert bar.accessibleDescription() == bar.verdict
        _type_at_end(field, " one two three four five six seven eight")
        assert bar.verdict == "43 of 50 words — 7 short"
        opened.document.update_settings(target_words=30)
        assert bar.verdict == "43 of 30 words — 13 over"
        assert bar.status == "long"
        opened.document.update_settings(target_words=40)
        assert bar.verdict == "43 of 40 words — on target"
        assert bar.status == "on"
        assert "give or take 5" in bar.toolTip()
        opened.document.update_settings(target_words=None)
        assert not bar.isVisible()
    finally:
        opened.document.close()


# -- the system prompt -----------------------------------------------------------------------


def test_giving_an_example_its_own_system_prompt_and_going_back(setup: Setup) -> None:
    editor, panel = setup.editor, setup.editor.system_panel
    panel.action.click()  # "Give this example its own…"
    assert editor.system_field.isVisible()
    assert panel.action.text() == "Use the project’s again"
    _type_at_end(editor.system_field, " Write in letters.")
    assert panel.state == OWN
    assert panel.status.text() == "This example has its own system prompt"
    assert setup.stored().system == SYSTEM + " Write in letters."

    panel.action.click()  # "Use the project’s again"
    assert panel.state == SAME
    assert not editor.system_field.isVisible()
    assert setup.stored().system == SYSTEM
    setup.document.undo_stack.undo()  # the example's own prompt comes back, marked
    assert panel.state == OWN
    assert editor.system_field.isVisible()
    assert editor.system_field.text() == SYSTEM + " Write in letters."


def test_an_example_with_its_own_system_prompt_is_marked(qtbot, tmp_path: Path) -> None:
    messages = (
        Message("system", "Write as a letter."),
        Message("user", PROMPT),
        Message("assistant", RESPONSE),
    )
    opened = _open(qtbot, tmp_path, messages)
    try:
        editor = opened.editor
        assert editor.system_panel.state == OWN
        assert editor.system_field.isVisible()
        assert editor.system_field.text() == "Write as a letter."
        # the project's prompt changing to match makes it the same again
        opened.document.update_settings(system_prompt="Write as a letter.")
        assert editor.system_panel.state == SAME
    finally:
        opened.document.close()


def test_a_missing_system_prompt_can_be_added(qtbot, tmp_path: Path) -> None:
    messages = (Message("user", PROMPT), Message("assistant", RESPONSE))
    opened = _open(qtbot, tmp_path, messages)
    try:
        editor, panel = opened.editor, opened.editor.system_panel
        assert panel.state == MISSING
        assert panel.status.text() == "No system prompt"
        assert panel.action.text() == "Add the project’s"
        assert not editor.system_field.isVisible()
        panel.action.click()
        assert panel.state == SAME
        assert opened.stored().system == SYSTEM
        # the messages moved along by one, and typing still reaches the right one
        _type_at_end(editor.response_field, " End.")
        assert opened.stored().response == RESPONSE + " End."
        assert opened.stored().prompt == PROMPT
    finally:
        opened.document.close()


def test_without_a_project_prompt_the_writer_can_write_one(qtbot, tmp_path: Path) -> None:
    messages = (Message("user", PROMPT), Message("assistant", RESPONSE))
    opened = _open(qtbot, tmp_path, messages, system="")
    try:
        editor, panel = opened.editor, opened.editor.system_panel
        assert panel.action.text() == "Write one for this example…"
        panel.action.click()
        assert editor.system_field.isVisible()
        _type_at_end(editor.system_field, "Be brief.")
        assert opened.stored().system == "Be brief."
        assert panel.action.text() == "Remove it"
        panel.action.click()
        assert opened.stored().system is None
        assert panel.state == MISSING
    finally:
        opened.document.close()


# -- turns and weights -------------------------------------------------------------------------


def test_adding_and_removing_a_follow_up(setup: Setup) -> None:
    editor = setup.editor
    editor.add_follow_up_button.click()
    rows = editor.follow_up_rows()
    assert len(rows) == 1
    row = rows[0]
    assert row.left is not None and row.right is not None
    assert row.left.editor.hasFocus() or QApplication.focusWidget() is None  # offscreen focus
    assert editor.length_field is row.right  # the last answer is measured
    QTest.keyClicks(row.left.editor, "Make it longer.")
    QTest.keyClicks(row.right.editor, "She reads the letter.")
    stored = setup.stored()
    assert [m.role for m in stored.messages] == ["system", "user", "assistant", "user", "assistant"]
    assert stored.messages[3].content == "Make it longer."
    assert stored.messages[4].content == "She reads the letter."
    assert editor.weight_box(row.right) is not None

    assert row.remove_button is not None
    row.remove_button.click()
    assert editor.follow_up_rows() == []
    assert len(setup.stored().messages) == 3
    assert editor.length_field is editor.response_field
    setup.document.undo_stack.undo()  # the follow-up comes back with its text
    rows = editor.follow_up_rows()
    assert len(rows) == 1
    assert rows[0].right is not None and rows[0].right.text() == "She reads the letter."


def test_the_weight_switch_writes_zero_and_one(setup: Setup) -> None:
    editor = setup.editor
    box = editor.weight_box(editor.response_field)
    assert box is not None
    assert "not learn" in box.toolTip()
    box.click()
    assert setup.stored().messages[2].weight == 0
    box.click()
    assert setup.stored().messages[2].weight == 1
    setup.document.undo_stack.undo()
    assert not box.isChecked()
    assert setup.stored().messages[2].weight == 0


def test_a_weaker_first_answer_shows_unticked(qtbot, tmp_path: Path) -> None:
    messages = (
        Message("user", PROMPT),
        Message("assistant", "A thin first try.", weight=0),
        Message("user", "Make it longer."),
        Message("assistant", RESPONSE),
    )
    opened = _open(qtbot, tmp_path, messages)
    try:
        editor = opened.editor
        assert not editor.weight_box(editor.response_field).isChecked()
        (row,) = editor.follow_up_rows()
        assert row.right is not None
        assert editor.weight_box(row.right).isChecked()
        assert row.right.text() == RESPONSE
    finally:
        opened.document.close()


def test_unusual_shapes_get_a_row_each() -> None:
    plan = plan_layout(
        (
            Message("system", "s"),
            Message("user", "a"),
            Message("user", "b"),
            Message("assistant", "c"),
            Message("assistant", "d"),
        )
    )
    assert plan.system == 0
    assert plan.rows == ((1, None), (2, 3), (None, 4))
    assert plan_layout(()).rows == ((None, None),)


# -- highlight, zoom and fonts -----------------------------------------------------------------


def test_highlight_selects_the_quote(setup: Setup) -> None:
    editor = setup.editor
    assert editor.highlight("HER NAME on the front")
    cursor = editor.response_field.editor.textCursor()
    assert cursor.selectedText() == "Her name on the front"
    assert editor.highlight("the   LETTER", message_index=1)  # the prompt, any spacing
    assert editor.prompt_field.editor.textCursor().selectedText() == "the letter"
    assert not editor.highlight("she bit her lip")
    assert editor.highlight("Mageddon", message_index=0)  # opens the system prompt to show it
    assert editor.system_field.isVisible()


def test_zoom_and_the_chosen_font(setup: Setup) -> None:
    editor = setup.editor
    base = editor.font_size
    editor.zoom_in()
    editor.zoom_in()
    assert editor.font_size == base + 2
    assert editor.response_field.editor.font().pointSizeF() == base + 2
    editor.zoom_out()
    assert editor.prompt_field.editor.font().pointSizeF() == base + 1
    editor.zoom_reset()
    assert editor.font_size == base
    wheel = QWheelEvent(
        QPointF(10, 10),
        QPointF(10, 10),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(editor.response_field.editor.viewport(), wheel)
    assert editor.font_size == base + 1
    editor.set_editor_font("DejaVu Sans", 16)
    font = editor.response_field.editor.font()
    assert font.families()[0] == "DejaVu Sans"
    assert font.pointSizeF() == 16


def test_a_reset_shows_what_the_document_now_holds(setup: Setup, qtbot) -> None:
    field = setup.editor.response_field
    # as after a failed write: the document reloads from disk and tells every view
    setup.document.project.set_message_content(setup.id, 2, "Rewritten elsewhere.")
    setup.document._load()
    setup.document.reset.emit()
    qtbot.waitUntil(lambda: field.text() == "Rewritten elsewhere.")
    assert setup.document.undo_stack.count() == 0  # shown, not echoed back as an edit

    setup.document.project.delete_examples([setup.id])
    setup.document._load()
    setup.document.reset.emit()
    qtbot.waitUntil(lambda: setup.editor.current_id is None)
