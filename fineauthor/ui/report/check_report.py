"""The check report: what stops training, what could be better, and what it will cost.

The panel shows the latest report of a CheckRunner: a one-line verdict, the problems and the
advice grouped by kind (each group collapsible, each item linked to its example), a histogram of
response lengths against the target band, and the totals with the cost estimate for the model
chosen in the panel. Everything is said in a writer's words.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, QLocale, QModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QPalette, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.catalog import ModelInfo, ProviderInfo, load_catalog
from fineauthor.core.dataset.checks import CheckReport
from fineauthor.core.dataset.estimate import Estimate, estimate
from fineauthor.core.dataset.problems import Problem
from fineauthor.ui.report.check_runner import CheckRunner, chosen_model
from fineauthor.ui.report.length_histogram import LengthHistogram
from fineauthor.ui.shell.document import ProjectDocument

PROBLEM, ADVICE = "problem", "advice"  # the example list's words for the two levels

KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # "group", "note", "finding" or "example"
EXAMPLE_ID_ROLE = Qt.ItemDataRole.UserRole + 2  # int; 0 when not about one example
QUOTE_ROLE = Qt.ItemDataRole.UserRole + 3  # the text to highlight in the example
KEY_ROLE = Qt.ItemDataRole.UserRole + 4  # stable key, to keep groups open across reruns
MODEL_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # in the model chooser

_OPEN_ADVICE_UP_TO = 6  # advice groups with more items than this start closed
_OPEN_PROBLEMS_UP_TO = 50  # and problem groups (kept short: every open row is measured)

FORMAT_CODES = frozenset(
    {
        "data_type",
        "missing_messages_list",
        "message_missing_key",
        "message_unrecognized_key",
        "unrecognized_role",
        "missing_content",
        "empty_content",
        "invalid_text",
        "invalid_weight",
        "example_missing_assistant_message",
        "unsupported_role",
        "invalid_json",
        "special_token_text",
    }
)


@dataclass(frozen=True)
class _Kind:
    key: str
    codes: frozenset[str]


# Display order: what blocks training first, then the advice most likely to matter.
_KINDS = (
    _Kind("format", FORMAT_CODES),
    _Kind("too_few", frozenset({"too_few_examples", "few_examples"})),
    _Kind("too_long", frozenset({"example_too_long"})),
    _Kind("length", frozenset({"off_target_length"})),
    _Kind("repeated", frozenset({"repeated_phrase"})),
    _Kind(
        "system",
        frozenset({"missing_system_prompt", "different_system_prompt", "style_name_missing"}),
    ),
    _Kind("duplicates", frozenset({"duplicate_example"})),
)


def kind_of(problem: Problem) -> str:
    """The group a finding is shown under (``other`` for a code the panel does not know)."""
    for kind in _KINDS:
        if problem.code in kind.codes:
            return kind.key
    return "other"


def grouped(problems: list[Problem]) -> list[tuple[str, list[Problem]]]:
    """``problems`` by kind, in display order, without empty groups."""
    order = [k.key for k in _KINDS] + ["other"]
    groups: dict[str, list[Problem]] = {key: [] for key in order}
    for problem in problems:
        groups[kind_of(problem)].append(problem)
    return [(key, items) for key, items in groups.items() if items]


_SENTENCE_END = re.compile(r"(?<=[.!?)])\s+(?=[A-Z“\"])")


def split_message(message: str) -> tuple[str, str]:
    """The first sentence of a finding (what is wrong with this example) and the rest (why it
    matters and what to do), which is often the same for every finding of a kind."""
    parts = _SENTENCE_END.split(message, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (message, "")


def shared_explanation(problems: list[Problem]) -> str:
    """The explanation every finding of a group gives word for word, or "" if they differ."""
    rests = {split_message(p.message)[1] for p in problems}
    return rests.pop() if len(problems) > 1 and len(rests) == 1 else ""


def example_statuses(report: CheckReport, ids: tuple[int, ...]) -> dict[int, tuple[str, str]]:
    """Example id → ("problem" or "advice", the first message about it), problems first."""
    statuses: dict[int, tuple[str, str]] = {}
    for status, problems in ((PROBLEM, report.errors), (ADVICE, report.warnings)):
        for problem in problems:
            for position in positions_of(problem):
                if 1 <= position <= len(ids):
                    statuses.setdefault(ids[position - 1], (status, problem.message))
    return statuses


def positions_of(problem: Problem) -> tuple[int, ...]:
    """Every example position a finding is about."""
    if problem.examples:
        return problem.examples
    return () if problem.line is None else (problem.line,)


class _WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text at the tree's current width (item views otherwise
    measure text on one endless line and cut it off with "…")."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self._tree = tree

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        if index.data(KIND_ROLE) == "example":
            # "Example 3 — the start of its prompt": one line, cut to the width.
            option.features &= ~QStyleOptionViewItem.ViewItemFeature.WrapText
            option.textElideMode = Qt.TextElideMode.ElideRight

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        depth = 1 if self._tree.rootIsDecorated() else 0
        parent = index.parent()
        while parent.isValid():
            depth += 1
            parent = parent.parent()
        width = self._tree.viewport().width() - depth * self._tree.indentation()
        measured = QStyleOptionViewItem(option)
        self.initStyleOption(measured, index)
        measured.rect = QRect(0, 0, max(60, width), 1)
        style = self._tree.style()
        size = style.sizeFromContents(
            QStyle.ContentsType.CT_ItemViewItem, measured, QSize(), self._tree
        )
        return QSize(min(size.width(), max(60, width)), size.height())


class _ReportTree(QTreeWidget):
    """The findings. Emits ``chosen(item)`` for a click or for Enter on the current item."""

    chosen = Signal(QTreeWidgetItem)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setWordWrap(True)
        self.setUniformRowHeights(False)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setExpandsOnDoubleClick(False)
        self.setIndentation(14)
        self.setAnimated(False)
        self.setSelectionMode(QTreeWidget.SelectionMode.SingleSelection)
        self.setItemDelegate(_WrappingDelegate(self))
        self.itemClicked.connect(lambda item, _column: self.chosen.emit(item))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        item = self.currentItem()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None:
            self.chosen.emit(item)
            event.accept()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.scheduleDelayedItemsLayout()  # wrapped lines take new heights at a new width


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
        self._ids: tuple[int, ...] = ()
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
        self._fill_models()
        self._set_busy(True)
        self._headline.setText(self.tr("Checking your examples…"))

    # Building ------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        self._build_header(layout)

        self.tree = _ReportTree()
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
        self.model_box = QComboBox()
        self.model_box.setAccessibleName(self.tr("Model to train"))
        self.model_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.model_box.setMinimumContentsLength(10)
        self.model_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        chooser_label.setBuddy(self.model_box)
        chooser = QHBoxLayout()
        chooser.addWidget(chooser_label)
        chooser.addWidget(self.model_box, 1)
        layout.addLayout(chooser)
        self.model_note = self._hint()
        self.model_note.setAccessibleName(self.tr("About this model"))
        layout.addWidget(self.model_note)
        self.model_box.currentIndexChanged.connect(self._model_chosen)

    # The model chooser ---------------------------------------------------------------------

    def _fill_models(self) -> None:
        today = date.today()
        self.model_box.blockSignals(True)
        try:
            self.model_box.clear()
            for model in self.catalog.models:
                provider = self.catalog.provider(model.provider)
                self.model_box.addItem(
                    self.tr("%1 · %2").replace("%1", model.name).replace("%2", provider.name)
                )
                index = self.model_box.count() - 1
                self.model_box.setItemData(index, model.id, MODEL_ID_ROLE)
                self.model_box.setItemData(
                    index,
                    self.model_tooltip(model, provider, today),
                    Qt.ItemDataRole.ToolTipRole,
                )
        finally:
            self.model_box.blockSignals(False)
        self._show_chosen_model()

    def _show_chosen_model(self) -> None:
        model = chosen_model(self.document.settings)
        index = self.model_box.findData(model.id, MODEL_ID_ROLE)
        self.model_box.blockSignals(True)
        try:
            self.model_box.setCurrentIndex(index)
        finally:
            self.model_box.blockSignals(False)
        provider = self.catalog.provider(model.provider)
        today = date.today()
        self.model_box.setToolTip(self.model_tooltip(model, provider, today))
        self.model_note.setText(" ".join(self.model_warnings(model, provider, today)))
        self.model_note.setVisible(bool(self.model_note.text()))

    def model_warnings(self, model: ModelInfo, provider: ProviderInfo, today: date) -> list[str]:
        """Short, plain notes on whether the writer can train this model at all."""
        notes = []
        if not provider.new_users_can_fine_tune:
            notes.append(
                self.tr("%1 no longer lets new accounts fine-tune.").replace("%1", provider.name)
            )
        if model.shutdown_date is not None:
            when = self._date(model.shutdown_date)
            if model.is_shut_down(today):
                notes.append(self.tr("This model was shut down on %1.").replace("%1", when))
            else:
                notes.append(
                    self.tr(
                        "It stops working on %1, together with every model trained on it."
                    ).replace("%1", when)
                )
        return notes

    def model_tooltip(self, model: ModelInfo, provider: ProviderInfo, today: date) -> str:
        parts = self.model_warnings(model, provider, today)
        parts.append(provider.availability_note)
        return "\n\n".join(p for p in parts if p)

    def _model_chosen(self, index: int) -> None:
        model_id = self.model_box.itemData(index, MODEL_ID_ROLE)
        if not model_id or model_id == self.document.settings.base_model:
            return
        self.document.update_settings(base_model=model_id)

    def _settings_changed(self) -> None:
        self._show_chosen_model()
        if self._report is not None:
            self._show_lengths(self._report)
            self._show_totals(self._report)

    # Showing a report ----------------------------------------------------------------------

    def show_report(self, report: CheckReport, ids: tuple[int, ...]) -> None:
        """Show ``report``; ``ids[n - 1]`` is the example at position n when it was made."""
        self._report, self._ids = report, tuple(ids)
        self._show_headline(report)
        self._show_findings(report)
        self._show_lengths(report)
        self._show_totals(report)
        self._fit_details()
        self.statusesChanged.emit(example_statuses(report, self._ids))

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

    def _group_heading(self, key: str, level: str) -> str:
        headings = {
            "format": self.tr("Empty or not in the right format"),
            "too_few": self.tr("Too few examples")
            if level == PROBLEM
            else self.tr("More examples would help"),
            "too_long": self.tr("Too long for the model"),
            "length": self.tr("Off your target length"),
            "repeated": self.tr("Phrases repeated across many responses"),
            "system": self.tr("System prompt missing or different"),
            "duplicates": self.tr("Duplicates"),
            "other": self.tr("Other problems") if level == PROBLEM else self.tr("Other advice"),
        }
        return headings[key]

    def group_items(self) -> dict[str, QTreeWidgetItem]:
        """The group items now shown, by key ("problem:format", "advice:length", …)."""
        found = {}
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            found[item.data(0, KEY_ROLE)] = item
        return found

    def _show_findings(self, report: CheckReport) -> None:
        tree = self.tree
        scroll = tree.verticalScrollBar().value()
        current = tree.currentItem()
        current_key = current.data(0, KEY_ROLE) if current is not None else ""
        self._rebuilding = True
        tree.setUpdatesEnabled(False)
        try:
            tree.clear()
            style = self.style()
            icons = {
                PROBLEM: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical),
                ADVICE: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation),
            }
            for level, problems in ((PROBLEM, report.errors), (ADVICE, report.warnings)):
                for key, items in grouped(problems):
                    group = self._group_item(level, key, items)
                    group.setIcon(0, icons[level])
                    tree.addTopLevelItem(group)
                    why = shared_explanation(items)
                    if why:
                        group.addChild(self._note_item(why))
                    group.addChildren([self._finding_item(group, p, bool(why)) for p in items])
                    open_by_default = len(items) <= (
                        _OPEN_PROBLEMS_UP_TO if level == PROBLEM else _OPEN_ADVICE_UP_TO
                    )
                    group.setExpanded(self._open.get(group.data(0, KEY_ROLE), open_by_default))
                    for i in range(group.childCount()):
                        child = group.child(i)
                        child_key = child.data(0, KEY_ROLE)
                        if child.childCount():
                            child.setExpanded(self._open.get(child_key, False))
            if current_key:
                self._select_key(current_key)
        finally:
            self._rebuilding = False
            tree.setUpdatesEnabled(True)
        # With the tree as context: the timer is dropped if the tree is deleted first (the
        # project closed just as a report arrived).
        QTimer.singleShot(0, tree, lambda: tree.verticalScrollBar().setValue(scroll))

    def _select_key(self, key: str) -> None:
        """Make the item with ``key`` current again after a rebuild, if it is still there."""
        found = QTreeWidgetItemIterator(self.tree)
        while found.value() is not None:
            item = found.value()
            if item.data(0, KEY_ROLE) == key:
                self.tree.setCurrentItem(item)
                return
            found += 1

    def _group_item(self, level: str, key: str, items: list[Problem]) -> QTreeWidgetItem:
        heading = self._group_heading(key, level)
        text = (
            self.tr("%1 (%2)").replace("%1", heading).replace("%2", QLocale().toString(len(items)))
        )
        group = QTreeWidgetItem([text])
        font = QFont(self.tree.font())
        font.setBold(True)
        group.setFont(0, font)
        group.setData(0, KIND_ROLE, "group")
        group.setData(0, KEY_ROLE, f"{level}:{key}")
        group.setData(0, EXAMPLE_ID_ROLE, 0)
        group.setData(0, QUOTE_ROLE, "")
        if level == PROBLEM:
            tip = self.tr("Problems: training can't start until they are fixed.")
        else:
            tip = self.tr("Advice: training can go ahead, but the result may be better without.")
        group.setToolTip(0, tip)
        group.setData(0, Qt.ItemDataRole.AccessibleTextRole, f"{text}. {tip}")
        return group

    def _note_item(self, text: str) -> QTreeWidgetItem:
        """The explanation a whole group shares, said once above its items."""
        item = QTreeWidgetItem([text])
        item.setData(0, KIND_ROLE, "note")
        item.setData(0, EXAMPLE_ID_ROLE, 0)
        item.setData(0, QUOTE_ROLE, "")
        item.setData(0, KEY_ROLE, "note")
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = QFont(self.tree.font())
        font.setItalic(True)
        item.setFont(0, font)
        item.setForeground(0, self.palette().brush(QPalette.ColorRole.PlaceholderText))
        return item

    def _finding_item(
        self, group: QTreeWidgetItem, problem: Problem, explained: bool = False
    ) -> QTreeWidgetItem:
        """One finding; when its group already says why it matters, only what is wrong."""
        text = split_message(problem.message)[0] if explained else problem.message
        item = QTreeWidgetItem([text])
        item.setData(0, Qt.ItemDataRole.AccessibleTextRole, problem.message)
        item.setData(0, KIND_ROLE, "finding")
        item.setData(0, QUOTE_ROLE, problem.quote)
        item.setData(0, EXAMPLE_ID_ROLE, self._id_at(problem.line) or 0)
        item.setData(
            0,
            KEY_ROLE,
            f"{group.data(0, KEY_ROLE)}:{problem.code}:{problem.quote or problem.line}",
        )
        item.setToolTip(0, self._finding_tip(item, problem.message if explained else ""))
        if len(problem.examples) > 1:
            item.addChildren(
                [
                    self._example_item(item.data(0, KEY_ROLE), position, problem.quote)
                    for position in problem.examples
                ]
            )
        return item

    def _finding_tip(self, item: QTreeWidgetItem, message: str) -> str:
        parts = [message] if message else []
        if item.data(0, EXAMPLE_ID_ROLE):
            parts.append(self.tr("Click to go to this example."))
        return "\n\n".join(parts)

    def _example_item(self, parent_key: str, position: int, quote: str) -> QTreeWidgetItem:
        example_id = self._id_at(position)
        text = self.tr("Example %1").replace("%1", QLocale().toString(position))
        title = ""
        if example_id is not None:
            with contextlib.suppress(KeyError):  # deleted since the check
                title = " ".join(self.document.summary(example_id).prompt_preview.split())
        if title:
            text = self.tr("%1 — %2").replace("%1", text).replace("%2", title)
        item = QTreeWidgetItem([text])
        item.setData(0, KIND_ROLE, "example")
        item.setData(0, KEY_ROLE, f"{parent_key}:example{example_id or position}")
        item.setData(0, EXAMPLE_ID_ROLE, example_id or 0)
        item.setData(0, QUOTE_ROLE, quote)
        item.setToolTip(0, self.tr("Click to go to this example."))
        return item

    def _id_at(self, position: int | None) -> int | None:
        if position is None or not 1 <= position <= len(self._ids):
            return None
        return self._ids[position - 1]

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
        example_id = self._id_at(where)
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
        locale = QLocale()
        if 0 < cost < 0.01:
            money = self.tr("less than %1").replace("%1", locale.toCurrencyString(0.01, "$", 2))
        else:
            money = self.tr("about %1").replace("%1", locale.toCurrencyString(cost, "$", 2))
        if model.price_as_of is None:
            text = self.tr("Estimated cost: %1 for %2.")
        else:
            text = self.tr("Estimated cost: %1 for %2, at the price listed on %3.").replace(
                "%3", self._date(model.price_as_of)
            )
        return text.replace("%1", money).replace("%2", model.name)

    @staticmethod
    def _date(day: date) -> str:
        return QLocale().toString(QDate(day.year, day.month, day.day), "d MMMM yyyy")

    # Closing -------------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop checking (call before the document closes)."""
        self.runner.stop()
