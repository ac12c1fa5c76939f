"""Train a model: choose the service and base model, check, confirm, send, start.

The dialog walks through the pages of one stack:

1. **Choose** — the service (only those FineAuthor can talk to, each with what a new writer
   should know about it), the base model, whether a key is set, and the collapsed Advanced
   settings.
2. **Check** — ``prepare`` in a worker. Problems stop here (``Refused`` page); otherwise the
   **Estimate** page shows what FineAuthor expects it to cost and asks "Send your N examples to
   <service> and start training?". Nothing has left the computer before this answer.
3. **Sending** — ``upload_dataset`` in a worker with a byte progress bar and Cancel; then the
   service's own price when it gives one (**Price** page, confirm again).
4. **Starting** — ``create_job``; the job is handed over (``jobStarted``) to the watch view.

Any refusal or lost connection shows the **Problem** page: the service's sentence, what to do
next, and a button that does it (open Settings → Accounts, switch to Together AI, try again).
The project records each step (providers.training), so trying again never sends the examples
twice or starts a second job.

Each page has its module (train_choose_page, train_check_pages, train_send_pages,
train_problem_page); this one holds the dialog itself: the stack of pages, the steps shown
above them, and the running of each step in the background.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import QDialog, QFrame, QLabel, QStackedWidget, QVBoxLayout, QWidget

from fineauthor.core.catalog import load_catalog
from fineauthor.core.errors import FineAuthorError
from fineauthor.providers.base import Job, Provider, TrainingOptions
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.shell.workers import Task, run_in_background
from fineauthor.ui.training.train_check_pages import CheckPagesMixin
from fineauthor.ui.training.train_choose_page import ChoosePageMixin
from fineauthor.ui.training.train_problem_page import ProblemPageMixin
from fineauthor.ui.training.train_send_pages import SendPagesMixin, Sent


@dataclass(frozen=True)
class _Outcome:
    """What a worker hands back: its value, or the problem that stopped it."""

    value: Any = None
    problem: FineAuthorError | None = None


class TrainDialog(ChoosePageMixin, CheckPagesMixin, SendPagesMixin, ProblemPageMixin, QDialog):
    """Train a model on the open project's examples. ``jobStarted`` carries the created (or
    resumed) Job; ``provider`` is then the open service, ready for the watch view."""

    jobStarted = Signal(object)  # noqa: N815  (a providers.base.Job)

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.catalog = load_catalog()
        self.provider: Provider | None = None
        self.job: Job | None = None
        self.dataset: Any = None  # providers.training.PreparedDataset once checked
        self.options = TrainingOptions()
        self._sent: Sent | None = None
        self._task: Task | None = None
        self._next: Callable[[Any], None] | None = None
        self._retry: Callable[[], None] | None = None
        self._key: str | None = None
        self._closed = False
        self._step = 0  # which of the four steps the pages are in
        self._problem_callback: Callable[[], None] | None = None
        self.upload_reports: list[int] = []  # bytes sent, as reported (tests look)

        self.setWindowTitle(self.tr("Train a Model"))
        self.setAccessibleName(self.tr("Train a model"))
        self.setMinimumSize(620, 560)

        self.steps_label = QLabel()
        self.steps_label.setTextFormat(Qt.TextFormat.RichText)
        self.steps_label.setAccessibleName(self.tr("Where you are"))
        self.pages = QStackedWidget()
        self.choose_page = self._build_choose_page()
        self.refused_page = self._build_refused_page()
        self.estimate_page = self._build_estimate_page()
        self.sending_page = self._build_sending_page()
        self.price_page = self._build_price_page()
        self.starting_page = self._build_starting_page()
        self.problem_page = self._build_problem_page()
        for page in (
            self.choose_page,
            self.refused_page,
            self.estimate_page,
            self.sending_page,
            self.price_page,
            self.starting_page,
            self.problem_page,
        ):
            self.pages.addWidget(page)

        layout = QVBoxLayout(self)
        layout.addWidget(self.steps_label)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)
        layout.addWidget(self.pages, 1)

        self._fill_services()
        self._show_page(self.choose_page, 0)

    # Plumbing -------------------------------------------------------------------------------

    def _show_page(self, page: QWidget, step: int | None) -> None:
        self.pages.setCurrentWidget(page)
        if step is not None:
            self._step = step
        current = self._step
        words = [self.tr("Choose"), self.tr("Check"), self.tr("Send"), self.tr("Train")]
        parts = []
        for index, word in enumerate(words):
            text = f"{index + 1}. {word}"
            parts.append(f"<b>{text}</b>" if index == current else text)
        self.steps_label.setText("  ›  ".join(parts))
        self.steps_label.setAccessibleDescription(
            self.tr("Step %1 of 4: %2")
            .replace("%1", str(current + 1))
            .replace("%2", words[current])
        )
        page.setFocus()

    def _run(
        self,
        work: Callable[[Callable[[int], None], Callable[[], bool]], Any],
        then: Callable[[Any], None],
        *,
        retry: Callable[[], None],
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        """Run ``work`` off the GUI thread; ``then`` its result, or the problem page."""

        def guarded(progress: Callable[[int], None], cancelled: Callable[[], bool]) -> _Outcome:
            try:
                return _Outcome(work(progress, cancelled))
            except FineAuthorError as problem:
                return _Outcome(problem=problem)

        self._next, self._retry = then, retry
        # Connected before the work starts: a quick result is never missed.
        self._task = run_in_background(guarded, on_success=self._finished, on_progress=on_progress)

    @Slot(object)
    def _finished(self, outcome: _Outcome) -> None:
        self._task = None
        if self._closed:
            return
        if outcome.problem is not None:
            self._show_problem(outcome.problem)
        elif self._next is not None:
            self._next(outcome.value)

    def busy(self) -> bool:
        """Whether a step is running in the background."""
        return self._task is not None

    def reject(self) -> None:
        # Once the service is asked to start, the answer is awaited: closing now would leave
        # a job nobody watches (the project would still record it, for the Jobs view).
        if self.pages.currentWidget() is self.starting_page and self.busy():
            return
        super().reject()

    def done(self, result: int) -> None:
        # Closing while sending stops the upload (the project remembers how far it got).
        if self._task is not None:
            self._task.cancel()
        self._closed = True
        super().done(result)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        # Coming back from Settings or another window: the key may have changed.
        if (
            event.type() == QEvent.Type.ActivationChange
            and self.isActiveWindow()
            and self.pages.currentWidget() is self.choose_page
        ):
            self.refresh_key()
        super().changeEvent(event)
