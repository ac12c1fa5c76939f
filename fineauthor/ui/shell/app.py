"""Starting the desktop app: the QApplication, the error handling and the main window.

Only Qt and the light parts of the core load here; openai, tiktoken and other heavy modules wait
until a screen needs them, so the window appears quickly.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from fineauthor import APP_NAME, __version__

DESKTOP_FILE_NAME = "io.github.fineauthor.FineAuthor"


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with FineAuthor's names (reusing one that already exists)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    QApplication.setApplicationName(APP_NAME)
    QApplication.setOrganizationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    QApplication.setDesktopFileName(DESKTOP_FILE_NAME)
    from PySide6.QtGui import QIcon

    from fineauthor.core.resources import resource_path

    QApplication.setWindowIcon(QIcon(str(resource_path("icons", "fineauthor.svg"))))
    return app


class FileOpenRelay(QObject):
    """macOS hands a double-clicked .fineauthor file to a running app as an event, not as an
    argument: pass it on to ``open_file``."""

    def __init__(self, open_file: object, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._open_file = open_file

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            path = event.file()
            if path:
                self._open_file(Path(path))  # type: ignore[operator]
                return True
        return super().eventFilter(watched, event)


def run_app(project: Path | None, *, exit_when_ready: bool = False) -> int:
    """Show the main window, on ``project`` if given, and run until the writer quits.

    With ``exit_when_ready`` the app quits as soon as the window is on screen: 0 when it shows
    what was asked for, 1 (with the reason on stderr) when the project could not be opened.
    With no screen, or without what Qt's window needs, it says so and returns 2 before Qt can
    abort the process with its own messages.
    """
    from fineauthor.ui.shell.display_check import display_problem

    if QApplication.instance() is None and (problem := display_problem()):
        print(f"fineauthor: {problem}", file=sys.stderr)
        return 2  # the command line's status for "could not be used at all"
    app = create_application()

    from fineauthor.ui.shell.error_dialog import install_exception_hooks, log, report_exception
    from fineauthor.ui.shell.main_window import MainWindow

    install_exception_hooks()
    log.info("FineAuthor %s starting", __version__)

    from fineauthor.core.settings import load_settings
    from fineauthor.ui.shell.theme import apply_theme

    apply_theme(str(load_settings()["theme"]))

    window = MainWindow()
    relay = FileOpenRelay(window.open_project, window)
    app.installEventFilter(relay)
    status = 0
    if project is not None:
        try:
            opened = window.open_project(Path(project))
        except Exception:
            # A bug, not a problem with the file: log it, show the dialog, start without it.
            report_exception(*sys.exc_info())
            window.start_page.show_message(
                app.translate(
                    "run_app", "The project could not be opened because of an unexpected problem."
                )
            )
            opened = False
        if not opened:
            message = window.start_page.message_label.text()
            log.info("Could not open %s: %s", project, message)
            if exit_when_ready:
                print(message, file=sys.stderr)
                status = 1

    if exit_when_ready:
        # The show event has been delivered by the time the zero timer fires in the event loop.
        window.first_shown.connect(lambda: QTimer.singleShot(0, lambda: app.exit(status)))
    window.show()
    result = app.exec()
    window.close()  # closes the project, its watchers and checks
    from fineauthor.ui.shell.workers import shutdown_workers

    shutdown_workers()
    return result
