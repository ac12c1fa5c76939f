"""Benchmark: start-up to the main window shown, against a bare PySide6 window, in one run.

Both are whole processes started the same way, alternating, several times; the medians are
compared. Budget (DESIGN §8): FineAuthor ≤ 2× the bare window.

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env["FINEAUTHOR_HOME"] = tempfile.mkdtemp(prefix="fineauthor-bench-home-")

    bare_command = [sys.executable, "-c", BARE_WINDOW]
    app_command = [sys.executable, "-m", "fineauthor", "--exit-when-ready"]
    timed(bare_command, env)  # warm the disk cache for both before measuring
    timed(app_command, env)
    bare, app = [], []
    for _ in range(options.runs):
        bare.append(timed(bare_command, env))
        app.append(timed(app_command, env))
    bare_median, app_median = statistics.median(bare), statistics.median(app)
    print(f"bare PySide6 window: median {bare_median * 1000:.0f} ms over {options.runs} runs")
    print(f"fineauthor --exit-when-ready: median {app_median * 1000:.0f} ms")
    ratio = app_median / bare_median
    print(f"start-up / bare window = {ratio:.2f}×   (budget ≤ 2.00×)")
    print("within budget" if ratio <= 2 else "OVER BUDGET")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
