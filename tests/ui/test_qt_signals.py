"""The installed Qt bindings survive a long session of signals (PySide6 6.12.0 under Python
3.11 lost a reference to True on every emit and aborted the interpreter after ~2,000)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_many_signal_emits_do_not_crash_the_interpreter() -> None:
    script = textwrap.dedent(
        """
        import sys
        from PySide6.QtCore import QCoreApplication, QObject, Signal
        app = QCoreApplication([])
        class Source(QObject):
            changed = Signal(int)
        source = Source()
        received = []
        source.changed.connect(received.append)
        before = sys.getrefcount(True)
        for number in range(20_000):
            source.changed.emit(number)
        assert len(received) == 20_000
        assert sys.getrefcount(True) >= before - 100, (before, sys.getrefcount(True))
        print("survived")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "survived" in done.stdout
