"""The watch window's "Your model" box: the trained model's name, to copy and to try."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLineEdit, QPushButton, QWidget


class ModelResultBox(QGroupBox):
    """Hidden until ``show_model`` gives the trained model's name. ``tryRequested`` carries
    that name when the writer presses Try It."""

    tryRequested = Signal(str)  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Your model"))
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
        row = QHBoxLayout(self)
        row.addWidget(self.model_edit, 1)
        row.addWidget(self.copy_button)
        row.addWidget(self.try_button)
        self.setVisible(False)

    def show_model(self, model_id: str) -> None:
        """The trained model is ``model_id``: show it."""
        self.model_edit.setText(model_id)
        self.setVisible(True)

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
