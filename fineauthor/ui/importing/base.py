"""What the import dialogs (and the export dialog) share: work read or written in the background
with a progress bar that appears only if it takes a while and Cancel that stops it; the page
stack; the "Reading…" and "This file can’t be imported" pages; the Add and Cancel buttons; and
adding the examples as one step that Undo takes back.

Each dialog keeps only what is its own: what it reads, and how it shows the choice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.dataset.example import Example
from fineauthor.core.errors import FineAuthorError
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.shell.workers import Task, Work, run_in_background
from fineauthor.ui.widgets.labels import bold

#: Work that takes longer than this shows a progress bar (DESIGN §9).
PROGRESS_DELAY_MS = 500


class PageStack(QWidget):
    """Pages one at a time, like QStackedWidget, but sized by the page shown only (hidden
    pages take no room, so a short result does not sit in a tall window)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._pages: list[QWidget] = []
        self._current = -1

    def addWidget(self, page: QWidget) -> int:  # noqa: N802  (QStackedWidget's name)
        self._pages.append(page)
        self._layout.addWidget(page)
        page.setVisible(len(self._pages) == 1)
        self._current = max(self._current, 0)
        return len(self._pages) - 1

    def indexOf(self, page: QWidget) -> int:  # noqa: N802
        return self._pages.index(page) if page in self._pages else -1

    def currentIndex(self) -> int:  # noqa: N802
        return self._current

    def setCurrentIndex(self, index: int) -> None:  # noqa: N802
        self._current = index
        for number, page in enumerate(self._pages):
            page.setVisible(number == index)


def show_page(pages: PageStack, index: int) -> None:
    """Show one page and fit the window to it."""
    pages.setCurrentIndex(index)
    window = pages.window()
    layout = window.layout()
    if layout is not None:
        layout.invalidate()
        layout.activate()
    window.adjustSize()
    if layout is not None and layout.hasHeightForWidth():  # wrapped text: fit its real width
        window.resize(window.width(), layout.totalHeightForWidth(window.width()))


def progress_page(
    text: str, bar_name: str, *, percent: bool
) -> tuple[QWidget, QLabel, QProgressBar]:
    """A page saying what is being done, with a progress bar hidden until the work is slow.
    Without ``percent`` the bar only shows that something is going on."""
    page = QWidget()
    label = QLabel(text, wordWrap=True)
    bar = QProgressBar()
    bar.setRange(0, 100 if percent else 0)
    bar.setAccessibleName(bar_name)
    bar.hide()  # shown only if the work takes a while
    layout = QVBoxLayout(page)
    layout.addWidget(label)
    layout.addWidget(bar)
    layout.addStretch()
    return page, label, bar


def undo_keys() -> str:
    """The Undo shortcut as this system writes it (Ctrl+Z, ⌘Z)."""
    return QKeySequence(QKeySequence.StandardKey.Undo).toString(
        QKeySequence.SequenceFormat.NativeText
    )


class BackgroundDialog(QDialog):
    """A dialog whose work runs off the GUI thread. Its progress bar shows only if the work takes
    more than PROGRESS_DELAY_MS; Cancel or closing the window stops the work and sets ``state``
    to "cancelled". Subclasses make ``progress_bar`` (``progress_page``) and call ``_lay_out``."""

    state: str
    progress_bar: QProgressBar

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._task: Task | None = None

    def _run(
        self,
        work: Work,
        on_success: Callable[[Any], None],
        on_failure: Callable[[str], None],
        *,
        percent: bool,
        delay_ms: int | None = None,
    ) -> Task:
        """Start ``work``; with ``percent`` its progress fills the bar."""
        self._task = run_in_background(
            work,
            on_success=on_success,
            on_failure=on_failure,
            on_progress=self.progress_bar.setValue if percent else None,
        )
        delay = PROGRESS_DELAY_MS if delay_ms is None else delay_ms
        QTimer.singleShot(delay, self, self._show_progress)
        return self._task

    def _lay_out(self, pages: Sequence[QWidget], action: QPushButton, cancel_name: str) -> None:
        """``pages``, shown one at a time in ``self.pages``, above the buttons: ``action`` (the
        default) and Cancel (``cancel_button``, named ``cancel_name`` for screen readers)."""
        self.pages = PageStack()
        for page in pages:
            self.pages.addWidget(page)
        self.buttons = QDialogButtonBox()
        action.setDefault(True)
        self.buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName(cancel_name)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.buttons)

    @Slot()
    def _show_progress(self) -> None:
        if self._task is not None:  # still working
            self.progress_bar.show()

    def _close_only(self, hide: QPushButton) -> None:
        """The work is over: ``hide`` goes, and Cancel becomes Close."""
        hide.hide()
        self.cancel_button.setText(self.tr("Close"))
        self.cancel_button.setAccessibleName(self.tr("Close"))
        self.cancel_button.setFocus()

    def reject(self) -> None:
        """Cancel: stop the work if it is still going (nothing is added, nothing left behind)."""
        self._stop()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._stop()
        super().closeEvent(event)

    def _stop(self) -> None:
        if self._task is not None:
            self.state = "cancelled"
            self._task.cancel()
            self._task = None


class ImportDialogBase(BackgroundDialog):
    """Reads ``path`` in the background as soon as it is made, then shows what can be added to
    ``document`` and adds it as one undo step.

    ``state`` is "reading", then what the dialog makes of the file ("ready", "empty",
    "unusable" with ``problem`` saying why), "added" after Add, "cancelled" if the writer left.
    Adding emits ``examplesAdded`` with the new ids.

    A subclass builds its pages (the first from ``_reading_page``), calls ``_set_up`` and
    ``_read_in_background``, and fills in ``_read`` and ``add_examples``.
    """

    examplesAdded = Signal(list)  # noqa: N815  (new example ids)

    def __init__(
        self, document: ProjectDocument, path: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.path = Path(path)
        self.state = "reading"
        self.problem = ""
        self.added_ids: list[int] = []

    def _set_up(
        self, title: str, pages: Sequence[QWidget], add_name: str, *, fit: bool = True
    ) -> None:
        """The window's title, its pages and the Add and Cancel buttons; the first page shown
        (and the window fitted to it, with ``fit``)."""
        self.setWindowTitle(title)
        self.setAccessibleName(title)

        self.add_button = QPushButton(self.tr("Add examples"))
        self.add_button.setAccessibleName(add_name)
        self.add_button.clicked.connect(self.add_examples)
        self._lay_out(pages, self.add_button, self.tr("Cancel the import"))
        self.add_button.hide()  # after addButton, which shows it; offered once reading is done
        if fit:
            show_page(self.pages, 0)
        else:
            self.pages.setCurrentIndex(0)

    # Pages -----------------------------------------------------------------------------------

    def _reading_page(self, text: str | None = None, *, percent: bool) -> QWidget:
        """“Reading “name”…”, with ``reading_label`` and ``progress_bar``."""
        if text is None:
            text = self.tr("Reading “{name}”…").format(name=self.path.name)
        page, self.reading_label, self.progress_bar = progress_page(
            text, self.tr("Reading progress"), percent=percent
        )
        return page

    def _problem_page(self, why_name: str | None = None) -> QWidget:
        """The page that says why nothing can be imported: ``problem_headline`` and
        ``problem_label`` (named ``why_name`` for screen readers)."""
        self.problem_page = QWidget()
        self.problem_headline = bold(QLabel(self.tr("This file can’t be imported."), wordWrap=True))
        self.problem_label = QLabel(wordWrap=True)
        self.problem_label.setAccessibleName(why_name or self.tr("Why the file can’t be imported"))
        self.problem_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self.problem_page)
        layout.addWidget(self.problem_headline)
        layout.addWidget(self.problem_label)
        layout.addStretch()
        return self.problem_page

    def _show_problem(self, headline: str, text: str) -> None:
        """The problem page: ``headline``, ``text``, nothing added; only Close is left."""
        self.problem_headline.setText(headline)
        self.problem_label.setText(text + "\n\n" + self.tr("Nothing was added to your project."))
        self._close_only(self.add_button)
        show_page(self.pages, self.pages.indexOf(self.problem_page))

    # Reading ---------------------------------------------------------------------------------

    def _read_in_background(
        self, work: Work, *, percent: bool, stop_on_bug: bool = False, delay_ms: int | None = None
    ) -> None:
        """Start reading; ``_read`` gets what ``work`` returns, unless the writer cancelled.
        With ``stop_on_bug`` a bug in ``work`` (reported in the error dialog) also ends the
        reading, with a plain message, instead of leaving "Reading…" up."""
        task = self._run(work, self._reading_done, self._failed, percent=percent, delay_ms=delay_ms)
        if stop_on_bug:
            task.crashed.connect(
                lambda _info: self._failed(self.tr("Something went wrong while reading the file."))
            )

    @Slot(object)
    def _reading_done(self, result: object) -> None:
        self._task = None
        if self.state == "cancelled":  # finished just as the writer cancelled
            return
        self._read(result)

    def _read(self, result: Any) -> None:
        """Show what was read (the subclass's part)."""
        raise NotImplementedError

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._task = None
        if self.state == "cancelled":
            return
        self.state = "unusable"
        self.problem = message
        self._show_unusable(message)

    def _show_unusable(self, message: str) -> None:
        """Say that the file can't be imported, and why."""
        self._show_problem(self.tr("This file can’t be imported."), message)

    # Texts -----------------------------------------------------------------------------------

    def _ready_text(self, count: int) -> str:
        if count == 1:
            return self.tr("1 example is ready to add.")
        return self.tr("{count} examples are ready to add.").format(count=f"{count:,}")

    def _add_text(self, count: int) -> str:
        if count == 1:
            return self.tr("Add 1 example")
        return self.tr("Add {count} examples").format(count=f"{count:,}")

    def _where_text(self, text: str | None = None) -> str:
        """Where the examples go and how to take them back: ``text`` with {title} and {undo}."""
        if text is None:
            text = self.tr(
                "They go at the end of “{title}” and are saved at once. "
                "To take them all back, use Undo ({undo})."
            )
        return text.format(title=self.document.title, undo=undo_keys())

    # Adding ----------------------------------------------------------------------------------

    @Slot()
    def add_examples(self) -> None:
        """Add what was chosen, as one undo step, and close (the subclass's part: ``_add``)."""
        raise NotImplementedError

    def _add(self, examples: Sequence[Example], say: QLabel) -> None:
        """Add ``examples`` as one undo step and close; a write failure is told in ``say``."""
        if not examples:
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.added_ids = self.document.import_examples(examples)
        except FineAuthorError as problem:  # the document reports write failures itself
            say.setText(str(problem))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.state = "added"
        self.examplesAdded.emit(self.added_ids)
        self.accept()
