"""The main window's actions: every command with its words, shortcut and tip, the native menus
and the toolbar that hold them, and what the editing and view commands do to the open project."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QStyle, QToolBar

from fineauthor.ui.shell.start_page import recent_projects

if TYPE_CHECKING:
    from fineauthor.ui.shell.document import ProjectDocument
    from fineauthor.ui.shell.project_view import ProjectView


class WindowActions(QMainWindow):
    """A main window's actions, menus and toolbar. The window built on it (MainWindow) supplies
    the slots for opening, importing, training and help, and the open ``document`` and ``view``
    that the editing commands act on."""

    document: ProjectDocument | None
    view: ProjectView | None

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
        self.write_prompts_action = self._action(
            self.tr("Write &Prompts from Scenes…"),
            self._write_prompts,
            tip=self.tr(
                "Have a chat model write the prompt for each scene that has none of yours yet"
            ),
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
            self.show_bench_window,
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
            self.write_prompts_action,
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
        edit_menu.addSeparator()
        edit_menu.addAction(self.write_prompts_action)

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

    # What the saving and editing commands do ----------------------------------------------

    @Slot()
    def _confirm_saved(self) -> None:
        self.statusBar().showMessage(
            self.tr("Everything is already saved: FineAuthor saves each change as you make it."),
            5000,
        )

    def _undo(self) -> None:
        if self.document is not None:
            self.document.undo_stack.undo()

    def _redo(self) -> None:
        if self.document is not None:
            self.document.undo_stack.redo()

    # The example commands act on what the writer is looking at: Find and Add Example turn to
    # the examples, Delete deletes the selected choices on the Choices tab.

    def _find(self) -> None:
        if self.view is not None:
            self.view.show_examples()
            self.view.examples.search.setFocus()
            self.view.examples.search.selectAll()

    def _add_example(self) -> None:
        if self.view is not None:
            self.view.show_examples()
            self.view.examples.add_example()
            self.view.editor.focus_response()

    def _duplicate(self) -> None:
        if self.view is not None and not self.view.showing_choices:
            self.view.examples.duplicate_selected()

    def _delete(self) -> None:
        if self.view is None:
            return
        if self.view.showing_choices:
            self.view.pairs.delete_selected()
        else:
            self.view.examples.delete_selected()

    def _follow_list(self) -> None:
        """Name Delete for what it deletes, and offer Duplicate only for examples."""
        choices = self.view is not None and self.view.showing_choices
        if choices:
            self.delete_action.setText(self.tr("&Delete Choice"))
            self.delete_action.setToolTip(
                self.tr("Delete the choices selected in the list (Undo brings them back)")
            )
        else:
            self.delete_action.setText(self.tr("&Delete Example"))
            self.delete_action.setToolTip(
                self.tr("Delete the chosen examples (Undo brings them back)")
            )
        self.duplicate_action.setEnabled(self.view is not None and not choices)

    def _write_prompts(self) -> None:
        if self.view is not None:
            self.view.examples.write_prompts()

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
            self.view.set_report_shown(shown)
