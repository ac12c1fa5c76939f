"""The token viewer: text as token chips with ids, GPT-3.5 for comparison, long texts off the GUI
thread, and the editor's "Show as tokens"."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialog, QToolButton

from fineauthor.core.dataset import tokens
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import Project
from fineauthor.ui.editor.example_editor import ExampleEditor
from fineauthor.ui.shell import workers
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.widgets import token_chips, token_viewer
from fineauthor.ui.widgets.token_split import tokenize
from fineauthor.ui.widgets.token_viewer import SYNC_LIMIT, TokenViewer, show_tokens_dialog

GPT_4O = "gpt-4o-2024-08-06"

ROUND_TRIP_TEXTS = [
    "Liz",
    "  two leading spaces, and trailing  ",
    "Line one\nLine two\n\n\nafter blank lines\r\nwindows\tand a tab",
    "“Typographic” quotes — and an em dash… naïve café",
    "Emoji 🦜🧜‍♀️ and Chinese 鸚鵡 and Greek Ωμέγα",
    "<|endoftext|> is read as plain text",
    "",
]


def _ready(qtbot, viewer: TokenViewer) -> None:
    qtbot.waitUntil(lambda: not viewer.busy, timeout=20_000)


@pytest.fixture
def viewer(qtbot) -> TokenViewer:
    widget = TokenViewer(model_id=GPT_4O)
    qtbot.addWidget(widget)
    widget.resize(640, 360)
    widget.show()
    return widget


def test_liz_is_one_chip_for_gpt4o_and_two_for_gpt35(qtbot, viewer: TokenViewer) -> None:
    viewer.set_text("Liz")
    _ready(qtbot, viewer)
    assert [(c.text, c.token_id) for c in viewer.chips()] == [("Liz", 159136)]
    assert viewer.encoding == "o200k_base"
    assert viewer.summary() == "1 token for GPT-4o · 2 for GPT-3.5"
    assert viewer.combo.currentText() == "GPT-4o"

    viewer.set_comparing(True)
    assert viewer.combo.currentText() == "GPT-3.5 (retired)"
    assert viewer.encoding == "cl100k_base"
    chips = viewer.chips()
    assert len(chips) == 2
    assert "".join(c.text for c in chips) == "Liz"
    assert [c.token_id for c in chips] == tokens.encode("Liz", "cl100k_base")
    assert viewer.summary() == "1 token for GPT-4o · 2 for GPT-3.5"  # the summary gives both


@pytest.mark.parametrize("text", ROUND_TRIP_TEXTS)
@pytest.mark.parametrize("encoding", ["o200k_base", "cl100k_base"])
def test_chip_texts_join_to_the_original_text(text: str, encoding: str) -> None:
    split = tokenize(text, encoding)
    assert "".join(c.text for c in split.chips) == text
    assert [c.token_id for c in split.chips] == tokens.encode(text, encoding)
    assert split.count == len(split.chips)
    for chip in split.chips:
        assert chip.shown  # every chip has something to show, even a piece of a character


def test_a_character_over_several_tokens_is_marked_on_each_piece() -> None:
    split = tokenize("🦜", "cl100k_base")
    assert len(split.chips) > 1
    assert all(c.partial and c.shown == "🦜" for c in split.chips)
    assert "".join(c.text for c in split.chips) == "🦜"


def test_the_widget_shows_chips_that_join_to_the_text(qtbot, viewer: TokenViewer) -> None:
    for text in ROUND_TRIP_TEXTS:
        viewer.set_text(text)
        _ready(qtbot, viewer)
        for comparing in (False, True):
            viewer.set_comparing(comparing)
            assert "".join(c.text for c in viewer.chips()) == text


def test_long_texts_are_split_off_the_gui_thread(
    qtbot, viewer: TokenViewer, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer.set_text("Warm up.")
    _ready(qtbot, viewer)  # both tokenizers are loaded now
    threads: list[bool] = []
    original = token_viewer._both

    def watched(text: str, encoding: str):
        threads.append(threading.current_thread() is threading.main_thread())
        return original(text, encoding)

    monkeypatch.setattr(token_viewer, "_both", watched)

    viewer.set_text("A short line stays on the GUI thread.")
    assert not viewer.busy and viewer.chips()  # at once, no waiting
    assert threads == [True]

    long_text = "The tide came in over the causeway. " * 100
    assert len(long_text) >= SYNC_LIMIT
    with qtbot.waitSignal(viewer.updated, timeout=20_000):
        viewer.set_text(long_text)
        assert viewer.busy
        assert viewer.chips() == ()
        assert viewer.summary() == "Splitting into tokens…"
    assert threads == [True, False]
    assert viewer.counts() == (
        tokens.count_text(long_text, "o200k_base"),
        tokens.count_text(long_text, "cl100k_base"),
    )
    assert "".join(c.text for c in viewer.chips()) == long_text


def test_a_stale_result_is_dropped(qtbot, viewer: TokenViewer) -> None:
    first = "Old text that was replaced. " * 100
    second = "New text the writer wants. " * 100
    viewer.set_text(first)
    viewer.set_text(second)
    # Both results have arrived (the older one possibly last) once no task is running.
    qtbot.waitUntil(lambda: not workers._running and not viewer.busy, timeout=20_000)
    assert "".join(c.text for c in viewer.chips()) == second


def test_very_long_texts_show_their_start(
    qtbot, viewer: TokenViewer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(token_viewer, "MAX_CHIPS", 50)
    text = " ".join(["word"] * 400)
    viewer.set_text(text)
    _ready(qtbot, viewer)
    assert len(viewer.chips()) == 50
    assert viewer.counts() == (400, 400)
    assert viewer.note_label.isVisible()
    assert viewer.note_label.text() == "Showing the first 50 of 400 tokens."


def test_model_labels_and_estimates(qtbot, viewer: TokenViewer) -> None:
    viewer.set_text("Liz")
    _ready(qtbot, viewer)
    viewer.set_model("ft:gpt-4.1-mini-2025-04-14:org:outline:abc")
    _ready(qtbot, viewer)
    assert viewer.summary() == "1 token for GPT-4.1 mini · 2 for GPT-3.5"
    # A model the catalog counts with a stand-in encoding says "about".
    viewer.set_text("Brinewake Vesper")
    viewer.set_model("meta-llama/Meta-Llama-3.1-8B-Instruct-Reference")
    _ready(qtbot, viewer)
    assert viewer.model_encoding == "cl100k_base"
    assert viewer.summary().startswith("about ")
    assert "Llama 3.1 8B Instruct" in viewer.summary()
    # No model or an unknown one: the model FineAuthor counts with by default.
    viewer.set_model("")
    _ready(qtbot, viewer)
    assert viewer.combo.itemText(viewer.MODEL) == "GPT-4.1 mini"


def test_empty_text_and_explanations(qtbot, viewer: TokenViewer) -> None:
    viewer.set_text("")
    assert viewer.chips() == ()
    assert viewer.summary() == "Type or choose some text to see its tokens."
    assert viewer.chips_view.toolTip().count(".") == 1  # one plain sentence
    assert "token" in viewer.chips_view.toolTip()
    assert viewer.combo.toolTip()
    viewer.set_text("Liz")
    _ready(qtbot, viewer)
    assert viewer.accessibleDescription() == viewer.summary()
    description = viewer.chips_view.accessibleDescription()
    assert description.startswith(viewer.summary())
    assert "“Liz” is token number 159136." in description


def test_chips_wrap_and_a_line_break_starts_a_new_row(qtbot, viewer: TokenViewer) -> None:
    viewer.set_text("one two three four five six seven eight nine ten " * 6 + "\nnext")
    _ready(qtbot, viewer)
    chips_view = viewer.chips_view
    rects = chips_view.placed_rects()
    assert all(r.right() <= chips_view.width() for r in rects)
    rows = sorted({round(r.top()) for r in rects})
    assert len(rows) >= 3  # wrapped
    assert round(rects[-1].left()) == round(rects[0].left())  # "next" starts a row
    assert chips_view.height() >= rects[-1].bottom()
    # Hovering a chip names it.
    centre = rects[0].center()
    chip = chips_view.chip_at(centre.x(), centre.y())
    assert chip is not None and chips_view.describe_chip(chip) == (
        f"“one” is token number {chip.token_id}."
    )
    assert not viewer.grab().isNull()  # paints without trouble


def test_spaces_and_line_breaks_are_shown_faintly() -> None:
    assert token_chips._runs(" said.\n") == (("·", True), ("said.", False), ("↵", True))


def test_show_tokens_dialog(qtbot) -> None:
    dialog = show_tokens_dialog(None, "Liz", GPT_4O)
    qtbot.addWidget(dialog)
    viewer = dialog.findChild(TokenViewer)
    assert dialog.isVisible() and viewer is not None
    _ready(qtbot, viewer)
    assert viewer.text == "Liz"
    assert [c.token_id for c in viewer.chips()] == [159136]
    assert dialog.windowTitle() == "Your text as tokens"


def test_the_editor_shows_the_selection_or_the_whole_field_as_tokens(qtbot, tmp_path: Path) -> None:
    project = Project.create(tmp_path / "Tokens.fineauthor", title="Tokens")
    project.update_settings(base_model=GPT_4O)
    example = project.add_example(
        Example((Message("user", "Write about Liz."), Message("assistant", "Liz ran.")))
    )
    document = ProjectDocument(project)
    editor = ExampleEditor(document)
    qtbot.addWidget(editor)
    editor.resize(1280, 800)
    editor.show()
    editor.show_example(example.id)
    try:
        field = editor.response_field
        button = field.findChild(QToolButton, "showTokens")
        assert button is not None and button.isVisible()
        assert button.accessibleName() == f"Show {field.editor.accessibleName()} as tokens"

        button.click()
        dialog = editor.findChild(QDialog)
        assert dialog is not None
        viewer = dialog.findChild(TokenViewer)
        assert viewer.text == "Liz ran."
        dialog.close()

        cursor = field.editor.textCursor()
        cursor.setPosition(0)
        cursor.setPosition(3, QTextCursor.MoveMode.KeepAnchor)
        field.editor.setTextCursor(cursor)
        button.click()
        _ready(qtbot, viewer := editor.findChildren(QDialog)[-1].findChild(TokenViewer))
        assert viewer.text == "Liz"
        assert [c.token_id for c in viewer.chips()] == [159136]
    finally:
        document.close()
