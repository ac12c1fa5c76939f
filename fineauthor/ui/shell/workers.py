"""Running long work off the GUI thread.

Long work is a plain function ``work(progress, cancelled)``: it reports with ``progress(done)``
and stops early when ``cancelled()`` turns true. ``run_in_background`` runs it on Qt's thread
pool and delivers its progress, result or error back on the GUI thread through signals. The
function never touches a widget.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from fineauthor.core.errors import FineAuthorError

Work = Callable[[Callable[[int], None], Callable[[], bool]], Any]

# Most background work waits on a service (a reply streaming, a job being watched), not on the
# processor. Qt's pool has one thread per core, so on a two-core laptop two streaming replies at
# the bench would hold every thread and the check report, or a model list, would wait behind
# them. Waiting threads cost nothing, so the pool has at least this many.
MIN_POOL_THREADS = 8


class Task(QObject):
    """A handle on one piece of background work. Signals arrive on the GUI thread."""

    progressed = Signal(int)
    succeeded = Signal(object)
    failed = Signal(str)  # a plain message for the writer (FineAuthorError's text)
    crashed = Signal(object)  # (type, value, traceback) of a bug, for the error dialog
    finished = Signal()  # after any of the three above

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop; it does at its next check."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


class _Runner(QRunnable):
    def __init__(self, task: Task, work: Work) -> None:
        super().__init__()
        self._task = task
        self._work = work

    def run(self) -> None:
        task = self._task
        try:
            result = self._work(task.progressed.emit, task._cancel.is_set)
        except FineAuthorError as problem:
            _deliver(task.failed, str(problem))
        except Exception:
            _deliver(task.crashed, sys.exc_info())
        else:
            _deliver(task.succeeded, result)
        _deliver(task.finished)


def _deliver(signal: object, *args: object) -> None:
    # When the app is closing, the receiving side may already be gone: the result is then
    # nobody's business, not an error to show.
    with contextlib.suppress(RuntimeError):
        signal.emit(*args)  # type: ignore[attr-defined]


_running: set[Task] = set()  # keeps each Task alive until its signals have been delivered


def run_in_background(
    work: Work,
    *,
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[str], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_finished: Callable[[], None] | None = None,
    pool: QThreadPool | None = None,
) -> Task:
    """Start ``work`` on the thread pool. A bug in it goes to the friendly error dialog.

    Pass the handlers here: the work may end before this returns, and a signal emitted before
    a handler is connected to it reaches nobody."""
    task = Task()
    if on_success is not None:
        task.succeeded.connect(on_success)
    if on_failure is not None:
        task.failed.connect(on_failure)
    if on_progress is not None:
        task.progressed.connect(on_progress)
    if on_finished is not None:
        task.finished.connect(on_finished)
    task.crashed.connect(_report_crash)
    _running.add(task)
    task.finished.connect(lambda: _running.discard(task))
    target = pool or QThreadPool.globalInstance()
    if target.maxThreadCount() < MIN_POOL_THREADS:
        target.setMaxThreadCount(MIN_POOL_THREADS)
    target.start(_Runner(task, work))
    return task


def _report_crash(info: tuple) -> None:
    from fineauthor.ui.shell.error_dialog import report_exception

    report_exception(*info)


def shutdown_workers(timeout_ms: int = 5000) -> None:
    """Before the app quits: ask all background work to stop and wait for it (a bounded time),
    so nothing reports back into windows that no longer exist."""
    for task in list(_running):
        task.cancel()
    QThreadPool.globalInstance().waitForDone(timeout_ms)
