"""“Write prompts for 12 scenes…”: a chat model reads each of the writer's scenes that has no
prompt of its own yet (none, or only an import's template) and writes the prompt that would
have asked for it (training/write_prompts.py).

Before anything starts the dialog says which service will read the prose (the chat program on
this computer by default, so nothing leaves it), the cost and a rough time. Then a progress bar
with Stop: each prompt is saved the moment it arrives and shown in the list at once, and the
whole run is one undo step. Finding models and planning happen off the GUI thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.dataset.prompt_origin import TEMPLATE
from fineauthor.core.settings import load_settings, save_settings
from fineauthor.ui.shell.document import ProjectDocument, PromptChange
from fineauthor.ui.shell.workers import Task, run_in_background
from fineauthor.ui.widgets.labels import bold, muted
from fineauthor.ui.widgets.plurals import plural
from fineauthor.ui.widgets.price_words import about_money

if TYPE_CHECKING:
    from fineauthor.providers.base import RemoteModel
    from fineauthor.training.write_prompts import PromptPlan, WrittenPrompt

LOCAL = "local"  # providers.local.address.LOCAL_ID (the ui reaches providers only lazily)
REMEMBERED = "prompt_writer"  # the app setting that keeps the last service and model chosen


def scenes_needing_prompts(
    document: ProjectDocument, among: Sequence[int] | None = None
) -> list[int]:
    """The examples (of ``among``, else all) with prose and no prompt of the writer's own:
    none at all, or one an import filled from its template."""
    allowed = None if among is None else set(among)
    found = []
    for example_id in document.ids():
        summary = document.summary(example_id)
        if allowed is not None and example_id not in allowed:
            continue
        if summary.response_words and (
            not summary.prompt_preview.strip() or summary.prompt_by == TEMPLATE
        ):
            found.append(example_id)
    return found


def _tr(text: str) -> str:
    return QCoreApplication.translate("WritePromptsDialog", text)


def rough_time(seconds: float) -> str:
    """A rough time in words: "under a minute", "about 12 minutes", "about 3 hours"."""
    minutes = round(seconds / 60)
    if minutes < 1:
        return _tr("under a minute")
    if minutes < 90:
        return plural(minutes, _tr("about 1 minute"), _tr("about {count} minutes"))
    return plural(round(minutes / 60), _tr("about 1 hour"), _tr("about {count} hours"))


class _Arrivals(QObject):
    """Carries each prompt from the worker to the GUI thread as it is saved."""

    arrived = Signal(object)  # a WrittenPrompt

    def send(self, item: object) -> None:
        with contextlib.suppress(RuntimeError):  # the window closed with the project
            self.arrived.emit(item)


class WritePromptsDialog(QDialog):
    """Choose who writes the prompts, see what it costs, then watch them arrive."""

    reviewRequested = Signal()  # noqa: N815  the writer wants to see the prompts to review

    def __init__(
        self,
        document: ProjectDocument,
        example_ids: Sequence[int] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.example_ids = scenes_needing_prompts(document, example_ids)
        self.written: list[PromptChange] = []
        self.state = "choosing"  # → "running" → "finished" | "stopped" | "failed"
        self._models: dict[str, RemoteModel] = {}  # model id → RemoteModel, for its price
        self._plan: PromptPlan | None = None
        self._planning = ""  # the model the plan being worked out is for
        self._lookup: Task | None = None
        self._run: Task | None = None
        self._arrivals = _Arrivals(self)
        self._arrivals.arrived.connect(self._prompt_arrived)
        count = len(self.example_ids)
        self.setWindowTitle(self.tr("Write prompts from your scenes"))
        self.setMinimumWidth(520)

        layout = QVBoxLayout(self)
        self._build_choice(layout, count)
        self._build_progress(layout, count)

        remembered = load_settings().get(REMEMBERED)
        remembered = remembered if isinstance(remembered, dict) else {}
        index = self.service.findData(remembered.get("provider", LOCAL))
        self.service.setCurrentIndex(max(0, index))
        self._wanted_model = str(remembered.get("model", ""))
        self.service.currentIndexChanged.connect(self._service_changed)
        self.model.currentTextChanged.connect(self._model_changed)
        if count:
            self._find_models()
        else:
            self.status.setText(
                self.tr(
                    "Every scene already has a prompt (yours, or one a model wrote), so there "
                    "is nothing to write."
                )
            )
            self.close_button.setText(self.tr("Close"))

    def _build_choice(self, layout: QVBoxLayout, count: int) -> None:
        heading = bold(
            QLabel(
                plural(
                    count,
                    self.tr("Write the prompt for 1 scene"),
                    self.tr("Write prompts for {count} scenes"),
                )
            )
        )
        intro = muted(
            QLabel(
                self.tr(
                    "A chat model reads each scene and writes the prompt that would have asked "
                    "for it, the way you write prompts, with your target length. Your own "
                    "prompts are left as they are. You review each new prompt afterwards: "
                    "they are marked in the list until you accept or edit them."
                )
            )
        )
        intro.setWordWrap(True)

        self.service = QComboBox()
        self.service.setAccessibleName(self.tr("Who writes the prompts"))
        from fineauthor.training.write_prompts import prompt_services

        for provider_id, name in prompt_services():
            label = (
                self.tr("On this computer (Ollama, LM Studio…)") if provider_id == LOCAL else name
            )
            self.service.addItem(label, provider_id)
        self.model = QComboBox()
        self.model.setEditable(True)
        self.model.setAccessibleName(self.tr("Chat model"))
        self.model.setToolTip(
            self.tr("The model that writes the prompts. A small model on your computer is fine.")
        )
        self.look_again = QPushButton(self.tr("Look again"))
        self.look_again.setToolTip(self.tr("Ask again which models are there"))
        self.look_again.clicked.connect(self._find_models)
        form = QFormLayout()
        form.addRow(self.tr("Who writes them:"), self.service)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model, 1)
        model_row.addWidget(self.look_again)
        form.addRow(self.tr("Model:"), model_row)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(form)

    def _build_progress(self, layout: QVBoxLayout, count: int) -> None:
        self.privacy = QLabel()
        self.privacy.setWordWrap(True)
        self.privacy.setAccessibleName(self.tr("Who sees your prose"))
        self.estimate = QLabel()
        self.estimate.setWordWrap(True)
        self.status = muted(QLabel())
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, max(1, count))
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("%v of %m"))
        self.progress.setAccessibleName(self.tr("Prompts written"))
        self.progress.hide()

        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton(
            self.tr("Start"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.close_button = self.buttons.addButton(
            self.tr("Not now"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.review_button = self.buttons.addButton(
            self.tr("Show the prompts to review"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.review_button.hide()
        self.start_button.clicked.connect(self.start)
        self.close_button.clicked.connect(self._close_or_stop)
        self.review_button.clicked.connect(self._show_review)
        self.start_button.setEnabled(False)

        layout.addWidget(self.privacy)
        layout.addWidget(self.estimate)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    # -- choosing ---------------------------------------------------------------------------

    @property
    def provider_id(self) -> str:
        return str(self.service.currentData())

    def _service_changed(self) -> None:
        self._wanted_model = ""
        self._find_models()

    @Slot()
    def _find_models(self) -> None:
        """List the chosen service's chat models off the GUI thread (a quick look locally)."""
        if self.state != "choosing" or not self.example_ids:
            return
        provider_id = self.provider_id
        self._models = {}
        self._plan = None
        self.model.blockSignals(True)
        self.model.clear()
        self.model.blockSignals(False)
        self.start_button.setEnabled(False)
        self.estimate.setText("")
        self.privacy.setText("")
        self.status.setText(self.tr("Looking for models…"))

        def work(_progress, _cancelled) -> list:
            from fineauthor.training.write_prompts import prompt_writer

            with prompt_writer(provider_id) as provider:
                return provider.chat_models()

        if self._lookup is not None:
            self._lookup.cancel()
        # Connected as it starts: a quick answer, emitted before a later connect, is lost.
        self._lookup = run_in_background(
            work, on_success=self._models_found, on_failure=self._lookup_failed
        )

    def _current(self) -> bool:
        """Whether the answer arriving is from the latest look (not one for an older choice)."""
        return self.sender() is self._lookup

    @Slot(object)
    def _models_found(self, models: list) -> None:
        if not self._current():
            return
        provider_id = self.provider_id
        self._models = {m.id: m for m in models}
        if not models:
            self.status.setText(
                self.tr(
                    "The chat program on this computer has no models yet. In Ollama, fetch "
                    "one with “ollama pull llama3.2”; in LM Studio, download one. Then press "
                    "Look again."
                )
                if provider_id == LOCAL
                else self.tr("This service lists no chat models for your account.")
            )
            return
        self.model.blockSignals(True)
        self.model.addItems(sorted(self._models))
        self.model.blockSignals(False)
        wanted = self._wanted_model if self._wanted_model in self._models else ""
        self.model.setCurrentText(wanted or self.model.itemText(0))
        self._model_changed()

    @Slot(str)
    def _lookup_failed(self, message: str) -> None:
        if self._current():
            self.status.setText(message)

    def _model_changed(self) -> None:
        """Plan with the chosen model (off the GUI thread: it counts the scenes' tokens)."""
        model = self.model.currentText().strip()
        self.start_button.setEnabled(False)
        if self.state != "choosing" or not model:
            return
        provider_id, info = self.provider_id, self._models.get(model)
        document, ids = self.document, self.example_ids
        self._planning = model
        self.status.setText(self.tr("Working out the cost…"))

        def work(_progress, _cancelled) -> object:
            from fineauthor.training.write_prompts import plan_prompts

            return plan_prompts(
                document.project,
                provider_id=provider_id,
                model=model,
                example_ids=ids,
                model_info=info,  # type: ignore[arg-type]
            )

        if self._lookup is not None:
            self._lookup.cancel()
        # Connected as it starts: a quick answer, emitted before a later connect, is lost.
        self._lookup = run_in_background(
            work, on_success=self._planned, on_failure=self._lookup_failed
        )

    @Slot(object)
    def _planned(self, plan: PromptPlan) -> None:
        if not self._current() or self._planning != self.model.currentText().strip():
            return
        self._plan = plan
        self.privacy.setText(plan.who_sees)
        if plan.local:
            cost = self.tr("Cost: free, on this computer.")
        elif plan.cost_usd is None:
            cost = self.tr(
                "Cost: not known (the service does not list this model's price). About "
                "%1 tokens go out (tokens are the word-pieces models read; a word is about "
                "one and a third)."
            ).replace("%1", f"{plan.tokens_sent:,}")
        else:
            cost = self.tr("Cost: %1 (an estimate).").replace("%1", about_money(plan.cost_usd))
        time = self.tr("Time: %1 (a rough guess; computers and models differ a lot).").replace(
            "%1", rough_time(plan.seconds)
        )
        self.estimate.setText(f"{cost}\n{time}")
        self.status.setText("")
        self.start_button.setEnabled(plan.scenes > 0)
        self._fit()

    # -- running ----------------------------------------------------------------------------

    @Slot()
    def start(self) -> None:
        plan = self._plan
        if self.state != "choosing" or plan is None:
            return
        provider_id, model = self.provider_id, self.model.currentText().strip()
        save_settings({**load_settings(), REMEMBERED: {"provider": provider_id, "model": model}})
        self.state = "running"
        for widget in (self.service, self.model, self.look_again, self.start_button):
            widget.setEnabled(False)
        self.close_button.setText(self.tr("Stop"))
        self.close_button.setToolTip(self.tr("Stop after this prompt; every prompt so far is kept"))
        self.progress.setRange(0, plan.scenes)
        self.progress.show()
        self.status.setText(self.tr("Writing the first prompt…"))
        self._fit()
        document, ids, arrivals = self.document, list(plan.example_ids), self._arrivals

        def work(progress, cancelled) -> int:
            from fineauthor.training.write_prompts import prompt_writer, write_prompts

            with prompt_writer(provider_id) as provider:
                written = write_prompts(
                    document.project,
                    provider,
                    model,
                    ids,
                    progress=lambda done, _total: progress(done),
                    cancelled=cancelled,
                    on_prompt=arrivals.send,
                )
            return len(written)

        self._run = run_in_background(
            work, on_progress=self._progressed, on_success=self._done, on_failure=self._failed
        )

    def _progressed(self, done: int) -> None:
        self.progress.setValue(done)
        if self.state == "running" and done < self.progress.maximum():
            self.status.setText(
                self.tr("Writing prompt %1 of %2…")
                .replace("%1", f"{done + 1:,}")
                .replace("%2", f"{self.progress.maximum():,}")
            )

    def _prompt_arrived(self, item: WrittenPrompt) -> None:
        self.written.append(
            (item.example_id, (item.before_prompt, item.before_origin), (item.prompt, item.origin))
        )
        self.document.prompt_saved(item.example_id)

    def _done(self, _count: int) -> None:
        stopped = self._run is not None and self._run.cancelled
        self._finish("stopped" if stopped else "finished")

    def _failed(self, message: str) -> None:
        self._finish("failed", message)

    def _finish(self, state: str, message: str = "") -> None:
        self.state = state
        self.document.prompts_written(self.written)
        count = len(self.written)
        flagged = sum(1 for _, _, (_, origin) in self.written if origin.problem)
        said = plural(
            count,
            self.tr("1 prompt written and saved."),
            self.tr("{count} prompts written and saved."),
        )
        if flagged:
            said += " " + plural(
                flagged,
                self.tr("1 of them still fails a check: the editor says what, above the prompt."),
                self.tr(
                    "{count} of them still fail a check: the editor says what, above each prompt."
                ),
            )
        if state == "stopped":
            said = self.tr("Stopped.") + " " + said
        elif state == "failed":
            said = f"{message}\n\n{said}"
        if count:
            said += " " + self.tr("Undo takes them all back in one step.")
        self.status.setText(said)
        self.close_button.setText(self.tr("Close"))
        self.close_button.setToolTip("")
        self.close_button.setEnabled(True)
        self.start_button.hide()
        self.review_button.setVisible(count > 0)
        if count:
            self.review_button.setDefault(True)
            self.review_button.setFocus()
        self._fit()

    def _fit(self) -> None:
        """Grow to hold the wrapped text that just changed (a dialog does not by itself)."""
        self.layout().activate()
        self.resize(self.width(), max(self.height(), self.heightForWidth(self.width())))

    @Slot()
    def _close_or_stop(self) -> None:
        if self.state == "running" and self._run is not None:
            self._run.cancel()
            self.close_button.setEnabled(False)
            self.status.setText(self.tr("Stopping after this prompt…"))
            return
        self.reject()

    @Slot()
    def _show_review(self) -> None:
        self.reviewRequested.emit()
        self.accept()

    def reject(self) -> None:
        if self.state == "running":  # Esc or the window's close button: stop, keep what came
            self._close_or_stop()
            return
        super().reject()


def open_write_prompts_dialog(
    document: ProjectDocument, parent: QWidget, example_ids: Sequence[int] | None = None
) -> WritePromptsDialog:
    """Open the dialog (window-modal) for the scenes of ``example_ids`` (all when None)."""
    dialog = WritePromptsDialog(document, example_ids, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
