"""The first-fine-tune wizard: nine pages of plain questions that end in a ready project.

The answers live in a draft project file from the first page on (see :mod:`.draft`), so the
wizard can be closed at any point and reopened where the writer left off. Finish creates the real
project and announces it with :attr:`FirstFineTuneWizard.projectCreated`; the main window then
opens it in the editor.
"""

from __future__ import annotations

import contextlib
import itertools
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from fineauthor.core.errors import FineAuthorError
from fineauthor.ui.widgets.window_size import resize_to_fit
from fineauthor.ui.wizard import draft as keys
from fineauthor.ui.wizard.answer_store import AnswerStore
from fineauthor.ui.wizard.craft_page import CraftPage
from fineauthor.ui.wizard.draft import WizardDraft
from fineauthor.ui.wizard.finish_page import FinishPage
from fineauthor.ui.wizard.guide_page import GuidePage
from fineauthor.ui.wizard.intro_page import IntroPage
from fineauthor.ui.wizard.model_page import ModelPage
from fineauthor.ui.wizard.prompt_page import PromptPage
from fineauthor.ui.wizard.style_name_page import NamePage
from fineauthor.ui.wizard.voice_and_length_pages import LengthPage, StylePage
from fineauthor.ui.wizard.win_condition_page import WinConditionPage

# Page ids are their positions, so the saved page number is simply the id.
INTRO, WIN, STYLE, LENGTH, PROMPTS, CRAFT, NAME, MODEL, FINISH = range(9)


class StepList(QListWidget):
    """The steps down the side, the current one marked, so a writer knows where they are."""

    def __init__(self, titles: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Steps"))
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a map, not a control
        self.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.setFrameShape(QListWidget.Shape.NoFrame)
        self.setSpacing(4)
        self.setFixedWidth(210)
        for number, title in enumerate(titles, start=1):
            self.addItem(QListWidgetItem(f"{number}  {title}"))
        self.setStyleSheet("QListWidget { background: transparent; }")

    def set_current(self, index: int) -> None:
        for row in range(self.count()):
            item = self.item(row)
            font = QFont(self.font())
            font.setBold(row == index)
            item.setFont(font)
            item.setForeground(
                self.palette().color(self.foregroundRole())
                if row <= index
                else self.palette().color(self.palette().ColorGroup.Disabled, self.foregroundRole())
            )


class FirstFineTuneWizard(QWizard):
    """Plan a first fine-tune. Resumes the newest draft, or starts one."""

    projectCreated = Signal(Path)  # noqa: N815 - the new project's file, after Finish

    def __init__(self, parent: QWidget | None = None, draft: WizardDraft | None = None) -> None:
        super().__init__(parent)
        self.draft = draft if draft is not None else WizardDraft.resume_or_start()
        self.store = AnswerStore(self.draft, self)
        self.store.saveFailed.connect(self._save_failed)
        self.setWindowTitle(self.tr("Plan your fine-tune — FineAuthor"))
        self.setAccessibleName(self.tr("Plan your fine-tune"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setTitleFormat(Qt.TextFormat.RichText)  # pages set a larger title
        self.setSubTitleFormat(Qt.TextFormat.PlainText)
        self.setOption(QWizard.WizardOption.NoDefaultButton, True)  # Enter adds a line break
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, False)

        self.intro_page = IntroPage(self.store)
        self.win_page = WinConditionPage(self.store)
        self.style_page = StylePage(self.store)
        self.length_page = LengthPage(self.store)
        self.prompt_page = PromptPage(self.store)
        self.craft_page = CraftPage(self.store)
        self.name_page = NamePage(self.store)
        self.model_page = ModelPage(self.store)
        self.finish_page = FinishPage(self.store)
        self.guide_pages: list[GuidePage] = [
            self.intro_page,
            self.win_page,
            self.style_page,
            self.length_page,
            self.prompt_page,
            self.craft_page,
            self.name_page,
            self.model_page,
            self.finish_page,
        ]
        for page_id, page in enumerate(self.guide_pages):
            self.setPage(page_id, page)

        self.steps = StepList(
            [
                self.tr("What a fine-tune does"),
                self.tr("Your win condition"),
                self.tr("Your voice"),
                self.tr("Length"),
                self.tr("Your prompts"),
                self.tr("Before you fine-tune"),
                self.tr("A name for the style"),
                self.tr("Where to train"),
                self.tr("Create the project"),
            ]
        )
        self.save_problem = QLabel()
        self.save_problem.setWordWrap(True)
        self.save_problem.setAccessibleName(self.tr("Problem saving your answers"))
        self.save_problem.hide()
        # Kept on self: PySide does not hand the side widget's ownership to the wizard.
        self.side = side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 12, 0)
        side_layout.addWidget(self.steps, 1)
        side_layout.addWidget(self.save_problem)
        self.setSideWidget(side)

        button = QWizard.WizardButton
        self.setButtonText(button.BackButton, self.tr("< Back"))
        self.setButtonText(button.NextButton, self.tr("Next >"))
        self.setButtonText(button.FinishButton, self.tr("Create project"))
        self.setButtonText(button.CancelButton, self.tr("Close"))
        self.setButtonText(button.CustomButton1, self.tr("Start over…"))
        for which, name in (
            (button.BackButton, self.tr("Back")),
            (button.NextButton, self.tr("Next")),
            (button.FinishButton, self.tr("Create the project")),
            (button.CancelButton, self.tr("Close, and carry on later")),
            (button.CustomButton1, self.tr("Start over")),
        ):
            self.button(which).setAccessibleName(name)
        self.button(button.CancelButton).setToolTip(
            self.tr("Your answers are saved. Carry on later from the start page.")
        )
        self.button(button.CustomButton1).setToolTip(self.tr("Clear every answer and begin again"))
        self.customButtonClicked.connect(self._custom_button)
        self.currentIdChanged.connect(self._page_changed)

        resize_to_fit(self, 1280, 800)  # smaller on a smaller screen
        self._order_buttons()
        self._resume(self.draft.page)

    def _order_buttons(self) -> None:
        """Tab goes through the page first, then the buttons from left to right (QWizard
        makes its buttons before the pages, so they would come first, Start over alone)."""
        button = QWizard.WizardButton
        order = [
            self.button(which)
            for which in (
                button.CustomButton1,
                button.BackButton,
                button.NextButton,
                button.CommitButton,
                button.FinishButton,
                button.CancelButton,
            )
        ]
        for before, after in itertools.pairwise(order):
            QWidget.setTabOrder(before, after)

    # -- pages -----------------------------------------------------------------------------------

    def _resume(self, page: int) -> None:
        """Open at ``page`` with the pages before it in the history, so Back works from there."""
        self._resuming = True
        try:
            self.restart()
            target = min(max(page, 0), FINISH)
            while self.currentId() < target:
                self.next()
        finally:
            self._resuming = False
        self._page_changed(self.currentId())

    def _page_changed(self, page_id: int) -> None:
        if page_id < 0:
            return
        self.steps.set_current(page_id)
        if not getattr(self, "_resuming", False):
            self.store.set(keys.PAGE, page_id)

    def _save_failed(self, message: str) -> None:
        self.save_problem.setText(
            self.tr("Your last answer could not be saved. {reason}").format(reason=message)
        )
        self.save_problem.show()

    def _custom_button(self, which: int) -> None:
        if which == QWizard.WizardButton.CustomButton1.value:
            self.ask_start_over()

    def ask_start_over(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Start over?"),
            self.tr("Clear every answer and start again from the first page?"),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        clear = box.addButton(self.tr("Clear my answers"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda clicked: clicked is clear and self.start_over())
        box.open()

    def start_over(self) -> None:
        """Forget every answer and go back to the first page."""
        try:
            self.draft.clear()
        except FineAuthorError as problem:
            self._save_failed(str(problem))
        for page in self.guide_pages:
            page.reload()
        self._resume(INTRO)

    # -- finishing and closing -------------------------------------------------------------------

    def create_project(self) -> Path | None:
        """Make the project from the answers; its path, or None (the reason is on the page)."""
        answers = self.store.answers
        title = self.finish_page.project_title()
        count = self.store.number(keys.SLOTS, keys.DEFAULT_SLOTS)
        target = self.finish_page.save_path()
        # A folder that cannot be made is explained by the project's own check below.
        with contextlib.suppress(OSError):
            target.parent.mkdir(parents=True, exist_ok=True)
        try:
            settings = keys.project_settings(answers, title)
            examples = keys.slot_examples(answers, count)
            return self.draft.finish(target, settings, examples)
        except FineAuthorError as problem:
            self.finish_page.show_problem(str(problem))
            return None

    def accept(self) -> None:
        path = self.create_project()
        if path is None:
            return  # stay on the page: the writer can choose another place and try again
        super().accept()
        self.projectCreated.emit(path)

    def done(self, result: int) -> None:
        # Closed part-way: the answers stay in the draft; an untouched draft is not kept.
        if self.draft.project is not None:
            if self.draft.is_blank:
                self.draft.discard()
            else:
                self.draft.close()
        super().done(result)
