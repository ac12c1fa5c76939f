"""The bench's Prompt box: the prompt both models answer, taken from one of the writer's examples,
from their prompt template, or written there, with a word on whether the system prompt goes
first."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QGroupBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.errors import FineAuthorError
from fineauthor.core.writing import bench_scoring as bench
from fineauthor.ui.bench.hint import hint
from fineauthor.ui.shell.document import ProjectDocument

EXAMPLES_DELAY_MS = 700  # refresh the examples' titles after a pause in editing


class _PromptEdit(QPlainTextEdit):
    """The prompt's editor. It asks only for its smallest height and grows into what the
    sidebar has left, so the sidebar fits a 1280×800 window without scrolling."""

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(super().sizeHint().width(), self.minimumHeight())


class PromptBox(QGroupBox):
    """The prompt to send: a searchable list of the examples' prompts, "Use My Prompt Template",
    the prompt itself, and a hint about the system prompt. It follows the project's settings and
    examples by itself."""

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._examples_stale = True
        # The examples' titles are refreshed after a pause in editing, not on every keystroke.
        self._examples_timer = QTimer(self)
        self._examples_timer.setSingleShot(True)
        self._examples_timer.setInterval(EXAMPLES_DELAY_MS)
        self._examples_timer.timeout.connect(self._fill_examples)

        self.setTitle(self.tr("Prompt"))
        prompt_layout = QVBoxLayout(self)
        self.example_combo = QComboBox()
        self.example_combo.setEditable(True)
        self.example_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.example_combo.setAccessibleName(self.tr("Prompt from one of your examples"))
        self.example_combo.lineEdit().setPlaceholderText(self.tr("Find one of your examples…"))
        self.example_combo.setMaxVisibleItems(15)
        completer = QCompleter(self.example_combo.model(), self.example_combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.example_combo.setCompleter(completer)
        self.example_combo.activated.connect(self._example_chosen)
        prompt_layout.addWidget(self.example_combo)
        self.template_button = QPushButton(self.tr("Use My Prompt Template"))
        self.template_button.clicked.connect(self.use_template)
        prompt_layout.addWidget(self.template_button)
        self.prompt_edit = _PromptEdit()
        self.prompt_edit.setAccessibleName(self.tr("Prompt"))
        self.prompt_edit.setPlaceholderText(
            self.tr("Write a prompt, or take one from an example or your template.")
        )
        self.prompt_edit.setTabChangesFocus(True)
        self.prompt_edit.setMinimumHeight(90)
        prompt_layout.addWidget(self.prompt_edit, 1)
        self.system_hint = hint("")
        prompt_layout.addWidget(self.system_hint)

        document.settingsChanged.connect(self._settings_changed)
        document.datasetChanged.connect(self._dataset_changed)
        document.reset.connect(self._dataset_changed)
        self._settings_changed()

    def _settings_changed(self) -> None:
        settings = self.document.settings
        self.template = bench.wizard_template(settings.wizard)
        self.template_button.setEnabled(bool(self.template.strip()))
        self.template_button.setToolTip(
            self.tr("Put your prompt template from the planning guide in the prompt box.")
            if self.template.strip()
            else self.tr("Your project has no prompt template from the planning guide.")
        )
        system = settings.system_prompt.strip()
        if system:
            self.system_hint.setText(self.tr("Your system prompt is sent first, as in training."))
            self.system_hint.setToolTip(system)
        else:
            self.system_hint.setToolTip("")
            self.system_hint.setText(
                self.tr("Your project has no system prompt: only the prompt is sent.")
            )

    def _dataset_changed(self) -> None:
        self._examples_stale = True
        if self.isVisible():
            self._examples_timer.start()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._examples_stale:
            self._fill_examples()

    def _fill_examples(self) -> None:
        """The examples' titles (the start of each prompt), each title once."""
        self._examples_stale = False
        self._examples_timer.stop()
        document = self.document
        seen: set[str] = set()
        searching = self.example_combo.currentText()
        self.example_combo.blockSignals(True)
        self.example_combo.clear()
        for example_id in document.ids():
            title = document.summary(example_id).prompt_preview
            if title and title not in seen:
                seen.add(title)
                self.example_combo.addItem(title, example_id)
        self.example_combo.setCurrentIndex(-1)
        self.example_combo.setEditText(searching)
        self.example_combo.blockSignals(False)

    @Slot(int)
    def _example_chosen(self, index: int) -> None:
        example_id = self.example_combo.itemData(index, Qt.ItemDataRole.UserRole)
        if isinstance(example_id, int):
            self.use_example(example_id)

    def use_example(self, example_id: int) -> None:
        """Put an example's prompt (the whole of it) in the prompt box."""
        try:
            prompt = self.document.example(example_id).prompt
        except (KeyError, FineAuthorError):
            return
        self.prompt_edit.setPlainText(prompt)

    @Slot()
    def use_template(self) -> None:
        if self.template.strip():
            self.prompt_edit.setPlainText(self.template)
