"""The test bench: the same prompt to the writer's fine-tuned model and to the model it was
trained from, both replies streamed side by side, scored against the project's win conditions.

The left column shows the fine-tune and the right one the model it is compared with — unless
the run is blind: then they are "A" and "B" in an order drawn for that run, the writer says which
one sounds like them, and only then is the order revealed and the choice added to the project's
tally (``bench_tally``, see :mod:`fineauthor.core.writing.bench_scoring`). Either reply can be
edited in place and added to the project as a new example, marked with where it came from, in
one undo step.

Each reply streams on the thread pool; its pieces reach the GUI thread through a small QObject's
signal (``_Reply``), and the replies are rescored shortly after each change, so the scores and
the highlighted banned phrases follow the text while it arrives and while the writer edits it.
In a blind run the scores wait until the writer has chosen, so they cannot sway the choice.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QLocale, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFont,
    QKeySequence,
    QShortcut,
    QShowEvent,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QSplitter,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset.summary import count_words
from fineauthor.core.errors import FineAuthorError
from fineauthor.core.writing import bench_scoring as bench
from fineauthor.core.writing.bench_scoring import (
    BASE,
    FINE_TUNED,
    BenchTally,
    BlindOrder,
    OutputScore,
    SideBySide,
)
from fineauthor.core.writing.fingerprint import StyleFingerprint
from fineauthor.core.writing.win_conditions import WinCondition, conditions_from_json
from fineauthor.providers.base import SUCCEEDED
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.shell.workers import Task, run_in_background
from fineauthor.ui.widgets.labels import muted

# A column's state.
IDLE, STREAMING, DONE, STOPPED, FAILED = "idle", "streaming", "done", "stopped", "failed"

RESCORE_DELAY_MS = 150  # rescore after a pause in the stream or in typing, not on every piece
EXAMPLES_DELAY_MS = 700  # refresh the examples' titles after a pause in editing

# Banned phrases in a reply: a soft red under the text, readable in light and dark palettes.
_BANNED_BACKGROUND = QColor(232, 96, 96, 110)


@dataclass(frozen=True)
class TrainedModel:
    """A model the project's training history made."""

    model: str  # the fine-tuned model's id
    provider: str
    base: str  # the model it was trained from, as the job row says


@dataclass(frozen=True)
class BenchRun:
    """What one run sent, kept so its replies become examples with the prompt they answered."""

    fine_tuned: str
    base: str
    provider: str
    system_prompt: str
    prompt: str
    temperature: float
    max_words: int
    order: BlindOrder | None  # None for a run that is not blind


def trained_models(document: ProjectDocument) -> list[TrainedModel]:
    """The project's trained models, newest first, each once."""
    try:
        rows = document.project.jobs()
    except FineAuthorError:
        return []
    found: dict[str, TrainedModel] = {}
    for row in reversed(rows):
        model = row.get("fine_tuned_model")
        if row.get("status") != SUCCEEDED or not isinstance(model, str) or not model:
            continue
        if model not in found:
            base = row.get("model")
            found[model] = TrainedModel(
                model, str(row.get("provider") or ""), base if isinstance(base, str) else ""
            )
    return list(found.values())


def base_model_for(model_id: str, fallback: str = "") -> str:
    """The model ``model_id`` was trained from, as the catalog resolves it (``ft:…`` ids and
    Together's output names), else ``fallback``."""
    try:
        found = load_catalog().model(model_id).id
    except FineAuthorError:
        return fallback
    return found if found != model_id else fallback


def provider_for(model_id: str, fallback: str = "") -> str:
    """The service a model most likely lives on, by the catalog; ``fallback`` when unknown."""
    try:
        return load_catalog().model(model_id).provider
    except FineAuthorError:
        return fallback


class _Reply(QObject):
    """One model's reply in one run, carried from its worker to the GUI thread.

    The worker emits ``piece`` (and ``broke`` if FineAuthor itself fails); the slots here run on
    the GUI thread and pass everything on to the column only while this is still the column's
    current reply, so a stopped or replaced reply that is still arriving changes nothing. It is
    a child of its column and deletes itself once its work has ended.
    """

    piece = Signal(str)
    broke = Signal()

    def __init__(self, column: OutputColumn) -> None:
        super().__init__(column)
        self.column = column
        self.piece.connect(self._deliver)
        self.broke.connect(self._broke)

    @property
    def current(self) -> bool:
        return self.column.reply is self

    @Slot(str)
    def _deliver(self, text: str) -> None:
        if self.current:
            self.column.add_piece(text)

    @Slot(object)
    def succeeded(self, completed: object) -> None:
        if self.current:
            self.column.end(DONE if completed else STOPPED)
        self.deleteLater()

    @Slot(str)
    def failed(self, message: str) -> None:
        if self.current:
            self.column.fail(message)
        self.deleteLater()

    @Slot()
    def _broke(self) -> None:
        if self.current:
            self.column.fail(
                self.column.tr(
                    "Something went wrong inside FineAuthor while the reply came in. The error "
                    "report has the details."
                )
            )
        self.deleteLater()


def _chat_work(
    reply: _Reply,
    *,
    provider_id: str,
    model: str,
    messages: list[dict[str, str]],
    temperature: float,
    max_tokens: int,
    no_key: str,
) -> Callable[[Callable[[int], None], Callable[[], bool]], bool]:
    """The work of one reply: find the key, ask, relay each piece. True when the reply came to
    its end, False when it was stopped."""

    def work(_progress: Callable[[int], None], cancelled: Callable[[], bool]) -> bool:
        from fineauthor.providers import keys
        from fineauthor.providers.registry import open_provider

        try:
            stored = keys.key_for(provider_id)
            if stored is None:
                raise FineAuthorError(no_key)
            provider = open_provider(provider_id, stored.value)
            if cancelled():
                return False
            pieces = provider.chat(model, messages, temperature=temperature, max_tokens=max_tokens)
            try:
                for piece in pieces:
                    if cancelled():
                        return False
                    try:
                        reply.piece.emit(piece)
                    except RuntimeError:  # the window and its reply are gone
                        return False
            finally:
                close = getattr(pieces, "close", None)
                if callable(close):
                    close()
        except FineAuthorError:
            raise
        except Exception:
            # A bug: the error dialog reports it (the worker passes it on); the column says so.
            with contextlib.suppress(RuntimeError):
                reply.broke.emit()
            raise
        return True

    return work


def _utf16_positions(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Python (code point) spans as the UTF-16 positions a QTextDocument counts in."""

    def at(index: int) -> int:
        return len(text[:index].encode("utf-16-le")) // 2

    return [(at(start), at(end)) for start, end in spans]


def _hint(text: str) -> QLabel:
    label = muted(QLabel(text))
    label.setWordWrap(True)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.92)
    label.setFont(font)
    return label


# -- one column ---------------------------------------------------------------------------------


class OutputColumn(QWidget):
    """One model's reply: a title, its state, the text (editable once it has arrived), the
    scores, and "Add to my examples"."""

    useRequested = Signal()  # noqa: N815  the writer wants this reply as an example
    edited = Signal()  # the text changed (a piece arrived, or the writer typed)
    ended = Signal()  # the reply finished, was stopped or failed

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name  # "left" or "right", for accessible names
        self.side: str = FINE_TUNED
        self.model = ""
        self.state = IDLE
        self.reply: _Reply | None = None
        self._task: Task | None = None
        self._build()

    def _build(self) -> None:
        self.title = QLabel()
        title_font = self.title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.subtitle = muted(QLabel())
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle.setWordWrap(True)
        self.status = QLabel()
        self.status.setAccessibleName(self.tr("Reply status"))
        self.status.setWordWrap(True)

        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setAccessibleName(self.tr("Reply"))
        self.output.setPlaceholderText(self.tr("Press Run to see this model’s reply here."))
        self.output.textChanged.connect(self.edited)

        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.setAccessibleName(self.tr("What went wrong"))
        self.problem.setFrameShape(QFrame.Shape.StyledPanel)
        self.problem.setMargin(8)
        self.problem.hide()

        self.scores = QTextBrowser()
        self.scores.setOpenLinks(False)
        self.scores.setAccessibleName(self.tr("Scores against your win conditions"))
        self.scores.setFrameShape(QFrame.Shape.NoFrame)
        self.scores.viewport().setAutoFillBackground(False)

        self.use_button = QPushButton(self.tr("Add to My Examples"))
        self.use_button.setToolTip(
            self.tr(
                "Adds this reply, as it is now (edit it first if you like), to your examples "
                "with the prompt it answered. Undo takes it back."
            )
        )
        self.use_button.setEnabled(False)
        self.use_button.clicked.connect(self.useRequested)
        self.note = _hint("")
        self._lay_out()

    def _lay_out(self) -> None:
        text_area = QWidget()
        text_layout = QVBoxLayout(text_area)
        text_layout.setContentsMargins(0, 0, 0, 0)
        text_layout.addWidget(self.output, 1)
        text_layout.addWidget(self.problem)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(text_area)
        self.splitter.addWidget(self.scores)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.note, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.status)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(buttons)

    # The text -------------------------------------------------------------------------------

    def text(self) -> str:
        return self.output.toPlainText()

    def set_heading(self, title: str, subtitle: str) -> None:
        self.title.setText(title)
        self.subtitle.setText(subtitle)
        self.subtitle.setVisible(bool(subtitle))
        self.setAccessibleName(title)

    def begin(self, side: str, model: str) -> _Reply:
        """Make ready for the reply of ``model``; the returned reply carries it here."""
        self.side, self.model, self.state = side, model, STREAMING
        self.reply = _Reply(self)
        self._task = None
        self.output.setReadOnly(True)
        self.output.clear()
        self.clear_scores()
        self.problem.hide()
        self.note.clear()
        self.use_button.setEnabled(False)
        self.show_status()
        return self.reply

    def attach(self, task: Task) -> None:
        """The work bringing the reply (so Stop can stop it)."""
        self._task = task

    def stop(self) -> None:
        """The writer pressed Stop: keep what came so far."""
        if self.state != STREAMING:
            return
        if self._task is not None:
            self._task.cancel()
        self.end(STOPPED)

    def add_piece(self, piece: str) -> None:
        if self.state != STREAMING:
            return
        # The view stays where the writer has it (the start, to read from the top), and follows
        # the end only once they have scrolled down to it.
        bar = self.output.verticalScrollBar()
        at_end = 0 < bar.value() >= bar.maximum() - 4
        cursor = QTextCursor(self.output.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(piece)
        if at_end:
            bar.setValue(bar.maximum())

    def fail(self, message: str) -> None:
        """The reply could not be had: say why, in the service's or FineAuthor's words."""
        if self.state != STREAMING:
            return
        self.problem.setText(message)
        self.problem.show()
        self.end(FAILED)

    def end(self, state: str) -> None:
        """The reply is over (DONE, STOPPED or FAILED): what came is kept and can be edited."""
        if self.state != STREAMING:
            return
        self.state = state
        self.reply = None
        self._task = None
        self.output.setReadOnly(False)  # the writer may now edit it in place
        self.show_status()
        self.edited.emit()
        self.ended.emit()

    def show_status(self) -> None:
        words = count_words(self.text()) if self.state != IDLE else 0
        count = QLocale().toString(words)
        if self.state == STREAMING:
            text = self.tr("Writing… %1 words so far").replace("%1", count)
        elif self.state == DONE:
            text = self.tr("Finished: %1 words. You can edit the reply in place.").replace(
                "%1", count
            )
        elif self.state == STOPPED:
            text = self.tr("Stopped at %1 words. What came so far is kept.").replace("%1", count)
        elif self.state == FAILED:
            text = self.tr("No reply this time.")
        else:
            text = ""
        self.status.setText(text)

    # Scores and highlights -------------------------------------------------------------------

    def show_scores(self, scored: OutputScore, report: str) -> None:
        """Show ``scored`` (for the text as it is now) and highlight its banned phrases."""
        self.scores.setHtml(report)
        selections = []
        for start, end in _utf16_positions(scored.text, scored.spans):
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.output.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            form = QTextCharFormat()
            form.setBackground(_BANNED_BACKGROUND)
            form.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            form.setUnderlineColor(QColor(200, 40, 40))
            selection.format = form
            selections.append(selection)
        self.output.setExtraSelections(selections)

    def hide_scores(self, why: str) -> None:
        """Say why there are no scores yet, and mark nothing."""
        self.scores.setHtml(f"<p><i>{html.escape(why)}</i></p>")
        self.output.setExtraSelections([])

    def highlighted(self) -> list[str]:
        """The pieces of text highlighted as banned phrases, in order."""
        return [s.cursor.selectedText() for s in self.output.extraSelections()]

    def clear_scores(self) -> None:
        self.scores.clear()
        self.output.setExtraSelections([])


# -- the bench ----------------------------------------------------------------------------------


class TestBench(QWidget):
    """The test bench of one open project (a window of its own)."""

    __test__ = False  # not a pytest test class, despite its name

    runStarted = Signal()  # noqa: N815
    runEnded = Signal()  # noqa: N815  both replies have ended (finished, stopped or failed)
    scored = Signal()  # the scores were brought up to date with the texts
    choiceRecorded = Signal(str)  # noqa: N815  FINE_TUNED, BASE or NEITHER, after a blind run
    exampleAdded = Signal(int)  # noqa: N815  the new example's id

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.run: BenchRun | None = None
        self.result: SideBySide | None = None
        self.choice: str | None = None  # the blind choice of the current run, once made
        self._examples_stale = True
        self._run_open = False  # between runStarted and runEnded
        self._tasks: list[Task] = []
        tasks = self._tasks
        # Closing the project deletes this window with it: stop asking the models then too.
        self.destroyed.connect(lambda *_: [task.cancel() for task in tasks])

        self.setWindowTitle(self.tr("Test Bench — %1").replace("%1", document.title))
        self.setAccessibleName(self.tr("Test bench"))
        self._rescore_timer = QTimer(self)
        self._rescore_timer.setSingleShot(True)
        self._rescore_timer.setInterval(RESCORE_DELAY_MS)
        self._rescore_timer.timeout.connect(self.rescore)
        # The examples' titles are refreshed after a pause in editing, not on every keystroke.
        self._examples_timer = QTimer(self)
        self._examples_timer.setSingleShot(True)
        self._examples_timer.setInterval(EXAMPLES_DELAY_MS)
        self._examples_timer.timeout.connect(self._fill_examples)

        self.left = OutputColumn("left")
        self.right = OutputColumn("right")
        for column in (self.left, self.right):
            column.edited.connect(self._schedule_rescore)
            column.ended.connect(self._reply_ended)
            column.useRequested.connect(lambda c=column: self.use_as_example(c))

        self._lay_out()

        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.start_run)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Cancel), self, activated=self.stop)

        document.settingsChanged.connect(self._settings_changed)
        document.datasetChanged.connect(self._dataset_changed)
        document.reset.connect(self._dataset_changed)
        self._fill_models()
        self._settings_changed()
        self._show_headings()
        self._update_buttons()

    # Building -------------------------------------------------------------------------------

    def _lay_out(self) -> None:
        sidebar = self._build_sidebar()
        columns = QSplitter(Qt.Orientation.Horizontal)
        columns.addWidget(self.left)
        columns.addWidget(self.right)
        columns.setChildrenCollapsible(False)
        right_side = QWidget()
        right_layout = QVBoxLayout(right_side)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(columns, 1)
        right_layout.addWidget(self._build_choice_bar())

        outer = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(sidebar)
        outer.addWidget(right_side)
        outer.setStretchFactor(0, 0)
        outer.setStretchFactor(1, 1)
        outer.setSizes([330, 950])
        outer.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(outer)

    def _build_sidebar(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.addWidget(self._build_models_box())
        layout.addWidget(self._build_prompt_box(), 1)
        layout.addWidget(self._build_settings_box())
        layout.addWidget(self._build_run_box())
        scroll = QScrollArea()
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setMinimumWidth(300)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return scroll

    def _build_models_box(self) -> QWidget:
        models = QGroupBox(self.tr("Models"))
        form = QFormLayout(models)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.trained_combo = QComboBox()
        self.trained_combo.setEditable(True)
        self.trained_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.trained_combo.setAccessibleName(self.tr("Your trained model"))
        self.trained_combo.lineEdit().setPlaceholderText(self.tr("Paste a model’s name…"))
        self.trained_combo.setToolTip(
            self.tr("A model you trained: from your trainings, or paste its name.")
        )
        self.trained_combo.currentTextChanged.connect(self._trained_model_changed)
        form.addRow(self.tr("Your trained model:"), self.trained_combo)
        self.base_combo = QComboBox()
        self.base_combo.setEditable(True)
        self.base_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.base_combo.setAccessibleName(self.tr("Model to compare with"))
        self.base_combo.setToolTip(
            self.tr(
                "The model your fine-tune was trained from, unless you choose another. The "
                "difference between the two replies is what your examples taught."
            )
        )
        self.base_combo.currentTextChanged.connect(self._models_changed)
        form.addRow(self.tr("Compare with:"), self.base_combo)
        self.service_combo = QComboBox()
        self.service_combo.setAccessibleName(self.tr("Service"))
        self.service_combo.setToolTip(
            self.tr("The service both models run on. FineAuthor asks it with your key for it.")
        )
        for provider in load_catalog().providers:
            self.service_combo.addItem(provider.name, provider.id)
        self.service_combo.currentIndexChanged.connect(self._models_changed)
        form.addRow(self.tr("Service:"), self.service_combo)
        return models

    def _build_prompt_box(self) -> QWidget:
        prompt_box = QGroupBox(self.tr("Prompt"))
        prompt_layout = QVBoxLayout(prompt_box)
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
        self.prompt_edit = QPlainTextEdit()
        self.prompt_edit.setAccessibleName(self.tr("Prompt"))
        self.prompt_edit.setPlaceholderText(
            self.tr("Write a prompt, or take one from an example or your template.")
        )
        self.prompt_edit.setTabChangesFocus(True)
        self.prompt_edit.setMinimumHeight(90)
        self.prompt_edit.textChanged.connect(self._update_buttons)
        prompt_layout.addWidget(self.prompt_edit, 1)
        self.system_hint = _hint("")
        prompt_layout.addWidget(self.system_hint)
        return prompt_box

    def _build_settings_box(self) -> QWidget:
        settings = QGroupBox(self.tr("How they write"))
        settings_layout = QVBoxLayout(settings)
        temperature_row = QHBoxLayout()
        temperature_row.addWidget(QLabel(self.tr("Temperature:")))
        self.temperature_slider = QSlider(Qt.Orientation.Horizontal)
        self.temperature_slider.setRange(0, 20)  # tenths: 0.0 to 2.0
        self.temperature_slider.setValue(10)
        self.temperature_slider.setPageStep(2)
        self.temperature_slider.setAccessibleName(self.tr("Temperature"))
        self.temperature_slider.valueChanged.connect(self._show_temperature)
        temperature_row.addWidget(self.temperature_slider, 1)
        self.temperature_value = QLabel()
        self.temperature_value.setMinimumWidth(28)
        temperature_row.addWidget(self.temperature_value)
        settings_layout.addLayout(temperature_row)
        settings_layout.addWidget(
            _hint(
                self.tr(
                    "Higher is more surprising, lower is safer and more predictable. Above "
                    "about 1.3 a reply can start to ramble."
                )
            )
        )
        length_row = QHBoxLayout()
        length_row.addWidget(QLabel(self.tr("Longest reply:")))
        self.length_spin = QSpinBox()
        self.length_spin.setRange(50, bench.MAX_WORDS)
        self.length_spin.setSingleStep(50)
        self.length_spin.setSuffix(self.tr(" words"))
        self.length_spin.setGroupSeparatorShown(True)
        self.length_spin.setAccessibleName(self.tr("Longest reply, in words"))
        self.length_spin.valueChanged.connect(self._show_tokens)
        length_row.addWidget(self.length_spin, 1)
        settings_layout.addLayout(length_row)
        self.tokens_hint = _hint("")
        settings_layout.addWidget(self.tokens_hint)
        self._show_temperature()
        return settings

    def _build_run_box(self) -> QWidget:
        self.blind_check = QCheckBox(self.tr("Blind test: hide which model wrote which"))
        self.blind_check.setAccessibleName(self.tr("Blind test"))
        self.blind_check.setToolTip(
            self.tr(
                "The replies are shown as A and B in a random order. You pick the one that "
                "sounds like you, and only then see which was which."
            )
        )
        self.blind_check.toggled.connect(self._show_headings)
        self.run_button = QPushButton(self.tr("Run Both"))
        self.run_button.setDefault(True)
        self.run_button.setToolTip(self.tr("Send the prompt to both models (Ctrl+Return)"))
        self.run_button.clicked.connect(self.start_run)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop both replies where they are (Esc)"))
        self.stop_button.clicked.connect(self.stop)
        run_row = QHBoxLayout()
        run_row.addWidget(self.run_button, 1)
        run_row.addWidget(self.stop_button)
        self.run_problem = QLabel()
        self.run_problem.setWordWrap(True)
        self.run_problem.setAccessibleName(self.tr("Why it cannot run"))
        self.run_problem.hide()

        self.tally_label = QLabel()
        self.tally_label.setWordWrap(True)
        self.tally_label.setAccessibleName(self.tr("Blind test results"))

        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.blind_check)
        layout.addLayout(run_row)
        layout.addWidget(self.run_problem)
        layout.addWidget(self.tally_label)
        return box

    def _build_choice_bar(self) -> QWidget:
        bar = QFrame()
        bar.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(bar)
        self.choice_question = QLabel(self.tr("Which one sounds like you?"))
        bold = QFont(self.choice_question.font())
        bold.setBold(True)
        self.choice_question.setFont(bold)
        layout.addWidget(self.choice_question)
        self.choose_a = QPushButton(self.tr("A Sounds Like Me"))
        self.choose_b = QPushButton(self.tr("B Sounds Like Me"))
        self.choose_neither = QPushButton(self.tr("Neither"))
        self.choose_a.clicked.connect(lambda: self.choose("A"))
        self.choose_b.clicked.connect(lambda: self.choose("B"))
        self.choose_neither.clicked.connect(lambda: self.choose(None))
        for button in (self.choose_a, self.choose_b, self.choose_neither):
            layout.addWidget(button)
        self.reveal_label = QLabel()
        self.reveal_label.setWordWrap(True)
        self.reveal_label.setAccessibleName(self.tr("Which model wrote which"))
        self.reveal_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.reveal_label, 1)
        self.choice_bar = bar
        bar.hide()
        return bar

    # Models ---------------------------------------------------------------------------------

    def _fill_models(self) -> None:
        self._trained = trained_models(self.document)
        current = self.trained_combo.currentText()
        self.trained_combo.blockSignals(True)
        self.trained_combo.clear()
        for trained in self._trained:
            self.trained_combo.addItem(trained.model, trained.provider)
        self.trained_combo.setEditText(current or (self._trained[0].model if self._trained else ""))
        self.trained_combo.lineEdit().setCursorPosition(0)  # a long name shows its start
        self.trained_combo.blockSignals(False)
        self._trained_model_changed(self.trained_combo.currentText())

    def set_trained_model(self, model_id: str) -> None:
        """Compare ``model_id`` (e.g. a training that just finished) with its base."""
        self._fill_models()
        index = self.trained_combo.findText(model_id)
        if index >= 0:
            self.trained_combo.setCurrentIndex(index)
        self.trained_combo.setEditText(model_id)
        self.trained_combo.lineEdit().setCursorPosition(0)

    def _trained_row(self, model_id: str) -> TrainedModel | None:
        return next((t for t in self._trained if t.model == model_id), None)

    @Slot(str)
    def _trained_model_changed(self, model_id: str) -> None:
        """A new trained model: the service it lives on, and its base to compare with."""
        model_id = model_id.strip()
        row = self._trained_row(model_id)
        settings = self.document.settings
        provider = row.provider if row else provider_for(model_id, settings.provider or "")
        base = base_model_for(model_id, row.base if row else "") or settings.base_model
        index = self.service_combo.findData(provider) if provider else -1
        if index >= 0:
            self.service_combo.blockSignals(True)
            self.service_combo.setCurrentIndex(index)
            self.service_combo.blockSignals(False)
        self.base_combo.blockSignals(True)
        self.base_combo.clear()
        choices = [base] if base else []
        if settings.base_model and settings.base_model not in choices:
            choices.append(settings.base_model)
        service = self.service_combo.currentData()
        with contextlib.suppress(FineAuthorError):
            choices += [m.id for m in load_catalog().models_for(service) if m.id not in choices]
        self.base_combo.addItems(choices)
        self.base_combo.setEditText(base)
        self.base_combo.lineEdit().setCursorPosition(0)
        self.base_combo.blockSignals(False)
        self._models_changed()

    @Slot()
    def _models_changed(self) -> None:
        self._show_tally()
        self._show_headings()

    @property
    def trained_model(self) -> str:
        return self.trained_combo.currentText().strip()

    @property
    def base_model(self) -> str:
        return self.base_combo.currentText().strip()

    @property
    def provider_id(self) -> str:
        return str(self.service_combo.currentData() or "")

    # Prompt and settings ---------------------------------------------------------------------

    def _settings_changed(self) -> None:
        settings = self.document.settings
        self.conditions: list[WinCondition] = conditions_from_json(settings.win_conditions)
        self.yours: StyleFingerprint | None = bench.writer_fingerprint(settings.wizard)
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
        if self.run is None:
            self.length_spin.setValue(
                bench.default_max_words(
                    self.conditions, settings.target_words, settings.tolerance_words
                )
            )
        self._show_tally()
        self._rescore_timer.start()

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

    @property
    def temperature(self) -> float:
        return self.temperature_slider.value() / 10

    def _show_temperature(self) -> None:
        self.temperature_value.setText(QLocale().toString(self.temperature, "f", 1))

    def _show_tokens(self) -> None:
        tokens = QLocale().toString(bench.tokens_for_words(self.length_spin.value()))
        self.tokens_hint.setText(
            self.tr(
                "About %1 tokens, the word pieces models count in (about 1.4 a word). A reply "
                "stops there, even mid-sentence."
            ).replace("%1", tokens)
        )

    # Running --------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return STREAMING in (self.left.state, self.right.state)

    def _why_not(self) -> str:
        if not self.trained_model:
            return self.tr("Choose your trained model, or paste its name.")
        if not self.base_model:
            return self.tr("Choose a model to compare it with.")
        if not self.prompt_edit.toPlainText().strip():
            return self.tr("Write a prompt, or take one from an example or your template.")
        return ""

    def _update_buttons(self) -> None:
        running = self.running
        self.run_button.setEnabled(not running and not self._why_not())
        self.run_button.setToolTip(
            self._why_not() or self.tr("Send the prompt to both models (Ctrl+Return)")
        )
        self.stop_button.setEnabled(running)
        for control in (
            self.trained_combo,
            self.base_combo,
            self.service_combo,
            self.blind_check,
        ):
            control.setEnabled(not running)
        blind = self.run is not None and self.run.order is not None
        can_choose = (
            blind
            and self.choice is None
            and not running
            and all(c.state in (DONE, STOPPED) and c.text().strip() for c in self._columns())
        )
        for button in (self.choose_a, self.choose_b, self.choose_neither):
            button.setEnabled(can_choose)
        hidden = blind and self.choice is None
        for column in self._columns():
            usable = column.state in (DONE, STOPPED, FAILED) and bool(column.text().strip())
            column.use_button.setEnabled(usable and not hidden)
            column.use_button.setToolTip(
                self.tr("Choose which one sounds like you first; then you can keep either.")
                if hidden and usable
                else self.tr(
                    "Adds this reply, as it is now (edit it first if you like), to your "
                    "examples with the prompt it answered. Undo takes it back."
                )
            )

    def _columns(self) -> tuple[OutputColumn, OutputColumn]:
        return (self.left, self.right)

    @Slot()
    def start_run(self) -> None:
        """Send the prompt to both models and stream their replies side by side."""
        problem = self._why_not()
        if self.running:
            return
        self.run_problem.setText(problem)
        self.run_problem.setVisible(bool(problem))
        if problem:
            return
        settings = self.document.settings
        order = BlindOrder.draw() if self.blind_check.isChecked() else None
        run = BenchRun(
            fine_tuned=self.trained_model,
            base=self.base_model,
            provider=self.provider_id,
            system_prompt=settings.system_prompt,
            prompt=self.prompt_edit.toPlainText(),
            temperature=self.temperature,
            max_words=self.length_spin.value(),
            order=order,
        )
        self.run, self.result, self.choice = run, None, None
        self.reveal_label.clear()
        messages = bench.bench_messages(run.system_prompt, run.prompt)
        sides = order.sides_in_order() if order else (FINE_TUNED, BASE)
        no_key = self.tr(
            "FineAuthor needs your %1 key to ask the models. Add it in Settings → Accounts."
        ).replace("%1", self.service_combo.currentText())
        self._tasks.clear()
        self._run_open = True
        for column, side in zip(self._columns(), sides, strict=True):
            model = run.fine_tuned if side == FINE_TUNED else run.base
            reply = column.begin(side, model)
            work = _chat_work(
                reply,
                provider_id=run.provider,
                model=model,
                messages=messages,
                temperature=run.temperature,
                max_tokens=bench.tokens_for_words(run.max_words),
                no_key=no_key,
            )
            # Connected before the work starts, so an instant answer is never missed.
            task = run_in_background(work, on_success=reply.succeeded, on_failure=reply.failed)
            column.attach(task)
            self._tasks.append(task)
        self._show_headings()
        self._update_buttons()
        self.runStarted.emit()

    @Slot()
    def _reply_ended(self) -> None:
        self._update_buttons()
        if self._run_open and not self.running:
            self._run_open = False
            self.rescore()
            self.runEnded.emit()

    @Slot()
    def stop(self) -> None:
        """Stop both replies where they are."""
        for column in self._columns():
            column.stop()

    # Scores ---------------------------------------------------------------------------------

    @Slot()
    def _schedule_rescore(self) -> None:
        # At most one rescore per RESCORE_DELAY_MS, so a fast stream is followed as it comes.
        if not self._rescore_timer.isActive():
            self._rescore_timer.start()

    @Slot()
    def rescore(self) -> None:
        """Score both texts as they are now and show it."""
        self._rescore_timer.stop()
        self._update_buttons()
        if self.run is None:
            return
        texts = {column.side: column.text() for column in self._columns()}
        self.result = bench.side_by_side(
            texts.get(FINE_TUNED, ""), texts.get(BASE, ""), self.conditions, self.yours
        )
        # In a blind run the scores would sway the choice: they wait until it is made.
        hidden = self.run.order is not None and self.choice is None
        for column in self._columns():
            if column.state == IDLE:
                continue
            column.show_status()
            if hidden:
                column.hide_scores(
                    self.tr(
                        "The scores and the marked phrases appear once you have said which "
                        "reply sounds like you, so they don’t sway you."
                    )
                )
            else:
                column.show_scores(self.result.side(column.side), self.score_report(column.side))
        self.scored.emit()

    def score_report(self, side: str) -> str:
        """The scores of one side as the column shows them (HTML)."""
        assert self.result is not None
        scored = self.result.side(side)
        esc = html.escape
        locale = QLocale()
        parts: list[str] = []
        measured = scored.measured
        if measured:
            parts.append(
                "<p><b>{}</b> {}</p>".format(
                    esc(self.tr("Your win conditions")),
                    esc(
                        self.tr("(%1 of %2 met)")
                        .replace("%1", locale.toString(scored.met))
                        .replace("%2", locale.toString(len(measured)))
                    ),
                )
            )
            rows = []
            for found in measured:
                mark = "✓" if found.passed else "✗"
                colour = "#2e8b57" if found.passed else "#c0392b"
                highlighted = " " + esc(self.tr("Marked in the text.")) if found.spans else ""
                rows.append(
                    f'<tr><td style="color:{colour}; font-weight:bold; padding-right:6px">'
                    f"{mark}</td><td><b>{esc(self._condition_name(found.condition))}</b> — "
                    f"{esc(found.detail)}{highlighted}</td></tr>"
                )
            parts.append("<table>" + "".join(rows) + "</table>")
        elif not self.conditions:
            parts.append(
                "<p>{}</p>".format(
                    esc(
                        self.tr(
                            "Your project has no win conditions to measure. The planning guide "
                            "sets them up."
                        )
                    )
                )
            )
        parts.append(self._fingerprint_report(side))
        notes = scored.notes
        if notes:
            parts.append("<p><b>{}</b></p><ul>".format(esc(self.tr("To judge by reading"))))
            for note in notes:
                parts.append(
                    f"<li>{esc(note.condition.describe())}"
                    + (
                        f" — <i>{esc(note.detail)}</i>"
                        if note.condition.about_knowledge or note.condition.kind not in _NOTES
                        else ""
                    )
                    + "</li>"
                )
            parts.append("</ul>")
        return "".join(parts)

    def _condition_name(self, condition: WinCondition) -> str:
        """A measured condition's short name (its details follow it)."""
        names = {
            "length_band": self.tr("Length"),
            "dialogue_from_start": self.tr("Dialogue"),
            "banned_phrases": self.tr("Banned phrases"),
        }
        return names.get(condition.kind, condition.describe())

    def _fingerprint_report(self, side: str) -> str:
        assert self.result is not None
        esc = html.escape
        locale = QLocale()
        found = self.result.side(side).fingerprint
        if not found.words:
            return ""
        yours = self.yours

        def number(value: float) -> str:
            return locale.toString(value, "f", 1)

        def percent(value: float) -> str:
            return locale.toString(round(value * 100)) + "%"

        lines = [
            (
                "average_sentence_words",
                self.tr("Sentences: %1 words on average"),
                number,
            ),
            ("dialogue_share", self.tr("Dialogue: in %1 of paragraphs"), percent),
            (
                "average_paragraph_words",
                self.tr("Paragraphs: %1 words on average"),
                number,
            ),
        ]
        rows = []
        for measure, text, shown in lines:
            line = esc(text.replace("%1", shown(getattr(found, measure))))
            if yours is not None:
                line += " " + esc(
                    self.tr("(yours: %1)").replace("%1", shown(getattr(yours, measure)))
                )
                if self.result.closer(measure) == side:
                    line += " <b>{}</b>".format(esc(self.tr("· closer to yours")))
            rows.append(f"<li>{line}</li>")
        heading = esc(self.tr("Style fingerprint"))
        if yours is None:
            note = esc(
                self.tr(
                    "(paste a passage of your own in the planning guide to compare it with yours)"
                )
            )
        else:
            note = ""
        return f"<p><b>{heading}</b> {note}</p><ul>{''.join(rows)}</ul>"

    # Headings and the blind choice ----------------------------------------------------------

    def _show_headings(self) -> None:
        run = self.run
        blind = run.order is not None if run is not None else self.blind_check.isChecked()
        revealed = self.choice is not None
        for column, letter in zip(self._columns(), ("A", "B"), strict=True):
            if blind and not revealed:
                column.set_heading(
                    letter, self.tr("Which model wrote this stays hidden until you choose.")
                )
            elif blind:
                who = (
                    self.tr("your fine-tune")
                    if column.side == FINE_TUNED
                    else self.tr("the model it came from")
                    if self._is_its_base(column.model)
                    else self.tr("the model you compared it with")
                )
                column.set_heading(
                    self.tr("%1 — %2").replace("%1", letter).replace("%2", who), column.model
                )
            else:
                side = FINE_TUNED if column is self.left else BASE
                model = (
                    (run.fine_tuned if side == FINE_TUNED else run.base)
                    if run is not None
                    else (self.trained_model if side == FINE_TUNED else self.base_model)
                )
                if side == FINE_TUNED:
                    title = self.tr("Your fine-tune")
                elif self._is_its_base(model):
                    title = self.tr("The model it came from")
                else:
                    title = self.tr("Compared with")
                column.set_heading(title, model)
        self.choice_bar.setVisible(blind)
        self._update_buttons()

    def _is_its_base(self, model: str) -> bool:
        """Whether ``model`` is the one the trained model was made from."""
        trained = self.run.fine_tuned if self.run is not None else self.trained_model
        row = self._trained_row(trained)
        return bool(model) and model in (base_model_for(trained), row.base if row else "")

    def choose(self, letter: str | None) -> None:
        """The writer's blind choice: "A", "B" or None (neither). Recorded in the project's
        tally, then the order is revealed."""
        run = self.run
        if run is None or run.order is None or self.choice is not None:
            return
        choice = run.order.choice_for(letter)
        tally = BenchTally.from_json(self.document.settings.bench_tally)
        tally = tally.record(run.fine_tuned, run.base, choice)
        self.choice = choice
        # A record of a judgement, like the training history: not an edit for Undo to take back.
        self.document.update_settings_stored({"bench_tally": tally.to_json()})
        if letter is None:
            said = self.tr("You chose neither. %1 was your fine-tune.").replace(
                "%1", run.order.letter_of(FINE_TUNED)
            )
        elif choice == FINE_TUNED:
            said = self.tr("You chose %1: your fine-tune.").replace("%1", letter)
        elif self._is_its_base(run.base):
            said = self.tr("You chose %1: the model it came from.").replace("%1", letter)
        else:
            said = self.tr("You chose %1: the model you compared it with.").replace("%1", letter)
        self.reveal_label.setText(said)
        self._show_headings()
        self.rescore()
        self._show_tally()
        self.choiceRecorded.emit(choice)

    def _show_tally(self) -> None:
        if not self.trained_model or not self.base_model:
            self.tally_label.clear()
            return
        pair = BenchTally.from_json(self.document.settings.bench_tally).for_pair(
            self.trained_model, self.base_model
        )
        self.tally_label.setText(self.tally_sentence(pair))

    def tally_sentence(self, pair: bench.PairTally) -> str:
        """The tally of one pair of models, in a sentence."""
        if pair.runs == 0:
            return self.tr(
                "No blind runs of these two models yet. A blind run hides which model wrote "
                "which, so you judge the writing alone."
            )
        if pair.runs == 1:
            if pair.fine_tuned_chosen:
                return self.tr("Your fine-tune was chosen in your one blind run so far.")
            if pair.base_chosen:
                return self.tr("In your one blind run so far, you chose the other model.")
            return self.tr("In your one blind run so far, you chose neither.")
        locale = QLocale()
        others = []
        if pair.base_chosen:
            others.append(
                self.tr("the other model in %1").replace("%1", locale.toString(pair.base_chosen))
            )
        if pair.neither:
            others.append(self.tr("neither in %1").replace("%1", locale.toString(pair.neither)))
        text = (
            self.tr("Your fine-tune was chosen in %1 of %2 blind runs")
            .replace("%1", locale.toString(pair.fine_tuned_chosen))
            .replace("%2", locale.toString(pair.runs))
        )
        if others:
            text += " (" + ", ".join(others) + ")"
        return text + "."

    # Use as example -------------------------------------------------------------------------

    def use_as_example(self, column: OutputColumn) -> int | None:
        """Add ``column``'s reply, as it is now, to the project as a new example (one undo
        step); the new example's id."""
        run = self.run
        text = column.text()
        if run is None or not text.strip():
            return None
        if run.order is not None and self.choice is None:
            return None
        example = bench.example_from_output(
            run.system_prompt, run.prompt, text, column.model, date.today()
        )
        new_id = self.document.add_example(example=example)
        if new_id is None:
            return None
        column.note.setText(
            self.tr("Added to your examples. Edit ▸ Undo in the main window takes it back.")
        )
        self.exampleAdded.emit(new_id)
        return new_id

    # Closing --------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.stop()
        super().closeEvent(event)


_NOTES = frozenset({"point_of_view", "free_text"})  # notes whose own words say it all


def open_test_bench(document: ProjectDocument, parent: QWidget, model_id: str = "") -> TestBench:
    """The project's test bench window (made the first time), shown and brought forward;
    ``model_id`` becomes the trained model when given. ``parent`` is the open project's view,
    so the bench goes when the project closes."""
    bench_window = next(
        (child for child in parent.findChildren(TestBench) if child.document is document),
        None,
    )
    if bench_window is None:
        bench_window = TestBench(document, parent)
        bench_window.setWindowFlag(Qt.WindowType.Window)
        bench_window.resize(1280, 800)
    if model_id:
        bench_window.set_trained_model(model_id)
    bench_window.show()
    bench_window.raise_()
    bench_window.activateWindow()
    return bench_window
