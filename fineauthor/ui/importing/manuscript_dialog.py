"""Importing a manuscript: read it in the background, show it cut into chapters or scenes with
their lengths against the target, let the writer tick, merge and split them and word the prompt,
then add the ticked pieces as examples in one step that Ctrl+Z takes back."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    Qt,
    Slot,
)
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.dataset.example import Example
from fineauthor.core.dataset.summary import preview
from fineauthor.core.importers.manuscript.examples import piece_example, piece_prompt
from fineauthor.core.importers.manuscript.headings import is_scene_break
from fineauthor.core.importers.manuscript.paragraphs import Manuscript
from fineauthor.core.importers.manuscript.pieces import (
    CHAPTERS,
    SCENES,
    split,
)
from fineauthor.core.writing.prompt_template import placeholders
from fineauthor.ui.importing.base import ImportDialogBase
from fineauthor.ui.importing.emphasis_choice import EmphasisChoice, read_both
from fineauthor.ui.importing.pieces_model import PiecesModel
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.widgets.labels import bold

#: The wizard keeps the writer's usual user prompt under this key of the project's answers
#: (fineauthor.ui.wizard.draft.TEMPLATE).
WIZARD_TEMPLATE_KEY = "prompt_template"
#: Characters of a paragraph shown in the list of paragraphs.
PARAGRAPH_PREVIEW = 140


class ManuscriptImportDialog(ImportDialogBase):
    """Reads the manuscript at ``path`` as soon as it is made, then shows it in pieces.

    ``state`` is "reading", then "ready" or "unusable" (with ``problem`` saying why); "added"
    after the examples went in, "cancelled" if the writer left. ``template`` overrides the
    prompt template the project's wizard answers hold.
    """

    def __init__(
        self,
        document: ProjectDocument,
        path: Path,
        parent: QWidget | None = None,
        template: str | None = None,
    ) -> None:
        super().__init__(document, path, parent)
        self.manuscript: Manuscript | None = None
        self._readings: tuple[Manuscript, Manuscript | None] | None = None  # with, without emphasis
        settings = document.settings
        if template is None:
            stored = settings.wizard.get(WIZARD_TEMPLATE_KEY) if settings.wizard else None
            template = stored if isinstance(stored, str) else ""

        self.setSizeGripEnabled(True)
        self.model = PiecesModel(settings.target_words, settings.tolerance_words, self)
        self.model.changed.connect(self._pieces_changed)
        self._set_up(
            self.tr("Import a manuscript"),
            [
                # a manuscript is read in one go: no percentages
                self._reading_page(percent=False),
                self._problem_page(),
                self._pieces_page(template),
            ],
            self.tr("Add the ticked pieces as examples"),
            fit=False,
        )
        self.resize(560, 160)
        path = self.path
        self._read_in_background(
            lambda _progress, _cancelled: read_both(path), percent=False, stop_on_bug=True
        )

    # Pages -----------------------------------------------------------------------------------

    def _pieces_page(self, template: str) -> QWidget:
        page = QWidget()
        self.headline = bold(QLabel(wordWrap=True))
        self.headline.setAccessibleName(self.tr("What was found"))
        self.notes_label = QLabel(wordWrap=True)
        self.notes_label.setAccessibleName(self.tr("Notes on reading the file"))
        self.notes_label.hide()

        level_row = self._level_row()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._pieces_panel())
        splitter.addWidget(self._paragraphs_panel())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)

        self._prompt_widgets(template)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.headline)
        layout.addWidget(self.notes_label)
        layout.addLayout(level_row)
        self.emphasis_check = EmphasisChoice()
        self.emphasis_check.toggled.connect(self._emphasis_changed)
        layout.addWidget(self.emphasis_check)
        layout.addWidget(splitter, 1)
        layout.addSpacing(6)
        layout.addWidget(self.prompt_label)
        layout.addWidget(self.template_edit)
        layout.addWidget(self.gaps_hint)
        layout.addWidget(self.prompt_preview)
        layout.addWidget(self.where_label)
        return page

    def _level_row(self) -> QHBoxLayout:
        """Chapters or scenes."""
        self.chapters_radio = QRadioButton(self.tr("Chapters"))
        self.chapters_radio.setToolTip(self.tr("A new piece starts at every heading."))
        self.scenes_radio = QRadioButton(self.tr("Scenes"))
        self.scenes_radio.setToolTip(
            self.tr("A new piece starts at every heading and at every scene break (***, #, ~).")
        )
        self.chapters_radio.setChecked(True)
        self.level_group = QButtonGroup(self)
        self.level_group.addButton(self.chapters_radio)
        self.level_group.addButton(self.scenes_radio)
        self.chapters_radio.toggled.connect(self._level_changed)
        level_row = QHBoxLayout()
        level_row.addWidget(QLabel(self.tr("Cut into:")))
        level_row.addWidget(self.chapters_radio)
        level_row.addWidget(self.scenes_radio)
        level_row.addSpacing(12)
        self.level_hint = QLabel(wordWrap=True)
        self.level_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # a hint
        level_row.addWidget(self.level_hint, 1)
        return level_row

    def _pieces_panel(self) -> QWidget:
        """The pieces, ticked or not, and what can be done with them."""
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Pieces of the manuscript"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(PiecesModel.TITLE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(PiecesModel.LENGTH, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PiecesModel.BEGINS, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(PiecesModel.TITLE, 230)
        self.table.selectionModel().currentRowChanged.connect(self._piece_chosen)
        self.merge_button = QPushButton(self.tr("Merge with next"))
        self.merge_button.setToolTip(
            self.tr("Join the chosen piece and the one after it into one example.")
        )
        self.merge_button.clicked.connect(self.merge_chosen)
        self.tick_all_button = QPushButton(self.tr("Tick all"))
        self.tick_all_button.clicked.connect(lambda: self.model.set_all_kept(True))
        self.untick_all_button = QPushButton(self.tr("Untick all"))
        self.untick_all_button.clicked.connect(lambda: self.model.set_all_kept(False))
        table_buttons = QHBoxLayout()
        table_buttons.addWidget(self.merge_button)
        table_buttons.addStretch()
        table_buttons.addWidget(self.tick_all_button)
        table_buttons.addWidget(self.untick_all_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table)
        left_layout.addLayout(table_buttons)
        return left

    def _paragraphs_panel(self) -> QWidget:
        """The chosen piece's paragraphs, to split it at one."""
        self.paragraphs_label = QLabel(wordWrap=True)
        self.paragraphs = QListWidget()
        self.paragraphs.setAccessibleName(self.tr("Paragraphs of the chosen piece"))
        self.paragraphs.setWordWrap(True)
        # Wrapped rows are measured again when the width changes.
        self.paragraphs.setResizeMode(QListView.ResizeMode.Adjust)
        self.paragraphs.setStyleSheet("QListWidget::item { padding: 4px 2px; }")  # apart
        self.paragraphs.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.paragraphs.setAlternatingRowColors(True)
        self.paragraphs.currentRowChanged.connect(self._update_buttons)
        self.split_button = QPushButton(self.tr("Split here"))
        self.split_button.setToolTip(
            self.tr("Start a new piece at the chosen paragraph; the text before it stays.")
        )
        self.split_button.clicked.connect(self.split_chosen)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.paragraphs_label)
        right_layout.addWidget(self.paragraphs)
        split_row = QHBoxLayout()
        split_row.addStretch()
        split_row.addWidget(self.split_button)
        right_layout.addLayout(split_row)
        return right

    def _prompt_widgets(self, template: str) -> None:
        """The prompt template and a preview of the first prompt."""
        self.prompt_label = QLabel(self.tr("Prompt for each example (the piece is the response):"))
        self.template_edit = QPlainTextEdit(template)
        self.template_edit.setAccessibleName(self.tr("Prompt template"))
        self.template_edit.setPlaceholderText(
            self.tr("For example: Write {chapter} of my novel, about 2,000 words.")
        )
        self.template_edit.setTabChangesFocus(True)
        metrics = self.template_edit.fontMetrics()
        self.template_edit.setFixedHeight(metrics.lineSpacing() * 3 + 16)
        self.template_edit.textChanged.connect(self._update_prompt_preview)
        self.prompt_label.setBuddy(self.template_edit)
        self.gaps_hint = QLabel(
            self.tr(
                "{chapter} or {title} is filled with each piece’s title, {scene} with its "
                "scene number, {number} with its place in the list. Other gaps, such as "
                "{beat}, stay for you to fill in. Leave it empty to write every prompt yourself."
            ),
            wordWrap=True,
        )
        self.gaps_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.prompt_preview = QLabel(wordWrap=True)
        self.prompt_preview.setAccessibleName(self.tr("The first prompt"))
        self.prompt_preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.prompt_preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.prompt_preview.setMargin(6)
        self.where_label = QLabel(wordWrap=True)
        self.where_label.setAccessibleName(self.tr("Where the examples will go"))

    # Reading ---------------------------------------------------------------------------------

    def _read(self, readings: tuple[Manuscript, Manuscript | None]) -> None:
        self._readings = readings
        self.manuscript = manuscript = readings[0]
        self.emphasis_check.offer(readings[1])
        self.state = "ready"
        if manuscript.notes:
            self.notes_label.setText("\n".join(manuscript.notes))
            self.notes_label.show()
        has_breaks = manuscript.scene_breaks > 0
        self.scenes_radio.setEnabled(has_breaks or manuscript.headings > 0)
        if not has_breaks:
            self.scenes_radio.setToolTip(
                self.tr("No scene breaks (***, #, ~) were found, so scenes are the chapters.")
            )
        self._cut()
        self.where_label.setText(
            self._where_text(
                self.tr(
                    "The ticked pieces go at the end of “{title}” and are saved at once. "
                    "To take them all back, use Undo ({undo})."
                )
            )
        )
        self.add_button.show()
        self.pages.setCurrentIndex(2)
        self._fit_to_screen()
        self.table.setFocus()

    def _fit_to_screen(self) -> None:
        """Big enough to read the pieces and their paragraphs, never bigger than the screen."""
        width, height = 1100, 720
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width() - 40), min(height, room.height() - 40)
        self.resize(width, height)

    # Cutting, merging, splitting -------------------------------------------------------------

    @property
    def level(self) -> str:
        return CHAPTERS if self.chapters_radio.isChecked() else SCENES

    def set_level(self, level: str) -> None:
        """Cut by chapters or by scenes (this undoes merges and splits made so far)."""
        (self.chapters_radio if level == CHAPTERS else self.scenes_radio).setChecked(True)

    @Slot(bool)
    def _level_changed(self, _checked: bool) -> None:
        if self.manuscript is not None:
            self._cut()

    @Slot(bool)
    def _emphasis_changed(self, keep: bool) -> None:
        """The same pieces, with or without italics and bold (ticks kept if nothing was merged
        or split)."""
        if self._readings is not None and self._readings[1] is not None:
            self.manuscript = self._readings[0 if keep else 1]
            kept = [self.model.is_kept(row) for row in range(self.model.rowCount())]
            self._cut()
            if len(kept) == self.model.rowCount():
                self.model.set_pieces(self.model.pieces(), kept)

    def _cut(self) -> None:
        assert self.manuscript is not None
        stem = Path(self.manuscript.name).stem
        self.model.set_pieces(split(self.manuscript.paragraphs, self.level, stem))
        if self.level == CHAPTERS:
            hint = self.tr("A new piece starts at every heading.")
        else:
            hint = self.tr("A new piece starts at every heading and every scene break.")
        hint += " " + self.tr("Tick the pieces to add; very short ones start unticked.")
        self.level_hint.setText(hint)
        self.choose_piece(0)

    def choose_piece(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.table.selectRow(row)
            self.table.setCurrentIndex(self.model.index(row, PiecesModel.TITLE))
        else:
            self._show_paragraphs(-1)

    def chosen_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    @Slot(QModelIndex, QModelIndex)
    def _piece_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_paragraphs(current.row() if current.isValid() else -1)

    def _show_paragraphs(self, row: int) -> None:
        self.paragraphs.clear()
        if row < 0:
            self.paragraphs_label.setText(self.tr("Choose a piece to see its paragraphs."))
            self._update_buttons()
            return
        piece = self.model.piece(row)
        self.paragraphs_label.setText(
            self.tr(
                "Paragraphs of “{title}”. To cut it in two, choose where the second part "
                "starts and press Split here."
            ).format(title=piece.title)
        )
        for number, text in enumerate(piece.paragraphs, start=1):
            line = " ".join(text[: PARAGRAPH_PREVIEW + 40].split())
            if len(line) > PARAGRAPH_PREVIEW:
                line = line[:PARAGRAPH_PREVIEW].rstrip() + "…"
            if is_scene_break(text):
                line = self.tr("{marker}   (scene break)").format(marker=line)
            item = QListWidgetItem(f"{number}. {line}")
            item.setToolTip(preview(text))
            self.paragraphs.addItem(item)
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        row = self.chosen_row()
        self.merge_button.setEnabled(0 <= row < self.model.rowCount() - 1)
        self.split_button.setEnabled(row >= 0 and self.paragraphs.currentRow() > 0)

    @Slot()
    def merge_chosen(self) -> None:
        """Merge the chosen piece with the next one."""
        row = self.chosen_row()
        if 0 <= row < self.model.rowCount() - 1:
            self.model.merge_with_next(row)
            self.choose_piece(row)

    def choose_paragraph(self, number: int) -> None:
        """Choose the paragraph (0-based) where a split would start the second part."""
        self.paragraphs.setCurrentRow(number)

    @Slot()
    def split_chosen(self) -> None:
        """Split the chosen piece before its chosen paragraph."""
        row, paragraph = self.chosen_row(), self.paragraphs.currentRow()
        if row >= 0 and 0 < paragraph < len(self.model.piece(row).paragraphs):
            self.model.split(row, paragraph)
            self.choose_piece(row + 1)

    # Counting and the prompt -----------------------------------------------------------------

    @Slot()
    def _pieces_changed(self) -> None:
        pieces = self.model.pieces()
        kept = self.model.kept()
        if self.manuscript is not None:
            words = f"{self.manuscript.words:,}"
            if self.level == CHAPTERS:
                found = (
                    self.tr("1 chapter")
                    if len(pieces) == 1
                    else self.tr("{count} chapters").format(count=f"{len(pieces):,}")
                )
            else:
                found = (
                    self.tr("1 scene")
                    if len(pieces) == 1
                    else self.tr("{count} scenes").format(count=f"{len(pieces):,}")
                )
            self.headline.setText(
                self.tr("“{name}”: {found}, {words} words in all; {kept} ticked to add.").format(
                    name=self.manuscript.name, found=found, words=words, kept=f"{len(kept):,}"
                )
            )
        count = len(kept)
        self.add_button.setText(self._add_text(count))
        self.add_button.setEnabled(count > 0)
        self._update_prompt_preview()
        self._update_buttons()

    def template(self) -> str:
        return self.template_edit.toPlainText()

    @Slot()
    def _update_prompt_preview(self) -> None:
        kept = self.model.kept()
        template = self.template()
        if not template.strip():
            text = self.tr("Prompts start empty: you write each one in the editor.")
        elif not kept:
            text = self.tr("Tick a piece to see its prompt.")
        else:
            prompt = piece_prompt(kept[0], template)
            text = self.tr("First prompt: {prompt}").format(prompt=prompt)
            left = placeholders(prompt)  # the filled ones are gone: what is left is the writer's
            if left:
                gaps = ", ".join("{" + name + "}" for name in left)
                text += "\n" + self.tr("Left for you to fill in each example: {gaps}").format(
                    gaps=gaps
                )
        self.prompt_preview.setText(text)

    def examples(self) -> list[Example]:
        """The ticked pieces as examples, with the project's system prompt."""
        template = self.template()
        system = self.document.settings.system_prompt
        return [
            piece_example(piece, template, self.path.name, system) for piece in self.model.kept()
        ]

    # Adding ----------------------------------------------------------------------------------

    @Slot()
    def add_examples(self) -> None:
        """Add the ticked pieces as examples, as one undo step, and close."""
        if self.state == "ready":
            self._add(self.examples(), self.where_label)
