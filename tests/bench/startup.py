"""Benchmark: start-up to the main window shown, against a bare PySide6 window, in one run.

Both are whole processes started the same way, alternating, several times; the medians are
compared. Budget (DESIGN §8): FineAuthor ≤ 2× the bare window.

The budget is judged as a writer starts the app: with Python's cache of compiled modules, which
the first start writes (pip and the bundle write it at install time). A machine may forbid that
cache (PYTHONDONTWRITEBYTECODE); then every start compiles FineAuthor's own modules from source
while the bare window's come compiled from the install, so that figure is printed too, for
comparison only. The cache goes to a temporary folder, never into the tree.

With --instructions (and valgrind installed) it also counts the instructions each start runs,
under callgrind: slower (about half a minute), but the same on every run however busy the
machine is, where the times above can move by a fifth between runs.

Usage: python tests/bench/startup.py [--runs 7] [--instructions]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BARE_WINDOW = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1280, 800)
window.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""


def timed(arguments: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(arguments, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def medians(env: dict[str, str], runs: int) -> tuple[float, float]:
    """The bare window's and FineAuthor's median start-up in seconds, alternating runs."""
    bare_command = [sys.executable, "-c", BARE_WINDOW]
    app_command = [sys.executable, "-m", "fineauthor", "--exit-when-ready"]
    timed(bare_command, env)  # warm the disk cache (and the module cache) before measuring
    timed(app_command, env)
    bare, app = [], []
    for _ in range(runs):
        bare.append(timed(bare_command, env))
        app.append(timed(app_command, env))
    return statistics.median(bare), statistics.median(app)


def instructions(arguments: list[str], env: dict[str, str], folder: str) -> int:
    """The instructions one start runs, counted by valgrind's callgrind."""
    out = os.path.join(folder, "callgrind.out")
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *arguments],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    found = re.search(r"Collected : (\d+)", result.stderr)
    if found is None:
        raise SystemExit("callgrind printed no instruction count")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--instructions", action="store_true", help="also count instructions")
    options = parser.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env["FINEAUTHOR_HOME"] = tempfile.mkdtemp(prefix="fineauthor-bench-home-")
    as_writers = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    as_writers["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="fineauthor-bench-pycache-")

    bare_median, app_median = medians(as_writers, options.runs)
    print(f"bare PySide6 window: median {bare_median * 1000:.0f} ms over {options.runs} runs")
    print(f"fineauthor --exit-when-ready: median {app_median * 1000:.0f} ms")
    ratio = app_median / bare_median
    print(f"start-up / bare window = {ratio:.2f}×   (budget ≤ 2.00×)")
    if env.get("PYTHONDONTWRITEBYTECODE"):
        bare_cold, app_cold = medians(env, options.runs)
        print(
            f"for comparison, with this machine's module cache forbidden: {app_cold * 1000:.0f} "
            f"ms vs {bare_cold * 1000:.0f} ms = {app_cold / bare_cold:.2f}×"
        )
    if options.instructions:
        if shutil.which("valgrind") is None:
            raise SystemExit("--instructions needs valgrind")
        folder = tempfile.mkdtemp(prefix="fineauthor-bench-callgrind-")
        bare_count = instructions([sys.executable, "-c", BARE_WINDOW], as_writers, folder)
        app_count = instructions(
            [sys.executable, "-m", "fineauthor", "--exit-when-ready"], as_writers, folder
        )
        print(
            f"instructions (callgrind): {app_count / 1e6:,.0f} M vs {bare_count / 1e6:,.0f} M "
            f"= {app_count / bare_count:.2f}×"
        )
    print("within budget" if ratio <= 2 else "OVER BUDGET")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
