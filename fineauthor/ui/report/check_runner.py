"""The dataset check, rerun in the background a moment after the writer stops changing things.

The check itself is core's ``check_items`` over the project's examples; this object decides
when to run it (600 ms after the last change), runs it off the GUI thread, cancels a run that a
newer change made pointless, drops a stale result, and hands the report over together with the
example ids in the order they had when the check started, so a position in the report ("Example
3") can be turned back into an example id even after the writer has reordered things.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from fineauthor.core.catalog import ModelInfo, load_catalog
from fineauthor.core.dataset.checks import (
    CheckReport,
    CheckSettings,
    check_items,
    example_items,
    project_check_settings,
)
from fineauthor.core.dataset.example import Example
from fineauthor.core.project.project import Project
from fineauthor.core.project.project_settings import ProjectSettings
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.shell.workers import Task, run_in_background

QUIET_MS = 600  # how long the dataset must stay unchanged before a check starts


def chosen_model(settings: ProjectSettings) -> ModelInfo:
    """The model the project trains: its ``base_model`` when the catalog knows it, otherwise
    the catalog's default."""
    return load_catalog().model_or_default(settings.base_model)


def check_settings(settings: ProjectSettings) -> CheckSettings:
    """What a project's examples are checked against."""
    return project_check_settings(settings, chosen_model(settings))


def check_project(
    project: Project,
    settings: CheckSettings,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> tuple[CheckReport, tuple[int, ...]]:
    """Check every example of ``project``; the report and the ids of the examples it read, in
    the order it read them (position 1 is the first id)."""
    read: list[int] = []

    def examples() -> Iterator[Example]:
        # Read in short chunks: memory stays small and edits never wait long. It is not a
        # snapshot, so the caller compares the ids read with its own (CheckRunner does).
        for example in project.stream_examples():
            assert example.id is not None
            read.append(example.id)
            yield example

    report = check_items(
        example_items(examples(), settings.rules),
        settings,
        cache=project,
        progress=progress,
        cancelled=cancelled,
    )
    return report, tuple(read)


class _Shared:
    """What a running check's callbacks may look at after the runner is deleted."""

    def __init__(self) -> None:
        self.alive = True
        self.task: Task | None = None

    def end(self) -> None:
        self.alive = False
        if self.task is not None:
            self.task.cancel()


class CheckRunner(QObject):
    """Reruns the check ``QUIET_MS`` after the last ``datasetChanged`` (and once at the start).

    ``reportReady(report, ids)`` delivers each fresh report with the example ids in the order
    of the check: the example at position ``n`` in the report is ``ids[n - 1]``.
    ``running(bool)`` says when a check starts and when none is running any more;
    ``failed(str)`` carries a plain message when the project could not be read.
    """

    reportReady = Signal(object, object)  # noqa: N815  (CheckReport, tuple[int, ...])
    running = Signal(bool)
    failed = Signal(str)

    def __init__(
        self,
        document: ProjectDocument,
        parent: QObject | None = None,
        *,
        quiet_ms: int = QUIET_MS,
    ) -> None:
        super().__init__(parent)
        self._document = document
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(quiet_ms)
        self._timer.timeout.connect(self._start)
        self._task: Task | None = None
        self._generation = 0  # bumped by every change: a result of an older one is stale
        self._retried = -1  # the generation already rerun because its read was inconsistent
        self._busy = False
        self._report: CheckReport | None = None
        self._ids: tuple[int, ...] = ()
        self._stopped = False
        # A check may finish after this object is gone (its window closed): the callbacks look
        # here first, since they must not touch a deleted QObject.
        shared = self._shared = _Shared()
        self.destroyed.connect(shared.end)
        document.datasetChanged.connect(self.schedule)
        self.schedule()

    # Public --------------------------------------------------------------------------------

    @property
    def report(self) -> CheckReport | None:
        """The latest fresh report, or None before the first one."""
        return self._report

    @property
    def ids(self) -> tuple[int, ...]:
        """The example ids in the order of the latest report."""
        return self._ids

    def is_running(self) -> bool:
        return self._busy

    def is_pending(self) -> bool:
        """Whether a check is waiting for quiet or running: the latest report may be stale."""
        return self._busy or self._timer.isActive()

    def schedule(self) -> None:
        """The dataset changed: cancel any running check and start a new one after a quiet
        moment."""
        if self._stopped:
            return
        self._generation += 1
        if self._task is not None:
            self._task.cancel()
        self._timer.start()

    def check_now(self) -> None:
        """Start a check at once (cancelling a running one)."""
        if self._stopped:
            return
        self._generation += 1
        if self._task is not None:
            self._task.cancel()
        self._timer.stop()
        self._start()

    def stop(self) -> None:
        """No more checks (the project is closing); a running one is cancelled."""
        if self._stopped:
            return
        self._stopped = True
        self._timer.stop()
        self._generation += 1
        if self._task is not None:
            self._task.cancel()
        self._document.datasetChanged.disconnect(self.schedule)

    # The run -------------------------------------------------------------------------------

    def _start(self) -> None:
        document = self._document
        ids = tuple(document.ids())  # on the GUI thread, before the worker reads the file
        settings = check_settings(document.settings)
        project = document.project
        generation = self._generation

        def work(
            progress: Callable[[int], None], cancelled: Callable[[], bool]
        ) -> tuple[CheckReport, tuple[int, ...]]:
            return check_project(project, settings, progress, cancelled)

        shared = self._shared
        started: list[Task] = []  # the task, for its own end (it may end before it is known)
        task = run_in_background(
            work,
            on_success=lambda result: shared.alive and self._succeeded(generation, ids, result),
            on_failure=lambda message: shared.alive and self._failed(generation, message),
            on_finished=lambda: shared.alive and started and self._finished(started[0]),
        )
        started.append(task)
        self._task = shared.task = task
        self._set_busy(True)

    def _succeeded(
        self,
        generation: int,
        ids: tuple[int, ...],
        result: tuple[CheckReport, Sequence[int]],
    ) -> None:
        if generation != self._generation:
            return  # a newer change made it stale; its own check is on the way
        report, read = result
        read = tuple(read)
        if read != ids:
            # The file changed between the snapshot and the chunked read without the document
            # saying so (another program?): the report may have missed or met an example
            # twice, so check once more. If it differs again, the ids read are the truth for
            # the report's positions.
            if self._retried != generation:
                self._retried = generation
                self.schedule()
                self._retried = self._generation
                return
            ids = read
        self._report, self._ids = report, ids
        self.reportReady.emit(report, ids)

    def _failed(self, generation: int, message: str) -> None:
        if generation == self._generation and not self._stopped:
            self.failed.emit(message)

    def _finished(self, task: Task) -> None:
        if self._task is task:
            self._task = None
            self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.running.emit(busy)
