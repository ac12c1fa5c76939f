"""The main window: native menus, the start page or the open project, and a status bar."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
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
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from fineauthor import __version__
from fineauthor.core.errors import ProjectError
from fineauthor.core.project_schema import SUFFIX
from fineauthor.core.settings import folders, load_settings
from fineauthor.ui.project_page import ProjectPage
from fineauthor.ui.start_page import StartPage, remember_recent_project

if TYPE_CHECKING:
    from fineauthor.core.project import Project

PROJECT_SUFFIX = SUFFIX  # "*.fineauthor"


class MainWindow(QMainWindow):
    """Shows the start page when no project is open, the project page when one is."""

    # Emitted once, the first time the window is shown (``--exit-when-ready`` waits for it).
    first_shown = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self._was_shown = False

        self.start_page = StartPage()
        self.start_page.new_requested.connect(self.choose_new_project)
        self.start_page.open_requested.connect(self.choose_project)
        self.start_page.recent_chosen.connect(self.open_project)
        self.project_page = ProjectPage()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.start_page)
        self.pages.addWidget(self.project_page)
        self.setCentralWidget(self.pages)

        # Saving is automatic, so the status bar says so instead of nagging about saving.
        self.saved_label = QLabel(self.tr("All changes saved"))
        self.saved_label.setAccessibleName(self.tr("Save status"))
        self.saved_label.setToolTip(
            self.tr("FineAuthor saves every change to your project the moment you make it.")
        )
        self.statusBar().addPermanentWidget(self.saved_label)

        self._create_menus()
        self.setAcceptDrops(True)
        self.resize(960, 680)
        self._show_start_page()

    def _create_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))

        self.new_action = QAction(self.tr("&New Project…"), self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.setStatusTip(self.tr("Start a new, empty project"))
        self.new_action.triggered.connect(self.choose_new_project)
        file_menu.addAction(self.new_action)

        self.open_action = QAction(self.tr("&Open…"), self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.setStatusTip(self.tr("Open a FineAuthor project"))
        self.open_action.triggered.connect(self.choose_project)
        file_menu.addAction(self.open_action)

        self.save_action = QAction(self.tr("&Save"), self)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.setStatusTip(self.tr("Everything is saved as you go"))
        # Writers press Ctrl+S by habit; answer it with reassurance, since nothing is pending.
        self.save_action.triggered.connect(self._confirm_saved)
        file_menu.addAction(self.save_action)

        self.close_action = QAction(self.tr("&Close Project"), self)
        self.close_action.setShortcut(QKeySequence.StandardKey.Close)
        self.close_action.setStatusTip(self.tr("Close this project and go back to the start"))
        self.close_action.triggered.connect(self.close_project)
        file_menu.addAction(self.close_action)

        file_menu.addSeparator()
        self.quit_action = QAction(self.tr("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.setStatusTip(self.tr("Close FineAuthor"))
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.about_action = QAction(self.tr("&About FineAuthor"), self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    # Opening and closing -------------------------------------------------------------------

    @Slot()
    def choose_new_project(self) -> None:
        """Ask where to keep a new project, then create and open it."""
        folder = _projects_folder()
        suggested = folder / (self.tr("My novel") + PROJECT_SUFFIX)
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Start a new project"), str(suggested), self._file_filter()
        )
        if path:
            self.create_project(Path(path))

    @Slot()
    def choose_project(self) -> None:
        """Ask which project to open, then open it."""
        folder = self.project.path.parent if self.project is not None else _projects_folder()
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open a project"), str(folder), self._file_filter()
        )
        if path:
            self.open_project(Path(path))

    def _file_filter(self) -> str:
        return self.tr("FineAuthor projects (*{suffix});;All files (*)").format(
            suffix=PROJECT_SUFFIX
        )

    def create_project(self, path: Path) -> bool:
        """Make a new, empty project at ``path`` (named after the file) and show it."""
        from fineauthor.core.project import Project  # keeps start-up light until it is needed

        path = Path(path)
        if path.suffix != PROJECT_SUFFIX:
            path = path.with_name(path.name + PROJECT_SUFFIX)
        try:
            project = Project.create(path, title=path.stem)
        except ProjectError as error:
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
        from fineauthor.core.project import Project  # keeps start-up light until it is needed

        path = Path(path)
        if self.project is not None and _same_file(self.project.path, path):
            return True  # already open: opening it twice would only confuse
        try:
            project = Project.open(path)
        except ProjectError as error:
            self.show_problem(self.tr("That project could not be opened."), str(error))
            return False
        self._show_project(project)
        return True

    def _show_project(self, project: Project) -> None:
        try:
            self.project_page.show_project(project)
        except BaseException:
            project.close()
            raise
        if self.project is not None:
            self.project.close()
        self.project = project
        remember_recent_project(project.path)
        self.start_page.show_message("")
        self.pages.setCurrentWidget(self.project_page)
        title = project.settings.title or project.path.stem
        self.setWindowTitle(self.tr("{title} — FineAuthor").format(title=title))
        self.setWindowFilePath(str(project.path))
        self._update_actions()

    def show_problem(self, summary: str, message: str) -> None:
        """Tell the writer why a project did not open, where they will see it.

        On the start page the reason appears in the page itself; over an open project, in a
        message box, so the project they were working on stays in view.
        """
        if self.project is None:
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
        if self.project is not None:
            self.project.close()
            self.project = None
        self.project_page.clear()
        self._show_start_page()

    def _show_start_page(self) -> None:
        self.start_page.refresh()
        self.pages.setCurrentWidget(self.start_page)
        self.setWindowTitle(self.tr("FineAuthor"))
        self.setWindowFilePath("")
        self._update_actions()

    def _update_actions(self) -> None:
        is_open = self.project is not None
        self.close_action.setEnabled(is_open)
        self.save_action.setEnabled(is_open)
        self.saved_label.setVisible(is_open)

    @Slot()
    def _confirm_saved(self) -> None:
        self.statusBar().showMessage(
            self.tr("Everything is already saved: FineAuthor saves each change as you make it."),
            5000,
        )

    # Help ----------------------------------------------------------------------------------

    def about_text(self) -> str:
        """The About box's text, with the version."""
        return self.tr(
            "<h3>FineAuthor {version}</h3>"
            "<p>Teach an AI model to write in your voice, at your length.</p>"
            "<p>Your projects stay on this computer. Nothing is sent anywhere until you "
            "choose to train a model and confirm the cost.</p>"
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
        if self.project is not None:
            self.project.close()
            self.project = None
        super().closeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if _dropped_project(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        path = _dropped_project(event)
        if path is not None:
            event.acceptProposedAction()
            self.open_project(path)


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


def _dropped_project(event: QDragEnterEvent | QDropEvent) -> Path | None:
    urls = event.mimeData().urls()
    if len(urls) == 1 and urls[0].isLocalFile():
        path = Path(urls[0].toLocalFile())
        if path.suffix == PROJECT_SUFFIX:
            return path
    return None
