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
)

from fineauthor.providers.base import Checkpoint, JobEvent
from fineauthor.ui.training.job_words import event_text, time_text
from fineauthor.ui.training.loss_chart import LossChart
from fineauthor.ui.widgets.labels import muted


class WatchEventsMixin:
    """The chart, events and checkpoints panels, mixed into ``WatchView`` (which keeps
    ``last_event``, ``total_steps``, ``_events``, ``_event_ids`` and ``_checkpoints``)."""

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
