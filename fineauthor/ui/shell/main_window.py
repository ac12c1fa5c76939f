"""The main window: native menus and a toolbar, the start page or the open project, and a status
bar that always says whether everything is saved."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, Qt, QTime, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QStackedWidget, QWidget

from fineauthor import PROJECT_SUFFIX, __version__
from fineauthor.core.errors import FineAuthorError
from fineauthor.core.settings import folders, load_settings
from fineauthor.ui.shell.import_routing import dropped_file, open_import_dialog
from fineauthor.ui.shell.start_page import StartPage, remember_recent_project
from fineauthor.ui.shell.window_actions import WindowActions
from fineauthor.ui.widgets.window_size import resize_to_fit

if TYPE_CHECKING:
    from fineauthor.core.project.project import Project
    from fineauthor.ui.shell.document import ProjectDocument
    from fineauthor.ui.shell.project_view import ProjectView
    from fineauthor.ui.training.jobs_view import TrainingJobs
    from fineauthor.ui.wizard import FirstFineTuneWizard


class MainWindow(WindowActions):
    """Shows the start page when no project is open, the project's three panes when one is."""

    # Emitted once, the first time the window is shown (``--exit-when-ready`` waits for it).
    first_shown = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: ProjectDocument | None = None
        self.view: ProjectView | None = None
        self.training: TrainingJobs | None = None  # the open project's training windows
        self.wizard: FirstFineTuneWizard | None = None
        self._was_shown = False

        self.start_page = StartPage()
        self.start_page.new_requested.connect(self.start_wizard)
        self.start_page.continue_requested.connect(self.start_wizard)
        self.start_page.open_requested.connect(self.choose_project)
        self.start_page.sample_requested.connect(self.open_sample_project)
        self.start_page.recent_chosen.connect(self.open_project)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.start_page)
        self.setCentralWidget(self.pages)

        # Saving is automatic, so the status bar says so instead of nagging about saving.
        self.saved_label = QLabel()
        self.saved_label.setAccessibleName(self.tr("Save status"))
        self.saved_label.setToolTip(
            self.tr("FineAuthor saves every change to your project the moment you make it.")
        )
        self.statusBar().addPermanentWidget(self.saved_label)

        self._create_actions()
        self._create_menus()
        self._create_toolbar()
        self.setAcceptDrops(True)
        resize_to_fit(self, 1280, 800)  # smaller on a smaller screen
        self._show_start_page()

    @property
    def project(self) -> Project | None:
        return self.document.project if self.document is not None else None

    # Opening and closing -------------------------------------------------------------------

    @Slot()
    def start_wizard(self) -> None:
        """Open the planning guide, which resumes an unfinished plan and ends in a new project
        that opens here."""
        if self.wizard is not None:
            self.wizard.raise_()
            self.wizard.activateWindow()
            return
        from fineauthor.ui.wizard import FirstFineTuneWizard

        try:
            wizard = FirstFineTuneWizard(self)
        except FineAuthorError as error:
            self.show_problem(self.tr("The planning guide could not start."), str(error))
            return
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.projectCreated.connect(self.open_project)
        wizard.finished.connect(self._wizard_closed)
        self.wizard = wizard
        wizard.open()

    def _wizard_closed(self) -> None:
        self.wizard = None
        self.start_page.refresh()  # offers "Continue planning" if it was left part-way

    @Slot()
    def choose_new_project(self) -> None:
        """Ask where to keep a new project, then create and open it."""
        suggested = _projects_folder() / (self.tr("My novel") + PROJECT_SUFFIX)
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Start a new project"), str(suggested), self._project_filter()
        )
        if path:
            self.create_project(Path(path))

    @Slot()
    def choose_project(self) -> None:
        """Ask which project to open, then open it."""
        folder = self.project.path.parent if self.project is not None else _projects_folder()
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open a project"), str(folder), self._project_filter()
        )
        if path:
            self.open_project(Path(path))

    def _project_filter(self) -> str:
        return self.tr("FineAuthor projects (*{suffix});;All files (*)").format(
            suffix=PROJECT_SUFFIX
        )

    def create_project(self, path: Path) -> bool:
        """Make a new, empty project at ``path`` (named after the file) and show it."""
        from fineauthor.core.project.project import (
            Project,  # keeps start-up light until it is needed
        )

        path = Path(path)
        if path.suffix != PROJECT_SUFFIX:
            path = path.with_name(path.name + PROJECT_SUFFIX)
        try:
            project = Project.create(path, title=path.stem)
        except FineAuthorError as error:
            self.show_problem(self.tr("The project could not be created."), str(error))
            return False
        self._show_project(project)
        return True

    @Slot(Path)
    def open_project(self, path: Path) -> bool:
        """Open the project at ``path`` in place of the current one.

        On failure the writer sees the plain reason and the current project (if any) stays open.
        Returns whether the project opened.
        """
        from fineauthor.core.project.project import (
            Project,  # keeps start-up light until it is needed
        )

        path = Path(path)
        if self.project is not None and _same_file(self.project.path, path):
            return True  # already open: opening it twice would only confuse
        try:
            project = Project.open(path)
        except FineAuthorError as error:
            self.show_problem(self.tr("That project could not be opened."), str(error))
            return False
        self._show_project(project)
        return True

    @Slot()
    def open_sample_project(self) -> bool:
        """Open the sample project, making it first from the shipped examples if needed."""
        from fineauthor.ui.shell.sample_project import sample_project_path

        try:
            path = sample_project_path(_projects_folder())
        except FineAuthorError as error:
            self.show_problem(self.tr("The sample project could not be made."), str(error))
            return False
        return self.open_project(path)

    def _show_project(self, project: Project) -> None:
        from fineauthor.ui.shell.document import ProjectDocument
        from fineauthor.ui.shell.project_view import ProjectView

        try:
            document = ProjectDocument(project)
            view = ProjectView(document)
        except BaseException:
            project.close()
            raise
        self._close_current()
        self.document, self.view = document, view
        document.saved.connect(self._show_saved)
        document.writeFailed.connect(self._write_failed)
        document.undo_stack.canUndoChanged.connect(self._update_actions)
        document.undo_stack.canRedoChanged.connect(self._update_actions)
        view.examples.addAction(self.delete_action)  # where its shortcut works
        view.pairs.addAction(self.delete_action)
        view.listChanged.connect(self._follow_list)
        view.set_report_shown(self.report_action.isChecked())  # as the writer last left it
        self.pages.addWidget(view)
        self.pages.setCurrentWidget(view)
        remember_recent_project(project.path)
        self.start_page.show_message("")
        self.setWindowTitle(self.tr("{title} — FineAuthor").format(title=document.title))
        self.setWindowFilePath(str(project.path))
        self.saved_label.setText(self.tr("All changes saved"))
        self._update_actions()
        self._resume_training(document)

    def _resume_training(self, document: ProjectDocument) -> None:
        """Keep watching, quietly, the trainings that had not finished when last open."""
        from fineauthor.ui.training.jobs_view import TrainingJobs

        self.training = TrainingJobs(document, self)
        self.training.tryRequested.connect(self._try_model)
        count = self.training.resume_unfinished()
        if count:
            self.statusBar().showMessage(
                (
                    self.tr("Still watching 1 training. Train ▸ Training Jobs shows it.")
                    if count == 1
                    else self.tr("Still watching %1 trainings. Train ▸ Training Jobs shows them.")
                ).replace("%1", str(count)),
                15000,
            )

    @Slot()
    def show_train_dialog(self) -> None:
        if self.training is not None:
            self.training.show_train_dialog()

    @Slot()
    def show_jobs(self) -> None:
        if self.training is not None:
            self.training.show_jobs()

    @Slot()
    def show_bench_window(self) -> None:
        self._try_model("")

    @Slot(str)
    def _try_model(self, model_id: str) -> None:
        """Open the test bench (it closes with the project's view), on ``model_id`` if given."""
        if self.document is None or self.view is None:
            return
        from fineauthor.ui.bench.bench_window import open_bench_window

        open_bench_window(self.document, self.view, model_id)

    def _close_current(self) -> None:
        if self.training is not None:
            self.training.shutdown()
            self.training = None
        if self.view is not None:
            self.view.shutdown()
            self.pages.removeWidget(self.view)
            self.view.deleteLater()
            self.view = None
        if self.document is not None:
            self.document.close()
            self.document.deleteLater()
            self.document = None

    def show_problem(self, summary: str, message: str) -> None:
        """Tell the writer why something did not work, where they will see it.

        On the start page the reason appears in the page itself; over an open project, in a
        message box, so the project they were working on stays in view.
        """
        if self.document is None:
            self.start_page.show_message(message)
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("FineAuthor"),
            summary,
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setInformativeText(message)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec(): no nested event loop, the window stays responsive

    @Slot()
    def close_project(self) -> None:
        """Close the open project and go back to the start page."""
        self._close_current()
        self._show_start_page()

    def _show_start_page(self) -> None:
        self.start_page.refresh()
        self.pages.setCurrentWidget(self.start_page)
        self.setWindowTitle(self.tr("FineAuthor"))
        self.setWindowFilePath("")
        self._update_actions()

    def _update_actions(self) -> None:
        is_open = self.document is not None
        for action in self.project_actions:
            action.setEnabled(is_open)
        stack = self.document.undo_stack if is_open else None
        self.undo_action.setEnabled(bool(stack and stack.canUndo()))
        self.redo_action.setEnabled(bool(stack and stack.canRedo()))
        self.undo_action.setText(
            self.tr("&Undo {what}").format(what=stack.undoText())
            if stack and stack.canUndo()
            else self.tr("&Undo")
        )
        self.redo_action.setText(
            self.tr("&Redo {what}").format(what=stack.redoText())
            if stack and stack.canRedo()
            else self.tr("&Redo")
        )
        self.saved_label.setVisible(is_open)
        self.toolbar.setVisible(is_open)
        self._follow_list()

    # Saving is automatic: the status bar says so --------------------------------------------

    @Slot()
    def _show_saved(self) -> None:
        time = QLocale().toString(QTime.currentTime(), QLocale.FormatType.ShortFormat)
        self.saved_label.setText(self.tr("All changes saved ({time})").format(time=time))
        self._update_actions()

    @Slot(str)
    def _write_failed(self, message: str) -> None:
        self.saved_label.setText(self.tr("Your last change could not be saved"))
        self.show_problem(self.tr("Your last change could not be saved."), message)

    # Import, export, settings, help ---------------------------------------------------------

    @Slot()
    def choose_import(self) -> None:
        folder = self.project.path.parent if self.project is not None else _projects_folder()
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import examples"),
            str(folder),
            self.tr(
                "Training files (*.jsonl);;ChatGPT exports (*.zip *.json);;"
                "Manuscripts (*.txt *.md *.markdown *.docx);;"
                "Spreadsheets (*.csv *.tsv);;All files (*)"
            ),
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Add a file's examples to the open project, after showing what will come: a training
        file, a manuscript cut into chapters or scenes, or a spreadsheet's rows."""
        if self.document is None:
            return
        dialog = open_import_dialog(self.document, path, self)
        dialog.examplesAdded.connect(self._offer_prompts)  # type: ignore[attr-defined]
        choices = getattr(dialog, "choicesAdded", None)  # a file of preference pairs
        if choices is not None and self.view is not None:
            choices.connect(lambda _ids: self.view and self.view.show_choices())

    @Slot(list)
    def _offer_prompts(self, example_ids: list[int]) -> None:
        """After an import whose scenes came with only a template's prompt (a manuscript),
        offer to have their prompts written, once the import's dialog has closed."""
        from fineauthor.ui.editor.write_prompts_dialog import scenes_needing_prompts

        if self.document is not None and scenes_needing_prompts(self.document, example_ids):
            QTimer.singleShot(0, self, lambda: self._write_prompts_for(example_ids))

    def _write_prompts_for(self, example_ids: list[int]) -> None:
        if self.view is not None:
            self.view.examples.write_prompts(example_ids)

    @Slot()
    def show_export(self) -> None:
        if self.document is None:
            return
        from fineauthor.ui.importing.export_dialog import ExportDialog

        dialog = ExportDialog(self.document, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot()
    def show_settings(self) -> None:
        from fineauthor.ui.shell.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self)
        dialog.settingsApplied.connect(self.apply_settings)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def apply_settings(self, values: dict) -> None:
        from fineauthor.ui.shell.theme import apply_theme

        apply_theme(str(values.get("theme", "system")))
        if self.view is not None:
            self.view.editor.set_editor_font(
                str(values.get("editor_font_family", "")), int(values.get("editor_font_size", 13))
            )

    @Slot()
    def show_what_is_a_fine_tune(self) -> None:
        from fineauthor.ui.shell.help_windows import show_what_is_a_fine_tune

        show_what_is_a_fine_tune(self)

    @Slot()
    def show_shortcuts(self) -> None:
        from fineauthor.ui.shell.help_windows import show_keyboard_shortcuts

        show_keyboard_shortcuts(self)

    def about_text(self) -> str:
        """The About box's text, with the version and the licences of what ships with it."""
        return self.tr(
            "<h3>FineAuthor {version}</h3>"
            "<p>Teach an AI model to write in your voice, at your length.</p>"
            "<p>Your projects stay on this computer. Nothing is sent anywhere until you "
            "choose to train a model and confirm the cost.</p>"
            "<p>FineAuthor is free software under the MIT licence. It is built with "
            "Python (PSF licence), Qt and PySide6 (LGPLv3), tiktoken (MIT), "
            "openai (Apache-2.0), httpx2 (BSD), keyring (MIT) and platformdirs (MIT).</p>"
        ).format(version=__version__)

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About FineAuthor"), self.about_text())

    # Window events -------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._was_shown and not event.spontaneous():
            self._was_shown = True
            self.first_shown.emit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        # Every change is already in the project file; only a running server is asked about.
        if self.document is not None:
            from fineauthor.ui.bench.deployment_banner import settle_deployments

            if not settle_deployments(self, self.document):
                event.ignore()
                return
        self._close_current()
        super().closeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if dropped_file(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        path = dropped_file(event)
        if path is None:
            return
        event.acceptProposedAction()
        if path.suffix == PROJECT_SUFFIX:
            self.open_project(path)
        elif self.document is not None:
            self.import_file(path)
        else:
            # No project to add to: make one beside the file, named after it, then import.
            target = _free_path(path.with_suffix(PROJECT_SUFFIX))
            if self.create_project(target):
                self.import_file(path)


def _projects_folder() -> Path:
    """Where new projects go and where the file dialogs start."""
    chosen = load_settings()["projects_folder"]
    folder = Path(chosen) if isinstance(chosen, str) and chosen else folders().documents
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)  # a dialog cannot start in a missing folder
    return folder


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.samefile(second)
    except OSError:
        return False


def _free_path(path: Path) -> Path:
    """``path``, or ``name 2.ext``, ``name 3.ext``… if it is taken."""
    candidate, number = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem} {number}{path.suffix}")
        number += 1
    return candidate
