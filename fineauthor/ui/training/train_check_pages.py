"""The Train dialog's step 1, Check: ``prepare`` in a worker, then either the Refused page (the
problems to fix first) or the Estimate page, which shows what FineAuthor expects the training to
cost and asks before anything leaves the computer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QLocale, Qt, Slot
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.dataset.estimate import estimate
from fineauthor.ui.training.price_words import day_text, money
from fineauthor.ui.training.train_layout import button_row, heading_label, wrapped_label
from fineauthor.ui.widgets.labels import muted


class CheckPagesMixin:
    """Checking the examples and the two pages it leads to, mixed into ``TrainDialog`` (which
    provides the chosen service and model, ``_run`` and ``_show_page``)."""

    # Step 1: check --------------------------------------------------------------------------

    @Slot()
    def check(self) -> None:
        """Check the examples for the chosen model and freeze them (nothing is sent)."""
        if self._key is None:
            self.refresh_key()
        if self._key is None:
            self._show_problem_text(
                self.tr("There is no key for %1 yet.").replace("%1", self.service.name),
                self.tr(
                    "Add your key in Settings → Accounts, then press Check again. Nothing was sent."
                ),
                self.tr("Open Settings → Accounts…"),
                self._accounts_then_choose,
            )
            return
        from fineauthor.training.prepare import prepare

        project, model, provider_id = self.document.project, self.model, self.service.id
        self.options = self.training_options()
        epochs = self.options.epochs

        def work(_progress: Callable[[int], None], _cancelled: Callable[[], bool]) -> Any:
            dataset = prepare(project, model, provider_id)
            if epochs is not None:  # the estimate for the passes the writer chose
                tokens = [fact.tokens for fact in dataset.report.facts]
                report = replace(dataset.report, estimate=estimate(tokens, model, epochs=epochs))
                dataset = replace(dataset, report=report)
            return dataset

        self.check_button.setEnabled(False)
        self.check_button.setText(self.tr("Checking…"))
        self._run(work, self._checked, retry=self.check)

    def _checked(self, dataset: Any) -> None:
        self.check_button.setEnabled(True)
        self.check_button.setText(self.tr("Check My Examples"))
        self.dataset = dataset
        self._fill_estimate(dataset)
        self._show_page(self.estimate_page, 1)

    def _show_refused(self, report: Any) -> None:
        self.check_button.setEnabled(True)
        self.check_button.setText(self.tr("Check My Examples"))
        count = len(report.errors)
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
        self.problems_list.clear()
        for problem in report.errors:
            self.problems_list.addItem(problem.message)
        self._show_page(self.refused_page, 1)

    # Page: refused --------------------------------------------------------------------------

    def _build_refused_page(self) -> QWidget:
        page = QWidget()
        page.setAccessibleName(self.tr("Training can't start yet"))
        self.refused_summary = wrapped_label()
        self.problems_list = QListWidget()
        self.problems_list.setWordWrap(True)
        self.problems_list.setAccessibleName(self.tr("Problems to fix first"))
        nothing = muted(
            wrapped_label(self.tr("Nothing was sent: your examples are still only here."))
        )
        back = QPushButton(self.tr("Back"))
        back.clicked.connect(lambda: self._show_page(self.choose_page, 0))
        close = QPushButton(self.tr("Close"))
        close.setDefault(True)
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(page)
        layout.addWidget(heading_label(self.tr("Training can’t start yet")))
        layout.addWidget(self.refused_summary)
        layout.addWidget(self.problems_list, 1)
        layout.addWidget(nothing)
        layout.addLayout(button_row(back, close))
        return page

    # Page: estimate -------------------------------------------------------------------------

    def _build_estimate_page(self) -> QWidget:
        page = QWidget()
        page.setAccessibleName(self.tr("Estimate and confirmation"))
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
        )
        for row, (key, title) in enumerate(rows):
            name = QLabel(title)
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            value = wrapped_label()
            value.setAccessibleName(title.rstrip(":"))
            self.estimate_grid.addWidget(name, row, 0)
            self.estimate_grid.addWidget(value, row, 1)
            self.estimate_values[key] = value
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        frame.setLayout(self.estimate_grid)
        self.estimate_note = muted(wrapped_label())
        self.advice_label = wrapped_label()
        self.confirm_label = heading_label("")
        self.confirm_label.setAccessibleName(self.tr("Confirmation"))
        self.nothing_label = wrapped_label()
        back = QPushButton(self.tr("Back"))
        back.clicked.connect(lambda: self._show_page(self.choose_page, 0))
        self.send_button = QPushButton(self.tr("Send and Train"))
        self.send_button.setAccessibleName(self.tr("Send the examples and start training"))
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.send)
        layout = QVBoxLayout(page)
        layout.addWidget(heading_label(self.tr("Estimate")))
        layout.addWidget(frame)
        layout.addWidget(self.estimate_note)
        layout.addWidget(self.advice_label)
        layout.addSpacing(24)
        layout.addWidget(self.confirm_label)
        layout.addWidget(self.nothing_label)
        layout.addStretch(1)
        layout.addLayout(button_row(back, self.send_button))
        return page

    def _fill_estimate(self, dataset: Any) -> None:
        locale = QLocale()
        report, model, info = dataset.report, self.model, self.service
        values = self.estimate_values
        values["service"].setText(f"{info.name} · {model.name}")
        values["examples"].setText(locale.toString(dataset.examples))
        passes = locale.toString(report.estimate.epochs)
        if self.options.epochs is None:
            passes = self.tr("%1 — chosen automatically, the way the service does").replace(
                "%1", passes
            )
        values["passes"].setText(passes)
        values["tokens"].setText(
            self.tr("about %1 (a token is a word or a piece of a word)").replace(
                "%1", locale.toString(report.estimate.billed_tokens)
            )
        )
        if report.estimate.cost_usd is not None:
            values["cost"].setText(
                self.tr("about %1 — an estimate").replace("%1", money(report.estimate.cost_usd))
            )
        else:
            values["cost"].setText(self.tr("price not known"))
        as_of = day_text(model.price_as_of)
        if report.estimate.cost_usd is not None:
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
        self.advice_label.setText(
            (
                self.tr("The check also has 1 suggestion (not a problem) in the check report.")
                if warnings == 1
                else self.tr(
                    "The check also has %1 suggestions (not problems) in the check report."
                )
            ).replace("%1", locale.toString(warnings))
        )
        count = locale.toString(dataset.examples)
        question = (
            self.tr("Send your 1 example to %2 and start training?")
            if dataset.examples == 1
            else self.tr("Send your %1 examples to %2 and start training?")
        )
        self.confirm_label.setText(question.replace("%1", count).replace("%2", info.name))
        self.nothing_label.setText(
            self.tr(
                "Nothing has left this computer yet. Send and Train sends your examples to %1 "
                "and starts the training; if %1 quotes a price of its own, you see it and "
                "confirm once more first. You can stop the training while it runs."
            ).replace("%1", info.name)
        )
