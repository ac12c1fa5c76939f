"""Before Qt starts on Linux: is there a screen, and can Qt's X11 platform plugin load?

Without either, Qt prints its own lines about plugins and "xcb-cursor0" and then aborts the
process. FineAuthor looks first and says in one plain message what is missing and the one
command that installs it, so a writer on a fresh machine knows what to do.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

# What Qt's X11 window needs on top of a bare system, by package family. The README's Run
# section shows the same lines and .ci/run installs the Debian one (a test keeps them equal).
DEBIAN_PACKAGES = (
    "python3-venv",
    "libgl1",
    "libegl1",
    "libfontconfig1",
    "fonts-dejavu-core",
    "libdbus-1-3",
    "libglib2.0-0",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xfixes0",
    "libxcb-xinerama0",
    "libxcb-xkb1",
)
FEDORA_PACKAGES = (
    "python3",
    "mesa-libGL",
    "mesa-libEGL",
    "fontconfig",
    "dejavu-sans-fonts",
    "dbus-libs",
    "glib2",
    "libxkbcommon",
    "libxkbcommon-x11",
    "xcb-util-cursor",
    "xcb-util-wm",
    "xcb-util-image",
    "xcb-util-keysyms",
    "xcb-util-renderutil",
)
INSTALL_COMMANDS = {
    "debian": "sudo apt-get install " + " ".join(DEBIAN_PACKAGES),
    "fedora": "sudo dnf install " + " ".join(FEDORA_PACKAGES),
}
_FAMILY_NAMES = {"debian": "Debian or Ubuntu", "fedora": "Fedora"}
_MISSING_LIBRARY = re.compile(r"(lib[\w.+-]+\.so[\w.]*): cannot open shared object file")

Loader = Callable[[str], object]


def os_family(os_release: Path = Path("/etc/os-release")) -> str | None:
    """ "debian" or "fedora" when this system is (like) one of them, else None."""
    try:
        text = os_release.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    names: list[str] = []
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key in ("ID", "ID_LIKE"):
            names += value.strip().strip("\"'").lower().split()
    for family, members in (
        ("debian", {"debian", "ubuntu"}),
        ("fedora", {"fedora", "rhel", "centos"}),
    ):
        if members & set(names):
            return family
    return None


def install_advice(family: str | None) -> str:
    """The command that installs what the window needs, for ``family`` (both when unknown)."""
    if family in INSTALL_COMMANDS:
        return f"Install it with:\n\n    {INSTALL_COMMANDS[family]}\n"
    lines = [f"    {_FAMILY_NAMES[f]}: {command}" for f, command in INSTALL_COMMANDS.items()]
    return "Install it with the line for your system:\n\n" + "\n".join(lines) + "\n"


def xcb_plugin(plugins_folder: Path | None = None) -> Path | None:
    """Where Qt's X11 platform plugin is, or None when this Qt has none there."""
    if plugins_folder is None:
        from PySide6.QtCore import QLibraryInfo

        plugins_folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    plugin = plugins_folder / "platforms" / "libqxcb.so"
    return plugin if plugin.is_file() else None


NO_SCREEN = (
    "FineAuthor needs a screen to show its window, and this session has none (no DISPLAY is "
    "set). Start FineAuthor from your desktop, or over SSH with “ssh -X”. The commands "
    "(fineauthor check, import, train …) work without a screen."
)


def display_problem(
    environ: Mapping[str, str] | None = None,
    *,
    plugin: Path | None = None,
    load: Loader | None = None,
    family: str | None = None,
) -> str | None:
    """What stops Qt from opening a window here, in plain words, or None when nothing does."""
    env = os.environ if environ is None else environ
    if not _uses_x11(env):
        return None
    if not env.get("DISPLAY"):
        return NO_SCREEN
    found = plugin if plugin is not None else xcb_plugin()
    if found is None:
        return None  # a Qt laid out differently: let it try
    if load is None:
        import ctypes  # only on the X11 path: start-up elsewhere never pays for it

        load = ctypes.CDLL
    try:
        load(str(found))
    except OSError as problem:
        missing = _MISSING_LIBRARY.search(str(problem))
        what = f" ({missing.group(1)})" if missing else ""
        return (
            "FineAuthor can’t open its window: a system library that Qt’s window needs is "
            f"missing{what}. "
            + install_advice(family if family is not None else os_family())
            + "Then start FineAuthor again."
        )
    return None


def _uses_x11(env: Mapping[str, str]) -> bool:
    """Whether Qt would open its window through X11. Another platform chosen with
    QT_QPA_PLATFORM (the tests' "offscreen"), a Wayland session, macOS and Windows are left to
    Qt."""
    if not sys.platform.startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "").strip().lower()
    if chosen:
        return chosen.startswith("xcb")
    return not env.get("WAYLAND_DISPLAY")
