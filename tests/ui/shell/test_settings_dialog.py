"""The settings dialog saves what the writer chose and shows it again; the help windows open
with their text."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QFontDatabase, QKeySequence
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from fineauthor.core.settings import DEFAULTS, folders, load_settings
from fineauthor.ui.shell.help_windows import show_keyboard_shortcuts, show_what_is_a_fine_tune
from fineauthor.ui.shell.settings_dialog import SettingsDialog


def _dialog(qtbot) -> SettingsDialog:
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _ok(dialog: SettingsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_saves_font_theme_and_folder_and_shows_them_again(qtbot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot)
    current = dialog.font_box.currentFont().family()
    others = [f for f in QFontDatabase.families() if f != current]
    family = sorted(others, key=lambda f: "Mono" not in f)[0]  # any other font will do
    dialog.font_box.setCurrentFont(QFont(family))
    assert dialog.font_box.currentFont().family() == family
    dialog.size_box.setValue(17)
    dialog.theme_box.setCurrentIndex(dialog.theme_box.findData("dark"))
    books = tmp_path / "Books"
    dialog.folder_edit.setText(str(books))
    assert dialog.preview.font().pointSize() == 17

    with qtbot.waitSignal(dialog.settingsApplied) as applied:
        _ok(dialog)
    saved = load_settings()
    assert saved["editor_font_family"] == family
    assert saved["editor_font_size"] == 17
    assert saved["theme"] == "dark"
    assert saved["projects_folder"] == str(books)
    assert applied.args[0] == saved

    again = _dialog(qtbot)
    assert again.font_box.currentFont().family() == family
    assert again.size_box.value() == 17
    assert again.theme_box.currentText() == "Dark"
    assert again.folder_edit.text() == str(books)


def test_defaults_stay_defaults(qtbot) -> None:
    dialog = _dialog(qtbot)
    assert dialog.theme_box.currentText() == "Follow the system"
    assert [dialog.theme_box.itemText(i) for i in range(3)] == [
        "Follow the system",
        "Light",
        "Dark",
    ]
    assert dialog.folder_edit.text() == str(folders().documents)
    assert dialog.size_box.value() == DEFAULTS["editor_font_size"]
    _ok(dialog)
    saved = load_settings()
    # Unchanged choices are stored as "the default", so they follow the system later.
    assert saved["editor_font_family"] == ""
    assert saved["projects_folder"] == ""
    assert saved["theme"] == "system"


def test_cancel_saves_nothing_and_restore_defaults_resets(qtbot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot)
    dialog.size_box.setValue(30)
    dialog.reject()
    assert load_settings()["editor_font_size"] == DEFAULTS["editor_font_size"]

    dialog = _dialog(qtbot)
    dialog.size_box.setValue(30)
    dialog.folder_edit.setText(str(tmp_path))
    dialog.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).click()
    assert dialog.size_box.value() == DEFAULTS["editor_font_size"]
    assert dialog.folder_edit.text() == str(folders().documents)


def test_choose_folder(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = tmp_path / "Novels"
    monkeypatch.setattr(
        QFileDialog, "getExistingDirectory", staticmethod(lambda *args, **kw: str(chosen))
    )
    dialog = _dialog(qtbot)
    dialog.choose_button.click()
    assert dialog.folder_edit.text() == str(chosen)
    _ok(dialog)
    assert load_settings()["projects_folder"] == str(chosen)


# Help ----------------------------------------------------------------------------------------


def test_the_chat_program_on_this_computer_is_found_and_its_address_kept(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fineauthor.providers.local.address import BASE_URL_ENV, local_base_url
    from tests.fakes.chat_server import FakeChatServer

    monkeypatch.delenv(BASE_URL_ENV, raising=False)
    dialog = _dialog(qtbot)
    assert dialog.local_edit.text() == ""  # Ollama's usual address, said in the placeholder
    assert "localhost:11434" in dialog.local_edit.placeholderText()
    with FakeChatServer() as program:
        address = program.base_url
        # Typed as a writer would, without http:// or /v1.
        dialog.local_edit.setText(address.removeprefix("http://").removesuffix("/v1"))
        dialog.find_local_button.click()
        qtbot.waitUntil(lambda: dialog.local_status.text().startswith("Found"), timeout=10000)
    assert dialog.local_status.text() == f"Found your chat program at {address}, with 2 models."
    assert dialog.local_edit.text() == address
    _ok(dialog)
    assert load_settings()["local_base_url"] == address
    assert local_base_url() == address  # what writing prompts now uses

    again = _dialog(qtbot)
    assert again.local_edit.text() == address
    again.find_local_button.click()  # nothing answers there any more
    qtbot.waitUntil(lambda: "No chat program" in again.local_status.text(), timeout=10000)


def test_what_is_a_fine_tune_opens_with_its_text(qtbot) -> None:
    dialog = show_what_is_a_fine_tune(None)
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "What is a fine-tune?"
    text = dialog.text.toPlainText()
    for idea in (
        "does not learn your characters",  # facts stay in the prompt
        "overfitting",  # too much of one pattern
        "she bit her lip",
        "Ten is the minimum",
        "Fifty to a hundred",
        "Nothing leaves your computer until you press Train",
    ):
        assert idea in text
    assert not dialog.isModal()


def test_keyboard_shortcuts_table(qtbot) -> None:
    dialog = show_keyboard_shortcuts(None)
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    table = dialog.table
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    native = QKeySequence.SequenceFormat.NativeText
    for action, keys in (
        ("New project", "Ctrl+N"),
        ("Undo", "Ctrl+Z"),
        ("Redo", "Ctrl+Shift+Z"),
        ("Find", "Ctrl+F"),
        ("Add an example", "Ctrl+Return"),
        ("Delete the example", "Del"),
        ("Zoom in", "Ctrl+="),
        ("Actual size", "Ctrl+0"),
    ):
        assert rows[action] == QKeySequence(keys).toString(native)
    assert any(action.startswith("Save") for action in rows)
