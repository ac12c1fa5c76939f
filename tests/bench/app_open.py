"""Benchmark: the app with a 10,000-example project (~120 MB of text).

In one run, in a fresh child process each time (offscreen):
  - time from "open this project" to an interactive window (list filled, first example in the
    editor) — budget < 1 s;
  - the longest the event loop went without running while counts and checks filled in from the
    background, and keystroke times typed during that background check — "typing stays smooth";
  - time until the check report is complete;
  - peak memory of the process against the project's text size — budget ≤ 2.5×; a bare
    PySide6 window process is measured the same way for reference.

Usage: python tests/bench/app_open.py [--examples 10000] [--file PROJECT]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _peak_rss() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def child(path: Path) -> None:
    """Runs in its own process; prints one JSON line of measurements."""
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from fineauthor.core.project.project import Project
    from fineauthor.ui.shell.main_window import MainWindow

    app = QApplication([])
    window = MainWindow()
    window.show()
    app.processEvents()

    started = time.perf_counter()
    window.open_project(path)
    editor = window.view.editor
    while editor.current_id is None:
        app.processEvents()
    app.processEvents()
    interactive = time.perf_counter() - started

    # How long the event loop is kept from running while the background check works.
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()

    def tick() -> None:
        gaps.append(clock.restart())

    ticker = QTimer()
    ticker.timeout.connect(tick)
    ticker.start(5)
    report = window.view.report
    keystrokes: list[float] = []
    field = editor.response_field.editor
    field.moveCursor(QTextCursor.MoveOperation.End)
    deadline = time.perf_counter() + 120
    while report.report is None and time.perf_counter() < deadline:
        if len(keystrokes) < 200:
            before = time.perf_counter()
            QTest.keyClick(field, "a")
            keystrokes.append(time.perf_counter() - before)
        app.processEvents()
    checked = time.perf_counter() - started
    ticker.stop()

    with Project.open(path) as project:
        text = project.text_size()
    keystrokes.sort()
    print(
        json.dumps(
            {
                "examples": window.document.count(),
                "interactive_s": interactive,
                "checked_s": checked,
                "longest_stall_ms": max(gaps, default=0),
                "keys_typed_during_check": len(keystrokes),
                "key_p95_ms": 1000 * keystrokes[int(len(keystrokes) * 0.95)]
                if keystrokes
                else None,
                "peak_rss": _peak_rss(),
                "text_chars": text,
            }
        )
    )
    window.close()


BARE = """
import json
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow(); window.resize(1280, 800); window.show(); app.processEvents()
with open("/proc/self/status") as status:
    peak = next(int(l.split()[1]) * 1024 for l in status if l.startswith("VmHWM:"))
print(json.dumps({"peak_rss": peak}))
"""


def run_child(arguments: list[str]) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.setdefault("FINEAUTHOR_HOME", tempfile.mkdtemp(prefix="fineauthor-app-open-home-"))
    done = subprocess.run(arguments, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--file", type=Path, help="reuse a project (e.g. from project_open.py)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child)
        return 0

    folder = None
    if options.file:
        path = options.file
    else:
        sys.path.insert(0, str(HERE))
        from project_open import build

        folder = Path(tempfile.mkdtemp(prefix="fineauthor-app-open-"))
        path = folder / "big.fineauthor"
        seconds = build(path, options.examples)
        print(f"(built a {options.examples:,}-example project in {seconds:.1f} s)")

    bare = run_child([sys.executable, "-c", BARE])
    runs = [run_child([sys.executable, __file__, "--child", str(path)]) for _ in range(3)]
    first = runs[0]
    text = first["text_chars"]
    interactive = statistics.median(r["interactive_s"] for r in runs)
    peak = max(r["peak_rss"] for r in runs)
    print(f"project: {first['examples']:,} examples, {text / 1e6:.0f} M characters of text")
    print(f"open → interactive window: {interactive * 1000:.0f} ms (median of 3; budget < 1000)")
    print(f"check report complete after: {statistics.median(r['checked_s'] for r in runs):.1f} s")
    print(
        f"while it ran: longest event-loop stall {max(r['longest_stall_ms'] for r in runs)} ms; "
        f"keystroke p95 {statistics.median(r['key_p95_ms'] for r in runs):.1f} ms "
        f"over {first['keys_typed_during_check']} keys"
    )
    print(
        f"peak memory {peak / 1e6:.0f} MB = {peak / text:.2f}× the text (budget ≤ 2.5×); "
        f"a bare PySide6 window peaks at {bare['peak_rss'] / 1e6:.0f} MB"
    )
    within = interactive < 1 and peak <= 2.5 * text
    print("within budget" if within else "OVER BUDGET")
    if folder is not None:
        path.unlink()
        folder.rmdir()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
