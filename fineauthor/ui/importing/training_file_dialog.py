"""Importing a training file: read it in the background, say in plain words what will come in
and what was skipped (by line number), then add everything as one step that Ctrl+Z takes back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QListWidget, QVBoxLayout, QWidget

from fineauthor.core.dataset.example import Example
from fineauthor.core.dataset.preference_pair import PreferencePair
from fineauthor.core.dataset.problems import Problem
from fineauthor.core.errors import FineAuthorError
from fineauthor.core.importers.preference_file import is_preference_file, preference_pairs
from fineauthor.core.importers.training_file import ImportSummary, jsonl_examples
from fineauthor.core.project.project import Cancelled
from fineauthor.ui.importing.base import PROGRESS_DELAY_MS, ImportDialogBase, show_page
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.widgets.labels import bold
from fineauthor.ui.widgets.plurals import plural

#: Lines listed one by one in the summary; beyond this the list says how many more.
LISTED_LINES = 200
#: Rows a list shows before it scrolls.
VISIBLE_ROWS = 8
_CHUNK = 1 << 20
_NOTE = re.compile(r"^Line (\d+): (.*)$", re.DOTALL)


@dataclass
class ReadResult:
    """What a training file holds: the usable examples (or, for a file of preference pairs,
    the usable choices), and an account of the rest."""

    examples: list[Example]
    summary: ImportSummary
    pairs: list[PreferencePair] | None = None  # None: the file holds examples


def count_lines(path: Path) -> int:
    """The number of lines in ``path`` (0 if it cannot be read: the reader will say why)."""
    lines = 0
    last = b"\n"
    try:
        with Path(path).open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        return 0
    return lines + (last != b"\n")


def read_examples(
    path: Path, progress: Callable[[int], None], cancelled: Callable[[], bool]
) -> ReadResult:
    """Read every usable example of ``path``; ``progress`` gets whole percents of its lines.

    Raises DatasetError for a file that is not a training file at all, and Cancelled when
    ``cancelled()`` turns true.
    """
    total = max(1, count_lines(path))
    shown = -1

    def on_line(number: int) -> None:
        nonlocal shown
        if cancelled():
            raise Cancelled("Stopped. Nothing was added.")
        percent = min(100, number * 100 // total)
        if percent != shown:  # at most 101 signals, however long the file
            shown = percent
            progress(percent)

    summary = ImportSummary()
    if is_preference_file(Path(path)):
        return ReadResult([], summary, list(preference_pairs(Path(path), summary, on_line)))
    examples = list(jsonl_examples(Path(path), summary, on_line))
    return ReadResult(examples, summary)


class ImportDialog(ImportDialogBase):
    """Reads ``path`` as soon as it is made, then shows what will be added to ``document``.

    ``state`` is "reading", then "ready" (examples to add), "empty" (none usable) or
    "unusable" (not a training file). Adding emits ``examplesAdded`` with the new ids, or for a
    file of preference pairs ``choicesAdded`` with the new pairs' ids.
    """

    choicesAdded = Signal(list)  # noqa: N815

    def __init__(
        self, document: ProjectDocument, path: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(document, path, parent)
        self.read_result: ReadResult | None = None
        self.setMinimumWidth(520)
        self._set_up(
            self.tr("Import examples"),
            [self._reading_page(percent=True), self._summary_page()],
            self.tr("Add the examples to the project"),
        )
        path = self.path
        self._read_in_background(
            lambda progress, cancelled: read_examples(path, progress, cancelled),
            percent=True,
            delay_ms=PROGRESS_DELAY_MS,  # looked up here: this module's, as tests set it
        )

    # Pages -----------------------------------------------------------------------------------

    def _summary_page(self) -> QWidget:
        page = QWidget()
        self.headline = bold(QLabel(wordWrap=True))
        self.headline.setAccessibleName(self.tr("Import summary"))
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.skipped_list = QListWidget()
        self.skipped_list.setAccessibleName(self.tr("Skipped lines"))
        self.skipped_list.setWordWrap(True)
        self.skipped_list.setAlternatingRowColors(True)
        self.skipped_list.hide()
        self.notes_label = QLabel(
            self.tr("Some details were left out, because training files don’t use them:"),
            wordWrap=True,
        )
        self.notes_list = QListWidget()
        self.notes_list.setAccessibleName(self.tr("Details left out"))
        self.notes_list.setWordWrap(True)
        self.notes_list.hide()
        self.notes_label.hide()
        self.where_label = QLabel(wordWrap=True)
        self.where_label.setAccessibleName(self.tr("Where the examples will go"))
        layout = QVBoxLayout(page)
        layout.addWidget(self.headline)
        layout.addWidget(self.skipped_list)
        layout.addSpacing(6)
        layout.addWidget(self.notes_label)
        layout.addWidget(self.notes_list)
        layout.addSpacing(6)
        layout.addWidget(self.where_label)
        layout.addStretch()
        return page

    # Reading ---------------------------------------------------------------------------------

    def _read(self, result: ReadResult) -> None:
        self.read_result = result
        choices = result.pairs is not None
        count = len(result.pairs) if result.pairs is not None else len(result.examples)
        if choices:
            self.setWindowTitle(self.tr("Import choices"))
        skipped = result.summary.skipped
        self.state = "ready" if count else "empty"
        self.headline.setText(self._headline(count, len(skipped)))
        self._fill(self.skipped_list, [self._line_text(problem) for problem in skipped])
        self.skipped_list.setVisible(bool(skipped))
        notes = self._grouped_notes(result.summary.notes)
        self._fill(self.notes_list, notes)
        self.notes_label.setVisible(bool(notes))
        self.notes_list.setVisible(bool(notes))
        if count:
            self.where_label.setText(
                self._where_text(
                    self.tr(
                        "They go at the end of the choices in “{title}” (the Choices tab) and "
                        "are saved at once. To take them all back, use Undo ({undo})."
                    )
                    if choices
                    else None
                )
            )
            self.add_button.setText(
                plural(count, self.tr("Add 1 choice"), self.tr("Add {count} choices"))
                if choices
                else self._add_text(count)
            )
            self.add_button.show()
            self.add_button.setFocus()
        else:
            self.where_label.setText(self.tr("Nothing was added to your project."))
            self._close_only(self.add_button)
        show_page(self.pages, 1)

    def _show_unusable(self, message: str) -> None:
        """On the summary page: its headline says so, and where the examples would go, why."""
        self.headline.setText(self.tr("This file can’t be imported."))
        self.skipped_list.hide()
        self.notes_label.hide()
        self.notes_list.hide()
        self.where_label.setText(message + "\n\n" + self.tr("Nothing was added to your project."))
        self._close_only(self.add_button)
        show_page(self.pages, 1)

    def _headline(self, count: int, skipped: int) -> str:
        choices = self.read_result is not None and self.read_result.pairs is not None
        if count == 0:
            ready = (
                self.tr("No choices could be read from “{name}”.")
                if choices
                else self.tr("No examples could be read from “{name}”.")
            ).format(name=self.path.name)
        elif choices:
            ready = plural(
                count,
                self.tr("1 choice between two replies is ready to add."),
                self.tr("{count} choices between two replies are ready to add."),
            )
        else:
            ready = self._ready_text(count)
        if skipped == 0:
            return ready
        if skipped == 1:
            return ready + " " + self.tr("1 line was skipped:")
        return ready + " " + self.tr("{count} lines were skipped:").format(count=f"{skipped:,}")

    def _fill(self, widget: QListWidget, lines: list[str]) -> None:
        widget.clear()
        widget.addItems(lines[:LISTED_LINES])
        if len(lines) > LISTED_LINES:
            widget.addItem(
                self.tr("…and {count} more.").format(count=f"{len(lines) - LISTED_LINES:,}")
            )
        self._fit_list(widget)

    def _fit_list(self, widget: QListWidget) -> None:
        """As tall as its first VISIBLE_ROWS lines wrapped at the list's width; more scroll."""
        width = widget.viewport().width() if widget.isVisible() else 0
        if width < 100:
            width = self.width() - 60
        metrics = widget.fontMetrics()
        flags = int(Qt.TextFlag.TextWordWrap)
        height = 0
        for row in range(min(widget.count(), VISIBLE_ROWS)):
            text = widget.item(row).text()
            height += metrics.boundingRect(0, 0, width - 8, 100_000, flags, text).height() + 2
        widget.setFixedHeight(max(height, metrics.height()) + 2 * widget.frameWidth() + 10)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        for widget in (self.skipped_list, self.notes_list):
            if widget.count():
                self._fit_list(widget)

    def _line_text(self, problem: Problem) -> str:
        """A skipped line as the list shows it: the problem's message, which names its line."""
        if problem.line is not None and not problem.message.startswith(f"Line {problem.line}"):
            return self.tr("Line {line}: {reason}").format(
                line=problem.line, reason=problem.message
            )
        return problem.message

    def _grouped_notes(self, notes: list[str]) -> list[str]:
        """Notes that say the same thing about many lines, said once with the lines listed."""
        lines_by_reason: dict[str, list[str]] = {}
        for note in notes:
            match = _NOTE.match(note)
            if match is None:
                lines_by_reason.setdefault(note, [])
                continue
            lines_by_reason.setdefault(match.group(2), []).append(match.group(1))
        grouped = []
        for reason, lines in lines_by_reason.items():
            if not lines:
                grouped.append(reason)
            elif len(lines) == 1:
                grouped.append(
                    self.tr("Line {line}: {reason}").format(line=lines[0], reason=reason)
                )
            elif len(lines) <= 5:
                grouped.append(
                    self.tr("Lines {lines} and {last}: {reason}").format(
                        lines=", ".join(lines[:-1]), last=lines[-1], reason=reason
                    )
                )
            else:
                grouped.append(
                    self.tr("Lines {lines} and {more} more: {reason}").format(
                        lines=", ".join(lines[:3]), more=f"{len(lines) - 3:,}", reason=reason
                    )
                )
        return grouped

    # Adding ----------------------------------------------------------------------------------

    @Slot()
    def add_examples(self) -> None:
        """Add every example (or choice) read, as one undo step, and close."""
        if self.read_result is None:
            return
        if self.read_result.pairs is None:
            self._add(self.read_result.examples, self.where_label)
            return
        try:
            pairs = self.read_result.pairs
            undo_text = plural(
                len(pairs), self.tr("Import 1 choice"), self.tr("Import {count} choices")
            )
            ids = self.document.add_pairs(pairs, undo_text)
        except FineAuthorError as problem:  # the document reports write failures itself
            self.where_label.setText(str(problem))
            return
        self.state = "added"
        self.choicesAdded.emit(ids)
        self.accept()
