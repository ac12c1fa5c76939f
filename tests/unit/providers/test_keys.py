"""API keys (providers.keys) against the real Secret Service, the environment override, the
session-only fallback when there is no usable keychain, light validation and masking.

The keychain tests use the Secret Service on the session bus. ``python3 bootstrap.py test``
starts a fresh, unlocked gnome-keyring in its own D-Bus session for them (its files in a
throwaway folder); there the entries are the real ones, service "FineAuthor". Elsewhere, on a
desktop whose keychain is the writer's own, the same tests run under a private service name so
they never touch real keys; and with no Secret Service at all they are skipped, saying why.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import string
import subprocess
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.compat import properties

from fineauthor.core.catalog import UnknownProviderError
from fineauthor.core.errors import FineAuthorError
from fineauthor.providers import keys
from tests.paths import REPO_ROOT

# bootstrap.py points XDG_DATA_HOME at a folder of this name for its throwaway keyring.
THROWAWAY_KEYRING_MARK = "fineauthor-keyring-"


def fake_key(prefix: str = "sk-test-") -> str:
    """A distinctive key made at run time, in no file anywhere."""
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(40))


def in_throwaway_keyring() -> bool:
    return THROWAWAY_KEYRING_MARK in os.environ.get("XDG_DATA_HOME", "")


def secret_service_available() -> bool:
    backend = keyring.get_keyring()
    if "SecretService" not in type(backend).__module__:
        return False
    return keys.keychain_status()[0]


@pytest.fixture(autouse=True)
def clean_keys() -> Iterator[None]:
    """Each test starts with no session keys and the keyring backend it found."""
    backend = keyring.get_keyring()
    keys.forget_session_keys()
    yield
    keys.forget_session_keys()
    keyring.set_keyring(backend)


@pytest.fixture
def secret_service(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The real Secret Service, emptied of FineAuthor's entries before and after the test.
    Yields the service name the entries are kept under."""
    if not secret_service_available():
        if in_throwaway_keyring():
            pytest.fail(f"bootstrap.py started a keyring, but: {keys.keychain_status()[1]}")
        pytest.skip(
            "no usable Secret Service on the session bus: run the tests with "
            "`python3 bootstrap.py test` (it starts gnome-keyring under dbus-run-session)"
        )
    for env in ("OPENAI_API_KEY", "TOGETHER_API_KEY", "FIREWORKS_API_KEY"):
        monkeypatch.delenv(env, raising=False)
    if not in_throwaway_keyring():
        # The writer's own keychain: never touch the real FineAuthor entries.
        monkeypatch.setattr(keys, "SERVICE", f"FineAuthor-tests-{secrets.token_hex(4)}")
    service = keys.SERVICE
    for provider in ("openai", "together", "fireworks"):
        keys.delete_key(provider)
    yield service
    for provider in ("openai", "together", "fireworks"):
        keys.delete_key(provider)


# --- the real Secret Service ---------------------------------------------------------------


def test_save_read_delete_in_the_secret_service(secret_service: str) -> None:
    key = fake_key()
    assert keys.key_for("openai") is None

    stored = keys.save_key("openai", f"  {key}\n")  # pasted with spaces and a line break
    assert (stored.value, stored.source) == (key, keys.KEYCHAIN)

    found = keys.key_for("openai")
    assert found is not None
    assert (found.provider, found.value, found.source) == ("openai", key, keys.KEYCHAIN)
    # It really is in the keychain, under the service name and the provider id.
    assert keyring.get_password(secret_service, "openai") == key
    if in_throwaway_keyring():
        assert secret_service == "FineAuthor"

    assert keys.delete_key("openai") is True
    assert keys.key_for("openai") is None
    assert keyring.get_password(secret_service, "openai") is None
    assert keys.delete_key("openai") is False  # nothing left to remove


def test_the_entry_in_the_secret_service(secret_service: str) -> None:
    """What another keychain tool sees: one item, labelled, with service and user attributes."""
    import secretstorage

    key = fake_key()
    keys.save_key("together", key)
    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        items = list(collection.search_items({"service": secret_service, "username": "together"}))
        assert len(items) == 1
        assert items[0].get_secret().decode() == key
        assert "together" in items[0].get_label() and secret_service in items[0].get_label()
    finally:
        connection.close()


def test_one_entry_per_provider_and_replacing(secret_service: str) -> None:
    openai_key, together_key, newer = fake_key(), fake_key("tgp_v1_"), fake_key()
    keys.save_key("openai", openai_key)
    keys.save_key("together", together_key)
    assert keys.key_for("openai").value == openai_key  # type: ignore[union-attr]
    assert keys.key_for("together").value == together_key  # type: ignore[union-attr]

    keys.save_key("openai", newer)  # replacing
    assert keys.key_for("openai").value == newer  # type: ignore[union-attr]
    assert keyring.get_password(secret_service, "openai") == newer

    keys.delete_key("openai")
    assert keys.key_for("openai") is None
    assert keys.key_for("together").value == together_key  # type: ignore[union-attr]


def test_the_environment_overrides_and_is_reported(
    secret_service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept, from_environment = fake_key(), fake_key()
    keys.save_key("openai", kept)
    monkeypatch.setenv("OPENAI_API_KEY", f" {from_environment} ")

    found = keys.key_for("openai")
    assert found is not None
    assert (found.value, found.source, found.variable) == (
        from_environment,
        keys.ENVIRONMENT,
        "OPENAI_API_KEY",
    )
    assert keys.keychain_key("openai") == kept  # still kept, just not used

    # Removing removes the kept key; the environment's stays (it is not FineAuthor's).
    assert keys.delete_key("openai") is True
    assert keys.keychain_key("openai") is None
    assert keys.key_for("openai").source == keys.ENVIRONMENT  # type: ignore[union-attr]

    monkeypatch.setenv("OPENAI_API_KEY", "   ")  # set but empty: as good as unset
    assert keys.key_for("openai") is None


def test_keychain_status_names_the_secret_service(secret_service: str) -> None:
    usable, description = keys.keychain_status()
    assert usable
    assert "system keychain" in description


def test_saving_to_the_keychain_replaces_a_session_key(secret_service: str) -> None:
    session, kept = fake_key(), fake_key()
    keys.save_key("openai", session, session_only=True)
    assert keys.key_for("openai").source == keys.SESSION  # type: ignore[union-attr]
    keys.save_key("openai", kept)
    found = keys.key_for("openai")
    assert (found.value, found.source) == (kept, keys.KEYCHAIN)  # type: ignore[union-attr]


# --- a locked or missing Secret Service (each in its own D-Bus session) ------------------------

_LOCKED_CHILD = r"""
import json, secretstorage
from fineauthor.providers import keys

connection = secretstorage.dbus_init()
secretstorage.get_default_collection(connection).lock()
result = {"status": keys.keychain_status()}
try:
    keys.save_key("openai", "sk-test-lockedlockedlocked1234")
except keys.KeychainError as problem:
    result["save_error"] = str(problem)
result["key_for"] = repr(keys.key_for("openai"))
keys.save_key("openai", "sk-test-lockedlockedlocked1234", session_only=True)
result["session"] = keys.key_for("openai").source
print(json.dumps(result))
"""


def _run_child(code: str, env: dict[str, str], *, keyring_session: bool) -> dict:
    command = [sys.executable, "-c", code]
    if keyring_session:
        shell = (
            "printf '\\n' | gnome-keyring-daemon --unlock --components=secrets >/dev/null; "
            'exec "$@"'
        )
        command = ["dbus-run-session", "--", "sh", "-c", shell, "sh", *command]
    done = subprocess.run(
        command, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_locked_secret_service_is_reported_and_the_session_fallback_works(
    tmp_path: Path,
) -> None:
    if not all(shutil.which(t) for t in ("dbus-run-session", "gnome-keyring-daemon")):
        pytest.skip("needs dbus-run-session and gnome-keyring-daemon to start a keychain to lock")
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "keyrings"))
    result = _run_child(_LOCKED_CHILD, env, keyring_session=True)
    usable, description = result["status"]
    assert not usable
    assert "locked" in description
    assert "locked" in result["save_error"]
    assert "lockedlocked" not in result["save_error"]
    assert result["key_for"] == "None"  # a locked keychain holds no key we can use
    assert result["session"] == keys.SESSION


def test_no_secret_service_on_the_bus(tmp_path: Path) -> None:
    """No D-Bus session at all: keyring falls back to its fail backend; said plainly."""
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=f"unix:path={tmp_path}/no-such-bus")
    env.pop("PYTHON_KEYRING_BACKEND", None)
    code = (
        "import json; from fineauthor.providers import keys; "
        "print(json.dumps(keys.keychain_status()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    usable, description = json.loads(done.stdout)
    assert not usable
    assert description.startswith("No system keychain was found")


# --- no usable keychain: keyring's own fail backend ----------------------------------------


def test_fail_backend_offers_session_only(
    monkeypatch: pytest.MonkeyPatch, fineauthor_home: Path
) -> None:
    monkeypatch.delenv("TOGETHER_API_KEY", raising=False)
    keyring.set_keyring(fail.Keyring())
    usable, description = keys.keychain_status()
    assert not usable
    assert "No system keychain" in description

    key = fake_key("tgp_v1_")
    with pytest.raises(keys.KeychainError) as refused:
        keys.save_key("together", key)
    assert key not in str(refused.value)
    assert keys.key_for("together") is None  # a keychain that is not there holds nothing

    stored = keys.save_key("together", key, session_only=True)
    assert stored.source == keys.SESSION
    found = keys.key_for("together")
    assert (found.value, found.source) == (key, keys.SESSION)  # type: ignore[union-attr]

    assert keys.delete_key("together") is True
    assert keys.key_for("together") is None
    assert keys.delete_key("together") is False
    # Memory only: nothing at all was written under FineAuthor's home.
    written = [p for p in fineauthor_home.rglob("*") if p.is_file()]
    assert all(key.encode() not in p.read_bytes() for p in written)


def test_the_environment_works_without_a_keychain(monkeypatch: pytest.MonkeyPatch) -> None:
    keyring.set_keyring(fail.Keyring())
    key = fake_key()
    monkeypatch.setenv("FIREWORKS_API_KEY", key)
    found = keys.key_for("fireworks")
    assert (found.value, found.source, found.variable) == (  # type: ignore[union-attr]
        key,
        keys.ENVIRONMENT,
        "FIREWORKS_API_KEY",
    )


class _Broken(KeyringBackend):
    """A keychain that fails and, carelessly, repeats the secret in its error messages."""

    @properties.classproperty
    def priority(cls) -> float:  # noqa: N805 - a class property, as in keyring's own backends
        raise RuntimeError("only ever set by hand, never chosen by keyring itself")

    def get_password(self, service: str, username: str) -> str | None:
        if username == "fineauthor-keychain-check":
            return None
        raise RuntimeError(f"cannot read {service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError(f"refused to store {password!r} for {username}")

    def delete_password(self, service: str, username: str) -> None:
        raise RuntimeError(f"cannot delete {service}/{username}")


def test_keychain_failures_are_plain_and_never_carry_the_key(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    keyring.set_keyring(_Broken())
    key = fake_key()
    caplog.set_level("DEBUG")
    with pytest.raises(keys.KeychainError) as failure:
        keys.save_key("openai", key)
    problem = failure.value
    assert str(problem).startswith("Your system keychain could not save the OpenAI key")
    assert problem.__cause__ is None and problem.__suppress_context__
    shown = "".join(traceback.format_exception(problem))
    assert key not in shown and key not in caplog.text
    assert "RuntimeError" in caplog.text  # what kind of failure is logged, never its text

    with pytest.raises(keys.KeychainError, match="could not read"):
        keys.key_for("openai")
    with pytest.raises(keys.KeychainError, match="could not remove"):
        keys.delete_key("openai")


# --- validation, masking, printing ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\n", "sk-abc def", "sk-abc\ndef", "sk-abc\tdef", "“sk-abcdef”", "x" * 2000],
)
def test_bad_keys_are_refused_without_repeating_them(text: str) -> None:
    with pytest.raises(keys.InvalidKeyError) as refused:
        keys.save_key("openai", text, session_only=True)
    message = str(refused.value)
    assert message.endswith(".")
    if text.strip():
        assert text.strip() not in message
    assert keys.key_for("openai") is None or keys.key_for("openai").source != keys.SESSION


def test_surrounding_spaces_are_stripped() -> None:
    key = fake_key()
    assert keys.save_key("openai", f"\t {key} \r\n", session_only=True).value == key
    assert keys.clean_key(f"  {key}\n") == key


def test_unknown_provider_names_the_known_ones() -> None:
    for call in (
        lambda: keys.key_for("nope"),
        lambda: keys.save_key("nope", fake_key(), session_only=True),
        lambda: keys.delete_key("nope"),
    ):
        with pytest.raises(UnknownProviderError, match="openai, together, fireworks"):
            call()


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("sk-proj-fakeefghijklmnopqrstuvwxyzx9Q2", "sk-…x9Q2"),
        ("sk-fakedefghijklmnopqrstuvwxyzx9Q2", "sk-…x9Q2"),
        ("tgp_v1_abcdefghijklmnopqrstuvwQ7x2", "tgp_…Q7x2"),
        ("fw_abcdefghijklmnopqrstuvwxyzAB12", "fw_…AB12"),
        ("0123456789abcdef0123456789abcdefb4c1", "…b4c1"),
        ("abcdefgh", "…gh"),  # short: half of it would be too much
        ("abc", "…"),
        ("", ""),
    ],
)
def test_masked(key: str, shown: str) -> None:
    assert keys.masked(key) == shown


def test_masked_never_shows_more_than_the_last_four_characters() -> None:
    for length in range(1, 90):
        key = fake_key("")[:length] if length <= 40 else fake_key("sk-")[:length]
        shown = keys.masked(key)
        _prefix, _, tail = shown.partition("…")
        assert len(tail) <= 4
        assert key.endswith(tail)
        assert len(key) - len(tail) >= 3 * len(tail)  # never a quarter or more of the key


def test_stored_key_prints_masked() -> None:
    key = fake_key()
    stored = keys.StoredKey("openai", key, keys.KEYCHAIN)
    for text in (repr(stored), str(stored), f"{stored}", f"{stored!r}", str([stored])):
        assert key not in text
        assert keys.masked(key) in text
    assert stored.masked == keys.masked(key)


def test_redact() -> None:
    key = fake_key()
    assert keys.redact(f"Incorrect API key provided: {key}.", key) == (
        f"Incorrect API key provided: {keys.masked(key)}."
    )


def test_logging_names_providers_never_keys(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    keyring.set_keyring(fail.Keyring())
    caplog.set_level("DEBUG")
    key = fake_key()
    keys.save_key("openai", key, session_only=True)
    keys.key_for("openai")
    keys.delete_key("openai")
    assert "openai" in caplog.text
    assert key not in caplog.text
    assert key[-12:] not in caplog.text


def test_verify_key_for_a_service_without_training_says_so() -> None:
    key = fake_key("fw_")
    with pytest.raises(FineAuthorError) as refused:
        keys.verify_key("fireworks", key)
    assert "Fireworks" in str(refused.value)
    assert key not in str(refused.value)
