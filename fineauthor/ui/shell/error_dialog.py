"""The one friendly error dialog, and the log file behind it.

Any exception nobody caught (in the GUI thread, in a Qt slot or in a worker thread) is written
with its traceback to a rotating log file and shown to the writer as a calm dialog. The app keeps
running: every edit is already saved by the project, so nothing on screen is lost.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.settings import folders

LOG_FILE_NAME = "fineauthor.log"
_LOG_MAX_BYTES = 1_000_000
_LOG_BACKUPS = 3

log = logging.getLogger("fineauthor")


class _FineAuthorLogHandler(logging.FileHandler):
    """The app's log file. It is marked so that setting up again replaces it instead of
    doubling lines, and it is rotated when the app starts rather than while it writes: a
    session's log is small, and logging.handlers (with its network modules) stays off the
    start-up path."""


def _rotate(path: Path) -> None:
    """Keep ``_LOG_BACKUPS`` older logs once the current one has grown past the limit."""
    try:
        if path.stat().st_size <= _LOG_MAX_BYTES:
            return
    except OSError:
        return  # no log yet
    for number in range(_LOG_BACKUPS - 1, 0, -1):
        older = path.with_name(f"{path.name}.{number}")
        if older.exists():
            os.replace(older, path.with_name(f"{path.name}.{number + 1}"))
    os.replace(path, path.with_name(f"{path.name}.1"))


def setup_logging() -> Path | None:
    """Send FineAuthor's log to a rotating file in the logs folder; return that file.

    Returns None when the logs folder cannot be written: the app still runs, it just cannot
    keep details. Calling it again (a test with a new ``FINEAUTHOR_HOME``) moves the log.
    """
    path = folders().logs / LOG_FILE_NAME
    for handler in list(log.handlers):
        if isinstance(handler, _FineAuthorLogHandler):
            if Path(handler.baseFilename) == path.resolve():
                return path
            log.removeHandler(handler)
            handler.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _rotate(path)
        handler = _FineAuthorLogHandler(path, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    )
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return path


def current_log_file() -> Path | None:
    """The file the log is going to now, or None if logging to a file is not set up."""
    for handler in log.handlers:
        if isinstance(handler, _FineAuthorLogHandler):
            return Path(handler.baseFilename)
    return None


class ErrorDialog(QDialog):
    """Tells the writer something unexpected happened, that their work is safe, and where the
    details went. The traceback stays behind "Show details"."""

    def __init__(self, details: str, log_file: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("FineAuthor"))
        self.setAccessibleName(self.tr("Something went wrong"))
        self._log_file = log_file

        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)

        heading = QLabel(self.tr("Something went wrong"))
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        heading.setFont(font)

        self.message_label = QLabel(self._message_text())
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setAccessibleName(self.tr("What happened"))

        self.details_view = QPlainTextEdit(details)
        self.details_view.setReadOnly(True)
        self.details_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details_view.setAccessibleName(self.tr("Technical details"))
        self.details_view.setMinimumHeight(160)
        self.details_view.hide()

        self.details_button = QPushButton(self.tr("Show details"))
        self.details_button.setCheckable(True)
        self.details_button.setAccessibleName(self.tr("Show technical details"))
        self.details_button.toggled.connect(self._toggle_details)

        buttons = self._create_buttons()

        text = QVBoxLayout()
        text.setSpacing(8)
        text.addWidget(heading)
        text.addWidget(self.message_label)
        text.addStretch(1)
        top = QHBoxLayout()
        top.setSpacing(16)
        top.addWidget(icon)
        top.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(self.details_view, 1)
        layout.addWidget(buttons)
        # A wrapped label sizes itself for a narrow column; give it a comfortable measure.
        self.message_label.setMinimumWidth(self.fontMetrics().averageCharWidth() * 62)
        self.adjustSize()

    def _create_buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Keep working"))
        buttons.accepted.connect(self.accept)
        if self._log_file is not None:
            folder_button = buttons.addButton(
                self.tr("Open log folder"), QDialogButtonBox.ButtonRole.ActionRole
            )
            folder_button.setAccessibleName(self.tr("Open the folder with the log file"))
            folder_button.clicked.connect(self._open_log_folder)
        buttons.addButton(self.details_button, QDialogButtonBox.ButtonRole.HelpRole)
        return buttons

    def _message_text(self) -> str:
        text = self.tr(
            "FineAuthor ran into a problem it did not expect. Your work is saved: "
            "every change goes into your project the moment you make it. "
            "You can carry on; if the same thing keeps happening, restart FineAuthor."
        )
        if self._log_file is not None:
            text += "\n\n" + self.tr("The details were written to {log_file}").format(
                log_file=self._log_file
            )
        return text

    def add_details(self, details: str) -> None:
        """Another problem arrived while this dialog was open: keep it, do not stack dialogs."""
        self.details_view.appendPlainText("\n" + details)

    @Slot(bool)
    def _toggle_details(self, shown: bool) -> None:
        self.details_view.setVisible(shown)
        self.details_button.setText(self.tr("Hide details") if shown else self.tr("Show details"))
        self.adjustSize()

    @Slot()
    def _open_log_folder(self) -> None:
        if self._log_file is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._log_file.parent)))


class _Reporter(QObject):
    """Lives in the GUI thread; a signal carries reports from any thread to it."""

    report = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.dialog: ErrorDialog | None = None
        # Signals emitted from another thread arrive queued, so widgets are only touched here.
        self.report.connect(self._show, Qt.ConnectionType.QueuedConnection)

    @Slot(str)
    def _show(self, details: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add_details(details)
            return
        try:
            dialog = ErrorDialog(details, current_log_file(), QApplication.activeWindow())
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            # finished, not destroyed: deletion waits for the event loop, the next report may not.
            dialog.finished.connect(self._forget_dialog)
            # open(), not exec(): a nested event loop inside an exception hook invites re-entry.
            dialog.open()
        except Exception:
            # Raising here would come straight back to this slot, round and round.
            log.exception("The error dialog itself could not be shown")
            return
        self.dialog = dialog

    @Slot()
    def _forget_dialog(self) -> None:
        self.dialog = None


_reporter: _Reporter | None = None


def error_dialog() -> ErrorDialog | None:
    """The error dialog on screen now, if any (for tests and for the main window)."""
    return _reporter.dialog if _reporter is not None else None


def report_exception(
    kind: type[BaseException],
    value: BaseException,
    trace: TracebackType | None,
    thread_name: str | None = None,
) -> None:
    """Log an unexpected exception with its traceback and show the friendly dialog."""
    details = "".join(traceback.format_exception(kind, value, trace))
    where = f" in thread {thread_name}" if thread_name else ""
    log.error("Unexpected problem%s\n%s", where, details.rstrip())
    if sys.stderr is not None:  # None under pythonw on Windows
        # One plain line for a terminal; the traceback itself stays in the log (DESIGN §6).
        where_logged = current_log_file() or "nowhere (the log folder could not be written)"
        sys.stderr.write(f"FineAuthor: an unexpected problem; details in {where_logged}\n")
    if _reporter is not None:
        _reporter.report.emit(details)


def _excepthook(
    kind: type[BaseException], value: BaseException, trace: TracebackType | None
) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, trace)
        return
    report_exception(kind, value, trace)


def _threading_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return  # the default hook ignores a thread that exits on purpose, and so do we
    thread_name = args.thread.name if args.thread is not None else None
    value = args.exc_value if args.exc_value is not None else args.exc_type()
    report_exception(args.exc_type, value, args.exc_traceback, thread_name)


_previous_hooks: tuple[object, object] | None = None


def install_exception_hooks() -> Path | None:
    """Route every uncaught exception to the log and the dialog. Call once a QApplication
    exists, from the GUI thread. Returns the log file (None if it could not be created)."""
    global _reporter, _previous_hooks  # noqa: PLW0603 - one reporter per process, like the hooks
    log_file = setup_logging()
    if _reporter is None:
        _reporter = _Reporter()
    if _previous_hooks is None:
        _previous_hooks = (sys.excepthook, threading.excepthook)
    sys.excepthook = _excepthook
    threading.excepthook = _threading_excepthook
    return log_file


def uninstall_exception_hooks() -> None:
    """Put back the hooks that were there before :func:`install_exception_hooks` (for tests)."""
    global _previous_hooks  # noqa: PLW0603
    if _previous_hooks is not None:
        sys.excepthook, threading.excepthook = _previous_hooks  # type: ignore[assignment]
        _previous_hooks = None
