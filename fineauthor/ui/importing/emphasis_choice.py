"""The manuscript import's choice to keep a Word file's italics and bold: a check box that says
in one line what it does, and the two readings of the file it chooses between."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QWidget

from fineauthor.core.importers.manuscript.paragraphs import Manuscript
from fineauthor.core.importers.manuscript.reading import read_manuscript


def read_both(path: Path) -> tuple[Manuscript, Manuscript | None]:
    """The manuscript with its emphasis kept and, for a Word file (the only kind whose emphasis
    is not already written in its text), without it."""
    kept = read_manuscript(path)
    plain = read_manuscript(path, emphasis=False) if path.suffix.lower() == ".docx" else None
    return kept, plain


class EmphasisChoice(QCheckBox):
    """Ticked: italics and bold come in as Markdown's *italics* and **bold**. Shown only for
    Word files."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(self.tr("Keep italics and bold, written as *italics* and **bold**"))
        self.setChecked(True)
        self.setToolTip(
            self.tr(
                "The model learns where you put emphasis. Untick to bring in the words alone, "
                "without the stars."
            )
        )
        self.setAccessibleDescription(self.toolTip())
        self.hide()

    def offer(self, plain: Manuscript | None) -> None:
        """Show the choice when there is a reading without emphasis to choose."""
        self.setVisible(plain is not None)
