"""The two pages the Train dialog's check leads to: Refused (the problems to fix first) and
Estimate, which shows what FineAuthor expects the training to cost, how the trained model can
be used and what that costs, and asks before anything leaves the computer."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.catalog import ModelInfo, ProviderInfo
from fineauthor.core.dataset.pair_checks import PairReport
from fineauthor.ui.training.train_layout import button_row, heading_label, wrapped_label
from fineauthor.ui.widgets.labels import muted
from fineauthor.ui.widgets.plurals import plural
from fineauthor.ui.widgets.price_words import (
    about_money,
    day_text,
    method_text,
    serving_text,
)


class RefusedPage(QWidget):
    """The check found problems that would stop the training: ``show_report`` lists them.
    ``backRequested`` for Back, ``closeRequested`` for Close."""

    backRequested = Signal()  # noqa: N815
    closeRequested = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Training can't start yet"))
        self.refused_summary = wrapped_label()
        self.problems_list = QListWidget()
        self.problems_list.setWordWrap(True)
        self.problems_list.setAccessibleName(self.tr("Problems to fix first"))
        self.nothing_sent = muted(wrapped_label())
        back = QPushButton(self.tr("Back"))
        back.clicked.connect(self.backRequested)
        close = QPushButton(self.tr("Close"))
        close.setDefault(True)
        close.clicked.connect(self.closeRequested)
        layout = QVBoxLayout(self)
        layout.addWidget(heading_label(self.tr("Training can’t start yet")))
        layout.addWidget(self.refused_summary)
        layout.addWidget(self.problems_list, 1)
        layout.addWidget(self.nothing_sent)
        layout.addLayout(button_row(back, close))

    def show_report(self, report: Any, *, choices: bool = False) -> None:
        """The check ``report``'s errors (a core.dataset CheckReport, or the PairReport of the
        writer's ``choices``), each on its line."""
        count = len(report.errors)
        self.nothing_sent.setText(
            self.tr("Nothing was sent: your choices are still only here.")
            if choices
            else self.tr("Nothing was sent: your examples are still only here.")
        )
        if choices:
            self.refused_summary.setText(
                plural(
                    count,
                    self.tr(
                        "The check found 1 problem that would stop the training. Fix it in "
                        "the Choices tab beside your examples, then train again."
                    ),
                    self.tr(
                        "The check found {count} problems that would stop the training. Fix "
                        "them in the Choices tab beside your examples, then train again."
                    ),
                )
            )
        else:
            self._examples_summary(count)
        self.problems_list.clear()
        for problem in report.errors:
            self.problems_list.addItem(problem.message)

    def _examples_summary(self, count: int) -> None:
        self.refused_summary.setText(
            self.tr(
                "The check found 1 problem that would stop the training. Fix it in the editor "
                "(the check report links to the example), then train again."
            )
            if count == 1
            else self.tr(
                "The check found %1 problems that would stop the training. Fix them in the "
                "editor (the check report links to each), then train again."
            ).replace("%1", QLocale().toString(count))
        )


class EstimatePage(QWidget):
    """What the training should cost and how the result can be used, and the question before
    sending: ``show_estimate`` fills it. ``confirmed`` when the writer presses Send and Train,
    ``backRequested`` for Back."""

    backRequested = Signal()  # noqa: N815
    confirmed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Estimate and confirmation"))
        self.estimate_grid = QGridLayout()
        self.estimate_grid.setColumnStretch(1, 1)
        self.estimate_grid.setHorizontalSpacing(16)
        self.estimate_values: dict[str, QLabel] = {}
        rows = (
            ("service", self.tr("Training with:")),
            ("examples", self.tr("Examples:")),
            ("passes", self.tr("Passes over them:")),
            ("tokens", self.tr("Tokens billed:")),
            ("cost", self.tr("Cost:")),
            ("use", self.tr("Using it afterwards:")),
        )
        self.estimate_names: dict[str, QLabel] = {}
        for row, (key, title) in enumerate(rows):
            name = QLabel(title)
            self.estimate_names[key] = name
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            value = wrapped_label()
            value.setAccessibleName(title.rstrip(":"))
            self.estimate_grid.addWidget(name, row, 0)
            self.estimate_grid.addWidget(value, row, 1)
            self.estimate_values[key] = value
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        frame.setLayout(self.estimate_grid)
        self.start_label = wrapped_label()
        self.start_label.setAccessibleName(self.tr("Where this round starts"))
        self.estimate_note = muted(wrapped_label())
        self.advice_label = wrapped_label()
        self.confirm_label = heading_label("")
        self.confirm_label.setAccessibleName(self.tr("Confirmation"))
        self.nothing_label = wrapped_label()
        back = QPushButton(self.tr("Back"))
        back.clicked.connect(self.backRequested)
        self.send_button = QPushButton(self.tr("Send and Train"))
        self.send_button.setAccessibleName(self.tr("Send the examples and start training"))
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.confirmed)
        self.setFocusProxy(self.send_button)  # the keyboard lands on the page's answer
        layout = QVBoxLayout(self)
        layout.addWidget(heading_label(self.tr("Estimate")))
        layout.addWidget(frame)
        layout.addWidget(self.start_label)
        layout.addWidget(self.estimate_note)
        layout.addWidget(self.advice_label)
        layout.addSpacing(24)
        layout.addWidget(self.confirm_label)
        layout.addWidget(self.nothing_label)
        layout.addStretch(1)
        layout.addLayout(button_row(back, self.send_button))

    def show_estimate(
        self,
        dataset: Any,
        info: ProviderInfo,
        model: ModelInfo,
        chosen_epochs: int | None,
        *,
        lora: bool = True,
    ) -> None:
        """The checked ``dataset`` (a training.prepare PreparedDataset) to train ``model`` on
        ``info``'s service, as a LoRA or fully (``lora``); ``chosen_epochs`` is None when the
        passes are left automatic."""
        locale = QLocale()
        report = dataset.report
        choices = isinstance(report, PairReport)  # a round of the writer's choices
        values = self.estimate_values
        values["service"].setText(f"{info.name} · {model.name}")
        self.estimate_names["examples"].setText(
            self.tr("Choices:") if choices else self.tr("Examples:")
        )
        values["examples"].setText(locale.toString(dataset.examples))
        self.start_label.setText(dataset.start_note)
        self.start_label.setVisible(choices)
        passes = self._passes_text(report.estimate, model, info, chosen_epochs)
        if choices:
            passes = passes.replace(
                self.tr("(one pass reads every example once)"),
                self.tr("(one pass reads every choice once)"),
            )
        values["passes"].setText(passes)
        values["tokens"].setText(
            self.tr("about %1 (a token is a word or a piece of a word)").replace(
                "%1", locale.toString(report.estimate.billed_tokens)
            )
        )
        if report.estimate.cost_usd is not None:
            values["cost"].setText(
                self.tr("%1 — an estimate").replace("%1", about_money(report.estimate.cost_usd))
            )
        else:
            values["cost"].setText(self.tr("price not known"))
        values["use"].setText(serving_text(model.serving_for(lora=lora)))
        as_of = day_text(model.price_as_of)
        if report.estimate.cost_usd is not None and model.size_b is not None:
            note = (
                self.tr(
                    "These figures are FineAuthor's estimate, from %1's published price for "
                    "%3 of a model this size (about %4 billion parameters) as of %2. The bill "
                    "from %1 may differ a little."
                )
                .replace("%3", method_text(lora=lora, preference=choices))
                .replace("%4", locale.toString(model.size_b, "g", 4))
            )
        elif report.estimate.cost_usd is not None:
            note = self.tr(
                "These figures are FineAuthor's estimate, from %1's published price as of %2. "
                "The bill from %1 may differ a little."
            )
        else:
            note = self.tr(
                "These figures are FineAuthor's estimate. It does not know %1's price for this "
                "model; if %1 quotes one once your examples are there, you will see it and "
                "confirm again before training starts."
            )
        self.estimate_note.setText(note.replace("%1", info.name).replace("%2", as_of))
        warnings = len(report.warnings)
        self.advice_label.setVisible(bool(warnings))
        where = self.tr("beside your choices") if choices else self.tr("in the check report")
        self.advice_label.setText(
            (
                self.tr("The check also has 1 suggestion (not a problem) %2.")
                if warnings == 1
                else self.tr("The check also has %1 suggestions (not problems) %2.")
            )
            .replace("%1", locale.toString(warnings))
            .replace("%2", where)
        )
        count = locale.toString(dataset.examples)
        if choices:
            question = (
                self.tr("Send your 1 choice to %2 and start training?")
                if dataset.examples == 1
                else self.tr("Send your %1 choices to %2 and start training?")
            )
        else:
            question = (
                self.tr("Send your 1 example to %2 and start training?")
                if dataset.examples == 1
                else self.tr("Send your %1 examples to %2 and start training?")
            )
        self.confirm_label.setText(question.replace("%1", count).replace("%2", info.name))
        self.send_button.setAccessibleName(
            self.tr("Send the choices and start training")
            if choices
            else self.tr("Send the examples and start training")
        )
        self.nothing_label.setText(
            (
                self.tr(
                    "Nothing has left this computer yet. Send and Train sends your choices (each "
                    "prompt with both replies) to %1 and starts the training; if %1 quotes a "
                    "price of its own, you see it and confirm once more first. You can stop the "
                    "training while it runs."
                )
                if choices
                else self.tr(
                    "Nothing has left this computer yet. Send and Train sends your examples to "
                    "%1 and starts the training; if %1 quotes a price of its own, you see it and "
                    "confirm once more first. You can stop the training while it runs."
                )
            ).replace("%1", info.name)
        )

    def _passes_text(
        self, figures: Any, model: ModelInfo, info: ProviderInfo, chosen: int | None
    ) -> str:
        """The passes, and who chose them: the writer, the service's own default, its own rule,
        or (when no source says how the service decides) FineAuthor's guess."""
        passes = QLocale().toString(figures.epochs)
        if chosen is not None:
            return passes
        if figures.epochs_guessed:
            return (
                self.tr(
                    "about %1 — %2 decides this itself; FineAuthor guessed with the usual rule "
                    "(one pass reads every example once)"
                )
                .replace("%1", passes)
                .replace("%2", info.name)
            )
        if model.terms.default_epochs is not None:
            return (
                self.tr(
                    "%1 — what %2 does unless told otherwise (one pass reads every example once)"
                )
                .replace("%1", passes)
                .replace("%2", info.name)
            )
        return (
            self.tr(
                "%1 — chosen automatically, the way %2 does (one pass reads every example once)"
            )
            .replace("%1", passes)
            .replace("%2", info.name)
        )
