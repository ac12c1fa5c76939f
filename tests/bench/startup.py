"""Benchmark: start-up to the main window shown, against a bare PySide6 window, in one run.

Both are whole processes started the same way, alternating, several times; the medians are
compared. Budget (DESIGN §8): FineAuthor ≤ 2× the bare window.

The budget is judged as a writer starts the app: with Python's cache of compiled modules, which
the first start writes (pip and the bundle write it at install time). A machine may forbid that
cache (PYTHONDONTWRITEBYTECODE); then every start compiles FineAuthor's own modules from source
while the bare window's come compiled from the install, so that figure is printed too, for
comparison only. The cache goes to a temporary folder, never into the tree.

Usage: python tests/bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
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
    print("within budget" if ratio <= 2 else "OVER BUDGET")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
