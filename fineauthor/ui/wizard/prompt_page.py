"""Page 5 of the wizard: the system prompt, the scene prompt template and the follow-ups."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout

from fineauthor.ui.wizard import building_blocks as blocks
from fineauthor.ui.wizard import draft as keys
from fineauthor.ui.wizard.answer_store import AnswerStore
from fineauthor.ui.wizard.guide_page import GuidePage


class PromptPage(GuidePage):
    """The system prompt, the user prompt template and the follow-ups the writer keeps sending."""

    def __init__(self, store: AnswerStore) -> None:
        super().__init__(
            store,
            self.tr("How you prompt today"),
            self.tr("Your examples should start from the prompts you really send."),
            self.tr(
                "A fine-tune learns to answer the kind of prompt it was trained on. Starting "
                "every example from your real prompts means the trained model does its best "
                "work with the way you actually write to it."
            ),
        )
        self.system = blocks.text_box(
            3,
            self.tr(
                "For example: You are a novelist writing quiet coastal suspense in close "
                "third person."
            ),
        )
        self.add_field(
            self.tr("Your system prompt"),
            self.system,
            self.tr(
                "The standing instructions sent before every conversation. Chat apps call "
                "them “custom instructions”. Leave it empty if you don’t use one."
            ),
        )
        self.bind_text(keys.SYSTEM_PROMPT, self.system)

        self.template = blocks.text_box(
            4,
            self.tr(
                "For example: Write chapter {chapter} of my novel. In this scene: {beat}. "
                "Write it in full."
            ),
        )
        self.add_field(
            self.tr("The prompt you send for each scene"),
            self.template,
            self.tr(
                "Put the parts that change in curly brackets, such as {beat} or {chapter}. "
                "Every example starts with this prompt; you fill in the brackets for each one."
            ),
        )
        self.bind_text(keys.TEMPLATE, self.template)
        self.blanks_label = blocks.wrapping()
        self.blanks_label.setAccessibleName(self.tr("The parts you fill in"))
        self.body.addWidget(self.blanks_label)

        self.follow_ups = blocks.text_box(3, self.tr("One per line, for example:\nmake it longer"))
        self.add_field(
            self.tr("Follow-ups you keep sending"),
            self.follow_ups,
            self.tr("What you ask for again and again after the first answer."),
        )
        self.bind_text(keys.FOLLOW_UPS, self.follow_ups)

        advice = blocks.panel()
        advice.setAccessibleName(self.tr("Advice on follow-ups"))
        advice_layout = QVBoxLayout(advice)
        advice_layout.setContentsMargins(14, 10, 14, 12)
        advice_layout.addWidget(blocks.heading(self.tr("Skip the weak first answer"), 1.0))
        advice_layout.addWidget(
            blocks.wrapping(
                self.tr(
                    "If you always ask for the same fix, fold it into your first prompt. Then, "
                    "as the example’s response, use the better answer you got after the "
                    "follow-up. The model learns to give that answer straight away."
                )
            )
        )
        self.fold_button = QPushButton(self.tr("Add my follow-ups to the prompt"))
        self.fold_button.setAccessibleName(self.fold_button.text())
        self.fold_button.clicked.connect(self.fold_follow_ups)
        self.fold_note = blocks.wrapping()
        row = QHBoxLayout()
        row.addWidget(self.fold_button)
        row.addWidget(self.fold_note, 1)
        advice_layout.addLayout(row)
        self.body.addWidget(advice)
        self.body.addStretch(1)

        for key in (keys.TEMPLATE, keys.FOLLOW_UPS):
            self.follow(key, self._refresh)
        self._refresh()

    def missing_follow_ups(self) -> list[str]:
        """Follow-ups the template does not ask for yet (as the core decides when folding)."""
        from fineauthor.core.writing.prompt_template import with_follow_up

        template = self.store.text(keys.TEMPLATE)
        return [
            line
            for line in keys.lines(self.store.text(keys.FOLLOW_UPS))
            if with_follow_up(template, line) != template
        ]

    def fold_follow_ups(self) -> None:
        from fineauthor.core.writing.prompt_template import with_follow_up

        template = self.store.text(keys.TEMPLATE)
        for follow_up in self.missing_follow_ups():
            template = with_follow_up(template, follow_up)
        self.store.set(keys.TEMPLATE, template)

    def _refresh(self) -> None:
        from fineauthor.core.writing.prompt_template import placeholders

        found = list(placeholders(self.store.text(keys.TEMPLATE)))
        if found:
            self.blanks_label.setText(
                self.tr("You will fill in: {blanks}").format(
                    blanks=", ".join("{" + name + "}" for name in found)
                )
            )
        else:
            self.blanks_label.setText("")
        self.blanks_label.setVisible(bool(found))
        has_follow_ups = bool(keys.lines(self.store.text(keys.FOLLOW_UPS)))
        missing = self.missing_follow_ups()
        self.fold_button.setEnabled(bool(missing))
        if not has_follow_ups:
            self.fold_note.setText(self.tr("List a follow-up above first."))
        elif not missing:
            self.fold_note.setText(self.tr("Your prompt already asks for them."))
        else:
            from fineauthor.core.writing.prompt_template import as_sentence

            self.fold_note.setText(
                self.tr("Adds: {sentences}").format(
                    sentences=" ".join(f"“{as_sentence(line)}”" for line in missing)
                )
            )
