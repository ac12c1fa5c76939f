"""Train a model: choose the service and base model, check, confirm, send, start.

The dialog walks through the pages of one stack:

1. **Choose** — the service (only those FineAuthor can talk to and that still take new
   training, each with what a new writer should know about it), the base model, whether a
   key is set, and the collapsed Advanced settings.
2. **Check** — ``prepare`` in a worker. Problems stop here (``Refused`` page); otherwise the
   **Estimate** page shows what FineAuthor expects it to cost and asks "Send your N examples to
   <service> and start training?". Nothing has left the computer before this answer.
3. **Sending** — ``upload_dataset`` in a worker with a byte progress bar and Cancel; then the
   service's own price when it gives one (**Price** page, confirm again).
4. **Starting** — ``create_job``; the job is handed over (``jobStarted``) to the watch view.

Any refusal or lost connection shows the **Problem** page: the service's sentence, what to do
next, and a button that does it (open Settings → Accounts, switch to Together AI, try again).
The project records each step (training.attempts), so trying again never sends the examples
twice or starts a second job.

Each page is a widget of its own (train_choose_page, train_check_pages, train_send_pages,
train_problem_page) that says what the writer did through its signals; the work of each step is
in train_steps. This module holds the dialog itself: the stack of pages, the steps shown above
them, the way from one page to the next, and the running of each step in the background.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import QDialog, QFrame, QLabel, QStackedWidget, QVBoxLayout, QWidget

from fineauthor.core.catalog import load_catalog
from fineauthor.core.errors import FineAuthorError
from fineauthor.providers.base import PREFERENCE, Job, Provider, TrainingOptions
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.shell.workers import Task, run_in_background
from fineauthor.ui.training.train_check_pages import EstimatePage, RefusedPage
from fineauthor.ui.training.train_choose_page import ChoosePage
from fineauthor.ui.training.train_problem_page import (
    BACK_TO_CHOOSE,
    OPEN_ACCOUNTS,
    TRY_AGAIN,
    USE_TOGETHER,
    ProblemPage,
)
from fineauthor.ui.training.train_send_pages import PricePage, SendingPage, StartingPage
from fineauthor.ui.training.train_steps import (
    Sent,
    Work,
    check_work,
    record_service_price,
    send_work,
    start_work,
)
from fineauthor.ui.widgets.keyboard import focus_first_control


@dataclass(frozen=True)
class _Outcome:
    """What a worker hands back: its value, or the problem that stopped it."""

    value: Any = None
    problem: FineAuthorError | None = None


class TrainDialog(QDialog):
    """Train a model on the open project's examples. ``jobStarted`` carries the created (or
    resumed) Job; ``provider`` is then the open service, ready for the watch view."""

    jobStarted = Signal(object)  # noqa: N815  (a providers.base.Job)

    def __init__(
        self,
        document: ProjectDocument,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.catalog = load_catalog()
        self.provider: Provider | None = None
        self.job: Job | None = None
        self.dataset: Any = None  # training.prepare.PreparedDataset once checked
        self.options = TrainingOptions()
        self._sent: Sent | None = None
        self._task: Task | None = None
        self._next: Callable[[Any], None] | None = None
        self._retry: Callable[[], None] | None = None
        self._closed = False
        self._step = 0  # which of the four steps the pages are in
        self.upload_reports: list[int] = []  # bytes sent, as reported (tests look)

        self.setWindowTitle(self.tr("Train a Model"))
        self.setAccessibleName(self.tr("Train a model"))
        self.setMinimumSize(620, 560)

        self.steps_label = QLabel()
        self.steps_label.setTextFormat(Qt.TextFormat.RichText)
        self.steps_label.setAccessibleName(self.tr("Where you are"))
        self.pages = QStackedWidget()
        # ``today`` decides which services still take new training (tests fix the day).
        self.choose_page = ChoosePage(document, self.catalog, today=today)
        self.refused_page = RefusedPage()
        self.estimate_page = EstimatePage()
        self.sending_page = SendingPage()
        self.price_page = PricePage()
        self.starting_page = StartingPage()
        self.problem_page = ProblemPage()
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
        self._connect_pages()

        layout = QVBoxLayout(self)
        layout.addWidget(self.steps_label)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)
        layout.addWidget(self.pages, 1)

        self.choose_page.fill_services()
        self._show_page(self.choose_page, 0)

    def _connect_pages(self) -> None:
        """What each page's buttons lead to."""
        self.choose_page.checkRequested.connect(self.check)
        self.choose_page.cancelRequested.connect(self.reject)
        self.refused_page.backRequested.connect(self._back_to_choose)
        self.refused_page.closeRequested.connect(self.reject)
        self.estimate_page.backRequested.connect(self._back_to_choose)
        self.estimate_page.confirmed.connect(self.send)
        self.sending_page.cancelRequested.connect(self._cancel_sending)
        self.price_page.confirmed.connect(self.create)
        self.price_page.declined.connect(self.reject)
        self.problem_page.actionRequested.connect(self._problem_action)
        self.problem_page.backRequested.connect(self._back_to_choose)
        self.problem_page.closeRequested.connect(self.reject)

    # Step 1: check --------------------------------------------------------------------------

    @Slot()
    def check(self) -> None:
        """Check the examples for the chosen model and freeze them (nothing is sent)."""
        choose = self.choose_page
        if choose.key is None:
            choose.refresh_key()
        if choose.key is None:
            self.problem_page.show_text(
                self.tr("There is no key for %1 yet.").replace("%1", choose.service.name),
                self.tr(
                    "Add your key in Settings → Accounts, then press Check again. Nothing was sent."
                ),
                self.tr("Open Settings → Accounts…"),
                OPEN_ACCOUNTS,
            )
            self._show_page(self.problem_page, None)
            return
        project, model, provider_id = self.document.project, choose.model, choose.service.id
        self.options = choose.training_options()
        work = check_work(
            project,
            model,
            provider_id,
            self.options.epochs,
            lora=self.options.lora,
            preference=self.options.method == PREFERENCE,
        )
        choose.set_checking(True)
        self._run(work, self._checked, retry=self.check)

    def _checked(self, dataset: Any) -> None:
        choose = self.choose_page
        choose.set_checking(False)
        self.dataset = dataset
        # A round of choices builds on the writer's trained model where the service can.
        self.options = replace(self.options, from_model=dataset.from_model)
        self.estimate_page.show_estimate(
            dataset, choose.service, choose.model, self.options.epochs, lora=self.options.lora
        )
        self._show_page(self.estimate_page, 1)

    def _show_refused(self, report: Any) -> None:
        self.choose_page.set_checking(False)
        self.refused_page.show_report(report, choices=self.options.method == PREFERENCE)
        self._show_page(self.refused_page, 1)

    # Step 2: send ---------------------------------------------------------------------------

    @Slot()
    def send(self) -> None:
        """The writer confirmed: send the examples (or find them already sent)."""
        choose = self.choose_page
        dataset, info, model_id = self.dataset, choose.service, choose.model.id
        work = send_work(
            self.document.project,
            dataset,
            provider_id=info.id,
            key=choose.key,
            existing=self._sent,
            model_id=model_id,
            options=self.options,
        )
        self.upload_reports.clear()
        self.sending_page.start(info.name, len(dataset.jsonl))
        self._show_page(self.sending_page, 2)
        self._run(work, self._sent_done, retry=self.send, on_progress=self._upload_progressed)

    @Slot(int)
    def _upload_progressed(self, sent: int) -> None:
        self.upload_reports.append(sent)
        self.sending_page.set_progress(sent)

    @Slot()
    def _cancel_sending(self) -> None:
        """Stop sending; nothing is trained."""
        if self._task is not None:
            self._task.cancel()

    def _sent_done(self, sent: Sent) -> None:
        self.provider = sent.provider
        self._sent = sent
        self.sending_page.mark_sent()
        if sent.attempt.job is not None:  # these examples already have a job: watch it
            self._hand_over(sent.attempt.job)
        elif sent.price is not None:
            record_service_price(self.document.project, sent)
            self.price_page.show_price(
                sent.price, self.choose_page.service.name, ours=self.dataset.report.estimate
            )
            self._show_page(self.price_page, 3)
        else:
            self.create()

    # Step 3: start --------------------------------------------------------------------------

    @Slot()
    def create(self) -> None:
        """Create the job for the sent examples (or pick up the one already made)."""
        sent = self._sent
        assert sent is not None
        work = start_work(self.document.project, sent, self.choose_page.model.id, self.options)
        self.starting_page.show_starting(self.choose_page.service.name)
        self._show_page(self.starting_page, 3)
        self._run(work, self._hand_over, retry=self.create)

    def _hand_over(self, job: Job) -> None:
        self.job = job
        self.jobStarted.emit(job)
        self.accept()

    # Problems -------------------------------------------------------------------------------

    def _show_problem(self, problem: FineAuthorError) -> None:
        """A refusal, a lost connection or any other plain problem, with what to do next."""
        from fineauthor.training.prepare import TrainingRefused

        if isinstance(problem, TrainingRefused):
            self._show_refused(problem.report)
            return
        choose = self.choose_page
        choose.set_checking(False)
        self.problem_page.show_problem(
            problem,
            choose.service.name,
            choose.key,
            can_use_together=choose.can_switch_to("together"),
        )
        self._show_page(self.problem_page, None)

    @Slot(str)
    def _problem_action(self, action: str) -> None:
        if action == TRY_AGAIN:
            if self._retry is not None:
                self._retry()
        elif action == OPEN_ACCOUNTS:
            self._back_to_choose()
            self.choose_page.open_accounts()
        elif action == USE_TOGETHER:
            self.choose_page.select_service("together")
            self._back_to_choose()
        elif action == BACK_TO_CHOOSE:
            self._back_to_choose()

    @Slot()
    def _back_to_choose(self) -> None:
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
        focus_first_control(page)  # not the page itself, which Tab would have to leave first

    def _run(
        self,
        work: Work,
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
            self.choose_page.refresh_key()
        super().changeEvent(event)
