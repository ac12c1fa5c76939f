"""A key never reaches a file, a log, the project, the temp folder or the program's output.

One distinctive key, made at run time from random parts (so it is in no file of the tree), goes
through every flow that handles keys: ``fineauthor key set|status|delete`` in subprocesses, the
keys API, the Settings dialog's Accounts page (pasted, saved, tested), a "Test" and a training
attempt against the fake OpenAI server that refuses the key, a provider failing with the key in
its own error text, all with logging at DEBUG for every library to a file in the log folder.
Then every file under FINEAUTHOR_HOME, the project, the log folder and the test's temp folder,
and everything printed, are searched for the key and for any 12 characters of its random part.

Under ``python3 bootstrap.py test`` the key is kept in the real (throwaway) Secret Service; with
no Secret Service, or on a desktop keychain that is the writer's own, it is kept for the session
only and the keychain-only command-line steps are left out (the rest still runs).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import string
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QMessageBox

from fineauthor.core.settings import folders
from fineauthor.providers import keys
from tests.fakes.openai_server import FakeOpenAI
from tests.paths import REPO_ROOT

THROWAWAY_KEYRING_MARK = "fineauthor-keyring-"
KEY_VARIABLES = ("OPENAI_API_KEY", "TOGETHER_API_KEY", "FIREWORKS_API_KEY")
WINDOW = 12  # any this many characters of the key's random part count as a leak


def distinctive_key() -> tuple[str, str]:
    """The key and its random part. The prefix is public, like OpenAI's ``sk-``."""
    alphabet = string.ascii_letters + string.digits
    random_part = "".join(secrets.choice(alphabet) for _ in range(48))
    return f"sk-leak-{random_part}", random_part


def leaks(data: bytes, key: str, random_part: str) -> list[str]:
    """Which pieces of the key ``data`` contains (empty when none)."""
    found = [key] if key.encode() in data else []
    for start in range(len(random_part) - WINDOW + 1):
        piece = random_part[start : start + WINDOW]
        if piece.encode() in data:
            found.append(piece)
    return found


@pytest.fixture
def quiet_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in KEY_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)


@pytest.fixture
def debug_logging(quiet_env: None) -> Iterator[Path]:
    """Everything every library logs, at DEBUG, into a file in FineAuthor's log folder."""
    from fineauthor.ui.shell.error_dialog import log as app_log
    from fineauthor.ui.shell.error_dialog import setup_logging

    setup_logging()  # the app's own log file, as the app sets it up
    log_file = folders().logs / "debug.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    levels = (root.level, app_log.level)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    app_log.setLevel(logging.DEBUG)
    yield log_file
    root.removeHandler(handler)
    handler.close()
    root.setLevel(levels[0])
    app_log.setLevel(levels[1])


def test_the_key_appears_nowhere(
    qtbot,
    tmp_path: Path,
    debug_logging: Path,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key, random_part = distinctive_key()
    printed: list[str] = []

    # The temp folder of this test, for this process and for the commands it runs.
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))

    throwaway = THROWAWAY_KEYRING_MARK in os.environ.get("XDG_DATA_HOME", "")
    use_keychain = throwaway and keys.keychain_status()[0]
    backend = keyring.get_keyring()
    if not use_keychain:
        keyring.set_keyring(fail.Keyring())

    def fineauthor(*args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "fineauthor", *args],
            input=stdin,
            env={**os.environ, **env},
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        printed.extend((done.stdout, done.stderr))
        return done

    try:
        with FakeOpenAI(api_key="sk-test-the-only-key-this-server-takes") as server:
            monkeypatch.setenv("OPENAI_BASE_URL", server.url + "/v1")
            _command_line(fineauthor, key, use_keychain)
            _keys_api(key, use_keychain)
            _settings_dialog(qtbot, key, use_keychain, monkeypatch)
            _training_attempt(tmp_path, key)
            _provider_failing_with_the_key_in_its_message(key, monkeypatch)
            assert server.count("GET", "/v1/models") >= 1  # the key really went to the server
        if use_keychain:
            assert keyring.get_password("FineAuthor", "openai") == key  # kept where it belongs
            done = fineauthor("key", "delete", "--provider", "openai")
            assert done.returncode == 0, done.stderr
    finally:
        keys.forget_session_keys()
        if use_keychain:
            keys.delete_key("openai")
        keyring.set_keyring(backend)

    # --- the search ----------------------------------------------------------------------
    out, err = capfd.readouterr()
    printed.extend((out, err))
    for handler in logging.getLogger().handlers + logging.getLogger("fineauthor").handlers:
        handler.flush()
    places = {folders().logs, Path(os.environ["FINEAUTHOR_HOME"]), tmp_path, temp}
    files = sorted({p for place in places for p in place.rglob("*") if p.is_file()})
    assert debug_logging in files and debug_logging.stat().st_size > 0
    assert any(p.suffix == ".fineauthor" for p in files)  # the project was searched too
    assert (folders().config / "settings.json") in files  # and the saved settings
    debug_text = debug_logging.read_text(encoding="utf-8")
    assert "openai" in debug_text.lower()  # libraries did log at DEBUG
    assert "HTTP Request" in debug_text or "httpx" in debug_text
    found = {str(p): leaks(p.read_bytes(), key, random_part) for p in files}
    found["printed"] = leaks("\n".join(printed).encode(), key, random_part)
    leaked = {where: len(pieces) for where, pieces in found.items() if pieces}
    assert not leaked, f"pieces of the key were found in: {leaked}"


# --- the flows -------------------------------------------------------------------------------


def _command_line(fineauthor, key: str, use_keychain: bool) -> None:
    done = fineauthor("key", "status", "--provider", "openai", OPENAI_API_KEY=key)
    assert done.returncode == 0 and keys.masked(key) in done.stdout
    no_keychain = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    done = fineauthor("key", "set", "--provider", "openai", stdin=key + "\n", **no_keychain)
    assert done.returncode == 1
    done = fineauthor("key", "set", "--provider", "openai", stdin=key[:20] + " " + key[20:])
    # Refused (2: not a key; 1 first when there is no keychain), never repeated back.
    assert done.returncode == (2 if use_keychain else 1)
    if use_keychain:
        done = fineauthor("key", "set", "--provider", "openai", stdin=key + "\n")
        assert done.returncode == 0, done.stderr
        done = fineauthor("key", "status", "--provider", "openai")
        assert done.returncode == 0 and "in the system keychain" in done.stdout
        done = fineauthor("key", "delete", "--provider", "openai")
        assert done.returncode == 0


def _keys_api(key: str, use_keychain: bool) -> None:
    stored = keys.save_key("openai", key, session_only=not use_keychain)
    found = keys.key_for("openai")
    assert found is not None and found.value == key
    logging.getLogger("fineauthor.tests").debug("stored %s, found %r", stored, found)
    print(stored, repr(found), keys.keychain_status())
    keys.delete_key("openai")
    assert keys.key_for("openai") is None


def _settings_dialog(qtbot, key: str, use_keychain: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    from fineauthor.ui.shell.settings_dialog import SettingsDialog

    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.show_accounts()
    row = dialog.accounts_page.row("openai")
    row.add_button.click()
    QApplication.clipboard().setText(key)
    row.key_edit.paste()
    row.save_button.click()
    assert row.where_label.text() == (
        "Kept in your system keychain" if use_keychain else "For this session only"
    )
    row.test_button.click()  # the fake server refuses this key
    qtbot.waitUntil(lambda: not row.testing, timeout=15_000)
    assert row.result_label.text().startswith("✗ OpenAI did not accept your API key")
    on_screen = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert key not in on_screen and keys.masked(key) in on_screen
    QApplication.clipboard().clear()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()  # writes settings.json

    # Removing from a second dialog, then adding again for the rest of the test.
    with monkeypatch.context() as patch:
        yes = QMessageBox.StandardButton.Yes
        patch.setattr(QMessageBox, "question", staticmethod(lambda *_a, **_k: yes))
        again = SettingsDialog()
        qtbot.addWidget(again)
        again.accounts_page.row("openai").remove_button.click()
        assert keys.key_for("openai") is None
    keys.save_key("openai", key, session_only=not use_keychain)


def _training_attempt(tmp_path: Path, key: str) -> None:
    """Training with the refused key: the attempt is recorded in the project, the key is not."""
    from fineauthor.core.catalog import load_catalog
    from fineauthor.core.importers.training_file import import_jsonl
    from fineauthor.core.project.project import Project
    from fineauthor.providers.base import ProviderError, TrainingOptions
    from fineauthor.providers.registry import open_provider
    from fineauthor.training.attempts import upload_dataset
    from fineauthor.training.prepare import prepare

    source = tmp_path / "scenes.jsonl"
    rows = [
        {
            "messages": [
                {"role": "system", "content": "You write quiet coastal gothic."},
                {"role": "user", "content": f"Scene {i}: the lighthouse at dusk."},
                {"role": "assistant", "content": f"Scene {i}. The lamp turned, slow as breath."},
            ]
        }
        for i in range(12)
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    project_path = tmp_path / "Lighthouse.fineauthor"
    import_jsonl(source, project_path)
    model = load_catalog().model("gpt-4.1-mini-2025-04-14")
    with Project.open(project_path) as project:
        dataset = prepare(project, model, "openai")
        provider = open_provider("openai", keys.key_for("openai").value)  # type: ignore[union-attr]
        with pytest.raises(ProviderError) as refused:
            upload_dataset(project, provider, model.id, TrainingOptions(), dataset)
        assert refused.value.kind == ProviderError.AUTH
        logging.getLogger("fineauthor.tests").exception("training refused", exc_info=refused.value)
        assert key not in str(refused.value)


def _provider_failing_with_the_key_in_its_message(
    key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A provider bug that repeats the key: "Test" shows and logs it masked, never whole."""
    from fineauthor.core.errors import FineAuthorError
    from fineauthor.providers import registry

    class Careless:
        def check_key(self) -> None:
            raise RuntimeError(f"connection to service failed while sending {key}")

    class Blunt:
        def check_key(self) -> None:
            raise FineAuthorError(f"The service said no to {key}.")

    for provider in (Careless(), Blunt()):
        with monkeypatch.context() as patch:
            patch.setattr(registry, "open_provider", lambda _id, _key, p=provider: p)
            with pytest.raises(FineAuthorError) as failed:
                keys.verify_key("openai", key)
        logging.getLogger("fineauthor.tests").exception("test failed", exc_info=failed.value)
        print(failed.value)
