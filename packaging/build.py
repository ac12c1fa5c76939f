#!/usr/bin/env python3
"""Build FineAuthor's double-click app for the computer this runs on.

    python3 packaging/build.py

Makes (or reuses) the private environment in .venv exactly as bootstrap.py does, installs
PyInstaller into it, runs packaging/fineauthor.spec and prints where the bundle is and how big:

- Linux: dist/FineAuthor/ with the program dist/FineAuthor/fineauthor
- Windows: dist/FineAuthor/ with dist/FineAuthor/FineAuthor.exe (then packaging/windows/
  fineauthor.iss makes the installer)
- macOS: dist/FineAuthor.app

Standard library only; the exit status is PyInstaller's. build/ and dist/ are never committed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bootstrap  # noqa: E402  (the venv set-up is shared, not copied)

# PyInstaller 6 is the release line this spec is written for.
PYINSTALLER = "pyinstaller>=6.10,<7"


def say(message: str) -> None:
    print(f"build: {message}", flush=True)


def bundle_path() -> Path:
    if sys.platform == "darwin":
        return ROOT / "dist" / "FineAuthor.app"
    return ROOT / "dist" / "FineAuthor"


def program_path() -> Path:
    """The program inside the bundle that a double-click (or a test) starts."""
    if sys.platform == "darwin":
        return bundle_path() / "Contents" / "MacOS" / "FineAuthor"
    if os.name == "nt":
        return bundle_path() / "FineAuthor.exe"
    return bundle_path() / "fineauthor"


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def ensure_pyinstaller(python: str) -> None:
    major = "import PyInstaller, sys; sys.exit(PyInstaller.__version__.split('.')[0] != '6')"
    check = [python, "-c", major]
    if subprocess.run(check, capture_output=True, check=False).returncode == 0:
        return
    say(f"installing {PYINSTALLER} into {bootstrap.VENV.name}")
    command = [python, "-m", "pip", "install", "--quiet", PYINSTALLER]
    if subprocess.run(command, check=False).returncode != 0:
        sys.exit("build: could not install PyInstaller")


def main() -> int:
    if sys.version_info < bootstrap.MINIMUM_PYTHON:
        wanted = ".".join(map(str, bootstrap.MINIMUM_PYTHON))
        sys.exit(f"build: FineAuthor needs Python {wanted} or newer")
    bootstrap.create_venv()
    bootstrap.install(())
    python = str(bootstrap.venv_python())
    ensure_pyinstaller(python)

    say("running packaging/fineauthor.spec")
    started = time.perf_counter()
    command = [
        python,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level=WARN",
        "--distpath",
        str(ROOT / "dist"),
        "--workpath",
        str(ROOT / "build" / "pyinstaller"),
        str(ROOT / "packaging" / "fineauthor.spec"),
    ]
    status = subprocess.run(command, cwd=ROOT, check=False).returncode
    if status != 0:
        say(f"PyInstaller failed (exit status {status})")
        return status
    seconds = time.perf_counter() - started
    size = folder_size(bundle_path())
    say(f"built in {seconds:.0f} s")
    say(f"bundle: {bundle_path()} ({size / 1e6:.0f} MB)")
    say(f"start it with: {program_path()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
