"""The Train dialog's first question: what the model learns from — the project's examples, or
the choices the writer made between two replies at the test bench (preference training)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QRadioButton, QVBoxLayout, QWidget

from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.training.train_layout import wrapped_label
from fineauthor.ui.widgets.labels import muted
from fineauthor.ui.widgets.plurals import plural


class LearnFromChoice(QWidget):
    """Two choices, each with its count; "your choices" is offered once there are some.
    ``changed`` when the writer switches."""

    changed = Signal()

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.examples_button = QRadioButton()
        self.choices_button = QRadioButton()
        self.choices_button.setAccessibleName(self.tr("Learn from your choices"))
        self.examples_button.setAccessibleName(self.tr("Learn from your examples"))
        self.group = QButtonGroup(self)
        self.group.addButton(self.examples_button)
        self.group.addButton(self.choices_button)
        self.examples_button.setChecked(True)
        self.group.buttonToggled.connect(lambda _button, on: on and self.changed.emit())
        self.explanation = muted(wrapped_label())
        self.explanation.setAccessibleName(self.tr("What learning from your choices means"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.examples_button)
        layout.addWidget(self.choices_button)
        layout.addWidget(self.explanation)
        self.changed.connect(self._explain)
        self.refresh()

    @property
    def preference(self) -> bool:
        """Whether the writer chose to learn from their choices."""
        return self.choices_button.isChecked()

    def refresh(self) -> None:
        """Counts as the project has them now."""
        examples, choices = self.document.count(), self.document.pair_count()
        self.examples_button.setText(
            plural(examples, self.tr("Your example (1)"), self.tr("Your examples ({count})"))
        )
        if choices:
            self.choices_button.setText(
                plural(
                    choices,
                    self.tr("Learn from your choices (1)"),
                    self.tr("Learn from your choices ({count})"),
                )
            )
        else:
            self.choices_button.setText(
                self.tr("Learn from your choices (none yet: make some at the test bench)")
            )
        self.choices_button.setEnabled(choices > 0)
        if not choices and self.preference:
            self.examples_button.setChecked(True)
        self._explain()

    def _explain(self) -> None:
        if self.preference:
            self.explanation.setText(
                self.tr(
                    "The model learns to lean towards the replies you preferred at the test "
                    "bench and away from the ones you passed over. It works best as a second "
                    "round, on top of a model you trained from your examples."
                )
            )
        else:
            self.explanation.setText(
                self.tr("The model learns to write the way your examples' replies are written.")
            )
