"""Settings → Accounts: a row per service, adding (pasting), replacing and removing a key in the
real system keychain, a key from the environment, no keychain (this session only), Fireworks'
account id beside its key, and "Test" against the fake OpenAI, Together and Fireworks servers
in a worker thread.

The keychain tests use the Secret Service that ``python3 bootstrap.py test`` starts (the real
"FineAuthor" entries of a throwaway keyring); on a desktop keychain they use a private service
name, and with no Secret Service they are skipped, saying why.
"""

from __future__ import annotations

import os
import secrets
import string
from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QMessageBox, QPushButton

from fineauthor.core.catalog import load_catalog
from fineauthor.core.settings import load_settings
from fineauthor.providers import keys
from fineauthor.providers.registry import fireworks_account_id
from fineauthor.ui.shell.settings_dialog import SettingsDialog
from fineauthor.ui.training.accounts_page import KEY_PAGES, AccountsPage, ProviderAccount
from tests.fakes.fireworks_server import FakeFireworksServer
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.together_server import FakeTogetherServer

THROWAWAY_KEYRING_MARK = "fineauthor-keyring-"
KEY_VARIABLES = ("OPENAI_API_KEY", "TOGETHER_API_KEY", "FIREWORKS_API_KEY")


def fake_key(prefix: str = "sk-test-") -> str:
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(40))


@pytest.fixture(autouse=True)
def clean_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    backend = keyring.get_keyring()
    for variable in KEY_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    keys.forget_session_keys()
    yield
    keys.forget_session_keys()
    keyring.set_keyring(backend)


@pytest.fixture
def keychain(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The real Secret Service, without FineAuthor entries around the test."""
    throwaway = THROWAWAY_KEYRING_MARK in os.environ.get("XDG_DATA_HOME", "")
    usable, description = keys.keychain_status()
    if not usable or "Secret Service" not in description:
        if throwaway:
            pytest.fail(f"bootstrap.py started a keyring, but: {description}")
        pytest.skip(
            "no usable Secret Service on the session bus: run the tests with "
            "`python3 bootstrap.py test` (it starts gnome-keyring under dbus-run-session)"
        )
    if not throwaway:  # the writer's own keychain: keep away from the real entries
        monkeypatch.setattr(keys, "SERVICE", f"FineAuthor-tests-{secrets.token_hex(4)}")
    for provider in ("openai", "together", "fireworks"):
        keys.delete_key(provider)
    yield
    for provider in ("openai", "together", "fireworks"):
        keys.delete_key(provider)


@pytest.fixture
def no_keychain() -> None:
    keyring.set_keyring(fail.Keyring())


def make_page(qtbot) -> AccountsPage:
    page = AccountsPage()
    qtbot.addWidget(page)
    page.resize(720, 900)
    page.show()
    return page


def answer(monkeypatch: pytest.MonkeyPatch, button: QMessageBox.StandardButton) -> list[str]:
    """Make the confirmation answer ``button``; returns the questions asked."""
    asked: list[str] = []

    def question(_parent, _title, text, *_args, **_kwargs):
        asked.append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def paste(row: ProviderAccount, text: str) -> None:
    """Paste ``text`` into the key field, as a writer copying from a web page would."""
    QApplication.clipboard().setText(text)
    row.key_edit.paste()


# --- the page ------------------------------------------------------------------------------


def test_a_row_for_every_service_in_the_catalog(qtbot, no_keychain: None) -> None:
    page = make_page(qtbot)
    catalog = load_catalog()
    assert (
        list(page.rows)
        == [p.id for p in catalog.providers]
        == [
            "openai",
            "together",
            "fireworks",
        ]
    )
    for info in catalog.providers:
        row = page.row(info.id)
        assert row.title() == info.name
        assert row.availability_label.text() == info.availability_note
        assert row.where_label.text() == "No key yet"
        assert not row.masked_label.isVisible()
        assert row.add_button.text() == "Add a key…" and row.add_button.isEnabled()
        assert not row.remove_button.isEnabled() and not row.test_button.isEnabled()
        assert KEY_PAGES[info.id] in row.where_to_get.text()
        assert row.where_to_get.openExternalLinks()
        assert not row.editor.isVisible()
    # Every control says what it is to a screen reader.
    for widget in page.findChildren(QPushButton) + page.findChildren(QLineEdit):
        assert widget.accessibleName(), widget.text()


def test_the_settings_dialog_has_an_accounts_tab(qtbot, no_keychain: None) -> None:
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    tabs = dialog.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["General", "Accounts"]
    restore = dialog.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
    assert restore.isVisible()
    dialog.show_accounts()
    assert tabs.currentWidget() is dialog.accounts_page
    assert not restore.isVisible()  # it is about the General page only
    tabs.setCurrentIndex(0)
    assert restore.isVisible()


# --- the real keychain ---------------------------------------------------------------------


def test_add_replace_and_remove_in_the_keychain(
    qtbot, keychain: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page(qtbot)
    assert "system keychain" in page.keychain_note.text()
    row = page.row("together")
    first, second = fake_key("tgp_v1_"), fake_key("tgp_v1_")

    row.add_button.click()
    assert row.editor.isVisible()
    assert row.key_edit.echoMode() == QLineEdit.EchoMode.Password
    assert row.save_button.text() == "Save key" and not row.save_button.isEnabled()
    paste(row, f"  {first}\n")  # copied from a web page with a space and a line break
    with qtbot.waitSignal(page.keyChanged) as changed:
        row.save_button.click()
    assert changed.args == ["together"]
    assert keys.key_for("together").value == first  # type: ignore[union-attr]
    assert keyring.get_password(keys.SERVICE, "together") == first
    assert row.where_label.text() == "Kept in your system keychain"
    assert row.masked_label.text() == keys.masked(first)
    assert not row.editor.isVisible() and row.key_edit.text() == ""
    assert row.add_button.text() == "Replace…"
    assert row.remove_button.isEnabled() and row.test_button.isEnabled()
    assert "API keys page" in row.where_to_get.text()

    row.add_button.click()  # replace, typing this time, Enter to save
    qtbot.keyClicks(row.key_edit, second)
    qtbot.keyClick(row.key_edit, "\r")
    assert keyring.get_password(keys.SERVICE, "together") == second
    assert row.masked_label.text() == keys.masked(second)

    asked = answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    row.remove_button.click()
    assert "Remove your Together AI key from your system keychain?" in asked[0]
    assert keyring.get_password(keys.SERVICE, "together") == second  # kept

    answer(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(page.keyChanged):
        row.remove_button.click()
    assert keyring.get_password(keys.SERVICE, "together") is None
    assert row.where_label.text() == "No key yet"
    assert not row.remove_button.isEnabled() and not row.test_button.isEnabled()
    # The other rows never changed.
    assert page.row("openai").where_label.text() == "No key yet"


def test_a_bad_key_is_explained_and_nothing_is_kept(qtbot, keychain: None) -> None:
    page = make_page(qtbot)
    row = page.row("openai")
    row.add_button.click()
    paste(row, "sk-test one two")
    row.save_button.click()
    assert row.edit_problem.isVisible()
    assert "no spaces or line breaks" in row.edit_problem.text()
    assert "one two" not in row.edit_problem.text()
    assert row.editor.isVisible()  # still there to try again
    assert keys.key_for("openai") is None

    qtbot.keyClick(row.key_edit, "x")  # typing again clears the complaint
    assert not row.edit_problem.isVisible()
    row.cancel_button.click()
    assert not row.editor.isVisible() and row.key_edit.text() == ""


def test_a_key_from_the_environment(qtbot, keychain: None, monkeypatch: pytest.MonkeyPatch) -> None:
    key = fake_key()
    monkeypatch.setenv("OPENAI_API_KEY", key)
    page = make_page(qtbot)
    row = page.row("openai")
    assert row.where_label.text() == (
        "From the environment variable OPENAI_API_KEY — change it there"
    )
    assert row.masked_label.text() == keys.masked(key)
    assert not row.add_button.isEnabled() and not row.remove_button.isEnabled()
    assert "OPENAI_API_KEY" in row.remove_button.toolTip()
    assert row.test_button.isEnabled()


# --- no keychain ---------------------------------------------------------------------------


def test_no_keychain_offers_this_session_only(
    qtbot, no_keychain: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page(qtbot)
    note = page.keychain_note.text()
    assert note.startswith("No system keychain was found on this computer")
    assert "for this session only" in note
    row = page.row("fireworks")
    row.add_button.click()
    assert row.save_button.text() == "Use for this session only"
    key = fake_key("fw_")
    paste(row, key)
    row.save_button.click()
    assert row.where_label.text() == "For this session only"
    assert "forgets it when you quit" in row.where_label.toolTip()
    assert row.masked_label.text() == keys.masked(key)
    stored = keys.key_for("fireworks")
    assert (stored.value, stored.source) == (key, keys.SESSION)  # type: ignore[union-attr]

    # A second page (Settings opened again) still shows it: it lives as long as the app.
    again = make_page(qtbot)
    assert again.row("fireworks").where_label.text().startswith("For this session only")

    asked = answer(monkeypatch, QMessageBox.StandardButton.Yes)
    row.remove_button.click()
    assert asked[0].startswith("Forget your Fireworks AI key?")
    assert keys.key_for("fireworks") is None
    assert row.where_label.text() == "No key yet"


# --- Test ----------------------------------------------------------------------------------


def test_test_against_the_fake_fireworks_server_with_the_account_id_typed_beside_the_key(
    qtbot, no_keychain: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = fake_key("fw_")
    monkeypatch.delenv("FIREWORKS_ACCOUNT_ID", raising=False)
    with FakeFireworksServer(api_key=good, account="saltmarrow-press") as server:
        monkeypatch.setenv("FIREWORKS_BASE_URL", server.base_url)
        page = make_page(qtbot)
        row = page.row("fireworks")
        keys.save_key("fireworks", good, session_only=True)
        page.refresh()
        for typed, expected in (
            ("", "✗ FineAuthor needs your Fireworks account ID"),
            ("someone-else", '✗ Fireworks does not know the account "someone-else"'),
            ("saltmarrow-press", "✓ Fireworks AI accepted the key. You are ready to train."),
        ):
            row.account_edit.setText(typed)
            row.test_button.click()
            qtbot.waitUntil(lambda: not row.testing, timeout=15_000)
            assert row.result_label.text().startswith(expected)
            assert good not in row.result_label.text()
        assert server.count("GET", "/v1/accounts/saltmarrow-press") == 1


def test_the_fireworks_account_id_is_asked_beside_the_key_and_saved_as_typed(
    qtbot, no_keychain: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FIREWORKS_ACCOUNT_ID", raising=False)
    page = make_page(qtbot)
    row = page.row("fireworks")
    assert row.account_edit is not None and row.account_edit.text() == ""
    assert row.account_edit.echoMode() == QLineEdit.EchoMode.Normal  # not a secret
    assert "Account on its website" in row.account_note.text()
    assert page.row("openai").account_edit is None  # only the service that needs one

    row.account_edit.setFocus()
    qtbot.keyClicks(row.account_edit, "saltmarrow-press")

    assert load_settings()["fireworks_account_id"] == "saltmarrow-press"  # no button to press
    assert fireworks_account_id() == "saltmarrow-press"
    assert keys.key_for("fireworks") is None  # the key is not touched
    again = make_page(qtbot)
    assert again.row("fireworks").account_edit.text() == "saltmarrow-press"


def test_a_fireworks_account_id_from_the_environment_is_shown_and_left_alone(
    qtbot, no_keychain: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIREWORKS_ACCOUNT_ID", "press-from-env")
    page = make_page(qtbot)
    row = page.row("fireworks")

    assert row.account_edit.text() == "press-from-env" and row.account_edit.isReadOnly()
    assert "FIREWORKS_ACCOUNT_ID" in row.account_note.text()
    assert load_settings()["fireworks_account_id"] == ""  # nothing written for it


def test_test_against_the_fake_openai_server(
    qtbot, no_keychain: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One cheap authenticated call in a worker: accepted, then refused in plain words."""
    good, wrong = fake_key(), fake_key()
    with FakeOpenAI(api_key=good) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url + "/v1")
        page = make_page(qtbot)
        row = page.row("openai")
        keys.save_key("openai", good, session_only=True)
        page.refresh()

        row.test_button.click()
        assert not row.test_button.isEnabled()  # one test at a time
        assert row.result_label.text() == "Asking OpenAI whether it accepts the key…"
        qtbot.waitUntil(lambda: not row.testing, timeout=15_000)
        assert row.result_label.text() == "✓ OpenAI accepted the key. You are ready to train."
        assert row.test_button.isEnabled()

        keys.save_key("openai", wrong, session_only=True)
        page.refresh()
        row.test_button.click()
        qtbot.waitUntil(lambda: not row.testing, timeout=15_000)
        text = row.result_label.text()
        assert text.startswith("✗ OpenAI did not accept your API key")
        assert wrong not in text and wrong[-12:] not in text
        assert server.count("GET", "/v1/models") == 2  # it really asked, once per test


def test_test_against_the_fake_together_server(
    qtbot, no_keychain: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, wrong = fake_key("tgp_v1_"), fake_key("tgp_v1_")
    with FakeTogetherServer(api_key=good) as server:
        monkeypatch.setenv("TOGETHER_BASE_URL", server.url + "/v1")
        page = make_page(qtbot)
        row = page.row("together")
        for key, expected in (
            (good, "✓ Together AI accepted the key. You are ready to train."),
            (wrong, "✗ Together AI did not accept your API key"),
        ):
            keys.save_key("together", key, session_only=True)
            page.refresh()
            row.test_button.click()
            qtbot.waitUntil(lambda: not row.testing, timeout=15_000)
            assert row.result_label.text().startswith(expected)
            assert wrong not in row.result_label.text()
