"""The check report's model chooser: every model of the catalog with its service, the choice kept
in the project's settings, and plain notes on whether the chosen model can be trained at all. A
model whose service takes no new training can still be chosen to check examples against, and
says it can no longer be trained; such models come last.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy, QWidget

from fineauthor.core.catalog import Catalog, ModelInfo, ProviderInfo
from fineauthor.ui.report.check_runner import chosen_model
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.widgets.price_words import day_text

MODEL_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # in the model chooser

#: Where the chooser reads the day (tests set a fixed one).
clock: Callable[[], date] = date.today


class ModelChooser(QComboBox):
    """The model to train. Choosing one changes the project's ``base_model``; ``note`` says what
    stands in the way of training the chosen model, and is hidden when nothing does."""

    def __init__(
        self,
        document: ProjectDocument,
        catalog: Catalog,
        note: QLabel,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.catalog = catalog
        self.note = note
        self.setAccessibleName(self.tr("Model to train"))
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(10)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.currentIndexChanged.connect(self._model_chosen)

    def fill(self) -> None:
        """List the models of the catalog and show the project's."""
        today = clock()
        models = sorted(
            self.catalog.models,
            key=lambda m: not self.catalog.provider(m.provider).takes_new_jobs(today),
        )
        self.blockSignals(True)
        try:
            self.clear()
            for model in models:
                provider = self.catalog.provider(model.provider)
                self.addItem(
                    self.tr("%1 · %2").replace("%1", model.name).replace("%2", provider.name)
                )
                index = self.count() - 1
                self.setItemData(index, model.id, MODEL_ID_ROLE)
                self.setItemData(
                    index,
                    self.model_tooltip(model, provider, today),
                    Qt.ItemDataRole.ToolTipRole,
                )
        finally:
            self.blockSignals(False)
        self.show_chosen()

    def show_chosen(self) -> None:
        """Show the model the project trains now, with its notes."""
        model = chosen_model(self.document.settings)
        index = self.findData(model.id, MODEL_ID_ROLE)
        self.blockSignals(True)
        try:
            self.setCurrentIndex(index)
        finally:
            self.blockSignals(False)
        provider = self.catalog.provider(model.provider)
        today = clock()
        self.setToolTip(self.model_tooltip(model, provider, today))
        self.note.setText(" ".join(self.model_warnings(model, provider, today)))
        self.note.setVisible(bool(self.note.text()))

    def model_warnings(self, model: ModelInfo, provider: ProviderInfo, today: date) -> list[str]:
        """Short, plain notes on whether the writer can train this model at all."""
        notes = []
        if not provider.takes_new_jobs(today):
            assert provider.new_jobs_end is not None  # only false with a date
            notes.append(
                self.tr(
                    "%1 takes no new training since %2, so this model can no longer be trained "
                    "there. You can still check your examples for it."
                )
                .replace("%1", provider.name)
                .replace("%2", day_text(provider.new_jobs_end))
            )
        elif not provider.new_users_can_fine_tune:
            notes.append(
                self.tr("%1 no longer lets new accounts fine-tune.").replace("%1", provider.name)
            )
        if model.shutdown_date is not None:
            when = day_text(model.shutdown_date)
            if model.is_shut_down(today):
                notes.append(self.tr("This model was shut down on %1.").replace("%1", when))
            else:
                notes.append(
                    self.tr(
                        "It stops working on %1, together with every model trained on it."
                    ).replace("%1", when)
                )
        return notes

    def model_tooltip(self, model: ModelInfo, provider: ProviderInfo, today: date) -> str:
        parts = self.model_warnings(model, provider, today)
        parts.append(provider.availability_note)
        return "\n\n".join(p for p in parts if p)

    def _model_chosen(self, index: int) -> None:
        model_id = self.itemData(index, MODEL_ID_ROLE)
        if not model_id or model_id == self.document.settings.base_model:
            return
        self.document.update_settings(base_model=model_id)
