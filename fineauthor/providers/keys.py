"""API keys: kept in the system keychain, overridden by the environment, or held for this
session only.

A key is found, in order, in the provider's environment variable (``OPENAI_API_KEY``, …, from
the catalog: it overrides everything and is reported as such), in keys given for this session
only (process memory, when there is no usable keychain), and in the system keychain through
``keyring`` (service "FineAuthor", one entry per provider id).

A key is never written to a file, a log or an exception message: this module logs only which
provider and where, its errors are its own sentences raised without the original exception
attached, and :class:`StoredKey` shows a masked key when printed.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

from fineauthor.core.catalog import load_catalog
from fineauthor.core.errors import FineAuthorError

SERVICE = "FineAuthor"

# Where a key came from.
ENVIRONMENT, KEYCHAIN, SESSION = "environment", "keychain", "session"

MAX_KEY_LENGTH = 1024  # longer than any provider's key: anything longer is something else

log = logging.getLogger(__name__)

_session_keys: dict[str, str] = {}  # provider id → key, in this process's memory only


class ApiKeyError(FineAuthorError):
    """A key could not be used, kept or removed. The message never contains the key."""


class InvalidKeyError(ApiKeyError):
    """The text given is not a usable key (empty, spaces or line breaks inside, too long)."""


class KeychainError(ApiKeyError):
    """The system keychain is missing, locked or failed."""


@dataclass(frozen=True, slots=True)
class StoredKey:
    """A provider's key and where it came from. Printing one shows the key masked."""

    provider: str
    value: str = field(repr=False)
    source: str  # ENVIRONMENT, KEYCHAIN or SESSION
    variable: str | None = None  # the environment variable, when source is ENVIRONMENT

    @property
    def masked(self) -> str:
        return masked(self.value)

    def __repr__(self) -> str:
        return (
            f"StoredKey(provider={self.provider!r}, source={self.source!r}, value={self.masked!r})"
        )

    __str__ = __repr__


def masked(key: str) -> str:
    """The key as it may be shown: a short public prefix such as ``sk-`` and at most its last
    four characters, e.g. ``sk-…x9Q2``. Short keys show less; an empty key shows nothing."""
    key = key.strip()
    if not key:
        return ""
    tail = min(4, len(key) // 4)
    prefix = ""
    if len(key) >= 16:
        for separator in ("-", "_"):
            head, found, _ = key.partition(separator)
            if found and 1 <= len(head) <= 3 and head.isalpha():
                prefix = head + separator
                break
    return f"{prefix}…{key[len(key) - tail :] if tail else ''}"


def redact(text: str, key: str) -> str:
    """``text`` with every occurrence of ``key`` replaced by its masked form."""
    key = key.strip()
    if len(key) < 4:
        return text
    return text.replace(key, masked(key))


def clean_key(text: str) -> str:
    """A pasted key without surrounding spaces; InvalidKeyError if it cannot be a key."""
    key = text.strip()
    if not key:
        raise InvalidKeyError("The key is empty. Copy it from your account page and paste it.")
    if any(ch.isspace() for ch in key):
        raise InvalidKeyError(
            "A key has no spaces or line breaks in it. Copy it again, all in one piece."
        )
    if not key.isascii() or not key.isprintable():
        raise InvalidKeyError(
            "The key contains characters that keys never have. Copy it again from your "
            "account page, without any quotation marks around it."
        )
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidKeyError("That is far too long to be a key. Copy just the key and paste it.")
    return key


def provider_name(provider_id: str) -> str:
    """The provider's name for the writer (UnknownProviderError for an id the catalog lacks)."""
    return load_catalog().provider(provider_id).name


def environment_variable(provider_id: str) -> str:
    """The environment variable whose key overrides the stored one (``OPENAI_API_KEY``, …)."""
    return load_catalog().provider(provider_id).api_key_env


# --- the keychain --------------------------------------------------------------------------


def _backend_name(backend: object) -> str:
    module = type(backend).__module__
    if "SecretService" in module or "libsecret" in module:
        return "system keychain (Secret Service)"
    if "macOS" in module:
        return "macOS Keychain"
    if "Windows" in module:
        return "Windows Credential Manager"
    if "kwallet" in module:
        return "KDE Wallet"
    return "system keychain"


def _check_backend() -> tuple[object | None, str]:
    """The keyring backend to use and a plain description; None when it cannot keep keys.

    Never asks the writer anything: a locked Secret Service is reported as locked rather than
    unlocked with a prompt (which cannot appear without a screen, and should not appear just
    because Settings opened)."""
    try:
        import keyring
        from keyring.backends import chainer, fail, null

        backend = keyring.get_keyring()
        inner = [backend]
        if isinstance(backend, chainer.ChainerBackend):
            inner = list(backend.backends)
        usable = [b for b in inner if not isinstance(b, fail.Keyring | null.Keyring)]
        if not usable:
            return None, (
                "No system keychain was found on this computer, so FineAuthor cannot keep "
                "a key after it quits."
            )
        for candidate in usable:
            if "SecretService" in type(candidate).__module__:
                problem = _secret_service_problem(candidate)
                if problem:
                    return None, problem
        # One harmless read proves the keychain answers (nothing is stored by it).
        backend.get_password(SERVICE, "fineauthor-keychain-check")
    except Exception as error:  # any failure means "not usable", said plainly
        log.warning("The system keychain cannot be used (%s)", type(error).__name__)
        return None, (
            "FineAuthor could not use your system keychain (it reported a problem), so it "
            "cannot keep a key after it quits."
        )
    return backend, f"Keys are kept in your {_backend_name(usable[0])}."


def _secret_service_problem(backend: object) -> str | None:
    """Why the Secret Service behind ``backend`` cannot be used without a prompt, or None."""
    from contextlib import closing

    import secretstorage

    with closing(secretstorage.dbus_init()) as connection:
        if not secretstorage.check_service_availability(connection):
            return (
                "No system keychain is running on this computer, so FineAuthor cannot keep a "
                "key after it quits."
            )
        path = getattr(backend, "preferred_collection", None)
        try:
            if path:
                collection = secretstorage.Collection(connection, path)
            else:
                # The default collection, without creating one (creating one needs a prompt).
                collection = secretstorage.Collection(connection)
            locked = collection.is_locked()
        except secretstorage.exceptions.ItemNotFoundException:
            return (
                "Your system keychain has no keyring set up yet, so FineAuthor cannot keep a "
                "key in it. Setting one up (for example in your desktop's Passwords and Keys "
                "application) makes it usable."
            )
    if locked:
        return (
            "Your system keychain is locked, so FineAuthor cannot keep a key in it. Unlock it "
            "(usually by logging in to your desktop) and look again."
        )
    return None


def keychain_status() -> tuple[bool, str]:
    """Whether keys can be kept in a system keychain, and a plain sentence saying so."""
    backend, description = _check_backend()
    return backend is not None, description


def _usable_backend() -> object:
    backend, description = _check_backend()
    if backend is None:
        raise KeychainError(description)
    return backend


def _keychain_failed(action: str, provider_id: str, error: Exception) -> KeychainError:
    log.warning(
        "The system keychain failed to %s the key for %s (%s)",
        action,
        provider_id,
        type(error).__name__,
    )
    return KeychainError(
        f"Your system keychain could not {action} the {provider_name(provider_id)} key. "
        "If it asked for a password, unlock it and try again."
    )


# --- keys ----------------------------------------------------------------------------------


def key_for(provider_id: str) -> StoredKey | None:
    """The key to use for ``provider_id``, or None when there is none.

    A keychain that cannot be used counts as holding no key (``keychain_status`` says why);
    one that fails while reading raises KeychainError."""
    variable = environment_variable(provider_id)
    from_environment = os.environ.get(variable, "").strip()
    if from_environment:
        return StoredKey(provider_id, from_environment, ENVIRONMENT, variable)
    if provider_id in _session_keys:
        return StoredKey(provider_id, _session_keys[provider_id], SESSION)
    value = keychain_key(provider_id)
    if value is None:
        return None
    return StoredKey(provider_id, value, KEYCHAIN)


def keychain_key(provider_id: str) -> str | None:
    """The key kept in the keychain for ``provider_id`` (None with no key or no keychain)."""
    provider_name(provider_id)  # an unknown provider is said so
    backend, _ = _check_backend()
    if backend is None:
        return None
    try:
        value = backend.get_password(SERVICE, provider_id)  # type: ignore[attr-defined]
    except Exception as error:  # the keychain's own message is not shown
        raise _keychain_failed("read", provider_id, error) from None
    if not value or not value.strip():
        return None
    return value.strip()


def save_key(provider_id: str, key: str, *, session_only: bool = False) -> StoredKey:
    """Keep ``key`` for ``provider_id``: in the system keychain, or with ``session_only`` in
    this process's memory until it quits. Returns where it went.

    InvalidKeyError when ``key`` cannot be a key; KeychainError when the keychain cannot keep
    it (nothing is kept then)."""
    provider_name(provider_id)
    value = clean_key(key)
    if session_only:
        _session_keys[provider_id] = value
        log.info("Key for %s kept for this session only", provider_id)
        return StoredKey(provider_id, value, SESSION)
    backend = _usable_backend()
    try:
        backend.set_password(SERVICE, provider_id, value)  # type: ignore[attr-defined]
    except Exception as error:
        raise _keychain_failed("save", provider_id, error) from None
    _session_keys.pop(provider_id, None)  # the kept key is the one to use from now on
    log.info("Key for %s saved in the system keychain", provider_id)
    return StoredKey(provider_id, value, KEYCHAIN)


def delete_key(provider_id: str) -> bool:
    """Forget the key for ``provider_id`` kept for this session and in the keychain.

    Returns whether there was one to forget. A key from the environment stays: it is not
    FineAuthor's to remove. KeychainError when the keychain holds one it cannot remove."""
    provider_name(provider_id)
    removed = _session_keys.pop(provider_id, None) is not None
    backend, _ = _check_backend()
    if backend is None:
        if removed:
            log.info("Session key for %s forgotten", provider_id)
        return removed
    from keyring.errors import PasswordDeleteError

    try:
        backend.delete_password(SERVICE, provider_id)  # type: ignore[attr-defined]
    except PasswordDeleteError:
        pass  # there was none in the keychain
    except Exception as error:
        raise _keychain_failed("remove", provider_id, error) from None
    else:
        removed = True
    if removed:
        log.info("Key for %s removed", provider_id)
    return removed


def forget_session_keys() -> None:
    """Drop every key held for this session (tests; quitting does it anyway)."""
    _session_keys.clear()


def verify_key(provider_id: str, key: str) -> None:
    """Make one cheap authenticated call to ``provider_id`` with ``key``.

    Returns when the service accepts the key; otherwise raises a FineAuthorError (a
    ProviderError when the service answered) whose message says what is wrong in plain words
    and never contains the key. Meant for a worker thread: it waits on the network."""
    from fineauthor.providers.base import ProviderError
    from fineauthor.providers.registry import open_provider

    try:
        open_provider(provider_id, key).check_key()
    except ProviderError as problem:
        raise ProviderError(
            problem.kind,
            redact(str(problem), key),
            retry_after=problem.retry_after,
            line=problem.line,
        ) from None
    except FineAuthorError as problem:
        raise FineAuthorError(redact(str(problem), key)) from None
    except Exception as error:
        log.warning(
            "Testing the %s key failed unexpectedly (%s)", provider_id, type(error).__name__
        )
        raise FineAuthorError(
            f"FineAuthor could not finish testing the {provider_name(provider_id)} key "
            f"(an unexpected {type(error).__name__}). Check your connection and try again."
        ) from None
