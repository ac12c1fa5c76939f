"""Watching one training job: status in plain words, the loss chart, what happened, the
checkpoints, when it should finish, and — once done — the new model's name to copy and try.

A ``JobWatcher`` polls the service on the thread pool; each ``WatchUpdate`` is relayed to the
GUI thread through a small QObject's signal and applied here. Every update is also written to
the project's job history (the status, the model name, and in the row's ``detail["watch"]``
the last event seen, the events shown and the loss by step), so a reopened project shows the
same picture at once and its watcher carries on from there: no event or step is shown twice.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QFont, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.catalog import load_catalog
from fineauthor.core.errors import FineAuthorError
from fineauthor.providers.base import (
    CANCELLED,
    FAILED,
    FINISHED_STATES,
    RUNNING,
    SUCCEEDED,
    Checkpoint,
    Job,
    JobEvent,
    MetricPoint,
    Provider,
    ProviderError,
)
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.shell.workers import Task, run_in_background
from fineauthor.ui.training.job_words import (
    event_text,
    finish_text,
    next_step,
    state_explanation,
    state_text,
    time_text,
)
from fineauthor.ui.training.loss_chart import LossChart
from fineauthor.ui.widgets.labels import muted

MAX_KEPT_EVENTS = 500  # events kept in the project for a reopened view (the newest)


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
        self._events: list[tuple[str, str, str, str]] = []  # id, text, level, ISO time
        self._event_ids: set[str] = set()
        self._checkpoints: list[Checkpoint] = []
        self._task: Task | None = None
        self._relay: _Relay | None = None
        self._ended = False
        self._closed = False
        self.notice = ""  # the last desktop notification's text

        row = self._row()
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

        self.status_label = QLabel(self.tr("Looking at the training…"))
        font = self.status_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setWeight(QFont.Weight.DemiBold)
        self.status_label.setFont(font)
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName(self.tr("Status"))
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explanation_label = muted(QLabel())
        self.explanation_label.setWordWrap(True)
        self.explanation_label.setAccessibleName(self.tr("What this means"))
        self.step_bar = QProgressBar()
        self.step_bar.setAccessibleName(self.tr("Training steps done"))
        self.step_bar.setVisible(False)
        self.finish_label = QLabel()
        self.finish_label.setAccessibleName(self.tr("Estimated finish"))
        self.wait_label = QLabel()
        self.wait_label.setWordWrap(True)
        self.wait_label.setAccessibleName(self.tr("Connection"))
        self.wait_label.setVisible(False)

        body = self._build_body()
        self.result_box = self._build_result_box()
        buttons = self._build_buttons()

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.status_label)
        layout.addWidget(self.explanation_label)
        layout.addWidget(self.step_bar)
        layout.addWidget(self.wait_label)
        layout.addWidget(self.result_box)
        layout.addWidget(body, 1)
        layout.addLayout(buttons)

    def _build_body(self) -> QSplitter:
        """The loss chart above, what happened and the checkpoints below."""
        self.chart = LossChart()
        loss_note = muted(
            QLabel(
                self.tr(
                    "Loss: lower means the model's answers are closer to your examples. "
                    "Validation loss is measured on examples held back from training."
                )
            )
        )
        loss_note.setWordWrap(True)
        chart_box = QGroupBox(self.tr("How training is going"))
        chart_layout = QVBoxLayout(chart_box)
        chart_layout.addWidget(loss_note)
        chart_layout.addWidget(self.chart, 1)

        self.events_list = QListWidget()
        self.events_list.setAccessibleName(self.tr("What happened, oldest first"))
        self.events_list.setWordWrap(True)
        self.events_list.setAlternatingRowColors(True)
        events_box = QGroupBox(self.tr("What happened"))
        QVBoxLayout(events_box).addWidget(self.events_list)
        self.checkpoints_list = QListWidget()
        self.checkpoints_list.setAccessibleName(self.tr("Checkpoints"))
        self.checkpoints_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.checkpoints_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.checkpoints_list.setToolTip(
            self.tr(
                "Usable copies of your model saved along the way; an earlier one can be better "
                "if the last one copies your examples too closely."
            )
        )
        checkpoints_box = QGroupBox(self.tr("Checkpoints (copies saved along the way)"))
        QVBoxLayout(checkpoints_box).addWidget(self.checkpoints_list)
        lists = QSplitter(Qt.Orientation.Horizontal)
        lists.addWidget(events_box)
        lists.addWidget(checkpoints_box)
        lists.setStretchFactor(0, 3)
        lists.setStretchFactor(1, 2)
        lists.setChildrenCollapsible(False)
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(chart_box)
        body.addWidget(lists)
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 2)
        body.setChildrenCollapsible(False)
        return body

    def _build_buttons(self) -> QHBoxLayout:
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

    def _build_result_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Your model"))
        self.model_edit = QLineEdit()
        self.model_edit.setReadOnly(True)
        self.model_edit.setAccessibleName(self.tr("Your model's name"))
        self.model_edit.setToolTip(
            self.tr("Use this name to ask for your model in apps and on the service's website.")
        )
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.setAccessibleName(self.tr("Copy the model's name"))
        self.copy_button.clicked.connect(self.copy_model_id)
        self.try_button = QPushButton(self.tr("Try It"))
        self.try_button.setAccessibleName(self.tr("Try your model"))
        self.try_button.clicked.connect(self._try_it)
        row = QHBoxLayout(box)
        row.addWidget(self.model_edit, 1)
        row.addWidget(self.copy_button)
        row.addWidget(self.try_button)
        box.setVisible(False)
        return box

    # The project's record -------------------------------------------------------------------

    def _row(self) -> dict[str, Any] | None:
        with contextlib.suppress(FineAuthorError):
            for row in reversed(self.document.project.jobs()):
                if row["provider"] == self.provider_id and row["job_id"] == self.job_id:
                    return row
        return None

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
        self.chart.add_points(points)
        for item in watch.get("events") or []:
            with contextlib.suppress(TypeError, ValueError):
                event_id, text, level, when = item
                self._add_event_row(str(event_id), str(text), str(level), str(when))
        if row["fine_tuned_model"]:
            self._show_model(row["fine_tuned_model"])
        self._show_state(row["status"] or "", None)

    def _record(self) -> None:
        """Write the status, the model name and what was seen into the job history."""
        if self.job is None:
            return
        from fineauthor.training.attempts import record_progress

        project = self.document.project
        try:
            record_progress(project, self.job)
            row = self._row()
            if row is None:
                return
            detail = dict(row["detail"])
            detail["watch"] = {
                "last_event": self.last_event,
                "total_steps": self.total_steps,
                "loss": [[p.step, p.train_loss, p.valid_loss] for p in self.chart.points()],
                "events": [list(e) for e in self._events[-MAX_KEPT_EVENTS:]],
                "checkpoints": [[c.step, c.model] for c in self._checkpoints],
            }
            if self.job.error_message:
                detail["error"] = self.job.error_message
            project.update_job(row["id"], detail=detail)
        except FineAuthorError as problem:  # the project's own message (disk full, …)
            self._show_wait(str(problem))

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
            seen_steps={p.step for p in self.chart.points()},
        )
        provider, job_id, sleep = self.provider, self.job_id, type(self).sleep
        relay = _Relay()
        relay.update.connect(self._apply)
        relay.waiting.connect(self._show_wait)
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
        self.wait_label.setVisible(False)
        news_worth_keeping = bool(
            update.events
            or update.metrics
            or update.status_changed
            or (checkpoints is not None and checkpoints != self._checkpoints)
            or self.job is None
            or update.job != self.job
        )
        self.job = update.job
        for event in update.events:
            self._add_event(event)
        self.chart.add_points(update.metrics)
        if checkpoints is not None:
            self._show_checkpoints(checkpoints)
        if update.job.fine_tuned_model:
            self._show_model(update.job.fine_tuned_model)
        self._show_state(update.job.state, update.job)
        if news_worth_keeping:  # a poll that found nothing new writes nothing
            self._record()
            self.updated.emit()
        if update.job.finished:
            self._job_ended(update.job)

    def _add_event(self, event: JobEvent) -> None:
        self.last_event = event.id
        if event.kind == "metrics":
            total = event.data.get("total_steps")
            if isinstance(total, int) and total > 0:
                self.total_steps = total
            return  # the chart shows these
        when = event.created_at.isoformat() if event.created_at else ""
        self._add_event_row(event.id, event_text(event), event.level, when)

    def _add_event_row(self, event_id: str, text: str, level: str, when: str) -> None:
        if event_id in self._event_ids:
            return
        self._event_ids.add(event_id)
        self._events.append((event_id, text, level, when))
        shown_time = ""
        with contextlib.suppress(ValueError):
            shown_time = time_text(datetime.fromisoformat(when)) if when else ""
        item = QListWidgetItem(f"{shown_time}  {text}".strip())
        item.setData(Qt.ItemDataRole.UserRole, event_id)
        if level in ("warning", "error"):
            item.setForeground(QApplication.palette().color(QPalette.ColorRole.Highlight))
            font = item.font()
            font.setBold(True)
            item.setFont(font)
        self.events_list.addItem(item)
        # After the layout; with the list as context, so the timer is dropped if the window
        # is deleted first (the project closed just as news arrived).
        QTimer.singleShot(0, self.events_list, self.events_list.scrollToBottom)

    def events_shown(self) -> list[str]:
        """The events list's texts, oldest first (tests read this)."""
        return [text for _id, text, _level, _when in self._events]

    def _show_checkpoints(self, checkpoints: list[Checkpoint]) -> None:
        self._checkpoints = list(checkpoints)
        self.checkpoints_list.clear()
        for checkpoint in checkpoints:
            loss = ""
            if checkpoint.train_loss is not None:
                loss = self.tr(" (loss %1)").replace("%1", f"{checkpoint.train_loss:.3f}")
            item = QListWidgetItem(
                self.tr("Step %1%2: %3")
                .replace("%1", str(checkpoint.step))
                .replace("%2", loss)
                .replace("%3", checkpoint.model)
            )
            item.setToolTip(checkpoint.model)
            self.checkpoints_list.addItem(item)
        # After the layout; with the list as context, so the timer is dropped if the window
        # is deleted first (the project closed just as news arrived).
        QTimer.singleShot(0, self.checkpoints_list, self.checkpoints_list.scrollToBottom)

    def _show_state(self, state: str, job: Job | None) -> None:
        points = self.chart.points()
        step = points[-1].step if points else None
        error = job.error_message if job is not None else None
        if job is None and state == FAILED:
            row = self._row()
            error = row["detail"].get("error") if row else None
        self.status_label.setText(
            state_text(state, step=step, total_steps=self.total_steps, error=error)
        )
        self.explanation_label.setText(state_explanation(state))
        finished = state in FINISHED_STATES
        self.stop_button.setVisible(not finished and bool(state))
        if state == RUNNING and self.total_steps and step is not None:
            self.step_bar.setRange(0, self.total_steps)
            self.step_bar.setValue(min(step, self.total_steps))
            self.step_bar.setFormat(self.tr("%p% of the steps"))
            self.step_bar.setVisible(True)
        else:
            self.step_bar.setVisible(state == SUCCEEDED and bool(self.total_steps))
            if state == SUCCEEDED and self.total_steps:
                self.step_bar.setRange(0, self.total_steps)
                self.step_bar.setValue(self.total_steps)
        finish = finish_text(job.estimated_finish) if job is not None and not finished else ""
        self.finish_label.setText(
            self.tr("Estimated finish: %1").replace("%1", finish) if finish else ""
        )

    def _show_model(self, model_id: str) -> None:
        self.model_edit.setText(model_id)
        self.result_box.setVisible(True)

    def _show_wait(self, message: str) -> None:
        self.wait_label.setText(message)
        self.wait_label.setVisible(True)

    def _show_problem(self, message: str, *, key: bool = False) -> None:
        self._show_wait(message)
        self.key_button.setVisible(key)
        self.retry_button.setVisible(True)

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

    def _job_ended(self, job: Job) -> None:
        if self._ended:
            return
        self._ended = True
        self.stop_button.setVisible(False)
        if self._recorded_status not in FINISHED_STATES:
            self._notify(job)
        self.jobEnded.emit(job)

    def _notify(self, job: Job) -> None:
        """A desktop notification: the system tray's when there is one, else the window's
        attention and a status-bar message."""
        if job.state == SUCCEEDED:
            title = self.tr("Your model is ready")
            text = (
                self.tr("Training with %1 has finished. Your model: %2")
                .replace("%1", self.service_name)
                .replace("%2", job.fine_tuned_model or "")
            )
        elif job.state == CANCELLED:
            title = self.tr("Training stopped")
            text = self.tr("Training with %1 was stopped.").replace("%1", self.service_name)
        else:
            title = self.tr("Training failed")
            text = state_text(job.state, error=job.error_message)
        self.notice = text
        if QSystemTrayIcon.isSystemTrayAvailable():
            _tray().showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 15000)
        else:
            target = self.window() if self.isVisible() else _main_window(self)
            if target is not None:
                QApplication.alert(target, 0)
            main = _main_window(self)
            if main is not None:
                main.statusBar().showMessage(text, 30000)
        self.noticeShown.emit(text)

    # Actions --------------------------------------------------------------------------------

    @Slot()
    def copy_model_id(self) -> None:
        text = self.model_edit.text()
        if text:
            QGuiApplication.clipboard().setText(text)
            self.copy_button.setText(self.tr("Copied"))

    @Slot()
    def _try_it(self) -> None:
        if self.model_edit.text():
            self.tryRequested.emit(self.model_edit.text())

    @Slot()
    def _open_accounts(self) -> None:
        from fineauthor.ui.training.train_dialog import open_accounts_settings

        self.accountsRequested.emit()
        open_accounts_settings(self, self._key_may_have_changed)

    def _key_may_have_changed(self) -> None:
        if self._task is None and self.provider is None:
            self.start()

    @Slot()
    def request_stop(self) -> None:
        """Ask before stopping: a stopped training cannot be carried on."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Stop training?"),
            self.tr("Stop this training now?"),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setInformativeText(
            self.tr(
                "It cannot be carried on later, and no model is made. %1 may still charge for "
                "the training done so far. Your examples stay safe in your project."
            ).replace("%1", self.service_name)
        )
        stop = box.addButton(self.tr("Stop Training"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(self.tr("Keep Training"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self.stop() if button is stop else None)
        self.stop_confirmation = box
        box.open()

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
            self._show_wait(str(result))
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
                self._relay.waiting.disconnect(self._show_wait)
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


def _main_window(widget: QWidget | None) -> QMainWindow | None:
    while widget is not None:
        if isinstance(widget, QMainWindow):
            return widget
        widget = widget.parentWidget()
    for top in QApplication.topLevelWidgets():
        if isinstance(top, QMainWindow) and top.isVisible():
            return top
    return None


_tray_icon: QSystemTrayIcon | None = None


def _tray() -> QSystemTrayIcon:
    """One tray icon for the app's notifications, made when first needed."""
    global _tray_icon  # noqa: PLW0603  (one per application)
    if _tray_icon is None:
        icon = QApplication.windowIcon()
        _tray_icon = QSystemTrayIcon(icon if not icon.isNull() else QIcon())
        _tray_icon.setToolTip("FineAuthor")
        _tray_icon.show()
    return _tray_icon
