"""The check report: what stops training, what could be better, and what it will cost.

The panel shows the latest report of a CheckRunner: a one-line verdict, the problems and the
advice grouped by kind (each group collapsible, each item linked to its example), a histogram of
response lengths against the target band, and the totals with the cost estimate for the model
chosen in the panel. Everything is said in a writer's words.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QPalette, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QStyle,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.catalog import ModelInfo, load_catalog
from fineauthor.core.dataset.checks import CheckReport
from fineauthor.core.dataset.estimate import Estimate, estimate
from fineauthor.core.dataset.problems import Problem
from fineauthor.ui.report.check_runner import CheckRunner, chosen_model
from fineauthor.ui.report.finding_groups import example_statuses
from fineauthor.ui.report.findings_tree import EXAMPLE_ID_ROLE, KEY_ROLE, QUOTE_ROLE, FindingsTree
from fineauthor.ui.report.length_histogram import LengthHistogram
from fineauthor.ui.report.model_chooser import ModelChooser
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.widgets.price_words import about_money, day_text


class CheckReportPanel(QWidget):
    """What the check found, the length histogram, the totals and the model chooser.

    Signals: ``exampleRequested(example_id, quote)`` when the writer clicks a finding about an
    example (``quote`` is the text to highlight, or ""); ``statusesChanged(dict)`` with every
    example id's ("problem" | "advice", first message) after each report.
    """

    exampleRequested = Signal(int, str)  # noqa: N815
    statusesChanged = Signal(object)  # noqa: N815  (dict: example id → (status, message))

    def __init__(
        self,
        document: ProjectDocument,
        parent: QWidget | None = None,
        *,
        runner: CheckRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.catalog = load_catalog()
        self.runner = runner if runner is not None else CheckRunner(document, self)
        self._report: CheckReport | None = None
        self._open: dict[str, bool] = {}  # the writer's choice per group, kept across reruns
        self._rebuilding = False
        self._divider_moved = False  # once the writer drags it, the divider stays put
        self._fitting = False
        self.setAccessibleName(self.tr("Check report"))
        self._build()
        self.runner.reportReady.connect(self.show_report)
        self.runner.running.connect(self._set_busy)
        self.runner.failed.connect(self._show_failure)
        document.settingsChanged.connect(self._settings_changed)
        self.model_box.fill()
        self._set_busy(True)
        self._headline.setText(self.tr("Checking your examples…"))

    # Building ------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        self._build_header(layout)

        self.tree = FindingsTree(self.document)
        self.tree.setAccessibleName(self.tr("Problems and advice"))
        self.tree.setAccessibleDescription(
            self.tr("Choose an item to go to the example it is about.")
        )
        self.tree.chosen.connect(self._chosen)
        self.tree.itemExpanded.connect(lambda item: self._remember_open(item, True))
        self.tree.itemCollapsed.connect(lambda item: self._remember_open(item, False))

        details = QWidget()
        self._details_layout = QVBoxLayout(details)
        self._details_layout.setContentsMargins(0, 4, 0, 0)
        self._details_layout.setSpacing(4)
        self._build_lengths()
        self._build_totals()
        self._details_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(details)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A Tab stop of its own, so the totals below the chart scroll with the arrow keys.
        scroll.setAccessibleName(self.tr("Response lengths and training totals"))

        self._splitter = QSplitter(Qt.Orientation.Vertical)
        self._splitter.addWidget(self.tree)
        self._splitter.addWidget(scroll)
        self._splitter.setChildrenCollapsible(False)
        self._splitter.setStretchFactor(0, 1)
        self._splitter.setStretchFactor(1, 0)
        layout.addWidget(self._splitter, 1)
        self._splitter.splitterMoved.connect(self._divider_dragged)
        self._details = details

    def _build_header(self, layout: QVBoxLayout) -> None:
        self._headline = QLabel()
        self._headline.setWordWrap(True)
        self._headline.setAccessibleName(self.tr("Check result"))
        font = self._headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self._headline.setFont(font)
        layout.addWidget(self._headline)

        # The advice count, and beside it "Checking…" while a check runs (its place is kept
        # when hidden, so nothing jumps).
        row = QHBoxLayout()
        self._subline = QLabel()
        self._subline.setWordWrap(True)
        self._subline.setAccessibleName(self.tr("Advice count"))
        row.addWidget(self._subline, 1)
        self._busy = QWidget()
        busy_layout = QHBoxLayout(self._busy)
        busy_layout.setContentsMargins(0, 0, 0, 0)
        self._busy_bar = QProgressBar()
        self._busy_bar.setRange(0, 0)
        self._busy_bar.setTextVisible(False)
        self._busy_bar.setFixedSize(40, 8)
        self._busy_bar.setAccessibleName(self.tr("Checking"))
        self._busy_label = QLabel(self.tr("Checking…"))
        self._busy_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        busy_layout.addWidget(self._busy_bar)
        busy_layout.addWidget(self._busy_label)
        policy = self._busy.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self._busy.setSizePolicy(policy)
        row.addWidget(self._busy, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._fit_details()

    def _fit_details(self) -> None:
        """Give the totals the height they need (at most 60%) until the writer moves the
        divider; the findings get the rest."""
        if self._divider_moved or not self.isVisible():
            return
        self._details.layout().activate()
        total = sum(self._splitter.sizes()) or self._splitter.height()
        width = self._splitter.width() - self.style().pixelMetric(
            QStyle.PixelMetric.PM_ScrollBarExtent
        )
        wanted = max(self._details.heightForWidth(width), self._details.sizeHint().height())
        details = min(wanted + 2, int(total * 0.6))
        self._fitting = True
        try:
            self._splitter.setSizes([max(1, total - details), details])
        finally:
            self._fitting = False

    def _divider_dragged(self) -> None:
        if not self._fitting:
            self._divider_moved = True

    def _section_title(self, text: str) -> QLabel:
        label = QLabel(text)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        return label

    def _hint(self, text: str = "") -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        label.setFont(font)
        return label

    def _build_lengths(self) -> None:
        layout = self._details_layout
        layout.addWidget(self._section_title(self.tr("Response lengths")))
        self.histogram = LengthHistogram()
        layout.addWidget(self.histogram)
        self.legend = self._hint()
        self.legend.setAccessibleName(self.tr("Length legend"))
        layout.addWidget(self.legend)

    def _build_totals(self) -> None:
        layout = self._details_layout
        layout.addSpacing(6)
        layout.addWidget(self._section_title(self.tr("Training")))
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(1)
        grid.setColumnStretch(0, 1)
        self.examples_value = QLabel()
        self.tokens_value = QLabel()
        self.epochs_value = QLabel()
        self.billed_value = QLabel()
        self.tokens_hint = self._hint()
        rows = (
            (self.tr("Examples"), self.examples_value, None),
            (self.tr("Tokens"), self.tokens_value, self.tokens_hint),
            (
                self.tr("Training passes (epochs)"),
                self.epochs_value,
                self._hint(self.tr("How many times training reads every example.")),
            ),
            (
                self.tr("Billed tokens"),
                self.billed_value,
                self._hint(self.tr("Tokens × passes: what training is charged for.")),
            ),
        )
        row = 0
        for name, value, hint in rows:
            label = QLabel(name)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setAccessibleName(name)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setBuddy(value)
            grid.addWidget(label, row, 0)
            grid.addWidget(value, row, 1)
            row += 1
            if hint is not None:
                grid.addWidget(hint, row, 0, 1, 2)
                row += 1
        layout.addLayout(grid)

        self.cost_label = QLabel()
        self.cost_label.setWordWrap(True)
        self.cost_label.setAccessibleName(self.tr("Estimated cost"))
        self.cost_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addSpacing(4)
        layout.addWidget(self.cost_label)

        layout.addSpacing(6)
        chooser_label = QLabel(self.tr("Model to train:"))
        self.model_note = self._hint()
        self.model_note.setAccessibleName(self.tr("About this model"))
        self.model_box = ModelChooser(self.document, self.catalog, self.model_note)
        chooser_label.setBuddy(self.model_box)
        chooser = QHBoxLayout()
        chooser.addWidget(chooser_label)
        chooser.addWidget(self.model_box, 1)
        layout.addLayout(chooser)
        layout.addWidget(self.model_note)

    def _settings_changed(self) -> None:
        self.model_box.show_chosen()
        if self._report is not None:
            self._show_lengths(self._report)
            self._show_totals(self._report)

    # Showing a report ----------------------------------------------------------------------

    def show_report(self, report: CheckReport, ids: tuple[int, ...]) -> None:
        """Show ``report``; ``ids[n - 1]`` is the example at position n when it was made."""
        self._report = report
        ids = tuple(ids)
        self._show_headline(report)
        self._show_findings(report, ids)
        self._show_lengths(report)
        self._show_totals(report)
        self._fit_details()
        self.statusesChanged.emit(example_statuses(report, ids))

    @property
    def report(self) -> CheckReport | None:
        return self._report

    def _show_headline(self, report: CheckReport) -> None:
        locale = QLocale()
        errors, advice = len(report.errors), len(report.warnings)
        if errors == 0:
            headline = self.tr("Ready to train")
        elif errors == 1:
            headline = self.tr("1 problem to fix before training")
        else:
            headline = self.tr("%1 problems to fix before training").replace(
                "%1", locale.toString(errors)
            )
        if advice == 0:
            sub = self.tr("No advice: everything looks consistent.")
        elif advice == 1:
            sub = self.tr("1 piece of advice")
        else:
            sub = self.tr("%1 pieces of advice").replace("%1", locale.toString(advice))
        self._headline.setText(headline)
        self._subline.setText(sub)
        self._headline.setToolTip(
            self.tr("Problems stop training. Advice is up to you: training can go ahead.")
        )

    def _show_failure(self, message: str) -> None:
        self._headline.setText(self.tr("The check could not run"))
        self._subline.setText(message)

    def _set_busy(self, busy: bool) -> None:
        self._busy.setVisible(busy)

    def is_busy(self) -> bool:
        """Whether the "Checking…" indicator is showing."""
        return not self._busy.isHidden()

    # Findings ------------------------------------------------------------------------------

    def group_items(self) -> dict[str, QTreeWidgetItem]:
        """The group items now shown, by key ("problem:format", "advice:length", …)."""
        found = {}
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            found[item.data(0, KEY_ROLE)] = item
        return found

    def _show_findings(self, report: CheckReport, ids: tuple[int, ...]) -> None:
        # The tree opens and closes items as it rebuilds: that is not the writer's choice.
        self._rebuilding = True
        try:
            self.tree.show_findings(report, ids, self._open)
        finally:
            self._rebuilding = False

    def _chosen(self, item: QTreeWidgetItem) -> None:
        example_id = item.data(0, EXAMPLE_ID_ROLE)
        if example_id:
            self.exampleRequested.emit(int(example_id), item.data(0, QUOTE_ROLE) or "")
        elif item.childCount():
            item.setExpanded(not item.isExpanded())

    def request_problem(self, problem: Problem, position: int | None = None) -> None:
        """Ask for the example a finding of the latest report is about, as clicking it does;
        ``position`` picks one of the examples of a finding about several."""
        where = position or problem.line or (problem.examples[0] if problem.examples else None)
        example_id = self.tree.id_at(where)
        if example_id is not None:
            self.exampleRequested.emit(example_id, problem.quote)

    def _remember_open(self, item: QTreeWidgetItem, is_open: bool) -> None:
        if not self._rebuilding:
            self._open[item.data(0, KEY_ROLE)] = is_open

    # Lengths and totals --------------------------------------------------------------------

    def _show_lengths(self, report: CheckReport) -> None:
        settings = self.document.settings
        target, tolerance = settings.target_words, settings.tolerance_words
        words = [f.response_words for f in report.facts]
        self.histogram.set_data(words, target, tolerance)
        locale = QLocale()
        if not target:
            self.legend.setText(
                self.tr("No target length is set. Set one to see which responses are on target.")
            )
            return
        band = tolerance or 0
        inside = sum(1 for w in words if abs(w - target) <= band)
        self.legend.setText(
            self.tr("Shaded: your target, %1 words ± %2. %3 of %4 responses are on target.")
            .replace("%1", locale.toString(target))
            .replace("%2", locale.toString(band))
            .replace("%3", locale.toString(inside))
            .replace("%4", locale.toString(len(words)))
        )

    def _show_totals(self, report: CheckReport) -> None:
        locale = QLocale()
        model = chosen_model(self.document.settings)
        if model.id == report.model.id:
            figures: Estimate | None = report.estimate
        elif model.encoding == report.model.encoding:
            # Same tokenizer: the counts stand, only the limit and the price change.
            figures = estimate((f.tokens for f in report.facts), model)
        else:
            figures = None  # the new check will count again
        self.examples_value.setText(locale.toString(report.examples))
        if figures is None:
            for label in (self.tokens_value, self.epochs_value, self.billed_value):
                label.setText("…")
            self.cost_label.setText(self.tr("Counting tokens for %1…").replace("%1", model.name))
            return
        self.tokens_value.setText(locale.toString(report.total_tokens))
        self.epochs_value.setText(locale.toString(figures.epochs))
        self.billed_value.setText(locale.toString(figures.billed_tokens))
        hint = self.tr("Pieces of words: models read and count text in tokens.")
        if not model.encoding_exact:
            hint += " " + self.tr("Close estimates for this model.")
        self.tokens_hint.setText(hint)
        self.cost_label.setText(self.cost_text(model, figures.cost_usd))

    def cost_text(self, model: ModelInfo, cost: float | None) -> str:
        """e.g. “Estimated cost: about $1.23 for GPT-4.1 mini, at the price listed on …”."""
        if cost is None:
            return self.tr(
                "The price for %1 isn’t known — the service will show it before training."
            ).replace("%1", model.name)
        money = about_money(cost)
        if model.price_as_of is None:
            text = self.tr("Estimated cost: %1 for %2.")
        else:
            text = self.tr("Estimated cost: %1 for %2, at the price listed on %3.").replace(
                "%3", day_text(model.price_as_of)
            )
        return text.replace("%1", money).replace("%2", model.name)

    # Closing -------------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop checking (call before the document closes)."""
        self.runner.stop()
