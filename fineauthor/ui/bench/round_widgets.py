"""The two faces of a round of blind choices (:mod:`~fineauthor.ui.bench.batch_round`): the
sidebar's box that starts or continues a round, and the strip under the replies that shows how
far it has got, with Next Prompt and Stop the Round."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fineauthor.ui.bench.hint import hint
from fineauthor.ui.bench.round_state import DEFAULT_ROUND, RoundState
from fineauthor.ui.widgets.labels import bold


class RoundSetup(QGroupBox):
    """The sidebar's box: how many prompts, "Start a Round of N Blind Choices", and "Continue
    the Round" when one was stopped part way. Kept small: the sidebar is full at 1280×800."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("A round of blind choices"))
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, DEFAULT_ROUND)
        self.count_spin.setAccessibleName(self.tr("How many prompts the round asks"))
        self.count_spin.setToolTip(self.tr("How many of your examples’ prompts the round asks."))
        row.addWidget(self.count_spin)
        self.start_button = QPushButton()
        row.addWidget(self.start_button, 1)
        layout.addLayout(row)
        self.available_hint = hint("")
        layout.addWidget(self.available_hint)
        self.continue_button = QPushButton()
        self.continue_button.setToolTip(
            self.tr("Carry on from the first prompt you have not chosen for yet.")
        )
        self.continue_button.hide()
        layout.addWidget(self.continue_button)


class RoundProgress(QFrame):
    """The strip under the replies while a round is on: "Prompt 3 of 10", a bar, what to do
    now, "Next Prompt" and "Stop the Round". After the round it says how it went."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.step_label = bold(QLabel())
        self.step_label.setAccessibleName(self.tr("Where the round is"))
        row.addWidget(self.step_label)
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName(self.tr("Prompts chosen so far"))
        row.addWidget(self.bar, 1)
        self.next_button = QPushButton(self.tr("Next Prompt"))
        self.next_button.setToolTip(self.tr("Ask both models the round’s next prompt."))
        row.addWidget(self.next_button)
        self.stop_button = QPushButton(self.tr("Stop the Round"))
        self.stop_button.setToolTip(
            self.tr(
                "Every choice you made stays kept. You can continue the round later, even "
                "after closing FineAuthor."
            )
        )
        row.addWidget(self.stop_button)
        layout.addLayout(row)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName(self.tr("What to do now"))
        layout.addWidget(self.status_label)
        self.hide()

    def show_step(self, state: RoundState, number: int, status: str, next_text: str = "") -> None:
        """Prompt ``number`` of the round on screen; ``next_text`` labels an enabled Next."""
        self.step_label.setText(
            self.tr("Prompt %1 of %2")
            .replace("%1", f"{number:,}")
            .replace("%2", f"{state.total:,}")
        )
        self._show_bar(state)
        self.status_label.setText(status)
        self.next_button.setVisible(True)
        self.next_button.setEnabled(bool(next_text))
        self.next_button.setText(next_text or self.tr("Next Prompt"))
        self.stop_button.setVisible(True)
        self.show()

    def show_end(self, state: RoundState, title: str, summary: str) -> None:
        self.step_label.setText(title)
        self._show_bar(state)
        self.status_label.setText(summary)
        self.next_button.hide()
        self.stop_button.hide()
        self.show()

    def _show_bar(self, state: RoundState) -> None:
        self.bar.setRange(0, max(1, state.total))
        self.bar.setValue(state.done)
