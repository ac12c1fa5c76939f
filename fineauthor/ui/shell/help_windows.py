"""Help: "What is a fine-tune?" in plain words, and the table of keyboard shortcuts.

Both open as small windows beside the work (not modal), so a writer can read while writing.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class Shortcut:
    """One row of the shortcuts table: what it does, and its keys in portable form."""

    action: str
    keys: tuple[str, ...]


class _HelpWindow(QDialog):
    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.close)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(self.tr("Close"))


class WhatIsAFineTuneDialog(_HelpWindow):
    """A short, plain explanation of what a fine-tune can and cannot do."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("What is a fine-tune?"), parent)
        self.text = QTextBrowser()
        self.text.setAccessibleName(self.tr("What a fine-tune is, explained"))
        self.text.setHtml(self.html())
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.buttons)
        self.resize(560, 660)

    def html(self) -> str:
        return self.tr(
            """
<h2>What is a fine-tune?</h2>
<p>A fine-tune is your own copy of an AI model that has studied examples of the writing you
want from it. Each example is a prompt you would really give the model, and the answer you
wish it had given. After enough of them, the model starts to answer new prompts the same way.</p>

<h3>What it changes</h3>
<p>How the model writes: its style and voice, how long its answers are (say, 2,000 words
every time), and its habits, such as bringing in dialogue early, or giving you straight away
the version you used to get only after asking twice.</p>

<h3>What it does not change</h3>
<p>A fine-tune does not learn your characters, your world or your plot. Those facts still
go in the prompt, every time. It shapes <i>how</i> the model writes, not <i>what</i> it
knows.</p>

<h3>Variety matters</h3>
<p>The model copies whatever your examples repeat. If many answers share a phrase
(“she bit her lip”) or the same town name, it will reach for them everywhere. Too much of one
pattern is called <b>overfitting</b>. The check report points out repeated phrases so you
can vary them.</p>

<h3>How many examples?</h3>
<p>Ten is the minimum to start with. Fifty to a hundred good examples usually show a clear
difference. Each should be an answer you would be proud of: a few excellent examples teach
more than many tired ones.</p>

<h3>A name for your style</h3>
<p>Give the model an unusual name in the system prompt, such as “You are Outline Mageddon”.
A name it has never seen becomes a clear signal for the style you taught it.</p>

<h3>Know your win</h3>
<p>Before you start, write down what would make you say it worked: “it writes 2,000 words”,
“it starts with dialogue”, “it stops saying ‘she bit her lip’”. That is your win condition,
and it tells you which examples to write.</p>

<h3>Your work stays with you</h3>
<p>Nothing leaves your computer until you press Train and agree to the estimated cost.</p>
"""
        )


class KeyboardShortcutsDialog(_HelpWindow):
    """Every shortcut, with its keys as this system shows them (⌘ on macOS)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Keyboard shortcuts"), parent)
        rows = self.shortcuts()
        self.table = QTableWidget(len(rows), 2)
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.table.setHorizontalHeaderLabels([self.tr("To do this"), self.tr("Press")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        for row, shortcut in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(shortcut.action))
            self.table.setItem(row, 1, QTableWidgetItem(self.native_keys(shortcut.keys)))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.resizeRowsToContents()
        frame = 2 * self.table.frameWidth()
        self.table.setMinimumHeight(self.table.verticalHeader().length() + header.height() + frame)
        note = QLabel(
            self.tr("There is no need to save: FineAuthor saves every change as you make it."),
            wordWrap=True,
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.buttons.setFocus()
        self.resize(520, self.sizeHint().height())

    def shortcuts(self) -> tuple[Shortcut, ...]:
        """The app's keyboard shortcuts, in the order the table shows them."""
        return (
            Shortcut(self.tr("New project"), ("Ctrl+N",)),
            Shortcut(self.tr("Open a project"), ("Ctrl+O",)),
            Shortcut(self.tr("Save (it only confirms: everything is already saved)"), ("Ctrl+S",)),
            Shortcut(self.tr("Close the project"), ("Ctrl+W",)),
            Shortcut(self.tr("Import examples from a file"), ("Ctrl+I",)),
            Shortcut(self.tr("Export for training"), ("Ctrl+E",)),
            Shortcut(self.tr("Undo"), ("Ctrl+Z",)),
            Shortcut(self.tr("Redo"), ("Ctrl+Shift+Z",)),
            Shortcut(self.tr("Find"), ("Ctrl+F",)),
            Shortcut(self.tr("Add an example"), ("Ctrl+Return",)),
            Shortcut(self.tr("Duplicate the example"), ("Ctrl+D",)),
            Shortcut(self.tr("Delete the example"), ("Del",)),
            Shortcut(self.tr("Show or hide the check report"), ("Ctrl+R",)),
            Shortcut(self.tr("Zoom in"), ("Ctrl+=",)),
            Shortcut(self.tr("Zoom out"), ("Ctrl+-",)),
            Shortcut(self.tr("Actual size"), ("Ctrl+0",)),
        )

    def native_keys(self, keys: tuple[str, ...]) -> str:
        """Keys as this system writes them (⌘ on macOS, Ctrl elsewhere)."""
        native = QKeySequence.SequenceFormat.NativeText
        return self.tr(" or ").join(QKeySequence(k).toString(native) for k in keys)


def show_what_is_a_fine_tune(parent: QWidget | None = None) -> WhatIsAFineTuneDialog:
    """Open the "What is a fine-tune?" window (not modal) and return it."""
    dialog = WhatIsAFineTuneDialog(parent)
    dialog.show()
    return dialog


def show_keyboard_shortcuts(parent: QWidget | None = None) -> KeyboardShortcutsDialog:
    """Open the keyboard shortcuts window (not modal) and return it."""
    dialog = KeyboardShortcutsDialog(parent)
    dialog.show()
    return dialog
