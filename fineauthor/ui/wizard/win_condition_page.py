"""Page 2 of the wizard: how the writer will know the fine-tune worked (the win conditions)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from fineauthor.ui.wizard import building_blocks as blocks
from fineauthor.ui.wizard import draft as keys
from fineauthor.ui.wizard.answer_store import AnswerStore
from fineauthor.ui.wizard.guide_page import GuidePage


class WinConditionPage(GuidePage):
    """Measurable checks: the project's win conditions."""

    def __init__(self, store: AnswerStore) -> None:
        super().__init__(
            store,
            self.tr("How will you know it worked?"),
            self.tr(
                "Tick the results that would make you say “yes, that’s it”, and fill in the "
                "details. You can change them later."
            ),
            self.tr(
                "A fine-tune is only a win if you can tell that it is one. A clear goal tells "
                "you which examples to write, and later lets FineAuthor score the trained "
                "model’s answers against it, instead of leaving you with “it feels a bit "
                "better, maybe”."
            ),
        )
        self.details: dict[str, QWidget] = {}
        self._measurable_conditions()
        self._written_conditions()
        self.body.addStretch(1)

    def _measurable_conditions(self) -> None:
        # Length band.
        self.length_box = QCheckBox(self.tr("Length: every response runs to a set length"))
        self.length_min = blocks.spin(50, 20000, 50, self.tr(" words"))
        self.length_max = blocks.spin(50, 20000, 50, self.tr(" words"))
        self.length_min.setAccessibleName(self.tr("Shortest response in words"))
        self.length_max.setAccessibleName(self.tr("Longest response in words"))
        length_row = QHBoxLayout()
        length_row.addWidget(QLabel(self.tr("Between")))
        length_row.addWidget(self.length_min)
        length_row.addWidget(QLabel(self.tr("and")))
        length_row.addWidget(self.length_max)
        length_row.addStretch(1)
        self._condition(keys.LENGTH_ON, self.length_box, length_row)
        self.bind_number(keys.LENGTH_MIN, self.length_min, keys.DEFAULT_WIN_LENGTH[0])
        self.bind_number(keys.LENGTH_MAX, self.length_max, keys.DEFAULT_WIN_LENGTH[1])

        # Dialogue from the first response.
        self.dialogue_box = QCheckBox(self.tr("Dialogue from the very first response"))
        self.dialogue_percent = blocks.spin(5, 100, 5, self.tr("%"))
        self.dialogue_percent.setMinimumWidth(80)
        self.dialogue_percent.setAccessibleName(
            self.tr("Share of paragraphs with someone speaking")
        )
        dialogue_row = QHBoxLayout()
        dialogue_row.addWidget(QLabel(self.tr("At least")))
        dialogue_row.addWidget(self.dialogue_percent)
        dialogue_row.addWidget(
            blocks.wrapping(
                self.tr("of the paragraphs have someone speaking (in quotation marks)")
            ),
            1,
        )
        self._condition(keys.DIALOGUE_ON, self.dialogue_box, dialogue_row)
        self.bind_number(keys.DIALOGUE_PERCENT, self.dialogue_percent, 30)

    def _written_conditions(self) -> None:

        # Phrases never to see.
        self.banned_box = QCheckBox(self.tr("Phrases I never want to see"))
        self.banned_text = blocks.text_box(
            3, self.tr("One per line, for example:\nshe bit her lip")
        )
        self.banned_text.setAccessibleName(self.tr("Phrases you never want to see, one per line"))
        self._condition(keys.BANNED_ON, self.banned_box, self.banned_text)
        self.bind_text(keys.BANNED_PHRASES, self.banned_text)

        # Point of view and tense.
        self.pov_box = QCheckBox(self.tr("Point of view and tense"))
        self.pov_text = QLineEdit()
        self.pov_text.setPlaceholderText(self.tr("For example: close third person, past tense"))
        self.pov_text.setAccessibleName(self.tr("Point of view and tense"))
        pov_column = QVBoxLayout()
        pov_column.addWidget(self.pov_text)
        pov_column.addWidget(
            blocks.wrapping(self.tr("Kept as a note for you to judge: it is hard to measure."))
        )
        self._condition(keys.POV_ON, self.pov_box, pov_column)
        self.bind_text(keys.POV_TEXT, self.pov_text)

        # Free text.
        self.free_box = QCheckBox(self.tr("Something else"))
        self.free_text = blocks.text_box(2, self.tr("In your own words: what would make it a win?"))
        self.free_text.setAccessibleName(self.tr("Another win condition, in your own words"))
        self._condition(keys.FREE_ON, self.free_box, self.free_text)
        self.bind_text(keys.FREE_TEXT, self.free_text)

        # Knowledge (a goal a fine-tune cannot meet; page 6 says so).
        self.knowledge_box = QCheckBox(self.tr("The model should know my characters or my world"))
        self.knowledge_text = blocks.text_box(
            2, self.tr("For example: that Mara is afraid of the sea, and the town is Dunmere")
        )
        self.knowledge_text.setAccessibleName(
            self.tr("What the model should know about your story")
        )
        self._condition(keys.KNOWLEDGE_ON, self.knowledge_box, self.knowledge_text)
        self.bind_text(keys.KNOWLEDGE_TEXT, self.knowledge_text)

    def _condition(self, key: str, box: QCheckBox, detail: QWidget | QHBoxLayout) -> None:
        """A check box with its details indented below it, shown only while it is ticked."""
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(28, 0, 0, 6)
        if isinstance(detail, QWidget):
            layout.addWidget(detail)
        else:
            layout.addLayout(detail)
        box.setAccessibleName(box.text())
        self.body.addWidget(box)
        self.body.addWidget(holder)
        self.details[key] = holder
        box.toggled.connect(holder.setVisible)
        self.bind_check(key, box)
        holder.setVisible(box.isChecked())
