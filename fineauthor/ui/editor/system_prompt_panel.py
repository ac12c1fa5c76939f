"""The system prompt at the top of the editor's left column, in its three states: the project's
(one quiet line), the example's own (marked with a bar in the accent colour), or none.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from fineauthor.ui.editor.message_field import MessageField

# The system prompt's three states.
SAME, OWN, MISSING = "same", "own", "missing"


def system_state(example_system: str | None, project_system: str) -> str:
    """SAME when the example uses the project's system prompt, OWN when it has another (an
    empty one included), MISSING when it has none."""
    if example_system is None:
        return MISSING
    if project_system and example_system == project_system:
        return SAME
    return OWN


class SystemPromptPanel(QFrame):
    """The system prompt: one line while it is the project's, the text when it is the example's
    own (marked with a bar in the accent colour), a plain note when there is none."""

    def __init__(self, field: MessageField, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.state = SAME
        self.expanded = False
        self._shown: tuple[str, bool, bool] | None = None
        self.setObjectName("systemPromptPanel")

        # The line reads as a sentence in every state, so it needs no heading; the technical
        # word is explained in its tooltip.
        self.explanation = self.tr(
            "A system prompt holds standing instructions the model reads before every prompt, "
            "such as the voice to write in."
        )
        self.status = QLabel(self)
        self.status.setWordWrap(True)  # never widens the left column
        self.status.setAccessibleName(self.tr("System prompt"))
        self.status.setBuddy(field.editor)
        self.action = QPushButton(self)

        # The sentence above, the button under it: side by side they squeeze the sentence into
        # a narrow column of single words.
        top = QVBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(4)
        top.addWidget(self.status)
        top.addWidget(self.action, 0, Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(field, 1)
        field.hide()

    def show_state(self, state: str, expanded: bool, project_has_prompt: bool) -> None:
        if self._shown == (state, expanded, project_has_prompt):
            return
        self._shown = (state, expanded, project_has_prompt)
        self.state, self.expanded = state, expanded and state != MISSING
        if state == MISSING:
            text = self.tr("No system prompt")
            note = self.tr(
                "Examples that carry the project’s system prompt teach the model to link your "
                "voice to it. Most examples should have it."
            )
            action = (
                self.tr("Add the project’s")
                if project_has_prompt
                else self.tr("Write one for this example…")
            )
        elif state == OWN:
            text = self.tr("This example has its own system prompt")
            note = (
                self.tr("It differs from the project’s, which your other examples use.")
                if project_has_prompt
                else self.tr("The project has no system prompt of its own.")
            )
            action = (
                self.tr("Use the project’s again") if project_has_prompt else self.tr("Remove it")
            )
        elif self.expanded:
            text = self.tr("This example’s system prompt, the same as the project’s so far")
            note = self.tr("Change it here to give this example its own.")
            action = self.tr("Use the project’s again")
        else:
            text = self.tr("Uses the project’s system prompt")
            prompt = self.field.text()
            note = (
                self.tr("The project’s system prompt:")
                + "\n"
                + (prompt if len(prompt) <= 400 else prompt[:400] + "…")
            )
            action = self.tr("Give this example its own…")
        self.status.setText(text)
        self.status.setToolTip(f"{self.explanation}\n\n{note}")
        self.action.setText(action)
        self.action.setAccessibleName(action.rstrip("…"))
        accent = state == OWN
        # muted while all is as usual; in the normal text colour when it deserves a look
        self.status.setForegroundRole(
            QPalette.ColorRole.PlaceholderText if state == SAME else QPalette.ColorRole.WindowText
        )
        status_font = self.status.font()
        status_font.setBold(accent)
        self.status.setFont(status_font)
        self.setContentsMargins(12 if accent else 0, 0, 0, 0)
        self.field.setVisible(self.expanded)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if self.state == OWN:
            painter = QPainter(self)
            accent = QColor(self.palette().color(QPalette.ColorRole.Highlight))
            painter.fillRect(0, 0, 4, self.height(), accent)
