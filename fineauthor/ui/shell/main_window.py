"""The main window: native menus and a toolbar, the start page or the open project, and a status
bar that always says whether everything is saved."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, Qt, QTime, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QStyle,
    QToolBar,
    QWidget,
)

from fineauthor import PROJECT_SUFFIX, __version__
from fineauthor.core.errors import FineAuthorError
from fineauthor.core.settings import folders, load_settings
from fineauthor.ui.shell.start_page import StartPage, recent_projects, remember_recent_project

if TYPE_CHECKING:
    from fineauthor.core.project.project import Project
    from fineauthor.ui.shell.document import ProjectDocument
    from fineauthor.ui.shell.project_view import ProjectView
    from fineauthor.ui.training.jobs_view import TrainingJobs
    from fineauthor.ui.wizard import FirstFineTuneWizard

# Training files, and ChatGPT exports (the .zip, or its conversations.json), which
# import_file tells apart by what they hold.
DATASET_SUFFIXES = (".jsonl", ".zip", ".json")
# Writing to cut into examples (core.manuscript.SUFFIXES, core.spreadsheet.SUFFIXES).
MANUSCRIPT_SUFFIXES = (".txt", ".md", ".markdown", ".docx")
SPREADSHEET_SUFFIXES = (".csv", ".tsv")


class MainWindow(QMainWindow):
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
        self.resize(1280, 800)
        self._show_start_page()

    @property
    def project(self) -> Project | None:
        return self.document.project if self.document is not None else None

    # Actions, menus, toolbar ----------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: object,
        *,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
        icon: QStyle.StandardPixmap | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        action.triggered.connect(slot)
        return action

    def _create_actions(self) -> None:
        key, icon = QKeySequence.StandardKey, QStyle.StandardPixmap
        self.new_action = self._action(
            self.tr("&New Project…"),
            self.start_wizard,
            shortcut=key.New,
            tip=self.tr("Plan a new fine-tune and set up its project, step by step"),
            icon=icon.SP_FileIcon,
        )
        self.open_action = self._action(
            self.tr("&Open…"),
            self.choose_project,
            shortcut=key.Open,
            tip=self.tr("Open a FineAuthor project"),
            icon=icon.SP_DialogOpenButton,
        )
        self.import_action = self._action(
            self.tr("&Import Examples…"),
            self.choose_import,
            shortcut="Ctrl+I",
            tip=self.tr(
                "Add examples from a training file, a manuscript or a spreadsheet to this project"
            ),
        )
        self.export_action = self._action(
            self.tr("&Export for Training…"),
            self.show_export,
            shortcut="Ctrl+E",
            tip=self.tr("Write the examples as a file a training service accepts"),
        )
        # Writers press Ctrl+S by habit; answer it with reassurance, since nothing is pending.
        self.save_action = self._action(
            self.tr("&Save"),
            self._confirm_saved,
            shortcut=key.Save,
            tip=self.tr("Everything is saved as you go"),
        )
        self.close_action = self._action(
            self.tr("&Close Project"),
            self.close_project,
            shortcut=key.Close,
            tip=self.tr("Close this project and go back to the start"),
        )
        self.settings_action = self._action(
            self.tr("Se&ttings…"),
            self.show_settings,
            shortcut=key.Preferences,
            tip=self.tr("Fonts, theme and where projects are saved"),
        )
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.quit_action = self._action(
            self.tr("&Quit"), self.close, shortcut=key.Quit, tip=self.tr("Close FineAuthor")
        )
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        # Undo and Redo follow whichever project is open (see _show_project).
        self.undo_action = self._action(
            self.tr("&Undo"), self._undo, shortcut=key.Undo, icon=icon.SP_ArrowBack
        )
        self.redo_action = self._action(self.tr("&Redo"), self._redo, icon=icon.SP_ArrowForward)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(key.Redo)])
        self.find_action = self._action(
            self.tr("&Find…"),
            self._find,
            shortcut=key.Find,
            tip=self.tr("Search the examples' prompts and notes"),
        )
        self.add_action = self._action(
            self.tr("&Add Example"),
            self._add_example,
            shortcut="Ctrl+Return",
            tip=self.tr("Add a new, empty example"),
            icon=icon.SP_FileDialogNewFolder,
        )
        self.duplicate_action = self._action(
            self.tr("D&uplicate"),
            self._duplicate,
            shortcut="Ctrl+D",
            tip=self.tr("Copy the chosen examples"),
        )
        self.delete_action = self._action(
            self.tr("&Delete Example"),
            self._delete,
            shortcut=key.Delete,
            tip=self.tr("Delete the chosen examples (Undo brings them back)"),
            icon=icon.SP_TrashIcon,
        )
        # Delete is also a key for text: it deletes examples only while the list has focus.
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.zoom_in_action = self._action(self.tr("Zoom &In"), self._zoom_in, shortcut=key.ZoomIn)
        self.zoom_in_action.setShortcuts([QKeySequence(key.ZoomIn), QKeySequence("Ctrl+=")])
        self.zoom_out_action = self._action(
            self.tr("Zoom &Out"), self._zoom_out, shortcut=key.ZoomOut
        )
        self.zoom_reset_action = self._action(
            self.tr("&Actual Size"), self._zoom_reset, shortcut="Ctrl+0"
        )
        self.report_action = self._action(
            self.tr("Check &Report"),
            self._toggle_report,
            shortcut="Ctrl+R",
            tip=self.tr("Show or hide the check report"),
        )
        self.report_action.setCheckable(True)
        self.report_action.setChecked(True)

        self.train_action = self._action(
            self.tr("&Train a Model…"),
            self.show_train_dialog,
            shortcut="Ctrl+T",
            tip=self.tr("Check your examples, see the cost, and train a model on them"),
        )
        self.jobs_action = self._action(
            self.tr("Training &Jobs"),
            self.show_jobs,
            tip=self.tr("Every model you trained from this project, and the ones training now"),
        )
        self.bench_action = self._action(
            self.tr("Test &Bench…"),
            self.show_test_bench,
            tip=self.tr("Give your trained model and the one it came from the same prompt"),
        )

        self.what_action = self._action(
            self.tr("&What Is a Fine-Tune?"), self.show_what_is_a_fine_tune
        )
        self.shortcuts_action = self._action(self.tr("&Keyboard Shortcuts"), self.show_shortcuts)
        self.about_action = self._action(self.tr("&About FineAuthor"), self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)

        self.project_actions = [
            self.import_action,
            self.export_action,
            self.save_action,
            self.close_action,
            self.find_action,
            self.add_action,
            self.duplicate_action,
            self.delete_action,
            self.zoom_in_action,
            self.zoom_out_action,
            self.zoom_reset_action,
            self.report_action,
            self.train_action,
            self.jobs_action,
            self.bench_action,
        ]

    def _create_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addActions([self.new_action, self.open_action])
        self.recent_menu = QMenu(self.tr("Open &Recent"), self)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addActions([self.import_action, self.export_action])
        file_menu.addSeparator()
        file_menu.addActions([self.save_action, self.close_action])
        file_menu.addSeparator()
        file_menu.addActions([self.settings_action, self.quit_action])

        edit_menu = bar.addMenu(self.tr("&Edit"))
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        edit_menu.addSeparator()
        edit_menu.addActions([self.add_action, self.duplicate_action, self.delete_action])

        view_menu = bar.addMenu(self.tr("&View"))
        view_menu.addActions([self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action])
        view_menu.addSeparator()
        view_menu.addAction(self.report_action)

        train_menu = bar.addMenu(self.tr("T&rain"))
        train_menu.addActions([self.train_action, self.jobs_action, self.bench_action])

        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addActions([self.what_action, self.shortcuts_action])
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

    def _create_toolbar(self) -> None:
        toolbar = QToolBar(self.tr("Main toolbar"), self)
        toolbar.setObjectName("main-toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)  # words, not puzzles
        toolbar.setMovable(False)
        toolbar.addActions([self.add_action, self.duplicate_action, self.delete_action])
        toolbar.addSeparator()
        toolbar.addActions([self.undo_action, self.redo_action])
        toolbar.addSeparator()
        toolbar.addActions([self.import_action, self.export_action, self.report_action])
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = recent_projects()
        for path in paths:
            action = self.recent_menu.addAction(path.stem)
            action.setToolTip(str(path))
            action.triggered.connect(lambda _=False, p=path: self.open_project(p))
        if not paths:
            empty = self.recent_menu.addAction(self.tr("No recent projects"))
            empty.setEnabled(False)

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
    def show_test_bench(self) -> None:
        self._try_model("")

    @Slot(str)
    def _try_model(self, model_id: str) -> None:
        """Open the test bench (it closes with the project's view), on ``model_id`` if given."""
        if self.document is None or self.view is None:
            return
        from fineauthor.ui.bench.bench_window import open_test_bench

        open_test_bench(self.document, self.view, model_id)

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

    @Slot()
    def _confirm_saved(self) -> None:
        self.statusBar().showMessage(
            self.tr("Everything is already saved: FineAuthor saves each change as you make it."),
            5000,
        )

    # Editing --------------------------------------------------------------------------------

    def _undo(self) -> None:
        if self.document is not None:
            self.document.undo_stack.undo()

    def _redo(self) -> None:
        if self.document is not None:
            self.document.undo_stack.redo()

    def _find(self) -> None:
        if self.view is not None:
            self.view.examples.search.setFocus()
            self.view.examples.search.selectAll()

    def _add_example(self) -> None:
        if self.view is not None:
            self.view.examples.add_example()
            self.view.editor.focus_response()

    def _duplicate(self) -> None:
        if self.view is not None:
            self.view.examples.duplicate_selected()

    def _delete(self) -> None:
        if self.view is not None:
            self.view.examples.delete_selected()

    def _zoom_in(self) -> None:
        if self.view is not None:
            self.view.editor.zoom_in()

    def _zoom_out(self) -> None:
        if self.view is not None:
            self.view.editor.zoom_out()

    def _zoom_reset(self) -> None:
        if self.view is not None:
            self.view.editor.zoom_reset()

    def _toggle_report(self, shown: bool) -> None:
        if self.view is not None:
            self.view.report.setVisible(shown)

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
        from fineauthor.core.importers.chatgpt import is_chatgpt_export

        suffix = Path(path).suffix.lower()
        # A .docx is a zip too, and a manuscript may start with "[": suffixes decide first.
        writing = suffix in (*MANUSCRIPT_SUFFIXES, *SPREADSHEET_SUFFIXES)
        if not writing and is_chatgpt_export(path):  # the .zip ChatGPT emails, or its .json
            from fineauthor.ui.importing.chatgpt_dialog import ChatGPTImportDialog

            chatgpt = ChatGPTImportDialog(self.document, path, self)
            chatgpt.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            chatgpt.open()
            return
        if suffix in MANUSCRIPT_SUFFIXES:
            from fineauthor.ui.importing.manuscript_dialog import ManuscriptImportDialog

            dialog = ManuscriptImportDialog(self.document, path, self)
        elif suffix in SPREADSHEET_SUFFIXES:
            from fineauthor.ui.importing.spreadsheet_dialog import CSVImportDialog

            dialog = CSVImportDialog(self.document, path, self)
        else:
            from fineauthor.ui.importing.training_file_dialog import ImportDialog

            dialog = ImportDialog(self.document, path, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

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
        # Nothing to ask: every change is already in the project file.
        self._close_current()
        super().closeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if _dropped_file(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        path = _dropped_file(event)
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


def _dropped_file(event: QDragEnterEvent | QDropEvent) -> Path | None:
    urls = event.mimeData().urls()
    if len(urls) == 1 and urls[0].isLocalFile():
        path = Path(urls[0].toLocalFile())
        suffixes = (PROJECT_SUFFIX, *DATASET_SUFFIXES, *MANUSCRIPT_SUFFIXES, *SPREADSHEET_SUFFIXES)
        if path.suffix.lower() in suffixes:
            return path
    return None
