"""Background work: a task that waits on a service never holds up the rest of the app."""

from __future__ import annotations

import threading

from fineauthor.ui.shell.workers import run_in_background


def test_waiting_replies_do_not_hold_up_other_work(qtbot) -> None:
    # Two replies streaming at the bench and a job being watched, all waiting on the network,
    # as on a two-core laptop: the check report's work must still run at once.
    release = threading.Event()
    ended: list[bool] = []
    for _ in range(3):
        run_in_background(lambda _p, _c: release.wait(30), on_success=ended.append)
    results: list[str] = []
    run_in_background(lambda _p, _c: "counted", on_success=results.append)
    try:
        qtbot.waitUntil(lambda: results == ["counted"], timeout=5000)
    finally:
        release.set()
    qtbot.waitUntil(lambda: len(ended) == 3, timeout=5000)
