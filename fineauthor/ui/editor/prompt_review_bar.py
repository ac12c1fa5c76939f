"""The note above a prompt a model wrote from the writer's scene: which model wrote it, what
its check still found wrong (if anything), and Accept. Editing the prompt makes it the
writer's own, and the note goes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from fineauthor.core.dataset.example import Example
from fineauthor.ui.shell.document import ProjectDocument


class PromptReviewBar(QFrame):
    """Shown only while the example's prompt waits for the writer's review."""

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._id: int | None = None
        self.setObjectName("promptReview")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.accept_button = QPushButton(self.tr("Accept"))
        self.accept_button.setToolTip(
            self.tr("The prompt says what the scene is about: keep it as it is")
        )
        self.accept_button.setAccessibleName(self.tr("Accept this prompt"))
        self.accept_button.clicked.connect(self._accept)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.message)
        layout.addWidget(self.accept_button, 0, Qt.AlignmentFlag.AlignRight)
        self.hide()

    def show_for(self, example: Example | None) -> None:
        origin = example.prompt_origin if example is not None else None
        if example is None or origin is None or not origin.to_review:
            self._id = None
            self.hide()
            return
        self._id = example.id
        text = self.tr(
            "✎ A model ({model}) wrote this prompt from your scene. Accept it, or edit it to "
            "make it yours."
        ).format(model=origin.model or self.tr("a chat model"))
        if origin.problem:
            text += "\n" + self.tr("Its check still found: {problem}").format(
                problem=origin.problem
            )
        self.message.setText(text)
        self.show()

    def _accept(self) -> None:
        if self._id is not None:
            self._document.accept_prompts([self._id])
