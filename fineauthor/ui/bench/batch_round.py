"""A round of blind choices at the bench: several of the writer's own prompts, one after
another, each answered by both models and chosen blind, so one sitting gives the next training
a batch of preferences to learn from.

The round asks through the bench's own run path (``BenchWindow.start_run``, then the writer's
choice through ``BenchWindow.choose``), so every choice lands in the tally and becomes a
preference pair exactly as a single blind run's does. The prompts are the project's examples
that have a prompt and a reply, in the project's order, each sent with that example's own system
prompt (or none, if it has none), as the model saw it in training. Where the round has got to is
written to the project at every step (:mod:`~fineauthor.ui.bench.round_state`), so closing the
bench or the app and coming back offers to carry on; an example deleted meanwhile is skipped.

After a choice the round waits for "Next Prompt" rather than starting the next run by itself:
the reveal, the scores and the marked phrases of the prompt just chosen stay on screen for as
long as the writer wants to read them (or keep a reply as an example), nothing changes under
their eyes while they read, and they can stop for a cup of tea between any two prompts. One
press per prompt is a small price for that calm.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from fineauthor.ui.bench.round_state import (
    DEFAULT_ROUND,
    RoundState,
    askable,
    round_prompts,
    stored_round,
    tally_with_round,
)
from fineauthor.ui.bench.round_widgets import RoundProgress, RoundSetup
from fineauthor.ui.widgets.plurals import plural

COUNT_DELAY_MS = 700  # recount the askable examples after a pause in editing


class BatchRound(QObject):
    """A round of blind choices run on one bench window: its setup box and progress strip,
    the round's state, and the steps from one prompt to the next."""

    stepped = Signal()  # the round moved on: a prompt was chosen, or the round stopped or ended

    def __init__(self, window: Any) -> None:
        # ``window`` is the BenchWindow that owns the round; not imported, as it imports this.
        super().__init__(window)
        self.window = window
        self.document = window.document
        self.setup = RoundSetup()
        self.progress = RoundProgress()
        self.active = False  # a round is under way (not stopped, not finished)
        self.state: RoundState | None = stored_round(self.document.settings.bench_tally)
        self._asked: object | None = None  # the run the round started for its current prompt
        self._system: str | None = None  # the system prompt of the run being started
        self._starting = False
        self._blind_before = False
        self._blind_tip = ""
        self.setup.count_spin.setValue(DEFAULT_ROUND)

        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self._show_setup)
        self.document.datasetChanged.connect(self._count_timer.start)
        self.document.reset.connect(self._count_timer.start)
        window.models.changed.connect(self._show_setup)
        self.setup.count_spin.valueChanged.connect(self._show_setup)
        self.setup.start_button.clicked.connect(self.start_round)
        self.setup.continue_button.clicked.connect(self.continue_round)
        self.progress.next_button.clicked.connect(self._ask_next)
        self.progress.stop_button.clicked.connect(self.stop_round)
        window.runStarted.connect(self._run_started)
        window.runEnded.connect(self._run_ended)
        window.choiceRecorded.connect(self._chosen)
        self._show_setup()

    # What the bench asks of the round ------------------------------------------------------

    def holds_runs(self) -> bool:
        """Whether a run may only come from the round now (the writer's Run Both waits)."""
        return self.active and not self._starting

    def system_prompt_for(self, project_prompt: str) -> str:
        """The system prompt of the run being started: the round's example's own, else the
        project's."""
        return project_prompt if self._system is None else self._system

    # Starting, continuing, stopping --------------------------------------------------------

    @Slot()
    def start_round(self) -> None:
        """A new round over the first N askable examples (it replaces a stopped one; the
        choices made in that one stay kept)."""
        if self.active:
            return
        models = self.window.models
        examples = round_prompts(self.document)[: self.setup.count_spin.value()]
        if not examples:
            return
        self._save(
            RoundState(tuple(examples), models.trained_model, models.base_model, models.provider_id)
        )
        self._begin()

    @Slot()
    def continue_round(self) -> None:
        """Carry on the stopped round, with the models it compared."""
        if self.active or self.state is None or self.state.finished:
            return
        self._use_models(self.state)
        self._begin()

    @Slot()
    def stop_round(self) -> None:
        """Stop where the round is. Every choice made is already in the project; a choice
        still made for the prompt on screen counts for the round too."""
        if not self.active:
            return
        self.active = False
        self.window.stop()
        self._restore()
        self._show_stopped()
        self.stepped.emit()

    def _begin(self) -> None:
        window = self.window
        self.active = True
        self._blind_before = window.blind_check.isChecked()
        self._blind_tip = window.blind_check.toolTip()
        window.blind_check.setChecked(True)  # every run of a round is blind
        window.prompt_box.prompt_edit.setReadOnly(True)  # the round writes the prompts
        window.prompt_box.example_combo.setEnabled(False)
        window.blind_check.setToolTip(self.tr("Every run of a round is blind."))
        self._show_setup()
        self._ask_next()

    def _restore(self) -> None:
        window = self.window
        window.blind_check.setChecked(self._blind_before)
        window.blind_check.setToolTip(self._blind_tip)
        window.prompt_box.prompt_edit.setReadOnly(False)
        window.prompt_box.example_combo.setEnabled(True)
        window._update_buttons()  # the models and Run Both are the writer's again
        self._show_setup()

    def _use_models(self, state: RoundState) -> None:
        models = self.window.models
        if state.fine_tuned and models.trained_model != state.fine_tuned:
            models.set_trained_model(state.fine_tuned)
        index = models.service_combo.findData(state.provider) if state.provider else -1
        if index >= 0 and models.provider_id != state.provider:
            models.service_combo.setCurrentIndex(index)
        if state.base and models.base_model != state.base:
            models.base_combo.setEditText(state.base)

    # One prompt after another --------------------------------------------------------------

    @Slot()
    def _ask_next(self) -> None:
        """Ask the first prompt not yet chosen for (again, after a reply that did not come)."""
        state = self.state
        if not self.active or state is None:
            return
        while state.current is not None and not askable(self.document, state.current):
            state = state.after_skip()
        if state != self.state:
            self._save(state)
        if state.current is None:
            self._end()
            return
        window = self.window
        example = self.document.example(state.current)
        window.prompt_box.prompt_edit.setPlainText(example.prompt)
        before = window.run
        self._system, self._starting = example.system or "", True
        try:
            window.start_run()
        finally:
            self._system, self._starting = None, False
        if window.run is before:  # it could not run (no key for a server, say)
            self._asked = None
            self.progress.show_step(
                state, state.done + 1, window.run_problem.text(), self.tr("Try Again")
            )
            return
        self._asked = window.run
        window._update_buttons()  # Run Both stays off while the round holds the runs
        self.progress.show_step(
            state,
            state.done + 1,
            self.tr("Both models are answering. Which one wrote which stays hidden."),
        )

    @Slot()
    def _run_started(self) -> None:
        # A run of the writer's own after the round: the round's last word can go.
        if not self.active and self.window.run is not self._asked:
            self.progress.hide()

    @Slot()
    def _run_ended(self) -> None:
        if not self.active or self.state is None or self.window.run is not self._asked:
            return
        if self.window.choice_bar.choose_a.isEnabled():
            self.progress.show_step(
                self.state,
                self.state.done + 1,
                self.tr("Choose the one that sounds like you; the next prompt waits till then."),
            )
        else:
            self.progress.show_step(
                self.state,
                self.state.done + 1,
                self.tr(
                    "A reply did not come, so there is nothing to choose between. Ask again, "
                    "or stop the round and carry on later."
                ),
                self.tr("Ask Again"),
            )

    @Slot(str)
    def _chosen(self, choice: str) -> None:
        window = self.window
        if self.state is None or self._asked is None or window.run is not self._asked:
            return
        self._asked = None
        state = self.state.after_choice(choice, window.kept_pair is not None)
        self._save(state)
        if state.finished:
            self._end()
        elif self.active:
            self.progress.show_step(
                state,
                state.done,  # the prompt just chosen stays on screen until Next
                self.tr("Read them for as long as you like, then go on to the next prompt."),
                self.tr("Next Prompt"),
            )
            self.progress.next_button.setFocus()
            self.stepped.emit()
        else:  # chosen after the round was stopped: it counts, and the resume point moves
            self._show_stopped()
            self.stepped.emit()

    def _end(self) -> None:
        state = self.state
        assert state is not None
        was_active, self.active = self.active, False
        title = self.tr("Round finished")
        self.progress.show_end(state, title, self.summary(state))
        if was_active:
            self._restore()
        self._show_setup()
        self.stepped.emit()

    def _show_stopped(self) -> None:
        state = self.state
        assert state is not None
        stopped = (
            self.tr("Stopped after %1 of %2 prompts. Continue the round whenever you like.")
            .replace("%1", f"{state.done:,}")
            .replace("%2", f"{state.total:,}")
        )
        self.progress.show_end(state, self.tr("Round stopped"), stopped + " " + self.summary(state))
        self._show_setup()

    def summary(self, state: RoundState) -> str:
        """What the round came to, in a sentence or two."""
        if state.choices:
            text = (
                plural(
                    state.fine_tuned_chosen,
                    self.tr("You chose your fine-tuned model once out of %2"),
                    self.tr("You chose your fine-tuned model {count} times out of %2"),
                ).replace("%2", f"{state.choices:,}")
                + "; "
                + plural(
                    state.kept,
                    self.tr("1 choice kept for the next round of training."),
                    self.tr("{count} choices kept for the next round of training."),
                )
            )
        else:
            text = self.tr("No choices made yet.")
        if state.neither:
            text += " " + plural(
                state.neither,
                self.tr("Once you chose neither, which teaches no preference, so it is not kept."),
                self.tr(
                    "{count} times you chose neither, which teaches no preference, so those "
                    "are not kept."
                ),
            )
        if state.skipped:
            text += " " + plural(
                state.skipped,
                self.tr("1 prompt was skipped: its example had been deleted."),
                self.tr("{count} prompts were skipped: their examples had been deleted."),
            )
        return text

    # Keeping the round ---------------------------------------------------------------------

    def _save(self, state: RoundState) -> None:
        """The round's step, on disk at once (a finished round leaves no resume point)."""
        self.state = state
        tally = self.document.settings.bench_tally
        kept = None if state.finished else state
        self.document.update_settings_stored({"bench_tally": tally_with_round(tally, kept)})

    # The setup box -------------------------------------------------------------------------

    @Slot()
    def _show_setup(self) -> None:
        setup, models = self.setup, self.window.models
        available = len(round_prompts(self.document))
        setup.count_spin.setMaximum(max(1, available))  # a short project caps the round
        setup.count_spin.setEnabled(available > 0 and not self.active)
        count = setup.count_spin.value()
        setup.start_button.setText(
            plural(
                count,
                self.tr("Start a Round of 1 Blind Choice"),
                self.tr("Start a Round of {count} Blind Choices"),
            )
        )
        if self.active:
            about = self.tr("A round is under way: follow it under the replies, and stop it there.")
        elif available:
            about = (
                plural(
                    available,
                    self.tr("From your 1 example with a prompt and a reply."),
                    self.tr("From your {count} examples with a prompt and a reply."),
                )
                + " "
                + self.tr("Each A or B you choose is kept for training.")
            )
        else:
            about = self.tr("None of your examples has both a prompt and a reply yet.")
        setup.available_hint.setText(about)
        problem = (
            self.tr("Choose your trained model and one to compare it with first.")
            if not models.trained_model or not models.base_model
            else ""
        )
        setup.start_button.setEnabled(available > 0 and not self.active and not problem)
        stopped = self.state is not None and not self.state.finished
        setup.start_button.setToolTip(
            problem
            or (
                self.tr("Starts a new round; the choices you made in the last one stay kept.")
                if stopped
                else self.tr("Ask both models that many of your examples’ prompts, one by one.")
            )
        )
        if stopped and not self.active:
            state = self.state
            assert state is not None
            setup.continue_button.setText(
                self.tr("Continue the Round (%1 of %2 done)")
                .replace("%1", f"{state.done:,}")
                .replace("%2", f"{state.total:,}")
            )
        setup.continue_button.setVisible(stopped and not self.active)
        # The sidebar has room for one of them at 1280×800; Continue says enough by itself.
        setup.available_hint.setVisible(not setup.continue_button.isVisibleTo(setup))
