"""The Train dialog's Advanced settings: how much of the model is trained (a small add-on or the
whole model), passes (epochs), learning-rate multiplier, batch size and the name tag, each with
what it does, and the training options they make."""

from __future__ import annotations

import re
import unicodedata

from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from fineauthor.providers.base import TrainingOptions
from fineauthor.ui.training.train_layout import wrapped_label
from fineauthor.ui.widgets.labels import muted

SUFFIX_MAX_LENGTH = 40  # the shortest limit among the services (Together AI)
# The services FineAuthor can ask for a full fine-tune (Fireworks trains add-ons only; OpenAI
# decides for itself).
FULL_TRAINING_SERVICES = frozenset({"together"})


def model_suffix(style_name: str) -> str:
    """A name tag for the trained model from the project's unique style name: ASCII letters,
    digits and dashes, lower case ("Outline Mageddon" → "outline-mageddon")."""
    ascii_text = unicodedata.normalize("NFKD", style_name).encode("ascii", "ignore").decode()
    dashed = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()
    return dashed[:SUFFIX_MAX_LENGTH].rstrip("-")


class AdvancedSettings(QFrame):
    """The settings a new writer can leave alone: each field is "Automatic" at zero (the
    service's choice), and the name tag starts from ``style_name``."""

    def __init__(self, style_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(self.tr("Advanced settings"))
        automatic = self.tr("Automatic")

        self.method_box = QComboBox()
        self.method_box.addItem(self.tr("A small add-on (LoRA) — cheaper, the usual choice"), True)
        self.method_box.addItem(self.tr("The whole model (full training) — costs more"), False)
        self.method_box.setAccessibleName(self.tr("How much of the model is trained"))
        self.epochs_box = QSpinBox()
        self.epochs_box.setRange(0, 50)
        self.epochs_box.setSpecialValueText(automatic)
        self.epochs_box.setAccessibleName(self.tr("Passes over your examples (epochs)"))
        self.rate_box = QDoubleSpinBox()
        self.rate_box.setRange(0.0, 10.0)
        self.rate_box.setDecimals(2)
        self.rate_box.setSingleStep(0.1)
        self.rate_box.setSpecialValueText(automatic)
        self.rate_box.setAccessibleName(self.tr("Learning-rate multiplier"))
        self.batch_box = QSpinBox()
        self.batch_box.setRange(0, 256)
        self.batch_box.setSpecialValueText(automatic)
        self.batch_box.setAccessibleName(self.tr("Batch size"))
        self.suffix_edit = QLineEdit(model_suffix(style_name))
        self.suffix_edit.setMaxLength(SUFFIX_MAX_LENGTH)
        self.suffix_edit.setPlaceholderText(self.tr("for example: outline-mageddon"))
        self.suffix_edit.setAccessibleName(self.tr("Name tag for your model"))

        rows = (
            (
                self.tr("What is trained:"),
                self.method_box,
                self.tr(
                    "An add-on learns your style on top of the model and is what most writers "
                    "want. Training the whole model costs more, and using it afterwards needs a "
                    "rented server."
                ),
            ),
            (
                self.tr("Passes (epochs):"),
                self.epochs_box,
                self.tr(
                    "How many times the model reads all your examples. More passes copy them "
                    "more closely; too many and it parrots them."
                ),
            ),
            (
                self.tr("Learning-rate multiplier:"),
                self.rate_box,
                self.tr(
                    "How big a change each step makes. Lower is gentler; higher learns faster "
                    "but can overshoot."
                ),
            ),
            (
                self.tr("Batch size:"),
                self.batch_box,
                self.tr(
                    "How many examples it reads before each change. Larger batches make "
                    "steadier, slower progress."
                ),
            ),
            (
                self.tr("Name tag:"),
                self.suffix_edit,
                self.tr("Added to your model's name so you can tell it apart later."),
            ),
        )
        # A grid rather than a QFormLayout, which gives the wrapped notes far too much height.
        grid = QGridLayout(self)
        grid.setColumnStretch(1, 1)
        for index, (label, field, explanation) in enumerate(rows):
            field.setToolTip(explanation)
            title = QLabel(label)
            title.setBuddy(field)
            grid.addWidget(title, 2 * index, 0)
            grid.addWidget(field, 2 * index, 1)
            grid.addWidget(muted(wrapped_label(explanation)), 2 * index + 1, 1)
        self._method_tip = self.method_box.toolTip()

    def set_service(self, provider_id: str) -> None:
        """Offer training the whole model only where ``provider_id`` does it."""
        full = provider_id in FULL_TRAINING_SERVICES
        if not full:
            self.method_box.setCurrentIndex(0)
        self.method_box.setEnabled(full)
        self.method_box.setToolTip(
            self._method_tip if full else self.tr("This service trains small add-ons only.")
        )

    def training_options(self) -> TrainingOptions:
        """What the settings say; "Automatic" leaves the service's choice."""
        suffix = model_suffix(self.suffix_edit.text())
        return TrainingOptions(
            lora=bool(self.method_box.currentData()),
            epochs=self.epochs_box.value() or None,
            learning_rate_multiplier=self.rate_box.value() or None,
            batch_size=self.batch_box.value() or None,
            suffix=suffix or None,
        )
