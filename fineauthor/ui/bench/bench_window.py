"""The test bench window: the same prompt to the writer's fine-tuned model and to the model it was
trained from, both replies streamed side by side, scored against the project's win conditions.

The left column shows the fine-tune and the right one the model it is compared with — unless
the run is blind: then they are "A" and "B" in an order drawn for that run, the writer says which
one sounds like them, and only then is the order revealed and the choice added to the project's
tally (``bench_tally``, see :mod:`fineauthor.core.writing.bench_scoring`). Either reply can be
edited in place and added to the project as a new example, marked with where it came from, in
one undo step.

Each reply streams on the thread pool (:mod:`~fineauthor.ui.bench.reply_stream`) into its
column (:mod:`~fineauthor.ui.bench.output_column`), and the replies are rescored shortly after
each change, so the scores and the highlighted banned phrases follow the text while it arrives
and while the writer edits it. In a blind run the scores wait until the writer has chosen, so
they cannot sway the choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.dataset.preference_pair import BLIND_CHOICE, PREFERRED_AT_BENCH
from fineauthor.core.writing import bench_scoring as bench
from fineauthor.core.writing.bench_scoring import (
    BASE,
    FINE_TUNED,
    BenchTally,
    BlindOrder,
    SideBySide,
)
from fineauthor.core.writing.fingerprint import StyleFingerprint
from fineauthor.core.writing.win_conditions import WinCondition, conditions_from_json
from fineauthor.ui.bench.batch_round import BatchRound
from fineauthor.ui.bench.blind_choice import ChoiceBar, keep_choice, tally_sentence
from fineauthor.ui.bench.deployment_banner import DeploymentBanner
from fineauthor.ui.bench.model_picker import ModelPicker, base_model_for
from fineauthor.ui.bench.output_column import DONE, FAILED, IDLE, STOPPED, STREAMING, OutputColumn
from fineauthor.ui.bench.prompt_box import PromptBox
from fineauthor.ui.bench.reply_settings import ReplySettingsBox
from fineauthor.ui.bench.reply_stream import chat_work
from fineauthor.ui.bench.score_report import score_report
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.shell.workers import Task, run_in_background

RESCORE_DELAY_MS = 150  # rescore after a pause in the stream or in typing, not on every piece


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


class BenchWindow(QWidget):
    """The test bench of one open project (a window of its own)."""

    runStarted = Signal()  # noqa: N815
    runEnded = Signal()  # noqa: N815  both replies have ended (finished, stopped or failed)
    scored = Signal()  # the scores were brought up to date with the texts
    choiceRecorded = Signal(str)  # noqa: N815  FINE_TUNED, BASE or NEITHER, after a blind run
    exampleAdded = Signal(int)  # noqa: N815  the new example's id
    pairKept = Signal(int)  # noqa: N815  a choice kept as a preference pair: its id

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.run: BenchRun | None = None
        self.result: SideBySide | None = None
        self.choice: str | None = None  # the blind choice of the current run, once made
        self.kept_pair: int | None = None  # the preference pair this run's choice became
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

        self.left = OutputColumn("left")
        self.right = OutputColumn("right")
        for column in (self.left, self.right):
            column.edited.connect(self._schedule_rescore)
            column.ended.connect(self._reply_ended)
            column.useRequested.connect(lambda c=column: self.use_as_example(c))
            column.preferRequested.connect(lambda c=column: self.prefer(c))

        self._lay_out()

        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.start_run)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Cancel), self, activated=self.stop)

        document.settingsChanged.connect(self._settings_changed)
        # A server started, ready or stopped changes whether Run can be pressed.
        self.deployment.changed.connect(self._update_buttons)
        self.models.fill()
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
        self.deployment = DeploymentBanner(self.document)
        right_layout.addWidget(self.deployment)
        right_layout.addWidget(columns, 1)
        self.choice_bar = ChoiceBar()
        self.choice_bar.chosen.connect(self.choose)
        right_layout.addWidget(self.choice_bar)
        right_layout.addWidget(self.batch.progress)

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
        self.models = ModelPicker(self.document)
        self.models.changed.connect(self._models_changed)
        self.prompt_box = PromptBox(self.document)
        self.prompt_box.prompt_edit.textChanged.connect(self._update_buttons)
        self.reply_settings = ReplySettingsBox()

        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.addWidget(self.models)
        layout.addWidget(self.prompt_box, 1)
        layout.addWidget(self.reply_settings)
        layout.addWidget(self._build_run_box())
        self.batch = BatchRound(self)  # a round of blind choices, one prompt after another
        layout.addWidget(self.batch.setup)
        scroll = QScrollArea()
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setMinimumWidth(300)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return scroll

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

    # Models, prompt and settings ------------------------------------------------------------

    @Slot()
    def _models_changed(self) -> None:
        self.deployment.set_model(self.models.provider_id, self.models.trained_model)
        self._show_tally()
        self._show_headings()

    def _settings_changed(self) -> None:
        settings = self.document.settings
        self.conditions: list[WinCondition] = conditions_from_json(settings.win_conditions)
        self.yours: StyleFingerprint | None = bench.writer_fingerprint(settings.wizard)
        if self.run is None:
            self.reply_settings.length_spin.setValue(
                bench.default_max_words(
                    self.conditions, settings.target_words, settings.tolerance_words
                )
            )
        self._show_tally()
        self._rescore_timer.start()

    # Running --------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return STREAMING in (self.left.state, self.right.state)

    def _why_not(self) -> str:
        if not self.models.trained_model:
            return self.tr("Choose your trained model, or paste its name.")
        if not self.models.base_model:
            return self.tr("Choose a model to compare it with.")
        if not self.prompt_box.prompt_edit.toPlainText().strip():
            return self.tr("Write a prompt, or take one from an example or your template.")
        return self.deployment.holds_back()

    def _update_buttons(self) -> None:
        running = self.running
        locked = running or self.batch.active  # a round holds the models and blind mode
        self.run_button.setEnabled(not locked and not self._why_not())
        self.run_button.setToolTip(
            self._why_not() or self.tr("Send the prompt to both models (Ctrl+Return)")
        )
        self.stop_button.setEnabled(running)
        for control in (
            self.models.trained_combo,
            self.models.base_combo,
            self.models.service_combo,
            self.blind_check,
        ):
            control.setEnabled(not locked)
        blind = self.run is not None and self.run.order is not None
        blind_mode = blind if self.run is not None else self.blind_check.isChecked()
        can_choose = blind and self.choice is None and not running and self._both_usable()
        for button in (
            self.choice_bar.choose_a,
            self.choice_bar.choose_b,
            self.choice_bar.choose_neither,
        ):
            button.setEnabled(can_choose)
        hidden = blind and self.choice is None
        for column in self._columns():
            usable = column.state in (DONE, STOPPED, FAILED) and bool(column.text().strip())
            column.use_button.setEnabled(usable and not hidden)
            # Side by side, either reply can be preferred once; a blind run keeps its choice.
            column.prefer_button.setVisible(not blind_mode)
            column.prefer_button.setEnabled(
                not blind and self.kept_pair is None and not running and self._both_usable()
            )
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

    def _both_usable(self) -> bool:
        return all(c.state in (DONE, STOPPED) and c.text().strip() for c in self._columns())

    @Slot()
    def start_run(self) -> None:
        """Send the prompt to both models and stream their replies side by side."""
        problem = self._why_not()
        if self.running or self.batch.holds_runs():
            return
        self.run_problem.setText(problem)
        self.run_problem.setVisible(bool(problem))
        if problem:
            return
        settings = self.document.settings
        order = BlindOrder.draw() if self.blind_check.isChecked() else None
        run = BenchRun(
            fine_tuned=self.models.trained_model,
            base=self.models.base_model,
            provider=self.models.provider_id,
            system_prompt=self.batch.system_prompt_for(settings.system_prompt),
            prompt=self.prompt_box.prompt_edit.toPlainText(),
            temperature=self.reply_settings.temperature,
            max_words=self.reply_settings.length_spin.value(),
            order=order,
        )
        self.run, self.result, self.choice, self.kept_pair = run, None, None, None
        self.choice_bar.reveal_label.clear()
        messages = bench.bench_messages(run.system_prompt, run.prompt)
        sides = order.sides_in_order() if order else (FINE_TUNED, BASE)
        no_key = self.tr(
            "FineAuthor needs your %1 key to ask the models. Add it in Settings → Accounts."
        ).replace("%1", self.models.service_combo.currentText())
        self._tasks.clear()
        self._run_open = True
        for column, side in zip(self._columns(), sides, strict=True):
            model = run.fine_tuned if side == FINE_TUNED else run.base
            reply = column.begin(side, model)
            work = chat_work(
                reply,
                provider_id=run.provider,
                # A model on a server of its own is asked for by the server's name.
                model=self.deployment.chat_model_for(model) if side == FINE_TUNED else model,
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
                column.show_scores(
                    self.result.side(column.side),
                    score_report(self.result, column.side, self.conditions, self.yours),
                )
        self.scored.emit()

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
                    else (
                        self.models.trained_model if side == FINE_TUNED else self.models.base_model
                    )
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
        trained = self.run.fine_tuned if self.run is not None else self.models.trained_model
        row = self.models.trained_row(trained)
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
        stored = {**self.document.settings.bench_tally, **tally.to_json()}  # and a round's
        self.document.update_settings_stored({"bench_tally": stored})
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
        if letter is not None:
            chosen = self.left if letter == "A" else self.right
            other = self.right if chosen is self.left else self.left
            self._keep(chosen, other, BLIND_CHOICE)
            if self.kept_pair is not None:
                said += " " + self.tr("Kept as a choice your next training can learn from.")
        self.choice_bar.reveal_label.setText(said)
        self._show_headings()
        self.rescore()
        self._show_tally()
        self.choiceRecorded.emit(choice)

    def prefer(self, column: OutputColumn) -> int | None:
        """Side by side: the writer prefers ``column``'s reply over the other's. Kept as a
        preference pair (one undo step); its id."""
        if self.run is None or self.run.order is not None or self.kept_pair is not None:
            return None
        other = self.right if column is self.left else self.left
        self._keep(column, other, PREFERRED_AT_BENCH)
        if self.kept_pair is not None:
            column.note.setText(
                self.tr("Kept as your choice. Edit ▸ Undo in the main window takes it back.")
            )
        self._update_buttons()
        return self.kept_pair

    def _keep(self, preferred: OutputColumn, other: OutputColumn, source: str) -> None:
        run = self.run
        assert run is not None
        self.kept_pair = keep_choice(
            self.document,
            (run.system_prompt, run.prompt),
            (preferred.text(), preferred.model),
            (other.text(), other.model),
            source,
        )
        if self.kept_pair is not None:
            self.pairKept.emit(self.kept_pair)

    def _show_tally(self) -> None:
        if not self.models.trained_model or not self.models.base_model:
            self.tally_label.clear()
            return
        pair = BenchTally.from_json(self.document.settings.bench_tally).for_pair(
            self.models.trained_model, self.models.base_model
        )
        self.tally_label.setText(tally_sentence(pair))

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
        if not self.deployment.settle(self):
            event.ignore()
            return
        self.batch.stop_round()  # where it got to is in the project: it can be continued
        self.stop()
        super().closeEvent(event)


def open_bench_window(
    document: ProjectDocument, parent: QWidget, model_id: str = ""
) -> BenchWindow:
    """The project's test bench window (made the first time), shown and brought forward;
    ``model_id`` becomes the trained model when given. ``parent`` is the open project's view,
    so the bench goes when the project closes."""
    bench_window = next(
        (child for child in parent.findChildren(BenchWindow) if child.document is document),
        None,
    )
    if bench_window is None:
        bench_window = BenchWindow(document, parent)
        bench_window.setWindowFlag(Qt.WindowType.Window)
        bench_window.resize(1280, 800)
    if model_id:
        bench_window.models.set_trained_model(model_id)
    bench_window.show()
    bench_window.raise_()
    bench_window.activateWindow()
    return bench_window
