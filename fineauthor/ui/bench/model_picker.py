"""Choosing what the bench compares: the project's trained models, the model each was trained
from and the service it runs on (as the training history and the catalog say), and the Models
box where the writer picks or pastes them."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QWidget

from fineauthor.core.catalog import load_catalog
from fineauthor.core.errors import FineAuthorError
from fineauthor.providers.base import SUCCEEDED
from fineauthor.ui.shell.document import ProjectDocument


@dataclass(frozen=True)
class TrainedModel:
    """A model the project's training history made."""

    model: str  # the fine-tuned model's id
    provider: str
    base: str  # the model it was trained from, as the job row says


def trained_models(document: ProjectDocument) -> list[TrainedModel]:
    """The project's trained models, newest first, each once."""
    try:
        rows = document.project.jobs()
    except FineAuthorError:
        return []
    found: dict[str, TrainedModel] = {}
    for row in reversed(rows):
        model = row.get("fine_tuned_model")
        if row.get("status") != SUCCEEDED or not isinstance(model, str) or not model:
            continue
        if model not in found:
            base = row.get("model")
            found[model] = TrainedModel(
                model, str(row.get("provider") or ""), base if isinstance(base, str) else ""
            )
    return list(found.values())


def base_model_for(model_id: str, fallback: str = "") -> str:
    """The model ``model_id`` was trained from, as the catalog resolves it (``ft:…`` ids and
    Together's output names), else ``fallback``."""
    try:
        found = load_catalog().model(model_id).id
    except FineAuthorError:
        return fallback
    return found if found != model_id else fallback


def provider_for(model_id: str, fallback: str = "") -> str:
    """The service a model most likely lives on, by the catalog; ``fallback`` when unknown."""
    try:
        return load_catalog().model(model_id).provider
    except FineAuthorError:
        return fallback


class ModelPicker(QGroupBox):
    """The Models box: the writer's trained model, the model to compare it with (its base
    unless they choose another), and the service both run on."""

    changed = Signal()  # the trained model, the model to compare with or the service changed

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._trained: list[TrainedModel] = []
        self.setTitle(self.tr("Models"))
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.trained_combo = QComboBox()
        self.trained_combo.setEditable(True)
        self.trained_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.trained_combo.setAccessibleName(self.tr("Your trained model"))
        self.trained_combo.lineEdit().setPlaceholderText(self.tr("Paste a model’s name…"))
        self.trained_combo.setToolTip(
            self.tr("A model you trained: from your trainings, or paste its name.")
        )
        self.trained_combo.currentTextChanged.connect(self._trained_model_changed)
        form.addRow(self.tr("Your trained model:"), self.trained_combo)
        self.base_combo = QComboBox()
        self.base_combo.setEditable(True)
        self.base_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.base_combo.setAccessibleName(self.tr("Model to compare with"))
        self.base_combo.setToolTip(
            self.tr(
                "The model your fine-tune was trained from, unless you choose another. The "
                "difference between the two replies is what your examples taught."
            )
        )
        self.base_combo.currentTextChanged.connect(self._models_changed)
        form.addRow(self.tr("Compare with:"), self.base_combo)
        self.service_combo = QComboBox()
        self.service_combo.setAccessibleName(self.tr("Service"))
        self.service_combo.setToolTip(
            self.tr("The service both models run on. FineAuthor asks it with your key for it.")
        )
        for provider in load_catalog().providers:
            self.service_combo.addItem(provider.name, provider.id)
        self.service_combo.currentIndexChanged.connect(self._models_changed)
        form.addRow(self.tr("Service:"), self.service_combo)

    def fill(self) -> None:
        """The trained models from the project's history; the one shown stays if there is one,
        else the newest."""
        self._trained = trained_models(self.document)
        current = self.trained_combo.currentText()
        self.trained_combo.blockSignals(True)
        self.trained_combo.clear()
        for trained in self._trained:
            self.trained_combo.addItem(trained.model, trained.provider)
        self.trained_combo.setEditText(current or (self._trained[0].model if self._trained else ""))
        self.trained_combo.lineEdit().setCursorPosition(0)  # a long name shows its start
        self.trained_combo.blockSignals(False)
        self._trained_model_changed(self.trained_combo.currentText())

    def set_trained_model(self, model_id: str) -> None:
        """Compare ``model_id`` (e.g. a training that just finished) with its base."""
        self.fill()
        index = self.trained_combo.findText(model_id)
        if index >= 0:
            self.trained_combo.setCurrentIndex(index)
        self.trained_combo.setEditText(model_id)
        self.trained_combo.lineEdit().setCursorPosition(0)

    def trained_row(self, model_id: str) -> TrainedModel | None:
        """What the training history says of ``model_id``, if it made it."""
        return next((t for t in self._trained if t.model == model_id), None)

    @Slot(str)
    def _trained_model_changed(self, model_id: str) -> None:
        """A new trained model: the service it lives on, and its base to compare with."""
        model_id = model_id.strip()
        row = self.trained_row(model_id)
        settings = self.document.settings
        provider = row.provider if row else provider_for(model_id, settings.provider or "")
        base = base_model_for(model_id, row.base if row else "") or settings.base_model
        index = self.service_combo.findData(provider) if provider else -1
        if index >= 0:
            self.service_combo.blockSignals(True)
            self.service_combo.setCurrentIndex(index)
            self.service_combo.blockSignals(False)
        self.base_combo.blockSignals(True)
        self.base_combo.clear()
        choices = [base] if base else []
        if settings.base_model and settings.base_model not in choices:
            choices.append(settings.base_model)
        service = self.service_combo.currentData()
        with contextlib.suppress(FineAuthorError):
            choices += [m.id for m in load_catalog().models_for(service) if m.id not in choices]
        self.base_combo.addItems(choices)
        self.base_combo.setEditText(base)
        self.base_combo.lineEdit().setCursorPosition(0)
        self.base_combo.blockSignals(False)
        self._models_changed()

    @Slot()
    def _models_changed(self) -> None:
        self.changed.emit()

    @property
    def trained_model(self) -> str:
        return self.trained_combo.currentText().strip()

    @property
    def base_model(self) -> str:
        return self.base_combo.currentText().strip()

    @property
    def provider_id(self) -> str:
        return str(self.service_combo.currentData() or "")
