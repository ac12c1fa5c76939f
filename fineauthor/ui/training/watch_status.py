"""What the watch window says about its job: the status in plain words, the step bar, the
estimated finish, trouble reaching the service, the trained model's name to copy and try, and
the desktop notification when the job ends."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFont, QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSystemTrayIcon,
    QWidget,
)

from fineauthor.providers.base import CANCELLED, FAILED, FINISHED_STATES, RUNNING, SUCCEEDED, Job
from fineauthor.ui.training.job_words import finish_text, state_explanation, state_text
from fineauthor.ui.widgets.labels import muted


class WatchStatusMixin:
    """The status and result panels and the notification, mixed into ``WatchView`` (which
    provides ``chart``, ``total_steps``, ``service_name``, ``_row`` and the buttons)."""

    def _build_status(self) -> None:
        """The status, what it means, the step bar, the estimated finish and the connection."""
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
