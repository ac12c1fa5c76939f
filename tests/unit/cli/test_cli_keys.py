"""``fineauthor key set|status|delete --provider P`` in real subprocesses: the key piped in or
typed at a terminal without echo, kept in the real Secret Service, reported masked, removed;
the environment override; no keychain; unknown providers; bad input. The key never appears in
what the command prints.

The commands keep keys under the real service name "FineAuthor", so the keychain tests run only
in the throwaway keyring that ``python3 bootstrap.py test`` starts; elsewhere they are skipped
(they would change the writer's own keychain).
"""

from __future__ import annotations

import os
import secrets
import select
import string
import subprocess
import sys
import time
from collections.abc import Iterator

import keyring
import pytest

from fineauthor.providers import keys
from tests.paths import REPO_ROOT

THROWAWAY_KEYRING_MARK = "fineauthor-keyring-"  # bootstrap.py's XDG_DATA_HOME for its keyring
KEY_VARIABLES = ("OPENAI_API_KEY", "TOGETHER_API_KEY", "FIREWORKS_API_KEY")
NO_KEYCHAIN = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}  # keyring's own switch


def fake_key(prefix: str = "sk-test-") -> str:
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(40))


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in KEY_VARIABLES}
    env.pop("PYTHON_KEYRING_BACKEND", None)
    env.update(extra)
    return env


def fineauthor(
    *args: str, stdin: str | None = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fineauthor", *args],
        input=stdin,
        env=env or child_env(),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def keychain() -> Iterator[None]:
    """The throwaway Secret Service of bootstrap.py, without FineAuthor entries around a test."""
    if THROWAWAY_KEYRING_MARK not in os.environ.get("XDG_DATA_HOME", ""):
        pytest.skip(
            "needs the throwaway keychain of `python3 bootstrap.py test` (these commands use "
            "the real FineAuthor entries, which must not be your own)"
        )
    if not keys.keychain_status()[0]:
        pytest.fail(f"bootstrap.py started a keyring, but: {keys.keychain_status()[1]}")
    for provider in ("openai", "together", "fireworks"):
        keys.delete_key(provider)
    yield
    for provider in ("openai", "together", "fireworks"):
        keys.delete_key(provider)


def assert_no_key(done: subprocess.CompletedProcess[str], key: str) -> None:
    assert key not in done.stdout and key not in done.stderr
    assert key[-12:] not in done.stdout + done.stderr


# --- with the real Secret Service -----------------------------------------------------------


def test_set_status_delete(keychain: None) -> None:
    key = fake_key()
    done = fineauthor("key", "set", "--provider", "openai", stdin=f"  {key}  \n")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Saved your OpenAI key ({keys.masked(key)}) in the system keychain.\n"
    assert done.stderr == ""
    assert_no_key(done, key)
    assert keyring.get_password("FineAuthor", "openai") == key  # really in the keychain

    done = fineauthor("key", "status", "--provider", "openai")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"OpenAI: set, in the system keychain: {keys.masked(key)}\n"
    assert_no_key(done, key)

    done = fineauthor("key", "delete", "--provider", "openai")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "Removed your OpenAI key from the system keychain.\n"
    assert keyring.get_password("FineAuthor", "openai") is None

    done = fineauthor("key", "status", "--provider", "openai")
    assert (done.returncode, done.stdout, done.stderr) == (1, "OpenAI: not set\n", "")

    done = fineauthor("key", "delete", "--provider", "openai")
    assert done.returncode == 0
    assert done.stdout == "There was no OpenAI key in the system keychain.\n"


def test_only_the_first_line_of_standard_input_is_read(keychain: None) -> None:
    key = fake_key("tgp_v1_")
    done = fineauthor("key", "set", "--provider", "together", stdin=f"{key}\nsomething else\n")
    assert done.returncode == 0, done.stderr
    assert keyring.get_password("FineAuthor", "together") == key
    assert keyring.get_password("FineAuthor", "openai") is None  # one entry per provider


def test_the_environment_overrides_and_is_reported(keychain: None) -> None:
    kept, from_environment = fake_key(), fake_key()
    env = child_env(OPENAI_API_KEY=from_environment)
    done = fineauthor("key", "set", "--provider", "openai", stdin=kept + "\n", env=env)
    assert done.returncode == 0
    assert "OPENAI_API_KEY is set in your environment" in done.stderr
    assert len(done.stderr.splitlines()) == 1

    done = fineauthor("key", "status", "--provider", "openai", env=env)
    assert done.returncode == 0
    assert done.stdout == (
        f"OpenAI: set, from environment (OPENAI_API_KEY): {keys.masked(from_environment)}\n"
    )
    assert f"in the system keychain ({keys.masked(kept)}) is not used" in done.stderr
    assert_no_key(done, kept)
    assert_no_key(done, from_environment)

    done = fineauthor("key", "delete", "--provider", "openai", env=env)
    assert done.returncode == 0
    assert "still set in your environment" in done.stderr
    assert fineauthor("key", "status", "--provider", "openai", env=env).returncode == 0


def test_bad_input_is_refused_and_nothing_is_kept(keychain: None) -> None:
    for text, says in (
        ("", "No key was given"),
        ("\n", "No key was given"),
        ("sk-test-abc defghijkl\n", "no spaces or line breaks"),
    ):
        done = fineauthor("key", "set", "--provider", "openai", stdin=text)
        assert done.returncode == 2, (text, done.stderr)
        assert done.stdout == ""
        assert says in done.stderr
        assert len(done.stderr.splitlines()) == 1
        assert "defghijkl" not in done.stderr
    assert keyring.get_password("FineAuthor", "openai") is None


@pytest.mark.skipif(os.name != "posix", reason="a pseudo-terminal is POSIX-only")
def test_at_a_terminal_the_key_is_read_without_echo(keychain: None) -> None:
    import pty

    key = fake_key()
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the command, with the terminal as its controlling terminal
        os.chdir(REPO_ROOT)
        os.execve(
            sys.executable,
            [sys.executable, "-m", "fineauthor", "key", "set", "--provider", "openai"],
            child_env(),
        )
    seen = b""

    def read_until(wanted: bytes, limit: float = 30) -> None:
        nonlocal seen
        deadline = time.monotonic() + limit
        while wanted not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([terminal], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(terminal, 4096)
                except OSError:  # the child has gone
                    break
                if not chunk:
                    break
                seen += chunk

    read_until(b"(it is not shown): ")  # echo is off once the prompt is out
    assert b"Paste your OpenAI API key" in seen
    os.write(terminal, key.encode() + b"\n")
    read_until(b"in the system keychain.")
    _, status = os.waitpid(pid, 0)
    os.close(terminal)
    assert os.waitstatus_to_exitcode(status) == 0, seen
    assert key.encode() not in seen  # the typed key was never echoed
    assert f"({keys.masked(key)})".encode() in seen
    assert keyring.get_password("FineAuthor", "openai") == key


# --- without a keychain (keyring's fail backend) -------------------------------------------


def test_no_keychain_set_and_delete_explain_and_fail() -> None:
    key = fake_key()
    done = fineauthor(
        "key", "set", "--provider", "openai", stdin=key + "\n", env=child_env(**NO_KEYCHAIN)
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("fineauthor: No system keychain was found on this computer")
    assert "set the environment variable OPENAI_API_KEY instead" in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert_no_key(done, key)

    done = fineauthor("key", "delete", "--provider", "together", env=child_env(**NO_KEYCHAIN))
    assert done.returncode == 1
    assert "No system keychain" in done.stderr and done.stdout == ""


def test_no_keychain_status() -> None:
    done = fineauthor("key", "status", "--provider", "fireworks", env=child_env(**NO_KEYCHAIN))
    assert (done.returncode, done.stdout) == (1, "Fireworks AI: not set\n")
    assert done.stderr.startswith("Note: No system keychain was found")

    key = fake_key("fw_")
    env = child_env(FIREWORKS_API_KEY=key, **NO_KEYCHAIN)
    done = fineauthor("key", "status", "--provider", "fireworks", env=env)
    assert done.returncode == 0
    assert done.stdout == (
        f"Fireworks AI: set, from environment (FIREWORKS_API_KEY): {keys.masked(key)}\n"
    )
    assert_no_key(done, key)


# --- arguments ---------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["set", "status", "delete"])
def test_unknown_provider_lists_the_known_ones(action: str) -> None:
    done = fineauthor("key", action, "--provider", "anthropic", stdin=fake_key() + "\n")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        'fineauthor: FineAuthor does not know the provider "anthropic". '
        "The providers it knows are: openai, together, fireworks.\n"
    )


@pytest.mark.parametrize(
    "args",
    [["key"], ["key", "status"], ["key", "rotate", "--provider", "openai"]],
)
def test_usage_mistakes_are_one_line_and_status_2(args: list[str]) -> None:
    done = fineauthor(*args)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1
    assert "--help" in done.stderr


def test_help_describes_the_commands() -> None:
    done = fineauthor("key", "--help")
    assert done.returncode == 0
    for word in ("set", "status", "delete", "OPENAI_API_KEY"):
        assert word in done.stdout
    overview = fineauthor("--help").stdout
    assert "(see “fineauthor COMMAND --help”)" in overview
    listed = [line.split()[0] for line in overview.split("commands (see", 1)[1].splitlines()[1:]]
    assert listed == ["check", "export", "import", "key", "train", "jobs", "watch", "prompts"]
