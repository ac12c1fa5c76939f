"""Text as the model sees it: a row of token "chips", each with its number.

A model does not read letters or words but tokens: pieces of text from a fixed vocabulary, each
with a number (its id). The viewer shows any text split that way for the project's model, and
for comparison the way the retired GPT-3.5 split it: "Liz" is one piece (159136) for GPT-4o and
two for GPT-3.5. The wizard uses it to show why an unusual style name helps; the editor's "Show
as tokens" opens it on the writer's text.

Splitting a short text takes well under a millisecond once the tokenizer is loaded, so it is
done at once on the GUI thread; a long text, or the first text before the tokenizer has been
loaded, is split in the background and the chips arrive a moment later.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.errors import FineAuthorError
from fineauthor.ui.shell.workers import Task, run_in_background
from fineauthor.ui.widgets.token_chips import TokenChips
from fineauthor.ui.widgets.token_split import Chip, Tokenized, tokenize

COMPARISON_ENCODING = "cl100k_base"  # GPT-3.5's and GPT-4's encoding, for comparison
FALLBACK_ENCODING = "o200k_base"
SYNC_LIMIT = 2_000  # characters: shorter texts are split on the GUI thread
MAX_CHIPS = 5_000  # more chips than anyone reads; a longer text shows its start

# Encodings this process has loaded through the viewer; until then even a short text is split in
# the background, because loading a tokenizer takes about a second.
_warm: set[str] = set()


def _both(text: str, encoding: str) -> tuple[Tokenized, Tokenized]:
    """The text split for the model and for GPT-3.5."""
    return tokenize(text, encoding, MAX_CHIPS), tokenize(text, COMPARISON_ENCODING, MAX_CHIPS)


# -- the viewer -----------------------------------------------------------------------------------


def _short_name(name: str) -> str:
    """ "GPT-4o (August 2024)" → "GPT-4o": the summary line has little room."""
    return name.split(" (", 1)[0]


class TokenViewer(QWidget):
    """Any text as token chips for a model, with GPT-3.5's split for comparison.

    :meth:`set_text` and :meth:`set_model` may be called at any time; :attr:`updated` is emitted
    each time the chips and the summary show the current text.
    """

    updated = Signal()

    MODEL, COMPARISON = 0, 1  # the combo's two choices

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        model_id: str = "",
        show_explanation: bool = True,
    ) -> None:
        super().__init__(parent)
        self._text = ""
        self._generation = 0
        self._results: tuple[Tokenized, Tokenized] | None = None
        self._task: Task | None = None
        self._problem = ""
        self._model_label = "GPT-4o"
        self._encoding = FALLBACK_ENCODING
        self._exact = True
        self.setAccessibleName(self.tr("Text as tokens"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)

        layout.addLayout(self._build_top())

        self.explanation = QLabel(
            self.tr(
                "Each chip is one token, a piece of text the model reads as one unit, with its "
                "number underneath. A word the model knows well is one piece; an unusual name "
                "takes several."
            ),
            self,
        )
        self.explanation.setWordWrap(True)
        self.explanation.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.explanation.setVisible(show_explanation)
        layout.addWidget(self.explanation)

        self.chips_view = TokenChips()
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.StyledPanel)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.chips_view)
        self.scroll.setMinimumHeight(int(self.chips_view.minimumSizeHint().height()) + 16)
        layout.addWidget(self.scroll, 1)

        self.note_label = QLabel(self)
        self.note_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.note_label.setWordWrap(True)
        self.note_label.hide()
        layout.addWidget(self.note_label)

        self.set_model(model_id)

    def _build_top(self) -> QHBoxLayout:
        """The summary line, and the choice of whose pieces to show."""
        top = QHBoxLayout()
        top.setSpacing(8)
        self.summary_label = QLabel(self)
        self.summary_label.setAccessibleName(self.tr("Number of tokens"))
        self.summary_label.setWordWrap(True)
        heading = self.summary_label.font()
        heading.setBold(True)
        self.summary_label.setFont(heading)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.summary_label, 1)
        self.combo_label = QLabel(self.tr("Show the pieces for"), self)
        self.combo = QComboBox(self)
        self.combo.addItems(["", self.tr("GPT-3.5 (retired)")])
        self.combo.setAccessibleName(self.tr("Show the pieces for"))
        self.combo.setToolTip(
            self.tr(
                "Compare with GPT-3.5, an older, retired model with a smaller vocabulary: it "
                "often needs more pieces for the same words."
            )
        )
        self.combo_label.setBuddy(self.combo)
        self.combo.currentIndexChanged.connect(self._show)
        top.addWidget(self.combo_label)
        top.addWidget(self.combo)
        return top

    # -- public ---------------------------------------------------------------------------------

    @property
    def text(self) -> str:
        return self._text

    @property
    def encoding(self) -> str:
        """The encoding of the chips on show."""
        return (
            COMPARISON_ENCODING
            if self.combo.currentIndex() == self.COMPARISON
            else (self._encoding)
        )

    @property
    def model_encoding(self) -> str:
        return self._encoding

    @property
    def busy(self) -> bool:
        """Whether the current text is still being split in the background."""
        return self._results is None and bool(self._text) and not self._problem

    def chips(self) -> tuple[Chip, ...]:
        """The chips on show (empty while the text is being split)."""
        return self.chips_view.chips()

    def counts(self) -> tuple[int, int] | None:
        """Tokens of the text for the model and for GPT-3.5, once known."""
        if self._results is None:
            return None
        return self._results[0].count, self._results[1].count

    def summary(self) -> str:
        return self.summary_label.text()

    def set_comparing(self, comparing: bool) -> None:
        """Show GPT-3.5's pieces (True) or the model's (False)."""
        self.combo.setCurrentIndex(self.COMPARISON if comparing else self.MODEL)

    def set_model(self, model_id: str) -> None:
        """Split for this model (its encoding comes from the catalog). An empty or unknown id
        means the model FineAuthor counts with by default."""
        label, encoding, exact = self._model_facts(model_id)
        changed = encoding != self._encoding
        self._model_label, self._encoding, self._exact = label, encoding, exact
        self.combo.setItemText(self.MODEL, label)
        if changed:
            self._split()
        else:
            self._show()

    def set_text(self, text: str) -> None:
        """Show ``text`` as tokens."""
        if text == self._text and (self._results is not None or self._task is not None):
            return
        self._text = text
        self._split()

    # -- splitting ------------------------------------------------------------------------------

    def _model_facts(self, model_id: str) -> tuple[str, str, bool]:
        try:
            from fineauthor.core.catalog import load_catalog

            catalog = load_catalog()
            try:
                model = catalog.model(model_id)
            except FineAuthorError:
                model = catalog.model(catalog.default_check_model)
        except FineAuthorError:
            return "GPT-4o", FALLBACK_ENCODING, True
        return _short_name(model.name), model.encoding, model.encoding_exact

    def _split(self) -> None:
        self._generation += 1
        self._results = None
        self._problem = ""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        text, encoding = self._text, self._encoding
        if not text:
            self._show()
            return
        warm = encoding in _warm and COMPARISON_ENCODING in _warm
        if warm and len(text) < SYNC_LIMIT:
            try:
                self._results = _both(text, encoding)
            except FineAuthorError as problem:
                self._problem = str(problem)
            self._show()
            return
        generation = self._generation
        self._show()  # "splitting…" meanwhile
        self._task = run_in_background(
            lambda _progress, _cancelled: _both(text, encoding),
            on_success=lambda result: self._arrived(generation, result),
            on_failure=lambda message: self._failed(generation, message),
        )

    def _arrived(self, generation: int, result: tuple[Tokenized, Tokenized]) -> None:
        _warm.update(r.encoding for r in result)
        if generation != self._generation:
            return  # the text or the model changed meanwhile
        self._task = None
        self._results = result
        self._show()

    def _failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._task = None
        self._problem = message
        self._show()

    # -- showing --------------------------------------------------------------------------------

    def _show(self, *_args: object) -> None:
        locale = QLocale()
        results = self._results
        if self._problem:
            summary = self.tr("The text could not be split into tokens: %1").replace(
                "%1", self._problem
            )
            self.chips_view.set_chips(())
        elif not self._text:
            summary = self.tr("Type or choose some text to see its tokens.")
            self.chips_view.set_chips(())
        elif results is None:
            summary = self.tr("Splitting into tokens…")
            self.chips_view.set_chips(())
        else:
            ours, theirs = results
            count = locale.toString(ours.count)
            if ours.count == 1:
                first = self.tr("1 token for %2")
            elif self._exact:
                first = self.tr("%1 tokens for %2")
            else:  # the catalog counts this model with a stand-in encoding
                first = self.tr("about %1 tokens for %2")
            first = first.replace("%1", count).replace("%2", self._model_label)
            second = self.tr("%1 for GPT-3.5").replace("%1", locale.toString(theirs.count))
            summary = f"{first} · {second}"
            shown = theirs if self.combo.currentIndex() == self.COMPARISON else ours
            self.chips_view.set_chips(shown.chips)
            if not shown.complete:
                self.note_label.setText(
                    self.tr("Showing the first %1 of %2 tokens.")
                    .replace("%1", locale.toString(len(shown.chips)))
                    .replace("%2", locale.toString(shown.count))
                )
            self.note_label.setVisible(not shown.complete)
        if results is None:
            self.note_label.hide()
        self.summary_label.setText(summary)
        self._describe(summary)
        if results is not None or self._problem or not self._text:
            self.updated.emit()

    def _describe(self, summary: str) -> None:
        """What a screen reader says: the summary and the first pieces with their numbers."""
        chips = self.chips_view.chips()[:40]
        pieces = ", ".join(f"{self.chips_view.describe_chip(c)}" for c in chips)
        description = summary if not pieces else f"{summary}. {pieces}"
        self.chips_view.setAccessibleDescription(description)
        self.setAccessibleDescription(summary)


# -- the dialog ----------------------------------------------------------------------------------


def show_tokens_dialog(parent: QWidget | None, text: str, model_id: str) -> QDialog:
    """Open a small window showing ``text`` as tokens for ``model_id``; returns it (it closes
    itself and is deleted when the writer closes it)."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(dialog.tr("Your text as tokens"))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setAccessibleName(dialog.tr("Your text as the model reads it"))
    layout = QVBoxLayout(dialog)
    layout.setContentsMargins(16, 14, 16, 12)
    layout.setSpacing(10)
    viewer = TokenViewer(dialog, model_id=model_id)
    viewer.setObjectName("tokenViewer")
    layout.addWidget(viewer, 1)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.viewer = viewer  # type: ignore[attr-defined]  # for the editor and the tests
    viewer.set_text(text)
    dialog.resize(640, 400)
    dialog.show()
    return dialog
