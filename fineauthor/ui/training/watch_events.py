"""The watch window's body: the loss chart above, and below it what happened (the job's events,
oldest first, warnings in bold) and the checkpoints the service saved along the way."""

from __future__ import annotations

import contextlib
from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QApplication,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from fineauthor.providers.base import Checkpoint, JobEvent
from fineauthor.ui.training.job_words import event_text, time_text
from fineauthor.ui.training.loss_chart import LossChart
from fineauthor.ui.widgets.labels import muted


class WatchEventsPanel(QSplitter):
    """The loss chart (``chart``), the events shown (each once: ``add_event``,
    ``add_event_row``, ``event_rows``) and the checkpoints (``show_checkpoints``,
    ``checkpoints``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self._events: list[tuple[str, str, str, str]] = []  # id, text, level, ISO time
        self._event_ids: set[str] = set()
        self._checkpoints: list[Checkpoint] = []

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
        self.addWidget(chart_box)
        self.addWidget(lists)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)
        self.setChildrenCollapsible(False)

    def add_event(self, event: JobEvent) -> None:
        """One event from the service, in plain words (unless it is already shown)."""
        when = event.created_at.isoformat() if event.created_at else ""
        self.add_event_row(event.id, event_text(event), event.level, when)

    def add_event_row(self, event_id: str, text: str, level: str, when: str) -> None:
        """An event as kept in the project: its id, words, level and ISO time."""
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

    def event_rows(self) -> list[tuple[str, str, str, str]]:
        """The events shown, oldest first, as kept in the project: id, text, level, ISO time."""
        return list(self._events)

    def events_shown(self) -> list[str]:
        """The events list's texts, oldest first (tests read this)."""
        return [text for _id, text, _level, _when in self._events]

    def show_checkpoints(self, checkpoints: list[Checkpoint]) -> None:
        """The service's checkpoints so far, in place of those shown."""
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

    def checkpoints(self) -> list[Checkpoint]:
        """The checkpoints shown."""
        return list(self._checkpoints)
