"""Page 7 of the wizard: a coined name for the style, how the model sees it, and putting it in
the system prompt (:func:`with_name`).
"""

from __future__ import annotations

import random

from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
)

from fineauthor.core.errors import FineAuthorError
from fineauthor.ui.wizard import building_blocks as blocks
from fineauthor.ui.wizard import draft as keys
from fineauthor.ui.wizard.answer_store import AnswerStore
from fineauthor.ui.wizard.guide_page import GuidePage


class NamePage(GuidePage):
    """A coined name for the style, as the model sees it, placed in the system prompt."""

    SUGGESTIONS = 6
    NAMES = "name_suggestions"  # the suggestions shown, kept so a resumed wizard shows the same

    def __init__(self, store: AnswerStore) -> None:
        super().__init__(
            store,
            self.tr("A name for your style"),
            self.tr("Give the style an unusual name, and put it in your system prompt."),
            self.tr(
                "An invented name carries no baggage: the model has no habits for it yet. Put "
                "it in the system prompt of every example and it becomes a clear signal. When "
                "the model sees it, it writes the way your examples taught it. An ordinary "
                "word like “Storyteller” already means a thousand things to the model."
            ),
        )
        self.body.addWidget(blocks.heading(self.tr("Some ideas"), 1.0))
        self.suggestion_grid = QGridLayout()
        self.suggestion_grid.setHorizontalSpacing(8)
        self.suggestion_grid.setVerticalSpacing(8)
        # Radio buttons: picking a name is a choice among several, not an action.
        self.suggestion_buttons: list[QRadioButton] = []
        self.suggestion_group = QButtonGroup(self)
        self.suggestion_group.setExclusive(True)
        for index in range(self.SUGGESTIONS):
            button = QRadioButton()
            button.clicked.connect(lambda _=False, b=button: self.choose(b.text()))
            self.suggestion_group.addButton(button)
            self.suggestion_buttons.append(button)
            self.suggestion_grid.addWidget(button, index // 3, index % 3)
        self.body.addLayout(self.suggestion_grid)
        self.more_button = QPushButton(self.tr("More ideas"))
        self.more_button.setAccessibleName(self.tr("Suggest other names"))
        self.more_button.clicked.connect(self.new_suggestions)
        more_row = QHBoxLayout()
        more_row.addWidget(self.more_button)
        more_row.addStretch(1)
        self.body.addLayout(more_row)

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("Pick one above or type your own"))
        self.add_field(self.tr("Your style’s name"), self.name_edit)
        self.bind_text(keys.STYLE_NAME, self.name_edit)
        self._token_section()
        self._system_prompt_section()
        self.body.addStretch(1)

        for key in (keys.STYLE_NAME, keys.SYSTEM_PROMPT, keys.BASE_MODEL):
            self.follow(key, self._refresh)
        self.follow(self.NAMES, self._show_suggestions)
        self._show_suggestions()
        self._refresh()

    def _token_section(self) -> None:
        from fineauthor.ui.widgets.token_viewer import TokenViewer

        self.tokens_heading = blocks.heading("", 1.0)
        self.body.addWidget(self.tokens_heading)
        # The viewer explains tokens itself and splits the name in the background.
        self.token_viewer = TokenViewer(model_id=self.model_id())
        self.token_viewer.setAccessibleName(self.tr("Your style’s name as the model sees it"))
        self.token_viewer.updated.connect(self._show_rarity)
        self.body.addWidget(self.token_viewer)
        self.rarity_label = blocks.wrapping()
        self.rarity_label.setAccessibleName(self.tr("How unusual the name is"))
        self.body.addWidget(self.rarity_label)

    def _system_prompt_section(self) -> None:
        self.body.addWidget(blocks.heading(self.tr("In your system prompt"), 1.0))
        self.system_preview = blocks.wrapping()
        self.system_preview.setAccessibleName(self.tr("Your system prompt"))
        self.body.addWidget(self.system_preview)
        self.place_button = QPushButton(self.tr("Put the name in my system prompt"))
        self.place_button.setAccessibleName(self.place_button.text())
        self.place_button.clicked.connect(self.place_name)
        place_row = QHBoxLayout()
        place_row.addWidget(self.place_button)
        place_row.addStretch(1)
        self.body.addLayout(place_row)

    def initializePage(self) -> None:  # noqa: N802
        if not self.store.get(self.NAMES):
            self.new_suggestions()
        self._refresh()

    def new_suggestions(self) -> None:
        from fineauthor.core.writing.style_names import suggest_names

        seed_text = " ".join(
            self.store.text(key) for key in (keys.STYLE_DESCRIPTION, keys.STYLE_PASSAGE)
        )
        names = suggest_names(
            seed_text=seed_text,
            count=self.SUGGESTIONS,
            rng_seed=random.SystemRandom().randrange(2**31),
        )
        self.store.set(self.NAMES, list(names))

    def _show_suggestions(self) -> None:
        names = self.store.get(self.NAMES) or []
        chosen = self.store.text(keys.STYLE_NAME)
        for index, button in enumerate(self.suggestion_buttons):
            name = names[index] if index < len(names) else ""
            button.setText(name)
            button.setAccessibleName(self.tr("Use the name {name}").format(name=name))
            button.setVisible(bool(name))
        self._mark_chosen(chosen.strip())

    def _mark_chosen(self, name: str) -> None:
        """Tick the suggestion that is the chosen name; none when the writer typed their own."""
        # An exclusive group never lets the last ticked button go, so clear it without.
        self.suggestion_group.setExclusive(False)
        for button in self.suggestion_buttons:
            button.setChecked(bool(name) and button.text() == name)
        self.suggestion_group.setExclusive(True)

    def choose(self, name: str) -> None:
        self.store.set(keys.STYLE_NAME, name)

    def model_id(self) -> str:
        return keys.chosen_model_id(self.store.answers)

    def _refresh(self) -> None:
        from fineauthor.core.catalog import load_catalog

        name = self.store.text(keys.STYLE_NAME).strip()
        self._mark_chosen(name)
        catalog = load_catalog()
        model_id = self.model_id()
        try:
            model = catalog.model(model_id)
            model_name = model.name
        except FineAuthorError:
            model_name = model_id
        if self.store.get(keys.BASE_MODEL):
            heading = self.tr("How {model} sees it").format(model=model_name)
        else:
            heading = self.tr("How {model} sees it (you choose the model on the next page)").format(
                model=model_name
            )
        self.tokens_heading.setText(heading)
        self.token_viewer.set_model(model_id)
        self.token_viewer.set_text(name)
        self._show_rarity()
        system = self.store.text(keys.SYSTEM_PROMPT).strip()
        self.system_preview.setText(
            system or self.tr("(You haven’t written a system prompt. This button starts one.)")
        )
        in_prompt = bool(name) and name in system
        self.place_button.setEnabled(bool(name) and not in_prompt)
        self.place_button.setText(
            self.tr("The name is in your system prompt")
            if in_prompt
            else self.tr("Put the name in my system prompt")
        )

    def _show_rarity(self) -> None:
        # The count is core.writing.style_names.name_rarity (tokens of the name), taken from the
        # viewer's background split so the page never waits for a tokenizer to load.
        name = self.store.text(keys.STYLE_NAME).strip()
        counts = self.token_viewer.counts()
        if not name or counts is None or self.token_viewer.text != name:
            self.rarity_label.setText("")
            return
        self.rarity_label.setText(self._rarity_text(counts[0]))

    def _rarity_text(self, pieces: int) -> str:
        if pieces <= 1:
            return self.tr(
                "The model reads this name as one token: a word it already knows well, with "
                "meanings of its own. An invented name works better."
            )
        if pieces == 2:
            return self.tr(
                "The model reads this name as 2 tokens. It will do; a name in more pieces "
                "carries even less baggage."
            )
        return self.tr(
            "The model reads this name as {count} tokens. Together they mean little to it yet, "
            "so your examples can make the name mean your style."
        ).format(count=pieces)

    def place_name(self) -> None:
        """Start the system prompt with "You are <Name>", replacing a name placed earlier."""
        name = self.store.text(keys.STYLE_NAME).strip()
        if not name:
            return
        placed = with_name(
            self.store.text(keys.SYSTEM_PROMPT),
            name,
            previous=self.store.text(keys.PLACED_NAME),
            opening=self.tr("You are "),
        )
        self.store.update({keys.SYSTEM_PROMPT: placed, keys.PLACED_NAME: name})


def with_name(system: str, name: str, previous: str = "", opening: str = "You are ") -> str:
    """``system`` introduced by ``name``.

    A name put in before is swapped for the new one; "You are a novelist…" becomes
    "You are <Name>, a novelist…"; anything else gets "You are <Name>." in front.
    """
    stripped = system.strip()
    if previous and previous in stripped:
        return stripped.replace(previous, name)
    if not stripped:
        return f"{opening}{name}."
    if stripped.casefold().startswith(opening.casefold()):
        rest = stripped[len(opening) :]
        return f"{opening}{name}, {rest}"
    return f"{opening}{name}. {stripped}"
