"""An open project: the example list on the left, the side-by-side editor in the middle and the
check report on the right, wired to one ProjectDocument. Beside the examples, a second tab
lists the writer's choices between two replies (preference pairs), each edited in the middle
in place of an example."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSplitter, QStackedWidget, QTabWidget, QWidget

from fineauthor.ui.editor.example_editor import ExampleEditor
from fineauthor.ui.editor.example_list import ExampleListPanel
from fineauthor.ui.preferences.pair_editor import PairEditor
from fineauthor.ui.preferences.pair_panel import PairListPanel
from fineauthor.ui.preferences.pair_report import PairReportPanel
from fineauthor.ui.report.check_report import CheckReportPanel
from fineauthor.ui.shell.document import ProjectDocument

REPORT_WIDTH = 330  # the check report's width at 1280 × 800 and on larger screens


class ProjectView(QSplitter):
    """The three panes of an open project. Views talk to each other only through signals."""

    listChanged = Signal()  # noqa: N815  (the examples or the choices were turned to)

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.document = document
        self.examples = ExampleListPanel(document)
        self.editor = ExampleEditor(document)
        self.report = CheckReportPanel(document)
        self.pairs = PairListPanel(document)
        self.pair_editor = PairEditor(document)
        self.pair_report = PairReportPanel(document)
        self.lists = QTabWidget()
        self.lists.setDocumentMode(True)
        self.lists.addTab(self.examples, self.tr("Examples"))
        self.lists.addTab(self.pairs, self.tr("Choices"))
        self.lists.setTabToolTip(
            1, self.tr("The choices you made between two replies at the test bench")
        )
        self.lists.tabBar().setAccessibleName(self.tr("Your examples or your choices"))
        self.middle = QStackedWidget()
        self.middle.addWidget(self.editor)
        self.middle.addWidget(self.pair_editor)
        self.right = QStackedWidget()
        self.right.addWidget(self.report)
        self.right.addWidget(self.pair_report)
        self.lists.currentChanged.connect(self._list_changed)
        for pane in (self.lists, self.middle, self.right):
            self.addWidget(pane)
        self.setStretchFactor(0, 0)
        self.setStretchFactor(1, 1)
        self.setStretchFactor(2, 0)
        self.setSizes([250, 700, 330])  # at 1280 wide, the writing gets the room
        self.setChildrenCollapsible(False)
        self._divider_moved = False  # once the writer drags a divider, the widths are theirs
        self.splitterMoved.connect(self._divider_dragged)

        self.examples.currentExampleChanged.connect(self.editor.show_example)
        self.pairs.currentPairChanged.connect(self.pair_editor.show_pair)
        # The choices are read in the writer's font and zoom, as the examples are.
        self.pair_editor.set_prose_font(self.editor.prose_font)
        self.editor.fontChanged.connect(self.pair_editor.set_prose_font)
        self.pair_editor.zoomRequested.connect(self.editor.zoom_by)
        self.pair_report.pairRequested.connect(self.go_to_pair)
        document.pairsChanged.connect(self._count_pairs)
        self._count_pairs()
        self.report.exampleRequested.connect(self.go_to_example)
        self.report.statusesChanged.connect(self.examples.model.set_statuses)
        if document.count():
            # After the window is up, so opening a large project never waits for the editor.
            # Tied to the list, so it never fires if the project was closed first.
            QTimer.singleShot(0, self.examples, self._select_first)

    def shutdown(self) -> None:
        """Let go of the project before it closes: no pane reads from it after this."""
        self.examples.currentExampleChanged.disconnect(self.editor.show_example)
        self.pairs.currentPairChanged.disconnect(self.pair_editor.show_pair)
        self.report.stop()
        self.pair_report.stop()
        self.editor.show_example(None)
        self.pair_editor.show_pair(None)

    @property
    def showing_choices(self) -> bool:
        """Whether the writer is on the Choices tab (else the examples)."""
        return self.lists.currentWidget() is self.pairs

    def show_examples(self) -> None:
        """Turn to the examples."""
        self.lists.setCurrentWidget(self.examples)

    def set_report_shown(self, shown: bool) -> None:
        """Show or hide the right-hand pane: the check of the examples or of the choices."""
        self.right.setVisible(shown)

    def show_choices(self) -> None:
        """Turn to the writer's choices (preference pairs), the first one open."""
        self.lists.setCurrentWidget(self.pairs)
        if self.pairs.current_id() is None and self.pairs.model.rowCount():
            self.pairs.select_pair(self.pairs.model.id_at(0))

    def go_to_pair(self, pair_id: int) -> None:
        """Show one choice (from a finding of its check)."""
        self.lists.setCurrentWidget(self.pairs)
        self.pairs.select_pair(pair_id)

    def _list_changed(self, _index: int) -> None:
        choices = self.showing_choices
        self.middle.setCurrentWidget(self.pair_editor if choices else self.editor)
        self.right.setCurrentWidget(self.pair_report if choices else self.report)
        self.listChanged.emit()

    def _count_pairs(self) -> None:
        count = self.document.pair_count()
        self.lists.setTabText(1, self.tr("Choices ({count})").format(count=f"{count:,}"))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if not self._divider_moved:
            self._share_width()

    def _share_width(self) -> None:
        """The report gets about a quarter of the width, at most 330 px (its width at 1280),
        and never so much that the writing is squeezed on a small screen (264 px at 1024); the
        list keeps its width and the editor gets the rest."""
        sizes = self.sizes()
        if len(sizes) != 3 or not sum(sizes):
            return
        total = sum(sizes)
        share = self.width() * 258 // 1000
        report = min(REPORT_WIDTH, max(self.report.minimumSizeHint().width(), share))
        wanted = [sizes[0], total - sizes[0] - report, report]
        if wanted != sizes:  # setting the same sizes again still costs a relayout of every pane
            self.setSizes(wanted)

    def _divider_dragged(self) -> None:
        self._divider_moved = True

    def _select_first(self) -> None:
        if self.document.count():
            self.examples.select_example(self.document.id_at(0))

    def go_to_example(self, example_id: int, quote: str = "") -> None:
        """Show one example and, when given, the words a problem is about."""
        if example_id not in self.document.ids():
            return
        self.show_examples()
        self.examples.select_example(example_id)
        self.editor.show_example(example_id)
        if quote:
            self.editor.highlight(quote)
