"""Export for training: write the project's examples as the file a training service takes,
optionally holding some back as a validation file, in the background and atomically. A file
can be written for any service, even one that takes no new training any more; the note says so."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset.export import (
    DEFAULT_SEED,
    MIN_EXAMPLES_FOR_VALIDATION,
    VALIDATION_PERCENT_DEFAULT,
    VALIDATION_PERCENT_MAX,
    VALIDATION_PERCENT_MIN,
    ExportResult,
    export_dataset,
    provider_format,
    validation_path_for,
)
from fineauthor.ui.importing.base import BackgroundDialog, progress_page, show_page
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.widgets.labels import bold
from fineauthor.ui.widgets.price_words import day_text

#: Where the dialog reads the day (tests set a fixed one).
clock: Callable[[], date] = date.today

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')


def default_file_name(title: str) -> str:
    """A file name made from the project's title: characters no system allows replaced."""
    name = _UNSAFE.sub("-", title).strip(" .-")
    return (name or "training examples") + ".jsonl"


class ExportDialog(BackgroundDialog):
    """Choose the service, an optional validation split and the file; then write it.

    ``state`` is "choosing", "writing", "done" or "failed". ``export_result`` holds the
    :class:`ExportResult` once written; ``exported`` carries it too.
    """

    exported = Signal(object)  # ExportResult

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.state = "choosing"
        self.export_result: ExportResult | None = None
        self._confirmed: Path | None = None  # a path the file dialog already asked about
        self._count = document.count()

        self.setWindowTitle(self.tr("Export for training"))
        self.setAccessibleName(self.tr("Export for training"))
        self.setMinimumWidth(560)

        self.export_button = QPushButton(self.tr("Export"))
        self.export_button.setAccessibleName(self.tr("Write the training file"))
        self.export_button.setEnabled(self._count > 0)
        self.export_button.clicked.connect(self.export)
        self._lay_out(
            [self._choices_page(), self._writing_page(), self._done_page()],
            self.export_button,
            self.tr("Cancel the export"),
        )
        self._provider_changed()
        self._update_split()
        show_page(self.pages, 0)

    # The choices -----------------------------------------------------------------------------

    def _choices_page(self) -> QWidget:
        page = QWidget()
        if self._count:
            text = self.tr(
                "Write your {count} examples as a file you can upload to a training service. "
                "Nothing is sent anywhere: the file stays on your computer."
            ).format(count=f"{self._count:,}")
        else:
            text = self.tr("This project has no examples yet, so there is nothing to export.")
        self.intro = QLabel(text, wordWrap=True)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.tr("Service:"), self._provider_choice())
        form.addRow("", self.provider_note)
        self._add_split_rows(form)
        form.addRow(self.tr("Save as:"), self._file_choice())

        layout = QVBoxLayout(page)
        layout.addWidget(self.intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addStretch()
        for widget in (self.provider_box, self.split_offer, self.path_edit, self.choose_button):
            widget.setEnabled(self._count > 0)
        return page

    def _provider_choice(self) -> QComboBox:
        self.provider_box = QComboBox()
        self.provider_box.setAccessibleName(self.tr("Training service"))
        providers = load_catalog().providers
        for provider in providers:
            self.provider_box.addItem(provider.name, provider.id)
        self._providers = {p.id: p for p in providers}
        chosen = self.document.settings.provider
        if chosen not in self._providers:
            chosen = next((p.id for p in providers if p.new_users_can_fine_tune), providers[0].id)
        self.provider_box.setCurrentIndex(self.provider_box.findData(chosen))
        self.provider_box.currentIndexChanged.connect(self._provider_changed)
        self.provider_note = QLabel(wordWrap=True)
        self.provider_note.setAccessibleName(self.tr("What this service's file is like"))
        return self.provider_box

    def _add_split_rows(self, form: QFormLayout) -> None:
        """The validation split, offered only from MIN_EXAMPLES_FOR_VALIDATION examples."""
        self.split_box = QCheckBox(self.tr("Hold some examples back for checking"))
        self.split_box.setAccessibleName(self.tr("Hold some examples back for checking"))
        self.split_percent = QSpinBox()
        self.split_percent.setRange(VALIDATION_PERCENT_MIN, VALIDATION_PERCENT_MAX)
        self.split_percent.setValue(VALIDATION_PERCENT_DEFAULT)
        self.split_percent.setSuffix(self.tr(" %"))
        self.split_percent.setAccessibleName(self.tr("Share of examples held back"))
        self.split_count = QLabel()
        self.split_note = QLabel(
            self.tr(
                "Held back to check the model on examples it did not train on. They go in a "
                "second file, which you upload as the validation file. The same examples are "
                "chosen every time you export."
            ),
            wordWrap=True,
        )
        split_row = QHBoxLayout()
        split_row.addWidget(self.split_box)
        split_row.addWidget(self.split_percent)
        split_row.addWidget(self.split_count, 1)
        self.split_box.toggled.connect(self._update_split)
        self.split_percent.valueChanged.connect(self._update_split)
        self.split_offer = QWidget(self)  # a child even when not offered
        split_row.setContentsMargins(0, 0, 0, 0)
        self.split_offer.setLayout(split_row)
        self.split_note.setParent(self)
        self.no_split_note = QLabel(
            self.tr(
                "With {minimum} or more examples you can also hold some back, to check the "
                "model on examples it did not train on."
            ).format(minimum=MIN_EXAMPLES_FOR_VALIDATION),
            self,
            wordWrap=True,
        )
        self.no_split_note.hide()
        if self._count >= MIN_EXAMPLES_FOR_VALIDATION:
            form.addRow(self.tr("Held back:"), self.split_offer)
            form.addRow("", self.split_note)
        elif self._count > 0:
            self.split_offer.hide()
            self.split_note.hide()
            self.no_split_note.show()
            form.addRow("", self.no_split_note)
        else:
            self.split_offer.hide()
            self.split_note.hide()

    def _file_choice(self) -> QHBoxLayout:
        folder = self.document.path.parent
        self.path_edit = QLineEdit(str(folder / default_file_name(self.document.title)))
        self.path_edit.setAccessibleName(self.tr("File to write"))
        self.choose_button = QPushButton(self.tr("Choose…"))
        self.choose_button.setAccessibleName(self.tr("Choose where to save the file"))
        self.choose_button.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.choose_button)
        return row

    @Slot()
    def _provider_changed(self) -> None:
        provider_id = self.provider_id
        chosen = provider_format(provider_id)
        if not chosen.keeps_weights:
            note = self.tr(
                "Answers with “train on this” switched off are trained on like the others, "
                "because this service may not accept the switch."
            )
        elif chosen.weights_every_message:
            note = self.tr(
                "{name} reads OpenAI’s format. Answers with “train on this” switched off stay "
                "that way, and the prompts beside them are marked too, as {name} needs."
            )
        elif provider_id == "openai":
            note = self.tr(
                "OpenAI’s own format. Answers with “train on this” switched off stay that "
                "way: the model reads them but does not learn from them."
            )
        else:
            note = self.tr(
                "{name} reads OpenAI’s format as it is. Answers with “train on this” "
                "switched off stay that way."
            )
        provider = self._providers.get(provider_id)
        name = provider.name if provider is not None else provider_id
        if provider is not None and not provider.takes_new_jobs(clock()):
            note += " " + self.tr(
                "{name} takes no new training since {day}: you can still write the file, but "
                "{name} will not train a model on it."
            )
        elif provider is not None and not provider.new_users_can_fine_tune:
            note += " " + self.tr("Most new accounts can no longer train with {name}.")
        day = day_text(provider.new_jobs_end) if provider is not None else ""
        self.provider_note.setText(note.format(name=name, day=day))

    @Slot()
    def _update_split(self) -> None:
        self.split_percent.setEnabled(self.split_box.isChecked())
        if not self.split_box.isChecked():
            self.split_count.setText("")
            return
        held = self._held_back()
        self.split_count.setText(
            self.tr("{held} of {count} examples").format(held=f"{held:,}", count=f"{self._count:,}")
        )

    def _held_back(self) -> int:
        fraction = self.split_percent.value() / 100
        return min(self._count - 1, max(1, round(self._count * fraction)))

    @property
    def provider_id(self) -> str:
        return str(self.provider_box.currentData())

    @property
    def validation_fraction(self) -> float | None:
        """The share held back, or None for no split."""
        offered = self._count >= MIN_EXAMPLES_FOR_VALIDATION
        if not (offered and self.split_box.isChecked()):
            return None
        return self.split_percent.value() / 100

    @property
    def target(self) -> Path:
        path = Path(self.path_edit.text().strip()).expanduser()
        return path if path.suffix else path.with_suffix(".jsonl")

    @Slot()
    def choose_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the training file"),
            str(self.target),
            self.tr("Training files (*.jsonl);;All files (*)"),
        )
        if path:
            self.path_edit.setText(path)
            self._confirmed = self.target

    # Writing ---------------------------------------------------------------------------------

    def _writing_page(self) -> QWidget:
        page, self.writing_label, self.progress_bar = progress_page(
            self.tr("Writing the training file…"), self.tr("Export progress"), percent=True
        )
        return page

    @Slot()
    def export(self) -> None:
        """Write the file(s) in the background, after asking before replacing any."""
        if self._count == 0 or self.state == "writing":
            return
        if not self.path_edit.text().strip():
            self.choose_file()
            if not self.path_edit.text().strip():
                return
        path = self.target
        fraction = self.validation_fraction
        if not self._may_replace(path, fraction):
            return
        self.state = "writing"
        show_page(self.pages, 1)
        self.export_button.setEnabled(False)
        examples = self.document.project.examples
        provider_id = self.provider_id
        count = self._count

        def work(progress: Callable[[int], None], cancelled: Callable[[], bool]) -> ExportResult:
            shown = -1

            def percent(done: int) -> None:
                nonlocal shown
                value = min(100, done * 100 // max(1, count))
                if value != shown:  # at most 101 signals, however many examples
                    shown = value
                    progress(value)

            return export_dataset(
                examples(),
                path,
                provider_id,
                fraction,
                percent,
                seed=DEFAULT_SEED,
                cancelled=cancelled,
            )

        self._run(work, self._written, self._failed, percent=True)

    def _may_replace(self, path: Path, fraction: float | None) -> bool:
        existing = [path] if path.exists() and path != self._confirmed else []
        if fraction is not None and validation_path_for(path).exists():
            existing.append(validation_path_for(path))
        if not existing:
            return True
        names = self.tr(" and ").join(f"“{p.name}”" for p in existing)
        answer = QMessageBox.question(
            self,
            self.tr("Replace the file?"),
            self.tr("{names} already exists in “{folder}”. Replace it?").format(
                names=names, folder=path.parent
            )
            if len(existing) == 1
            else self.tr("{names} already exist in “{folder}”. Replace them?").format(
                names=names, folder=path.parent
            ),
        )
        return answer == QMessageBox.StandardButton.Yes

    # The result ------------------------------------------------------------------------------

    def _done_page(self) -> QWidget:
        page = QWidget()
        self.done_headline = bold(QLabel(wordWrap=True))
        self.done_label = QLabel(wordWrap=True)
        self.done_label.setAccessibleName(self.tr("Export result"))
        self.done_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_folder_button = QPushButton(self.tr("Show in Folder"))
        self.show_folder_button.setAccessibleName(self.tr("Open the folder with the files"))
        self.show_folder_button.clicked.connect(self.show_folder)
        row = QHBoxLayout()
        row.addWidget(self.show_folder_button)
        row.addStretch()
        layout = QVBoxLayout(page)
        layout.addWidget(self.done_headline)
        layout.addWidget(self.done_label)
        layout.addLayout(row)
        layout.addStretch()
        return page

    @Slot(object)
    def _written(self, result: ExportResult) -> None:
        self._task = None
        self.export_result = result
        self.state = "done"
        train = result.counts["train"]
        if result.validation_path is None:
            self.done_headline.setText(self.tr("The training file is ready."))
            text = self.tr("{count} examples are in:\n{path}").format(
                count=f"{train:,}", path=result.train_path
            )
        else:
            self.done_headline.setText(self.tr("The training files are ready."))
            text = self.tr(
                "{train} examples to train on are in:\n{train_path}\n\n"
                "{held} examples held back for checking are in:\n{held_path}\n\n"
                "When you train, give the second file as the validation file."
            ).format(
                train=f"{train:,}",
                train_path=result.train_path,
                held=f"{result.counts['validation']:,}",
                held_path=result.validation_path,
            )
        self.done_label.setText(text)
        self._finish()
        self.exported.emit(result)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._task = None
        if self.state == "cancelled":
            return
        self.state = "failed"
        self.done_headline.setText(self.tr("The training file was not written."))
        self.done_label.setText(message)
        self.show_folder_button.hide()
        self._finish()

    def _finish(self) -> None:
        show_page(self.pages, 2)
        self._close_only(self.export_button)

    @Slot()
    def show_folder(self) -> None:
        if self.export_result is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.export_result.train_path.parent)))
