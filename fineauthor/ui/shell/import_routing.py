"""Which import dialog a file goes to: a training file, a ChatGPT export, a manuscript or a
spreadsheet, told apart by its suffix and, for an export, by what it holds; and which dropped
files the main window takes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDialog, QWidget

from fineauthor import PROJECT_SUFFIX

if TYPE_CHECKING:
    from fineauthor.ui.shell.document import ProjectDocument

# Training files, and ChatGPT exports (the .zip, or its conversations.json), which
# open_import_dialog tells apart by what they hold.
DATASET_SUFFIXES = (".jsonl", ".zip", ".json")
# Writing to cut into examples (manuscript.reading.SUFFIXES and spreadsheet.SUFFIXES in
# core.importers).
MANUSCRIPT_SUFFIXES = (".txt", ".md", ".markdown", ".docx")
SPREADSHEET_SUFFIXES = (".csv", ".tsv")


def open_import_dialog(document: ProjectDocument, path: Path, parent: QWidget) -> QDialog:
    """Open the dialog that shows what ``path`` would add to ``document``: a training file, a
    ChatGPT export, a manuscript cut into chapters or scenes, or a spreadsheet's rows. Each
    has ``examplesAdded(ids)``."""
    from fineauthor.core.importers.chatgpt.export import is_chatgpt_export

    suffix = Path(path).suffix.lower()
    # A .docx is a zip too, and a manuscript may start with "[": suffixes decide first.
    writing = suffix in (*MANUSCRIPT_SUFFIXES, *SPREADSHEET_SUFFIXES)
    if not writing and is_chatgpt_export(path):  # the .zip ChatGPT emails, or its .json
        from fineauthor.ui.importing.chatgpt_dialog import ChatGPTImportDialog

        chatgpt = ChatGPTImportDialog(document, path, parent)
        chatgpt.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chatgpt.open()
        return chatgpt
    if suffix in MANUSCRIPT_SUFFIXES:
        from fineauthor.ui.importing.manuscript_dialog import ManuscriptImportDialog

        dialog = ManuscriptImportDialog(document, path, parent)
    elif suffix in SPREADSHEET_SUFFIXES:
        from fineauthor.ui.importing.spreadsheet_dialog import CSVImportDialog

        dialog = CSVImportDialog(document, path, parent)
    else:
        from fineauthor.ui.importing.training_file_dialog import ImportDialog

        dialog = ImportDialog(document, path, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def dropped_file(event: QDragEnterEvent | QDropEvent) -> Path | None:
    """The one local file a drag brings, if it is a project or a file FineAuthor imports."""
    urls = event.mimeData().urls()
    if len(urls) == 1 and urls[0].isLocalFile():
        path = Path(urls[0].toLocalFile())
        suffixes = (PROJECT_SUFFIX, *DATASET_SUFFIXES, *MANUSCRIPT_SUFFIXES, *SPREADSHEET_SUFFIXES)
        if path.suffix.lower() in suffixes:
            return path
    return None
