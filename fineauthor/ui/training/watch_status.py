"""The top of the watch window: the job's status in plain words, what it means, the step bar,
and trouble reaching the service."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from fineauthor.providers.base import RUNNING, SUCCEEDED
from fineauthor.ui.training.job_words import state_explanation, state_text
from fineauthor.ui.widgets.labels import muted


class WatchStatusPanel(QWidget):
    """Where a job stands: ``show_state`` for its state and steps, ``show_wait`` and
    ``hide_wait`` for a message about reaching the service."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        self.wait_label = QLabel()
        self.wait_label.setWordWrap(True)
        self.wait_label.setAccessibleName(self.tr("Connection"))
        self.wait_label.setVisible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # its lines sit in the window's own column
        layout.addWidget(self.status_label)
        layout.addWidget(self.explanation_label)
        layout.addWidget(self.step_bar)
        layout.addWidget(self.wait_label)

    def show_state(
        self, state: str, *, step: int | None, total_steps: int | None, error: str | None
    ) -> None:
        """The job is in ``state``, ``step`` of about ``total_steps`` done; ``error`` is the
        service's reason when it failed."""
        self.status_label.setText(
            state_text(state, step=step, total_steps=total_steps, error=error)
        )
        self.explanation_label.setText(state_explanation(state))
        if state == RUNNING and total_steps and step is not None:
            self.step_bar.setRange(0, total_steps)
            self.step_bar.setValue(min(step, total_steps))
            self.step_bar.setFormat(self.tr("%p% of the steps"))
            self.step_bar.setVisible(True)
        else:
            self.step_bar.setVisible(state == SUCCEEDED and bool(total_steps))
            if state == SUCCEEDED and total_steps:
                self.step_bar.setRange(0, total_steps)
                self.step_bar.setValue(total_steps)

    @Slot(str)
    def show_wait(self, message: str) -> None:
        """Trouble reaching the service (or writing the project), in ``message``."""
        self.wait_label.setText(message)
        self.wait_label.setVisible(True)

    def hide_wait(self) -> None:
        """News arrived: no trouble to show."""
        self.wait_label.setVisible(False)
