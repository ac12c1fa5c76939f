"""Beside the choices, what their check found and what a round of training on them would cost:
rerun in the background a moment after the writer changes a choice or the project's settings,
each finding a click away from the choice it is about."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.dataset.pair_checks import PairReport, check_project_pairs
from fineauthor.ui.report.check_runner import chosen_model
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.shell.workers import Task, run_in_background
from fineauthor.ui.widgets.labels import bold, muted
from fineauthor.ui.widgets.plurals import plural
from fineauthor.ui.widgets.price_words import about_money, day_text

QUIET_MS = 400  # how long the choices must stay unchanged before they are checked again
PAIR_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class PairReportPanel(QWidget):
    """The check of ``document``'s choices for the project's model. ``pairRequested(id)`` when
    the writer clicks a finding about one choice."""

    pairRequested = Signal(int)  # noqa: N815
    checked = Signal()  # a report is shown (tests wait for it)

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.report: PairReport | None = None
        self._task: Task | None = None
        self._ids: tuple[int, ...] = ()
        self._generation = 0  # which check's report is the one to show
        self.setAccessibleName(self.tr("Check of your choices"))
        self.headline = bold(QLabel(wordWrap=True))
        # Room for two lines: in the stack beside the editor a wrapped label is given the
        # height of one and its second line was cut off.
        self.headline.setMinimumHeight(2 * self.headline.fontMetrics().lineSpacing() + 4)
        self.headline.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.findings = QListWidget()
        self.findings.setWordWrap(True)
        self.findings.setSpacing(3)
        self.findings.setAccessibleName(self.tr("What the check found in your choices"))
        self.findings.itemActivated.connect(self._chosen)
        self.findings.itemClicked.connect(self._chosen)
        self.choices_value = QLabel()
        self.tokens_value = QLabel()
        self.cost_label = muted(QLabel(wordWrap=True))
        self.cost_label.setAccessibleName(self.tr("What a round of training would cost"))
        totals = QGridLayout()
        totals.setColumnStretch(1, 1)
        for row, (title, value) in enumerate(
            (
                (self.tr("Choices"), self.choices_value),
                (self.tr("Tokens per pass"), self.tokens_value),
            )
        ):
            totals.addWidget(QLabel(title), row, 0)
            totals.addWidget(value, row, 1, Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.headline)
        layout.addWidget(self.findings, 1)
        self._totals = QWidget()
        column = QVBoxLayout(self._totals)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(bold(QLabel(self.tr("A round of training on them"))))
        column.addLayout(totals)
        column.addWidget(self.cost_label)
        layout.addWidget(self._totals)
        layout.addStretch(0)

        self._timer = QTimer(self, singleShot=True, interval=QUIET_MS)
        self._timer.timeout.connect(self.check_now)
        document.pairsChanged.connect(self._timer.start)
        document.settingsChanged.connect(self._timer.start)
        document.reset.connect(self._timer.start)
        self.check_now()

    def check_now(self) -> None:
        """Check the choices as they are now (off the GUI thread)."""
        if self._task is not None:
            self._task.cancel()
        pairs = list(self.document.pairs())
        ids = tuple(p.id for p in pairs if p.id is not None)
        settings = self.document.settings
        model = chosen_model(settings)
        project = self.document.project
        self.headline.setText(self.tr("Checking your choices…"))

        def work(_progress, _cancelled) -> tuple[int, PairReport, tuple[int, ...]]:
            return generation, check_project_pairs(pairs, settings, model, cache=project), ids

        self._generation += 1
        generation = self._generation
        # Handlers connected as it starts (a quick report emitted before a later connect is
        # lost), and bound methods, which Qt lets go of with the panel when it closes.
        self._task = run_in_background(work, on_success=self._report_ready, on_failure=self._failed)

    @Slot(object)
    def _report_ready(self, result: tuple[int, PairReport, tuple[int, ...]]) -> None:
        generation, report, ids = result
        if generation != self._generation:
            return  # a newer check is on its way
        self._task = None
        self.report, self._ids = report, ids
        locale = QLocale()
        errors, warnings = len(report.errors), len(report.warnings)
        if not report.pairs:
            # Nothing to fix: the writer simply has not chosen yet (the list says how).
            self.headline.setText(self.tr("No choices to check yet"))
            self.findings.clear()
            self.findings.hide()
            self._totals.hide()
            self.cost_label.setText("")
            self.checked.emit()
            return
        self.findings.show()
        self._totals.show()
        if errors:
            self.headline.setText(
                plural(
                    errors,
                    self.tr("1 problem to fix before training on your choices"),
                    self.tr("{count} problems to fix before training on your choices"),
                )
            )
        else:
            self.headline.setText(
                plural(
                    report.pairs,
                    self.tr("Your choice is ready to train"),
                    self.tr("Your {count} choices are ready to train"),
                )
                + (
                    plural(warnings, self.tr(" (1 suggestion)"), self.tr(" ({count} suggestions)"))
                    if warnings
                    else ""
                )
            )
        self._fill(report)
        self.choices_value.setText(locale.toString(report.pairs))
        self.tokens_value.setText(locale.toString(report.total_tokens))
        self.cost_label.setText(self._cost_text(report))
        self.checked.emit()

    def _fill(self, report: PairReport) -> None:
        self.findings.clear()
        style = self.style()
        for problem in (*report.errors, *report.warnings):
            icon = (
                QStyle.StandardPixmap.SP_MessageBoxCritical
                if problem.level == "error"
                else QStyle.StandardPixmap.SP_MessageBoxWarning
            )
            item = QListWidgetItem(style.standardIcon(icon), problem.message)
            if problem.line is not None and 0 < problem.line <= len(self._ids):
                item.setData(PAIR_ID_ROLE, self._ids[problem.line - 1])
                item.setToolTip(self.tr("Click to open this choice"))
            self.findings.addItem(item)

    def _cost_text(self, report: PairReport) -> str:
        model, estimate = report.model, report.estimate
        if not report.pairs:
            return ""
        if estimate.cost_usd is None:
            return self.tr(
                "The price of training %1 on choices isn’t known; the service shows it before "
                "training starts."
            ).replace("%1", model.name)
        text = plural(
            estimate.epochs,
            self.tr("Estimated cost: %1 for %2 in one pass, at its price for training on choices"),
            self.tr(
                "Estimated cost: %1 for %2 over {count} passes, at its price for training on "
                "choices"
            ),
        )
        text = text.replace("%1", about_money(estimate.cost_usd)).replace("%2", model.name)
        if model.price_as_of is not None:
            text += self.tr(" listed on %1").replace("%1", day_text(model.price_as_of))
        return text + "."

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._task = None
        failed = self.tr("The choices could not be checked: %1")
        self.headline.setText(failed.replace("%1", message))

    def _chosen(self, item: QListWidgetItem) -> None:
        pair_id = item.data(PAIR_ID_ROLE)
        if isinstance(pair_id, int) and any(p.id == pair_id for p in self.document.pairs()):
            self.pairRequested.emit(pair_id)

    def stop(self) -> None:
        """Stop checking (call before the document closes)."""
        self._timer.stop()
        if self._task is not None:
            self._task.cancel()
            self._task = None
