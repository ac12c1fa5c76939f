#!/usr/bin/env python3
"""Set up FineAuthor in a private virtual environment and run it, its tests or its benchmarks.

    python3 bootstrap.py run [ARGS]        start FineAuthor (ARGS go to the ``fineauthor`` command)
    python3 bootstrap.py test [PYTEST ARGS] run the test suite off screen
    python3 bootstrap.py bench             run every tests/bench/*.py script

The first run creates ``.venv`` beside this file and installs FineAuthor into it (editable, so
changes to the code take effect at once). Later runs reinstall only when pyproject.toml changed.
Standard library only; Python 3.11 or newer on Linux, macOS or Windows. The exit status is the
status of what ran.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

MINIMUM_PYTHON = (3, 11)
ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "fineauthor-install.json"

# In a fresh D-Bus session, an unlocked, empty keychain for the keychain tests (DESIGN §7).
# The password is one empty line: with no line at all, gnome-keyring creates no login keyring
# and then asks for one through a prompter that cannot appear without a screen.
# "$0" is the venv's python and "$@" pytest's arguments, so nothing needs shell quoting.
_KEYRING_SHELL = (
    "printf '\\n' | gnome-keyring-daemon --unlock --components=secrets >/dev/null; "
    'exec "$0" -m pytest "$@"'
)


def say(message: str) -> None:
    print(f"bootstrap: {message}", flush=True)


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def create_venv() -> None:
    if venv_python().exists():
        return
    say(f"creating a virtual environment in {VENV.name}")
    result = subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=False)
    if result.returncode != 0 or not venv_python().exists():
        # A half-made venv (Debian's python3 without ensurepip) would fool the next run.
        shutil.rmtree(VENV, ignore_errors=True)
        hint = ""
        if sys.platform == "linux":
            hint = " (on Debian or Ubuntu, install python3-venv first)"
        sys.exit(f"bootstrap: could not create {VENV.name}{hint}")


def _wanted(extras: tuple[str, ...]) -> dict[str, object]:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return {"pyproject_sha256": digest, "extras": sorted(extras)}


def _installed() -> dict[str, object]:
    try:
        stamp = json.loads(STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamp if isinstance(stamp, dict) else {}


def install(extras: tuple[str, ...]) -> None:
    """Install the project into the venv unless the same pyproject.toml is already installed
    with at least these extras."""
    wanted = _wanted(extras)
    installed = _installed()
    have = installed.get("extras")
    if (
        installed.get("pyproject_sha256") == wanted["pyproject_sha256"]
        and isinstance(have, list)
        and set(extras) <= set(have)
    ):
        say(f"{VENV.name} is up to date")
        return
    if not installed:
        reason = "first install"
    elif installed.get("pyproject_sha256") != wanted["pyproject_sha256"]:
        reason = "pyproject.toml changed"
    else:
        reason = "adding what this command needs"
        extras = tuple(sorted(set(extras) | set(have or ())))  # keep what was there
        wanted["extras"] = sorted(extras)
    target = f".[{','.join(extras)}]" if extras else "."
    say(f"installing FineAuthor {target} into {VENV.name} ({reason})")
    command = [str(venv_python()), "-m", "pip", "install", "--quiet", "--editable", target]
    result = subprocess.run(command, cwd=ROOT, check=False)
    if result.returncode != 0:
        STAMP.unlink(missing_ok=True)
        sys.exit(result.returncode)
    STAMP.write_text(json.dumps(wanted, indent=2) + "\n", encoding="utf-8")


def run_app(args: list[str]) -> int:
    say("starting FineAuthor")
    return _call([str(venv_python()), "-m", "fineauthor", *args])


def run_tests(args: list[str]) -> int:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    python = str(venv_python())
    keychain = sys.platform == "linux" and all(
        shutil.which(tool) for tool in ("dbus-run-session", "gnome-keyring-daemon")
    )
    if not keychain:
        say("running pytest off screen")
        return _call([python, "-m", "pytest", *args], env=env)
    say("running pytest off screen, with a fresh unlocked keychain in its own D-Bus session")
    keyring_home = tempfile.mkdtemp(prefix="fineauthor-keyring-")
    try:
        # The keychain's files go to a throwaway folder, never the user's own keyrings.
        env["XDG_DATA_HOME"] = keyring_home
        command = ["dbus-run-session", "--", "sh", "-c", _KEYRING_SHELL, python, *args]
        return _call(command, env=env)
    finally:
        shutil.rmtree(keyring_home, ignore_errors=True)


def run_benchmarks() -> int:
    scripts = sorted((ROOT / "tests" / "bench").glob("*.py"))
    if not scripts:
        say("no benchmarks in tests/bench")
        return 0
    worst = 0
    for script in scripts:
        say(f"benchmark {script.relative_to(ROOT).as_posix()}")
        status = _call([str(venv_python()), str(script)])
        worst = worst or status  # every script runs; the first failure decides the status
    return worst


def _call(command: list[str], env: dict[str, str] | None = None) -> int:
    try:
        return subprocess.call(command, cwd=ROOT, env=env)
    except KeyboardInterrupt:
        return 130


def main(argv: list[str]) -> int:
    if sys.version_info < MINIMUM_PYTHON:
        wanted = ".".join(map(str, MINIMUM_PYTHON))
        print(f"bootstrap: FineAuthor needs Python {wanted} or newer", file=sys.stderr)
        return 2
    if not argv or argv[0] not in ("run", "test", "bench"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    command, args = argv[0], argv[1:]
    create_venv()
    install(() if command == "run" else ("test",))
    if command == "run":
        return run_app(args)
    if command == "test":
        return run_tests(args)
    return run_benchmarks()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
