"""An open project: the example list on the left, the side-by-side editor in the middle and the
check report on the right, wired to one ProjectDocument."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QSplitter, QWidget

from fineauthor.ui.editor.example_editor import ExampleEditor
from fineauthor.ui.editor.example_list import ExampleListPanel
from fineauthor.ui.report.check_report import CheckReportPanel
from fineauthor.ui.shell.document import ProjectDocument


class ProjectView(QSplitter):
    """The three panes of an open project. Views talk to each other only through signals."""

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.document = document
        self.examples = ExampleListPanel(document)
        self.editor = ExampleEditor(document)
        self.report = CheckReportPanel(document)
        for pane in (self.examples, self.editor, self.report):
            self.addWidget(pane)
        self.setStretchFactor(0, 0)
        self.setStretchFactor(1, 1)
        self.setStretchFactor(2, 0)
        self.setSizes([250, 700, 330])  # at 1280 wide, the writing gets the room
        self.setChildrenCollapsible(False)

        self.examples.currentExampleChanged.connect(self.editor.show_example)
        self.report.exampleRequested.connect(self.go_to_example)
        self.report.statusesChanged.connect(self.examples.model.set_statuses)
        if document.count():
            # After the window is up, so opening a large project never waits for the editor.
            # Tied to the list, so it never fires if the project was closed first.
            QTimer.singleShot(0, self.examples, self._select_first)

    def shutdown(self) -> None:
        """Let go of the project before it closes: no pane reads from it after this."""
        self.examples.currentExampleChanged.disconnect(self.editor.show_example)
        self.report.stop()
        self.editor.show_example(None)

    def _select_first(self) -> None:
        if self.document.count():
            self.examples.select_example(self.document.id_at(0))

    def go_to_example(self, example_id: int, quote: str = "") -> None:
        """Show one example and, when given, the words a problem is about."""
        if example_id not in self.document.ids():
            return
        self.examples.select_example(example_id)
        self.editor.show_example(example_id)
        if quote:
            self.editor.highlight(quote)
