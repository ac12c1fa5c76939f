"""Watching one training job: status in plain words, the loss chart, what happened, the
checkpoints, when it should finish, and — once done — the new model's name to copy and try.

A ``JobWatcher`` polls the service on the thread pool; each ``WatchUpdate`` is relayed to the
GUI thread through a small QObject's signal and applied here. Every update is also written to
the project's job history (the status, the model name, and in the row's ``detail["watch"]``
the last event seen, the events shown and the loss by step), so a reopened project shows the
same picture at once and its watcher carries on from there: no event or step is shown twice.

Its panels are widgets of their own: the status (watch_status), the model's name (watch_result),
the chart, events and checkpoints (watch_events); the notification is in watch_notice and what
the project keeps in watch_record; the question before stopping in watch_stop. This module
holds the watching and the buttons.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from fineauthor.core.catalog import load_catalog
from fineauthor.core.errors import FineAuthorError
from fineauthor.providers.base import (
    FAILED,
    FINISHED_STATES,
    Checkpoint,
    Job,
    JobEvent,
    MetricPoint,
    Provider,
    ProviderError,
)
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.shell.workers import Task, run_in_background
from fineauthor.ui.training.accounts_shortcut import open_accounts_settings
from fineauthor.ui.training.job_words import finish_text, next_step, time_text
from fineauthor.ui.training.watch_events import WatchEventsPanel
from fineauthor.ui.training.watch_notice import ended_notice, show_notice
from fineauthor.ui.training.watch_record import MAX_KEPT_EVENTS, job_row, record_watch
from fineauthor.ui.training.watch_result import ModelResultBox
from fineauthor.ui.training.watch_status import WatchStatusPanel
from fineauthor.ui.training.watch_stop import stop_question


class _Relay(QObject):
    """Carries a watcher's news from the worker thread to the GUI thread. It has no parent and
    lives as long as the work holds it, so a view closed meanwhile is never touched."""

    update = Signal(object)  # (WatchUpdate, list[Checkpoint] | None)
    waiting = Signal(str)


class WatchView(QWidget):
    """One job, followed until it ends. ``tryRequested`` carries the trained model's id."""

    tryRequested = Signal(str)  # noqa: N815
    accountsRequested = Signal()  # noqa: N815  (no key: the writer should add one)
    updated = Signal()  # an update was shown and recorded
    jobEnded = Signal(object)  # noqa: N815  the finished Job, once
    noticeShown = Signal(str)  # noqa: N815  the desktop notification's text

    # How the watcher naps between polls (on its worker thread); tests make it quicker.
    sleep: Callable[[float], None] = staticmethod(time.sleep)

    def __init__(
        self,
        document: ProjectDocument,
        provider_id: str,
        job_id: str,
        parent: QWidget | None = None,
        *,
        provider: Provider | None = None,
        start: bool = True,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.provider_id = provider_id
        self.job_id = job_id
        self.provider = provider
        self.job: Job | None = None
        self.service_name = _service_name(provider_id)
        self.total_steps: int | None = None
        self.last_event: str | None = None
        self._task: Task | None = None
        self._relay: _Relay | None = None
        self._ended = False
        self._closed = False
        self.notice = ""  # the last desktop notification's text

        row = job_row(document.project, provider_id, job_id)
        self._recorded_status = row["status"] if row else None
        self.setWindowTitle(
            self.tr("Training with %1 — FineAuthor").replace("%1", self.service_name)
        )
        self.setAccessibleName(self.tr("Training job"))
        self._build(row)
        self._restore(row)
        if start:
            self.start()

    # Building -------------------------------------------------------------------------------

    def _build(self, row: dict[str, Any] | None) -> None:
        model = row["model"] if row else ""
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setAccessibleName(self.tr("Which training this is"))
        when = ""
        if row and row.get("created"):
            with contextlib.suppress(ValueError):
                when = time_text(datetime.fromisoformat(row["created"].replace("Z", "+00:00")))
        with contextlib.suppress(FineAuthorError):
            model = load_catalog().model(model).name if model else model
        heading = self.tr("%1 · %2").replace("%1", self.service_name).replace("%2", model or "")
        if when:
            heading += " · " + self.tr("sent %1").replace("%1", when)
        self.heading.setText(heading)

        self.status_panel = WatchStatusPanel()
        self.events_panel = WatchEventsPanel()
        self.result_box = ModelResultBox()
        self.result_box.tryRequested.connect(self.tryRequested)
        buttons = self._build_buttons()

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.status_panel)
        layout.addWidget(self.result_box)
        layout.addWidget(self.events_panel, 1)
        layout.addLayout(buttons)

    def _build_buttons(self) -> QHBoxLayout:
        """The estimated finish, and the buttons to mend the key, look again or stop."""
        self.finish_label = QLabel()
        self.finish_label.setAccessibleName(self.tr("Estimated finish"))
        self.stop_button = QPushButton(self.tr("Stop Training…"))
        self.stop_button.setAccessibleName(self.tr("Stop this training"))
        self.stop_button.clicked.connect(self.request_stop)
        self.key_button = QPushButton(self.tr("Open Settings → Accounts…"))
        self.key_button.setVisible(False)
        self.key_button.clicked.connect(self._open_accounts)
        self.retry_button = QPushButton(self.tr("Look Again"))
        self.retry_button.setAccessibleName(self.tr("Start watching again"))
        self.retry_button.setVisible(False)
        self.retry_button.clicked.connect(self.start)
        buttons = QHBoxLayout()
        buttons.addWidget(self.finish_label, 1)
        buttons.addWidget(self.key_button)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.stop_button)
        return buttons

    # The project's record -------------------------------------------------------------------

    def _restore(self, row: dict[str, Any] | None) -> None:
        """Show what was seen last time, from the project alone (no network needed)."""
        if row is None:
            return
        watch = row["detail"].get("watch") or {}
        self.last_event = watch.get("last_event") or None
        total = watch.get("total_steps")
        self.total_steps = total if isinstance(total, int) else None
        points = []
        for item in watch.get("loss") or []:
            with contextlib.suppress(TypeError, ValueError):
                step, train, valid = item
                points.append(MetricPoint(int(step), train, valid))
        self.events_panel.chart.add_points(points)
        for item in watch.get("events") or []:
            with contextlib.suppress(TypeError, ValueError):
                event_id, text, level, when = item
                self.events_panel.add_event_row(str(event_id), str(text), str(level), str(when))
        if row["fine_tuned_model"]:
            self.result_box.show_model(row["fine_tuned_model"])
        self._show_state(row["status"] or "", None)

    def _record(self) -> None:
        """Write the status, the model name and what was seen into the job history."""
        if self.job is None:
            return
        seen = self.events_panel
        watch = {
            "last_event": self.last_event,
            "total_steps": self.total_steps,
            "loss": [[p.step, p.train_loss, p.valid_loss] for p in seen.chart.points()],
            "events": [list(e) for e in seen.event_rows()[-MAX_KEPT_EVENTS:]],
            "checkpoints": [[c.step, c.model] for c in seen.checkpoints()],
        }
        try:
            record_watch(self.document.project, self.provider_id, self.job_id, self.job, watch)
        except FineAuthorError as problem:  # the project's own message (disk full, …)
            self.status_panel.show_wait(str(problem))

    # Watching -------------------------------------------------------------------------------

    @Slot()
    def start(self) -> None:
        """Start (or restart) following the job on the thread pool."""
        if self._task is not None or self._closed:
            return
        self.retry_button.setVisible(False)
        self.key_button.setVisible(False)
        if self.provider is None:
            self.provider = self._open_provider()
            if self.provider is None:
                return
        from fineauthor.training.watch import JobWatcher

        watcher = JobWatcher(
            self.provider,
            self.job_id,
            last_event=self.last_event,
            seen_steps={p.step for p in self.events_panel.chart.points()},
        )
        provider, job_id, sleep = self.provider, self.job_id, type(self).sleep
        relay = _Relay()
        relay.update.connect(self._apply)
        relay.waiting.connect(self.status_panel.show_wait)
        self._relay = relay

        def work(_progress: Callable[[int], None], cancelled: Callable[[], bool]) -> Any:
            def on_update(update: Any) -> None:
                checkpoints = None
                if update.metrics or update.status_changed or update.job.finished:
                    with contextlib.suppress(ProviderError):
                        checkpoints = provider.checkpoints(job_id)
                relay.update.emit((update, checkpoints))

            try:
                return watcher.run(
                    on_update, on_wait=relay.waiting.emit, cancelled=cancelled, sleep=sleep
                )
            except ProviderError as problem:
                return problem

        # Connected before the work starts, so a quick end is never missed.
        self._task = run_in_background(work, on_success=self._watch_stopped)

    def _open_provider(self) -> Provider | None:
        from fineauthor.providers import keys
        from fineauthor.providers.registry import open_provider

        try:
            stored = keys.key_for(self.provider_id)
            if stored is None:
                self._show_problem(
                    self.tr(
                        "FineAuthor needs your %1 key to keep watching this training. Add it "
                        "in Settings → Accounts."
                    ).replace("%1", self.service_name),
                    key=True,
                )
                return None
            return open_provider(self.provider_id, stored.value)
        except ProviderError as problem:
            self._show_problem(str(problem), key=problem.kind == ProviderError.AUTH)
        except FineAuthorError as problem:
            self._show_problem(str(problem))
        return None

    @Slot(object)
    def _apply(self, news: tuple[Any, list[Checkpoint] | None]) -> None:
        """Show one poll's news and record it in the project."""
        if self._closed:
            return
        update, checkpoints = news
        self.status_panel.hide_wait()
        news_worth_keeping = bool(
            update.events
            or update.metrics
            or update.status_changed
            or (checkpoints is not None and checkpoints != self.events_panel.checkpoints())
            or self.job is None
            or update.job != self.job
        )
        self.job = update.job
        for event in update.events:
            self._add_event(event)
        self.events_panel.chart.add_points(update.metrics)
        if checkpoints is not None:
            self.events_panel.show_checkpoints(checkpoints)
        if update.job.fine_tuned_model:
            self.result_box.show_model(update.job.fine_tuned_model)
        self._show_state(update.job.state, update.job)
        if news_worth_keeping:  # a poll that found nothing new writes nothing
            self._record()
            self.updated.emit()
        if update.job.finished:
            self._job_ended(update.job)

    @Slot(object)
    def _watch_stopped(self, result: Any) -> None:
        """The worker ended: the job finished, the view closed, or a problem stopped it."""
        self._task = None
        self._relay = None
        if self._closed:
            return
        if isinstance(result, ProviderError):
            message = str(result)
            step = next_step(result, self.service_name)
            if step and step not in message:
                message += " " + step
            self._show_problem(message, key=result.kind == ProviderError.AUTH)

    # Showing --------------------------------------------------------------------------------

    def _add_event(self, event: JobEvent) -> None:
        self.last_event = event.id
        if event.kind == "metrics":
            total = event.data.get("total_steps")
            if isinstance(total, int) and total > 0:
                self.total_steps = total
            return  # the chart shows these
        self.events_panel.add_event(event)

    def _show_state(self, state: str, job: Job | None) -> None:
        points = self.events_panel.chart.points()
        step = points[-1].step if points else None
        error = job.error_message if job is not None else None
        if job is None and state == FAILED:
            row = job_row(self.document.project, self.provider_id, self.job_id)
            error = row["detail"].get("error") if row else None
        self.status_panel.show_state(state, step=step, total_steps=self.total_steps, error=error)
        finished = state in FINISHED_STATES
        self.stop_button.setVisible(not finished and bool(state))
        finish = finish_text(job.estimated_finish) if job is not None and not finished else ""
        self.finish_label.setText(
            self.tr("Estimated finish: %1").replace("%1", finish) if finish else ""
        )

    def _show_problem(self, message: str, *, key: bool = False) -> None:
        self.status_panel.show_wait(message)
        self.key_button.setVisible(key)
        self.retry_button.setVisible(True)

    def _job_ended(self, job: Job) -> None:
        if self._ended:
            return
        self._ended = True
        self.stop_button.setVisible(False)
        if self._recorded_status not in FINISHED_STATES:
            title, text = ended_notice(job, self.service_name)
            self.notice = text
            show_notice(self, title, text)
            self.noticeShown.emit(text)
        self.jobEnded.emit(job)

    # Actions --------------------------------------------------------------------------------

    @Slot()
    def _open_accounts(self) -> None:
        self.accountsRequested.emit()
        open_accounts_settings(self, self._key_may_have_changed)

    def _key_may_have_changed(self) -> None:
        if self._task is None and self.provider is None:
            self.start()

    @Slot()
    def request_stop(self) -> None:
        """Ask before stopping: a stopped training cannot be carried on."""
        self.stop_confirmation = stop_question(self, self.service_name, self.stop)
        self.stop_confirmation.open()

    @Slot()
    def stop(self) -> None:
        """Cancel the job on the service (the watcher then sees it stop)."""
        provider, job_id = self.provider, self.job_id
        if provider is None:
            return
        self.stop_button.setEnabled(False)
        self.stop_button.setText(self.tr("Stopping…"))

        def work(_progress: Callable[[int], None], _cancelled: Callable[[], bool]) -> Any:
            try:
                return provider.cancel_job(job_id)
            except ProviderError as problem:
                return problem

        run_in_background(work, on_success=self._stopped)

    @Slot(object)
    def _stopped(self, result: Any) -> None:
        if self._closed:
            return
        self.stop_button.setEnabled(True)
        self.stop_button.setText(self.tr("Stop Training…"))
        if isinstance(result, ProviderError):
            self.status_panel.show_wait(str(result))
        elif isinstance(result, Job):
            self.job = result
            self._show_state(result.state, result)
            self._record()

    def is_watching(self) -> bool:
        return self._task is not None

    @property
    def finished(self) -> bool:
        return self._ended

    def shutdown(self) -> None:
        """Stop watching (the project is closing); safe to call twice."""
        self._closed = True
        if self._relay is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                self._relay.update.disconnect(self._apply)
                self._relay.waiting.disconnect(self.status_panel.show_wait)
            self._relay = None
        if self._task is not None:
            self._task.cancel()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if getattr(self, "keep_watching_when_closed", False) and not self._ended:
            self.hide()  # the watcher carries on, so the notification still comes
            event.ignore()
            return
        self.shutdown()
        super().closeEvent(event)


def _service_name(provider_id: str) -> str:
    try:
        return load_catalog().provider(provider_id).name
    except FineAuthorError:
        return provider_id
