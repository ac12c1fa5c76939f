"""The findings of the check report as a tree: problems and advice grouped by kind, each group
collapsible and each item linked to the example it is about, in rows as tall as their wrapped
text.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

from PySide6.QtCore import QLocale, QModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QWidget,
)

from fineauthor.core.dataset.checks import CheckReport
from fineauthor.core.dataset.problems import Problem
from fineauthor.ui.report.finding_groups import (
    ADVICE,
    PROBLEM,
    grouped,
    shared_explanation,
    split_message,
)
from fineauthor.ui.shell.document import ProjectDocument

KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # "group", "note", "finding" or "example"
EXAMPLE_ID_ROLE = Qt.ItemDataRole.UserRole + 2  # int; 0 when not about one example
QUOTE_ROLE = Qt.ItemDataRole.UserRole + 3  # the text to highlight in the example
KEY_ROLE = Qt.ItemDataRole.UserRole + 4  # stable key, to keep groups open across reruns

_OPEN_ADVICE_UP_TO = 6  # advice groups with more items than this start closed
_OPEN_PROBLEMS_UP_TO = 50  # and problem groups (kept short: every open row is measured)


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


class FindingsTree(QTreeWidget):
    """The findings of the latest report. Emits ``chosen(item)`` for a click or for Enter on the
    current item."""

    chosen = Signal(QTreeWidgetItem)

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._ids: tuple[int, ...] = ()
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

    def show_findings(
        self, report: CheckReport, ids: tuple[int, ...], opened: Mapping[str, bool]
    ) -> None:
        """Show the findings of ``report``; ``ids[n - 1]`` is the example at position n when it
        was made, ``opened`` says which items (by key) the writer opened or closed. The current
        item and the scroll position stay where they were."""
        self._ids = ids
        scroll = self.verticalScrollBar().value()
        current = self.currentItem()
        current_key = current.data(0, KEY_ROLE) if current is not None else ""
        self.setUpdatesEnabled(False)
        try:
            self.clear()
            style = self.style()
            icons = {
                PROBLEM: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical),
                ADVICE: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation),
            }
            for level, problems in ((PROBLEM, report.errors), (ADVICE, report.warnings)):
                for key, items in grouped(problems):
                    group = self._group_item(level, key, items)
                    group.setIcon(0, icons[level])
                    self.addTopLevelItem(group)
                    why = shared_explanation(items)
                    if why:
                        group.addChild(self._note_item(why))
                    group.addChildren([self._finding_item(group, p, bool(why)) for p in items])
                    open_by_default = len(items) <= (
                        _OPEN_PROBLEMS_UP_TO if level == PROBLEM else _OPEN_ADVICE_UP_TO
                    )
                    group.setExpanded(opened.get(group.data(0, KEY_ROLE), open_by_default))
                    for i in range(group.childCount()):
                        child = group.child(i)
                        child_key = child.data(0, KEY_ROLE)
                        if child.childCount():
                            child.setExpanded(opened.get(child_key, False))
            if current_key:
                self._select_key(current_key)
        finally:
            self.setUpdatesEnabled(True)
        # With the tree as context: the timer is dropped if the tree is deleted first (the
        # project closed just as a report arrived).
        QTimer.singleShot(0, self, lambda: self.verticalScrollBar().setValue(scroll))

    def id_at(self, position: int | None) -> int | None:
        """The id of the example at ``position`` in the latest report (None if out of range)."""
        if position is None or not 1 <= position <= len(self._ids):
            return None
        return self._ids[position - 1]

    def _select_key(self, key: str) -> None:
        """Make the item with ``key`` current again after a rebuild, if it is still there."""
        found = QTreeWidgetItemIterator(self)
        while found.value() is not None:
            item = found.value()
            if item.data(0, KEY_ROLE) == key:
                self.setCurrentItem(item)
                return
            found += 1

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

    def _group_item(self, level: str, key: str, items: list[Problem]) -> QTreeWidgetItem:
        heading = self._group_heading(key, level)
        text = (
            self.tr("%1 (%2)").replace("%1", heading).replace("%2", QLocale().toString(len(items)))
        )
        group = QTreeWidgetItem([text])
        font = QFont(self.font())
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
        font = QFont(self.font())
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
        item.setData(0, EXAMPLE_ID_ROLE, self.id_at(problem.line) or 0)
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
        example_id = self.id_at(position)
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
