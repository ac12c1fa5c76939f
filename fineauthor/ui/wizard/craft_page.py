"""Page 6 of the wizard: the prompt craft tried before a fine-tune, and the honest word about
goals a fine-tune cannot meet (knowing the writer's story).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
)

from fineauthor.ui.wizard import building_blocks as blocks
from fineauthor.ui.wizard import draft as keys
from fineauthor.ui.wizard.answer_store import AnswerStore
from fineauthor.ui.wizard.guide_page import GuidePage


class CraftPage(GuidePage):
    """Has prompt craft been tried? And the honest word about knowledge goals."""

    def __init__(self, store: AnswerStore) -> None:
        super().__init__(
            store,
            self.tr("Before you fine-tune"),
            self.tr("Some problems go away with a better prompt. Have you tried these?"),
            self.tr(
                "A fine-tune is good at consistency: the same length, the same voice, the same "
                "habits every time. It is not a cure for a vague prompt. What you have tried "
                "tells you whether a fine-tune is the right tool for what is left."
            ),
        )
        self.body.addWidget(blocks.heading(self.tr("What have you tried?"), 1.0))
        self.detailed = QCheckBox(
            self.tr("Detailed prompts: the scene’s beats, who is in it, the setting and tone")
        )
        self.temperature = QCheckBox(
            self.tr("A different temperature: the setting for how adventurous the model is")
        )
        self.steps = QCheckBox(self.tr("Step by step: asking for a plan of the scene first"))
        self.temperature.setToolTip(
            self.tr(
                "Most AI tools have it. Higher makes the writing more surprising, lower more "
                "predictable."
            )
        )
        for box, key in (
            (self.detailed, keys.TRIED_DETAILED),
            (self.temperature, keys.TRIED_TEMPERATURE),
            (self.steps, keys.TRIED_STEPS),
        ):
            box.setAccessibleName(box.text())
            self.body.addWidget(box)
            self.bind_check(key, box)
            self.follow(key, self._refresh)
        self.craft_note = blocks.wrapping()
        self.craft_note.setAccessibleName(self.tr("What we suggest"))
        self.body.addWidget(self.craft_note)

        self.falls_flat = blocks.text_box(
            3,
            self.tr("For example: it stops at 600 words, and nobody speaks until I ask."),
        )
        self.add_field(self.tr("Where does your prompting fall flat?"), self.falls_flat)
        self.bind_text(keys.FALLS_FLAT, self.falls_flat)

        self.warning = self._knowledge_warning()
        self.body.addWidget(self.warning)
        self.body.addStretch(1)
        for key in (keys.KNOWLEDGE_ON, keys.KNOWLEDGE_TEXT):
            self.follow(key, self._refresh)
        self._refresh()

    def _knowledge_warning(self) -> QFrame:
        frame = blocks.panel()
        frame.setAccessibleName(self.tr("About your goal that the model should know your story"))
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) * 2
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(size)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.warning_heading = blocks.heading("", 1.0)
        self.warning_text = blocks.wrapping(
            self.tr(
                "A fine-tune won’t get you there, and it is better to know now. Training on "
                "examples changes how the model writes, not what it remembers: it adjusts "
                "habits, it doesn’t store facts it can look up. Names and details from your "
                "examples may come back now and then, but unreliably and mixed up with "
                "others. Keep your characters and world in the prompt, or in a short summary "
                "you paste in each time."
            )
        )
        self.warning_text.setAccessibleName(self.tr("Why a fine-tune won’t teach facts"))
        self.continue_text = blocks.wrapping(
            self.tr(
                "You can still go on: the goal stays on your list, so you can judge the "
                "result for yourself."
            )
        )
        self.remove_button = QPushButton(self.tr("Take it off my list"))
        self.remove_button.setAccessibleName(self.tr("Remove the knowledge goal"))
        self.remove_button.clicked.connect(lambda: self.store.set(keys.KNOWLEDGE_ON, False))
        button_row = QHBoxLayout()
        button_row.addWidget(self.remove_button)
        button_row.addStretch(1)
        text_column = QVBoxLayout()
        text_column.addWidget(self.warning_heading)
        text_column.addWidget(self.warning_text)
        text_column.addWidget(self.continue_text)
        text_column.addLayout(button_row)
        row = QHBoxLayout(frame)
        row.setContentsMargins(12, 10, 14, 12)
        row.setSpacing(12)
        row.addWidget(icon)
        row.addLayout(text_column, 1)
        return frame

    @property
    def warning_shown(self) -> bool:
        return not self.warning.isHidden()

    def _refresh(self) -> None:
        tried = [self.detailed.isChecked(), self.temperature.isChecked(), self.steps.isChecked()]
        if all(tried):
            self.craft_note.setText(
                self.tr("Good: then a fine-tune is the next step for what is still missing.")
            )
        elif any(tried):
            self.craft_note.setText(
                self.tr(
                    "Worth trying the others first, with your usual prompt. You can carry on "
                    "with this guide either way."
                )
            )
        else:
            self.craft_note.setText(
                self.tr(
                    "These cost nothing: an evening with them might solve the problem. You "
                    "can carry on with this guide either way."
                )
            )
        knowledge = keys.has_knowledge_goal(self.store.answers)
        self.warning.setVisible(knowledge)
        goal = self.store.text(keys.KNOWLEDGE_TEXT).strip()
        if goal:
            self.warning_heading.setText(
                self.tr("About your goal: “{goal}”").format(goal=blocks.shorten(goal, 120))
            )
        else:
            self.warning_heading.setText(
                self.tr("About your goal that the model should know your story")
            )
