"""Starting the app where no window can open: one plain message from FineAuthor with what is
missing and the command that installs it, exit status 2, and none of Qt's own lines."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fineauthor.ui.shell.display_check import (
    DEBIAN_PACKAGES,
    FEDORA_PACKAGES,
    INSTALL_COMMANDS,
    NO_SCREEN,
    display_problem,
    os_family,
)
from tests.paths import REPO_ROOT

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 is Linux's")


@linux_only
def test_with_no_screen_the_app_says_so_and_exits_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["FINEAUTHOR_HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "fineauthor", "--exit-when-ready"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == f"fineauthor: {NO_SCREEN}"
    assert "qt.qpa" not in done.stderr and "plugin" not in done.stderr
    assert done.stdout == ""


def _missing(name: str):
    def load(path: str) -> None:
        raise OSError(f"{name}: cannot open shared object file: No such file or directory")

    return load


@linux_only
def test_a_missing_window_library_is_named_with_the_command_for_this_system(
    tmp_path: Path,
) -> None:
    plugin = tmp_path / "libqxcb.so"
    plugin.write_bytes(b"")
    env = {"DISPLAY": ":0"}
    problem = display_problem(
        env, plugin=plugin, load=_missing("libxcb-icccm.so.4"), family="debian"
    )
    assert problem is not None
    assert "(libxcb-icccm.so.4)" in problem
    assert INSTALL_COMMANDS["debian"] in problem
    assert "dnf" not in problem
    fedora = display_problem(
        env, plugin=plugin, load=_missing("libxcb-cursor.so.0"), family="fedora"
    )
    assert fedora is not None and INSTALL_COMMANDS["fedora"] in fedora and "apt-get" not in fedora


@linux_only
def test_on_an_unknown_system_both_commands_are_offered(tmp_path: Path) -> None:
    plugin = tmp_path / "libqxcb.so"
    plugin.write_bytes(b"")
    problem = display_problem(
        {"DISPLAY": ":0"}, plugin=plugin, load=_missing("libxcb-keysyms.so.1"), family=""
    )
    assert problem is not None
    assert "Debian or Ubuntu: " + INSTALL_COMMANDS["debian"] in problem
    assert "Fedora: " + INSTALL_COMMANDS["fedora"] in problem


@linux_only
def test_other_platforms_and_working_setups_are_left_to_qt(tmp_path: Path) -> None:
    plugin = tmp_path / "libqxcb.so"
    plugin.write_bytes(b"")
    broken = _missing("libxcb-icccm.so.4")
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, plugin=plugin, load=broken) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, plugin=plugin, load=broken) is None
    assert display_problem({"DISPLAY": ":0"}, plugin=plugin, load=lambda path: None) is None
    # Asking for X11 by name with no display still gets the plain sentence.
    assert display_problem({"QT_QPA_PLATFORM": "xcb"}, plugin=plugin, load=broken) == NO_SCREEN


@pytest.mark.parametrize(
    ("os_release", "family"),
    [
        ('ID=debian\nVERSION_ID="12"\n', "debian"),
        ("ID=ubuntu\nID_LIKE=debian\n", "debian"),
        ('ID=linuxmint\nID_LIKE="ubuntu debian"\n', "debian"),
        ("ID=fedora\n", "fedora"),
        ('ID="rocky"\nID_LIKE="rhel centos fedora"\n', "fedora"),
        ("ID=arch\n", None),
    ],
)
def test_the_system_family_is_read_from_os_release(
    tmp_path: Path, os_release: str, family: str | None
) -> None:
    path = tmp_path / "os-release"
    path.write_text(os_release, encoding="utf-8")
    assert os_family(path) == family
    assert os_family(tmp_path / "none") is None


def test_the_readme_gives_the_same_install_lines_the_app_does() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert readme.count(INSTALL_COMMANDS["debian"]) == 1
    assert readme.count(INSTALL_COMMANDS["fedora"]) == 1
    # The Debian line names every library Qt's X11 plugin loads beyond a bare system.
    assert {"libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1"} <= set(DEBIAN_PACKAGES)
    assert {"xcb-util-cursor", "xcb-util-wm", "xcb-util-keysyms"} <= set(FEDORA_PACKAGES)
