#!/usr/bin/env python3
"""Smoke-test a built bundle the way a writer would use it, off screen and off the network.

    python3 packaging/smoke_test.py [PROGRAM]

PROGRAM is the bundle's program (by default the one packaging/build.py just built). Three
checks, each in a fresh home folder with an empty tiktoken cache:

1. ``PROGRAM --exit-when-ready`` shows the main window and exits 0;
2. ``PROGRAM check`` on the sample project's export (the copy inside the bundle) counts tokens
   with no network;
3. a ``.fineauthor`` project passed as an argument opens: ``--exit-when-ready sample.fineauthor``
   exits 0 (it exits 1 when the project cannot be opened);
4. on Linux, the same project on a real X11 display (Xvfb, Qt's xcb platform, not offscreen):
   the window is painted within a minute, with text on it, and its picture is saved as
   build/smoke-xcb.png.

The network is cut with ``unshare -n`` (or ``unshare -rn`` without root) where Linux allows it;
in every case the test also fails if anything appears in tiktoken's download cache. Exit
status 0 when all pass, 1 otherwise. Standard library only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build import ROOT, bundle_path, program_path
from x11_screen import ScreenError, VirtualScreen, xvfb_available

TIMEOUT = 120  # seconds for any one command; a hang is a failure, not a stuck CI
SCREENSHOT = ROOT / "build" / "smoke-xcb.png"
MIN_COLOURS = 20  # a window with text and buttons on it has many more; a blank one has one


def no_network_prefix() -> list[str]:
    """A command prefix that runs its command with no network, or [] where none works."""
    if sys.platform != "linux" or not shutil.which("unshare"):
        return []
    for prefix in (["unshare", "-n"], ["unshare", "-rn"]):
        probe = subprocess.run([*prefix, "true"], capture_output=True, check=False)
        if probe.returncode == 0:
            return prefix
    return []


def find_in_bundle(*parts: str) -> Path:
    """A file shipped inside the bundle's resources folder (wherever the platform puts it)."""
    matches = sorted(bundle_path().rglob("/".join(("resources", *parts))))
    if not matches:
        raise SystemExit(f"smoke: resources/{'/'.join(parts)} is missing from the bundle")
    return matches[0]


class Smoke:
    def __init__(self, program: Path) -> None:
        self.program = program
        self.work = Path(tempfile.mkdtemp(prefix="fineauthor-smoke-"))
        self.cache = self.work / "tiktoken-cache"
        self.cache.mkdir()
        home = self.work / "home"
        home.mkdir()
        self.env = dict(
            os.environ,
            HOME=str(home),
            USERPROFILE=str(home),
            FINEAUTHOR_HOME=str(self.work / "fineauthor-home"),
            TIKTOKEN_CACHE_DIR=str(self.cache),
            # tiktoken's fallback cache is under the temporary folder: keep that one ours too.
            TMPDIR=str(self.work / "tmp"),
            QT_QPA_PLATFORM="offscreen",
        )
        (self.work / "tmp").mkdir()
        for name in ("OPENAI_API_KEY", "TOGETHER_API_KEY", "DISPLAY", "WAYLAND_DISPLAY"):
            self.env.pop(name, None)
        self.offline = no_network_prefix()
        self.failures: list[str] = []

    def run(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        command = [*self.offline, str(self.program), *arguments]
        try:
            return subprocess.run(
                command,
                env=self.env,
                cwd=self.work,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(command, 124, "", f"timed out after {TIMEOUT} s")

    def expect(self, name: str, result: subprocess.CompletedProcess[str], ok: bool) -> None:
        if ok:
            print(f"smoke: ok    {name}", flush=True)
            return
        print(f"smoke: FAIL  {name} (exit status {result.returncode})", flush=True)
        for stream in (result.stdout, result.stderr):
            if stream.strip():
                print("    " + stream.strip().replace("\n", "\n    "), flush=True)
        self.failures.append(name)

    def window(self) -> None:
        started = time.perf_counter()
        result = self.run("--exit-when-ready")
        seconds = time.perf_counter() - started
        self.expect(
            f"--exit-when-ready shows the window and exits 0 ({seconds:.1f} s)",
            result,
            result.returncode == 0,
        )

    def check(self) -> None:
        export = find_in_bundle("sample", "sample.jsonl")
        result = self.run("check", str(export), "--json")
        tokens = 0
        if result.returncode == 0:
            try:
                tokens = int(json.loads(result.stdout)["tokens"]["total"])
            except (ValueError, KeyError, TypeError):
                tokens = 0
        self.expect(
            f"check on the bundled sample export counts {tokens:,} tokens offline",
            result,
            result.returncode == 0 and tokens > 0,
        )

    def open_project(self) -> None:
        export = find_in_bundle("sample", "sample.jsonl")
        project = self.work / "sample.fineauthor"
        made = self.run("import", str(export), "-o", str(project))
        self.expect("import makes sample.fineauthor", made, made.returncode == 0)
        if made.returncode != 0:
            return
        result = self.run("--exit-when-ready", str(project))
        self.expect("--exit-when-ready sample.fineauthor opens it", result, result.returncode == 0)

    def real_display(self) -> None:
        """The sample project on Qt's xcb platform under Xvfb, and a picture of it."""
        project = self.work / "sample.fineauthor"
        name = "the window on a real X11 display (xcb under Xvfb) is painted"
        if not xvfb_available():
            failed = subprocess.CompletedProcess([], 1, "", "Xvfb is missing: apt-get install xvfb")
            self.expect(name, failed, False)
            return
        try:
            with VirtualScreen() as screen:
                env = dict(self.env, DISPLAY=screen.display, QT_QPA_PLATFORM="xcb")
                app = subprocess.Popen(
                    [*self.offline, str(self.program), str(project)],
                    env=env,
                    cwd=self.work,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                picture = screen.wait_for_painting(timeout=60, fraction=0.5)
                app.terminate()
                out, err = app.communicate(timeout=TIMEOUT)
        except ScreenError as problem:
            self.expect(name, subprocess.CompletedProcess([], 1, "", str(problem)), False)
            return
        SCREENSHOT.parent.mkdir(exist_ok=True)
        picture.save_png(SCREENSHOT)
        painted, colours = picture.painted_fraction(screen.empty), picture.colours()
        result = subprocess.CompletedProcess([], app.returncode, out, err)
        self.expect(
            f"{name}: {painted:.0%} of the screen, {colours} colours ({SCREENSHOT.name})",
            result,
            painted >= 0.5 and colours >= MIN_COLOURS,
        )

    def no_downloads(self) -> None:
        downloaded = [p for p in self.cache.rglob("*")]
        downloaded += list((self.work / "tmp").rglob("data-gym-cache/*"))
        result = subprocess.CompletedProcess([], 0 if not downloaded else 1, "", "")
        if downloaded:
            result.stderr = "\n".join(str(p) for p in downloaded)
        self.expect("nothing was downloaded into tiktoken's cache", result, not downloaded)


def main(argv: list[str]) -> int:
    program = Path(argv[0]) if argv else program_path()
    if not program.exists():
        print(f"smoke: {program} does not exist; build it with python3 packaging/build.py")
        return 1
    smoke = Smoke(program)
    if smoke.offline:
        print(f"smoke: {program}, network cut with {' '.join(smoke.offline)}")
    else:
        print(f"smoke: {program}, network NOT cut here (only the empty cache is checked)")
    smoke.window()
    smoke.check()
    smoke.open_project()
    if sys.platform == "linux":
        smoke.real_display()
    smoke.no_downloads()
    shutil.rmtree(smoke.work, ignore_errors=True)
    if smoke.failures:
        print(f"smoke: {len(smoke.failures)} check(s) failed")
        return 1
    print("smoke: all checks passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
