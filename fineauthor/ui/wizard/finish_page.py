"""Page 9 of the wizard: a summary of the answers, the project's title, the number of empty
examples and where to save the project.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QStyle

from fineauthor.core.errors import FineAuthorError
from fineauthor.ui.wizard import building_blocks as blocks
from fineauthor.ui.wizard import draft as keys
from fineauthor.ui.wizard.answer_store import AnswerStore
from fineauthor.ui.wizard.guide_page import GuidePage


class FinishPage(GuidePage):
    """A summary, the title, the number of example slots and where to save."""

    def __init__(self, store: AnswerStore) -> None:
        super().__init__(
            store,
            self.tr("Ready to write your examples"),
            self.tr("Check your answers, then choose where to keep the project."),
            self.tr(
                "The project keeps everything you decided here, so the editor can check each "
                "example against your length, your win conditions and your model. You can "
                "change any of it later."
            ),
        )
        self.body.addWidget(blocks.heading(self.tr("Your plan"), 1.0))
        self.summary = blocks.wrapping(rich=True)
        self.summary.setAccessibleName(self.tr("Summary of your answers"))
        self.body.addWidget(self.summary)

        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(self.tr("For example: The Saltmarrow books"))
        self.add_field(self.tr("Project title"), self.title_edit)
        self.bind_text(keys.TITLE, self.title_edit)

        self.slots = blocks.spin(1, keys.MAX_SLOTS, 10, "")
        self.slots.setMaximumWidth(140)
        self.add_field(
            self.tr("Empty examples to start with"),
            self.slots,
            self.tr(
                "Each has your system prompt and your scene prompt filled in, waiting for "
                "its ideal response. Fifty is a good start."
            ),
        )
        self.bind_number(keys.SLOTS, self.slots, keys.DEFAULT_SLOTS)

        self.path_label = blocks.wrapping()
        self.path_label.setAccessibleName(self.tr("Where the project will be saved"))
        self.change_button = QPushButton(self.tr("Change…"))
        self.change_button.setAccessibleName(self.tr("Choose where to save the project"))
        self.change_button.clicked.connect(self.choose_path)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_label, 1)
        path_row.addWidget(self.change_button, 0, Qt.AlignmentFlag.AlignTop)
        title = blocks.heading(self.tr("Where to save it"), 1.0)
        self.body.addWidget(title)
        self.body.addLayout(path_row)

        self.problem_label = blocks.wrapping()
        self.problem_label.setAccessibleName(self.tr("Problem creating the project"))
        self.problem_frame = blocks.panel()
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) * 2
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        problem_layout = QHBoxLayout(self.problem_frame)
        problem_layout.setContentsMargins(12, 8, 12, 8)
        problem_layout.setSpacing(12)
        problem_layout.addWidget(icon)
        problem_layout.addWidget(self.problem_label, 1)
        self.problem_frame.hide()
        self.body.addWidget(self.problem_frame)
        self.body.addStretch(1)

        for key in (keys.TITLE, keys.SAVE_PATH):
            self.follow(key, self._show_path)

    def initializePage(self) -> None:  # noqa: N802
        if not self.store.has(keys.TITLE):
            default = self.store.text(keys.STYLE_NAME).strip() or self.tr("My novel")
            self.store.set(keys.TITLE, default)
        self.summary.setText(self._summary_html())
        self._show_path()
        self.show_problem("")

    def project_title(self) -> str:
        return self.title_edit.text().strip() or self.tr("My novel")

    def default_folder(self) -> Path:
        from fineauthor.core.settings import folders, load_settings

        chosen = load_settings()["projects_folder"]
        return Path(chosen) if isinstance(chosen, str) and chosen else folders().documents

    def save_path(self) -> Path:
        """Where Finish will create the project: the writer's choice, or a free name in the
        projects folder (Documents/FineAuthor unless changed in Settings)."""
        chosen = self.store.text(keys.SAVE_PATH)
        if chosen:
            return Path(chosen)
        return keys.free_project_path(self.default_folder(), self.project_title())

    def set_save_path(self, path: Path | str) -> None:
        """Choose where to save without the dialog (tests, and the dialog itself)."""
        self.store.set(keys.SAVE_PATH, str(path))

    def choose_path(self) -> None:
        from fineauthor.core.project.schema import SUFFIX

        folder = self.save_path()
        folder.parent.mkdir(parents=True, exist_ok=True)
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Where to save the project"),
            str(folder),
            self.tr("FineAuthor projects (*{suffix})").format(suffix=SUFFIX),
            options=QFileDialog.Option.DontConfirmOverwrite,  # we refuse existing files anyway
        )
        if not path:
            return
        chosen = Path(path)
        if chosen.suffix != SUFFIX:
            chosen = chosen.with_name(chosen.name + SUFFIX)
        if chosen.exists():
            self.show_problem(
                self.tr(
                    "There is already a file called “{name}” there. Choose another name, so "
                    "nothing gets replaced."
                ).format(name=chosen.name)
            )
            return
        self.show_problem("")
        self.set_save_path(chosen)

    def _show_path(self) -> None:
        path = self.save_path()
        self.path_label.setText(
            self.tr("{file}\nin {folder}").format(file=path.name, folder=str(path.parent))
        )
        self.path_label.setToolTip(str(path))

    def show_problem(self, message: str) -> None:
        self.problem_label.setText(message)
        self.problem_frame.setVisible(bool(message))

    def _summary_html(self) -> str:
        from fineauthor.core.catalog import load_catalog

        answers = self.store.answers
        rows: list[tuple[str, str]] = []
        name = self.store.text(keys.STYLE_NAME).strip()
        rows.append((self.tr("Style name"), escape(name) if name else self.tr("none yet")))
        target = self.store.number(keys.TARGET_WORDS, keys.DEFAULT_TARGET_WORDS)
        tolerance = self.store.number(keys.TOLERANCE_WORDS, keys.DEFAULT_TARGET_WORDS // 10)
        rows.append(
            (
                self.tr("Length"),
                self.tr("{target} words, give or take {tolerance}").format(
                    target=blocks.format_number(target), tolerance=blocks.format_number(tolerance)
                ),
            )
        )
        conditions = [self._describe(c) for c in keys.win_conditions(answers)]
        rows.append(
            (
                self.tr("Win conditions"),
                "<br>".join(escape(c) for c in conditions)
                if conditions
                else self.tr("none yet: you can add them later"),
            )
        )
        model_id = keys.chosen_model_id(answers)
        try:
            catalog = load_catalog()
            model = catalog.model(model_id)
            model_text = self.tr("{model} at {service}").format(
                model=model.name, service=catalog.provider(model.provider).name
            )
        except FineAuthorError:
            model_text = model_id
        rows.append((self.tr("Model"), escape(model_text)))
        system = self.store.text(keys.SYSTEM_PROMPT).strip()
        rows.append(
            (
                self.tr("System prompt"),
                escape(blocks.shorten(system, 160)) if system else self.tr("none"),
            )
        )
        template = self.store.text(keys.TEMPLATE).strip()
        rows.append(
            (
                self.tr("Scene prompt"),
                escape(blocks.shorten(template, 160))
                if template
                else self.tr("none: you write each"),
            )
        )
        cells = "".join(
            f"<tr><td style='padding:2px 16px 2px 0'><b>{escape(label)}</b></td>"
            f"<td style='padding:2px 0'>{value}</td></tr>"
            for label, value in rows
        )
        return f"<table>{cells}</table>"

    def _describe(self, condition: Any) -> str:
        from fineauthor.core.writing import win_conditions as wc

        if isinstance(condition, wc.LengthBand):
            return self.tr("Responses of {low}–{high} words").format(
                low=blocks.format_number(condition.min_words),
                high=blocks.format_number(condition.max_words),
            )
        if isinstance(condition, wc.DialogueFromStart):
            return self.tr(
                "Dialogue in at least {share}% of paragraphs, from the first reply"
            ).format(share=round(condition.min_share * 100))
        if isinstance(condition, wc.BannedPhrases):
            return self.tr("Never: {phrases}").format(
                phrases=", ".join(f"“{p}”" for p in condition.phrases)
            )
        if isinstance(condition, wc.PointOfViewNote):
            return self.tr("Point of view and tense: {text}").format(
                text=blocks.shorten(condition.text, 80)
            )
        if isinstance(condition, wc.KnowledgeGoal):
            return self.tr("Knows: {text} (a fine-tune can’t promise this)").format(
                text=blocks.shorten(condition.text, 80)
            )
        return blocks.shorten(str(getattr(condition, "text", "")), 100)
